// Pooling modules (torch.nn MaxPool*, AvgPool*, LPPool*, AdaptiveAvgPool*, AdaptiveMaxPool*).
// They hold their validated settings; forward runs the same code as F. Each family has
// one base class; MaxPool1d, MaxPool2d, ... only name their number of spatial dimensions
// (the static `spatial`, which the base constructor reads through `new.target`).

import {
  type AdaptiveMaxPoolOptions,
  type AdaptiveSize,
  adaptiveAvgPoolForward,
  adaptiveMaxPoolForward,
  parseAdaptiveMaxPool,
  parseAdaptiveSize,
} from "../functional/adaptive";
import {
  type AvgPool1dOptions,
  type AvgPoolOptions,
  type AvgPoolParams,
  type LPPoolOptions,
  type LPPoolParams,
  type MaxPoolOptions,
  type MaxPoolParams,
  type Size,
  type Window,
  avgPoolForward,
  lpPoolForward,
  maxPoolForward,
  parseAvgPool,
  parseLPPool,
  parseMaxPool,
} from "../functional/pool";
import type { Tensor } from "../tensor";
import { Module } from "./module";

/** What forward returns: `[output, indices]` when the module was built with `returnIndices: true`. */
export type PoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

/** What the window-pooling modules share: settings parsed once, and the spatial rank. */
abstract class WindowPoolNd<P extends Window> extends Module {
  /** Spatial dimensions of the input, set by each concrete class. */
  static readonly spatial: 1 | 2 | 3;
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly ceilMode: boolean;
  protected readonly spatial: 1 | 2 | 3;
  protected readonly params: P;

  constructor(kernelSize: Size, stride: Size | null | undefined, parse: (layer: string, n: 1 | 2 | 3) => P) {
    super();
    this.spatial = new.target.spatial;
    this.params = parse(this.layerName, this.spatial);
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.ceilMode = this.params.ceilMode;
  }
}

abstract class MaxPoolNd<R extends boolean> extends WindowPoolNd<MaxPoolParams> {
  readonly padding: Size;
  readonly dilation: Size;
  readonly returnIndices: R;

  constructor(kernelSize: Size, options: MaxPoolOptions & { returnIndices?: R } = {}) {
    super(kernelSize, options.stride, (layer, n) => parseMaxPool(layer, n, kernelSize, options));
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.returnIndices = this.params.returnIndices as R;
  }

  forward(input: Tensor): PoolResult<R> {
    return maxPoolForward(this.layerName, this.spatial, input, this.params) as PoolResult<R>;
  }
}

/** torch.nn.MaxPool1d: input [N, C, L] or [C, L]. */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> { static override readonly spatial = 1; }

/** torch.nn.MaxPool2d: input [N, C, H, W] or [C, H, W]. */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> { static override readonly spatial = 2; }

/** torch.nn.MaxPool3d: input [N, C, D, H, W] or [C, D, H, W]. */
export class MaxPool3d<R extends boolean = false> extends MaxPoolNd<R> { static override readonly spatial = 3; }

abstract class AvgPoolNd extends WindowPoolNd<AvgPoolParams> {
  readonly padding: Size;
  readonly countIncludePad: boolean;

  constructor(kernelSize: Size, options: AvgPoolOptions = {}) {
    super(kernelSize, options.stride, (layer, n) => parseAvgPool(layer, n, kernelSize, options));
    this.padding = options.padding ?? 0;
    this.countIncludePad = this.params.countIncludePad;
  }

  forward(input: Tensor): Tensor {
    return avgPoolForward(this.layerName, this.spatial, input, this.params);
  }
}

/** torch.nn.AvgPool1d (no divisorOverride, as in PyTorch). */
export class AvgPool1d extends AvgPoolNd {
  static override readonly spatial = 1;
  constructor(kernelSize: Size, options?: AvgPool1dOptions) {
    super(kernelSize, options);
  }
}

/** AvgPool2d and AvgPool3d, which also take divisorOverride. */
abstract class AvgPoolWithDivisor extends AvgPoolNd {
  readonly divisorOverride: number | null;
  constructor(kernelSize: Size, options?: AvgPoolOptions) {
    super(kernelSize, options);
    this.divisorOverride = options?.divisorOverride ?? null;
  }
}

/** torch.nn.AvgPool2d. */
export class AvgPool2d extends AvgPoolWithDivisor { static override readonly spatial = 2; }

/** torch.nn.AvgPool3d. */
export class AvgPool3d extends AvgPoolWithDivisor { static override readonly spatial = 3; }

abstract class LPPoolNd extends WindowPoolNd<LPPoolParams> {
  static override readonly spatial: 1 | 2;
  readonly normType: number;

  constructor(normType: number, kernelSize: Size, options: LPPoolOptions = {}) {
    super(kernelSize, options.stride, (layer, n) => parseLPPool(layer, n, normType, kernelSize, options));
    this.normType = normType;
  }

  forward(input: Tensor): Tensor {
    return lpPoolForward(this.layerName, this.spatial, input, this.params);
  }
}

/** torch.nn.LPPool1d: (sum of x^p over each window)^(1/p). */
export class LPPool1d extends LPPoolNd { static override readonly spatial = 1; }

/** torch.nn.LPPool2d. */
export class LPPool2d extends LPPoolNd { static override readonly spatial = 2; }

abstract class AdaptiveAvgPoolNd extends Module {
  /** Spatial dimensions of the input, set by each concrete class. */
  static readonly spatial: 1 | 2 | 3;
  readonly outputSize: AdaptiveSize;
  readonly #n: 1 | 2 | 3;
  readonly #size: (number | null)[];

  constructor(outputSize: AdaptiveSize) {
    super();
    this.#n = new.target.spatial;
    this.#size = parseAdaptiveSize(this.layerName, this.#n, outputSize);
    this.outputSize = outputSize;
  }

  forward(input: Tensor): Tensor {
    return adaptiveAvgPoolForward(this.layerName, this.#n, input, this.#size);
  }
}

/** torch.nn.AdaptiveAvgPool1d. */
export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd { static override readonly spatial = 1; }

/** torch.nn.AdaptiveAvgPool2d; `null` in outputSize keeps that input size. */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd { static override readonly spatial = 2; }

/** torch.nn.AdaptiveAvgPool3d. */
export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd { static override readonly spatial = 3; }

abstract class AdaptiveMaxPoolNd<R extends boolean> extends Module {
  /** Spatial dimensions of the input, set by each concrete class. */
  static readonly spatial: 1 | 2 | 3;
  readonly outputSize: AdaptiveSize;
  readonly returnIndices: R;
  readonly #n: 1 | 2 | 3;
  readonly #size: (number | null)[];

  constructor(outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions & { returnIndices?: R }) {
    super();
    this.#n = new.target.spatial;
    this.#size = parseAdaptiveSize(this.layerName, this.#n, outputSize);
    this.returnIndices = parseAdaptiveMaxPool(this.layerName, options) as R;
    this.outputSize = outputSize;
  }

  forward(input: Tensor): PoolResult<R> {
    return adaptiveMaxPoolForward(this.layerName, this.#n, input, this.#size, this.returnIndices) as PoolResult<R>;
  }
}

/** torch.nn.AdaptiveMaxPool1d. */
export class AdaptiveMaxPool1d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> { static override readonly spatial = 1; }

/** torch.nn.AdaptiveMaxPool2d. */
export class AdaptiveMaxPool2d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> { static override readonly spatial = 2; }

/** torch.nn.AdaptiveMaxPool3d. */
export class AdaptiveMaxPool3d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> { static override readonly spatial = 3; }
