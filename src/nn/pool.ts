// Pooling modules (torch.nn MaxPool*, AvgPool*, LPPool*, AdaptiveAvgPool*, AdaptiveMaxPool*).
// They hold their validated settings; forward runs the same code as F.

import {
  type AdaptiveMaxPoolOptions,
  type AdaptiveSize,
  adaptiveAvgPoolForward,
  adaptiveMaxConfig,
  adaptiveMaxPoolForward,
  adaptiveSize,
} from "../functional/adaptive";
import {
  type AvgPool1dOptions,
  type AvgPoolConfig,
  type AvgPoolOptions,
  type LPPoolConfig,
  type LPPoolOptions,
  type MaxPoolConfig,
  type MaxPoolOptions,
  type Size,
  avgPoolConfig,
  avgPoolForward,
  lpPoolConfig,
  lpPoolForward,
  maxPoolConfig,
  maxPoolForward,
} from "../functional/pool";
import type { Tensor } from "../tensor";
import { Module } from "./module";

/** What forward returns: `[output, indices]` when the module was built with `returnIndices: true`. */
export type PoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly dilation: Size;
  readonly returnIndices: R;
  readonly ceilMode: boolean;
  readonly #n: 1 | 2 | 3;
  readonly #config: MaxPoolConfig;

  constructor(n: 1 | 2 | 3, kernelSize: Size, options: MaxPoolOptions = {}) {
    super();
    this.#n = n;
    this.#config = maxPoolConfig(this.layerName, n, kernelSize, options);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.returnIndices = this.#config.returnIndices as R;
    this.ceilMode = this.#config.ceilMode;
  }

  forward(input: Tensor): PoolResult<R> {
    return maxPoolForward(this.layerName, this.#n, input, this.#config) as PoolResult<R>;
  }
}

type MaxPoolModuleOptions<R extends boolean> = MaxPoolOptions & { returnIndices?: R };

/** torch.nn.MaxPool1d: input [N, C, L] or [C, L]. */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: Size, options?: MaxPoolModuleOptions<R>) {
    super(1, kernelSize, options);
  }
}

/** torch.nn.MaxPool2d: input [N, C, H, W] or [C, H, W]. */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: Size, options?: MaxPoolModuleOptions<R>) {
    super(2, kernelSize, options);
  }
}

/** torch.nn.MaxPool3d: input [N, C, D, H, W] or [C, D, H, W]. */
export class MaxPool3d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: Size, options?: MaxPoolModuleOptions<R>) {
    super(3, kernelSize, options);
  }
}

abstract class AvgPoolNd extends Module {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly #n: 1 | 2 | 3;
  readonly #config: AvgPoolConfig;

  constructor(n: 1 | 2 | 3, kernelSize: Size, options: AvgPoolOptions = {}) {
    super();
    this.#n = n;
    this.#config = avgPoolConfig(this.layerName, n, kernelSize, options);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = this.#config.ceilMode;
    this.countIncludePad = this.#config.countIncludePad;
  }

  forward(input: Tensor): Tensor {
    return avgPoolForward(this.layerName, this.#n, input, this.#config);
  }
}

/** torch.nn.AvgPool1d (no divisorOverride, as in PyTorch). */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: Size, options?: AvgPool1dOptions) {
    super(1, kernelSize, options);
  }
}

/** torch.nn.AvgPool2d. */
export class AvgPool2d extends AvgPoolNd {
  readonly divisorOverride: number | null;
  constructor(kernelSize: Size, options?: AvgPoolOptions) {
    super(2, kernelSize, options);
    this.divisorOverride = options?.divisorOverride ?? null;
  }
}

/** torch.nn.AvgPool3d. */
export class AvgPool3d extends AvgPoolNd {
  readonly divisorOverride: number | null;
  constructor(kernelSize: Size, options?: AvgPoolOptions) {
    super(3, kernelSize, options);
    this.divisorOverride = options?.divisorOverride ?? null;
  }
}

abstract class LPPoolNd extends Module {
  readonly normType: number;
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly ceilMode: boolean;
  readonly #n: 1 | 2;
  readonly #config: LPPoolConfig;

  constructor(n: 1 | 2, normType: number, kernelSize: Size, options: LPPoolOptions = {}) {
    super();
    this.#n = n;
    this.#config = lpPoolConfig(this.layerName, n, normType, kernelSize, options);
    this.normType = normType;
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    this.ceilMode = this.#config.ceilMode;
  }

  forward(input: Tensor): Tensor {
    return lpPoolForward(this.layerName, this.#n, input, this.#config);
  }
}

/** torch.nn.LPPool1d: (sum of x^p over each window)^(1/p). */
export class LPPool1d extends LPPoolNd {
  constructor(normType: number, kernelSize: Size, options?: LPPoolOptions) {
    super(1, normType, kernelSize, options);
  }
}

/** torch.nn.LPPool2d. */
export class LPPool2d extends LPPoolNd {
  constructor(normType: number, kernelSize: Size, options?: LPPoolOptions) {
    super(2, normType, kernelSize, options);
  }
}

abstract class AdaptiveAvgPoolNd extends Module {
  readonly outputSize: AdaptiveSize;
  readonly #n: 1 | 2 | 3;
  readonly #size: (number | null)[];

  constructor(n: 1 | 2 | 3, outputSize: AdaptiveSize) {
    super();
    this.#n = n;
    this.#size = adaptiveSize(this.layerName, n, outputSize);
    this.outputSize = outputSize;
  }

  forward(input: Tensor): Tensor {
    return adaptiveAvgPoolForward(this.layerName, this.#n, input, this.#size);
  }
}

/** torch.nn.AdaptiveAvgPool1d. */
export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) {
    super(1, outputSize);
  }
}

/** torch.nn.AdaptiveAvgPool2d; `null` in outputSize keeps that input size. */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) {
    super(2, outputSize);
  }
}

/** torch.nn.AdaptiveAvgPool3d. */
export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd {
  constructor(outputSize: AdaptiveSize) {
    super(3, outputSize);
  }
}

abstract class AdaptiveMaxPoolNd<R extends boolean> extends Module {
  readonly outputSize: AdaptiveSize;
  readonly returnIndices: R;
  readonly #n: 1 | 2 | 3;
  readonly #size: (number | null)[];

  constructor(n: 1 | 2 | 3, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions) {
    super();
    this.#n = n;
    this.#size = adaptiveSize(this.layerName, n, outputSize);
    this.returnIndices = adaptiveMaxConfig(this.layerName, options) as R;
    this.outputSize = outputSize;
  }

  forward(input: Tensor): PoolResult<R> {
    return adaptiveMaxPoolForward(this.layerName, this.#n, input, this.#size, this.returnIndices) as PoolResult<R>;
  }
}

type AdaptiveMaxModuleOptions<R extends boolean> = AdaptiveMaxPoolOptions & { returnIndices?: R };

/** torch.nn.AdaptiveMaxPool1d. */
export class AdaptiveMaxPool1d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  constructor(outputSize: AdaptiveSize, options?: AdaptiveMaxModuleOptions<R>) {
    super(1, outputSize, options);
  }
}

/** torch.nn.AdaptiveMaxPool2d. */
export class AdaptiveMaxPool2d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  constructor(outputSize: AdaptiveSize, options?: AdaptiveMaxModuleOptions<R>) {
    super(2, outputSize, options);
  }
}

/** torch.nn.AdaptiveMaxPool3d. */
export class AdaptiveMaxPool3d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  constructor(outputSize: AdaptiveSize, options?: AdaptiveMaxModuleOptions<R>) {
    super(3, outputSize, options);
  }
}
