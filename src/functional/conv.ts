// Convolution and transposed convolution in 1, 2 and 3 dimensions (torch.nn.functional
// conv1d..3d, conv_transpose1d..3d). One N-d path: the kernels see every input as
// [N, C, D, H, W] with size-1 leading spatial dimensions for 1-D and 2-D.

import { batched, checkChoice, checkDtype, checkOptions, checkWindowSpan, tuple, unbatched } from "../args";
import { MAX_TENSOR_ELEMENTS } from "../storage";
import { badType, badValue, rangeError, shapeStr } from "../errors";
import { convOutputSize, convTransposeOutputSize } from "../shape";
import { type Tensor, emptyTensor } from "../tensor";
import { CONV_DESC, CONV_TRANSPOSE_DESC, PAD_CIRCULAR, PAD_REFLECT, PAD_REPLICATE, PAD_ZEROS } from "../../build/abi.js";
import { descriptor, dhw, setField, wasm } from "../wasm";
import { floatTensor, optionalBias, reserveScratch, withContiguous } from "./common";
import { preparedWeights, stamp } from "../weight-cache";
import { convTransposeDescriptor, runSubpixel, subpixelPlan } from "./subpixel";
import { polyphase } from "./polyphase";

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";
export const PADDING_MODES: readonly PaddingMode[] = ["zeros", "reflect", "replicate", "circular"];
/** The kernels' number for each padding mode (ConvDesc.paddingMode). */
const PAD_CODE: Record<PaddingMode, number> = { zeros: PAD_ZEROS, reflect: PAD_REFLECT, replicate: PAD_REPLICATE, circular: PAD_CIRCULAR };

export interface ConvOptions {
  stride?: number | number[];
  padding?: number | number[] | "same" | "valid";
  dilation?: number | number[];
  groups?: number;
}

export interface ConvTransposeOptions {
  stride?: number | number[];
  padding?: number | number[];
  outputPadding?: number | number[];
  groups?: number;
  dilation?: number | number[];
}

/** Normalised convolution arguments (also kept by the modules). */
export interface ConvArgs {
  stride: number[];
  /** Explicit padding per dimension, or "same"/"valid". */
  padding: number[] | "same" | "valid";
  dilation: number[];
  groups: number;
  paddingMode: PaddingMode;
}

const CONV_OPTIONS = ["stride", "padding", "dilation", "groups"] as const;
const CONV_TRANSPOSE_OPTIONS = ["stride", "padding", "outputPadding", "groups", "dilation"] as const;
const WEIGHT_LAYOUT = ["[outC, inC/groups, kW]", "[outC, inC/groups, kH, kW]", "[outC, inC/groups, kD, kH, kW]"];
const T_WEIGHT_LAYOUT = ["[inC, outC/groups, kW]", "[inC, outC/groups, kH, kW]", "[inC, outC/groups, kD, kH, kW]"];

export function checkGroups(layer: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw badType(layer, "groups", "a positive integer", value);
  if (value < 1) throw badValue(layer, "groups", "a positive integer", value);
  return value;
}

/** Normalises stride/padding/dilation/groups (and the padding mode) for an nd-dimensional convolution. */
export function parseConv(layer: string, nd: number, options: ConvOptions & { paddingMode?: unknown }): ConvArgs {
  const { stride = 1, padding = 0, dilation = 1, groups = 1, paddingMode = "zeros" } = options;
  const s = tuple(layer, "stride", stride, nd, 1);
  const d = tuple(layer, "dilation", dilation, nd, 1);
  let p: ConvArgs["padding"];
  if (padding === "same" || padding === "valid") {
    p = padding;
    if (padding === "same" && s.some((v) => v !== 1)) {
      throw rangeError(layer, `padding "same" needs stride 1 in every dimension, got stride [${s}]`);
    }
  } else if (typeof padding === "string") {
    throw badValue(layer, "padding", `a non-negative integer, an array of ${nd}, "same" or "valid"`, padding);
  } else {
    p = tuple(layer, "padding", padding, nd, 0);
  }
  return { stride: s, padding: p, dilation: d, groups: checkGroups(layer, groups), paddingMode: checkChoice(layer, "paddingMode", paddingMode, PADDING_MODES) };
}

