import { ConvDesc, ConvTransposeDesc } from "../abi";
import { conv_f32, convScratchBytes, convPackedBytes, convPackWeights_f32 } from "../conv";
import {
  convTranspose_f32, convTransposeScratchBytes, convTransposePackedBytes, convTransposePackWeights_f32,
} from "../conv_transpose";
import { conv_f32_ref, convTranspose_f32_ref } from "../reference/conv";
import { buffer, closeScaled, convDesc, convTransposeDesc, sameBits, tricky, wave, wave2 } from "./helpers";

type Kernel = (out: usize, input: usize, weight: usize, bias: usize, scratch: usize, desc: usize) => void;
type Twin = (out: usize, input: usize, weight: usize, bias: usize, desc: usize) => void;

/**
 * The kernel against its scalar twin for the descriptor `desc` (freed here), on inN inputs
 * (tricky values when asked), wN weights, OC biases and outN outputs.
 */
function matchesTwin(kernel: Kernel, twin: Twin, scratchBytes: (desc: usize) => i32, desc: usize,
                     inN: i32, wN: i32, OC: i32, outN: i32, scale: f32, useTricky: bool): bool {
  const x = useTricky ? buffer(inN, tricky) : buffer(inN, wave);
  const w = buffer(wN, wave2);
  const bias = buffer(OC, wave);
  const y = buffer(outN, wave);
  const r = buffer(outN, wave);
  const scratch = heap.alloc(<usize>scratchBytes(desc));
  kernel(y, x, w, bias, scratch, desc);
  twin(r, x, w, bias, desc);
  const ok = closeScaled(y, r, outN, scale);
  heap.free(x); heap.free(w); heap.free(bias); heap.free(y); heap.free(r); heap.free(scratch); heap.free(desc);
  return ok;
}

function outSize(n: i32, p0: i32, p1: i32, k: i32, d: i32, s: i32): i32 {
  return (n + p0 + p1 - d * (k - 1) - 1) / s + 1;
}

/** conv of [N,C,D,H,W] with kernel [k3], stride, symmetric padding, dilation, groups, mode vs the twin. */
function checkConv(N: i32, C: i32, D: i32, H: i32, W: i32, OC: i32, KD: i32, KH: i32, KW: i32,
                   s: i32, p: i32, dil: i32, groups: i32, mode: i32, useTricky: bool = false): bool {
  // Depth and height get padding only when they are real dimensions.
  const pd = D > 1 ? p : 0, ph = H > 1 ? p : 0;
  const OD = outSize(D, pd, pd, KD, dil, s), OH = outSize(H, ph, ph, KH, dil, s), OW = outSize(W, p, p, KW, dil, s);
  const desc = convDesc([N, C, D, H, W, OC, OD, OH, OW, KD, KH, KW, s, s, s, pd, ph, p, pd, ph, p, dil, dil, dil, groups, mode]);
  const wN = OC * (C / groups) * KD * KH * KW;
  return matchesTwin(conv_f32, conv_f32_ref, convScratchBytes, desc, N * C * D * H * W, wN, OC, N * OC * OD * OH * OW,
    <f32>(wN / OC) * 2, useTricky);
}

function checkConvT(N: i32, C: i32, D: i32, H: i32, W: i32, OC: i32, KD: i32, KH: i32, KW: i32,
                    s: i32, p: i32, op: i32, dil: i32, groups: i32): bool {
  const pd = D > 1 ? p : 0, ph = H > 1 ? p : 0;
  const sd = D > 1 ? s : 1, sh = H > 1 ? s : 1;
  const OD = (D - 1) * sd - 2 * pd + dil * (KD - 1) + (D > 1 ? op : 0) + 1;
  const OH = (H - 1) * sh - 2 * ph + dil * (KH - 1) + (H > 1 ? op : 0) + 1;
  const OW = (W - 1) * s - 2 * p + dil * (KW - 1) + op + 1;
  const desc = convTransposeDesc([N, C, D, H, W, OC, OD, OH, OW, KD, KH, KW, sd, sh, s, pd, ph, p, dil, dil, dil, groups]);
  return matchesTwin(convTranspose_f32, convTranspose_f32_ref, convTransposeScratchBytes, desc, N * C * D * H * W,
    C * (OC / groups) * KD * KH * KW, OC, N * OC * OD * OH * OW, <f32>(C * KD * KH * KW), false);
}

