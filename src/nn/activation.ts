// Activation modules (torch.nn's). Each parses its options once and its forward calls the
// same implementation as the F function, with the module's name in error messages.

import {
  type GeluApproximation,
  type HardtanhParams,
  type PlainActivation,
  type RreluParams,
  type SoftmaxKind,
  type SoftplusParams,
  type ThresholdParams,
  activationOptions,
  finiteOption,
  noOptions,
  parseAlpha,
  parseGelu,
  parseGluDim,
  parseHardtanh,
  parseLambd,
  parseNegativeSlope,
  parseSoftmaxDim,
  parseSoftplus,
  parseThreshold,
  rreluBounds,
  runElu,
  runGelu,
  runGlu,
  runHardtanh,
  runLeakyRelu,
  runPlain,
  runPrelu,
  runRreluTraining,
  runShrink,
  runSoftmax,
  runSoftplus,
  runThreshold,
} from "../functional/activation";
import { badValue } from "../errors";
import type { Tensor } from "../tensor";
import { Module } from "./module";

/**
 * An activation without parameters or options: forward(x) applies one elementwise
 * function. PyTorch's only constructor argument for these, `inplace`, is refused.
 */
abstract class PlainModule extends Module {
  constructor(
    protected readonly kind: PlainActivation,
    options: unknown,
  ) {
    super();
    noOptions(kind, options);
  }

  forward(input: Tensor): Tensor {
    return runPlain(this.kind, this.kind, input);
  }
}

export class ReLU extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("ReLU", options);
  }
}

export class ReLU6 extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("ReLU6", options);
  }
}

export class SELU extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("SELU", options);
  }
}

export class SiLU extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("SiLU", options);
  }
}

export class Mish extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("Mish", options);
  }
}

export class Sigmoid extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("Sigmoid", options);
  }
}

export class Tanh extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("Tanh", options);
  }
}

export class Hardsigmoid extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("Hardsigmoid", options);
  }
}

export class Hardswish extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("Hardswish", options);
  }
}

export class Softsign extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("Softsign", options);
  }
}

export class Tanhshrink extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("Tanhshrink", options);
  }
}

export class LogSigmoid extends PlainModule {
  constructor(options?: Record<string, never>) {
    super("LogSigmoid", options);
  }
}

export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(options?: { negativeSlope?: number }) {
    super();
    this.negativeSlope = parseNegativeSlope("LeakyReLU", options);
  }

  forward(input: Tensor): Tensor {
    return runLeakyRelu("LeakyReLU", input, this.negativeSlope);
  }
}

/** PReLU with `numParameters` learnable slopes (1, or one per channel), each initialised to `init`. */
export class PReLU extends Module {
  readonly numParameters: number;
  readonly weight: Tensor;
  constructor(options?: { numParameters?: number; init?: number }) {
    super();
    const o = activationOptions("PReLU", options, ["numParameters", "init"]);
    const n = o.numParameters ?? 1;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw badValue("PReLU", "numParameters", "a positive integer", n);
    const init = finiteOption("PReLU", "init", o.init, 0.25);
    this.numParameters = n;
    this.weight = this.newParameter("weight", [n]);
    this.weight.fill_(init);
  }

  forward(input: Tensor): Tensor {
    return runPrelu("PReLU", input, this.weight);
  }
}

/** Randomized leaky ReLU: random slopes U(lower, upper) in train() mode, (lower + upper) / 2 in eval() mode. */
export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;
  readonly #bounds: RreluParams;
  constructor(options?: { lower?: number; upper?: number }) {
    super();
    this.#bounds = rreluBounds("RReLU", activationOptions("RReLU", options, ["lower", "upper"]));
    this.lower = this.#bounds.lower;
    this.upper = this.#bounds.upper;
  }

  forward(input: Tensor): Tensor {
    if (this.training) return runRreluTraining("RReLU", input, this.#bounds);
    return runLeakyRelu("RReLU", input, (this.lower + this.upper) / 2);
  }
}

export class ELU extends Module {
  readonly alpha: number;
  constructor(options?: { alpha?: number }) {
    super();
    this.alpha = parseAlpha("ELU", options, false);
  }

