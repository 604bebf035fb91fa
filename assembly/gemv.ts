// Matrix-vector products for linear layers on one row or a few: the weight matrix is
// streamed once in its stored order, without the packing a GEMM would pay for
// (src/functional/linear.ts picks these up to SMALL_ROWS rows).

import { hsum, madd } from "./simd";
import { partEnd, partStart } from "./parts";

/**
 * y[n] = sum_k w[n*K + k] * x[k] (+ bias[n]): one row of a linear layer. Streams four
 * weight rows per pass with four vector accumulators, no packing.
 * REQUIRES: y does not overlap w or x.
 */
export function gemv_f32(y: usize, x: usize, w: usize, bias: usize, N: i32, K: i32): void {
  // This thread's share of the rows (parts.ts), in the groups of four the loop below takes.
  const n0 = partStart(N, 4), n1 = partEnd(N, 4);
  const at = <usize>n0 << 2;
  gemv(y + at, x, w + at * <usize>K, bias != 0 ? bias + at : 0, n1 - n0, K);
}

function gemv(y: usize, x: usize, w: usize, bias: usize, N: i32, K: i32): void {
  const rowBytes = <usize>K << 2;
  const k4 = K & ~3;
  let n = 0;
  for (; n + 4 <= N; n += 4) {
    const w0 = w + <usize>n * rowBytes;
    const w1 = w0 + rowBytes;
    const w2 = w1 + rowBytes;
    const w3 = w2 + rowBytes;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
    let k = 0;
    // Two vectors per row per step: eight independent accumulators keep more loads in flight.
    for (; k + 8 <= K; k += 8) {
      const o = <usize>k << 2;
      const xv = v128.load(x + o);
      const xw = v128.load(x + o, 16);
      a0 = madd(v128.load(w0 + o), xv, a0);
      b0 = madd(v128.load(w0 + o, 16), xw, b0);
      a1 = madd(v128.load(w1 + o), xv, a1);
      b1 = madd(v128.load(w1 + o, 16), xw, b1);
      a2 = madd(v128.load(w2 + o), xv, a2);
      b2 = madd(v128.load(w2 + o, 16), xw, b2);
      a3 = madd(v128.load(w3 + o), xv, a3);
      b3 = madd(v128.load(w3 + o, 16), xw, b3);
    }
    for (; k < k4; k += 4) {
      const o = <usize>k << 2;
      const xv = v128.load(x + o);
      a0 = madd(v128.load(w0 + o), xv, a0);
      a1 = madd(v128.load(w1 + o), xv, a1);
      a2 = madd(v128.load(w2 + o), xv, a2);
      a3 = madd(v128.load(w3 + o), xv, a3);
    }
    a0 = f32x4.add(a0, b0);
    a1 = f32x4.add(a1, b1);
    a2 = f32x4.add(a2, b2);
    a3 = f32x4.add(a3, b3);
    // Horizontal sums of the four accumulators at once, in hsum's pairwise order:
    // (l0 + l1) + (l2 + l3) of each.
    const t0 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 2, 6), v128.shuffle<f32>(a0, a1, 1, 5, 3, 7));
    const t1 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 2, 6), v128.shuffle<f32>(a2, a3, 1, 5, 3, 7));
    const sums = f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
    let s0 = f32x4.extract_lane(sums, 0), s1 = f32x4.extract_lane(sums, 1);
    let s2 = f32x4.extract_lane(sums, 2), s3 = f32x4.extract_lane(sums, 3);
    for (let k = k4; k < K; k++) {
      const o = <usize>k << 2;
      const xv = load<f32>(x + o);
      s0 += load<f32>(w0 + o) * xv;
      s1 += load<f32>(w1 + o) * xv;
      s2 += load<f32>(w2 + o) * xv;
      s3 += load<f32>(w3 + o) * xv;
    }
    if (bias != 0) {
      const bp = bias + (<usize>n << 2);
      s0 += load<f32>(bp); s1 += load<f32>(bp, 4); s2 += load<f32>(bp, 8); s3 += load<f32>(bp, 12);
    }
    const yp = y + (<usize>n << 2);
    store<f32>(yp, s0); store<f32>(yp, s1, 4); store<f32>(yp, s2, 8); store<f32>(yp, s3, 12);
  }
  for (; n < N; n++) {
    const wr = w + <usize>n * rowBytes;
    let acc = f32x4.splat(0);
    for (let k = 0; k < k4; k += 4) {
      const o = <usize>k << 2;
      acc = madd(v128.load(wr + o), v128.load(x + o), acc);
    }
    let s = hsum(acc);
    for (let k = k4; k < K; k++) s += load<f32>(wr + (<usize>k << 2)) * load<f32>(x + (<usize>k << 2));
    if (bias != 0) s += load<f32>(bias + (<usize>n << 2));
    store<f32>(y + (<usize>n << 2), s);
  }
}

