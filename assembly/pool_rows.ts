// The window and row machinery every pooling kernel shares (pool.ts has the overview).
//
// Max and average pooling are separable: every output of a row (od, oh) reads the same
// input rows. `windowRows` lists those rows, `reduceRows` combines them column by column
// (one contiguous SIMD pass) into a scratch row framed with the padding's neutral value
// (-inf for max, 0 for sums), and `reduceAlong` reduces along that row with the kernel's
// stride and dilation, four outputs per v128. The frame makes the second pass free of
// bounds checks.
//
// Exact or fast max, the family's one choice of how to take a maximum: Wasm's
// f32x4.max (NaN- and signed-zero-exact) costs about eight x86 instructions, f32x4.pmax
// one. Max pooling therefore runs with pmax (FAST_MAX) and sums every loaded vector on
// the side: the sum is NaN whenever a NaN (or both infinities) went in (`suspicious`),
// and then that output row is recomputed with the exact max (EXACT_MAX). Without NaNs
// the values are the same; only the sign of a zero maximum may differ from PyTorch's
// when -0 and +0 tie.
//
// Scratch (reserved by the caller, 16-byte aligned; poolScratchBytes gives the size):
// the framed row, the window's row offsets and, for averages, the divisor factors along
// W and a row of scales.

import { PoolDesc } from "./abi";
import { align16, fillF32 } from "./buffers";

export const NEG_INF: f32 = -Infinity;

// How values combine: exact max (NaN-propagating), fast max (pmax; the caller checks
// for NaNs), or sum.
export const EXACT_MAX = 0;
export const FAST_MAX = 1;
export const SUM = 2;

@inline
export function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** The neutral value of `op`: what padding holds. */
@inline
export function neutral(op: i32): f32 {
  return op == SUM ? 0 : NEG_INF;
}

// ---------------------------------------------------------------- scratch layout

/** Elements of the framed scratch row: the reach of the last window, at least the padded input. */
@inline
export function rowSpan(iW: i32, oW: i32, kW: i32, sW: i32, pW: i32, dW: i32): i32 {
  const reach = (oW - 1) * sW + (kW - 1) * dW + 1;
  return reach > pW + iW ? reach : pW + iW;
}

/** Bytes of the scratch row for `span` elements: 8 spare elements keep 16-byte alignment. */
@inline
export function rowBytes(span: i32): usize {
  return <usize>((span + 8) & ~3) << 2;
}

/** Bytes of a window's row list (rows[0..n], see windowRows). */
@inline
export function rowListBytes(n: i32): usize {
  return align16(<usize>(n + 1) << 2);
}

/**
 * Scratch bytes maxPool3d_f32, maxPool3dWithIndices_f32, avgPool3d_f32 and lpPool3d_f32
 * need for the call `desc` (a PoolDesc) describes.
 */
export function poolScratchBytes(desc: usize): usize {
  const d = changetype<PoolDesc>(desc);
  const span = rowSpan(d.inW, d.outW, d.kernelW, d.strideW, d.padW, d.dilationW);
  return rowBytes(span) + (<usize>(d.kernelD * d.kernelH + 4) << 2) + (<usize>(d.outW + 4) << 3);
}

/** Sets the frame of the scratch row: [0, pW) and [pW + iW, span + 4) hold `value`. */
export function frameRow(row: usize, pW: i32, iW: i32, span: i32, value: f32): void {
  fillF32(row, pW, value);
  fillF32(at(row, pW + iW), span + 4 - pW - iW, value);
}

// ---------------------------------------------------------------- windows

/** The first tap at or after 0 of a window starting at `start` with spacing `step`. */
@inline
export function firstTap(start: i32, step: i32): i32 {
  return start >= 0 ? start : start + ((step - 1 - start) / step) * step;
}

/**
 * Lists the input rows (kd, kh) a window starting at (dStart, hStart) covers, in
 * visiting order: rows[1..n] are the element offsets (id*iH + ih)*iW of the rows inside
 * the input. rows[0] is the offset of the first non-negative taps (id0, ih0) even when
 * they fall past the input: PyTorch's initial argmax for a window entirely in padding.
 * Positional on purpose: the kernels read their descriptor once, outside the row loops
 * (reading its fields here, once per output row, measured 3% slower on 3x3/2 max pooling).
 */
@inline
export function windowRows(rows: usize, dStart: i32, hStart: i32, iD: i32, iH: i32, iW: i32, kD: i32, kH: i32, dD: i32, dH: i32): i32 {
  store<i32>(rows, (firstTap(dStart, dD) * iH + firstTap(hStart, dH)) * iW);
  let n = 0;
  for (let kd = 0; kd < kD; kd++) {
    const id = dStart + kd * dD;
    if (id < 0 || id >= iD) continue;
    for (let kh = 0; kh < kH; kh++) {
      const ih = hStart + kh * dH;
      if (ih < 0 || ih >= iH) continue;
      n++;
      store<i32>(at(rows, n), (id * iH + ih) * iW);
    }
  }
  return n;
}

@inline
export function rowAt(src: usize, rows: usize, r: i32): usize {
  return at(src, load<i32>(at(rows, r)));
}

// ---------------------------------------------------------------- combining values

@inline
export function combine(a: v128, b: v128, op: i32): v128 {
  if (op == SUM) return f32x4.add(a, b);
  return op == FAST_MAX ? f32x4.pmax(a, b) : f32x4.max(a, b);
}

/**
 * Adds b to a, or PyTorch's max step: b replaces a when greater or NaN. Done in vector
 * registers because V8 compiles a scalar float select to branches, which mispredict
 * on every other random value.
 */
@inline
export function combine1(a: f32, b: f32, op: i32): f32 {
  if (op == SUM) return a + b;
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  return f32x4.extract_lane(v128.bitselect(vb, va, takes(vb, va)), 0);
}