  forward(input: Tensor): Tensor {
    return runElu("ELU", input, this.alpha, 1, 1);
  }
}

export class CELU extends Module {
  readonly alpha: number;
  constructor(options?: { alpha?: number }) {
    super();
    this.alpha = parseAlpha("CELU", options, true);
  }

  forward(input: Tensor): Tensor {
    return runElu("CELU", input, this.alpha, 1, 1 / this.alpha);
  }
}

export class GELU extends Module {
  readonly approximate: GeluApproximation;
  constructor(options?: { approximate?: GeluApproximation }) {
    super();
    this.approximate = parseGelu("GELU", options);
  }

  forward(input: Tensor): Tensor {
    return runGelu("GELU", input, this.approximate);
  }
}

export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  readonly #params: HardtanhParams;
  constructor(options?: { minVal?: number; maxVal?: number }) {
    super();
    this.#params = parseHardtanh("Hardtanh", options);
    this.minVal = this.#params.minVal;
    this.maxVal = this.#params.maxVal;
  }

  forward(input: Tensor): Tensor {
    return runHardtanh("Hardtanh", input, this.#params);
  }
}

export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  readonly #params: SoftplusParams;
  constructor(options?: { beta?: number; threshold?: number }) {
    super();
    this.#params = parseSoftplus("Softplus", options);
    this.beta = this.#params.beta;
    this.threshold = this.#params.threshold;
  }

  forward(input: Tensor): Tensor {
    return runSoftplus("Softplus", input, this.#params);
  }
}

export class Softshrink extends Module {
  readonly lambd: number;
  constructor(options?: { lambd?: number }) {
    super();
    this.lambd = parseLambd("Softshrink", options);
  }

  forward(input: Tensor): Tensor {
    return runShrink("Softshrink", input, "soft", this.lambd);
  }
}

export class Hardshrink extends Module {
  readonly lambd: number;
  constructor(options?: { lambd?: number }) {
    super();
    this.lambd = parseLambd("Hardshrink", options);
  }

  forward(input: Tensor): Tensor {
    return runShrink("Hardshrink", input, "hard", this.lambd);
  }
}

/** x <= threshold ? value : x. */
export class Threshold extends Module {
  readonly threshold: number;
  readonly value: number;
  readonly #params: ThresholdParams;
  constructor(threshold: number, value: number, options?: Record<string, never>) {
    super();
    this.#params = parseThreshold("Threshold", threshold, value, options);
    this.threshold = this.#params.threshold;
    this.value = this.#params.value;
  }

  forward(input: Tensor): Tensor {
    return runThreshold("Threshold", input, this.#params);
  }
}

abstract class SoftmaxModule extends Module {
  readonly dim: number;
  readonly #layer: string;
  readonly #kind: SoftmaxKind;
  constructor(layer: string, kind: SoftmaxKind, options: { dim: number } | undefined) {
    super();
    this.dim = parseSoftmaxDim(layer, options);
    this.#layer = layer;
    this.#kind = kind;
  }

  forward(input: Tensor): Tensor {
    return runSoftmax(this.#layer, this.#kind, input, this.dim);
  }
}

/** Softmax along `dim` (required: `new nn.Softmax({ dim: 1 })`). */
export class Softmax extends SoftmaxModule {
  constructor(options: { dim: number }) {
    super("Softmax", "softmax", options);
  }
}

/** Log-softmax along `dim` (required). */
export class LogSoftmax extends SoftmaxModule {
  constructor(options: { dim: number }) {
    super("LogSoftmax", "logSoftmax", options);
  }
}

/** Softmin along `dim` (required). */
export class Softmin extends SoftmaxModule {
  constructor(options: { dim: number }) {
    super("Softmin", "softmin", options);
  }
}

/** Gated linear unit along `dim` (default -1). */
export class GLU extends Module {
  readonly dim: number;
  constructor(options?: { dim?: number }) {
    super();
    this.dim = parseGluDim("GLU", options);
  }

  forward(input: Tensor): Tensor {
    return runGlu("GLU", input, this.dim);
  }
}
