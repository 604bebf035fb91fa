// The activation family's parts shared by F (functional/activation.ts) and the modules
// (nn/activation.ts): how an elementwise activation is defined, the option parsers and the
// forward bodies.
//
// An elementwise activation is one statement in functional/activation.ts,
// `export const leakyRelu = activation("leakyRelu", parseLeakyRelu, kernelCall)`: its F
// function, which also records the row (parser and kernel call) that its module class
// (`activationModule(F.leakyRelu)` in nn/activation.ts) is made from. F parses on every
// call, a module once in its constructor, and both run `elementwiseForward`. Parsers throw with the
// caller's layer name ("leakyRelu: ..." from F, "LeakyReLU: ..." from the module).
// Inputs are never modified: PyTorch's `inplace` option is refused with a clear message.

import { numelOf } from "../shape";
import { checkBoolean, checkChoice, checkFiniteNumber, checkOptions, checkPositiveInt, normalizeDim } from "../args";
import { badType, badValue, rangeError, shapeStr, typeError } from "../errors";
import { type Tensor, emptyTensor } from "../tensor";
import { type Kernels, wasm } from "../wasm";
import { floatTensor, reserveScratch, withContiguous } from "./common";

/** The options object of an activation without options (besides PyTorch's refused `inplace`). */
export type Options = Record<string, unknown> | undefined;

/** One elementwise activation: options -> kernel parameters P, and the kernel call on n floats. */
export interface ActivationRow<O, P> {
  parse(layer: string, options: O | undefined): P;
  kernel: KernelCall<P>;
}

/** A kernel call over n floats with the parameters P. */
export type KernelCall<P> = (k: Kernels, out: number, input: number, n: number, p: P) => void;

/**
 * The elementwise activations by F name. Adding one: a kernel in assembly/activation.ts, a
 * row here, its F function in functional/activation.ts and its module class in
 * nn/activation.ts (one line each), docs and tests.
 */

/**
 * An elementwise activation's F function. Its row (parser and kernel call) is kept for the
 * module class made from it (`activationModule(F.leakyRelu)` in nn/activation.ts); the
 * phantom key carries the parsed parameters' type to that class.
 */
export interface ActivationFunction<O, P> {
  (input: Tensor, options?: O): Tensor;
  readonly [PARAMS]?: P;
}
declare const PARAMS: unique symbol;

const ROWS = new WeakMap<object, ActivationRow<unknown, unknown>>();

/**
 * Defines an elementwise activation: its F name (the layer name in F's messages), its
 * options parser and its kernel call. Returns the F function, which parses the options on
 * every call and runs `elementwiseForward`.
 */
export function activation<O, P>(name: string, parse: (layer: string, options: O | undefined) => P, kernel: KernelCall<P>): ActivationFunction<O, P> {
  const f = (input: Tensor, options?: O) => elementwiseForward(name, input, kernel, parse(name, options));
  ROWS.set(f, { parse: parse as ActivationRow<unknown, unknown>["parse"], kernel: kernel as KernelCall<unknown> });
  return f;
}

/**
 * An activation whose F form takes no options (F.sigmoid, F.tanh, ...: PyTorch's have none);
 * its module still refuses PyTorch's `inplace` with a clear message.
 */
export function activationWithoutOptions(name: string, kernel: KernelCall<Record<never, never>>): ActivationFunction<never, Record<never, never>> {
  const f = (input: Tensor) => elementwiseForward(name, input, kernel, {});
  ROWS.set(f, { parse: parseNoOptions, kernel: kernel as KernelCall<unknown> });
  return f as ActivationFunction<never, Record<never, never>>;
}

/** The parser and kernel call behind an activation's F function. */
export function rowOf(f: object): ActivationRow<unknown, unknown> {
  const r = ROWS.get(f);
  if (r === undefined) throw new TypeError("not an elementwise activation");
  return r;
}

