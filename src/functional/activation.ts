// Activation functions (torch.nn.functional's, section "Non-linear activations").
//
// Each activation has a parser that turns the user's options into numbers (throwing with
// the caller's layer name: "leakyRelu: ..." from F, "LeakyReLU: ..." from the module) and
// a runner that validates the input, allocates the output and calls one kernel. F
// functions parse on every call; modules parse once in their constructor. Inputs are
// never modified: PyTorch's `inplace` option is refused with a clear message.

import { checkChoice, checkOptions } from "../args";
import { badType, badValue, rangeError, shapeStr, typeError } from "../errors";
import { type Tensor, checkDtype, checkTensor, emptyTensor, normalizeDim, numelOf } from "../tensor";
import { wasm } from "../wasm";

type Kernels = ReturnType<typeof wasm>;
type Options = Record<string, unknown> | undefined;

// ---- shared helpers ----

/** checkOptions, plus a dedicated message for PyTorch's `inplace` flag. */
export function activationOptions(layer: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options !== null && typeof options === "object" && "inplace" in options) {
    throw typeError(layer, "the inplace option is not supported: wasm-nn never overwrites its inputs, every call returns a new tensor");
  }
  return checkOptions(layer, options, allowed);
}

/** A finite number option, or its default when absent. */
export function finiteOption(layer: string, arg: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) throw badType(layer, arg, "a finite number", value);
  return value;
}

/** A number that may be infinite but not NaN (thresholds and replacement values). */
function numberArg(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw badType(layer, arg, "a number", value);
  return value;
}

/** Validates a float32 input, allocates a same-shape output and runs `kernel(out, input, n)` on it. */
export function elementwise(layer: string, input: unknown, kernel: (k: Kernels, out: number, x: number, n: number) => void): Tensor {
  checkTensor(layer, "input", input);
  checkDtype(layer, "input", input, "float32");
  const x = input.contiguous();
  try {
    const out = emptyTensor(x.shape, "float32", layer);
    if (out.numel > 0) kernel(wasm(), out.dataPtr, x.dataPtr, out.numel);
    return out;
  } finally {
    if (x !== input) x.dispose();
  }
}

/** Options for activations that have none besides PyTorch's `inplace`. */
export function noOptions(layer: string, options: unknown): void {
  activationOptions(layer, options, []);
}

// ---- runners (shared by F and nn) ----

export function runRelu(layer: string, input: unknown): Tensor {
  return elementwise(layer, input, (k, o, x, n) => k.relu_f32(o, x, n));
}

export function runHardtanh(layer: string, input: unknown, p: HardtanhParams): Tensor {
  return elementwise(layer, input, (k, o, x, n) => k.hardtanh_f32(o, x, n, p.minVal, p.maxVal));
}

export function runLeakyRelu(layer: string, input: unknown, slope: number): Tensor {
  return elementwise(layer, input, (k, o, x, n) => k.leakyRelu_f32(o, x, n, slope));
}

export function runThreshold(layer: string, input: unknown, p: ThresholdParams): Tensor {
  return elementwise(layer, input, (k, o, x, n) => k.threshold_f32(o, x, n, p.threshold, p.value));
}

export function runElu(layer: string, input: unknown, alpha: number, scale: number, inputScale: number): Tensor {
  return elementwise(layer, input, (k, o, x, n) => k.elu_f32(o, x, n, alpha, scale, inputScale));
}

export function runGelu(layer: string, input: unknown, approximate: GeluApproximation): Tensor {
  return approximate === "tanh"
    ? elementwise(layer, input, (k, o, x, n) => k.geluTanh_f32(o, x, n))
    : elementwise(layer, input, (k, o, x, n) => k.gelu_f32(o, x, n));
}

export function runSoftplus(layer: string, input: unknown, p: SoftplusParams): Tensor {
  return elementwise(layer, input, (k, o, x, n) => k.softplus_f32(o, x, n, p.beta, p.threshold));
}

export function runShrink(layer: string, input: unknown, kind: "soft" | "hard", lambd: number): Tensor {
  return kind === "soft"
    ? elementwise(layer, input, (k, o, x, n) => k.softshrink_f32(o, x, n, lambd))
    : elementwise(layer, input, (k, o, x, n) => k.hardshrink_f32(o, x, n, lambd));
}

