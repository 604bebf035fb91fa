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
// are zero-padded when packed (gemm_pack.ts), so the micro-kernel always runs full tiles
// and only the store of an edge tile is partial. K is not unrolled: V8 schedules all
// loads of an unrolled body first, which costs registers. The Winograd convolution runs
// the same micro-kernel on its own A layout (microSplit).
//
// The convolution kernels gather B through two offset tables (B_GATHER): im2col done
// while packing, so no im2col matrix is ever materialised.

import { GemmDesc, GEMM_A_TRANS, GEMM_B_TRANS, GEMM_B_PACKED, GEMM_BIAS_ROW, GEMM_BIAS_COL, GEMM_ACCUMULATE } from "./abi";
import { align16 } from "./buffers";
import { madd } from "./simd";
import { EDGE_TILE } from "./thread_area";
import { partCount, partEnd, partScratch, partStart } from "./parts";
import { packADense, packATrans, packBDense, packBGather, packBTrans, MR, NR } from "./gemm_pack";

export { MR, NR };
export const KC: i32 = 256;
export const MC: i32 = 120;
export const NC: i32 = 512;

export const A_DENSE: i32 = 0;
export const A_TRANS: i32 = 1;
/** A already packed whole by packAWhole (weights prepared once, then reused by every call). */
export const A_PACKED: i32 = 2;
export const B_DENSE: i32 = 0;
export const B_TRANS: i32 = 1;
export const B_GATHER: i32 = 2;
/** B already packed whole by gemmPackB_f32. */
export const B_PACKED: i32 = 3;
export const BIAS_NONE: i32 = 0;
export const BIAS_ROW: i32 = 1;
export const BIAS_COL: i32 = 2;


/** Bytes of scratch `gemm_f32` needs (packed A block + packed B block). */
export function gemmScratchBytes(M: i32, N: i32, K: i32): i32 {
  const kc = min(K, KC);
  const mc = (min(M, MC) + MR - 1) / MR * MR;
  const nc = (min(N, NC) + NR - 1) / NR * NR;
  return (mc * kc + nc * kc) * 4 + 64;
}

/** The K block size of a GEMM over K: equal blocks of at most KC (320 = 160 + 160, not 256 + 64). */
@inline function kStep(K: i32): i32 {
  // A short last block would pay a full pass over C for little work.
  const kBlocks = (K + KC - 1) / KC;
  return (K + kBlocks - 1) / kBlocks;
}

/** Rows of A rounded up to whole MR-row panels. */
@inline function paddedRows(M: i32): i32 {
  return (M + MR - 1) / MR * MR;
}

/** Bytes of A[M,K] packed whole for A_PACKED. */
export function packedABytes(M: i32, K: i32): i32 {
  return paddedRows(M) * K * 4;
}

/**
 * Packs A[M,K] (A_DENSE, or A_TRANS: stored as its transpose; leading dimension lda) whole, in the order gemm reads it:
 * K block by K block, each block's row panels [panel][kc][5] one after another, so block
 * (pc, ic) starts at float pc * paddedRows(M) + ic * kc.
 */
export function packAWhole(dst: usize, a: usize, lda: i32, aMode: i32, M: i32, K: i32): void {
  const step = kStep(K), Mp = paddedRows(M);
  for (let pc = 0; pc < K; pc += step) {
    const kc = min(step, K - pc);
    for (let ic = 0; ic < M; ic += MC) {
      const to = dst + (<usize>(pc * Mp + ic * kc) << 2);
      if (aMode == A_TRANS) packATrans(to, a + ((<usize>pc * lda + ic) << 2), lda, min(MC, M - ic), kc);
      else packADense(to, a + ((<usize>ic * lda + pc) << 2), lda, min(MC, M - ic), kc);
    }
  }
}

/** Columns of B rounded up to whole NR-column panels. */
@inline function paddedCols(N: i32): i32 {
  return (N + NR - 1) / NR * NR;
}