describe("conv_f32", () => {
  it("implicit GEMM: 2-D with padding, stride, dilation and groups", () => {
    expect(checkConv(1, 3, 1, 9, 11, 5, 1, 3, 3, 1, 1, 1, 1, 0)).toBe(true);
    expect(checkConv(2, 4, 1, 13, 10, 6, 1, 3, 2, 2, 1, 1, 2, 0)).toBe(true);
    expect(checkConv(1, 5, 1, 12, 17, 9, 1, 3, 3, 1, 2, 2, 1, 0)).toBe(true);
    expect(checkConv(1, 2, 1, 7, 7, 3, 1, 7, 7, 1, 0, 1, 1, 0)).toBe(true);
    expect(checkConv(1, 40, 1, 6, 5, 11, 1, 3, 3, 1, 1, 1, 1, 0)).toBe(true);
  });

  it("every padding mode", () => {
    for (let mode = 0; mode < 4; mode++) {
      expect(checkConv(1, 3, 1, 6, 9, 4, 1, 3, 3, 1, 2, 1, 1, mode)).toBe(true);
      expect(checkConv(1, 2, 1, 1, 10, 3, 1, 1, 5, 1, 3, 1, 1, mode)).toBe(true);
    }
  });

  it("1x1 convolution straight to GEMM, and strided 1x1", () => {
    expect(checkConv(2, 7, 1, 5, 9, 13, 1, 1, 1, 1, 0, 1, 1, 0)).toBe(true);
    expect(checkConv(1, 6, 1, 5, 9, 9, 1, 1, 1, 1, 0, 1, 3, 0)).toBe(true);
    expect(checkConv(1, 6, 1, 9, 9, 4, 1, 1, 1, 2, 0, 1, 1, 0)).toBe(true);
  });

  it("depthwise: widths around the 16- and 4-wide blocks, strides 1 and 2, multiplier 2", () => {
    const widths: i32[] = [1, 3, 4, 5, 15, 16, 17, 33];
    for (let i = 0; i < widths.length; i++) {
      expect(checkConv(1, 3, 1, 5, widths[i], 3, 1, 3, 3, 1, 1, 1, 3, 0)).toBe(true);
      expect(checkConv(1, 4, 1, 6, widths[i] + 2, 8, 1, 3, 3, 2, 1, 1, 4, 0)).toBe(true);
    }
    expect(checkConv(2, 5, 1, 8, 8, 5, 1, 3, 3, 1, 1, 1, 5, 1)).toBe(true);
    // A 1x3x3 kernel over several depth planes (with depth padding): the 2-D plane path must not take it.
    expect(checkConv(1, 4, 2, 5, 6, 4, 1, 3, 3, 1, 1, 1, 4, 0)).toBe(true);
    expect(checkConv(1, 4, 3, 9, 9, 8, 1, 3, 3, 2, 1, 1, 4, 0)).toBe(true);
  });

  it("1-D and 3-D", () => {
    expect(checkConv(2, 3, 1, 1, 40, 5, 1, 1, 5, 1, 2, 1, 1, 0)).toBe(true);
    expect(checkConv(1, 3, 5, 6, 7, 4, 3, 3, 3, 1, 1, 1, 1, 0)).toBe(true);
    expect(checkConv(1, 4, 6, 6, 6, 4, 2, 3, 2, 2, 1, 1, 4, 2)).toBe(true);
  });

  it("propagates NaN and infinities", () => {
    expect(checkConv(1, 2, 1, 6, 9, 3, 1, 3, 3, 1, 1, 1, 1, 0, true)).toBe(true);
    expect(checkConv(1, 3, 1, 6, 9, 3, 1, 3, 3, 1, 1, 1, 3, 0, true)).toBe(true);
  });
});