/** The kernels of activations without parameters, by PyTorch module name. */
const PLAIN = {
  ReLU: (k: Kernels, o: number, x: number, n: number) => k.relu_f32(o, x, n),
  ReLU6: (k: Kernels, o: number, x: number, n: number) => k.hardtanh_f32(o, x, n, 0, 6),
  SELU: (k: Kernels, o: number, x: number, n: number) => k.elu_f32(o, x, n, SELU_ALPHA, SELU_SCALE, 1),
  SiLU: (k: Kernels, o: number, x: number, n: number) => k.silu_f32(o, x, n),
  Mish: (k: Kernels, o: number, x: number, n: number) => k.mish_f32(o, x, n),
  Sigmoid: (k: Kernels, o: number, x: number, n: number) => k.sigmoid_f32(o, x, n),
  Tanh: (k: Kernels, o: number, x: number, n: number) => k.tanh_f32(o, x, n),
  Hardsigmoid: (k: Kernels, o: number, x: number, n: number) => k.hardsigmoid_f32(o, x, n),
  Hardswish: (k: Kernels, o: number, x: number, n: number) => k.hardswish_f32(o, x, n),
  Softsign: (k: Kernels, o: number, x: number, n: number) => k.softsign_f32(o, x, n),
  Tanhshrink: (k: Kernels, o: number, x: number, n: number) => k.tanhshrink_f32(o, x, n),
  LogSigmoid: (k: Kernels, o: number, x: number, n: number) => k.logsigmoid_f32(o, x, n),
} as const;

export type PlainActivation = keyof typeof PLAIN;

export function runPlain(layer: string, kind: PlainActivation, input: unknown): Tensor {
  return elementwise(layer, input, PLAIN[kind]);
}

// SELU's constants (Klambauer et al., 2017), as in PyTorch.
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

// ---- parsers ----

export interface HardtanhParams {
  minVal: number;
  maxVal: number;
}

export function parseHardtanh(layer: string, options: unknown): HardtanhParams {
  const o = activationOptions(layer, options, ["minVal", "maxVal"]);
  const minVal = finiteOption(layer, "minVal", o.minVal, -1);
  const maxVal = finiteOption(layer, "maxVal", o.maxVal, 1);
  if (minVal > maxVal) throw rangeError(layer, `expected minVal <= maxVal, got minVal ${minVal} and maxVal ${maxVal}`);
  return { minVal, maxVal };
}

export function parseNegativeSlope(layer: string, options: unknown): number {
  const o = activationOptions(layer, options, ["negativeSlope"]);
  return finiteOption(layer, "negativeSlope", o.negativeSlope, 0.01);
}

export function parseAlpha(layer: string, options: unknown, nonZero: boolean): number {
  const o = activationOptions(layer, options, ["alpha"]);
  const alpha = finiteOption(layer, "alpha", o.alpha, 1);
  if (nonZero && alpha === 0) throw badValue(layer, "alpha", "non-zero (the input is divided by alpha)", alpha);
  return alpha;
}

export type GeluApproximation = "none" | "tanh";

export function parseGelu(layer: string, options: unknown): GeluApproximation {
  const o = activationOptions(layer, options, ["approximate"]);
  return o.approximate === undefined ? "none" : checkChoice(layer, "approximate", o.approximate, ["none", "tanh"] as const);
}

export interface SoftplusParams {
  beta: number;
  threshold: number;
}

export function parseSoftplus(layer: string, options: unknown): SoftplusParams {
  const o = activationOptions(layer, options, ["beta", "threshold"]);
  const beta = finiteOption(layer, "beta", o.beta, 1);
  if (beta === 0) throw badValue(layer, "beta", "non-zero (the result is divided by beta)", beta);
  const threshold = finiteOption(layer, "threshold", o.threshold, 20);
  return { beta, threshold };
}

export function parseLambd(layer: string, options: unknown): number {
  const o = activationOptions(layer, options, ["lambd"]);
  const lambd = finiteOption(layer, "lambd", o.lambd, 0.5);
  if (lambd < 0) throw badValue(layer, "lambd", ">= 0", lambd);
  return lambd;
}

export interface ThresholdParams {
  threshold: number;
  value: number;
}

export function parseThreshold(layer: string, threshold: unknown, value: unknown, options: unknown): ThresholdParams {
  activationOptions(layer, options, []);
  return { threshold: numberArg(layer, "threshold", threshold), value: numberArg(layer, "value", value) };
}

export interface RreluParams {
  lower: number;
  upper: number;
}

