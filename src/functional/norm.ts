// Normalisation layers (torch.nn.functional batch_norm, layer_norm, group_norm,
// instance_norm). Each F function checks its tensors, then runs one kernel of
// assembly/norm.ts on [batch, channels, inner] data; the modules (nn/norm.ts) call the
// same `xForward` bodies with their own names and buffers.
//
// Running estimates passed in (runningMean, runningVar) are updated in place in training
// mode, as PyTorch does; nothing is written before every check has passed.

import { NORM_DESC } from "../../build/abi.js";
import { checkBoolean, checkOptions, checkTensor, checkDtype, optionOr } from "../args";
import { badType, badValue, rangeError, shapeStr, typeError } from "../errors";
import { numelOf, sameShape } from "../shape";
import { type Tensor, emptyTensor } from "../tensor";
import { type Kernels, descriptor, wasm } from "../wasm";
import { floatTensor, reserveScratch } from "./common";

export interface BatchNormOptions {
  /** Per-channel scale [C]; absent: 1. */
  weight?: Tensor | null;
  /** Per-channel shift [C]; absent: 0. */
  bias?: Tensor | null;
  /** Normalise with the batch's statistics (and update the running estimates); default false. */
  training?: boolean;
  /** Weight of the batch statistics in the running estimates (default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

export interface LayerNormOptions {
  /** Elementwise scale of the normalised shape. */
  weight?: Tensor | null;
  /** Elementwise shift of the normalised shape. */
  bias?: Tensor | null;
  eps?: number;
}

export interface GroupNormOptions {
  /** Per-channel scale [C]. */
  weight?: Tensor | null;
  /** Per-channel shift [C]. */
  bias?: Tensor | null;
  eps?: number;
}

export interface InstanceNormOptions {
  /** Per-channel running mean [C]: updated in place when useInputStats, used otherwise. */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise each sample's channels by their own statistics (default true). */
  useInputStats?: boolean;
  momentum?: number;
  eps?: number;
}

/** @internal Validated settings of one normalisation call. */
export interface NormParams {
  eps: number;
  momentum: number;
}

/** The tensors of a call besides the input; null when absent. */
interface NormTensors {
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  /** The kernel updates the running estimates (training statistics): their versions move on. */
  updatesRunning?: boolean;
}

const BATCH_NORM_OPTIONS = ["weight", "bias", "training", "momentum", "eps"] as const;
const LAYER_NORM_OPTIONS = ["weight", "bias", "eps"] as const;
const INSTANCE_NORM_OPTIONS = ["runningMean", "runningVar", "weight", "bias", "useInputStats", "momentum", "eps"] as const;

/** eps: a finite number >= 0 (PyTorch takes any float; a negative one only makes NaN). */
export function checkEps(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw badType(layer, arg, "a number", value);
  if (!(value >= 0) || !Number.isFinite(value)) throw badValue(layer, arg, "a finite number >= 0", value);
  return value;
}

/** momentum: a number in [0, 1]. */
export function checkMomentum(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw badType(layer, arg, "a number", value);
  if (!(value >= 0 && value <= 1)) throw badValue(layer, arg, "in [0, 1]", value);
  return value;
}

/** An optional float32 tensor of `numel` elements, one per channel (PyTorch checks the element count). */
function perChannel(layer: string, arg: string, value: unknown, channels: number, input: Tensor): Tensor | null {
  if (value === undefined || value === null) return null;
  checkTensor(layer, arg, value);
  checkDtype(layer, arg, value, "float32");
  if (value.numel !== channels) {
    throw rangeError(layer, `expected ${arg} with ${channels} elements (one per channel of input ${shapeStr(input.shape)}), got ${value.numel} (shape ${shapeStr(value.shape)})`);
  }
  return value;
}

/** The input as [batch, channels, inner]: at least 2 dimensions, float32. */
function channelInput(layer: string, input: unknown): { x: Tensor; batch: number; channels: number; inner: number } {
  const x = floatTensor(layer, "input", input);
  if (x.ndim < 2) throw rangeError(layer, `expected input with at least 2 dimensions [N, C, ...], got ${x.ndim} (shape ${shapeStr(x.shape)})`);
  return { x, batch: x.shape[0], channels: x.shape[1], inner: numelOf(x.shape.slice(2)) };
}

