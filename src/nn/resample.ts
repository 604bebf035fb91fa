// Resampling modules (torch.nn.Upsample, PixelShuffle, PixelUnshuffle): settings parsed
// once in the constructor, forward runs the same code as F.

import { type InterpolateMode, type InterpolateParams, type UpsampleOptions, interpolateForward, parseInterpolate } from "../functional/interpolate";
import { parseFactor, pixelShuffleForward, pixelUnshuffleForward } from "../functional/shuffle";
import type { Tensor } from "../tensor";
import { Module } from "./module";

/** torch.nn.Upsample: F.interpolate with the options fixed at construction. */
export class Upsample extends Module {
  readonly size: number | number[] | null;
  readonly scaleFactor: number | number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly #params: InterpolateParams;

  constructor(options?: UpsampleOptions) {
    super();
    this.#params = parseInterpolate(this.layerName, options);
    this.size = options?.size ?? null;
    this.scaleFactor = options?.scaleFactor ?? null;
    this.mode = this.#params.mode;
    this.alignCorners = options?.alignCorners ?? null;
  }

  forward(input: Tensor): Tensor {
    return interpolateForward(this.layerName, input, this.#params);
  }
}

/** torch.nn.PixelShuffle: [*, C*r*r, H, W] -> [*, C, H*r, W*r]. */
export class PixelShuffle extends Module {
  readonly upscaleFactor: number;

  constructor(upscaleFactor: number) {
    super();
    this.upscaleFactor = parseFactor(this.layerName, "upscaleFactor", upscaleFactor);
  }

  forward(input: Tensor): Tensor {
    return pixelShuffleForward(this.layerName, input, this.upscaleFactor);
  }
}

/** torch.nn.PixelUnshuffle: [*, C, H*r, W*r] -> [*, C*r*r, H, W]. */
export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;

  constructor(downscaleFactor: number) {
    super();
    this.downscaleFactor = parseFactor(this.layerName, "downscaleFactor", downscaleFactor);
  }

  forward(input: Tensor): Tensor {
    return pixelUnshuffleForward(this.layerName, input, this.downscaleFactor);
  }
}
