// Convolution modules (torch.nn.Conv1d..3d, ConvTranspose1d..3d): parameters under
// PyTorch's names and layouts, PyTorch's default initialisation; forward calls F.

import { checkBoolean, checkChoice, checkOptions, tuple } from "../args";
import { rangeError } from "../errors";
import {
  type ConvArgs, type ConvTransposeArgs, type PaddingMode, checkGroups, convArgs, convImpl, convTransposeArgs, convTransposeImpl,
} from "../functional/conv";
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from "../init";
import type { Tensor } from "../tensor";
import { Module } from "./module";

export interface ConvModuleOptions {
  stride?: number | number[];
  padding?: number | number[] | "same" | "valid";
  dilation?: number | number[];
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

export interface ConvTransposeModuleOptions {
  stride?: number | number[];
  padding?: number | number[];
  outputPadding?: number | number[];
  groups?: number;
  bias?: boolean;
  dilation?: number | number[];
  /** Only "zeros", as in PyTorch. */
  paddingMode?: "zeros";
}

function checkChannels(layer: string, arg: string, value: unknown, groups: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw rangeError(layer, `expected ${arg} a positive integer, got ${String(value)}`);
  }
  if (value % groups !== 0) throw rangeError(layer, `expected ${arg} (${value}) to be divisible by groups ${groups}`);
  return value;
}

/** PyTorch's reset_parameters for convolutions: kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
function resetConvParameters(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias !== null) {
    const [fanIn] = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, { a: -bound, b: bound });
  }
}

abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | "same" | "valid";
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly #nd: number;
  readonly #args: ConvArgs;

  constructor(nd: number, inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvModuleOptions = {}) {
    super();
    const layer = this.layerName;
    const o = checkOptions(layer, options, ["stride", "padding", "dilation", "groups", "bias", "paddingMode"]) as ConvModuleOptions;
    this.#nd = nd;
    this.#args = convArgs(layer, nd, o);
    this.groups = this.#args.groups;
    this.inChannels = checkChannels(layer, "inChannels", inChannels, this.groups);
    this.outChannels = checkChannels(layer, "outChannels", outChannels, this.groups);
    this.kernelSize = tuple(layer, "kernelSize", kernelSize, nd, 1);
    this.stride = this.#args.stride;
    this.padding = this.#args.padding;
    this.dilation = this.#args.dilation;
    this.paddingMode = this.#args.paddingMode;
    const withBias = checkBoolean(layer, "bias", o.bias ?? true);
    this.weight = this.newParameter("weight", [outChannels, inChannels / this.groups, ...this.kernelSize]);
    this.bias = withBias ? this.newParameter("bias", [outChannels]) : this.registerParameter("bias", null);
    resetConvParameters(this.weight, this.bias);
  }

  forward(input: Tensor): Tensor {
    return convImpl(this.layerName, this.#nd, input, this.weight, this.bias, this.#args);
  }
}

abstract class ConvTransposeNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly #nd: number;
  readonly #args: ConvTransposeArgs;

  constructor(nd: number, inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvTransposeModuleOptions = {}) {
    super();
    const layer = this.layerName;
    const o = checkOptions(layer, options, ["stride", "padding", "outputPadding", "groups", "bias", "dilation", "paddingMode"]) as ConvTransposeModuleOptions;
    // Accepted for code ported from PyTorch, which also supports only zero padding here.
    checkChoice(layer, "paddingMode", o.paddingMode ?? "zeros", ["zeros"]);
    this.#nd = nd;
    const groups = checkGroups(layer, o.groups ?? 1);
    this.inChannels = checkChannels(layer, "inChannels", inChannels, groups);
    this.outChannels = checkChannels(layer, "outChannels", outChannels, groups);
    this.kernelSize = tuple(layer, "kernelSize", kernelSize, nd, 1);
    this.#args = convTransposeArgs(layer, nd, o);
    this.groups = groups;
    this.stride = this.#args.stride;
    this.padding = this.#args.padding;
    this.outputPadding = this.#args.outputPadding;
    this.dilation = this.#args.dilation;
    const withBias = checkBoolean(layer, "bias", o.bias ?? true);
    this.weight = this.newParameter("weight", [inChannels, outChannels / groups, ...this.kernelSize]);
    this.bias = withBias ? this.newParameter("bias", [outChannels]) : this.registerParameter("bias", null);
    resetConvParameters(this.weight, this.bias);
  }

  /** `outputSize` (the spatial sizes, optionally with batch and channel) picks the output padding, as in PyTorch. */
  forward(input: Tensor, outputSize?: number[]): Tensor {
    return convTransposeImpl(this.layerName, this.#nd, input, this.weight, this.bias, this.#args, outputSize);
  }
}

/** torch.nn.Conv1d: input [N, C, L] or [C, L]. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options?: ConvModuleOptions) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

/** torch.nn.Conv2d: input [N, C, H, W] or [C, H, W]. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options?: ConvModuleOptions) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}

/** torch.nn.Conv3d: input [N, C, D, H, W] or [C, D, H, W]. */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options?: ConvModuleOptions) {
    super(3, inChannels, outChannels, kernelSize, options);
  }
}

/** torch.nn.ConvTranspose1d: input [N, C, L] or [C, L]. */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options?: ConvTransposeModuleOptions) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

/** torch.nn.ConvTranspose2d: input [N, C, H, W] or [C, H, W]. */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options?: ConvTransposeModuleOptions) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}

/** torch.nn.ConvTranspose3d: input [N, C, D, H, W] or [C, D, H, W]. */
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options?: ConvTransposeModuleOptions) {
    super(3, inChannels, outChannels, kernelSize, options);
  }
}
