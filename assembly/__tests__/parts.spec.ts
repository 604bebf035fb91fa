import { ConvDesc, GemmDesc, NormDesc, CONV_POINTWISE, CONV_DEPTHWISE, CONV_GEMM, CONV_SPACE_TO_DEPTH, GEMM_BIAS_ROW, GEMM_B_PACKED,
  OP_DIV, OP_EXP, WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3, WINOGRAD_4_5 } from "../abi";
import { setPart } from "../parts";
import { conv_f32, convScratchBytes, convPackedBytes, convPackWeights_f32 } from "../conv";
import { convMethodOf } from "../conv_plan";
import { gemm_f32, gemmScratchBytes, gemmPackedBBytes, gemmPackB_f32 } from "../gemm";
import { gemv_f32 } from "../gemv";
import { avgPool3d_f32, maxPool3d_f32, maxPool3dWithIndices_f32, poolScratchBytes } from "../pool";
import { batchNorm_f32, batchNormScratchBytes, groupNorm_f32, groupNormScratchBytes, layerNorm_f32, layerNormScratchBytes } from "../norm";
import { relu_f32, sigmoid_f32 } from "../activation";
import { elementwise_f32, unary_f32 } from "../broadcast";
import { buffer, convDesc, freeAll, i32Desc, poolDesc, wave, wave2 } from "./helpers";

// A call shared by the worker pool runs the same kernel as parts 0..n-1 of the work
// (parts.ts). Here the parts run one after another, each into its own output filled with
// a marker: every element must be written by exactly one part, with the bits the whole
// call writes. That is what lets the threads run at once without waiting for each other
// and makes the result independent of their number. Each part runs twice, over two
// markers: a NaN (which an in-place clamp keeps) and a huge negative value (which a ReLU
// changes), so that a part touching an element outside its share is seen either way.

const MARKS: u32[] = [0x7fc0dead, 0xff7fffee]; // values no kernel makes from these finite inputs

let X: usize = 0, W: usize = 0, B: usize = 0, DESC: usize = 0, OTHER: usize = 0;

type Run = (out: usize, scratch: usize) => void;

function marked(n: i32, mark: u32): usize {
  const p = heap.alloc(<usize>max(n, 1) << 2);
  for (let i = 0; i < n; i++) store<u32>(p + (<usize>i << 2), mark);
  return p;
}

function poison(p: usize, bytes: usize): void {
  for (let i: usize = 0; i + 4 <= bytes; i += 4) store<u32>(p + i, 0x7fc00bad);
}

/** `run` whole, then as each of `parts` parts: true when the parts tile the n outputs exactly, with the whole call's bits. */
function splitsExactly(run: Run, n: i32, scratchBytes: i32, parts: i32): bool {
  const stride = <usize>((scratchBytes + 63) & ~63);
  const scratch = heap.alloc(stride * <usize>parts + 64);
  const whole = marked(n, MARKS[0]);
  run(whole, scratch);
  const writers = heap.alloc(<usize>max(n, 1) << 2);
  memory.fill(writers, 0, <usize>n << 2);
  let ok = true;
  for (let p = 0; p < parts; p++) {
    const a = marked(n, MARKS[0]), b = marked(n, MARKS[1]);
    setPart(p, parts, stride);
    // Stale scratch holds NaNs: a part reading scratch it did not write itself shows.
    poison(scratch, stride * <usize>parts + 64);
    run(a, scratch);
    poison(scratch, stride * <usize>parts + 64);
    run(b, scratch);
    setPart(0, 1, 0);
    for (let i = 0; i < n; i++) {
      const bitsA = load<u32>(a + (<usize>i << 2)), bitsB = load<u32>(b + (<usize>i << 2));
      if (bitsA == MARKS[0] && bitsB == MARKS[1]) continue;
      store<i32>(writers + (<usize>i << 2), load<i32>(writers + (<usize>i << 2)) + 1);
      const want = load<u32>(whole + (<usize>i << 2));
      if (bitsA != want || bitsB != want) ok = false;
    }
    heap.free(a);
    heap.free(b);
  }
  for (let i = 0; i < n; i++) if (load<i32>(writers + (<usize>i << 2)) != 1) ok = false;
  freeAll([scratch, whole, writers]);
  return ok;
}

