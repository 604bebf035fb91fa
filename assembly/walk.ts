// The odometer of strided kernels (copyStrided_32, elementwiseStrided_f32, reduce_f32,
// topk_f32): the outer dimensions of a view are walked one row at a time, the last one
// fastest, moving two byte pointers (input and output, or two inputs) by their own strides.
// It runs once per row, not per element, so a plain call costs nothing measurable.

/** The two pointers a walk moves. */
@unmanaged export class Walk {
  a: usize;
  b: usize;
}

/** Zeroes the `dims` counters at `counters` and returns the number of rows: the product of the sizes (an i32 array). */
export function startWalk(counters: usize, dims: i32, sizes: usize): i32 {
  let rows = 1;
  for (let k = 0; k < dims; k++) {
    rows *= load<i32>(sizes + (<usize>k << 2));
    store<i32>(counters + (<usize>k << 2), 0);
  }
  return rows;
}

/**
 * One step of the odometer over dimensions [0, dims): moves w.a and w.b by the strides
 * (i32 arrays, in 4-byte elements) of the dimension that advances, and back to the start of
 * each dimension that wraps.
 */
export function advanceWalk(w: Walk, counters: usize, dims: i32, sizes: usize, aStrides: usize, bStrides: usize): void {
  for (let k = dims - 1; k >= 0; k--) {
    const at = <usize>k << 2;
    const c = load<i32>(counters + at) + 1;
    const da = <isize>load<i32>(aStrides + at) << 2;
    const db = <isize>load<i32>(bStrides + at) << 2;
    if (c < load<i32>(sizes + at)) {
      store<i32>(counters + at, c);
      w.a += da;
      w.b += db;
      return;
    }
    store<i32>(counters + at, 0);
    w.a -= da * <isize>(c - 1);
    w.b -= db * <isize>(c - 1);
  }
}
