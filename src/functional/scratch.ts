// The kernels' shared scratch arena (packed GEMM panels, padded inputs, col tiles): one
// grow-only heap block, reserved right before each kernel call and reused by the next.

import { rangeError } from "../errors";
import { heapSize, wasm } from "../wasm";

/** Reserves `bytes` of scratch and returns its address; throws a RangeError when the heap cannot hold it. */
export function reserveScratch(layer: string, bytes: number): number {
  let ptr = 0;
  // The kernels report sizes as i32: a negative size is one that overflowed 2 GiB.
  if (bytes < 0 || bytes > wasm().max_alloc_bytes()) {
    throw rangeError(layer, `cannot reserve ${bytes < 0 ? "over 2 GiB" : `${bytes} bytes`} of scratch space: larger than the largest Wasm heap block`);
  }
  try {
    ptr = wasm().scratch_reserve(bytes);
  } catch {
    // The allocator traps when memory.grow fails; the arena was emptied before it tried.
    ptr = 0;
  }
  if (ptr === 0) {
    throw rangeError(layer, `cannot reserve ${bytes} bytes of scratch space: the Wasm heap (${heapSize()} bytes now) cannot grow that far`);
  }
  return ptr;
}
