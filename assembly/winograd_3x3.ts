// The Winograd transforms for 3x3 kernels, SIMD across four tiles or four channel pairs:
// F(4x4, 3x3) and F(2x2, 3x3), input (V = B^T d B), weight (U = G g G^T) and output
// (Y = A^T M A) transforms. The driver is winograd.ts.

import { add, hi, hi2, k, lo, lo2, mul, noteFinite, storePart, sub, tileAt } from "./winograd_common";

// ---- F(4x4, 3x3) ----
//
// B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
// G   = D G',  G' = [1 0 0; 1 1 1; 1 -1 1; 1 2 4; 1 -2 4; 0 0 1],  D = diag(1/4, -1/6, -1/6, 1/24, 1/24, 1)
// A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
// The weights are transformed with the integer G' (fewer operations where wide layers
// spend the most) and D moves into the input transform, whose scaled rows cost fewer extra
// operations than the output transform's would: with U = D U' D,
// sum U .* V = sum U' .* (D V D) = sum U' .* ((D B^T) d (B D)).

/** (D B^T) x for six vectors; `j` picks the output. Called with constant j, so it folds. */
@inline function bt4(j: i32, d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128): v128 {
  if (j == 0) return add(sub(d0, mul(d2, k(1.25))), mul(d4, k(0.25)));
  if (j == 1) return add(sub(mul(d2, k(2.0 / 3)), mul(d4, k(1.0 / 6))), sub(mul(d1, k(2.0 / 3)), mul(d3, k(1.0 / 6))));
  if (j == 2) return sub(sub(mul(d2, k(2.0 / 3)), mul(d4, k(1.0 / 6))), sub(mul(d1, k(2.0 / 3)), mul(d3, k(1.0 / 6))));
  if (j == 3) return add(mul(sub(d4, d2), k(1.0 / 24)), mul(sub(d3, d1), k(1.0 / 12)));
  if (j == 4) return sub(mul(sub(d4, d2), k(1.0 / 24)), mul(sub(d3, d1), k(1.0 / 12)));
  return add(sub(mul(d1, k(4)), mul(d3, k(5))), d5);
}

/**
 * V = (D B^T) d (B D) for four 6x6 tiles (rows of `rowBytes` at s0..s3) of one channel;
 * position (i, j) goes to dst + (6i + j) * posBytes as four floats (lanes = tiles).
 */
export function inputTile4(dst: usize, posBytes: usize, s0: usize, s1: usize, s2: usize, s3: usize, rowBytes: usize, tmp: usize): void {
  // Rows: e[r][j] = (d[r] B)_j with lanes = tiles, kept in tmp.
  for (let r = 0; r < 6; r++) {
    const o = <usize>r * rowBytes;
    const a0 = v128.load(s0 + o), a1 = v128.load(s1 + o), a2 = v128.load(s2 + o), a3 = v128.load(s3 + o);
    let t0 = lo(a0, a1), t1 = lo(a2, a3), t2 = hi(a0, a1), t3 = hi(a2, a3);
    const d0 = lo2(t0, t1), d1 = hi2(t0, t1), d2 = lo2(t2, t3), d3 = hi2(t2, t3);
    const b0 = v128.load(s0 + o, 16), b1 = v128.load(s1 + o, 16), b2 = v128.load(s2 + o, 16), b3 = v128.load(s3 + o, 16);
    t0 = lo(b0, b1);
    t1 = lo(b2, b3);
    const d4 = lo2(t0, t1), d5 = hi2(t0, t1);
    const e = tmp + <usize>(r * 6) * 16;
    v128.store(e, bt4(0, d0, d1, d2, d3, d4, d5));
    v128.store(e, bt4(1, d0, d1, d2, d3, d4, d5), 16);
    v128.store(e, bt4(2, d0, d1, d2, d3, d4, d5), 32);
    v128.store(e, bt4(3, d0, d1, d2, d3, d4, d5), 48);
    v128.store(e, bt4(4, d0, d1, d2, d3, d4, d5), 64);
    v128.store(e, bt4(5, d0, d1, d2, d3, d4, d5), 80);
  }
  // Columns: V[i][j] = (B^T e)[i][j].
  for (let j = 0; j < 6; j++) {
    const e = tmp + <usize>j * 16;
    const d0 = v128.load(e), d1 = v128.load(e, 96), d2 = v128.load(e, 192);
    const d3 = v128.load(e, 288), d4 = v128.load(e, 384), d5 = v128.load(e, 480);
    const v = dst + <usize>j * posBytes;
    v128.store(v, bt4(0, d0, d1, d2, d3, d4, d5));
    v128.store(v + 6 * posBytes, bt4(1, d0, d1, d2, d3, d4, d5));
    v128.store(v + 12 * posBytes, bt4(2, d0, d1, d2, d3, d4, d5));
    v128.store(v + 18 * posBytes, bt4(3, d0, d1, d2, d3, d4, d5));
    v128.store(v + 24 * posBytes, bt4(4, d0, d1, d2, d3, d4, d5));
    v128.store(v + 30 * posBytes, bt4(5, d0, d1, d2, d3, d4, d5));
  }
}