/** Validates a float32 input, allocates a same-shape output and runs `kernel` on it. */
export function elementwiseForward<P>(layer: string, input: unknown, kernel: KernelCall<P>, p: P): Tensor {
  const x = floatTensor(layer, "input", input);
  return withContiguous([x], ([c]) => {
    const out = emptyTensor(x.shape, "float32", layer);
    if (out.numel > 0) kernel(wasm(), out.dataPtr, (c as Tensor).dataPtr, out.numel, p);
    return out;
  });
}

// ---- parsers ----

/** checkOptions, plus a dedicated message for PyTorch's `inplace` flag. */
export function activationOptions(layer: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options !== null && typeof options === "object" && "inplace" in options) {
    throw typeError(layer, "the inplace option is not supported: wasm-nn never overwrites its inputs, every call returns a new tensor");
  }
  return checkOptions(layer, options, allowed);
}

/** A finite number option, or its default when absent. */
export function finiteOption(layer: string, arg: string, value: unknown, fallback: number): number {
  return value === undefined ? fallback : checkFiniteNumber(layer, arg, value);
}

/** Activations without options besides PyTorch's `inplace`. */
export function parseNoOptions(layer: string, options: Options): Record<never, never> {
  activationOptions(layer, options, []);
  return {};
}

export function parseHardtanh(layer: string, options: { minVal?: number; maxVal?: number } | undefined): { minVal: number; maxVal: number } {
  const o = activationOptions(layer, options, ["minVal", "maxVal"]);
  const minVal = finiteOption(layer, "minVal", o.minVal, -1);
  const maxVal = finiteOption(layer, "maxVal", o.maxVal, 1);
  if (minVal > maxVal) throw rangeError(layer, `expected minVal <= maxVal, got minVal ${minVal} and maxVal ${maxVal}`);
  return { minVal, maxVal };
}

export function parseLeakyRelu(layer: string, options: { negativeSlope?: number } | undefined): { negativeSlope: number } {
  const o = activationOptions(layer, options, ["negativeSlope"]);
  return { negativeSlope: finiteOption(layer, "negativeSlope", o.negativeSlope, 0.01) };
}

function alphaOption(layer: string, options: unknown): number {
  return finiteOption(layer, "alpha", activationOptions(layer, options, ["alpha"]).alpha, 1);
}

export function parseElu(layer: string, options: { alpha?: number } | undefined): { alpha: number } {
  return { alpha: alphaOption(layer, options) };
}

/** CELU divides the input by alpha: 0 is refused. */
export function parseCelu(layer: string, options: { alpha?: number } | undefined): { alpha: number } {
  const alpha = alphaOption(layer, options);
  if (alpha === 0) throw badValue(layer, "alpha", "non-zero (the input is divided by alpha)", alpha);
  return { alpha };
}

export type GeluApproximation = "none" | "tanh";

export function parseGelu(layer: string, options: { approximate?: GeluApproximation } | undefined): { approximate: GeluApproximation } {
  const o = activationOptions(layer, options, ["approximate"]);
  return { approximate: o.approximate === undefined ? "none" : checkChoice(layer, "approximate", o.approximate, ["none", "tanh"] as const) };
}

export function parseSoftplus(layer: string, options: { beta?: number; threshold?: number } | undefined): { beta: number; threshold: number } {
  const o = activationOptions(layer, options, ["beta", "threshold"]);
  const beta = finiteOption(layer, "beta", o.beta, 1);
  if (beta === 0) throw badValue(layer, "beta", "non-zero (the result is divided by beta)", beta);
  const threshold = finiteOption(layer, "threshold", o.threshold, 20);
  return { beta, threshold };
}

export function parseLambd(layer: string, options: { lambd?: number } | undefined): { lambd: number } {
  const o = activationOptions(layer, options, ["lambd"]);
  const lambd = finiteOption(layer, "lambd", o.lambd, 0.5);
  if (lambd < 0) throw badValue(layer, "lambd", ">= 0", lambd);
  return { lambd };
}