/**
 * y[r, n] = sum_k w[n*K + k] * x[r*K + k] (+ bias[n]) for R = 2..4 rows: a linear layer on
 * a small batch. Two weight rows at a time meet all R input rows, so the weight matrix
 * is streamed once instead of once per row (and without packing it).
 * REQUIRES: 1 <= R <= 4; y does not overlap w or x.
 */
export function gemvRows_f32(y: usize, x: usize, w: usize, bias: usize, R: i32, N: i32, K: i32): void {
  const rowBytes = <usize>K << 2;
  // Rows past R repeat the last row; their results are not stored.
  const x0 = x;
  const x1 = x + <usize>min(1, R - 1) * rowBytes;
  const x2 = x + <usize>min(2, R - 1) * rowBytes;
  const x3 = x + <usize>min(3, R - 1) * rowBytes;
  const k4 = K & ~3;
  let n = 0;
  for (; n < N; n += 2) {
    const pair = n + 1 < N;
    const w0 = w + <usize>n * rowBytes;
    // A lone last row is paired with itself.
    const w1 = pair ? w0 + rowBytes : w0;
    let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
    let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
    for (let k = 0; k < k4; k += 4) {
      const o = <usize>k << 2;
      const v0 = v128.load(w0 + o);
      const v1 = v128.load(w1 + o);
      let xv = v128.load(x0 + o);
      a00 = madd(xv, v0, a00);
      a01 = madd(xv, v1, a01);
      xv = v128.load(x1 + o);
      a10 = madd(xv, v0, a10);
      a11 = madd(xv, v1, a11);
      xv = v128.load(x2 + o);
      a20 = madd(xv, v0, a20);
      a21 = madd(xv, v1, a21);
      xv = v128.load(x3 + o);
      a30 = madd(xv, v0, a30);
      a31 = madd(xv, v1, a31);
    }
    let s00 = hsum(a00), s01 = hsum(a01), s10 = hsum(a10), s11 = hsum(a11);
    let s20 = hsum(a20), s21 = hsum(a21), s30 = hsum(a30), s31 = hsum(a31);
    for (let k = k4; k < K; k++) {
      const o = <usize>k << 2;
      const v0 = load<f32>(w0 + o);
      const v1 = load<f32>(w1 + o);
      s00 += load<f32>(x0 + o) * v0; s01 += load<f32>(x0 + o) * v1;
      s10 += load<f32>(x1 + o) * v0; s11 += load<f32>(x1 + o) * v1;
      s20 += load<f32>(x2 + o) * v0; s21 += load<f32>(x2 + o) * v1;
      s30 += load<f32>(x3 + o) * v0; s31 += load<f32>(x3 + o) * v1;
    }
    if (bias != 0) {
      const b0 = load<f32>(bias + (<usize>n << 2));
      const b1 = pair ? load<f32>(bias + (<usize>n << 2), 4) : b0;
      s00 += b0; s10 += b0; s20 += b0; s30 += b0;
      s01 += b1; s11 += b1; s21 += b1; s31 += b1;
    }
    const yn = y + (<usize>n << 2);
    const yRow = <usize>N << 2;
    store<f32>(yn, s00);
    if (pair) store<f32>(yn, s01, 4);
    if (R > 1) { store<f32>(yn + yRow, s10); if (pair) store<f32>(yn + yRow, s11, 4); }
    if (R > 2) { store<f32>(yn + 2 * yRow, s20); if (pair) store<f32>(yn + 2 * yRow, s21, 4); }
    if (R > 3) { store<f32>(yn + 3 * yRow, s30); if (pair) store<f32>(yn + 3 * yRow, s31, 4); }
  }
}
