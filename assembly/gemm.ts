// Packed SIMD GEMM: the engine under linear, convolution and transposed convolution.
//
//   C[M,N] (+)= A[M,K] * B[K,N] (+ bias per row or per column)
//
// Classic blocking: B is packed in KC x NC blocks of column panels NR = 8 wide
// ([panel][k][8]), A in MC x KC blocks of row panels MR = 5 high ([panel][k][5]); a
// 5x8 register micro-kernel walks one A panel against one B panel. Ten f32x4
// accumulators, two B vectors, the A vector, one broadcast and one product fit V8's 15
// xmm registers: the first four A values of a k step are loaded as one v128 and each is
// broadcast with a shuffle next to its use, the fifth with a splat load once the vector
// is dead (splat loads for all five would need more registers and spill). Edge panels
// are zero-padded when packed, so the micro-kernel always runs full tiles and only the
// store of an edge tile is partial. K is not unrolled: V8 schedules all loads of an
// unrolled body first, which costs registers.
//
// Sources of A: dense row-major (A[m][k] = a[m*lda + k]) or transposed (a[k*lda + m]).
// Sources of B: dense (b[k*ldb + n]), transposed (b[n*ldb + k]), or gathered through two
// offset tables (b[colOff[n] + rowOff[k]]), which is im2col done while packing: the
// convolution kernels use it so no im2col matrix is ever materialised.

import { hsum, storeTransposed4x4 } from "./simd";

export const MR: i32 = 5;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 120;
export const NC: i32 = 512;

export const A_DENSE: i32 = 0;
export const A_TRANS: i32 = 1;
export const B_DENSE: i32 = 0;
export const B_TRANS: i32 = 1;
export const B_GATHER: i32 = 2;
export const BIAS_NONE: i32 = 0;
export const BIAS_ROW: i32 = 1;
export const BIAS_COL: i32 = 2;

// A 5x8 tile for the partial stores at the right and bottom edges.
const EDGE_TILE: usize = memory.data(40 * 4, 16);

/** Bytes of scratch `gemm_f32` needs (packed A block + packed B block). */
export function gemm_scratch_bytes(M: i32, N: i32, K: i32): i32 {
  const kc = min(K, KC);
  const mc = (min(M, MC) + MR - 1) / MR * MR;
  const nc = (min(N, NC) + NR - 1) / NR * NR;
  return (mc * kc + nc * kc) * 4 + 64;
}

/**
 * C = A * B (+ bias) over row-major float32 matrices with leading dimensions.
 * flags: bit 0 A transposed, bit 1 B transposed, bits 2-3 bias (0 none, 1 one value per
 * row of C, 2 one value per column), bit 4 accumulate into C instead of overwriting it.
 * REQUIRES: scratch holds gemm_scratch_bytes(M, N, K) bytes; C does not overlap A, B.
 */
export function gemm_f32(c: usize, a: usize, b: usize, bias: usize, M: i32, N: i32, K: i32,
                         lda: i32, ldb: i32, ldc: i32, flags: i32, scratch: usize): void {
  gemm(c, ldc, a, lda, flags & 1, b, ldb, (flags >> 1) & 1, 0, 0, bias, (flags >> 2) & 3, (flags >> 4) & 1, M, N, K, scratch);
}

/** The shared driver; rowOff/colOff are the i32 offset tables of B_GATHER. */
export function gemm(c: usize, ldc: i32, a: usize, lda: i32, aMode: i32,
                     b: usize, ldb: i32, bMode: i32, rowOff: usize, colOff: usize,
                     bias: usize, biasMode: i32, accumulate: i32,
                     M: i32, N: i32, K: i32, scratch: usize): void {
  assert(M >= 0 && N >= 0 && K >= 0 && scratch != 0, "gemm: bad sizes or no scratch");
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    // An empty sum: C = bias (or C unchanged when accumulating).
    if (accumulate == 0) {
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let v: f32 = 0;
          if (biasMode == BIAS_ROW) v = load<f32>(bias + (<usize>i << 2));
          else if (biasMode == BIAS_COL) v = load<f32>(bias + (<usize>j << 2));
          store<f32>(c + ((<usize>i * ldc + j) << 2), v);
        }
      }
    }
    return;
  }
  const kcMax = min(K, KC);
  // Equal K blocks (320 = 160 + 160, not 256 + 64): a short last block would pay a full
  // pass over C for little work.
  const kBlocks = (K + KC - 1) / KC;
  const kcStep = (K + kBlocks - 1) / kBlocks;
  const mcMax = (min(M, MC) + MR - 1) / MR * MR;
  const packA = (scratch + 15) & ~(<usize>15);
  const packB = packA + (<usize>(mcMax * kcMax) << 2);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += kcStep) {
      const kc = min(kcStep, K - pc);
      const first = pc == 0;
      const loadC = !first || accumulate != 0;
      const addBias = first ? biasMode : BIAS_NONE;
      if (bMode == B_DENSE) packBDense(packB, b + ((<usize>pc * ldb + jc) << 2), ldb, nc, kc);
      else if (bMode == B_TRANS) packBTrans(packB, b + ((<usize>jc * ldb + pc) << 2), ldb, nc, kc);
      else packBGather(packB, b, rowOff + (<usize>pc << 2), colOff + (<usize>jc << 2), nc, kc);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        if (aMode == A_DENSE) packADense(packA, a + ((<usize>ic * lda + pc) << 2), lda, mc, kc);
        else packATrans(packA, a + ((<usize>pc * lda + ic) << 2), lda, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = packB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const row = ic + ir;
            const col = jc + jr;
            micro(
              packA + (<usize>(ir * kc) << 2), pb, kc,
              c + ((<usize>row * ldc + col) << 2), ldc, mr, nr, loadC,
              addBias, addBias == BIAS_ROW ? bias + (<usize>row << 2) : bias + (<usize>col << 2),
            );
          }
        }
      }
    }
  }
}

