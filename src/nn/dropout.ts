// Dropout modules (torch.nn Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout):
// random in train() (seeded by manualSeed), a view of the input in eval().

import { type DropoutKind, dropoutForward, parseDropoutP } from "../functional/dropout";
import { activationOptions } from "../functional/activation-core";
import type { Tensor } from "../tensor";
import { Module } from "./module";

export interface DropoutModuleOptions {
  /** Probability of dropping a unit, in [0, 1] (default 0.5). */
  p?: number;
}

abstract class DropoutNd extends Module {
  /** What the concrete class drops, set by each class. */
  static readonly kind: DropoutKind;
  readonly p: number;

  constructor(options?: DropoutModuleOptions) {
    super();
    this.p = parseDropoutP(this.layerName, activationOptions(this.layerName, options, ["p"]));
  }

  forward(input: Tensor): Tensor {
    return dropoutForward(this.layerName, input, (this.constructor as typeof DropoutNd).kind, this.p, this.training);
  }
}

/** torch.nn.Dropout: each element zeroed with probability p in train(), the rest scaled by 1 / (1 - p). */
export class Dropout extends DropoutNd { static override readonly kind: DropoutKind = { spatial: 0, alpha: false }; }

/** torch.nn.Dropout1d: whole channels of [N, C, L] or [C, L]. */
export class Dropout1d extends DropoutNd { static override readonly kind: DropoutKind = { spatial: 1, alpha: false }; }

/** torch.nn.Dropout2d: whole channels of [N, C, H, W] or [C, H, W]. */
export class Dropout2d extends DropoutNd { static override readonly kind: DropoutKind = { spatial: 2, alpha: false }; }

/** torch.nn.Dropout3d: whole channels of [N, C, D, H, W] or [C, D, H, W]. */
export class Dropout3d extends DropoutNd { static override readonly kind: DropoutKind = { spatial: 3, alpha: false }; }

/** torch.nn.AlphaDropout: dropout that keeps SELU's zero mean and unit variance. */
export class AlphaDropout extends DropoutNd { static override readonly kind: DropoutKind = { spatial: 0, alpha: true }; }

/** torch.nn.FeatureAlphaDropout: alpha dropout of whole channels of [N, C, ...]. */
export class FeatureAlphaDropout extends DropoutNd { static override readonly kind: DropoutKind = { spatial: "any", alpha: true }; }