export function rreluBounds(layer: string, o: Record<string, unknown>): RreluParams {
  const lower = finiteOption(layer, "lower", o.lower, 1 / 8);
  const upper = finiteOption(layer, "upper", o.upper, 1 / 3);
  if (lower > upper) throw rangeError(layer, `expected lower <= upper, got lower ${lower} and upper ${upper}`);
  return { lower, upper };
}

// ---- PReLU and RReLU ----

/** x > 0 ? x : weight[c] * x, with c the channel index (dim 1; inputs under 2-D have one channel). */
export function runPrelu(layer: string, input: unknown, weight: unknown): Tensor {
  checkTensor(layer, "input", input);
  checkDtype(layer, "input", input, "float32");
  checkTensor(layer, "weight", weight);
  checkDtype(layer, "weight", weight, "float32");
  if (weight.ndim > 1) {
    throw rangeError(layer, `expected weight to be a 0-D or 1-D tensor, got shape ${shapeStr(weight.shape)}`);
  }
  const channels = input.ndim >= 2 ? input.shape[1] : 1;
  const count = weight.numel;
  if (count !== 1 && count !== channels) {
    const where = input.ndim >= 2 ? `dimension 1 of input shape ${shapeStr(input.shape)}` : `an input of shape ${shapeStr(input.shape)} has one channel`;
    throw rangeError(layer, `expected weight with 1 or ${channels} elements (${where}), got ${count}`);
  }
  const x = input.contiguous();
  const w = weight.contiguous();
  try {
    const out = emptyTensor(x.shape, "float32", layer);
    if (out.numel > 0) {
      const numel = out.numel;
      if (count === 1) wasm().prelu_f32(out.dataPtr, x.dataPtr, w.dataPtr, 1, 1, numel);
      else wasm().prelu_f32(out.dataPtr, x.dataPtr, w.dataPtr, x.shape[0], channels, numelOf(x.shape.slice(2)));
    }
    return out;
  } finally {
    if (x !== input) x.dispose();
    if (w !== weight) w.dispose();
  }
}

/** Training mode: a slope drawn from U(lower, upper) for each element, from the seeded generator. */
export function runRreluTraining(layer: string, input: unknown, p: RreluParams): Tensor {
  checkTensor(layer, "input", input);
  checkDtype(layer, "input", input, "float32");
  const x = input.contiguous();
  try {
    const k = wasm();
    const n = x.numel;
    const slopes = n > 0 ? k.scratchReserve(4 * n) : 0;
    if (n > 0 && slopes === 0) {
      throw rangeError(layer, `cannot allocate scratch space for ${n} random slopes (input shape ${shapeStr(x.shape)})`);
    }
    const out = emptyTensor(x.shape, "float32", layer);
    if (n > 0) {
      k.randomUniform_f32(slopes, n, p.lower, p.upper);
      k.rrelu_f32(out.dataPtr, x.dataPtr, slopes, n);
    }
    return out;
  } finally {
    if (x !== input) x.dispose();
  }
}

// ---- softmax family and GLU ----

export type SoftmaxKind = "softmax" | "logSoftmax" | "softmin";

/** The required `dim` of softmax-like layers (PyTorch's implicit choice is deprecated there and refused here). */
export function parseSoftmaxDim(layer: string, options: unknown): number {
  if (typeof options === "number") {
    throw typeError(layer, `expected an options object { dim }, got the number ${options}; write { dim: ${options} }`);
  }
  const o = checkOptions(layer, options, ["dim"]);
  const dim = o.dim;
  if (dim === undefined || dim === null) {
    throw typeError(layer, "expected options.dim, the dimension to normalise over (an integer; negative counts from the end), got none");
  }
  if (typeof dim !== "number" || !Number.isInteger(dim)) throw badType(layer, "dim", "an integer", dim);
  return dim;
}

/** [outer, size, inner] around dimension d. */
function around(shape: readonly number[], d: number): [number, number, number] {
  return [numelOf(shape.slice(0, d)), shape.length === 0 ? 1 : shape[d], numelOf(shape.slice(d + 1))];
}

