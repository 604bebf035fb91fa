// How one kernel call is shared between threads (the threaded build's worker pool).
//
// A threaded call runs the same kernel with the same arguments on every thread of the
// pool; only the part differs. Each shared kernel's outermost independent loop (columns of
// a GEMM, Winograd tiles, planes of a pooling or a depthwise convolution, channels of a
// normalisation, elements of an activation) takes the slice partStart..partEnd of its
// work, and writes nothing outside it, so the threads never wait for each other and no
// result depends on how many there are. Scratch space is reserved once per thread: a
// thread's parts use partScratch(scratch), its own block inside the one the caller
// reserved (a thread may compute several parts of a call, one after another).
// Globals belong to an instance, and every thread has its own instance: a kernel called
// outside the pool (and every kernel of the plain build) is part 0 of 1, the whole range.

let index: i32 = 0;
let count: i32 = 1;
let scratchOffset: usize = 0;

/** Makes the next kernel calls part `i` of `n`, with this thread's scratch block `offset` bytes into the caller's. */
export function setPart(i: i32, n: i32, offset: usize): void {
  index = i;
  count = n;
  scratchOffset = offset;
}

/** Where slice `i` of `total` units, cut in whole multiples of `grain`, starts. */
@inline function edge(total: i32, grain: i32, i: i32): i32 {
  if (i >= count) return total;
  const units = (<i64>total + grain - 1) / grain;
  return <i32>min(<i64>total, units * i / count * grain);
}

/** First unit of this thread's share of `total` units (shares are whole multiples of `grain`). */
@inline export function partStart(total: i32, grain: i32): i32 {
  return edge(total, grain, index);
}

/** End (exclusive) of this thread's share of `total` units. */
@inline export function partEnd(total: i32, grain: i32): i32 {
  return edge(total, grain, index + 1);
}

/** Number of threads sharing the current call. */
@inline export function partCount(): i32 {
  return count;
}

/** This thread's own scratch block inside the block the caller reserved for all of them. */
@inline export function partScratch(scratch: usize): usize {
  return scratch + scratchOffset;
}