// ---- packing ----

/** A[m][k] = a[m*lda + k] -> panels [m/5][k][5]; rows 0-3 are transposed 4x4 at a time. */
function packADense(dst: usize, a: usize, lda: i32, mc: i32, kc: i32): void {
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
      store<f32>(d, load<f32>(r0 + o));
      store<f32>(d, load<f32>(r1 + o), 4);
      store<f32>(d, load<f32>(r2 + o), 8);
      store<f32>(d, load<f32>(r3 + o), 12);
      store<f32>(d, load<f32>(r4 + o), 16);
      d += 20;
    }
  }
  if (m < mc) {
    const rows = mc - m;
    let d = dst + (<usize>(m * kc) << 2);
    for (let k = 0; k < kc; k++) {
      for (let r = 0; r < MR; r++) {
        store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(a + ((<usize>(m + r) * lda + k) << 2)) : 0);
      }
      d += MR * 4;
    }
  }
}

/** A[m][k] = a[k*lda + m] -> panels [m/5][k][5]: a 4-value load and one more per k step. */
function packATrans(dst: usize, a: usize, lda: i32, mc: i32, kc: i32): void {
  const rowBytes = <usize>lda << 2;
  let m = 0;
  for (; m + MR <= mc; m += MR) {
    let s = a + (<usize>m << 2);
    let d = dst + (<usize>(m * kc) << 2);
    for (let k = 0; k < kc; k++) {
      v128.store(d, v128.load(s));
      store<f32>(d, load<f32>(s, 16), 16);
      s += rowBytes;
      d += 20;
    }
  }
  if (m < mc) {
    const rows = mc - m;
    let s = a + (<usize>m << 2);
    let d = dst + (<usize>(m * kc) << 2);
    for (let k = 0; k < kc; k++) {
      for (let r = 0; r < MR; r++) store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(s + (<usize>r << 2)) : 0);
      s += rowBytes;
      d += MR * 4;
    }
  }
}

/** B[k][n] = b[k*ldb + n] -> panels [n/8][k][8]: two 4-value copies per k step. */
function packBDense(dst: usize, b: usize, ldb: i32, nc: i32, kc: i32): void {
  const rowBytes = <usize>ldb << 2;
  let n = 0;
  for (; n + NR <= nc; n += NR) {
    let s = b + (<usize>n << 2);
    let d = dst + (<usize>(n * kc) << 2);
    for (let k = 0; k < kc; k++) {
      v128.store(d, v128.load(s));
      v128.store(d, v128.load(s, 16), 16);
      s += rowBytes;
      d += 32;
    }
  }
  if (n < nc) {
    const cols = nc - n;
    let s = b + (<usize>n << 2);
    let d = dst + (<usize>(n * kc) << 2);
    for (let k = 0; k < kc; k++) {
      for (let j = 0; j < NR; j++) store<f32>(d + (<usize>j << 2), j < cols ? load<f32>(s + (<usize>j << 2)) : 0);
      s += rowBytes;
      d += 32;
    }
  }
}

/** B[k][n] = b[n*ldb + k] -> panels [n/8][k][8]; 4x4 transposes of four rows at a time. */
function packBTrans(dst: usize, b: usize, ldb: i32, nc: i32, kc: i32): void {
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
        store<f32>(d, load<f32>(r0 + o));
        store<f32>(d, load<f32>(r1 + o), 4);
        store<f32>(d, load<f32>(r2 + o), 8);
        store<f32>(d, load<f32>(r3 + o), 12);
        d += 32;
      }
    }
  }
  if (n < nc) {
    const cols = nc - n;
    let d = dst + (<usize>(n * kc) << 2);
    for (let k = 0; k < kc; k++) {
      for (let j = 0; j < NR; j++) {
        store<f32>(d + (<usize>j << 2), j < cols ? load<f32>(b + ((<usize>(n + j) * ldb + k) << 2)) : 0);
      }
      d += 32;
    }
  }
}

