// Max unpooling modules (torch.nn.MaxUnpool1d/2d/3d).

import { checkOptions } from "../args";
import { type Size, type WindowShape, parseWindowShape } from "../functional/pool";
import { maxUnpoolForward } from "../functional/unpool";
import type { Tensor } from "../tensor";
import { Module } from "./module";

export interface MaxUnpoolModuleOptions {
  /** Stride of the pooling being inverted; default (and `null`) = kernelSize. */
  stride?: Size | null;
  padding?: Size;
}

abstract class MaxUnpoolNd extends Module {
  /** Spatial dimensions of the input, set by each concrete class. */
  static readonly spatial: 1 | 2 | 3;
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly #n: 1 | 2 | 3;
  readonly #window: WindowShape;

  constructor(kernelSize: Size, options?: MaxUnpoolModuleOptions) {
    super();
    const o = checkOptions(this.layerName, options, ["stride", "padding"]);
    this.#n = new.target.spatial;
    this.#window = parseWindowShape(this.layerName, this.#n, kernelSize, o);
    this.kernelSize = kernelSize;
    this.stride = options?.stride ?? kernelSize;
    this.padding = options?.padding ?? 0;
  }

  /** `outputSize` (spatial sizes, optionally with N and C in front) picks among the sizes the pooling could have come from. */
  forward(input: Tensor, indices: Tensor, outputSize?: number[] | null): Tensor {
    return maxUnpoolForward(this.layerName, this.#n, input, indices, this.#window, outputSize);
  }
}

/** torch.nn.MaxUnpool1d. */
export class MaxUnpool1d extends MaxUnpoolNd { static override readonly spatial = 1; }

/** torch.nn.MaxUnpool2d. */
export class MaxUnpool2d extends MaxUnpoolNd { static override readonly spatial = 2; }

/** torch.nn.MaxUnpool3d. */
export class MaxUnpool3d extends MaxUnpoolNd { static override readonly spatial = 3; }
