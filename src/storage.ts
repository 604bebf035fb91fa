// Heap blocks behind tensors: allocation with clear errors, reference counts shared by
// a tensor and its views, the finalizer safety net, and the counters memory() reports.
// Two things live beside the blocks:
// - a version per block, bumped by every write into an existing tensor, and the weight
//   caches hung on it (weight-cache.ts), freed by that bump or with the block;
// - a pool of freed blocks by exact size: a model's forward pass asks for the same sizes
//   in the same order every call, so from the second call on it takes them all from the
//   pool and the Wasm allocator is not called at all.

import { rangeError, shapeStr } from "./errors";
import { heapSize, wasm } from "./wasm";

/** Bytes per element of every dtype (float32, int32). */
export const BYTES_PER_ELEMENT = 4;

/** A heap block shared by a tensor and its views. */
export interface Storage {
  ptr: number;
  bytes: number;
  users: number;
  /** Unique per block for the life of the process (cache keys name blocks by it). */
  readonly id: number;
  /** Bumped by every write into the block after it was first filled (markWritten). */
  version: number;
  /** Weights prepared from this block for a kernel, by slot (weight-cache.ts); null when none. */
  caches: Map<string, CacheBlock> | null;
}

/** A heap block derived from a tensor's values (packed or transformed weights). */
export interface CacheBlock {
  /** What the block was computed from: the slot is stale when the key differs. */
  key: string;
  ptr: number;
  bytes: number;
}

const stats = { tensors: 0, bytes: 0, cacheBytes: 0, pooledBytes: 0, allocations: 0 };
let nextId = 1;

/**
 * Freed blocks kept for reuse, by exact byte count. Bounded: past POOL_LIMIT bytes a freed
 * block goes back to the allocator, and a failed allocation empties the pool and retries.
 */
const pool = new Map<number, number[]>();
const POOL_LIMIT = 256 * 2 ** 20;

// Safety net for tensors that were never disposed: when the JS object is collected its
// share of the block is released. Programs should still dispose (or tidy) explicitly:
// collection may come late or never.
const finalizer =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Storage>((storage) => {
        stats.tensors--;
        release(storage);
      })
    : null;

function release(storage: Storage): void {
  if (--storage.users === 0) {
    stats.bytes -= storage.bytes;
    dropCaches(storage);
    recycle(storage.ptr, storage.bytes);
    storage.ptr = 0;
  }
}

/**
 * Returns a block to the pool. A pool that would pass POOL_LIMIT is emptied first: its
 * blocks are the sizes of an earlier workload, and the current one refills it in one call.
 */
function recycle(ptr: number, bytes: number): void {
  if (bytes === 0 || bytes > POOL_LIMIT) {
    wasm().free(ptr);
    return;
  }
  if (stats.pooledBytes + bytes > POOL_LIMIT) emptyPool();
  let free = pool.get(bytes);
  if (free === undefined) pool.set(bytes, (free = []));
  free.push(ptr);
  stats.pooledBytes += bytes;
}

/** Hands every pooled block back to the allocator (before giving up on an allocation). */
export function emptyPool(): void {
  const k = wasm();
  for (const free of pool.values()) for (const ptr of free) k.free(ptr);
  pool.clear();
  stats.pooledBytes = 0;
}

/** A raw block of `bytes` from the pool or the allocator; 0 when the heap cannot grow that far. */
export function rawAlloc(bytes: number): number {
  const free = pool.get(bytes);
  if (free !== undefined && free.length > 0) {
    stats.pooledBytes -= bytes;
    return free.pop()!;
  }
  const tryAlloc = (): number => {
    stats.allocations++;
    try {
      return wasm().alloc(bytes);
    } catch {
      // The allocator traps when memory.grow fails; it has not changed its state at that point.
      return 0;
    }
  };
  let ptr = tryAlloc();
  if (ptr === 0 && stats.pooledBytes > 0) {
    emptyPool();
    ptr = tryAlloc();
  }
  return ptr;
}


/**
 * Records a write into an existing block (copy_, fill_, init, a state dict, running
 * statistics): its version moves on and every cache computed from it is freed, so a
 * stale cache can never be read.
 */
export function markWritten(storage: Storage): void {
  storage.version++;
  dropCaches(storage);
}

function dropCaches(storage: Storage): void {
  if (storage.caches === null) return;
  for (const c of storage.caches.values()) freeCache(c);
  storage.caches = null;
}

/** Straight back to the allocator, not the pool: a cache's size is rarely asked for again. */
function freeCache(c: CacheBlock): void {
  stats.cacheBytes -= c.bytes;
  wasm().free(c.ptr);
}