/** checkConvT on each row of `cases` (its 14 arguments). */
function checkConvTCases(cases: i32[][]): bool {
  let ok = true;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    ok = ok && checkConvT(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13]);
  }
  return ok;
}

describe("convTranspose_f32", () => {
  it("direct method on long rows (few input channels): strides 1-3, padding, output padding, dilation, groups", () => {
    expect(checkConvTCases([
      [1, 3, 1, 3, 140, 1, 1, 3, 3, 2, 0, 0, 1, 1], [2, 6, 1, 2, 131, 4, 1, 4, 4, 2, 1, 1, 1, 2],
      [1, 2, 1, 2, 200, 3, 1, 3, 2, 3, 1, 2, 1, 1], [1, 2, 1, 3, 70, 2, 1, 3, 3, 1, 2, 0, 2, 1],
      [1, 8, 1, 1, 150, 3, 1, 1, 5, 2, 1, 1, 1, 1], [1, 3, 2, 2, 66, 2, 2, 2, 3, 1, 0, 0, 1, 1],
    ])).toBe(true);
  });

  it("direct method with many output channels per input channel", () => {
    expect(checkConvTCases([[1, 2, 1, 5, 7, 8, 1, 3, 3, 2, 1, 1, 1, 1], [1, 4, 1, 4, 6, 12, 1, 4, 4, 2, 1, 0, 1, 2]])).toBe(true);
  });

  it("GEMM path with few input channels on short rows", () => {
    expect(checkConvTCases([
      [1, 3, 1, 9, 11, 1, 1, 3, 3, 2, 0, 0, 1, 1], [2, 4, 1, 5, 7, 6, 1, 4, 4, 2, 1, 1, 1, 2],
      [1, 2, 1, 4, 6, 3, 1, 3, 2, 3, 1, 2, 1, 1], [1, 2, 1, 5, 5, 2, 1, 3, 3, 1, 2, 0, 2, 1],
      [1, 2, 1, 1, 17, 3, 1, 1, 5, 4, 1, 3, 1, 1],
    ])).toBe(true);
  });

  it("GEMM + col2im (many input channels), 1-D, 2-D and 3-D", () => {
    expect(checkConvTCases([
      [1, 16, 1, 6, 5, 8, 1, 4, 4, 2, 1, 0, 1, 1], [2, 20, 1, 4, 7, 6, 1, 3, 3, 1, 1, 0, 1, 2],
      [1, 12, 1, 1, 15, 4, 1, 1, 5, 3, 2, 2, 1, 1], [1, 10, 3, 4, 3, 3, 3, 3, 3, 2, 1, 1, 1, 1],
      [1, 9, 1, 5, 5, 4, 1, 3, 3, 2, 0, 0, 3, 1],
    ])).toBe(true);
  });
});

/**
 * conv_f32 with weights prepared by convPackWeights_f32 (ConvDesc.packed) gives the same
 * bits as without, and a clamp [lo, hi] gives the clamped unclamped output, NaN kept.
 * Returns the number of prepared bytes (0: the method reads the weights as they are).
 */