/**
 * B[k][n] = b[colOff[n] + rowOff[k]] -> panels [n/8][k][8]. Column offsets grow strictly
 * with n, so a panel whose last offset is 7 past its first reads 8 consecutive floats
 * for every k (the common case of a stride-1 convolution away from row ends).
 */
function packBGather(dst: usize, b: usize, rowOff: usize, colOff: usize, nc: i32, kc: i32): void {
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

// ---- the micro-kernel ----

/** The first n (<= 4, may be <= 0) floats at p, zeros after. */
function loadPartial(p: usize, n: i32): v128 {
  let v = f32x4.splat(0);
  if (n > 0) v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  if (n > 3) v = f32x4.replace_lane(v, 3, load<f32>(p, 12));
  return v;
}

/**
 * One 5x8 tile: acc = A panel (kc x 5) times B panel (kc x 8), then C = acc (+ bias),
 * or C += acc when loadC. Only the first mr rows and nr columns are stored.
 */
function micro(pa: usize, pb: usize, kc: i32, c: usize, ldc: i32, mr: i32, nr: i32, loadC: bool,
               biasMode: i32, bias: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  // The loop runs on the A pointer alone: no separate counter to keep and increment.
  const paEnd = pa + <usize>kc * (MR * 4);
  while (pa < paEnd) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const av = v128.load(pa);
    let s = v128.shuffle<f32>(av, av, 0, 0, 0, 0);
    c00 = f32x4.add(c00, f32x4.mul(s, b0));
    c01 = f32x4.add(c01, f32x4.mul(s, b1));
    s = v128.shuffle<f32>(av, av, 1, 1, 1, 1);
    c10 = f32x4.add(c10, f32x4.mul(s, b0));
    c11 = f32x4.add(c11, f32x4.mul(s, b1));
    s = v128.shuffle<f32>(av, av, 2, 2, 2, 2);
    c20 = f32x4.add(c20, f32x4.mul(s, b0));
    c21 = f32x4.add(c21, f32x4.mul(s, b1));
    s = v128.shuffle<f32>(av, av, 3, 3, 3, 3);
    c30 = f32x4.add(c30, f32x4.mul(s, b0));
    c31 = f32x4.add(c31, f32x4.mul(s, b1));
    s = v128.load32_splat(pa, 16);
    c40 = f32x4.add(c40, f32x4.mul(s, b0));
    c41 = f32x4.add(c41, f32x4.mul(s, b1));
    pa += 20;
    pb += 32;
  }
  if (biasMode == BIAS_ROW) {
    // An edge tile reads only the bias values that exist.
    const bv = mr >= 4 ? v128.load(bias) : loadPartial(bias, mr);
    let s = v128.shuffle<f32>(bv, bv, 0, 0, 0, 0);
    c00 = f32x4.add(c00, s); c01 = f32x4.add(c01, s);
    s = v128.shuffle<f32>(bv, bv, 1, 1, 1, 1);
    c10 = f32x4.add(c10, s); c11 = f32x4.add(c11, s);
    s = v128.shuffle<f32>(bv, bv, 2, 2, 2, 2);
    c20 = f32x4.add(c20, s); c21 = f32x4.add(c21, s);
    s = v128.shuffle<f32>(bv, bv, 3, 3, 3, 3);
    c30 = f32x4.add(c30, s); c31 = f32x4.add(c31, s);
    if (mr == MR) {
      s = v128.load32_splat(bias, 16);
      c40 = f32x4.add(c40, s); c41 = f32x4.add(c41, s);
    }
  } else if (biasMode == BIAS_COL) {
    const b0 = nr >= 4 ? v128.load(bias) : loadPartial(bias, nr);
    const b1 = nr == NR ? v128.load(bias, 16) : loadPartial(bias + 16, nr - 4);
    c00 = f32x4.add(c00, b0); c01 = f32x4.add(c01, b1);
    c10 = f32x4.add(c10, b0); c11 = f32x4.add(c11, b1);
    c20 = f32x4.add(c20, b0); c21 = f32x4.add(c21, b1);
    c30 = f32x4.add(c30, b0); c31 = f32x4.add(c31, b1);
    c40 = f32x4.add(c40, b0); c41 = f32x4.add(c41, b1);
  }
  const rowBytes = <usize>ldc << 2;
  if (mr == MR && nr == NR) {
    const r1 = c + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    const r4 = r3 + rowBytes;
    if (loadC) {
      c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(r1)); c11 = f32x4.add(c11, v128.load(r1, 16));
      c20 = f32x4.add(c20, v128.load(r2)); c21 = f32x4.add(c21, v128.load(r2, 16));
      c30 = f32x4.add(c30, v128.load(r3)); c31 = f32x4.add(c31, v128.load(r3, 16));
      c40 = f32x4.add(c40, v128.load(r4)); c41 = f32x4.add(c41, v128.load(r4, 16));
    }
    v128.store(c, c00); v128.store(c, c01, 16);
    v128.store(r1, c10); v128.store(r1, c11, 16);
    v128.store(r2, c20); v128.store(r2, c21, 16);
    v128.store(r3, c30); v128.store(r3, c31, 16);
    v128.store(r4, c40); v128.store(r4, c41, 16);
    return;
  }
  if (nr == NR) {
    // Bottom edge: whole rows, still two vector stores each.
    storeRow(c, c00, c01, loadC);
    if (mr > 1) storeRow(c + rowBytes, c10, c11, loadC);
    if (mr > 2) storeRow(c + 2 * rowBytes, c20, c21, loadC);
    if (mr > 3) storeRow(c + 3 * rowBytes, c30, c31, loadC);
    return;
  }
  const t = EDGE_TILE;
  v128.store(t, c00); v128.store(t, c01, 16);
  v128.store(t, c10, 32); v128.store(t, c11, 48);
  v128.store(t, c20, 64); v128.store(t, c21, 80);
  v128.store(t, c30, 96); v128.store(t, c31, 112);
  v128.store(t, c40, 128); v128.store(t, c41, 144);
  for (let i = 0; i < mr; i++) {
    const src = t + (<usize>(i * NR) << 2);
    const dst = c + <usize>i * rowBytes;
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(src + o);
      if (loadC) v += load<f32>(dst + o);
      store<f32>(dst + o, v);
    }
  }
}

