// Normalisation modules (torch.nn BatchNorm*, LayerNorm, GroupNorm, InstanceNorm*).
// Parameters and buffers carry PyTorch's names and initial values (weight 1, bias 0,
// running_mean 0, running_var 1, num_batches_tracked 0 as an int32 count), so a PyTorch
// state dict loads unchanged. forward runs the same bodies as F.

import { checkBoolean, checkOptions, checkTensor, optionOr } from "../args";
import { rangeError, shapeStr } from "../errors";
import {
  batchNormForward,
  checkEps,
  checkMomentum,
  checkPositiveCount,
  groupNormForward,
  instanceNormForward,
  layerNormForward,
  parseNormalizedShape,
} from "../functional/norm";
import { type Tensor, emptyTensor } from "../tensor";
import { Module } from "./module";

export interface BatchNormModuleOptions {
  eps?: number;
  /** Weight of each batch in the running estimates; null: a cumulative average over num_batches_tracked. */
  momentum?: number | null;
  /** Learnable weight and bias (default true). */
  affine?: boolean;
  /** Keep running estimates and use them in eval() (default true). */
  trackRunningStats?: boolean;
}

export interface InstanceNormModuleOptions {
  eps?: number;
  momentum?: number;
  /** Learnable weight and bias (default false). */
  affine?: boolean;
  /** Keep running estimates and use them in eval() (default false). */
  trackRunningStats?: boolean;
}

export interface LayerNormModuleOptions {
  eps?: number;
  /** Learnable weight (and bias) of the normalised shape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, also a bias (default true). */
  bias?: boolean;
}

export interface GroupNormModuleOptions {
  eps?: number;
  affine?: boolean;
}

/** What BatchNorm and InstanceNorm share: weight, bias and the three buffers of PyTorch's _NormBase. */
abstract class NormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(numFeatures: unknown, o: Record<string, unknown>, affineDefault: boolean, trackDefault: boolean) {
    super();
    const layer = this.layerName;
    this.numFeatures = checkPositiveCount(layer, "numFeatures", numFeatures);
    this.eps = optionOr(layer, o, "eps", 1e-5, checkEps);
    this.affine = optionOr(layer, o, "affine", affineDefault, checkBoolean);
    this.trackRunningStats = optionOr(layer, o, "trackRunningStats", trackDefault, checkBoolean);
    const c = [this.numFeatures];
    this.weight = this.affine ? this.newParameter("weight", c).fill_(1) : this.registerParameter("weight", null);
    this.bias = this.affine ? this.newParameter("bias", c).fill_(0) : this.registerParameter("bias", null);
    if (this.trackRunningStats) {
      this.registerBuffer("running_mean", emptyTensor(c, "float32", layer).fill_(0));
      this.registerBuffer("running_var", emptyTensor(c, "float32", layer).fill_(1));
      this.registerBuffer("num_batches_tracked", emptyTensor([], "int32", layer).fill_(0));
    } else {
      this.registerBuffer("running_mean", null);
      this.registerBuffer("running_var", null);
      this.registerBuffer("num_batches_tracked", null);
    }
  }

  /** The buffer `name`, or null when running estimates are not tracked. */
  protected buffer(name: string): Tensor | null {
    return this.namedBuffers().find(([n]) => n === name)?.[1] ?? null;
  }

  get runningMean(): Tensor | null {
    return this.buffer("running_mean");
  }

  get runningVar(): Tensor | null {
    return this.buffer("running_var");
  }

  /** Batches seen in training mode (BatchNorm counts them; InstanceNorm, as PyTorch, does not). */
  get numBatchesTracked(): Tensor | null {
    return this.buffer("num_batches_tracked");
  }

  /**
   * Refuses an input whose channel count differs from numFeatures when the module has
   * per-channel tensors (weight or running estimates); without them PyTorch takes any.
   */
  protected checkChannels(x: Tensor, dim: number): void {
    if ((this.affine || this.trackRunningStats) && x.shape[dim] !== this.numFeatures) {
      throw rangeError(this.layerName, `expected input with ${this.numFeatures} channels (numFeatures), got ${x.shape[dim]} (shape ${shapeStr(x.shape)})`);
    }
  }

  /** Refuses an input whose rank the module does not take, as PyTorch's _check_input_dim. */
  protected checkRank(input: unknown, ranks: readonly number[], layout: string): Tensor {
    checkTensor(this.layerName, "input", input);
    if (!ranks.includes(input.ndim)) {
      throw rangeError(this.layerName, `expected input with ${ranks.join(" or ")} dimensions (${layout}), got ${input.ndim} (shape ${shapeStr(input.shape)})`);
    }
    return input;
  }
}

