// Max, average and power-average pooling (torch.nn.functional max_pool*, avg_pool*,
// lp_pool*). Every dimensionality runs the same 3-D kernel with size-1 leading dims.

import { batched, checkBoolean, checkDtype, checkOptions, checkWindowSpan, tuple, unbatched } from "../args";
import { badType, badValue, rangeError, shapeStr } from "../errors";
import { poolOutputSize } from "../shape";
import { type Tensor, emptyTensor } from "../tensor";
import { descriptor, wasm } from "../wasm";
import { POOL_DESC } from "../../build/abi.js";
import { reserveScratch } from "./common";

export type Size = number | number[];
type Spatial = 1 | 2 | 3;

export interface MaxPoolOptions {
  /** Window step; default (and `null`) = kernelSize. */
  stride?: Size | null;
  /** Implicit -inf padding on both sides, at most half the kernel size. */
  padding?: Size;
  dilation?: Size;
  /** Also return the flat position of each maximum within its input plane (int32). */
  returnIndices?: boolean;
  /** Use ceil instead of floor for the output size. */
  ceilMode?: boolean;
}

export interface AvgPool1dOptions {
  stride?: Size | null;
  /** Implicit zero padding on both sides, at most half the kernel size. */
  padding?: Size;
  ceilMode?: boolean;
  /** Count the padding in the divisor (default true). */
  countIncludePad?: boolean;
}

export interface AvgPoolOptions extends AvgPool1dOptions {
  /** Divide every window sum by this instead of the window size. */
  divisorOverride?: number | null;
}

export interface LPPoolOptions {
  stride?: Size | null;
  ceilMode?: boolean;
}

const MAX_POOL_OPTIONS = ["stride", "padding", "dilation", "returnIndices", "ceilMode"] as const;
const AVG_POOL1D_OPTIONS = ["stride", "padding", "ceilMode", "countIncludePad"] as const;
const AVG_POOL_OPTIONS = [...AVG_POOL1D_OPTIONS, "divisorOverride"] as const;
const LP_POOL_OPTIONS = ["stride", "ceilMode"] as const;

/** @internal Kernel, stride and padding of a window, one entry per spatial dimension. */
export interface WindowShape {
  kernel: number[];
  stride: number[];
  padding: number[];
}

/** @internal Window geometry after normalisation, one entry per spatial dimension. */
export interface Window extends WindowShape {
  dilation: number[];
  ceilMode: boolean;
  /** The same as the 3-D kernels take them (D, H, W; size-1 dimensions in front): kernel, stride, padding, dilation. */
  k3: number[];
  s3: number[];
  p3: number[];
  d3: number[];
}

/** @internal Validated max-pooling settings. */
export interface MaxPoolParams extends Window {
  returnIndices: boolean;
}

/** @internal Validated average-pooling settings. */
export interface AvgPoolParams extends Window {
  countIncludePad: boolean;
  /** 0 when absent. */
  divisorOverride: number;
}

/** @internal Validated power-average settings. */
export interface LPPoolParams extends Window {
  normType: number;
}

/** @internal Kernel, stride (default and `null`: the kernel) and padding of pooling and unpooling. */
export function parseWindowShape(layer: string, n: Spatial, kernelSize: unknown, o: { stride?: unknown; padding?: unknown }): WindowShape {
  const kernel = tuple(layer, "kernelSize", kernelSize, n, 1);
  const stride = o.stride === undefined || o.stride === null ? kernel.slice() : tuple(layer, "stride", o.stride, n, 1);
  const padding = tuple(layer, "padding", o.padding ?? 0, n, 0);
  return { kernel, stride, padding };
}

/** The window shape, padding at most half the kernel (as PyTorch checks), dilation and ceilMode. */
function parseWindow(layer: string, n: Spatial, kernelSize: unknown, o: Record<string, unknown>): Window {
  const { kernel, stride, padding } = parseWindowShape(layer, n, kernelSize, o);
  const dilation = tuple(layer, "dilation", o.dilation ?? 1, n, 1);
  checkWindowSpan(layer, kernel, dilation);
  const half = kernel.map((k) => Math.floor(k / 2));
  if (padding.some((p, i) => p > half[i])) {
    throw rangeError(layer, `expected padding at most half the kernel size (kernelSize ${shapeStr(kernel)} allows up to ${shapeStr(half)}), got ${shapeStr(padding)}`);
  }
  const ceilMode = checkBoolean(layer, "ceilMode", o.ceilMode ?? false);
  return {
    kernel, stride, padding, dilation, ceilMode,
    k3: as3d(kernel, 1), s3: as3d(stride, 1), p3: as3d(padding, 0), d3: as3d(dilation, 1),
  };
}

