// Weights prepared for a kernel (the GEMM's packed panels, Winograd's transformed tiles,
// the stacked weights of a sub-pixel transposed convolution), computed once per weight
// version and reused by every later call.
//
// A prepared block hangs on the heap block of the tensor it was computed from, in a slot
// named by its use ("conv", "subpixel"); each slot holds one block. Its key names
// everything the block was computed from: the tensors (block, version, view) and the
// kernel's layout. A call whose key differs recomputes the slot in place of the old block.
// Any write into the tensor (markWritten in storage.ts) frees its blocks at once, and
// they are freed with the tensor's memory, so a stale block is never read and none
// outlives its weights. memory().cacheBytes counts them.

import { cacheOf, rawAlloc, setCache } from "./storage";
import { type Tensor } from "./tensor";

/** The identity and contents of a tensor for a cache key: its block, that block's version, and the view. */
export function stamp(t: Tensor | null): string {
  if (t === null) return "none";
  const s = t.storage;
  return `${s.id}v${s.version}@${t.offset}[${t.shape.join(",")}/${t.strides.join(",")}]`;
}

/**
 * The address of `bytes` of weights prepared from `owner` for `slot`: the cached block when
 * its key is `key`, otherwise a new block filled by `fill(address)`. Returns 0 when there
 * is nothing to cache (bytes <= 0) or the heap has no room for it: the kernel then
 * prepares the weights per call, as without a cache.
 */
export function preparedWeights(owner: Tensor, slot: string, key: string, bytes: number, fill: (ptr: number) => void): number {
  if (!(bytes > 0)) return 0;
  const storage = owner.storage;
  const current = cacheOf(storage, slot);
  if (current !== undefined && current.key === key && current.bytes === bytes) return current.ptr;
  setCache(storage, slot, null);
  const ptr = rawAlloc(bytes);
  if (ptr === 0) return 0;
  // Owned by the slot before it is filled, so a throwing fill leaves nothing behind.
  setCache(storage, slot, { key: "", ptr, bytes });
  try {
    fill(ptr);
  } catch (e) {
    setCache(storage, slot, null);
    throw e;
  }
  cacheOf(storage, slot)!.key = key;
  return ptr;
}