/** Bytes of gemmPackB_f32's block for the GEMM `desc` (a GemmDesc): B packed whole. */
export function gemmPackedBBytes(desc: usize): i32 {
  const d = changetype<GemmDesc>(desc);
  const bytes = <i64>paddedCols(d.N) * d.K * 4;
  return bytes > <i64>i32.MAX_VALUE ? -1 : <i32>bytes;
}

/**
 * Packs B of the GEMM `desc` (dense, or transposed with GEMM_B_TRANS, leading dimension
 * ldb) whole, in the order gemm reads it: column block jc, then K block pc, each block's
 * panels [panel][kc][8], so block (jc, pc) starts at float jc * K + pc * (its width
 * rounded up to NR). A linear layer's weight is packed once per version this way.
 */
export function gemmPackB_f32(dst: usize, b: usize, desc: usize): void {
  const d = changetype<GemmDesc>(desc);
  const N = d.N, K = d.K, ldb = d.ldb, step = kStep(K);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += step) {
      const kc = min(step, K - pc);
      const to = dst + (<usize>(jc * K + pc * paddedCols(nc)) << 2);
      if ((d.flags & GEMM_B_TRANS) != 0) packBTrans(to, b + ((<usize>jc * ldb + pc) << 2), ldb, nc, kc);
      else packBDense(to, b + ((<usize>pc * ldb + jc) << 2), ldb, nc, kc);
    }
  }
}

/**
 * C = A * B (+ bias) over row-major float32 matrices with leading dimensions, as `desc`
 * (a GemmDesc) says: sizes, leading dimensions and GEMM_* flags (A or B transposed, bias
 * per row or per column of C, accumulate into C instead of overwriting it).
 * REQUIRES: scratch holds gemmScratchBytes(M, N, K) bytes; C does not overlap A, B.
 */
export function gemm_f32(c: usize, a: usize, b: usize, bias: usize, scratch: usize, desc: usize): void {
  const d = changetype<GemmDesc>(desc);
  const f = d.flags;
  const biasMode = (f & GEMM_BIAS_ROW) != 0 ? BIAS_ROW : (f & GEMM_BIAS_COL) != 0 ? BIAS_COL : BIAS_NONE;
  const bMode = (f & GEMM_B_PACKED) != 0 ? B_PACKED : (f & GEMM_B_TRANS) != 0 ? B_TRANS : B_DENSE;
  gemm(c, d.ldc, a, d.lda, (f & GEMM_A_TRANS) != 0 ? A_TRANS : A_DENSE, b, d.ldb, bMode,
    0, 0, bias, biasMode, (f & GEMM_ACCUMULATE) != 0 ? 1 : 0, d.M, d.N, d.K, partScratch(scratch));
}