/** @internal */
export function parseMaxPool(layer: string, n: Spatial, kernelSize: unknown, options: unknown): MaxPoolParams {
  const o = checkOptions(layer, options, MAX_POOL_OPTIONS);
  const w = parseWindow(layer, n, kernelSize, o);
  return { ...w, returnIndices: checkBoolean(layer, "returnIndices", o.returnIndices ?? false) };
}

/** @internal */
export function parseAvgPool(layer: string, n: Spatial, kernelSize: unknown, options: unknown): AvgPoolParams {
  const o = checkOptions(layer, options, n === 1 ? AVG_POOL1D_OPTIONS : AVG_POOL_OPTIONS);
  const w = parseWindow(layer, n, kernelSize, { stride: o.stride, padding: o.padding, ceilMode: o.ceilMode });
  const countIncludePad = checkBoolean(layer, "countIncludePad", o.countIncludePad ?? true);
  let divisorOverride = 0;
  if (o.divisorOverride !== undefined && o.divisorOverride !== null) {
    const d = o.divisorOverride;
    if (typeof d !== "number" || !Number.isInteger(d)) throw badType(layer, "divisorOverride", "a non-zero integer", d);
    if (d === 0 || Math.abs(d) > 0x7fffffff) throw badValue(layer, "divisorOverride", "a non-zero integer", d);
    divisorOverride = d;
  }
  return { ...w, countIncludePad, divisorOverride };
}

/** @internal */
export function parseLPPool(layer: string, n: Spatial, normType: unknown, kernelSize: unknown, options: unknown): LPPoolParams {
  if (typeof normType !== "number" || Number.isNaN(normType)) throw badType(layer, "normType", "a number", normType);
  // PyTorch divides by normType (1 / p): zero is a ZeroDivisionError there.
  if (normType === 0) throw badValue(layer, "normType", "a non-zero number", normType);
  const o = checkOptions(layer, options, LP_POOL_OPTIONS);
  const w = parseWindow(layer, n, kernelSize, { stride: o.stride, ceilMode: o.ceilMode });
  return { ...w, normType };
}

/** @internal The input as a [N, C, ...spatial] float32 tensor plus the shapes of a pooling call. */
export interface Plan {
  /** The batched input (a view when the input had no batch dimension). */
  x: Tensor;
  /** A batch dimension was added and must be removed from the outputs. */
  added: boolean;
  /** N*C. */
  planes: number;
  /** Spatial input sizes padded to 3 with leading 1s (D, H, W). */
  in3: number[];
  out3: number[];
  /** Output shape of the batched call. */
  outShape: number[];
}

/** @internal Pads per-dimension values to three (D, H, W) with `fill` in front. */
export function as3d(values: readonly number[], fill: number): number[] {
  const out = [fill, fill, fill];
  for (let i = 0; i < values.length; i++) out[3 - values.length + i] = values[i];
  return out;
}

/**
 * @internal Checks the input (rank, dtype, non-empty channels and spatial sizes, as
 * PyTorch) and returns the batched view with the spatial sizes; `outSizes` maps the
 * input's spatial sizes to the output's and may throw.
 */
export function planInput(layer: string, n: Spatial, input: unknown, outSizes: (spatial: number[]) => number[]): Plan {
  const { x, added } = batched(layer, "input", input, n);
  try {
    checkDtype(layer, "input", x, "float32");
    const [batch, channels, ...spatial] = x.shape;
    if (channels === 0 || spatial.some((s) => s === 0)) {
      const shape = added ? x.shape.slice(1) : x.shape;
      throw rangeError(layer, `expected input with non-zero channel and spatial sizes, got shape ${shapeStr(shape)}`);
    }
    const out = outSizes(spatial);
    return { x, added, planes: batch * channels, in3: as3d(spatial, 1), out3: as3d(out, 1), outShape: [batch, channels, ...out] };
  } catch (e) {
    if (added) x.dispose();
    throw e;
  }
}