export function runSoftmax(layer: string, kind: SoftmaxKind, input: unknown, dim: number): Tensor {
  checkTensor(layer, "input", input);
  checkDtype(layer, "input", input, "float32");
  const d = normalizeDim(layer, "dim", dim, input.ndim);
  const [outer, size, inner] = around(input.shape, d);
  const x = input.contiguous();
  try {
    const k = wasm();
    const numel = x.numel;
    const scratch = numel > 0 && inner > 1 ? k.scratchReserve(8 * inner) : 0;
    if (numel > 0 && inner > 1 && scratch === 0) {
      throw rangeError(layer, `cannot allocate scratch space for input shape ${shapeStr(x.shape)}`);
    }
    const out = emptyTensor(x.shape, "float32", layer);
    if (numel > 0) {
      const sign = kind === "softmin" ? -1 : 1;
      if (kind === "logSoftmax") k.logSoftmax_f32(out.dataPtr, x.dataPtr, scratch, outer, size, inner, sign);
      else k.softmax_f32(out.dataPtr, x.dataPtr, scratch, outer, size, inner, sign);
    }
    return out;
  } finally {
    if (x !== input) x.dispose();
  }
}

export function parseGluDim(layer: string, options: unknown): number {
  if (typeof options === "number") {
    throw typeError(layer, `expected an options object { dim }, got the number ${options}; write { dim: ${options} }`);
  }
  const o = checkOptions(layer, options, ["dim"]);
  if (o.dim === undefined) return -1;
  if (typeof o.dim !== "number" || !Number.isInteger(o.dim)) throw badType(layer, "dim", "an integer", o.dim);
  return o.dim;
}

/** a * sigmoid(b) where a and b are the two halves of the input along `dim`. */
export function runGlu(layer: string, input: unknown, dim: number): Tensor {
  checkTensor(layer, "input", input);
  checkDtype(layer, "input", input, "float32");
  if (input.ndim === 0) throw rangeError(layer, "expected an input with at least one dimension to halve, got a 0-D tensor");
  const d = normalizeDim(layer, "dim", dim, input.ndim);
  const size = input.shape[d];
  if (size % 2 !== 0) {
    throw rangeError(layer, `expected an even size along dim ${dim} (it is split into two halves), got ${size} (input shape ${shapeStr(input.shape)})`);
  }
  const [outer, , inner] = around(input.shape, d);
  const outShape = input.shape.slice();
  outShape[d] = size / 2;
  const x = input.contiguous();
  try {
    const out = emptyTensor(outShape, "float32", layer);
    if (out.numel > 0) wasm().glu_f32(out.dataPtr, x.dataPtr, outer, (size / 2) * inner);
    return out;
  } finally {
    if (x !== input) x.dispose();
  }
}

// ---- F: torch.nn.functional's names ----

/** max(x, 0). */
export function relu(input: Tensor, options?: Options): Tensor {
  noOptions("relu", options);
  return runRelu("relu", input);
}

/** min(max(x, 0), 6). */
export function relu6(input: Tensor, options?: Options): Tensor {
  noOptions("relu6", options);
  return runPlain("relu6", "ReLU6", input);
}

/** x > 0 ? x : negativeSlope * x (negativeSlope 0.01 by default). */
export function leakyRelu(input: Tensor, options?: { negativeSlope?: number }): Tensor {
  return runLeakyRelu("leakyRelu", input, parseNegativeSlope("leakyRelu", options));
}

/** x > 0 ? x : weight[c] * x with one weight, or one per channel (dim 1). */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  return runPrelu("prelu", input, weight);
}

/**
 * Randomized leaky ReLU: in training mode each negative element gets a slope drawn from
 * U(lower, upper) (seeded by manualSeed); otherwise the slope is (lower + upper) / 2.
 */
export function rrelu(input: Tensor, options?: { lower?: number; upper?: number; training?: boolean }): Tensor {
  const o = activationOptions("rrelu", options, ["lower", "upper", "training"]);
  const p = rreluBounds("rrelu", o);
  if (o.training !== undefined && typeof o.training !== "boolean") throw badType("rrelu", "training", "true or false", o.training);
  if (o.training === true) return runRreluTraining("rrelu", input, p);
  return runLeakyRelu("rrelu", input, (p.lower + p.upper) / 2);
}

/** x > 0 ? x : alpha * (exp(x) - 1). */
export function elu(input: Tensor, options?: { alpha?: number }): Tensor {
  return runElu("elu", input, parseAlpha("elu", options, false), 1, 1);
}

/** scale * elu(x, alpha) with SELU's fixed constants. */
export function selu(input: Tensor, options?: Options): Tensor {
  noOptions("selu", options);
  return runPlain("selu", "SELU", input);
}

/** x > 0 ? x : alpha * (exp(x / alpha) - 1); alpha must not be 0. */
export function celu(input: Tensor, options?: { alpha?: number }): Tensor {
  const alpha = parseAlpha("celu", options, true);
  return runElu("celu", input, alpha, 1, 1 / alpha);
}