/** The shared driver; rowOff/colOff are the i32 offset tables of B_GATHER. */
export function gemm(c: usize, ldc: i32, a: usize, lda: i32, aMode: i32,
                     b: usize, ldb: i32, bMode: i32, rowOff: usize, colOff: usize,
                     bias: usize, biasMode: i32, accumulate: i32,
                     M: i32, N: i32, K: i32, scratch: usize, clampLo: f32 = -Infinity, clampHi: f32 = Infinity): void {
  assert(M >= 0 && N >= 0 && K >= 0 && scratch != 0, "gemm: bad sizes or no scratch");
  if (M <= 0 || N <= 0) return;
  // This thread's block of C (parts.ts): a share of the columns or of the rows. Each
  // thread reads all of the other operand, so the split goes along the longer side
  // (columns: every thread reads A, M x K; rows: every thread reads B, K x N), unless it
  // has too few panels to share evenly. Every element is summed in the same order
  // whatever the share, so results do not depend on the number of threads.
  let m0 = 0, m1 = M, n0 = 0, n1 = N;
  const parts = partCount();
  if (parts > 1) {
    const colPanels = (N + NR - 1) / NR, rowPanels = (M + MR - 1) / MR;
    const byColumns = N >= M ? colPanels >= 2 * parts || colPanels >= rowPanels : rowPanels < 2 * parts && colPanels > rowPanels;
    if (byColumns) {
      n0 = partStart(N, NR);
      n1 = partEnd(N, NR);
    } else {
      m0 = partStart(M, MR);
      m1 = partEnd(M, MR);
    }
    if (m0 >= m1 || n0 >= n1) return;
  }
  if (K <= 0) {
    // An empty sum: C = bias (or C unchanged when accumulating).
    if (accumulate == 0) {
      for (let i = m0; i < m1; i++) {
        for (let j = n0; j < n1; j++) {
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
  const kcStep = kStep(K);
  const mcMax = paddedRows(min(M, MC));
  const Mp = paddedRows(M);
  const packA = align16(scratch);
  const packB = packA + (<usize>(mcMax * kcMax) << 2);
  // Column blocks follow the NC grid of the whole matrix, which a packed B is laid out in.
  for (let jc = n0; jc < n1; ) {
    const block = jc - jc % NC;
    const nc = min(block + NC, n1) - jc;
    for (let pc = 0; pc < K; pc += kcStep) {
      const kc = min(kcStep, K - pc);
      const first = pc == 0;
      const loadC = !first || accumulate != 0;
      const addBias = first ? biasMode : BIAS_NONE;
      // A fused activation clamps the finished sums only: in the last K block.
      const clamp = pc + kc >= K && (clampLo != -Infinity || clampHi != Infinity);
      let pb0 = packB;
      if (bMode == B_PACKED) pb0 = b + (<usize>(block * K + pc * paddedCols(min(NC, N - block)) + (jc - block) * kc) << 2);
      else if (bMode == B_DENSE) packBDense(packB, b + ((<usize>pc * ldb + jc) << 2), ldb, nc, kc);
      else if (bMode == B_TRANS) packBTrans(packB, b + ((<usize>jc * ldb + pc) << 2), ldb, nc, kc);
      else packBGather(packB, b, rowOff + (<usize>pc << 2), colOff + (<usize>jc << 2), nc, kc);
      for (let ic = m0; ic < m1; ic += MC) {
        const mc = min(MC, m1 - ic);
        let pa = packA;
        if (aMode == A_PACKED) pa = a + (<usize>(pc * Mp + ic * kc) << 2);
        else if (aMode == A_DENSE) packADense(packA, a + ((<usize>ic * lda + pc) << 2), lda, mc, kc);
        else packATrans(packA, a + ((<usize>pc * lda + ic) << 2), lda, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = pb0 + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const row = ic + ir;
            const col = jc + jr;
            micro(
              pa + (<usize>(ir * kc) << 2), pb, kc,
              c + ((<usize>row * ldc + col) << 2), ldc, mr, nr, loadC,
              addBias, addBias == BIAS_ROW ? bias + (<usize>row << 2) : bias + (<usize>col << 2), clamp, clampLo, clampHi,
            );
          }
        }
      }
    }
    jc += nc;
  }
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

/** One 5x8 tile of the GEMM: A panel at pa ([kc][5]), B panel at pb ([kc][8]) (see tile). */
function micro(pa: usize, pb: usize, kc: i32, c: usize, ldc: i32, mr: i32, nr: i32, loadC: bool,
               biasMode: i32, bias: usize, clamp: bool, lo: f32, hi: f32): void {
  tile(pa, 0, false, pb, kc, c, ldc, mr, nr, loadC, biasMode, bias, clamp, lo, hi);
}

/**
 * One 5x8 tile with A in the Winograd convolution's split layout: rows 0-3 at a03
 * ([kc][4]), row 4 at a4 ([kc]); B panel at pb ([kc][8]). Stores the first `rows` rows
 * of M = A B at c (row stride ldc floats).
 */
@inline export function microSplit(a03: usize, a4: usize, pb: usize, kc: i32, c: usize, ldc: i32, rows: i32): void {
  tile(a03, a4, true, pb, kc, c, ldc, rows, NR, false, BIAS_NONE, 0, false, 0, 0);
}

/**
 * THE micro-kernel: acc = A (kc x 5) times B panel (kc x 8), then C = acc (+ bias), or
 * C += acc when loadC; only the first mr rows and nr columns are stored. A is gemm's
 * packed panel at pa ([kc][5]; a4 unused) or, when `split`, the Winograd layout: rows
 * 0-3 at pa ([kc][4]) and row 4 at a4 ([kc]). Inlined into its two callers with `split`
 * constant, so each gets a loop for its layout alone: for the packed panel the fifth
 * value is a splat load at offset 16 and the loop runs on the A pointer alone.
 * One function: the ten accumulators stay in registers from the k loop through the bias
 * and the stores; split, they would go through memory.
 */
@inline function tile(pa: usize, a4: usize, split: bool, pb: usize, kc: i32,
                      c: usize, ldc: i32, mr: i32, nr: i32, loadC: bool, biasMode: i32, bias: usize,
                      clamp: bool, lo: f32, hi: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  // The loop runs on the A pointer alone: no separate counter to keep and increment.
  const aStep: usize = split ? 16 : MR * 4;
  const paEnd = pa + <usize>kc * aStep;
  while (pa < paEnd) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const av = v128.load(pa);
    let s = v128.shuffle<f32>(av, av, 0, 0, 0, 0);
    c00 = madd(s, b0, c00);
    c01 = madd(s, b1, c01);
    s = v128.shuffle<f32>(av, av, 1, 1, 1, 1);
    c10 = madd(s, b0, c10);
    c11 = madd(s, b1, c11);
    s = v128.shuffle<f32>(av, av, 2, 2, 2, 2);
    c20 = madd(s, b0, c20);
    c21 = madd(s, b1, c21);
    s = v128.shuffle<f32>(av, av, 3, 3, 3, 3);
    c30 = madd(s, b0, c30);
    c31 = madd(s, b1, c31);
    if (split) {
      s = v128.load32_splat(a4);
      a4 += 4;
    } else {
      s = v128.load32_splat(pa, 16);
    }
    c40 = madd(s, b0, c40);
    c41 = madd(s, b1, c41);
    pa += aStep;
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
    if (clamp) {
      // The fused activation (a ReLU is [0, +inf]): pmax/pmin keep NaN, as the activation does.
      const l = f32x4.splat(lo), h = f32x4.splat(hi);
      c00 = f32x4.pmin(f32x4.pmax(c00, l), h); c01 = f32x4.pmin(f32x4.pmax(c01, l), h);
      c10 = f32x4.pmin(f32x4.pmax(c10, l), h); c11 = f32x4.pmin(f32x4.pmax(c11, l), h);
      c20 = f32x4.pmin(f32x4.pmax(c20, l), h); c21 = f32x4.pmin(f32x4.pmax(c21, l), h);
      c30 = f32x4.pmin(f32x4.pmax(c30, l), h); c31 = f32x4.pmin(f32x4.pmax(c31, l), h);
      c40 = f32x4.pmin(f32x4.pmax(c40, l), h); c41 = f32x4.pmin(f32x4.pmax(c41, l), h);
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
    storeRow(c, c00, c01, loadC, clamp, lo, hi);
    if (mr > 1) storeRow(c + rowBytes, c10, c11, loadC, clamp, lo, hi);
    if (mr > 2) storeRow(c + 2 * rowBytes, c20, c21, loadC, clamp, lo, hi);
    if (mr > 3) storeRow(c + 3 * rowBytes, c30, c31, loadC, clamp, lo, hi);
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
      // max/min of f32 return NaN for a NaN operand, as the vector path keeps it.
      if (clamp) v = min(max(v, lo), hi);
      store<f32>(dst + o, v);
    }
  }
}

@inline function storeRow(p: usize, v0: v128, v1: v128, loadC: bool, clamp: bool, lo: f32, hi: f32): void {
  if (loadC) {
    v0 = f32x4.add(v0, v128.load(p));
    v1 = f32x4.add(v1, v128.load(p, 16));
  }
  if (clamp) {
    const l = f32x4.splat(lo), h = f32x4.splat(hi);
    v0 = f32x4.pmin(f32x4.pmax(v0, l), h);
    v1 = f32x4.pmin(f32x4.pmax(v1, l), h);
  }
  v128.store(p, v0);
  v128.store(p, v1, 16);
}