@inline function storeRow(p: usize, v0: v128, v1: v128, loadC: bool): void {
  if (loadC) {
    v0 = f32x4.add(v0, v128.load(p));
    v1 = f32x4.add(v1, v128.load(p, 16));
  }
  v128.store(p, v0);
  v128.store(p, v1, 16);
}

// ---- matrix-vector ----

/**
 * y[n] = sum_k w[n*K + k] * x[k] (+ bias[n]): one row of a linear layer. Streams four
 * weight rows per pass with four vector accumulators, no packing.
 * REQUIRES: y does not overlap w or x.
 */
export function gemv_f32(y: usize, x: usize, w: usize, bias: usize, N: i32, K: i32): void {
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
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + o), xv));
      b0 = f32x4.add(b0, f32x4.mul(v128.load(w0 + o, 16), xw));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(w1 + o), xv));
      b1 = f32x4.add(b1, f32x4.mul(v128.load(w1 + o, 16), xw));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(w2 + o), xv));
      b2 = f32x4.add(b2, f32x4.mul(v128.load(w2 + o, 16), xw));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(w3 + o), xv));
      b3 = f32x4.add(b3, f32x4.mul(v128.load(w3 + o, 16), xw));
    }
    for (; k < k4; k += 4) {
      const o = <usize>k << 2;
      const xv = v128.load(x + o);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + o), xv));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(w1 + o), xv));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(w2 + o), xv));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(w3 + o), xv));
    }
    a0 = f32x4.add(a0, b0);
    a1 = f32x4.add(a1, b1);
    a2 = f32x4.add(a2, b2);
    a3 = f32x4.add(a3, b3);
    // Horizontal sums of the four accumulators at once: transpose, then add.
    const t0 = f32x4.add(v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), v128.shuffle<f32>(a0, a1, 2, 6, 3, 7));
    const t1 = f32x4.add(v128.shuffle<f32>(a2, a3, 0, 4, 1, 5), v128.shuffle<f32>(a2, a3, 2, 6, 3, 7));
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
      acc = f32x4.add(acc, f32x4.mul(v128.load(wr + o), v128.load(x + o)));
    }
    let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
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
export function gemv_rows_f32(y: usize, x: usize, w: usize, bias: usize, R: i32, N: i32, K: i32): void {
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
      a00 = f32x4.add(a00, f32x4.mul(xv, v0));
      a01 = f32x4.add(a01, f32x4.mul(xv, v1));
      xv = v128.load(x1 + o);
      a10 = f32x4.add(a10, f32x4.mul(xv, v0));
      a11 = f32x4.add(a11, f32x4.mul(xv, v1));
      xv = v128.load(x2 + o);
      a20 = f32x4.add(a20, f32x4.mul(xv, v0));
      a21 = f32x4.add(a21, f32x4.mul(xv, v1));
      xv = v128.load(x3 + o);
      a30 = f32x4.add(a30, f32x4.mul(xv, v0));
      a31 = f32x4.add(a31, f32x4.mul(xv, v1));
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
