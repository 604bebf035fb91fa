import { conv_f32, conv_scratch_bytes } from "../conv";
import { conv_transpose_f32, conv_transpose_scratch_bytes } from "../conv_transpose";
import { conv_f32_ref, conv_transpose_f32_ref } from "../reference/conv";
import { params_ptr } from "../memory";
import { buffer, tricky } from "./helpers";

function wave(i: i32): f32 { return <f32>((i * 7919) % 23) * 0.0625 - 0.7; }
function wave2(i: i32): f32 { return <f32>((i * 104729) % 19) * 0.11 - 1.0; }

function close(a: usize, b: usize, n: i32, scale: f32): bool {
  for (let i = 0; i < n; i++) {
    const x = load<f32>(a + (<usize>i << 2));
    const y = load<f32>(b + (<usize>i << 2));
    if (isNaN(y)) { if (!isNaN(x)) return false; continue; }
    if (!isFinite(y)) { if (x != y) return false; continue; }
    if (Mathf.abs(x - y) > 1e-5 * scale + 1e-5 * Mathf.abs(y)) return false;
  }
  return true;
}

function setParams(values: i32[]): void {
  for (let i = 0; i < values.length; i++) store<i32>(params_ptr() + (<usize>i << 2), values[i]);
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
  setParams([N, C, D, H, W, OC, OD, OH, OW, KD, KH, KW, s, s, s, pd, ph, p, pd, ph, p, dil, dil, dil, groups, mode]);
  const inN = N * C * D * H * W;
  const wN = OC * (C / groups) * KD * KH * KW;
  const outN = N * OC * OD * OH * OW;
  const x = useTricky ? buffer(inN, tricky) : buffer(inN, wave);
  const w = buffer(wN, wave2);
  const bias = buffer(OC, wave);
  const y = buffer(outN, wave);
  const r = buffer(outN, wave);
  const scratch = heap.alloc(<usize>conv_scratch_bytes());
  conv_f32(y, x, w, bias, scratch);
  conv_f32_ref(r, x, w, bias);
  const ok = close(y, r, outN, <f32>(wN / OC) * 2);
  heap.free(x); heap.free(w); heap.free(bias); heap.free(y); heap.free(r); heap.free(scratch);
  return ok;
}

function checkConvT(N: i32, C: i32, D: i32, H: i32, W: i32, OC: i32, KD: i32, KH: i32, KW: i32,
                    s: i32, p: i32, op: i32, dil: i32, groups: i32): bool {
  const pd = D > 1 ? p : 0, ph = H > 1 ? p : 0;
  const sd = D > 1 ? s : 1, sh = H > 1 ? s : 1;
  const OD = (D - 1) * sd - 2 * pd + dil * (KD - 1) + (D > 1 ? op : 0) + 1;
  const OH = (H - 1) * sh - 2 * ph + dil * (KH - 1) + (H > 1 ? op : 0) + 1;
  const OW = (W - 1) * s - 2 * p + dil * (KW - 1) + op + 1;
  setParams([N, C, D, H, W, OC, OD, OH, OW, KD, KH, KW, sd, sh, s, pd, ph, p, dil, dil, dil, groups]);
  const inN = N * C * D * H * W;
  const wN = C * (OC / groups) * KD * KH * KW;
  const outN = N * OC * OD * OH * OW;
  const x = buffer(inN, wave);
  const w = buffer(wN, wave2);
  const bias = buffer(OC, wave);
  const y = buffer(outN, wave);
  const r = buffer(outN, wave);
  const scratch = heap.alloc(<usize>conv_transpose_scratch_bytes());
  conv_transpose_f32(y, x, w, bias, scratch);
  conv_transpose_f32_ref(r, x, w, bias);
  const ok = close(y, r, outN, <f32>(C * KD * KH * KW));
  heap.free(x); heap.free(w); heap.free(bias); heap.free(y); heap.free(r); heap.free(scratch);
  return ok;
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

describe("conv_transpose_f32", () => {
  it("direct method on long rows (few input channels): strides 1-3, padding, output padding, dilation, groups", () => {
    expect(checkConvT(1, 3, 1, 3, 140, 1, 1, 3, 3, 2, 0, 0, 1, 1)).toBe(true);
    expect(checkConvT(2, 6, 1, 2, 131, 4, 1, 4, 4, 2, 1, 1, 1, 2)).toBe(true);
    expect(checkConvT(1, 2, 1, 2, 200, 3, 1, 3, 2, 3, 1, 2, 1, 1)).toBe(true);
    expect(checkConvT(1, 2, 1, 3, 70, 2, 1, 3, 3, 1, 2, 0, 2, 1)).toBe(true);
    expect(checkConvT(1, 8, 1, 1, 150, 3, 1, 1, 5, 2, 1, 1, 1, 1)).toBe(true);
    expect(checkConvT(1, 3, 2, 2, 66, 2, 2, 2, 3, 1, 0, 0, 1, 1)).toBe(true);
  });

  it("direct method with many output channels per input channel", () => {
    expect(checkConvT(1, 2, 1, 5, 7, 8, 1, 3, 3, 2, 1, 1, 1, 1)).toBe(true);
    expect(checkConvT(1, 4, 1, 4, 6, 12, 1, 4, 4, 2, 1, 0, 1, 2)).toBe(true);
  });

  it("GEMM path with few input channels on short rows", () => {
    expect(checkConvT(1, 3, 1, 9, 11, 1, 1, 3, 3, 2, 0, 0, 1, 1)).toBe(true);
    expect(checkConvT(2, 4, 1, 5, 7, 6, 1, 4, 4, 2, 1, 1, 1, 2)).toBe(true);
    expect(checkConvT(1, 2, 1, 4, 6, 3, 1, 3, 2, 3, 1, 2, 1, 1)).toBe(true);
    expect(checkConvT(1, 2, 1, 5, 5, 2, 1, 3, 3, 1, 2, 0, 2, 1)).toBe(true);
    expect(checkConvT(1, 2, 1, 1, 17, 3, 1, 1, 5, 4, 1, 3, 1, 1)).toBe(true);
  });

  it("GEMM + col2im (many input channels), 1-D, 2-D and 3-D", () => {
    expect(checkConvT(1, 16, 1, 6, 5, 8, 1, 4, 4, 2, 1, 0, 1, 1)).toBe(true);
    expect(checkConvT(2, 20, 1, 4, 7, 6, 1, 3, 3, 1, 1, 0, 1, 2)).toBe(true);
    expect(checkConvT(1, 12, 1, 1, 15, 4, 1, 1, 5, 3, 2, 2, 1, 1)).toBe(true);
    expect(checkConvT(1, 10, 3, 4, 3, 3, 3, 3, 3, 2, 1, 1, 1, 1)).toBe(true);
    expect(checkConvT(1, 9, 1, 5, 5, 4, 1, 3, 3, 2, 0, 0, 3, 1)).toBe(true);
  });
});