const BATCH_NORM_OPTIONS = ["eps", "momentum", "affine", "trackRunningStats"] as const;

abstract class BatchNormNd extends NormBase {
  /** Input ranks each class takes, and how they read. */
  static readonly ranks: readonly number[];
  static readonly layout: string;
  readonly momentum: number | null;

  constructor(numFeatures: number, options?: BatchNormModuleOptions) {
    // Every option is checked before the base class allocates parameters and buffers.
    const o = checkOptions(new.target.name, options, BATCH_NORM_OPTIONS);
    const momentum = o.momentum === null ? null : optionOr(new.target.name, o, "momentum", 0.1, checkMomentum);
    super(numFeatures, o, true, true);
    this.momentum = momentum;
  }

  /** Training: batch statistics (and running estimates updated); eval: the running estimates, or batch statistics without them. */
  forward(input: Tensor): Tensor {
    const { ranks, layout } = this.constructor as typeof BatchNormNd;
    this.checkChannels(this.checkRank(input, ranks, layout), 1);
    const counter = this.numBatchesTracked;
    const tracking = this.training && counter !== null;
    const count = tracking ? counter.item() + 1 : 0;
    // PyTorch's exponential_average_factor: momentum, or 1 / num_batches_tracked for a cumulative average.
    const momentum = this.momentum ?? (tracking ? 1 / count : 0);
    const useRunning = !this.training || this.trackRunningStats;
    const out = batchNormForward(
      this.layerName, input,
      useRunning ? this.runningMean : null, useRunning ? this.runningVar : null,
      this.weight, this.bias,
      { training: this.training || this.runningMean === null, momentum, eps: this.eps },
    );
    if (tracking) counter.fill_(count);
    return out;
  }
}

/** torch.nn.BatchNorm1d: input [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormNd {
  static override readonly ranks = [2, 3];
  static override readonly layout = "[N, C] or [N, C, L]";
}

/** torch.nn.BatchNorm2d: input [N, C, H, W]. */
export class BatchNorm2d extends BatchNormNd {
  static override readonly ranks = [4];
  static override readonly layout = "[N, C, H, W]";
}

/** torch.nn.BatchNorm3d: input [N, C, D, H, W]. */
export class BatchNorm3d extends BatchNormNd {
  static override readonly ranks = [5];
  static override readonly layout = "[N, C, D, H, W]";
}

const INSTANCE_NORM_OPTIONS = ["eps", "momentum", "affine", "trackRunningStats"] as const;

abstract class InstanceNormNd extends NormBase {
  /** Spatial dimensions, set by each concrete class. */
  static readonly spatial: 1 | 2 | 3;
  readonly momentum: number;

  constructor(numFeatures: number, options?: InstanceNormModuleOptions) {
    const o = checkOptions(new.target.name, options, INSTANCE_NORM_OPTIONS);
    const momentum = optionOr(new.target.name, o, "momentum", 0.1, checkMomentum);
    super(numFeatures, o, false, false);
    this.momentum = momentum;
  }

