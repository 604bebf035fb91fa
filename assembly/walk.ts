// The odometer of strided kernels (copyStrided_32, elementwiseStrided_f32, reduce_f32,
// argmax_i32, topk_f32): the outer dimensions of a view are walked one row at a time, the
// last one fastest, moving two byte pointers (input and output, or two inputs) by their
// own strides. It runs once per row, not per element, so a plain call costs nothing
// measurable. One walk at a time: kernels run on the calling thread and never nest walks.

import { MAX_STRIDED_DIMS } from "./abi";

/** The two pointers a walk moves. */
@unmanaged export class Walk {
  a: usize;
  b: usize;
}

/** The pointers of the walk in progress (read them between startWalk and the last advanceWalk). */
export const cursor = changetype<Walk>(memory.data(offsetof<Walk>(), 16));
// One counter per walked dimension.
const COUNTERS: usize = memory.data(MAX_STRIDED_DIMS * 4, 16);

/**
 * Starts a walk over `dims` dimensions whose sizes are the i32 array at `sizes`, with the
 * pointers at a and b; returns the number of rows (the product of the sizes).
 */
export function startWalk(a: usize, b: usize, dims: i32, sizes: usize): i32 {
  cursor.a = a;
  cursor.b = b;
  let rows = 1;
  for (let k = 0; k < dims; k++) {
    rows *= load<i32>(sizes + (<usize>k << 2));
    store<i32>(COUNTERS + (<usize>k << 2), 0);
  }
  return rows;
}

/**
 * One step of the odometer: moves cursor.a and cursor.b by the strides (i32 arrays, in 4-byte
 * elements) of the dimension that advances, and back to the start of each one that wraps.
 */
export function advanceWalk(dims: i32, sizes: usize, aStrides: usize, bStrides: usize): void {
  for (let k = dims - 1; k >= 0; k--) {
    const at = <usize>k << 2;
    const c = load<i32>(COUNTERS + at) + 1;
    const da = <isize>load<i32>(aStrides + at) << 2;
    const db = <isize>load<i32>(bStrides + at) << 2;
    if (c < load<i32>(sizes + at)) {
      store<i32>(COUNTERS + at, c);
      cursor.a += da;
      cursor.b += db;
      return;
    }
    store<i32>(COUNTERS + at, 0);
    cursor.a -= da * <isize>(c - 1);
    cursor.b -= db * <isize>(c - 1);
  }
}