/**
 * G' x for three vectors, G' of F(4x4, 3x3) (n = 6) or of F(2x2, 3x3) (n = 4, whose
 * rows are rows 0, 1, 2 and 5 of the former); `i` picks the output (constant, folds).
 */
@inline function gRow(n: i32, i: i32, a: v128, b: v128, c: v128): v128 {
  if (n == 4 && i == 3) return c;
  if (i == 0) return a;
  if (i == 1) return add(add(a, c), b);
  if (i == 2) return sub(add(a, c), b);
  if (i == 3) return add(add(a, mul(c, k(4))), add(b, b));
  if (i == 4) return sub(add(a, mul(c, k(4))), add(b, b));
  return c;
}

/** Row i of U' = G' g G'^T (g row-major in g0..g8, n x n positions): positions ni..ni+n-1 to dst + p * step. */
@inline function weightRow(n: i32, i: i32, g0: v128, g1: v128, g2: v128, g3: v128, g4: v128, g5: v128,
                           g6: v128, g7: v128, g8: v128, dst: usize, step: usize): void {
  const t0 = gRow(n, i, g0, g3, g6), t1 = gRow(n, i, g1, g4, g7), t2 = gRow(n, i, g2, g5, g8);
  const base = dst + <usize>(i * n) * step;
  v128.store(base, gRow(n, 0, t0, t1, t2));
  v128.store(base + step, gRow(n, 1, t0, t1, t2));
  v128.store(base + 2 * step, gRow(n, 2, t0, t1, t2));
  v128.store(base + 3 * step, gRow(n, 3, t0, t1, t2));
  if (n == 6) {
    v128.store(base + 4 * step, gRow(n, 4, t0, t1, t2));
    v128.store(base + 5 * step, gRow(n, 5, t0, t1, t2));
  }
}

/** U' = G' g G'^T of one 3x3 kernel per lane, for n x n tiles (n = 6 or 4, a constant). */
@inline export function weightTile(n: i32, g0: v128, g1: v128, g2: v128, g3: v128, g4: v128, g5: v128,
                            g6: v128, g7: v128, g8: v128, dst: usize, step: usize): void {
  weightRow(n, 0, g0, g1, g2, g3, g4, g5, g6, g7, g8, dst, step);
  weightRow(n, 1, g0, g1, g2, g3, g4, g5, g6, g7, g8, dst, step);
  weightRow(n, 2, g0, g1, g2, g3, g4, g5, g6, g7, g8, dst, step);
  weightRow(n, 3, g0, g1, g2, g3, g4, g5, g6, g7, g8, dst, step);
  if (n == 6) {
    weightRow(n, 4, g0, g1, g2, g3, g4, g5, g6, g7, g8, dst, step);
    weightRow(n, 5, g0, g1, g2, g3, g4, g5, g6, g7, g8, dst, step);
  }
}

/** A^T x for six vectors; `o` picks the output (constant, folds). */
@inline function at4(o: i32, m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128): v128 {
  if (o == 0) return add(add(m0, add(m1, m2)), add(m3, m4));
  if (o == 1) { const d = sub(m3, m4); return add(sub(m1, m2), add(d, d)); }
  if (o == 2) return add(add(m1, m2), mul(add(m3, m4), k(4)));
  return add(add(sub(m1, m2), mul(sub(m3, m4), k(8))), m5);
}

/**
 * Y = A^T M A + bias for four tiles (lanes) of one output channel: position p of tile lane
 * l at m + p * rowBytes + 4l; tiles at y + outOff[l], valid rows/columns in valid[l].
 * Adds zero to FINITE when every result is finite, NaN or an infinity otherwise.
 */