  /** Each sample's channels by their own statistics; in eval() with tracked estimates, by those. */
  forward(input: Tensor): Tensor {
    const n = (this.constructor as typeof InstanceNormNd).spatial;
    const names = ["L", "H, W", "D, H, W"][n - 1];
    const x = this.checkRank(input, [n + 1, n + 2], `[C, ${names}] or [N, C, ${names}]`);
    const unbatched = x.ndim === n + 1;
    this.checkChannels(x, unbatched ? 0 : 1);
    const batched = unbatched ? x.unsqueeze(0) : x;
    try {
      const out = instanceNormForward(
        this.layerName, batched,
        { runningMean: this.runningMean, runningVar: this.runningVar, weight: this.weight, bias: this.bias },
        { useInputStats: this.training || !this.trackRunningStats, momentum: this.momentum, eps: this.eps },
      );
      if (!unbatched) return out;
      const squeezed = out.squeeze(0);
      out.dispose();
      return squeezed;
    } finally {
      if (batched !== x) batched.dispose();
    }
  }
}

/** torch.nn.InstanceNorm1d: input [N, C, L] or [C, L]. */
export class InstanceNorm1d extends InstanceNormNd { static override readonly spatial = 1; }

/** torch.nn.InstanceNorm2d: input [N, C, H, W] or [C, H, W]. */
export class InstanceNorm2d extends InstanceNormNd { static override readonly spatial = 2; }

/** torch.nn.InstanceNorm3d: input [N, C, D, H, W] or [C, D, H, W]. */
export class InstanceNorm3d extends InstanceNormNd { static override readonly spatial = 3; }

/** torch.nn.LayerNorm: normalises over the last dimensions (normalizedShape), weight and bias of that shape. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(normalizedShape: number | number[], options?: LayerNormModuleOptions) {
    super();
    const o = checkOptions("LayerNorm", options, ["eps", "elementwiseAffine", "bias"]);
    this.normalizedShape = parseNormalizedShape("LayerNorm", normalizedShape);
    this.eps = optionOr("LayerNorm", o, "eps", 1e-5, checkEps);
    this.elementwiseAffine = optionOr("LayerNorm", o, "elementwiseAffine", true, checkBoolean);
    const hasBias = optionOr("LayerNorm", o, "bias", true, checkBoolean);
    this.weight = this.elementwiseAffine ? this.newParameter("weight", this.normalizedShape).fill_(1) : this.registerParameter("weight", null);
    this.bias = this.elementwiseAffine && hasBias ? this.newParameter("bias", this.normalizedShape).fill_(0) : this.registerParameter("bias", null);
  }

  forward(input: Tensor): Tensor {
    return layerNormForward("LayerNorm", input, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

/** torch.nn.GroupNorm: input [N, C, ...], statistics per sample over groups of numChannels / numGroups channels. */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(numGroups: number, numChannels: number, options?: GroupNormModuleOptions) {
    super();
    const o = checkOptions("GroupNorm", options, ["eps", "affine"]);
    this.numGroups = checkPositiveCount("GroupNorm", "numGroups", numGroups);
    this.numChannels = checkPositiveCount("GroupNorm", "numChannels", numChannels);
    if (numChannels % numGroups !== 0) {
      throw rangeError("GroupNorm", `expected numChannels divisible by numGroups, got numChannels ${numChannels} and numGroups ${numGroups}`);
    }
    this.eps = optionOr("GroupNorm", o, "eps", 1e-5, checkEps);
    this.affine = optionOr("GroupNorm", o, "affine", true, checkBoolean);
    this.weight = this.affine ? this.newParameter("weight", [numChannels]).fill_(1) : this.registerParameter("weight", null);
    this.bias = this.affine ? this.newParameter("bias", [numChannels]).fill_(0) : this.registerParameter("bias", null);
  }

  forward(input: Tensor): Tensor {
    checkTensor("GroupNorm", "input", input);
    if (this.affine && input.ndim >= 2 && input.shape[1] !== this.numChannels) {
      throw rangeError("GroupNorm", `expected input with ${this.numChannels} channels (numChannels), got ${input.shape[1]} (shape ${shapeStr(input.shape)})`);
    }
    return groupNormForward("GroupNorm", input, this.numGroups, this.weight, this.bias, this.eps);
  }
}