/** A number that may be infinite but not NaN (thresholds and replacement values). */
function numberArg(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw badType(layer, arg, "a number", value);
  return value;
}

export interface ThresholdParams {
  threshold: number;
  value: number;
}

/** Threshold's two positional arguments (and options, of which there are none). */
export function parseThreshold(layer: string, threshold: unknown, value: unknown, options: unknown): ThresholdParams {
  activationOptions(layer, options, []);
  return { threshold: numberArg(layer, "threshold", threshold), value: numberArg(layer, "value", value) };
}

const thresholdKernel: KernelCall<ThresholdParams> = (k, o, x, n, p) => k.threshold_f32(o, x, n, p.threshold, p.value);

export function thresholdForward(layer: string, input: unknown, p: ThresholdParams): Tensor {
  return elementwiseForward(layer, input, thresholdKernel, p);
}

export interface RreluParams {
  lower: number;
  upper: number;
}

/** RReLU's bounds (options already checked against the caller's known keys). */
export function parseRrelu(layer: string, o: Record<string, unknown>): RreluParams {
  const lower = finiteOption(layer, "lower", o.lower, 1 / 8);
  const upper = finiteOption(layer, "upper", o.upper, 1 / 3);
  if (lower > upper) throw rangeError(layer, `expected lower <= upper, got lower ${lower} and upper ${upper}`);
  return { lower, upper };
}

/** F.rrelu's `training` option: absent is false. */
export function trainingOption(layer: string, value: unknown): boolean {
  return value === undefined ? false : checkBoolean(layer, "training", value);
}

/** PReLU's `numParameters` and `init` options. */
export function parsePrelu(layer: string, options: unknown): { numParameters: number; init: number } {
  const o = activationOptions(layer, options, ["numParameters", "init"]);
  return { numParameters: checkPositiveInt(layer, "numParameters", o.numParameters ?? 1), init: finiteOption(layer, "init", o.init, 0.25) };
}

/** Refuses a bare number where `{ dim }` is meant, then checks the keys. */
function dimOptions(layer: string, options: unknown): Record<string, unknown> {
  if (typeof options === "number") {
    throw typeError(layer, `expected an options object { dim }, got the number ${options}; write { dim: ${options} }`);
  }
  return checkOptions(layer, options, ["dim"]);
}

function integerDim(layer: string, dim: unknown): number {
  if (typeof dim !== "number" || !Number.isInteger(dim)) throw badType(layer, "dim", "an integer", dim);
  return dim;
}

/** The required `dim` of softmax-like layers (PyTorch's implicit choice is deprecated there and refused here). */
export function parseSoftmaxDim(layer: string, options: unknown): number {
  const dim = dimOptions(layer, options).dim;
  if (dim === undefined || dim === null) {
    throw typeError(layer, "expected options.dim, the dimension to normalise over (an integer; negative counts from the end), got none");
  }
  return integerDim(layer, dim);
}

/** GLU's `dim`, -1 by default. */
export function parseGluDim(layer: string, options: unknown): number {
  const dim = dimOptions(layer, options).dim;
  return dim === undefined ? -1 : integerDim(layer, dim);
}

// ---- forward bodies of the activations that are not one row ----

/** x > 0 ? x : weight[c] * x, with c the channel index (dim 1; inputs under 2-D have one channel). */
export function preluForward(layer: string, input: unknown, weight: unknown): Tensor {
  const x = floatTensor(layer, "input", input);
  const w = floatTensor(layer, "weight", weight);
  if (w.ndim > 1) throw rangeError(layer, `expected weight to be a 0-D or 1-D tensor, got shape ${shapeStr(w.shape)}`);
  const channels = x.ndim >= 2 ? x.shape[1] : 1;
  const count = w.numel;
  if (count !== 1 && count !== channels) {
    const where = x.ndim >= 2 ? `dimension 1 of input shape ${shapeStr(x.shape)}` : `an input of shape ${shapeStr(x.shape)} has one channel`;
    throw rangeError(layer, `expected weight with 1 or ${channels} elements (${where}), got ${count}`);
  }
  return withContiguous([x, w], ([xc, wc]) => {
    const out = emptyTensor(x.shape, "float32", layer);
    const [outer, inner] = count === 1 ? [1, out.numel] : [x.shape[0], numelOf(x.shape.slice(2))];
    if (out.numel > 0) wasm().prelu_f32(out.dataPtr, (xc as Tensor).dataPtr, (wc as Tensor).dataPtr, outer, count, inner);
    return out;
  });
}

