// Heap blocks behind tensors: allocation with clear errors, reference counts shared by
// a tensor and its views, the finalizer safety net, and the counters memory() reports.

import { rangeError, shapeStr } from "./errors";
import { heapSize, wasm } from "./wasm";

/** Bytes per element of every dtype (float32, int32). */
export const BYTES_PER_ELEMENT = 4;

/** A heap block shared by a tensor and its views. */
export interface Storage {
  ptr: number;
  bytes: number;
  users: number;
}

const stats = { tensors: 0, bytes: 0 };

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
    wasm().free(storage.ptr);
    storage.ptr = 0;
  }
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
  let ptr = 0;
  try {
    ptr = k.alloc(bytes);
  } catch {
    // The allocator traps when memory.grow fails; it has not changed its state at that point.
    ptr = 0;
  }
  if (ptr === 0) {
    throw rangeError(
      layer,
      `cannot allocate a ${dtype} tensor of shape ${shapeStr(shape)} (${formatBytes(bytes)}): the Wasm heap (${formatBytes(heapSize())} now) cannot grow that far`,
    );
  }
  stats.bytes += bytes;
  return { ptr, bytes, users: 0 };
}

/** Live tensors and the heap bytes their blocks hold, like tf.memory(). */
export function memory(): { tensors: number; bytes: number; heapBytes: number; scratchBytes: number } {
  return {
    tensors: stats.tensors,
    bytes: stats.bytes,
    heapBytes: heapSize(),
    scratchBytes: wasm().scratchSize(),
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  return `${bytes} bytes`;
}
