// Transposed convolution in its "sub-pixel" form: one ordinary convolution, then an
// interleave.
//
// With stride s, output phase r of a dimension (the outputs r, r + s, r + 2s, ...) only
// meets the kernel taps t for which r + p - t is a multiple of s, each at the input
// offset d = (r + p - t) / s: a stride-1 correlation of the input. Stacking the s^nd
// phases as output channels over the union of their offsets makes one stride-1
// convolution with s^nd * OC outputs (zero weights where a phase has no tap), computed by
// the convolution kernels; its outputs are then interleaved into place. The stacked
// convolution does more multiply-adds than the transposed one (its window covers every
// phase), so it only pays when it becomes a Winograd convolution: a 4x4 kernel with
// stride 2 and padding 1, the usual up-sampling layer of decoders and GANs, turns into a
// 3x3 convolution. The kernels' cost model decides (convTransposeUseSubpixel in
// assembly/conv_plan.ts); this file only lays the stacked convolution out and runs it.

import { copyStrided } from "../copy";
import { CONV_DESC, CONV_TRANSPOSE_DESC, MAX_SUBPIXEL_TAPS, PAD_ZEROS, SUBPIXEL_WEIGHTS_DESC } from "../../build/abi.js";
import { type Tensor } from "../tensor";
import { descriptor, dhw, setField, wasm } from "../wasm";
import { preparedWeights, stamp } from "../weight-cache";
import { reserveScratch } from "./common";

/** The stacked convolution for a transposed one, per spatial dimension (3-D form). */
interface SubpixelPlan {
  /** Offset of the window's first input position (<= 0: that much padding before). */
  dmin: number[];
  /** Window size of the stacked convolution. */
  window: number[];
  /** Padding after the input, so the stacked convolution has `rows` outputs. */
  padAfter: number[];
  /** Outputs per phase of the stacked convolution. */
  rows: number[];
}

/**
 * The plan for a transposed convolution given in 3-D form (sizes of absent dimensions 1,
 * stride 1, padding 0), or null when the sub-pixel form does not apply or would not be
 * faster by the kernels' estimates.
 */
export function subpixelPlan(
  N: number, C: number, OC: number, groups: number,
  inSize: number[], outSize: number[], kernel: number[], stride: number[], padding: number[], dilation: number[],
): SubpixelPlan | null {
  if (groups !== 1 || dilation.some((d) => d !== 1)) return null;
  const dmin: number[] = [];
  const window: number[] = [];
  const padAfter: number[] = [];
  const rows: number[] = [];
  for (let i = 0; i < 3; i++) {
    const [s, p, k, L] = [stride[i], padding[i], kernel[i], inSize[i]];
    let lo = Infinity;
    let hi = -Infinity;
    for (let t = 0; t < k; t++) {
      const r = (((t - p) % s) + s) % s;
      const d = (r + p - t) / s;
      lo = Math.min(lo, d);
      hi = Math.max(hi, d);
    }
    // A window that starts inside the input would need cropping, not padding.
    if (lo > 0) return null;
    const w = hi - lo + 1;
    const J = Math.ceil(outSize[i] / s);
    const after = Math.max(0, J + w - 1 - L + lo);
    dmin.push(lo);
    window.push(w);
    padAfter.push(after);
    rows.push(L - lo + after - w + 1);
  }
  // The weight kernel keeps a table of the kernel's taps.
  if (kernel[0] * kernel[1] * kernel[2] > MAX_SUBPIXEL_TAPS) return null;
  const plan = { dmin, window, padAfter, rows };
  const transposed = convTransposeDescriptor(N, C, OC, groups, inSize, outSize, kernel, stride, padding, dilation);
  return wasm().convTransposeUseSubpixel(transposed, stackedDescriptor(N, C, OC, inSize, stride, plan)) ? plan : null;
}

function phasesOf(stride: number[]): number {
  return stride[0] * stride[1] * stride[2];
}

/** The ConvTransposeDesc of a transposed convolution given in 3-D form; returns its address. */
export function convTransposeDescriptor(
  N: number, C: number, OC: number, groups: number,
  inSize: number[], outSize: number[], kernel: number[], stride: number[], padding: number[], dilation: number[],
): number {
  return descriptor(CONV_TRANSPOSE_DESC, {
    batch: N, inC: C, ...dhw("in", inSize), outC: OC, ...dhw("out", outSize), ...dhw("kernel", kernel),
    ...dhw("stride", stride), ...dhw("pad", padding), ...dhw("dilation", dilation), groups, packed: 0,
  });
}