/** The cache block in `slot` of `storage` (weight-cache.ts), if any. */
export function cacheOf(storage: Storage, slot: string): CacheBlock | undefined {
  return storage.caches?.get(slot);
}

/**
 * Puts `block` (from rawAlloc, now owned here) in `slot` of `storage`, counted by
 * memory().cacheBytes; the block it replaces is freed, and null only empties the slot.
 */
export function setCache(storage: Storage, slot: string, block: CacheBlock | null): void {
  const old = storage.caches?.get(slot);
  if (old !== undefined) {
    storage.caches!.delete(slot);
    freeCache(old);
  }
  if (block === null) return;
  (storage.caches ??= new Map()).set(slot, block);
  stats.cacheBytes += block.bytes;
}

/** @internal Calls into the Wasm allocator so far (tests check that a warm forward makes none). */
export function allocatorCalls(): number {
  return stats.allocations;
}

/** Counts `owner` (a new tensor or view) as a user of `storage`, with the finalizer as a safety net. */
export function attach(owner: object, storage: Storage): void {
  storage.users++;
  stats.tensors++;
  finalizer?.register(owner, storage, owner);
}

/** Ends `owner`'s use of `storage`; the block is freed with its last user. */
export function detach(owner: object, storage: Storage): void {
  finalizer?.unregister(owner);
  stats.tensors--;
  release(storage);
}

/**
 * The largest tensor: 2^30 - 64 bytes (just under 1 GiB), the largest block the Wasm
 * allocator hands out, so 268,435,440 float32 or int32 elements. Larger requests throw
 * a RangeError naming the function called and leave the heap as it was.
 */
export const MAX_TENSOR_BYTES = 2 ** 30 - 64;

/** The most elements one tensor can hold (see MAX_TENSOR_BYTES). */
export const MAX_TENSOR_ELEMENTS = Math.floor(MAX_TENSOR_BYTES / BYTES_PER_ELEMENT);

/**
 * A fresh block for `numel` elements. `layer` names the caller in the RangeError thrown
 * when the heap cannot hold it.
 */
export function allocate(layer: string, shape: readonly number[], numel: number, dtype: string): Storage {
  const bytes = numel * BYTES_PER_ELEMENT;
  const k = wasm();
  // `!(<=)` also refuses NaN, and no byte count above 2^32 reaches the 32-bit allocator.
  // Every dimension is bounded too, even when another is 0 (a non-empty tensor is bounded
  // by its byte count below): kernels index with 32-bit integers.
  const tooLong = numel === 0 ? shape.find((d) => !(d <= MAX_TENSOR_ELEMENTS)) : undefined;
  if (tooLong !== undefined) {
    throw rangeError(layer, `cannot make a ${dtype} tensor of shape ${shapeStr(shape)}: a dimension of ${tooLong} is more than the most elements a tensor can hold (${MAX_TENSOR_ELEMENTS})`);
  }
  if (!Number.isSafeInteger(numel) || numel < 0 || !(bytes <= Math.min(k.maxAllocBytes(), MAX_TENSOR_BYTES))) {
    throw rangeError(
      layer,
      `cannot allocate a ${dtype} tensor of shape ${shapeStr(shape)} (${formatBytes(bytes)}): larger than the largest Wasm heap block (${formatBytes(k.maxAllocBytes())})`,
    );
  }
  const ptr = rawAlloc(bytes);
  if (ptr === 0) {
    throw rangeError(
      layer,
      `cannot allocate a ${dtype} tensor of shape ${shapeStr(shape)} (${formatBytes(bytes)}): the Wasm heap (${formatBytes(heapSize())} now) cannot grow that far`,
    );
  }
  stats.bytes += bytes;
  return { ptr, bytes, users: 0, id: nextId++, version: 0, caches: null };
}

/**
 * Live tensors and the heap bytes their blocks hold, like tf.memory(); also the bytes of
 * weights prepared for kernels (cacheBytes, freed with their tensors), of freed blocks
 * kept for reuse (pooledBytes), the heap's size and the scratch arena's.
 */
export function memory(): { tensors: number; bytes: number; cacheBytes: number; pooledBytes: number; heapBytes: number; scratchBytes: number } {
  return {
    tensors: stats.tensors,
    bytes: stats.bytes,
    cacheBytes: stats.cacheBytes,
    pooledBytes: stats.pooledBytes,
    heapBytes: heapSize(),
    scratchBytes: wasm().scratchSize(),
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  return `${bytes} bytes`;
}