function runConv(out: usize, scratch: usize): void { conv_f32(out, X, W, B, scratch, DESC); }
function runGemm(out: usize, scratch: usize): void { gemm_f32(out, X, W, B, scratch, DESC); }
function runGemv(out: usize, scratch: usize): void { gemv_f32(out, X, W, B, load<i32>(DESC), load<i32>(DESC, 4)); }
function runMaxPool(out: usize, scratch: usize): void { maxPool3d_f32(out, X, scratch, DESC); }
function runMaxPoolIndices(out: usize, scratch: usize): void { maxPool3dWithIndices_f32(OTHER, out, X, scratch, DESC); }
function runAvgPool(out: usize, scratch: usize): void { avgPool3d_f32(out, X, scratch, DESC); }
function runBatchNorm(out: usize, scratch: usize): void { batchNorm_f32(out, X, W, B, 0, 0, scratch, DESC); }
function runGroupNorm(out: usize, scratch: usize): void { groupNorm_f32(out, X, W, B, 0, 0, scratch, DESC); }
function runLayerNorm(out: usize, scratch: usize): void { layerNorm_f32(out, X, W, B, scratch, DESC); }
function runRelu(out: usize, scratch: usize): void { relu_f32(out, X, load<i32>(DESC)); }
function runSigmoid(out: usize, scratch: usize): void { sigmoid_f32(out, X, load<i32>(DESC)); }
function runDiv(out: usize, scratch: usize): void { elementwise_f32(out, X, W, load<i32>(DESC), OP_DIV); }
function runExp(out: usize, scratch: usize): void { unary_f32(out, X, load<i32>(DESC), OP_EXP); }

/** A 2-D convolution, by the method the planner picks (checked), with ReLU fused or not, in 2 and 3 parts. */
function convSplits(N: i32, C: i32, H: i32, Wd: i32, OC: i32, KH: i32, KW: i32, s: i32, p: i32, groups: i32,
                    method: i32, relu: bool, prepared: bool, outliers: bool = false): bool {
  const OH = (H + 2 * p - KH) / s + 1, OW = (Wd + 2 * p - KW) / s + 1;
  DESC = convDesc([N, C, 1, H, Wd, OC, 1, OH, OW, 1, KH, KW, 1, s, s, 0, p, p, 0, p, p, 1, 1, 1, groups, 0]);
  const d = changetype<ConvDesc>(DESC);
  if (relu) d.clampMin = 0;
  X = buffer(N * C * H * Wd, wave);
  // Infinities and values far above their neighbours: the Winograd guard recomputes those tiles directly.
  if (outliers) for (let i = 0; i < N * C * H * Wd; i += 397) store<f32>(X + (<usize>i << 2), i % 2 == 0 ? Infinity : 3e5);
  W = buffer(OC * (C / groups) * KH * KW, wave2);
  B = buffer(OC, wave);
  let packed: usize = 0;
  if (prepared && convPackedBytes(DESC) > 0) {
    packed = heap.alloc(<usize>convPackedBytes(DESC));
    convPackWeights_f32(packed, W, DESC);
    d.packed = <i32>packed;
  }
  let ok = convMethodOf(DESC) == method;
  if (!ok) log<string>("method " + convMethodOf(DESC).toString());
  const n = N * OC * OH * OW;
  for (let parts = 2; parts <= 3; parts++) {
    const split = splitsExactly(runConv, n, convScratchBytes(DESC), parts);
    if (!split) log<string>("parts " + parts.toString());
    ok = ok && split;
  }
  freeAll([X, W, B, DESC]);
  if (packed != 0) heap.free(packed);
  return ok;
}