/** Padding before and after each spatial dimension; "same" puts the odd extra element after, as PyTorch. */
export function resolvePadding(padding: ConvArgs["padding"], kernel: number[], dilation: number[]): [number[], number[]] {
  if (padding === "valid") return [kernel.map(() => 0), kernel.map(() => 0)];
  if (padding === "same") {
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    const before = total.map((t) => Math.floor(t / 2));
    return [before, total.map((t, i) => t - before[i])];
  }
  return [padding.slice(), padding.slice()];
}

/** Per-dimension values of an nd-dimensional layer in the kernels' 3-D form [d, h, w]: missing leading dimensions get `fill`. */
function as3d(values: readonly number[], fill: number): number[] {
  return [...new Array<number>(3 - values.length).fill(fill), ...values];
}

/** Validates the weight's rank: nd + 2 dimensions. */
function checkWeightRank(layer: string, w: Tensor, nd: number, layouts: string[]): void {
  if (w.ndim !== nd + 2) {
    throw rangeError(layer, `expected weight with ${nd + 2} dimensions ${layouts[nd - 1]}, got shape ${shapeStr(w.shape)}`);
  }
}

/**
 * The checks convolution and transposed convolution share: a float32 input, a float32
 * weight of nd + 2 dimensions with positive kernel sizes, and a first weight dimension
 * (the `side` channels: out for convolution, in for transposed) divisible by groups.
 */
function checkConvOperands(layer: string, nd: number, x: Tensor, weight: unknown, layouts: string[], side: "in" | "out", groups: number): Tensor {
  checkDtype(layer, "input", x, "float32");
  const w = floatTensor(layer, "weight", weight);
  checkWeightRank(layer, w, nd, layouts);
  if (w.shape.slice(2).some((k) => k < 1)) throw rangeError(layer, `expected a weight with positive kernel sizes, got shape ${shapeStr(w.shape)}`);
  if (w.shape[0] % groups !== 0) {
    throw rangeError(layer, `expected weight's ${side} channels (${w.shape[0]}, weight shape ${shapeStr(w.shape)}) to be divisible by groups ${groups}`);
  }
  return w;
}

/** Runs `body` on the input with a batch dimension (added when absent, and removed from the result again). */
function onBatched(layer: string, input: unknown, nd: number, body: (x: Tensor) => Tensor): Tensor {
  const { x, added } = batched(layer, "input", input, nd);
  try {
    return unbatched(body(x), added);
  } finally {
    if (added) x.dispose();
  }
}

/**
 * A new float32 tensor of `shape` filled by `compute` from the data pointers of the
 * operands made contiguous (0 for a null one); the tensor is freed when `compute` throws.
 */
function computeInto(layer: string, shape: number[], operands: (Tensor | null)[], compute: (y: Tensor, ptrs: number[]) => void): Tensor {
  return withContiguous(operands, (cs) => {
    const y = emptyTensor(shape, "float32", layer);
    try {
      compute(y, cs.map((c) => (c === null ? 0 : c.dataPtr)));
    } catch (e) {
      y.dispose();
      throw e;
    }
    return y;
  });
}

/** An activation a model runs right after a convolution, done by the convolution's epilogue: the output is clamped to [min, max]. */
export interface Clamp {
  min: number;
  max: number;
}

/** No activation: every value passes. */
export const NO_CLAMP: Clamp = Object.freeze({ min: -Infinity, max: Infinity });

/** Whether `clamp` changes any value (a range narrower than everything). */
function clamps(clamp: Clamp): boolean {
  return clamp.min !== -Infinity || clamp.max !== Infinity;
}

/**
 * The weights `conv_f32` takes prepared for `desc` (ConvDesc.packed): cached on the
 * weight tensor per version (weight-cache.ts), or 0 when the method uses them as they are.
 */
