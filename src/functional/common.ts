// Shared by the functional layers that call kernels: optional-bias checks, contiguous
// operands, and the kernels' scratch arena (packed GEMM panels, padded inputs, col
// tiles: one grow-only heap block, reserved right before each kernel call and reused).

import { checkDtype, checkTensor } from "../args";
import { rangeError, shapeStr } from "../errors";
import { type Tensor } from "../tensor";
import { heapSize, threadPool, wasm } from "../wasm";

/** Checks that `t` is a live float32 tensor. */
export function floatTensor(layer: string, arg: string, t: unknown): Tensor {
  checkTensor(layer, arg, t);
  checkDtype(layer, arg, t, "float32");
  return t;
}

/** Checks an optional bias: absent (undefined/null) or a float32 tensor of shape [size]. */
export function optionalBias(layer: string, bias: unknown, size: number): Tensor | null {
  if (bias === undefined || bias === null) return null;
  checkTensor(layer, "bias", bias);
  checkDtype(layer, "bias", bias, "float32");
  if (bias.ndim !== 1 || bias.shape[0] !== size) {
    throw rangeError(layer, `expected bias of shape [${size}], got ${shapeStr(bias.shape)}`);
  }
  return bias;
}

/** Runs `fn` on contiguous versions of `tensors` and frees the copies afterwards. */
export function withContiguous<T>(tensors: (Tensor | null)[], fn: (c: (Tensor | null)[]) => T): T {
  const cs: (Tensor | null)[] = [];
  try {
    for (const t of tensors) cs.push(t === null ? null : t.contiguous());
    return fn(cs);
  } finally {
    cs.forEach((c, i) => {
      if (c !== null && c !== tensors[i]) c.dispose();
    });
  }
}

/** Reserves `bytes` of scratch and returns its address; throws a RangeError when the heap cannot hold it. */
export function reserveScratch(layer: string, bytes: number): number {
  // The kernels report sizes as i32: a negative size is one that overflowed 2 GiB.
  const largest = wasm().maxAllocBytes();
  if (bytes < 0 || bytes > largest) {
    throw rangeError(layer, `cannot reserve ${bytes < 0 ? "over 2 GiB" : `${bytes} bytes`} of scratch space: larger than the largest Wasm heap block`);
  }
  // With threads, one block per thread (src/pool.ts); where that much cannot be had, the call runs on one.
  const pool = threadPool();
  const all = pool === null ? bytes : pool.planScratch(bytes, (total) => total <= largest);
  let ptr = scratchBlock(all);
  if (ptr === 0 && all > bytes) {
    pool!.planScratch(bytes, () => false);
    ptr = scratchBlock(bytes);
  }
  if (ptr === 0) {
    throw rangeError(layer, `cannot reserve ${bytes} bytes of scratch space: the Wasm heap (${heapSize()} bytes now) cannot grow that far`);
  }
  return ptr;
}

/** The scratch arena grown to `bytes`, or 0 when the heap cannot grow that far. */
function scratchBlock(bytes: number): number {
  try {
    return wasm().scratchReserve(bytes);
  } catch {
    // The allocator traps when memory.grow fails; the arena was emptied before it tried.
    return 0;
  }
}