/** x * Phi(x) (approximate "none", the default) or its tanh approximation (approximate "tanh"). */
export function gelu(input: Tensor, options?: { approximate?: GeluApproximation }): Tensor {
  return runGelu("gelu", input, parseGelu("gelu", options));
}

/** x * sigmoid(x). */
export function silu(input: Tensor, options?: Options): Tensor {
  noOptions("silu", options);
  return runPlain("silu", "SiLU", input);
}

/** x * tanh(softplus(x)). */
export function mish(input: Tensor, options?: Options): Tensor {
  noOptions("mish", options);
  return runPlain("mish", "Mish", input);
}

/** 1 / (1 + exp(-x)). */
export function sigmoid(input: Tensor): Tensor {
  return runPlain("sigmoid", "Sigmoid", input);
}

/** tanh(x). */
export function tanh(input: Tensor): Tensor {
  return runPlain("tanh", "Tanh", input);
}

/** Clamps to [minVal, maxVal] ([-1, 1] by default). */
export function hardtanh(input: Tensor, options?: { minVal?: number; maxVal?: number }): Tensor {
  return runHardtanh("hardtanh", input, parseHardtanh("hardtanh", options));
}

/** min(max(x + 3, 0), 6) / 6. */
export function hardsigmoid(input: Tensor, options?: Options): Tensor {
  noOptions("hardsigmoid", options);
  return runPlain("hardsigmoid", "Hardsigmoid", input);
}

/** x * hardsigmoid(x). */
export function hardswish(input: Tensor, options?: Options): Tensor {
  noOptions("hardswish", options);
  return runPlain("hardswish", "Hardswish", input);
}

/** log(1 + exp(beta * x)) / beta, or x where beta * x > threshold (beta 1, threshold 20 by default). */
export function softplus(input: Tensor, options?: { beta?: number; threshold?: number }): Tensor {
  return runSoftplus("softplus", input, parseSoftplus("softplus", options));
}

/** x / (1 + |x|). */
export function softsign(input: Tensor): Tensor {
  return runPlain("softsign", "Softsign", input);
}

/**
 * x - lambd above lambd, x + lambd below -lambd, 0 between (lambd 0.5 by default, >= 0).
 * NaN stays NaN (PyTorch 1.13 returned 0 for NaN; later versions propagate it).
 */
export function softshrink(input: Tensor, options?: { lambd?: number }): Tensor {
  return runShrink("softshrink", input, "soft", parseLambd("softshrink", options));
}

/** 0 for |x| <= lambd, x elsewhere (lambd 0.5 by default, >= 0). */
export function hardshrink(input: Tensor, options?: { lambd?: number }): Tensor {
  return runShrink("hardshrink", input, "hard", parseLambd("hardshrink", options));
}

/** x - tanh(x). */
export function tanhshrink(input: Tensor): Tensor {
  return runPlain("tanhshrink", "Tanhshrink", input);
}

/** x <= threshold ? value : x. */
export function threshold(input: Tensor, threshold: number, value: number, options?: Options): Tensor {
  return runThreshold("threshold", input, parseThreshold("threshold", threshold, value, options));
}

/** log(sigmoid(x)), without overflow for any x. */
export function logsigmoid(input: Tensor): Tensor {
  return runPlain("logsigmoid", "LogSigmoid", input);
}

/** Alias of `logsigmoid`, spelled after the LogSigmoid module. */
export const logSigmoid = logsigmoid;

/** exp(x) / sum(exp(x)) along `dim` (required). */
export function softmax(input: Tensor, options: { dim: number }): Tensor {
  return runSoftmax("softmax", "softmax", input, parseSoftmaxDim("softmax", options));
}

/** log(softmax(x)) along `dim` (required), computed without forming softmax. */
export function logSoftmax(input: Tensor, options: { dim: number }): Tensor {
  return runSoftmax("logSoftmax", "logSoftmax", input, parseSoftmaxDim("logSoftmax", options));
}

/** softmax(-x) along `dim` (required). */
export function softmin(input: Tensor, options: { dim: number }): Tensor {
  return runSoftmax("softmin", "softmin", input, parseSoftmaxDim("softmin", options));
}

/** The gated linear unit: a * sigmoid(b), where a and b are the halves of the input along `dim` (default -1). */
export function glu(input: Tensor, options?: { dim?: number }): Tensor {
  return runGlu("glu", input, parseGluDim("glu", options));
}