/** PyTorch's max-pooling rule, per lane: v replaces the running maximum when greater, or when NaN. */
@inline
export function takes(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
}

/** The side sum of fast max: true when a NaN (or +inf with -inf) was among the values. */
@inline
export function suspicious(det: v128): bool {
  return v128.any_true(f32x4.ne(det, det));
}

// ---------------------------------------------------------------- the two passes

/**
 * dst[c] = a[c] (op) b[c] (op) e[c] for c < n, with only the first `count` (1 to 3) of
 * a, b, e. For FAST_MAX adds everything read to `det` (see `suspicious`) and returns it.
 */
@inline
function combineRows(dst: usize, a: usize, b: usize, e: usize, count: i32, n: i32, op: i32, det: v128): v128 {
  let c = 0;
  for (; c + 4 <= n; c += 4) {
    let v = v128.load(at(a, c));
    let t = v;
    if (count >= 2) {
      const w = v128.load(at(b, c));
      t = f32x4.add(t, w);
      v = combine(v, w, op);
    }
    if (count >= 3) {
      const w = v128.load(at(e, c));
      t = f32x4.add(t, w);
      v = combine(v, w, op);
    }
    if (op == FAST_MAX) det = f32x4.add(det, t);
    v128.store(at(dst, c), v);
  }
  for (; c < n; c++) {
    let v = load<f32>(at(a, c));
    let t = v;
    if (count >= 2) {
      const w = load<f32>(at(b, c));
      t += w;
      v = combine1(v, w, op);
    }
    if (count >= 3) {
      const w = load<f32>(at(e, c));
      t += w;
      v = combine1(v, w, op);
    }
    if (op == FAST_MAX) det = f32x4.add(det, f32x4.splat(t));
    store<f32>(at(dst, c), v);
  }
  return det;
}

/**
 * dst[c] = combination over the `nr` rows listed at rows[1..nr] of src[row + c], c < n,
 * three rows in the first pass and two more per later pass, so the scratch row is
 * written as few times as possible. Returns the NaN detector for FAST_MAX.
 */
@inline
export function reduceRows(dst: usize, src: usize, rows: usize, nr: i32, n: i32, op: i32): v128 {
  let det = f32x4.splat(0);
  if (nr == 0) {
    fillF32(dst, n, neutral(op));
    return det;
  }
  const r1 = rowAt(src, rows, 1);
  if (nr == 1) return combineRows(dst, r1, r1, r1, 1, n, op, det);
  if (nr == 2) return combineRows(dst, r1, rowAt(src, rows, 2), r1, 2, n, op, det);
  det = combineRows(dst, r1, rowAt(src, rows, 2), rowAt(src, rows, 3), 3, n, op, det);
  let r = 3;
  for (; r + 1 < nr; r += 2) det = combineRows(dst, dst, rowAt(src, rows, r + 1), rowAt(src, rows, r + 2), 3, n, op, det);
  if (r < nr) det = combineRows(dst, dst, rowAt(src, rows, r + 1), dst, 2, n, op, det);
  return det;
}

/** Elements p[0], p[2], p[4], p[6], reading nothing past p[6]. */
@inline
export function gather2(p: usize): v128 {
  return v128.shuffle<f32>(v128.load(p), v128.load(p, 12), 0, 2, 5, 7);
}

/** The even and odd lanes of the eight floats at p combined: taps 2j and 2j+1 of four outputs. */
@inline
function pairAt(p: usize, op: i32): v128 {
  const a = v128.load(p);
  const b = v128.load(p, 16);
  return combine(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7), op);
}

/**
 * out[j] = combination over kw < kW of src[j*sW + kw*dW], j < oW. Only src[0, avail)
 * is read. Strides 1 and 2 run four outputs per v128 (stride 2 with dilation 1 takes
 * two taps from each pair of loads); other strides and the last outputs are scalar.
 */
@inline
export function reduceAlong(out: usize, src: usize, avail: i32, oW: i32, kW: i32, sW: i32, dW: i32, op: i32): void {
  const reach = (kW - 1) * dW;
  let j = 0;
  if (sW == 1) {
    for (; j + 4 <= oW && j + 3 + reach < avail; j += 4) {
      const p = at(src, j);
      let acc = v128.load(p);
      for (let kw = 1; kw < kW; kw++) acc = combine(acc, v128.load(at(p, kw * dW)), op);
      v128.store(at(out, j), acc);
    }
  } else if (sW == 2 && dW == 1) {
    for (; j + 4 <= oW && 2 * j + 6 + reach < avail; j += 4) {
      const p = at(src, 2 * j);
      let acc: v128;
      let kw = 0;
      if (kW >= 2) {
        acc = pairAt(p, op);
        kw = 2;
      } else {
        acc = gather2(p);
        kw = 1;
      }
      for (; kw + 1 < kW; kw += 2) acc = combine(acc, pairAt(at(p, kw), op), op);
      if (kw < kW) acc = combine(acc, gather2(at(p, kw)), op);
      v128.store(at(out, j), acc);
    }
  } else if (sW == 2) {
    for (; j + 4 <= oW && 2 * j + 6 + reach < avail; j += 4) {
      const p = at(src, 2 * j);
      let acc = gather2(p);
      for (let kw = 1; kw < kW; kw++) acc = combine(acc, gather2(at(p, kw * dW)), op);
      v128.store(at(out, j), acc);
    }
  }
  for (; j < oW; j++) {
    const p = at(src, j * sW);
    let acc = load<f32>(p);
    for (let kw = 1; kw < kW; kw++) acc = combine1(acc, load<f32>(at(p, kw * dW)), op);
    store<f32>(at(out, j), acc);
  }
}
