// Padding modules (torch.nn ZeroPad*, ConstantPad*, ReflectionPad*, ReplicationPad*,
// CircularPad*, 1-D to 3-D). `padding` is one integer for every side or PyTorch's tuple
// of 2, 4 or 6 values (last dimension first: left, right, top, bottom, front, back);
// forward is F.pad with that list.

import { checkNumber } from "../args";
import { badType } from "../errors";
import { type PadMode, type PadParams, padForward, parsePadList } from "../functional/pad";
import type { Tensor } from "../tensor";
import { Module } from "./module";

abstract class PadNd extends Module {
  /** Padded dimensions, set by each concrete class. */
  static readonly spatial: 1 | 2 | 3;
  /** The (before, after) amounts, last dimension first. */
  readonly padding: number[];
  readonly #params: PadParams;

  constructor(padding: number | number[], mode: PadMode, value = 0) {
    super();
    const n = (new.target as unknown as typeof PadNd).spatial;
    const what = `an integer or an array of ${2 * n} integers`;
    let list: number[];
    if (typeof padding === "number") {
      if (!Number.isInteger(padding)) throw badType(this.layerName, "padding", what, padding);
      list = new Array<number>(2 * n).fill(padding);
    } else {
      if (!Array.isArray(padding) || padding.length !== 2 * n) throw badType(this.layerName, "padding", what, padding);
      list = parsePadList(this.layerName, padding);
    }
    this.padding = list;
    this.#params = { pad: list, mode, value: mode === "constant" ? checkNumber(this.layerName, "value", value) : 0 };
  }

  forward(input: Tensor): Tensor {
    return padForward(this.layerName, input, this.#params);
  }
}

abstract class ConstantPadNd extends PadNd {
  readonly value: number;
  constructor(padding: number | number[], value: number) {
    super(padding, "constant", value);
    this.value = value;
  }
}

abstract class ZeroPadNd extends PadNd {
  constructor(padding: number | number[]) {
    super(padding, "constant", 0);
  }
}

abstract class ReflectionPadNd extends PadNd {
  constructor(padding: number | number[]) {
    super(padding, "reflect");
  }
}

abstract class ReplicationPadNd extends PadNd {
  constructor(padding: number | number[]) {
    super(padding, "replicate");
  }
}

abstract class CircularPadNd extends PadNd {
  constructor(padding: number | number[]) {
    super(padding, "circular");
  }
}

/** torch.nn.ZeroPad1d: zeros around the last dimension. */
export class ZeroPad1d extends ZeroPadNd { static override readonly spatial = 1; }
/** torch.nn.ZeroPad2d: zeros around the last two dimensions. */
export class ZeroPad2d extends ZeroPadNd { static override readonly spatial = 2; }
/** torch.nn.ZeroPad3d: zeros around the last three dimensions. */
export class ZeroPad3d extends ZeroPadNd { static override readonly spatial = 3; }
/** torch.nn.ConstantPad1d(padding, value). */
export class ConstantPad1d extends ConstantPadNd { static override readonly spatial = 1; }
/** torch.nn.ConstantPad2d(padding, value). */
export class ConstantPad2d extends ConstantPadNd { static override readonly spatial = 2; }
/** torch.nn.ConstantPad3d(padding, value). */
export class ConstantPad3d extends ConstantPadNd { static override readonly spatial = 3; }
/** torch.nn.ReflectionPad1d: input [N, C, L] or [C, L]. */
export class ReflectionPad1d extends ReflectionPadNd { static override readonly spatial = 1; }
/** torch.nn.ReflectionPad2d: input [N, C, H, W] or [C, H, W]. */
export class ReflectionPad2d extends ReflectionPadNd { static override readonly spatial = 2; }
/** torch.nn.ReflectionPad3d: input [N, C, D, H, W] or [C, D, H, W]. */
export class ReflectionPad3d extends ReflectionPadNd { static override readonly spatial = 3; }
/** torch.nn.ReplicationPad1d. */
export class ReplicationPad1d extends ReplicationPadNd { static override readonly spatial = 1; }
/** torch.nn.ReplicationPad2d. */
export class ReplicationPad2d extends ReplicationPadNd { static override readonly spatial = 2; }
/** torch.nn.ReplicationPad3d. */
export class ReplicationPad3d extends ReplicationPadNd { static override readonly spatial = 3; }
/** torch.nn.CircularPad1d: wraps around the last dimension. */
export class CircularPad1d extends CircularPadNd { static override readonly spatial = 1; }
/** torch.nn.CircularPad2d. */
export class CircularPad2d extends CircularPadNd { static override readonly spatial = 2; }
/** torch.nn.CircularPad3d. */
export class CircularPad3d extends CircularPadNd { static override readonly spatial = 3; }