describe("kernels shared by the worker pool: the parts tile the output exactly, with the whole call's bits", () => {
  it("convolution: 1x1 GEMM, implicit GEMM (stride 2, k7, groups), depthwise, every Winograd variant, space-to-depth", () => {
    expect(convSplits(1, 24, 9, 11, 40, 1, 1, 1, 0, 1, CONV_POINTWISE, false, true)).toBe(true);
    expect(convSplits(2, 6, 15, 13, 7, 7, 7, 2, 3, 1, CONV_GEMM, true, false)).toBe(true);
    expect(convSplits(2, 8, 15, 13, 12, 3, 3, 2, 1, 2, CONV_GEMM, false, true)).toBe(true);
    expect(convSplits(2, 6, 9, 14, 12, 3, 3, 1, 1, 6, CONV_DEPTHWISE, true, false)).toBe(true);
    expect(convSplits(1, 5, 7, 30, 5, 3, 3, 2, 1, 5, CONV_DEPTHWISE, false, false)).toBe(true);
    expect(convSplits(2, 32, 30, 27, 32, 3, 3, 1, 1, 1, WINOGRAD_4X4_3X3, true, true)).toBe(true);
    expect(convSplits(3, 16, 10, 9, 24, 3, 3, 1, 1, 1, WINOGRAD_4X4_3X3, false, false)).toBe(true);
    expect(convSplits(3, 16, 2, 30, 16, 3, 3, 1, 1, 1, WINOGRAD_2X2_3X3, true, false)).toBe(true);
    expect(convSplits(2, 16, 9, 40, 16, 1, 5, 1, 2, 1, WINOGRAD_4_5, true, true)).toBe(true);
    // Few tile rows: the threads share the output channels instead (with and without prepared weights).
    expect(convSplits(1, 64, 14, 14, 64, 3, 3, 1, 1, 1, WINOGRAD_4X4_3X3, true, true)).toBe(true);
    expect(convSplits(1, 48, 12, 10, 41, 3, 3, 1, 1, 1, WINOGRAD_2X2_3X3, false, false)).toBe(true);
    expect(convSplits(2, 32, 1, 64, 37, 1, 5, 1, 2, 1, WINOGRAD_4_5, true, false)).toBe(true);
    // Stride 2, 5x5 and 6x6 kernels: the stride phases stacked as channels (conv_s2d.ts).
    expect(convSplits(1, 32, 57, 55, 40, 5, 5, 2, 2, 1, CONV_SPACE_TO_DEPTH, true, true)).toBe(true);
    expect(convSplits(2, 24, 30, 33, 48, 6, 6, 2, 2, 1, CONV_SPACE_TO_DEPTH, false, false)).toBe(true);
    // Tiles the accuracy guard recomputes directly, in both kinds of share.
    expect(convSplits(1, 64, 14, 14, 64, 3, 3, 1, 1, 1, WINOGRAD_4X4_3X3, true, true, true)).toBe(true);
    expect(convSplits(2, 32, 30, 27, 32, 3, 3, 1, 1, 1, WINOGRAD_4X4_3X3, false, false, true)).toBe(true);
  });

  it("GEMM: columns shared (across a packed B's column blocks), rows shared when the columns are few", () => {
    const shapes: i32[] = [37, 300, 70, 300, 9, 70, 6, 1100, 33, 1, 2, 5, 0, 40, 3];
    for (let s = 0; s < shapes.length; s += 3) {
      const M = shapes[s], N = shapes[s + 1], K = shapes[s + 2];
      for (let packB = 0; packB < 2; packB++) {
        DESC = i32Desc([M, N, K, K, N, N, GEMM_BIAS_ROW]);
        X = buffer(M * K, wave);
        W = buffer(K * N, wave2);
        B = buffer(M, wave);
        let packed: usize = 0;
        if (packB == 1) {
          packed = heap.alloc(<usize>max(gemmPackedBBytes(DESC), 16));
          gemmPackB_f32(packed, W, DESC);
          heap.free(W);
          W = packed;
          changetype<GemmDesc>(DESC).flags |= GEMM_B_PACKED;
        }
        for (let parts = 2; parts <= 3; parts++) expect(splitsExactly(runGemm, M * N, gemmScratchBytes(M, N, K), parts)).toBe(true);
        freeAll([X, W, B, DESC]);
      }
    }
  });

  it("matrix-vector rows, in groups of four and a tail", () => {
    const sizes: i32[] = [1, 5, 13, 64, 101];
    for (let i = 0; i < sizes.length; i++) {
      const N = sizes[i], K = 37;
      DESC = i32Desc([N, K]);
      X = buffer(K, wave); W = buffer(N * K, wave2); B = buffer(N, wave);
      for (let parts = 2; parts <= 3; parts++) expect(splitsExactly(runGemv, N, 0, parts)).toBe(true);
      freeAll([X, W, B, DESC]);
    }
  });

  it("pooling planes: max (values and indices) and average", () => {
    const planes = 7;
    DESC = changetype<usize>(poolDesc(planes, [1, 13, 17], [1, 7, 9], [1, 3, 3], [1, 2, 2], [0, 1, 1], [1, 1, 1]));
    X = buffer(planes * 13 * 17, wave2);
    OTHER = heap.alloc(planes * 7 * 9 * 4);
    const scratch = <i32>poolScratchBytes(DESC);
    for (let parts = 2; parts <= 3; parts++) {
      expect(splitsExactly(runMaxPool, planes * 63, scratch, parts)).toBe(true);
      expect(splitsExactly(runMaxPoolIndices, planes * 63, scratch, parts)).toBe(true);
      expect(splitsExactly(runAvgPool, planes * 63, scratch, parts)).toBe(true);
    }
    freeAll([X, OTHER, DESC]);
  });

  it("normalisation: batch norm channels (and its rows form, on one thread), group norm groups, layer norm rows", () => {
    // NormDesc: batch, channels, inner, groups, eps, momentum, useInputStats.
    const eps = reinterpret<i32>(<f32>1e-5), momentum = reinterpret<i32>(<f32>0.1);
    const cases: i32[] = [3, 5, 11, 1, 3, 7, 1, 1, 2, 6, 10, 3, 4, 1, 23, 1];
    for (let c = 0; c < cases.length; c += 4) {
      const N = cases[c], C = cases[c + 1], inner = cases[c + 2], groups = cases[c + 3];
      DESC = i32Desc([N, C, inner, groups, eps, momentum, 1]);
      X = buffer(N * C * inner, wave); W = buffer(C * inner, wave2); B = buffer(C * inner, wave);
      const n = N * C * inner;
      for (let parts = 2; parts <= 3; parts++) {
        if (groups == 1) expect(splitsExactly(runBatchNorm, n, batchNormScratchBytes(C), parts)).toBe(true);
        expect(splitsExactly(runGroupNorm, n, groupNormScratchBytes(C), parts)).toBe(true);
      }
      changetype<NormDesc>(DESC).batch = N * C;
      for (let parts = 2; parts <= 3; parts++) expect(splitsExactly(runLayerNorm, n, layerNormScratchBytes(inner), parts)).toBe(true);
      freeAll([X, W, B, DESC]);
    }
  });

  it("elementwise kernels (activations, arithmetic), in whole 16-float blocks and a tail", () => {
    const sizes: i32[] = [1, 15, 16, 17, 100, 1000];
    for (let i = 0; i < sizes.length; i++) {
      DESC = i32Desc([sizes[i]]);
      X = buffer(sizes[i], wave2);
      W = buffer(sizes[i], wave);
      for (let parts = 2; parts <= 3; parts++) {
        expect(splitsExactly(runRelu, sizes[i], 0, parts)).toBe(true);
        expect(splitsExactly(runSigmoid, sizes[i], 0, parts)).toBe(true);
        expect(splitsExactly(runDiv, sizes[i], 0, parts)).toBe(true);
        expect(splitsExactly(runExp, sizes[i], 0, parts)).toBe(true);
      }
      freeAll([X, W, DESC]);
    }
  });
});