/**
 * RReLU: in training mode a slope drawn from U(lower, upper) for each element, from the
 * seeded generator; otherwise leaky ReLU with the mean slope.
 */
export function rreluForward(layer: string, input: unknown, p: RreluParams, training: boolean): Tensor {
  if (!training) return elementwiseForward(layer, input, (k, o, x, n, p) => k.leakyRelu_f32(o, x, n, p.negativeSlope), { negativeSlope: (p.lower + p.upper) / 2 });
  const x = floatTensor(layer, "input", input);
  return withContiguous([x], ([c]) => {
    const k = wasm();
    const n = x.numel;
    const slopes = n > 0 ? reserveScratch(layer, 4 * n) : 0;
    const out = emptyTensor(x.shape, "float32", layer);
    if (n > 0) {
      k.randomUniform_f32(slopes, n, p.lower, p.upper);
      k.rrelu_f32(out.dataPtr, (c as Tensor).dataPtr, slopes, n);
    }
    return out;
  });
}

/** [outer, size, inner] around dimension d. */
function around(shape: readonly number[], d: number): [number, number, number] {
  return [numelOf(shape.slice(0, d)), shape.length === 0 ? 1 : shape[d], numelOf(shape.slice(d + 1))];
}

export type SoftmaxKind = "softmax" | "logSoftmax" | "softmin";

export function softmaxForward(layer: string, kind: SoftmaxKind, input: unknown, dim: number): Tensor {
  const x = floatTensor(layer, "input", input);
  const d = normalizeDim(layer, "dim", dim, x.ndim);
  const [outer, size, inner] = around(x.shape, d);
  return withContiguous([x], ([c]) => {
    const k = wasm();
    const numel = x.numel;
    const buf = numel > 0 && inner > 1 ? reserveScratch(layer, 8 * inner) : 0;
    const out = emptyTensor(x.shape, "float32", layer);
    if (numel > 0) {
      const sign = kind === "softmin" ? -1 : 1;
      if (kind === "logSoftmax") k.logSoftmax_f32(out.dataPtr, (c as Tensor).dataPtr, buf, outer, size, inner, sign);
      else k.softmax_f32(out.dataPtr, (c as Tensor).dataPtr, buf, outer, size, inner, sign);
    }
    return out;
  });
}

/** a * sigmoid(b) where a and b are the two halves of the input along `dim`. */
export function gluForward(layer: string, input: unknown, dim: number): Tensor {
  const x = floatTensor(layer, "input", input);
  if (x.ndim === 0) throw rangeError(layer, "expected an input with at least one dimension to halve, got a 0-D tensor");
  const d = normalizeDim(layer, "dim", dim, x.ndim);
  const size = x.shape[d];
  if (size % 2 !== 0) {
    throw rangeError(layer, `expected an even size along dim ${dim} (it is split into two halves), got ${size} (input shape ${shapeStr(x.shape)})`);
  }
  const [outer, , inner] = around(x.shape, d);
  const outShape = x.shape.slice();
  outShape[d] = size / 2;
  return withContiguous([x], ([c]) => {
    const out = emptyTensor(outShape, "float32", layer);
    if (out.numel > 0) wasm().glu_f32(out.dataPtr, (c as Tensor).dataPtr, outer, (size / 2) * inner);
    return out;
  });
}