export function outputTiles4(y: usize, m: usize, rowBytes: usize, biasValue: f32, OW: i32, outOff: usize, valid: usize, whole: i32, tmp: usize): void {
  const bias = f32x4.splat(biasValue);
  // Columns: s[o][j] = (A^T M)[o][j], kept in tmp.
  for (let j = 0; j < 6; j++) {
    const c = m + <usize>j * rowBytes;
    const m0 = v128.load(c), m1 = v128.load(c + 6 * rowBytes), m2 = v128.load(c + 12 * rowBytes);
    const m3 = v128.load(c + 18 * rowBytes), m4 = v128.load(c + 24 * rowBytes), m5 = v128.load(c + 30 * rowBytes);
    const s = tmp + <usize>j * 16;
    v128.store(s, at4(0, m0, m1, m2, m3, m4, m5));
    v128.store(s, at4(1, m0, m1, m2, m3, m4, m5), 96);
    v128.store(s, at4(2, m0, m1, m2, m3, m4, m5), 192);
    v128.store(s, at4(3, m0, m1, m2, m3, m4, m5), 288);
  }
  const v0 = load<i32>(valid), v1 = load<i32>(valid, 4), v2 = load<i32>(valid, 8), v3 = load<i32>(valid, 12);
  const full = (v0 & v1 & v2 & v3) == whole, rowOut = <usize>OW << 2;
  const p0 = tileAt(y, outOff, 0), p1 = tileAt(y, outOff, 1), p2 = tileAt(y, outOff, 2), p3 = tileAt(y, outOff, 3);
  let sum = f32x4.splat(0);
  for (let o = 0; o < 4; o++) {
    const s = tmp + <usize>(o * 6) * 16;
    const m0 = v128.load(s), m1 = v128.load(s, 16), m2 = v128.load(s, 32);
    const m3 = v128.load(s, 48), m4 = v128.load(s, 64), m5 = v128.load(s, 80);
    const y0 = add(at4(0, m0, m1, m2, m3, m4, m5), bias);
    const y1 = add(at4(1, m0, m1, m2, m3, m4, m5), bias);
    const y2 = add(at4(2, m0, m1, m2, m3, m4, m5), bias);
    const y3 = add(at4(3, m0, m1, m2, m3, m4, m5), bias);
    // A sum is NaN or infinite when one of its terms is (or, harmlessly, when it overflows).
    sum = add(sum, add(add(y0, y1), add(y2, y3)));
    // Lanes = tiles -> one vector per tile holding its output row o.
    const t0 = lo(y0, y1), t1 = lo(y2, y3), t2 = hi(y0, y1), t3 = hi(y2, y3);
    const r0 = lo2(t0, t1), r1 = hi2(t0, t1), r2 = lo2(t2, t3), r3 = hi2(t2, t3);
    const off = <usize>o * rowOut;
    if (full) {
      v128.store(p0 + off, r0);
      v128.store(p1 + off, r1);
      v128.store(p2 + off, r2);
      v128.store(p3 + off, r3);
    } else {
      storePart(p0 + off, r0, o, v0);
      storePart(p1 + off, r1, o, v1);
      storePart(p2 + off, r2, o, v2);
      storePart(p3 + off, r3, o, v3);
    }
  }
  noteFinite(sub(sum, sum));
}

// ---- F(2x2, 3x3) ----
//
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
// G   = D G',  G' = [1 0 0; 1 1 1; 1 -1 1; 0 0 1],  D = diag(1, 1/2, 1/2, 1)
// A^T = [1 1 1 0; 0 1 -1 -1]
// D moves into the output transform, Y = (A^T D) M' (A^T D)^T: this variant is picked for
// small images with many channels, where the weights cost more than the tiles.

@inline function bt2(j: i32, d0: v128, d1: v128, d2: v128, d3: v128): v128 {
  if (j == 0) return sub(d0, d2);
  if (j == 1) return add(d1, d2);
  if (j == 2) return sub(d2, d1);
  return sub(d1, d3);
}

