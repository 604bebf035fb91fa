// Reductions over any set of dimensions of a possibly strided view: sum, mean, amax
// (reduce_f32) and argmax (argmax_i32).
//
// TypeScript splits the input's dimensions into kept ("outer") and reduced ("inner")
// ones, each list in the tensor's order with adjacent contiguous dimensions merged, and
// passes both in a ReduceDesc. Per output the kernel walks the reduced dimensions with an
// odometer; the innermost reduced dimension is one row. Three layouts:
//   - rows of stride 1 (sum over the last dimensions): 16 floats per step;
//   - reduced dimensions that are not innermost while the innermost kept dimension has
//     stride 1 (sum over the batch of [N, C]): four outputs at once, one vector load per
//     reduced position;
//   - anything else: one element at a time.
//
// Sums are blocked: each 16-float step is added pairwise in float32 (two roundings per
// value), and the partial sums are accumulated in float64, so the result is within a few
// float32 roundings of the exact sum whatever the length (1e7 ones sum to exactly 1e7).
// amax and argmax propagate NaN as PyTorch does; argmax returns the first maximum, and
// a NaN counts as the maximum (the first NaN wins).

import { MAX_WALK_DIMS, REDUCE_MAX, REDUCE_MEAN, ReduceDesc } from "./abi";
import { advanceWalk, cursor, startWalk } from "./walk";

// Counters of the inner walk over the reduced dimensions (the outer one is walk.ts's; the
// kernels run on the calling thread only).
const INNER: usize = memory.data(MAX_WALK_DIMS * 4, 16);

/** Float64 accumulators of one output (two f64x2 for the four lanes of a float32 vector). */
let acc0: v128 = f64x2.splat(0);
let acc1: v128 = f64x2.splat(0);

@inline function addWide(v: v128): void {
  acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(v));
  acc1 = f64x2.add(acc1, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
}

/** Sum of n contiguous floats into acc0/acc1 (pairwise in float32 within a 16-float block). */
@inline function sumRowContiguous(p: usize, n: i32): f64 {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = p + (<usize>i << 2);
    const s = f32x4.add(f32x4.add(v128.load(o), v128.load(o, 16)), f32x4.add(v128.load(o, 32), v128.load(o, 48)));
    addWide(s);
  }
  let tail: f64 = 0;
  for (; i < n; i++) tail += <f64>load<f32>(p + (<usize>i << 2));
  return tail;
}

@inline function maxRowContiguous(p: usize, n: i32, m: f32): f32 {
  let i = 0;
  if (n >= 16) {
    let v = v128.load(p);
    for (; i + 16 <= n; i += 16) {
      const o = p + (<usize>i << 2);
      v = f32x4.max(v, f32x4.max(f32x4.max(v128.load(o), v128.load(o, 16)), f32x4.max(v128.load(o, 32), v128.load(o, 48))));
    }
    v = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    v = f32x4.max(v, v128.shuffle<f32>(v, v, 1, 0, 3, 2));
    m = max(m, f32x4.extract_lane(v, 0));
  }
  for (; i < n; i++) m = max(m, load<f32>(p + (<usize>i << 2)));
  return m;
}

/** Resets the inner odometer; returns the number of rows (product of all but the last reduced size). */
@inline function innerRows(d: ReduceDesc): i32 {
  let rows = 1;
  for (let k = 0; k < d.innerNdim - 1; k++) {
    rows *= d.innerSize(k);
    store<i32>(INNER + (<usize>k << 2), 0);
  }
  return rows;
}

/** Advances the inner odometer by one row; returns the new row start. */
@inline function nextRow(p: usize, d: ReduceDesc): usize {
  for (let k = d.innerNdim - 2; k >= 0; k--) {
    const cAddr = INNER + (<usize>k << 2);
    const c = load<i32>(cAddr) + 1;
    const step = <isize>d.innerStride(k) << 2;
    if (c < d.innerSize(k)) {
      store<i32>(cAddr, c);
      return p + step;
    }
    store<i32>(cAddr, 0);
    p -= step * <isize>(c - 1);
  }
  return p;
}

/** Sum (or max) of the reduced elements starting at p, for one output. */
function reduceOne(p: usize, d: ReduceDesc, op: i32): f64 {
  const last = d.innerNdim - 1;
  const n = d.innerSize(last);
  const s = <isize>d.innerStride(last) << 2;
  const rows = innerRows(d);
  if (op == REDUCE_MAX) {
    let m: f32 = -Infinity;
    for (let r = 0; r < rows; r++) {
      if (s == 4) m = maxRowContiguous(p, n, m);
      else for (let i = 0; i < n; i++) m = max(m, load<f32>(p + <usize>(<isize>i * s)));
      p = nextRow(p, d);
    }
    return m;
  }
  acc0 = f64x2.splat(0);
  acc1 = f64x2.splat(0);
  let scalar: f64 = 0;
  for (let r = 0; r < rows; r++) {
    if (s == 4) scalar += sumRowContiguous(p, n);
    else for (let i = 0; i < n; i++) scalar += <f64>load<f32>(p + <usize>(<isize>i * s));
    p = nextRow(p, d);
  }
  const both = f64x2.add(acc0, acc1);
  return scalar + (f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1));
}

