// Packing of the GEMM's operands into the panels its micro-kernel reads (gemm.ts):
// A into row panels of MR = 5 ([panel][k][5]), B into column panels of NR = 8
// ([panel][k][8]). Edge panels are zero-padded, so the micro-kernel always runs full tiles.
//
// Sources of A: dense row-major (A[m][k] = a[m*lda + k]) or transposed (a[k*lda + m]).
// Sources of B: dense (b[k*ldb + n]), transposed (b[n*ldb + k]), or gathered through two
// offset tables (b[colOff[n] + rowOff[k]]), which is im2col done while packing.

import { storeTransposed4x4 } from "./simd";

export const MR: i32 = 5;
export const NR: i32 = 8;

/** A[m][k] = a[m*lda + k] -> panels [m/5][k][5]; rows 0-3 are transposed 4x4 at a time. */
export function packADense(dst: usize, a: usize, lda: i32, mc: i32, kc: i32): void {
  const rowBytes = <usize>lda << 2;
  let m = 0;
  for (; m + MR <= mc; m += MR) {
    const r0 = a + <usize>m * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    const r4 = r3 + rowBytes;
    let d = dst + (<usize>(m * kc) << 2);
    let k = 0;
    for (; k + 4 <= kc; k += 4) {
      const o = <usize>k << 2;
      // Rows 0-3 of four k steps, transposed: one k step per 20 bytes; row 4 fills the fifth slots.
      storeTransposed4x4(d, 20, v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o));
      store<f32>(d, load<f32>(r4 + o), 16);
      store<f32>(d, load<f32>(r4 + o, 4), 36);
      store<f32>(d, load<f32>(r4 + o, 8), 56);
      store<f32>(d, load<f32>(r4 + o, 12), 76);
      d += 80;
    }
    for (; k < kc; k++) {
      const o = <usize>k << 2;
      storeColumn4(d, r0 + o, r1 + o, r2 + o, r3 + o);
      store<f32>(d, load<f32>(r4 + o), 16);
      d += 20;
    }
  }
  if (m < mc) packEdge(dst + (<usize>(m * kc) << 2), a + <usize>m * rowBytes, rowBytes, 4, mc - m, MR, kc);
}

/** A[m][k] = a[k*lda + m] -> panels [m/5][k][5]: a 4-value load and one more per k step. */
export function packATrans(dst: usize, a: usize, lda: i32, mc: i32, kc: i32): void {
  packRuns(dst, a, lda, mc, kc, MR);
}

/** B[k][n] = b[k*ldb + n] -> panels [n/8][k][8]: two 4-value copies per k step. */
export function packBDense(dst: usize, b: usize, ldb: i32, nc: i32, kc: i32): void {
  packRuns(dst, b, ldb, nc, kc, NR);
}

/**
 * Panels of `width` (MR or NR, a constant: inlined) from runs of consecutive floats:
 * element (i, k) at src[k*ld + i] -> [i/width][k][width].
 */
@inline function packRuns(dst: usize, src: usize, ld: i32, count: i32, kc: i32, width: i32): void {
  const rowBytes = <usize>ld << 2;
  let i = 0;
  for (; i + width <= count; i += width) {
    let s = src + (<usize>i << 2);
    let d = dst + (<usize>(i * kc) << 2);
    for (let k = 0; k < kc; k++) {
      v128.store(d, v128.load(s));
      if (width == NR) v128.store(d, v128.load(s, 16), 16);
      else store<f32>(d, load<f32>(s, 16), 16);
      s += rowBytes;
      d += <usize>width << 2;
    }
  }
  if (i < count) packEdge(dst + (<usize>(i * kc) << 2), src + (<usize>i << 2), 4, rowBytes, count - i, width, kc);
}

/** B[k][n] = b[n*ldb + k] -> panels [n/8][k][8]; 4x4 transposes of four rows at a time. */
export function packBTrans(dst: usize, b: usize, ldb: i32, nc: i32, kc: i32): void {
  const rowBytes = <usize>ldb << 2;
  let n = 0;
  for (; n + NR <= nc; n += NR) {
    const panel = dst + (<usize>(n * kc) << 2);
    for (let h = 0; h < 2; h++) {
      const r0 = b + <usize>(n + 4 * h) * rowBytes;
      const r1 = r0 + rowBytes;
      const r2 = r1 + rowBytes;
      const r3 = r2 + rowBytes;
      let d = panel + (<usize>h << 4);
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        storeTransposed4x4(d, 32, v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o));
        d += 128;
      }
      for (; k < kc; k++) {
        const o = <usize>k << 2;
        storeColumn4(d, r0 + o, r1 + o, r2 + o, r3 + o);
        d += 32;
      }
    }
  }
  if (n < nc) packEdge(dst + (<usize>(n * kc) << 2), b + <usize>n * rowBytes, rowBytes, 4, nc - n, NR, kc);
}

