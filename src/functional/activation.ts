// Activation functions (torch.nn.functional's, section "Non-linear activations"). Every
// export of this file is public (functional/index.ts re-exports them all). The elementwise
// ones are generated from their row in ACTIVATIONS (activation-core.ts, with the parsers and
// forward bodies); the others parse their arguments here and call one forward body.

import { type Tensor } from "../tensor";
import {
  activationFunction,
  activationFunctionWithoutOptions,
  activationOptions,
  gluForward,
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

/** max(x, 0). */
export const relu = activationFunction("relu");

/** min(max(x, 0), 6). */
export const relu6 = activationFunction("relu6");

/** x > 0 ? x : negativeSlope * x (negativeSlope 0.01 by default). */
export const leakyRelu = activationFunction("leakyRelu");

/** x > 0 ? x : alpha * (exp(x) - 1). */
export const elu = activationFunction("elu");

/** scale * elu(x, alpha) with SELU's fixed constants. */
export const selu = activationFunction("selu");

/** x > 0 ? x : alpha * (exp(x / alpha) - 1); alpha must not be 0. */
export const celu = activationFunction("celu");

/** x * Phi(x) (approximate "none", the default) or its tanh approximation (approximate "tanh"). */
export const gelu = activationFunction("gelu");

/** x * sigmoid(x). */
export const silu = activationFunction("silu");

/** x * tanh(softplus(x)). */
export const mish = activationFunction("mish");

/** 1 / (1 + exp(-x)). */
export const sigmoid = activationFunctionWithoutOptions("sigmoid");

/** tanh(x). */
export const tanh = activationFunctionWithoutOptions("tanh");

/** Clamps to [minVal, maxVal] ([-1, 1] by default). */
export const hardtanh = activationFunction("hardtanh");

/** min(max(x + 3, 0), 6) / 6. */
export const hardsigmoid = activationFunction("hardsigmoid");

/** x * hardsigmoid(x). */
export const hardswish = activationFunction("hardswish");

/** log(1 + exp(beta * x)) / beta, or x where beta * x > threshold (beta 1, threshold 20 by default). */
export const softplus = activationFunction("softplus");

/** x / (1 + |x|). */
export const softsign = activationFunctionWithoutOptions("softsign");

/**
 * x - lambd above lambd, x + lambd below -lambd, 0 between (lambd 0.5 by default, >= 0).
 * NaN stays NaN (PyTorch 1.13 returned 0 for NaN; later versions propagate it).
 */
export const softshrink = activationFunction("softshrink");

/** 0 for |x| <= lambd, x elsewhere (lambd 0.5 by default, >= 0). */
export const hardshrink = activationFunction("hardshrink");

/** x - tanh(x). */
export const tanhshrink = activationFunctionWithoutOptions("tanhshrink");

/** log(sigmoid(x)), without overflow for any x. */
export const logsigmoid = activationFunctionWithoutOptions("logsigmoid");

/** Alias of `logsigmoid`, spelled after the LogSigmoid module. */
export const logSigmoid = logsigmoid;

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