export function convPackedWeights(w: Tensor, wp: number, groups: number, desc: number): number {
  const k = wasm();
  const bytes = k.convPackedBytes(desc);
  const key = `${stamp(w)}|method ${k.convMethodOf(desc)}|groups ${groups}|bytes ${bytes}`;
  return preparedWeights(w, "conv", key, bytes, (ptr) => k.convPackWeights_f32(ptr, wp, desc));
}

/**
 * Shared body of F.conv1d..3d and nn.Conv1d..3d: validates everything before any work,
 * then runs one kernel call. `layer` names the caller in errors. `clamp` is a fused
 * activation (models only: nn.loadModel fuses Conv-ReLU pairs).
 */
export function convForward(layer: string, nd: number, input: unknown, weight: unknown, bias: unknown, args: ConvArgs, clamp: Clamp = NO_CLAMP): Tensor {
  return onBatched(layer, input, nd, (x) => {
    const { stride, dilation, groups, paddingMode } = args;
    const w = checkConvOperands(layer, nd, x, weight, WEIGHT_LAYOUT, "out", groups);
    const [N, C, ...inSize] = x.shape;
    const [OC, icg, ...kernel] = w.shape;
    const shownShape = shapeStr((input as Tensor).shape);
    if (C % groups !== 0) throw rangeError(layer, `expected input channels (${C}) to be divisible by groups ${groups} (input shape ${shownShape})`);
    if (icg * groups !== C) {
      throw rangeError(layer, `expected input with ${icg * groups} channels, got ${C} (input shape ${shownShape})`);
    }
    const b = optionalBias(layer, bias, OC);
    const [before, after] = resolvePadding(args.padding, kernel, dilation);
    const outSize: number[] = [];
    for (let i = 0; i < nd; i++) {
      const padded = inSize[i] + before[i] + after[i];
      const span = dilation[i] * (kernel[i] - 1) + 1;
      if (span > padded) {
        throw rangeError(
          layer,
          `expected the kernel (size ${kernel[i]}, dilation ${dilation[i]}: span ${span}) to fit in the padded input (size ${padded} in spatial dimension ${i}), got input shape ${shownShape}`,
        );
      }
      if (paddingMode === "reflect" && (before[i] >= inSize[i] || after[i] >= inSize[i])) {
        throw rangeError(layer, `expected reflect padding smaller than the input size (${inSize[i]} in spatial dimension ${i}), got padding ${Math.max(before[i], after[i])}`);
      }
      if (paddingMode === "circular" && (before[i] > inSize[i] || after[i] > inSize[i])) {
        throw rangeError(layer, `expected circular padding at most the input size (${inSize[i]} in spatial dimension ${i}), got padding ${Math.max(before[i], after[i])}`);
      }
      outSize.push(convOutputSize(inSize[i], kernel[i], stride[i], before[i], after[i], dilation[i]));
    }
    // The kernels pad a group's input into scratch: it must be a size a tensor could have.
    const paddedElements = icg * inSize.reduce((a, n, i) => a * (n + before[i] + after[i]), 1);
    if (paddedElements > MAX_TENSOR_ELEMENTS) {
      throw rangeError(layer, `expected padding that keeps the padded input of one group within ${MAX_TENSOR_ELEMENTS} elements, got ${paddedElements} (input shape ${shownShape}, padding before ${shapeStr(before)}, after ${shapeStr(after)})`);
    }
    const convDesc = () =>
      descriptor(CONV_DESC, {
        batch: N, inC: C, ...dhw("in", as3d(inSize, 1)), outC: OC, ...dhw("out", as3d(outSize, 1)),
        ...dhw("kernel", as3d(kernel, 1)), ...dhw("stride", as3d(stride, 1)), ...dhw("padBefore", as3d(before, 0)),
        ...dhw("padAfter", as3d(after, 0)), ...dhw("dilation", as3d(dilation, 1)), groups, paddingMode: PAD_CODE[paddingMode],
        packed: 0, clampMin: clamp.min, clampMax: clamp.max,
      });
    if (nd === 2 && N > 0 && dilation.some((d) => d > 1) && wasm().convUsePolyphase(convDesc()) === 1) {
      const undilated = { stride, padding: [0, 0], dilation: [1, 1], groups, paddingMode: "zeros" as const };
      return polyphase(x, kernel, dilation, before, outSize, (phases) => convForward(layer, 2, phases, w, b, undilated, clamp));
    }
    const out = computeInto(layer, [N, OC, ...outSize], [x, w, b], (y, [xp, wp, bp]) => {
      const k = wasm();
      const desc = convDesc();
      // The packed field is written last: preparing the weights runs kernels of its own.
      const packed = convPackedWeights(w, wp, groups, desc);
      const scratch = reserveScratch(layer, k.convScratchBytes(desc));
      k.conv_f32(y.dataPtr, xp, wp, bp, scratch, setField(CONV_DESC, desc, "packed", packed));
    });
    return out;
  });
}