function preparedAndClamped(N: i32, C: i32, H: i32, W: i32, OC: i32, K: i32, s: i32, p: i32, groups: i32, lo: f32, hi: f32): i32 {
  const OH = outSize(H, p, p, K, 1, s), OW = outSize(W, p, p, K, 1, s);
  const desc = convDesc([N, C, 1, H, W, OC, 1, OH, OW, 1, K, K, 1, s, s, 0, p, p, 0, p, p, 1, 1, 1, groups, 0]);
  const d = changetype<ConvDesc>(desc);
  const inN = N * C * H * W, wN = OC * (C / groups) * K * K, outN = N * OC * OH * OW;
  const x = buffer(inN, tricky), w = buffer(wN, wave2), bias = buffer(OC, wave);
  const plain = buffer(outN, wave), viaPacked = buffer(outN, wave), clamped = buffer(outN, wave);
  const scratch = heap.alloc(<usize>convScratchBytes(desc));
  conv_f32(plain, x, w, bias, scratch, desc);
  const bytes = convPackedBytes(desc);
  const packed = heap.alloc(<usize>max(bytes, 16));
  convPackWeights_f32(packed, w, desc);
  d.packed = bytes > 0 ? <i32>packed : 0;
  conv_f32(viaPacked, x, w, bias, scratch, desc);
  expect(sameBits(plain, viaPacked, outN)).toBe(true);
  d.clampMin = lo;
  d.clampMax = hi;
  conv_f32(clamped, x, w, bias, scratch, desc);
  for (let i = 0; i < outN; i++) {
    const v = load<f32>(plain + (<usize>i << 2));
    const c = load<f32>(clamped + (<usize>i << 2));
    if (isNaN(v)) expect(isNaN(c)).toBe(true);
    else expect(c).toBe(v < lo ? lo : v > hi ? hi : v);
  }
  heap.free(x); heap.free(w); heap.free(bias); heap.free(plain); heap.free(viaPacked); heap.free(clamped);
  heap.free(scratch); heap.free(packed); heap.free(desc);
  return bytes;
}

describe("prepared weights and the fused clamp", () => {
  it("every convolution method: same bits with prepared weights; clamped outputs (NaN kept)", () => {
    expect(preparedAndClamped(1, 6, 9, 9, 7, 1, 1, 0, 1, 0, Infinity)).toBeGreaterThan(0); // 1x1 GEMM
    expect(preparedAndClamped(2, 6, 11, 10, 12, 3, 2, 1, 2, 0, 6)).toBeGreaterThan(0); // implicit GEMM, groups 2
    expect(preparedAndClamped(1, 300, 7, 7, 11, 3, 2, 1, 1, -0.5, 0.5)).toBeGreaterThan(0); // K past one block
    expect(preparedAndClamped(1, 16, 20, 20, 13, 3, 1, 1, 1, 0, Infinity)).toBeGreaterThan(0); // Winograd
    expect(preparedAndClamped(1, 8, 10, 10, 8, 3, 1, 1, 8, 0, 6)).toBe(0); // depthwise
  });

  it("transposed convolution's GEMM path: same bits with prepared weights", () => {
    const N = 1, C = 12, H = 5, W = 6, OC = 7, K = 3, s = 2;
    const OH = (H - 1) * s + K, OW = (W - 1) * s + K;
    const desc = convTransposeDesc([N, C, 1, H, W, OC, 1, OH, OW, 1, K, K, 1, s, s, 0, 0, 0, 1, 1, 1, 1]);
    const outN = N * OC * OH * OW;
    const x = buffer(N * C * H * W, tricky), w = buffer(C * OC * K * K, wave2), bias = buffer(OC, wave);
    const plain = buffer(outN, wave), viaPacked = buffer(outN, wave);
    const scratch = heap.alloc(<usize>convTransposeScratchBytes(desc));
    convTranspose_f32(plain, x, w, bias, scratch, desc);
    const bytes = convTransposePackedBytes(desc);
    expect(bytes).toBeGreaterThan(0);
    const packed = heap.alloc(<usize>bytes);
    convTransposePackWeights_f32(packed, w, desc);
    changetype<ConvTransposeDesc>(desc).packed = <i32>packed;
    convTranspose_f32(viaPacked, x, w, bias, scratch, desc);
    expect(sameBits(plain, viaPacked, outN)).toBe(true);
    heap.free(x); heap.free(w); heap.free(bias); heap.free(plain); heap.free(viaPacked); heap.free(scratch); heap.free(packed); heap.free(desc);
  });
});
