// Convolution modules (torch.nn.Conv1d..3d, ConvTranspose1d..3d): parameters under
// PyTorch's names and layouts, PyTorch's default initialisation; forward calls F.

import { checkBoolean, checkChoice, checkOptions, tuple } from "../args";
import { rangeError } from "../errors";
import {
  type Clamp,
  type ConvArgs, type ConvOptions, type ConvTransposeArgs, type ConvTransposeOptions, type PaddingMode,
  checkGroups, parseConv, convForward, parseConvTranspose, convTransposeForward,
} from "../functional/conv";
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from "../init";
import type { Tensor } from "../tensor";
import { Module } from "./module";

export interface ConvModuleOptions extends ConvOptions {
  bias?: boolean;
  paddingMode?: PaddingMode;
}

export interface ConvTransposeModuleOptions extends ConvTransposeOptions {
  bias?: boolean;
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

/** What the two module families share once their options are checked. */
interface ConvParameters {
  inChannels: number;
  outChannels: number;
  kernelSize: number[];
  stride: number[];
  dilation: number[];
  groups: number;
  withBias: boolean;
  /** [outC, inC/groups, ...k] for convolution, [inC, outC/groups, ...k] for transposed. */
  weightShape: number[];
}

/** The fields and parameters of ConvNd and ConvTransposeNd, created after every check passed. */
abstract class ConvBase extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly groups: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  /** Spatial dimensions: set by each concrete class (Conv1d: 1, ConvTranspose2d: 2, ...). */
  protected static readonly dims: number = 0;

  constructor(p: ConvParameters) {
    super();
    this.inChannels = p.inChannels;
    this.outChannels = p.outChannels;
    this.kernelSize = p.kernelSize;
    this.stride = p.stride;
    this.dilation = p.dilation;
    this.groups = p.groups;
    this.weight = this.newParameter("weight", p.weightShape);
    this.bias = p.withBias ? this.newParameter("bias", [p.outChannels]) : this.registerParameter("bias", null);
    resetConvParameters(this.weight, this.bias);
  }

  /** @internal The forward of a loaded model's fused chain: other weights (BatchNorm folded in) and an activation clamp. */
  abstract fusedForward(input: Tensor, weight: Tensor, bias: Tensor | null, clamp: Clamp): Tensor;
}

abstract class ConvNd extends ConvBase {
  readonly padding: number[] | "same" | "valid";
  readonly paddingMode: PaddingMode;
  readonly #args: ConvArgs;

  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvModuleOptions = {}) {
    const layer = new.target.name;
    const nd = (new.target as unknown as { dims: number }).dims;
    const o = checkOptions(layer, options, ["stride", "padding", "dilation", "groups", "bias", "paddingMode"]) as ConvModuleOptions;
    const args = parseConv(layer, nd, o);
    const { groups } = args;
    const inC = checkChannels(layer, "inChannels", inChannels, groups);
    const outC = checkChannels(layer, "outChannels", outChannels, groups);
    const k = tuple(layer, "kernelSize", kernelSize, nd, 1);
    const withBias = checkBoolean(layer, "bias", o.bias ?? true);
    super({ inChannels: inC, outChannels: outC, kernelSize: k, stride: args.stride, dilation: args.dilation, groups, withBias, weightShape: [outC, inC / groups, ...k] });
    this.#args = args;
    this.padding = args.padding;
    this.paddingMode = args.paddingMode;
  }

  forward(input: Tensor): Tensor {
    return convForward(this.layerName, this.kernelSize.length, input, this.weight, this.bias, this.#args);
  }

  /** @internal */
  fusedForward(input: Tensor, weight: Tensor, bias: Tensor | null, clamp: Clamp): Tensor {
    return convForward(this.layerName, this.kernelSize.length, input, weight, bias, this.#args, clamp);
  }
}

abstract class ConvTransposeNd extends ConvBase {
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly #args: ConvTransposeArgs;

  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvTransposeModuleOptions = {}) {
    const layer = new.target.name;
    const nd = (new.target as unknown as { dims: number }).dims;
    const o = checkOptions(layer, options, ["stride", "padding", "outputPadding", "groups", "bias", "dilation", "paddingMode"]) as ConvTransposeModuleOptions;
    // Accepted for code ported from PyTorch, which also supports only zero padding here.
    checkChoice(layer, "paddingMode", o.paddingMode ?? "zeros", ["zeros"]);
    const groups = checkGroups(layer, o.groups ?? 1);
    const inC = checkChannels(layer, "inChannels", inChannels, groups);
    const outC = checkChannels(layer, "outChannels", outChannels, groups);
    const k = tuple(layer, "kernelSize", kernelSize, nd, 1);
    const args = parseConvTranspose(layer, nd, o);
    const withBias = checkBoolean(layer, "bias", o.bias ?? true);
    super({ inChannels: inC, outChannels: outC, kernelSize: k, stride: args.stride, dilation: args.dilation, groups, withBias, weightShape: [inC, outC / groups, ...k] });
    this.#args = args;
    this.padding = args.padding;
    this.outputPadding = args.outputPadding;
  }

  /** `outputSize` (the spatial sizes, optionally with batch and channel) picks the output padding, as in PyTorch. */
  forward(input: Tensor, outputSize?: number[]): Tensor {
    return convTransposeForward(this.layerName, this.kernelSize.length, input, this.weight, this.bias, this.#args, outputSize);
  }

  /** @internal */
  fusedForward(input: Tensor, weight: Tensor, bias: Tensor | null, clamp: Clamp): Tensor {
    return convTransposeForward(this.layerName, this.kernelSize.length, input, weight, bias, this.#args, undefined, clamp);
  }
}

/** torch.nn.Conv1d: input [N, C, L] or [C, L]. */
export class Conv1d extends ConvNd { protected static override readonly dims = 1; }
/** torch.nn.Conv2d: input [N, C, H, W] or [C, H, W]. */
export class Conv2d extends ConvNd { protected static override readonly dims = 2; }
/** torch.nn.Conv3d: input [N, C, D, H, W] or [C, D, H, W]. */
export class Conv3d extends ConvNd { protected static override readonly dims = 3; }

/** torch.nn.ConvTranspose1d: input [N, C, L] or [C, L]. */
export class ConvTranspose1d extends ConvTransposeNd { protected static override readonly dims = 1; }
/** torch.nn.ConvTranspose2d: input [N, C, H, W] or [C, H, W]. */
export class ConvTranspose2d extends ConvTransposeNd { protected static override readonly dims = 2; }
/** torch.nn.ConvTranspose3d: input [N, C, D, H, W] or [C, D, H, W]. */
export class ConvTranspose3d extends ConvTransposeNd { protected static override readonly dims = 3; }