/** Four adjacent outputs (input stride 1 between them) reduced together: one vector per reduced position. */
function reduceFour(out: usize, outStep: usize, p: usize, d: ReduceDesc, op: i32, count: f64): void {
  const last = d.innerNdim - 1;
  const n = d.innerSize(last);
  const s = <isize>d.innerStride(last) << 2;
  const rows = innerRows(d);
  let m = f32x4.splat(-Infinity);
  acc0 = f64x2.splat(0);
  acc1 = f64x2.splat(0);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) {
      const v = v128.load(p + <usize>(<isize>i * s));
      if (op == REDUCE_MAX) m = f32x4.max(m, v);
      else addWide(v);
    }
    p = nextRow(p, d);
  }
  if (op == REDUCE_MAX) {
    store<f32>(out, f32x4.extract_lane(m, 0));
    store<f32>(out + outStep, f32x4.extract_lane(m, 1));
    store<f32>(out + 2 * outStep, f32x4.extract_lane(m, 2));
    store<f32>(out + 3 * outStep, f32x4.extract_lane(m, 3));
    return;
  }
  // acc0 holds lanes 0 and 1, acc1 lanes 2 and 3 (see addWide's shuffle); the mean divides in float64.
  const div: f64 = op == REDUCE_MEAN ? count : 1.0;
  store<f32>(out, <f32>(f64x2.extract_lane(acc0, 0) / div));
  store<f32>(out + outStep, <f32>(f64x2.extract_lane(acc0, 1) / div));
  store<f32>(out + 2 * outStep, <f32>(f64x2.extract_lane(acc1, 0) / div));
  store<f32>(out + 3 * outStep, <f32>(f64x2.extract_lane(acc1, 1) / div));
}

/**
 * out[kept] = sum / mean / max of input over the reduced dimensions (REDUCE_* in desc.op).
 * REQUIRES: 1 <= outerNdim, innerNdim <= MAX_WALK_DIMS; sizes >= 1 (a mean over zero
 * elements is not asked for: TypeScript fills it with NaN); out does not overlap input.
 */
export function reduce_f32(out: usize, input: usize, desc: usize): void {
  const d = changetype<ReduceDesc>(desc);
  const op = d.op;
  let count: f64 = 1;
  for (let k = 0; k < d.innerNdim; k++) count *= <f64>d.innerSize(k);
  const last = d.outerNdim - 1;
  const n = d.outerSize(last);
  const inStep = <isize>d.outerStride(last) << 2;
  const outStep = <isize>d.outStride(last) << 2;
  // Four outputs at once pays when their inputs are adjacent and a row would be strided.
  const four = inStep == 4 && d.innerStride(d.innerNdim - 1) != 1 && d.innerStride(d.innerNdim - 1) != 0;
  const outer = startWalk(input, out, last, d.outerSizesAt());
  for (let r = 0; r < outer; r++) {
    const p = cursor.a, o = cursor.b;
    let i = 0;
    if (four) {
      for (; i + 4 <= n; i += 4) reduceFour(o + <usize>(<isize>i * outStep), <usize>outStep, p + (<usize>i << 2), d, op, count);
    }
    for (; i < n; i++) {
      const v = reduceOne(p + <usize>(<isize>i * inStep), d, op);
      // The mean divides in float64 (v * (1/count) would round twice).
      store<f32>(o + <usize>(<isize>i * outStep), <f32>(op == REDUCE_MEAN ? v / count : v));
    }
    advanceWalk(last, d.outerSizesAt(), d.outerStridesAt(), d.outStridesAt());
  }
}

/**
 * out[kept] (int32) = index of the first maximum over the reduced dimensions, counted in
 * their row-major order (NaN counts as the maximum). Same descriptor as reduce_f32.
 */
export function argmax_i32(out: usize, input: usize, desc: usize): void {
  const d = changetype<ReduceDesc>(desc);
  const last = d.outerNdim - 1;
  const n = d.outerSize(last);
  const inStep = <isize>d.outerStride(last) << 2;
  const outStep = <isize>d.outStride(last) << 2;
  const rowLast = d.innerNdim - 1;
  const rowLen = d.innerSize(rowLast);
  const s = <isize>d.innerStride(rowLast) << 2;
  const outer = startWalk(input, out, last, d.outerSizesAt());
  for (let r = 0; r < outer; r++) {
    const base = cursor.a, o = cursor.b;
    for (let i = 0; i < n; i++) {
      let p = base + <usize>(<isize>i * inStep);
      const rows = innerRows(d);
      let best: f32 = load<f32>(p);
      let bestAt = 0;
      let at = 0;
      for (let q = 0; q < rows; q++) {
        for (let j = 0; j < rowLen; j++) {
          const v = load<f32>(p + <usize>(<isize>j * s));
          // Strictly greater keeps the first maximum; a NaN replaces any number, never another NaN.
          if (v > best || (v != v && best == best)) {
            best = v;
            bestAt = at;
          }
          at++;
        }
        p = nextRow(p, d);
      }
      store<i32>(o + <usize>(<isize>i * outStep), bestAt);
    }
    advanceWalk(last, d.outerSizesAt(), d.outerStridesAt(), d.outStridesAt());
  }
}