/** @internal "kernelSize [..], stride [..], padding [..]" for error messages. */
export function windowShapeStr(w: WindowShape): string {
  return `kernelSize ${shapeStr(w.kernel)}, stride ${shapeStr(w.stride)}, padding ${shapeStr(w.padding)}`;
}

/** @internal Refuses output sizes below 1 as PyTorch does; `settings` describes the window in the message. */
export function checkOutputSizes(layer: string, out: number[], spatial: number[], settings: string): number[] {
  if (out.some((s) => s < 1)) {
    throw rangeError(layer, `expected an output size of at least 1 in every dimension, got ${shapeStr(out)} for input size ${shapeStr(spatial)} (${settings})`);
  }
  return out;
}

/** Output sizes of a sliding window. */
function windowOutput(layer: string, w: Window): (spatial: number[]) => number[] {
  return (spatial) => {
    const out = spatial.map((s, i) => poolOutputSize(s, w.kernel[i], w.stride[i], w.padding[i], w.dilation[i], w.ceilMode));
    return checkOutputSizes(layer, out, spatial, `${windowShapeStr(w)}, dilation ${shapeStr(w.dilation)}${w.ceilMode ? ", ceilMode" : ""}`);
  };
}

/**
 * @internal Runs `kernel` on the contiguous input with freshly allocated outputs, then
 * removes the batch dimension again if it was added. Releases every temporary, and the
 * outputs too if anything fails.
 */
export function runPlan(plan: Plan, layer: string, dtypes: readonly ("float32" | "int32")[], kernel: (input: number, outs: number[]) => void): Tensor[] {
  const { x, added } = plan;
  const outs: Tensor[] = [];
  let c: Tensor | null = null;
  try {
    c = x.contiguous();
    for (const dtype of dtypes) outs.push(emptyTensor(plan.outShape, dtype, layer));
    if (plan.planes > 0) kernel(c.dataPtr, outs.map((t) => t.dataPtr));
  } catch (e) {
    for (const t of outs) t.dispose();
    throw e;
  } finally {
    if (c !== null && c !== x) c.dispose();
    if (added) x.dispose();
  }
  return outs.map((t) => unbatched(t, added));
}

const NO_WINDOW = { k3: [1, 1, 1], s3: [1, 1, 1], p3: [0, 0, 0], d3: [1, 1, 1] };

/**
 * @internal Writes the PoolDesc of a call (sizes from the plan; the window, or none for
 * adaptive pooling; the average and LP settings) and returns its address. The fields are
 * spelled out rather than spread from dhw(): six spread objects per call measured about
 * 5 us, a quarter of a small pooling call.
 */
export function poolDesc(plan: Plan, w: Pick<Window, "k3" | "s3" | "p3" | "d3"> = NO_WINDOW, avg: Partial<AvgPoolParams & LPPoolParams> = {}): number {
  const { in3, out3 } = plan;
  const { k3, s3, p3, d3 } = w;
  return descriptor(POOL_DESC, {
    planes: plan.planes,
    inD: in3[0], inH: in3[1], inW: in3[2],
    outD: out3[0], outH: out3[1], outW: out3[2],
    kernelD: k3[0], kernelH: k3[1], kernelW: k3[2],
    strideD: s3[0], strideH: s3[1], strideW: s3[2],
    padD: p3[0], padH: p3[1], padW: p3[2],
    dilationD: d3[0], dilationH: d3[1], dilationW: d3[2],
    countIncludePad: avg.countIncludePad ? 1 : 0,
    divisorOverride: avg.divisorOverride ?? 0,
    normType: avg.normType ?? 0,
  });
}

// ---------------------------------------------------------------- implementations shared by F and nn

/** @internal */
export function maxPoolForward(layer: string, n: Spatial, input: unknown, params: MaxPoolParams): Tensor | [Tensor, Tensor] {
  const plan = planInput(layer, n, input, windowOutput(layer, params));
  const dtypes = params.returnIndices ? (["float32", "int32"] as const) : (["float32"] as const);
  const outs = runPlan(plan, layer, dtypes, (src, [out, indices]) => {
    const desc = poolDesc(plan, params);
    const scratch = reserveScratch(layer, wasm().poolScratchBytes(desc));
    if (params.returnIndices) wasm().maxPool3dWithIndices_f32(out, indices, src, scratch, desc);
    else wasm().maxPool3d_f32(out, src, scratch, desc);
  });
  return params.returnIndices ? [outs[0], outs[1]] : outs[0];
}

