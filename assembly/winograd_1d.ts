// The Winograd transforms of F(4, 5), one-dimensional (conv1d with kernel 5, run along
// every row), SIMD across four tiles or four channel pairs. The driver is winograd.ts.

import { add, hi, hi2, k, lo, lo2, mul, noteFinite, storePart, sub, tileAt } from "./winograd_common";

// ---- F(4, 5), one-dimensional ----
//
// Points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity:
// B^T = [-1 0 21/4 0 -21/4 0 1 0;  0 1 1 -17/4 -17/4 1 1 0;  0 -1 1 17/4 -17/4 -1 1 0;
//        0 1/2 1/4 -5/2 -5/4 2 1 0;  0 -1/2 1/4 5/2 -5/4 -2 1 0;  0 2 4 -5/2 -5 1/2 1 0;
//        0 -2 4 5/2 -5 -1/2 1 0;  0 -1 0 21/4 0 -21/4 0 1]
// G   = [-1 0 0 0 0;  -2/9 (1 1 1 1 1);  -2/9 (1 -1 1 -1 1);  1/90 (1 2 4 8 16);  1/90 (1 -2 4 -8 16);
//        1/90 (64 32 16 8 4);  1/90 (64 -32 16 -8 4);  0 0 0 0 1]
// A^T = [1 1 1 1 1 1 1 0;  0 1 -1 2 -2 1/2 -1/2 0;  0 1 1 4 4 1/4 1/4 0;  0 1 -1 8 -8 1/8 -1/8 1]
// One dimension means few weight positions, so G stays as it is and A^T is plain.

/** V = B^T d for four 8-wide tiles at s0..s3 of one channel; position j to dst + j * posBytes. */
export function inputTile45(dst: usize, posBytes: usize, s0: usize, s1: usize, s2: usize, s3: usize): void {
  let a0 = v128.load(s0), a1 = v128.load(s1), a2 = v128.load(s2), a3 = v128.load(s3);
  let t0 = lo(a0, a1), t1 = lo(a2, a3), t2 = hi(a0, a1), t3 = hi(a2, a3);
  const d0 = lo2(t0, t1), d1 = hi2(t0, t1), d2 = lo2(t2, t3), d3 = hi2(t2, t3);
  a0 = v128.load(s0, 16); a1 = v128.load(s1, 16); a2 = v128.load(s2, 16); a3 = v128.load(s3, 16);
  t0 = lo(a0, a1); t1 = lo(a2, a3); t2 = hi(a0, a1); t3 = hi(a2, a3);
  const d4 = lo2(t0, t1), d5 = hi2(t0, t1), d6 = lo2(t2, t3), d7 = hi2(t2, t3);
  v128.store(dst, add(sub(d6, d0), mul(sub(d2, d4), k(5.25))));
  v128.store(dst + 7 * posBytes, add(sub(d7, d1), mul(sub(d3, d5), k(5.25))));
  let p = sub(add(d2, d6), mul(d4, k(4.25)));
  let q = sub(add(d1, d5), mul(d3, k(4.25)));
  v128.store(dst + posBytes, add(p, q));
  v128.store(dst + 2 * posBytes, sub(p, q));
  p = add(sub(mul(d2, k(0.25)), mul(d4, k(1.25))), d6);
  q = add(sub(mul(d1, k(0.5)), mul(d3, k(2.5))), add(d5, d5));
  v128.store(dst + 3 * posBytes, add(p, q));
  v128.store(dst + 4 * posBytes, sub(p, q));
  p = add(sub(mul(d2, k(4)), mul(d4, k(5))), d6);
  q = add(sub(add(d1, d1), mul(d3, k(2.5))), mul(d5, k(0.5)));
  v128.store(dst + 5 * posBytes, add(p, q));
  v128.store(dst + 6 * posBytes, sub(p, q));
}

/** U = G g for five-tap g (lanes = channel pairs): position p to dst + p * step. */
@inline export function weightTile45(g0: v128, g1: v128, g2: v128, g3: v128, g4_: v128, dst: usize, step: usize): void {
  const even = add(add(g0, g2), g4_), odd = add(g1, g3);
  v128.store(dst, mul(g0, k(-1)));
  v128.store(dst + step, mul(add(even, odd), k(-2.0 / 9)));
  v128.store(dst + 2 * step, mul(sub(even, odd), k(-2.0 / 9)));
  // 1, 2, 4, 8, 16 and 64, 32, 16, 8, 4: the even and odd halves, then their sum and difference.
  let e = add(add(g0, mul(g2, k(4))), mul(g4_, k(16)));
  let o = add(add(g1, g1), mul(g3, k(8)));
  v128.store(dst + 3 * step, mul(add(e, o), k(1.0 / 90)));
  v128.store(dst + 4 * step, mul(sub(e, o), k(1.0 / 90)));
  e = add(add(mul(g0, k(64)), mul(g2, k(16))), mul(g4_, k(4)));
  o = add(mul(g1, k(32)), mul(g3, k(8)));
  v128.store(dst + 5 * step, mul(add(e, o), k(1.0 / 90)));
  v128.store(dst + 6 * step, mul(sub(e, o), k(1.0 / 90)));
  v128.store(dst + 7 * step, g4_);
}

/** Y = A^T M + bias for four 4-wide tiles of one output channel (as outputTiles4, one row). */
export function outputTiles45(y: usize, m: usize, rowBytes: usize, biasValue: f32, outOff: usize, valid: usize, whole: i32): void {
  const bias = f32x4.splat(biasValue);
  const m0 = v128.load(m), m1 = v128.load(m + rowBytes), m2 = v128.load(m + 2 * rowBytes), m3 = v128.load(m + 3 * rowBytes);
  const m4 = v128.load(m + 4 * rowBytes), m5 = v128.load(m + 5 * rowBytes), m6 = v128.load(m + 6 * rowBytes), m7 = v128.load(m + 7 * rowBytes);
  const a = add(m1, m2), b = sub(m1, m2), c = add(m3, m4), d = sub(m3, m4), e = add(m5, m6), f = sub(m5, m6);
  const y0 = add(add(add(m0, a), add(c, e)), bias);
  const y1 = add(add(b, add(d, d)), add(mul(f, k(0.5)), bias));
  const y2 = add(add(a, mul(c, k(4))), add(mul(e, k(0.25)), bias));
  const y3 = add(add(add(b, mul(d, k(8))), mul(f, k(0.125))), add(m7, bias));
  const t0 = lo(y0, y1), t1 = lo(y2, y3), t2 = hi(y0, y1), t3 = hi(y2, y3);
  const r0 = lo2(t0, t1), r1 = hi2(t0, t1), r2 = lo2(t2, t3), r3 = hi2(t2, t3);
  const v0 = load<i32>(valid), v1 = load<i32>(valid, 4), v2 = load<i32>(valid, 8), v3 = load<i32>(valid, 12);
  const p0 = tileAt(y, outOff, 0), p1 = tileAt(y, outOff, 1), p2 = tileAt(y, outOff, 2), p3 = tileAt(y, outOff, 3);
  if ((v0 & v1 & v2 & v3) == whole) {
    v128.store(p0, r0);
    v128.store(p1, r1);
    v128.store(p2, r2);
    v128.store(p3, r3);
  } else {
    storePart(p0, r0, 0, v0);
    storePart(p1, r1, 0, v1);
    storePart(p2, r2, 0, v2);
    storePart(p3, r3, 0, v3);
  }
  noteFinite(add(add(sub(r0, r0), sub(r1, r1)), add(sub(r2, r2), sub(r3, r3))));
}