/** The ConvDesc of the stacked convolution (zero padding, stride and dilation 1); returns its address. */
function stackedDescriptor(N: number, C: number, OC: number, inSize: number[], stride: number[], plan: SubpixelPlan): number {
  const ones = [1, 1, 1];
  return descriptor(CONV_DESC, {
    batch: N, inC: C, ...dhw("in", inSize), outC: phasesOf(stride) * OC, ...dhw("out", plan.rows), ...dhw("kernel", plan.window),
    ...dhw("stride", ones), ...dhw("padBefore", plan.dmin.map((d) => -d)), ...dhw("padAfter", plan.padAfter),
    ...dhw("dilation", ones), groups: 1, paddingMode: PAD_ZEROS, packed: 0, clampMin: -Infinity, clampMax: Infinity,
  });
}

/**
 * Runs the plan: stacked weights and bias, the stacked convolution and the interleave.
 * The stacked weights and bias, and the convolution's own prepared form of them, are
 * computed once per version of the weight and bias (a cache on the weight, see
 * weight-cache.ts); the stacked output goes through scratch. `out` is [N, OC, ...outSize]
 * (3-D form); x, w and b are the data addresses of the input, weight and bias (0 for
 * none), `weight` and `bias` their tensors.
 */
export function runSubpixel(
  layer: string, plan: SubpixelPlan, out: Tensor, x: number, w: number, b: number, weight: Tensor, bias: Tensor | null,
  N: number, C: number, OC: number, inSize: number[], outSize: number[], kernel: number[], stride: number[], padding: number[],
): void {
  const k = wasm();
  const phases = phasesOf(stride);
  const stackedOC = phases * OC;
  const windowVolume = plan.window[0] * plan.window[1] * plan.window[2];
  const rowsVolume = plan.rows[0] * plan.rows[1] * plan.rows[2];
  const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const weightBytes = align(stackedOC * C * windowVolume * 4);
  const biasBytes = align(stackedOC * 4);
  const outBytes = align(N * stackedOC * rowsVolume * 4);
  const weightsDesc = descriptor(SUBPIXEL_WEIGHTS_DESC, {
    inC: C, outC: OC, ...dhw("kernel", kernel), ...dhw("stride", stride), ...dhw("pad", padding),
    ...dhw("first", plan.dmin), ...dhw("window", plan.window),
  });
  const convDesc = stackedDescriptor(N, C, OC, inSize, stride, plan);
  const packedBytes = Math.max(0, k.convPackedBytes(convDesc));
  const key = `${stamp(weight)}|${stamp(bias)}|method ${k.convMethodOf(convDesc)}|window ${plan.window}|first ${plan.dmin}|stride ${stride}|pad ${padding}|bytes ${packedBytes}`;
  const cached = preparedWeights(weight, "subpixel", key, weightBytes + biasBytes + packedBytes, (ptr) => {
    k.convTransposeSubpixelWeights_f32(ptr, ptr + weightBytes, w, b, weightsDesc);
    if (packedBytes > 0) k.convPackWeights_f32(ptr + weightBytes + biasBytes, ptr, convDesc);
  });
  const convScratch = k.convScratchBytes(convDesc);
  const ownWeights = cached === 0 ? weightBytes + biasBytes : 0;
  const scratch = Math.ceil(reserveScratch(layer, ownWeights + outBytes + convScratch + 16) / 16) * 16;
  const stackedWeight = cached !== 0 ? cached : scratch;
  const stackedBias = stackedWeight + weightBytes;
  const stacked = scratch + ownWeights;
  // Without room for a cache, the stacked weights are laid out per call in scratch.
  if (cached === 0) k.convTransposeSubpixelWeights_f32(stackedWeight, stackedBias, w, b, weightsDesc);
  const packed = cached !== 0 && packedBytes > 0 ? cached + weightBytes + biasBytes : 0;
  k.conv_f32(stacked, x, stackedWeight, stackedBias, stacked + outBytes, setField(CONV_DESC, convDesc, "packed", packed));

  // Phase (rd, rh, rw) of the stacked output goes to the outputs rd + sd*j, rh + sh*j, rw + sw*j.
  const [OD, OH, OW] = outSize;
  const [RD, RH, RW] = plan.rows;
  const outStrides = [OC * OD * OH * OW, OD * OH * OW, stride[0] * OH * OW, stride[1] * OW, stride[2]];
  const stackedStrides = [stackedOC * rowsVolume, rowsVolume, RH * RW, RW, 1];
  for (let rd = 0; rd < stride[0]; rd++) {
    for (let rh = 0; rh < stride[1]; rh++) {
      for (let rw = 0; rw < stride[2]; rw++) {
        const phase = (rd * stride[1] + rh) * stride[2] + rw;
        const shape = [N, OC, Math.ceil((OD - rd) / stride[0]), Math.ceil((OH - rh) / stride[1]), Math.ceil((OW - rw) / stride[2])];
        const dst = out.dataPtr + 4 * ((rd * OH + rh) * OW + rw);
        const src = stacked + 4 * phase * OC * rowsVolume;
        copyStrided(dst, outStrides, src, stackedStrides, shape);
      }
    }
  }
}
