// topk along one dimension of a possibly strided view (topk_f32).
//
// Per row, a binary heap of the k best (value, index) pairs seen so far, with the worst
// of them at the top: each later element is compared with the top only, so a row costs
// O(n log k). Popping the heap then writes the k pairs best first. "Better" is PyTorch's
// order: for largest, a NaN beats every number (as in torch.sort); for smallest, every
// number beats a NaN; between equal values the lower index wins, so ties keep their
// order.

import { ReduceDesc } from "./abi";
import { advanceWalk, cursor, startWalk } from "./walk";


/** Whether (a, ia) ranks before (b, ib). */
@inline function better(a: f32, ia: i32, b: f32, ib: i32, largest: bool): bool {
  const aNaN = a != a;
  const bNaN = b != b;
  if (aNaN || bNaN) {
    if (aNaN && bNaN) return ia < ib;
    return largest ? aNaN : bNaN;
  }
  if (a == b) return ia < ib;
  return largest ? a > b : a < b;
}

@inline function valueAt(heap: usize, i: i32): f32 { return load<f32>(heap + (<usize>i << 3)); }
@inline function indexAt(heap: usize, i: i32): i32 { return load<i32>(heap + (<usize>i << 3), 4); }
@inline function put(heap: usize, i: i32, v: f32, at: i32): void {
  store<f32>(heap + (<usize>i << 3), v);
  store<i32>(heap + (<usize>i << 3), at, 4);
}

/** Moves the pair at slot i down while a child ranks after it (the worst stays on top). */
function siftDown(heap: usize, size: i32, i: i32, largest: bool): void {
  const v = valueAt(heap, i);
  const at = indexAt(heap, i);
  while (true) {
    const l = 2 * i + 1;
    if (l >= size) break;
    let c = l;
    // The child that ranks worse goes up.
    if (l + 1 < size && better(valueAt(heap, l), indexAt(heap, l), valueAt(heap, l + 1), indexAt(heap, l + 1), largest)) c = l + 1;
    if (!better(v, at, valueAt(heap, c), indexAt(heap, c), largest)) break;
    put(heap, i, valueAt(heap, c), indexAt(heap, c));
    i = c;
  }
  put(heap, i, v, at);
}

/** Moves the pair at slot i up while it ranks after its parent. */
function siftUp(heap: usize, i: i32, largest: bool): void {
  const v = valueAt(heap, i);
  const at = indexAt(heap, i);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!better(valueAt(heap, parent), indexAt(heap, parent), v, at, largest)) break;
    put(heap, i, valueAt(heap, parent), indexAt(heap, parent));
    i = parent;
  }
  put(heap, i, v, at);
}

/** The k best of n floats at p (step bytes apart) into values / indices (outStep bytes apart), best first. */
function topkRow(values: usize, indices: usize, outStep: isize, p: usize, step: isize, n: i32, k: i32, heap: usize, largest: bool): void {
  if (k == 0) return;
  let size = 0;
  for (let i = 0; i < n; i++) {
    const v = load<f32>(p + <usize>(<isize>i * step));
    if (size < k) {
      put(heap, size, v, i);
      siftUp(heap, size, largest);
      size++;
    } else if (better(v, i, valueAt(heap, 0), indexAt(heap, 0), largest)) {
      put(heap, 0, v, i);
      siftDown(heap, size, 0, largest);
    }
  }
  // Pop the worst into the last free output slot.
  for (let j = k - 1; j >= 0; j--) {
    store<f32>(values + <usize>(<isize>j * outStep), valueAt(heap, 0));
    store<i32>(indices + <usize>(<isize>j * outStep), indexAt(heap, 0));
    size--;
    if (size > 0) {
      put(heap, 0, valueAt(heap, size), indexAt(heap, size));
      siftDown(heap, size, 0, largest);
    }
  }
}

/**
 * values / indices (int32) = the k best elements of each row along the reduced dimension
 * (innerSizes[0] elements, innerStrides[0] apart), sorted best first; outer dimensions as in
 * reduce_f32, the k results of a row outKStride elements apart in both outputs.
 * REQUIRES: innerNdim = 1, 0 <= k <= innerSizes[0]; scratch holds 8 * k bytes.
 */
export function topk_f32(values: usize, indices: usize, input: usize, scratch: usize, desc: usize): void {
  const d = changetype<ReduceDesc>(desc);
  const largest = d.largest != 0;
  const n = d.innerSize(0);
  const step = <isize>d.innerStride(0) << 2;
  const outK = <isize>d.outKStride << 2;
  const last = d.outerNdim - 1;
  // Every kept dimension is walked here (each row is one topk), so the walk covers last + 1 of them.
  const outer = startWalk(input, 0, last + 1, d.outerSizesAt());
  for (let r = 0; r < outer; r++) {
    topkRow(values + cursor.b, indices + cursor.b, outK, cursor.a, step, n, d.k, scratch, largest);
    advanceWalk(last + 1, d.outerSizesAt(), d.outerStridesAt(), d.outStridesAt());
  }
}