/** Normalised transposed-convolution arguments. */
export interface ConvTransposeArgs {
  stride: number[];
  padding: number[];
  outputPadding: number[];
  dilation: number[];
  groups: number;
}

export function parseConvTranspose(layer: string, nd: number, options: ConvTransposeOptions): ConvTransposeArgs {
  const { stride = 1, padding = 0, outputPadding = 0, groups = 1, dilation = 1 } = options;
  const s = tuple(layer, "stride", stride, nd, 1);
  const d = tuple(layer, "dilation", dilation, nd, 1);
  const p = tuple(layer, "padding", padding, nd, 0);
  const op = tuple(layer, "outputPadding", outputPadding, nd, 0);
  for (let i = 0; i < nd; i++) {
    if (op[i] >= s[i] && op[i] >= d[i]) {
      throw rangeError(layer, `expected outputPadding smaller than stride or dilation, got outputPadding [${op}] with stride [${s}] and dilation [${d}]`);
    }
  }
  return { stride: s, padding: p, outputPadding: op, dilation: d, groups: checkGroups(layer, groups) };
}

/**
 * The output padding that makes a transposed convolution produce `outputSize` (the last
 * nd entries; PyTorch also accepts sizes with the batch and channel dimensions).
 */
export function outputPaddingFor(
  layer: string, nd: number, inSize: readonly number[], outputSize: unknown, kernel: number[], args: ConvTransposeArgs,
): number[] {
  if (!Array.isArray(outputSize) || (outputSize.length !== nd && outputSize.length !== nd + 2) || outputSize.some((v) => !Number.isInteger(v))) {
    throw badType(layer, "outputSize", `an array of ${nd} (or ${nd + 2}) integers`, outputSize);
  }
  const sizes = (outputSize as number[]).slice(outputSize.length - nd);
  return sizes.map((size, i) => {
    const min = convTransposeOutputSize(inSize[i], kernel[i], args.stride[i], args.padding[i], args.dilation[i], 0);
    const max = min + args.stride[i] - 1;
    if (size < min || size > max) {
      throw rangeError(layer, `expected outputSize[${i}] between ${min} and ${max} for input shape ${shapeStr(inSize)}, got ${size} (outputSize [${sizes}])`);
    }
    return size - min;
  });
}

