// Activation functions (torch.nn.functional's, section "Non-linear activations"). Every
// export of this file is public (functional/index.ts re-exports them all). An elementwise
// activation is one `activation(name, parser, kernel call)` statement: its F function, and
// the row its module class in nn/activation.ts is made from. Adding one: its kernel in
// assembly/activation.ts, its statement here, its one-line class in nn/activation.ts
// (then tests, the fixture generator and the docs). The others parse their arguments here
// and call one forward body of activation-core.ts.

import { type Tensor } from "../tensor";
import {
  activation,
  activationWithoutOptions,
  activationOptions,
  gluForward,
  parseCelu,
  parseElu,
  parseGelu,
  parseHardtanh,
  parseLambd,
  parseLeakyRelu,
  parseNoOptions,
  parseSoftplus,
  parseGluDim,
  parseRrelu,
  parseSoftmaxDim,
  parseThreshold,
  preluForward,
  rreluForward,
  softmaxForward,
  thresholdForward,
  trainingOption,
} from "./activation-core";

// SELU's constants (Klambauer et al., 2017), as in PyTorch.
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** max(x, 0). */
export const relu = activation("relu", parseNoOptions, (k, o, x, n) => k.relu_f32(o, x, n));

/** min(max(x, 0), 6). */
export const relu6 = activation("relu6", parseNoOptions, (k, o, x, n) => k.hardtanh_f32(o, x, n, 0, 6));

/** x > 0 ? x : negativeSlope * x (negativeSlope 0.01 by default). */
export const leakyRelu = activation("leakyRelu", parseLeakyRelu, (k, o, x, n, p) => k.leakyRelu_f32(o, x, n, p.negativeSlope));

/** x > 0 ? x : alpha * (exp(x) - 1). */
export const elu = activation("elu", parseElu, (k, o, x, n, p) => k.elu_f32(o, x, n, p.alpha, 1, 1));

/** scale * elu(x, alpha) with SELU's fixed constants. */
export const selu = activation("selu", parseNoOptions, (k, o, x, n) => k.elu_f32(o, x, n, SELU_ALPHA, SELU_SCALE, 1));

/** x > 0 ? x : alpha * (exp(x / alpha) - 1); alpha must not be 0. */
export const celu = activation("celu", parseCelu, (k, o, x, n, p) => k.elu_f32(o, x, n, p.alpha, 1, 1 / p.alpha));

/** x * Phi(x) (approximate "none", the default) or its tanh approximation (approximate "tanh"). */
export const gelu = activation("gelu", parseGelu, (k, o, x, n, p) => (p.approximate === "tanh" ? k.geluTanh_f32(o, x, n) : k.gelu_f32(o, x, n)));

/** x * sigmoid(x). */
export const silu = activation("silu", parseNoOptions, (k, o, x, n) => k.silu_f32(o, x, n));

/** x * tanh(softplus(x)). */
export const mish = activation("mish", parseNoOptions, (k, o, x, n) => k.mish_f32(o, x, n));

/** 1 / (1 + exp(-x)). */
export const sigmoid = activationWithoutOptions("sigmoid", (k, o, x, n) => k.sigmoid_f32(o, x, n));

/** tanh(x). */
export const tanh = activationWithoutOptions("tanh", (k, o, x, n) => k.tanh_f32(o, x, n));

/** Clamps to [minVal, maxVal] ([-1, 1] by default). */
export const hardtanh = activation("hardtanh", parseHardtanh, (k, o, x, n, p) => k.hardtanh_f32(o, x, n, p.minVal, p.maxVal));

/** min(max(x + 3, 0), 6) / 6. */
export const hardsigmoid = activation("hardsigmoid", parseNoOptions, (k, o, x, n) => k.hardsigmoid_f32(o, x, n));

/** x * hardsigmoid(x). */
export const hardswish = activation("hardswish", parseNoOptions, (k, o, x, n) => k.hardswish_f32(o, x, n));

/** log(1 + exp(beta * x)) / beta, or x where beta * x > threshold (beta 1, threshold 20 by default). */
export const softplus = activation("softplus", parseSoftplus, (k, o, x, n, p) => k.softplus_f32(o, x, n, p.beta, p.threshold));

/** x / (1 + |x|). */
export const softsign = activationWithoutOptions("softsign", (k, o, x, n) => k.softsign_f32(o, x, n));

/**
 * x - lambd above lambd, x + lambd below -lambd, 0 between (lambd 0.5 by default, >= 0).
 * NaN stays NaN (PyTorch 1.13 returned 0 for NaN; later versions propagate it).
 */
export const softshrink = activation("softshrink", parseLambd, (k, o, x, n, p) => k.softshrink_f32(o, x, n, p.lambd));

/** 0 for |x| <= lambd, x elsewhere (lambd 0.5 by default, >= 0). */
export const hardshrink = activation("hardshrink", parseLambd, (k, o, x, n, p) => k.hardshrink_f32(o, x, n, p.lambd));

/** x - tanh(x). */
export const tanhshrink = activationWithoutOptions("tanhshrink", (k, o, x, n) => k.tanhshrink_f32(o, x, n));

/** log(sigmoid(x)), without overflow for any x. */
export const logsigmoid = activationWithoutOptions("logsigmoid", (k, o, x, n) => k.logsigmoid_f32(o, x, n));

/** Alias of `logsigmoid`, spelled after the LogSigmoid module. */
export const logSigmoid = activationWithoutOptions("logSigmoid", (k, o, x, n) => k.logsigmoid_f32(o, x, n));

// ---- activations with positional arguments, a weight, randomness or a dim ----

/** x <= threshold ? value : x. */
export function threshold(input: Tensor, threshold: number, value: number, options?: Record<string, unknown>): Tensor {
  return thresholdForward("threshold", input, parseThreshold("threshold", threshold, value, options));
}

/** x > 0 ? x : weight[c] * x with one weight, or one per channel (dim 1). */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  return preluForward("prelu", input, weight);
}

/**
 * Randomized leaky ReLU: in training mode each negative element gets a slope drawn from
 * U(lower, upper) (seeded by manualSeed); otherwise the slope is (lower + upper) / 2.
 */
export function rrelu(input: Tensor, options?: { lower?: number; upper?: number; training?: boolean }): Tensor {
  const o = activationOptions("rrelu", options, ["lower", "upper", "training"]);
  const p = parseRrelu("rrelu", o);
  return rreluForward("rrelu", input, p, trainingOption("rrelu", o.training));
}

/** exp(x) / sum(exp(x)) along `dim` (required). */
export function softmax(input: Tensor, options: { dim: number }): Tensor {
  return softmaxForward("softmax", "softmax", input, parseSoftmaxDim("softmax", options));
}

/** log(softmax(x)) along `dim` (required), computed without forming softmax. */
export function logSoftmax(input: Tensor, options: { dim: number }): Tensor {
  return softmaxForward("logSoftmax", "logSoftmax", input, parseSoftmaxDim("logSoftmax", options));
}

/** softmax(-x) along `dim` (required). */
export function softmin(input: Tensor, options: { dim: number }): Tensor {
  return softmaxForward("softmin", "softmin", input, parseSoftmaxDim("softmin", options));
}

/** The gated linear unit: a * sigmoid(b), where a and b are the halves of the input along `dim` (default -1). */
export function glu(input: Tensor, options?: { dim?: number }): Tensor {
  return gluForward("glu", input, parseGluDim("glu", options));
}
