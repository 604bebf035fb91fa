// Activation modules (torch.nn's). Every export of this file is public (nn/index.ts
// re-exports them all). The elementwise ones are made from their F function's row
// (parser and kernel call, see functional/activation.ts): each parses its options once, exposes the parsed values
// as readonly fields (LeakyReLU's negativeSlope, Hardtanh's minVal and maxVal, ...), and
// its forward calls the same forward body as the F function, with the module's name
// (its class name) in error messages.

import * as F from "../functional/activation";
import type { ActivationFunction, ActivationRow, KernelCall, RreluParams, SoftmaxKind, ThresholdParams } from "../functional/activation-core";
import {
  activationOptions, rowOf, elementwiseForward, gluForward, parseGluDim, parsePrelu, parseRrelu, parseSoftmaxDim, parseThreshold,
  preluForward, rreluForward, softmaxForward, thresholdForward,
} from "../functional/activation-core";
import type { Tensor } from "../tensor";
import { Module } from "./module";

/** A module's constructor options: `Record<string, never>` for activations without options. */
type ModuleOptions<O> = string extends keyof NonNullable<O> ? Record<string, never> : NonNullable<O>;

/** The module of an elementwise activation: parses its options once, keeps them as readonly fields. */
abstract class ElementwiseActivation extends Module {
  readonly #params: object;
  readonly #kernel: KernelCall<object>;
  constructor(row: ActivationRow<unknown, object>, options: unknown) {
    super();
    this.#params = row.parse(this.layerName, options);
    this.#kernel = row.kernel;
    Object.assign(this, this.#params);
  }

  forward(input: Tensor): Tensor {
    return elementwiseForward(this.layerName, input, this.#kernel, this.#params);
  }
}

/** The base class of the module of the activation whose F function is `f`; the subclass's name is the layer name in messages. */
function activationModule<O, P>(f: ActivationFunction<O, P>): new (options?: ModuleOptions<O>) => ElementwiseActivation & Readonly<P> {
  const row = rowOf(f) as ActivationRow<unknown, object>;
  return class extends ElementwiseActivation {
    constructor(options?: unknown) {
      super(row, options);
    }
  } as never;
}

export class ReLU extends activationModule(F.relu) {}
export class ReLU6 extends activationModule(F.relu6) {}
export class LeakyReLU extends activationModule(F.leakyRelu) {}
export class ELU extends activationModule(F.elu) {}
export class SELU extends activationModule(F.selu) {}
export class CELU extends activationModule(F.celu) {}
export class GELU extends activationModule(F.gelu) {}
export class SiLU extends activationModule(F.silu) {}
export class Mish extends activationModule(F.mish) {}
export class Sigmoid extends activationModule(F.sigmoid) {}
export class Tanh extends activationModule(F.tanh) {}
export class Hardtanh extends activationModule(F.hardtanh) {}
export class Hardsigmoid extends activationModule(F.hardsigmoid) {}
export class Hardswish extends activationModule(F.hardswish) {}
export class Softplus extends activationModule(F.softplus) {}
export class Softsign extends activationModule(F.softsign) {}
export class Softshrink extends activationModule(F.softshrink) {}
export class Hardshrink extends activationModule(F.hardshrink) {}
export class Tanhshrink extends activationModule(F.tanhshrink) {}
export class LogSigmoid extends activationModule(F.logsigmoid) {}

/** PReLU with `numParameters` learnable slopes (1, or one per channel), each initialised to `init`. */
export class PReLU extends Module {
  readonly numParameters: number;
  readonly weight: Tensor;
  constructor(options?: { numParameters?: number; init?: number }) {
    super();
    const { numParameters, init } = parsePrelu("PReLU", options);
    this.numParameters = numParameters;
    this.weight = this.newParameter("weight", [numParameters]);
    this.weight.fill_(init);
  }

  forward(input: Tensor): Tensor {
    return preluForward("PReLU", input, this.weight);
  }
}

/** Randomized leaky ReLU: random slopes U(lower, upper) in train() mode, (lower + upper) / 2 in eval() mode. */
export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;
  readonly #bounds: RreluParams;
  constructor(options?: { lower?: number; upper?: number }) {
    super();
    this.#bounds = parseRrelu("RReLU", activationOptions("RReLU", options, ["lower", "upper"]));
    this.lower = this.#bounds.lower;
    this.upper = this.#bounds.upper;
  }

  forward(input: Tensor): Tensor {
    return rreluForward("RReLU", input, this.#bounds, this.training);
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
    return thresholdForward("Threshold", input, this.#params);
  }
}

abstract class SoftmaxModule extends Module {
  readonly dim: number;
  readonly #kind: SoftmaxKind;
  constructor(kind: SoftmaxKind, options: { dim: number } | undefined) {
    super();
    this.dim = parseSoftmaxDim(this.layerName, options);
    this.#kind = kind;
  }

  forward(input: Tensor): Tensor {
    return softmaxForward(this.layerName, this.#kind, input, this.dim);
  }
}

/** Softmax along `dim` (required: `new nn.Softmax({ dim: 1 })`). */
export class Softmax extends SoftmaxModule {
  constructor(options: { dim: number }) {
    super("softmax", options);
  }
}

/** Log-softmax along `dim` (required). */
export class LogSoftmax extends SoftmaxModule {
  constructor(options: { dim: number }) {
    super("logSoftmax", options);
  }
}

/** Softmin along `dim` (required). */
export class Softmin extends SoftmaxModule {
  constructor(options: { dim: number }) {
    super("softmin", options);
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
    return gluForward("GLU", input, this.dim);
  }
}