/**
 * Runs `kernel` on contiguous operands with a fresh output of the input's shape. Running
 * estimates that are strided views are updated through contiguous copies and written
 * back. Every temporary is freed; the output too if anything throws.
 */
function runNorm(layer: string, x: Tensor, t: NormTensors, kernel: (k: Kernels, out: number, x: number, p: (t: Tensor | null) => number) => void): Tensor {
  const temps: Tensor[] = [];
  const contiguous = (v: Tensor | null): Tensor | null => {
    if (v === null || v.isContiguous()) return v;
    const c = v.contiguous();
    temps.push(c);
    return c;
  };
  const out = emptyTensor(x.shape, "float32", layer);
  try {
    const xc = contiguous(x) as Tensor;
    const rm = contiguous(t.runningMean);
    const rv = contiguous(t.runningVar);
    const ops = new Map<Tensor | null, Tensor | null>([[t.weight, contiguous(t.weight)], [t.bias, contiguous(t.bias)], [t.runningMean, rm], [t.runningVar, rv]]);
    const ptr = (v: Tensor | null) => (v === null ? 0 : (ops.get(v) ?? v).dataPtr);
    if (out.numel > 0) kernel(wasm(), out.dataPtr, xc.dataPtr, ptr);
    if (t.updatesRunning === true) {
      if (rm !== null) t.runningMean!.copy_(rm);
      if (rv !== null) t.runningVar!.copy_(rv);
    }
  } catch (e) {
    out.dispose();
    throw e;
  } finally {
    for (const c of temps) c.dispose();
  }
  return out;
}

// ---------------------------------------------------------------- batch norm

/** @internal Settings of batch norm (F options, or a module's state). */
export interface BatchNormParams extends NormParams {
  training: boolean;
}

/** @internal Shared body of F.batchNorm and the BatchNorm modules. */
export function batchNormForward(layer: string, input: unknown, runningMean: unknown, runningVar: unknown, weight: unknown, bias: unknown, p: BatchNormParams): Tensor {
  const { x, batch, channels, inner } = channelInput(layer, input);
  const t: NormTensors = {
    runningMean: perChannel(layer, "runningMean", runningMean, channels, x),
    runningVar: perChannel(layer, "runningVar", runningVar, channels, x),
    weight: perChannel(layer, "weight", weight, channels, x),
    bias: perChannel(layer, "bias", bias, channels, x),
    updatesRunning: p.training,
  };
  if (p.training) {
    // PyTorch's _verify_batch_size: one value per channel has no variance to normalise by.
    if (batch * inner === 1) {
      throw rangeError(layer, `expected more than 1 value per channel when training, got input shape ${shapeStr(x.shape)}`);
    }
  } else if (t.runningMean === null || t.runningVar === null) {
    throw typeError(layer, `expected runningMean and runningVar tensors when training is false (evaluation uses them), got ${t.runningMean === null ? "no runningMean" : "no runningVar"}`);
  }
  return runNorm(layer, x, t, (k, out, xp, ptr) => {
    const scratch = reserveScratch(layer, k.batchNormScratchBytes(channels));
    const desc = descriptor(NORM_DESC, { batch, channels, inner, groups: 1, eps: p.eps, momentum: p.momentum, useInputStats: p.training ? 1 : 0 });
    k.batchNorm_f32(out, xp, ptr(t.weight), ptr(t.bias), ptr(t.runningMean), ptr(t.runningVar), scratch, desc);
  });
}