/** Shared body of F.convTranspose1d..3d and nn.ConvTranspose1d..3d. */
export function convTransposeForward(
  layer: string, nd: number, input: unknown, weight: unknown, bias: unknown, args: ConvTransposeArgs, outputSize?: unknown, clamp: Clamp = NO_CLAMP,
): Tensor {
  return onBatched(layer, input, nd, (x) => {
    const { stride, padding, dilation, groups } = args;
    const w = checkConvOperands(layer, nd, x, weight, T_WEIGHT_LAYOUT, "in", groups);
    const [N, C, ...inSize] = x.shape;
    const [wC, ocg, ...kernel] = w.shape;
    const shownShape = shapeStr((input as Tensor).shape);
    if (C !== wC) throw rangeError(layer, `expected input with ${wC} channels, got ${C} (input shape ${shownShape})`);
    const OC = ocg * groups;
    const b = optionalBias(layer, bias, OC);
    const outputPadding = outputSize === undefined || outputSize === null ? args.outputPadding : outputPaddingFor(layer, nd, inSize, outputSize, kernel, args);
    checkWindowSpan(layer, kernel, dilation);
    const outSize = inSize.map((n, i) => convTransposeOutputSize(n, kernel[i], stride[i], padding[i], dilation[i], outputPadding[i]));
    if (outSize.some((s) => s < 1)) {
      throw rangeError(layer, `expected a positive output size, got [${outSize}] for input shape ${shownShape}, kernel [${kernel}], stride [${stride}], padding [${padding}]`);
    }
    const out = computeInto(layer, [N, OC, ...outSize], [x, w, b], (y, [xp, wp, bp]) => {
      const k = wasm();
      const [in3, out3, kernel3, stride3, padding3, dilation3] = [as3d(inSize, 1), as3d(outSize, 1), as3d(kernel, 1), as3d(stride, 1), as3d(padding, 0), as3d(dilation, 1)];
      const plan = subpixelPlan(N, C, OC, groups, in3, out3, kernel3, stride3, padding3, dilation3);
      if (plan !== null) runSubpixel(layer, plan, y, xp, wp, bp, w, b, N, C, OC, in3, out3, kernel3, stride3, padding3);
      // The sub-pixel form multiplies its zero weights (and padding) too, so a NaN or an
      // infinity would spread further than in PyTorch: any non-finite output is recomputed.
      if (plan === null || !k.allFinite_f32(y.dataPtr, y.numel)) {
        const desc = convTransposeDescriptor(N, C, OC, groups, in3, out3, kernel3, stride3, padding3, dilation3);
        const bytes = k.convTransposePackedBytes(desc);
        const packed = preparedWeights(w, "convTranspose", `${stamp(w)}|groups ${groups}|bytes ${bytes}`, bytes,
          (ptr) => k.convTransposePackWeights_f32(ptr, wp, desc));
        const scratch = reserveScratch(layer, k.convTransposeScratchBytes(desc));
        k.convTranspose_f32(y.dataPtr, xp, wp, bp, scratch, setField(CONV_TRANSPOSE_DESC, desc, "packed", packed));
      }
      // The fused activation, on the fresh output while it is in cache.
      if (clamps(clamp)) k.hardtanh_f32(y.dataPtr, y.dataPtr, y.numel, clamp.min, clamp.max);
    });
    return out;
  });
}

function fConv(nd: number, name: string) {
  return (input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor => {
    const o = checkOptions(name, options, CONV_OPTIONS) as ConvOptions;
    return convForward(name, nd, input, weight, bias, parseConv(name, nd, o));
  };
}

function fConvTranspose(nd: number, name: string) {
  return (input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor => {
    const o = checkOptions(name, options, CONV_TRANSPOSE_OPTIONS) as ConvTransposeOptions;
    return convTransposeForward(name, nd, input, weight, bias, parseConvTranspose(name, nd, o));
  };
}

/** torch.nn.functional.conv1d: input [N, C, L] or [C, L], weight [outC, C/groups, k]. */
export const conv1d = fConv(1, "conv1d");
/** torch.nn.functional.conv2d: input [N, C, H, W] or [C, H, W], weight [outC, C/groups, kH, kW]. */
export const conv2d = fConv(2, "conv2d");
/** torch.nn.functional.conv3d: input [N, C, D, H, W] or [C, D, H, W], weight [outC, C/groups, kD, kH, kW]. */
export const conv3d = fConv(3, "conv3d");
/** torch.nn.functional.conv_transpose1d: weight [C, outC/groups, k]. */
export const convTranspose1d = fConvTranspose(1, "convTranspose1d");
/** torch.nn.functional.conv_transpose2d: weight [C, outC/groups, kH, kW]. */
export const convTranspose2d = fConvTranspose(2, "convTranspose2d");
/** torch.nn.functional.conv_transpose3d: weight [C, outC/groups, kD, kH, kW]. */
export const convTranspose3d = fConvTranspose(3, "convTranspose3d");