/** @internal Average (`params.normType` absent) or power-average pooling. */
function averageForward(layer: string, n: Spatial, input: unknown, params: AvgPoolParams | LPPoolParams): Tensor {
  const plan = planInput(layer, n, input, windowOutput(layer, params));
  return runPlan(plan, layer, ["float32"], (src, [out]) => {
    const desc = poolDesc(plan, params, params);
    const scratch = reserveScratch(layer, wasm().poolScratchBytes(desc));
    if ("normType" in params) wasm().lpPool3d_f32(out, src, scratch, desc);
    else wasm().avgPool3d_f32(out, src, scratch, desc);
  })[0];
}

/** @internal */
export function avgPoolForward(layer: string, n: Spatial, input: unknown, params: AvgPoolParams): Tensor {
  return averageForward(layer, n, input, params);
}

/** @internal */
export function lpPoolForward(layer: string, n: Spatial, input: unknown, params: LPPoolParams): Tensor {
  return averageForward(layer, n, input, params);
}

// ---------------------------------------------------------------- F

type WithIndices<O> = O & { returnIndices: true };

/** torch.nn.functional.max_pool1d: input [N, C, L] or [C, L]. */
export function maxPool1d(input: Tensor, kernelSize: Size, options: WithIndices<MaxPoolOptions>): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolForward("maxPool1d", 1, input, parseMaxPool("maxPool1d", 1, kernelSize, options));
}

/** torch.nn.functional.max_pool2d: input [N, C, H, W] or [C, H, W]. */
export function maxPool2d(input: Tensor, kernelSize: Size, options: WithIndices<MaxPoolOptions>): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolForward("maxPool2d", 2, input, parseMaxPool("maxPool2d", 2, kernelSize, options));
}

/** torch.nn.functional.max_pool3d: input [N, C, D, H, W] or [C, D, H, W]. */
export function maxPool3d(input: Tensor, kernelSize: Size, options: WithIndices<MaxPoolOptions>): [Tensor, Tensor];
export function maxPool3d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions & { returnIndices?: false }): Tensor;
export function maxPool3d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions): Tensor | [Tensor, Tensor];
export function maxPool3d(input: Tensor, kernelSize: Size, options?: MaxPoolOptions): Tensor | [Tensor, Tensor] {
  return maxPoolForward("maxPool3d", 3, input, parseMaxPool("maxPool3d", 3, kernelSize, options));
}

/** torch.nn.functional.avg_pool1d (no divisorOverride, as in PyTorch). */
export function avgPool1d(input: Tensor, kernelSize: Size, options?: AvgPool1dOptions): Tensor {
  return avgPoolForward("avgPool1d", 1, input, parseAvgPool("avgPool1d", 1, kernelSize, options));
}

/** torch.nn.functional.avg_pool2d. */
export function avgPool2d(input: Tensor, kernelSize: Size, options?: AvgPoolOptions): Tensor {
  return avgPoolForward("avgPool2d", 2, input, parseAvgPool("avgPool2d", 2, kernelSize, options));
}

/** torch.nn.functional.avg_pool3d. */
export function avgPool3d(input: Tensor, kernelSize: Size, options?: AvgPoolOptions): Tensor {
  return avgPoolForward("avgPool3d", 3, input, parseAvgPool("avgPool3d", 3, kernelSize, options));
}

/** torch.nn.functional.lp_pool1d: (sum of x^p over each window)^(1/p), computed as PyTorch does. */
export function lpPool1d(input: Tensor, normType: number, kernelSize: Size, options?: LPPoolOptions): Tensor {
  return lpPoolForward("lpPool1d", 1, input, parseLPPool("lpPool1d", 1, normType, kernelSize, options));
}

/** torch.nn.functional.lp_pool2d. */
export function lpPool2d(input: Tensor, normType: number, kernelSize: Size, options?: LPPoolOptions): Tensor {
  return lpPoolForward("lpPool2d", 2, input, parseLPPool("lpPool2d", 2, normType, kernelSize, options));
}