/**
 * torch.nn.functional.batch_norm: input [N, C, ...]. In training, normalises each channel
 * by the batch's mean and (biased) variance and updates runningMean / runningVar in place
 * (unbiased variance) when given; otherwise normalises by runningMean / runningVar.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null | undefined, runningVar: Tensor | null | undefined, options?: BatchNormOptions): Tensor {
  const o = checkOptions("batchNorm", options, BATCH_NORM_OPTIONS);
  const p: BatchNormParams = {
    training: optionOr("batchNorm", o, "training", false, checkBoolean),
    momentum: optionOr("batchNorm", o, "momentum", 0.1, checkMomentum),
    eps: optionOr("batchNorm", o, "eps", 1e-5, checkEps),
  };
  return batchNormForward("batchNorm", input, runningMean, runningVar, o.weight, o.bias, p);
}

// ---------------------------------------------------------------- group and instance norm

/** @internal Shared body of F.groupNorm and nn.GroupNorm. */
export function groupNormForward(layer: string, input: unknown, numGroups: number, weight: unknown, bias: unknown, eps: number): Tensor {
  const { x, batch, channels, inner } = channelInput(layer, input);
  if (channels % numGroups !== 0) {
    throw rangeError(layer, `expected the input's ${channels} channels to be divisible by numGroups ${numGroups} (input shape ${shapeStr(x.shape)})`);
  }
  // PyTorch's _verify_batch_size on [N * C / G, G, ...]: a single value in every group.
  if (batch * (channels / numGroups) * inner === 1) {
    throw rangeError(layer, `expected more than 1 value per group, got input shape ${shapeStr(x.shape)} with numGroups ${numGroups}`);
  }
  const t: NormTensors = { weight: perChannel(layer, "weight", weight, channels, x), bias: perChannel(layer, "bias", bias, channels, x), runningMean: null, runningVar: null };
  return runNorm(layer, x, t, (k, out, xp, ptr) => {
    const scratch = reserveScratch(layer, k.groupNormScratchBytes(channels));
    const desc = descriptor(NORM_DESC, { batch, channels, inner, groups: numGroups, eps, momentum: 0, useInputStats: 1 });
    k.groupNorm_f32(out, xp, ptr(t.weight), ptr(t.bias), 0, 0, scratch, desc);
  });
}

/** torch.nn.functional.group_norm: input [N, C, ...], statistics per sample over each group of C / numGroups channels. */
export function groupNorm(input: Tensor, numGroups: number, options?: GroupNormOptions): Tensor {
  const o = checkOptions("groupNorm", options, LAYER_NORM_OPTIONS);
  const groups = checkPositiveCount("groupNorm", "numGroups", numGroups);
  return groupNormForward("groupNorm", input, groups, o.weight, o.bias, optionOr("groupNorm", o, "eps", 1e-5, checkEps));
}

/** A positive integer (numGroups, numFeatures, numChannels). */
export function checkPositiveCount(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) throw badType(layer, arg, "a positive integer", value);
  if (value < 1) throw badValue(layer, arg, "a positive integer", value);
  return value;
}

/** @internal Settings of instance norm. */
export interface InstanceNormParams extends NormParams {
  useInputStats: boolean;
}

/** @internal Shared body of F.instanceNorm and the InstanceNorm modules (input with its batch dimension). */
export function instanceNormForward(layer: string, input: unknown, t0: { runningMean?: unknown; runningVar?: unknown; weight?: unknown; bias?: unknown }, p: InstanceNormParams): Tensor {
  const { x, batch, channels, inner } = channelInput(layer, input);
  const t: NormTensors = {
    runningMean: perChannel(layer, "runningMean", t0.runningMean, channels, x),
    runningVar: perChannel(layer, "runningVar", t0.runningVar, channels, x),
    weight: perChannel(layer, "weight", t0.weight, channels, x),
    bias: perChannel(layer, "bias", t0.bias, channels, x),
    updatesRunning: p.useInputStats,
  };
  if (p.useInputStats) {
    // PyTorch's _verify_spatial_size: one value per channel and sample has no variance.
    if (inner === 1) throw rangeError(layer, `expected more than 1 spatial element when useInputStats is true, got input shape ${shapeStr(x.shape)}`);
  } else if (t.runningMean === null || t.runningVar === null) {
    throw typeError(layer, `expected runningMean and runningVar tensors when useInputStats is false, got ${t.runningMean === null ? "no runningMean" : "no runningVar"}`);
  }
  return runNorm(layer, x, t, (k, out, xp, ptr) => {
    const scratch = reserveScratch(layer, k.groupNormScratchBytes(channels));
    const desc = descriptor(NORM_DESC, { batch, channels, inner, groups: channels, eps: p.eps, momentum: p.momentum, useInputStats: p.useInputStats ? 1 : 0 });
    k.groupNorm_f32(out, xp, ptr(t.weight), ptr(t.bias), ptr(t.runningMean), ptr(t.runningVar), scratch, desc);
  });
}