/** V = B^T d B for four 4x4 tiles of one channel; position (i, j) to dst + (4i + j) * posBytes. */
export function inputTile2(dst: usize, posBytes: usize, s0: usize, s1: usize, s2: usize, s3: usize, rowBytes: usize, tmp: usize): void {
  for (let r = 0; r < 4; r++) {
    const o = <usize>r * rowBytes;
    const a0 = v128.load(s0 + o), a1 = v128.load(s1 + o), a2 = v128.load(s2 + o), a3 = v128.load(s3 + o);
    const t0 = lo(a0, a1), t1 = lo(a2, a3), t2 = hi(a0, a1), t3 = hi(a2, a3);
    const d0 = lo2(t0, t1), d1 = hi2(t0, t1), d2 = lo2(t2, t3), d3 = hi2(t2, t3);
    const e = tmp + <usize>(r * 4) * 16;
    v128.store(e, bt2(0, d0, d1, d2, d3));
    v128.store(e, bt2(1, d0, d1, d2, d3), 16);
    v128.store(e, bt2(2, d0, d1, d2, d3), 32);
    v128.store(e, bt2(3, d0, d1, d2, d3), 48);
  }
  for (let j = 0; j < 4; j++) {
    const e = tmp + <usize>j * 16;
    const d0 = v128.load(e), d1 = v128.load(e, 64), d2 = v128.load(e, 128), d3 = v128.load(e, 192);
    const v = dst + <usize>j * posBytes;
    v128.store(v, bt2(0, d0, d1, d2, d3));
    v128.store(v + 4 * posBytes, bt2(1, d0, d1, d2, d3));
    v128.store(v + 8 * posBytes, bt2(2, d0, d1, d2, d3));
    v128.store(v + 12 * posBytes, bt2(3, d0, d1, d2, d3));
  }
}

/** (A^T D) x for four vectors; `o` picks the output. */
@inline function at2(o: i32, m0: v128, m1: v128, m2: v128, m3: v128): v128 {
  if (o == 0) return add(m0, mul(add(m1, m2), k(0.5)));
  return sub(mul(sub(m1, m2), k(0.5)), m3);
}

/** Y = (A^T D) M' (A^T D)^T + bias for four 2x2 tiles of one output channel (as outputTiles4). */
export function outputTiles2(y: usize, m: usize, rowBytes: usize, biasValue: f32, OW: i32, outOff: usize, valid: usize, whole: i32, tmp: usize): void {
  const bias = f32x4.splat(biasValue);
  for (let j = 0; j < 4; j++) {
    const c = m + <usize>j * rowBytes;
    const m0 = v128.load(c), m1 = v128.load(c + 4 * rowBytes), m2 = v128.load(c + 8 * rowBytes), m3 = v128.load(c + 12 * rowBytes);
    const s = tmp + <usize>j * 16;
    v128.store(s, at2(0, m0, m1, m2, m3));
    v128.store(s, at2(1, m0, m1, m2, m3), 64);
  }
  const v0 = load<i32>(valid), v1 = load<i32>(valid, 4), v2 = load<i32>(valid, 8), v3 = load<i32>(valid, 12);
  const full = (v0 & v1 & v2 & v3) == whole, rowOut = <usize>OW << 2;
  const p0 = tileAt(y, outOff, 0), p1 = tileAt(y, outOff, 1), p2 = tileAt(y, outOff, 2), p3 = tileAt(y, outOff, 3);
  let bad = f32x4.splat(0);
  for (let o = 0; o < 2; o++) {
    const s = tmp + <usize>(o * 4) * 16;
    const m0 = v128.load(s), m1 = v128.load(s, 16), m2 = v128.load(s, 32), m3 = v128.load(s, 48);
    const y0 = add(at2(0, m0, m1, m2, m3), bias);
    const y1 = add(at2(1, m0, m1, m2, m3), bias);
    bad = add(bad, add(sub(y0, y0), sub(y1, y1)));
    // Pairs (tile 0, tile 1) and (tile 2, tile 3): [t0 j0, t0 j1, t1 j0, t1 j1].
    const r01 = lo(y0, y1), r23 = hi(y0, y1);
    const off = <usize>o * rowOut;
    if (full) {
      v128.store64_lane(p0 + off, r01, 0);
      v128.store64_lane(p1 + off, r01, 1);
      v128.store64_lane(p2 + off, r23, 0);
      v128.store64_lane(p3 + off, r23, 1);
    } else {
      storePair(p0 + off, f32x4.extract_lane(r01, 0), f32x4.extract_lane(r01, 1), o, v0);
      storePair(p1 + off, f32x4.extract_lane(r01, 2), f32x4.extract_lane(r01, 3), o, v1);
      storePair(p2 + off, f32x4.extract_lane(r23, 0), f32x4.extract_lane(r23, 1), o, v2);
      storePair(p3 + off, f32x4.extract_lane(r23, 2), f32x4.extract_lane(r23, 3), o, v3);
    }
  }
  noteFinite(bad);
}

@inline function storePair(p: usize, a: f32, b: f32, o: i32, valid: i32): void {
  if (o >= (valid >> 8)) return;
  store<f32>(p, a);
  if ((valid & 0xff) > 1) store<f32>(p, b, 4);
}