/**
 * B[k][n] = b[colOff[n] + rowOff[k]] -> panels [n/8][k][8]. Column offsets grow strictly
 * with n, so a panel whose last offset is 7 past its first reads 8 consecutive floats
 * for every k (the common case of a stride-1 convolution away from row ends).
 */
export function packBGather(dst: usize, b: usize, rowOff: usize, colOff: usize, nc: i32, kc: i32): void {
  let n = 0;
  for (; n + NR <= nc; n += NR) {
    const cp = colOff + (<usize>n << 2);
    let d = dst + (<usize>(n * kc) << 2);
    const c0 = load<i32>(cp);
    if (load<i32>(cp, 28) - c0 == 7) {
      const base = b + (<usize>c0 << 2);
      for (let k = 0; k < kc; k++) {
        const s = base + (<usize>load<i32>(rowOff + (<usize>k << 2)) << 2);
        v128.store(d, v128.load(s));
        v128.store(d, v128.load(s, 16), 16);
        d += 32;
      }
    } else if (everyOther(cp, c0)) {
      // Stride 2 along a row: the even ones of 15 consecutive floats (the last load
      // starts at float 11 so that nothing past float 14 is read).
      const base = b + (<usize>c0 << 2);
      for (let k = 0; k < kc; k++) {
        const s = base + (<usize>load<i32>(rowOff + (<usize>k << 2)) << 2);
        const x0 = v128.load(s);
        const x1 = v128.load(s, 16);
        const x2 = v128.load(s, 32);
        const x3 = v128.load(s, 44);
        v128.store(d, v128.shuffle<f32>(x0, x1, 0, 2, 4, 6));
        v128.store(d, v128.shuffle<f32>(x2, x3, 0, 2, 5, 7), 16);
        d += 32;
      }
    } else {
      const o0 = b + (<usize>c0 << 2);
      const o1 = b + (<usize>load<i32>(cp, 4) << 2);
      const o2 = b + (<usize>load<i32>(cp, 8) << 2);
      const o3 = b + (<usize>load<i32>(cp, 12) << 2);
      const o4 = b + (<usize>load<i32>(cp, 16) << 2);
      const o5 = b + (<usize>load<i32>(cp, 20) << 2);
      const o6 = b + (<usize>load<i32>(cp, 24) << 2);
      const o7 = b + (<usize>load<i32>(cp, 28) << 2);
      for (let k = 0; k < kc; k++) {
        const r = <usize>load<i32>(rowOff + (<usize>k << 2)) << 2;
        store<f32>(d, load<f32>(o0 + r));
        store<f32>(d, load<f32>(o1 + r), 4);
        store<f32>(d, load<f32>(o2 + r), 8);
        store<f32>(d, load<f32>(o3 + r), 12);
        store<f32>(d, load<f32>(o4 + r), 16);
        store<f32>(d, load<f32>(o5 + r), 20);
        store<f32>(d, load<f32>(o6 + r), 24);
        store<f32>(d, load<f32>(o7 + r), 28);
        d += 32;
      }
    }
  }
  if (n < nc) {
    const cols = nc - n;
    let d = dst + (<usize>(n * kc) << 2);
    for (let k = 0; k < kc; k++) {
      const r = load<i32>(rowOff + (<usize>k << 2));
      for (let j = 0; j < NR; j++) {
        store<f32>(d + (<usize>j << 2), j < cols ? load<f32>(b + (<usize>(load<i32>(colOff + (<usize>(n + j) << 2)) + r) << 2)) : 0);
      }
      d += 32;
    }
  }
}

/** True when the eight column offsets at cp are c0, c0 + 2, ..., c0 + 14. */
@inline function everyOther(cp: usize, c0: i32): bool {
  let ok = true;
  for (let j = 1; j < NR; j++) ok = ok && load<i32>(cp + (<usize>j << 2)) == c0 + 2 * j;
  return ok;
}

/**
 * An edge panel: `count` (< width) source lines, line i at src + i * lineStep, element k
 * of a line at + k * kStep, into [k][width] with zeros past `count`.
 */
function packEdge(d: usize, src: usize, lineStep: usize, kStep: usize, count: i32, width: i32, kc: i32): void {
  for (let k = 0; k < kc; k++) {
    const s = src + <usize>k * kStep;
    for (let i = 0; i < width; i++) store<f32>(d + (<usize>i << 2), i < count ? load<f32>(s + <usize>i * lineStep) : 0);
    d += <usize>width << 2;
  }
}

/** d[0..3] = the floats at p0..p3 (one k step of four rows). */
@inline function storeColumn4(d: usize, p0: usize, p1: usize, p2: usize, p3: usize): void {
  store<f32>(d, load<f32>(p0));
  store<f32>(d, load<f32>(p1), 4);
  store<f32>(d, load<f32>(p2), 8);
  store<f32>(d, load<f32>(p3), 12);
}