/**
 * torch.nn.functional.instance_norm: input [N, C, ...], each sample's channels normalised
 * by their own statistics (useInputStats, the default; running estimates given are updated
 * in place with the batch average) or by runningMean / runningVar.
 */
export function instanceNorm(input: Tensor, options?: InstanceNormOptions): Tensor {
  const o = checkOptions("instanceNorm", options, INSTANCE_NORM_OPTIONS);
  const p: InstanceNormParams = {
    useInputStats: optionOr("instanceNorm", o, "useInputStats", true, checkBoolean),
    momentum: optionOr("instanceNorm", o, "momentum", 0.1, checkMomentum),
    eps: optionOr("instanceNorm", o, "eps", 1e-5, checkEps),
  };
  return instanceNormForward("instanceNorm", input, o, p);
}

// ---------------------------------------------------------------- layer norm

/** @internal normalizedShape: a positive size or a non-empty array of them. */
export function parseNormalizedShape(layer: string, value: unknown): number[] {
  const shape = typeof value === "number" ? [value] : value;
  const bad = () => badType(layer, "normalizedShape", "a positive integer or a non-empty array of them", value);
  if (!Array.isArray(shape)) throw bad();
  if (shape.length === 0) throw badValue(layer, "normalizedShape", "a positive integer or a non-empty array of them", value);
  for (const s of shape) {
    if (typeof s !== "number" || !Number.isInteger(s)) throw bad();
    if (s < 1) throw badValue(layer, "normalizedShape", "a positive integer or a non-empty array of them", value);
  }
  return shape.slice() as number[];
}

/** An optional float32 tensor of exactly `shape` (layer norm's weight and bias). */
function shapedAs(layer: string, arg: string, value: unknown, shape: number[]): Tensor | null {
  if (value === undefined || value === null) return null;
  checkTensor(layer, arg, value);
  checkDtype(layer, arg, value, "float32");
  if (!sameShape(value.shape, shape)) throw rangeError(layer, `expected ${arg} of shape ${shapeStr(shape)} (normalizedShape), got ${shapeStr(value.shape)}`);
  return value;
}

/** @internal Shared body of F.layerNorm and nn.LayerNorm. */
export function layerNormForward(layer: string, input: unknown, normalizedShape: number[], weight: unknown, bias: unknown, eps: number): Tensor {
  const x = floatTensor(layer, "input", input);
  const m = normalizedShape.length;
  if (x.ndim < m || !sameShape(x.shape.slice(x.ndim - m), normalizedShape)) {
    throw rangeError(layer, `expected input of shape [*,${normalizedShape.join(",")}] (normalizedShape ${shapeStr(normalizedShape)}), got ${shapeStr(x.shape)}`);
  }
  const inner = numelOf(normalizedShape);
  const rows = numelOf(x.shape.slice(0, x.ndim - m));
  const t: NormTensors = { weight: shapedAs(layer, "weight", weight, normalizedShape), bias: shapedAs(layer, "bias", bias, normalizedShape), runningMean: null, runningVar: null };
  return runNorm(layer, x, t, (k, out, xp, ptr) => {
    const scratch = reserveScratch(layer, k.layerNormScratchBytes(inner));
    const desc = descriptor(NORM_DESC, { batch: rows, channels: 1, inner, groups: 1, eps, momentum: 0, useInputStats: 1 });
    k.layerNorm_f32(out, xp, ptr(t.weight), ptr(t.bias), scratch, desc);
  });
}

/** torch.nn.functional.layer_norm: normalises over the last dimensions, which must equal normalizedShape. */
export function layerNorm(input: Tensor, normalizedShape: number | number[], options?: LayerNormOptions): Tensor {
  const o = checkOptions("layerNorm", options, LAYER_NORM_OPTIONS);
  const shape = parseNormalizedShape("layerNorm", normalizedShape);
  return layerNormForward("layerNorm", input, shape, o.weight, o.bias, optionOr("layerNorm", o, "eps", 1e-5, checkEps));
}
