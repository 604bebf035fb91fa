// Max unpooling modules (torch.nn.MaxUnpool1d/2d/3d).

import { checkOptions } from "../args";
import type { Size } from "../functional/pool";
import { type MaxUnpoolConfig, maxUnpoolConfig, maxUnpoolForward } from "../functional/unpool";
import type { Tensor } from "../tensor";
import { Module } from "./module";

export interface MaxUnpoolModuleOptions {
  /** Stride of the pooling being inverted; default (and `null`) = kernelSize. */
  stride?: Size | null;
  padding?: Size;
}

abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: Size;
  readonly stride: Size;
  readonly padding: Size;
  readonly #n: 1 | 2 | 3;
  readonly #config: MaxUnpoolConfig;

  constructor(n: 1 | 2 | 3, kernelSize: Size, options?: MaxUnpoolModuleOptions) {
    super();
    const o = checkOptions(this.layerName, options, ["stride", "padding"]);
    this.#n = n;
    this.#config = maxUnpoolConfig(this.layerName, n, kernelSize, o);
    this.kernelSize = kernelSize;
    this.stride = options?.stride ?? kernelSize;
    this.padding = options?.padding ?? 0;
  }

  /** `outputSize` (spatial sizes, optionally with N and C in front) picks among the sizes the pooling could have come from. */
  forward(input: Tensor, indices: Tensor, outputSize?: number[] | null): Tensor {
    return maxUnpoolForward(this.layerName, this.#n, input, indices, this.#config, outputSize);
  }
}

/** torch.nn.MaxUnpool1d. */
export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: Size, options?: MaxUnpoolModuleOptions) {
    super(1, kernelSize, options);
  }
}

/** torch.nn.MaxUnpool2d. */
export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: Size, options?: MaxUnpoolModuleOptions) {
    super(2, kernelSize, options);
  }
}

/** torch.nn.MaxUnpool3d. */
export class MaxUnpool3d extends MaxUnpoolNd {
  constructor(kernelSize: Size, options?: MaxUnpoolModuleOptions) {
    super(3, kernelSize, options);
  }
}
