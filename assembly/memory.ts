import { DESCRIPTOR_AREA_BYTES } from "./abi";

// Heap for tensor buffers and scratch space.
//
// Tensor buffers come from the runtime's TLSF allocator (`--runtime minimal`): blocks
// are 16-byte aligned (good for v128 loads) and freed blocks are reused, so a loop of
// create/dispose keeps the heap flat. TLSF traps when it cannot grow memory; the JS side
// turns that trap into a RangeError. Requests above TLSF's block limit (just under
// 1 GiB) would abort inside the allocator, so they are refused here with 0 instead.

const MAX_BLOCK_BYTES: usize = (1 << 30) - 64;

/** Allocates `bytes` (at least 16) and returns the address, or 0 when the request is too large. */
export function alloc(bytes: usize): usize {
  if (bytes > MAX_BLOCK_BYTES) return 0;
  return heap.alloc(bytes < 16 ? 16 : bytes);
}

/** Frees a block returned by `alloc`. 0 is ignored. */
export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}

/** Largest single block `alloc` accepts. */
export function maxAllocBytes(): usize {
  return MAX_BLOCK_BYTES;
}

// Scratch arena: one grow-only block that kernels needing temporary space (packed GEMM
// panels, im2col tiles) share. The JS side reserves it before a call and passes the
// pointer in, so kernels never allocate and the steady state allocates nothing.
let scratchPtr: usize = 0;
let scratchBytes: usize = 0;

/** Returns a scratch block of at least `bytes`, or 0 when it cannot be had. Earlier contents are lost when it grows. */
export function scratchReserve(bytes: usize): usize {
  if (bytes <= scratchBytes) return scratchPtr;
  // Forget the old block before allocating: if the allocation traps, no dangling pointer stays behind.
  const old = scratchPtr;
  scratchPtr = 0;
  scratchBytes = 0;
  free(old);
  // Grow by at least half again so a slowly rising series of sizes does not reallocate every call.
  let want = bytes + (bytes >> 1);
  if (want > MAX_BLOCK_BYTES) want = bytes;
  const ptr = alloc(want);
  if (ptr == 0) return 0;
  scratchPtr = ptr;
  scratchBytes = want;
  return ptr;
}

/** Current size of the scratch block in bytes. */
export function scratchSize(): usize {
  return scratchBytes;
}

// The descriptor area: one slot per descriptor type of abi.ts, where TypeScript writes a
// kernel's long argument lists before the call and passes the slot's address along.
const DESCRIPTORS: usize = memory.data(DESCRIPTOR_AREA_BYTES, 16);

/** Address of the descriptor area (DESCRIPTOR_AREA_BYTES bytes). */
export function descriptorArea(): usize {
  return DESCRIPTORS;
}
