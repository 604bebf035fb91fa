// Adaptive average and max pooling (torch.nn.functional adaptive_avg_pool*,
// adaptive_max_pool*): output element i along a dimension covers the input bin
// [floor(i*in/out), ceil((i+1)*in/out)), so any output size works, larger than the input too.

import { checkBoolean, checkOptions } from "../args";
import { badType, badValue } from "../errors";
import type { Tensor } from "../tensor";
import { wasm } from "../wasm";
import { planInput, poolDesc, runPlan } from "./pool";
import { reserveScratch } from "./common";

type Spatial = 1 | 2 | 3;

/** A size per spatial dimension; `null` keeps that input size (PyTorch's None). */
export type AdaptiveSize = number | (number | null)[];

export interface AdaptiveMaxPoolOptions {
  /** Also return the flat position of each maximum within its input plane (int32). */
  returnIndices?: boolean;
}

/** @internal Validated output size: non-negative integers or null (keep the input size). */
export function parseAdaptiveSize(layer: string, n: Spatial, outputSize: unknown): (number | null)[] {
  const values = typeof outputSize === "number" ? new Array<number>(n).fill(outputSize) : outputSize;
  const what = n === 1 ? "a non-negative integer" : `a non-negative integer or an array of ${n} non-negative integers or nulls`;
  const isSize = (v: unknown) => v === null || (typeof v === "number" && Number.isInteger(v));
  if (!Array.isArray(values) || values.length !== n || !values.every(isSize)) throw badType(layer, "outputSize", what, outputSize);
  // The right type, out of range: a RangeError, as for every other size.
  if (values.some((v) => v !== null && v < 0)) throw badValue(layer, "outputSize", what, outputSize);
  return values as (number | null)[];
}

/** @internal Validated returnIndices option. */
export function parseAdaptiveMaxPool(layer: string, options: unknown): boolean {
  const o = checkOptions(layer, options, ["returnIndices"]);
  return checkBoolean(layer, "returnIndices", o.returnIndices ?? false);
}

function outputs(size: (number | null)[]): (spatial: number[]) => number[] {
  return (spatial) => spatial.map((s, i) => size[i] ?? s);
}

/** @internal */
export function adaptiveAvgPoolForward(layer: string, n: Spatial, input: unknown, size: (number | null)[]): Tensor {
  const plan = planInput(layer, n, input, outputs(size));
  return runPlan(plan, layer, ["float32"], (src, [out]) => {
    const desc = poolDesc(plan);
    const scratch = reserveScratch(layer, wasm().adaptivePoolScratchBytes(desc));
    wasm().adaptiveAvgPool3d_f32(out, src, scratch, desc);
  })[0];
}

/** @internal */
export function adaptiveMaxPoolForward(layer: string, n: Spatial, input: unknown, size: (number | null)[], returnIndices: boolean): Tensor | [Tensor, Tensor] {
  const plan = planInput(layer, n, input, outputs(size));
  const dtypes = returnIndices ? (["float32", "int32"] as const) : (["float32"] as const);
  const outs = runPlan(plan, layer, dtypes, (src, [out, indices]) => {
    const desc = poolDesc(plan);
    if (returnIndices) {
      wasm().adaptiveMaxPool3dWithIndices_f32(out, indices, src, desc);
    } else {
      const scratch = reserveScratch(layer, wasm().adaptivePoolScratchBytes(desc));
      wasm().adaptiveMaxPool3d_f32(out, src, scratch, desc);
    }
  });
  return returnIndices ? [outs[0], outs[1]] : outs[0];
}

/** F's adaptive max pooling: parse, then the shared forward. */
function adaptiveMax(layer: string, n: Spatial, input: Tensor, outputSize: AdaptiveSize, options: AdaptiveMaxPoolOptions | undefined): Tensor | [Tensor, Tensor] {
  const size = parseAdaptiveSize(layer, n, outputSize);
  return adaptiveMaxPoolForward(layer, n, input, size, parseAdaptiveMaxPool(layer, options));
}

type WithIndices = AdaptiveMaxPoolOptions & { returnIndices: true };

/** torch.nn.functional.adaptive_avg_pool1d: input [N, C, L] or [C, L]. */
export function adaptiveAvgPool1d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolForward("adaptiveAvgPool1d", 1, input, parseAdaptiveSize("adaptiveAvgPool1d", 1, outputSize));
}

/** torch.nn.functional.adaptive_avg_pool2d: input [N, C, H, W] or [C, H, W]. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolForward("adaptiveAvgPool2d", 2, input, parseAdaptiveSize("adaptiveAvgPool2d", 2, outputSize));
}

/** torch.nn.functional.adaptive_avg_pool3d: input [N, C, D, H, W] or [C, D, H, W]. */
export function adaptiveAvgPool3d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptiveAvgPoolForward("adaptiveAvgPool3d", 3, input, parseAdaptiveSize("adaptiveAvgPool3d", 3, outputSize));
}

/** torch.nn.functional.adaptive_max_pool1d. */
export function adaptiveMaxPool1d(input: Tensor, outputSize: AdaptiveSize, options: WithIndices): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor] {
  return adaptiveMax("adaptiveMaxPool1d", 1, input, outputSize, options);
}

/** torch.nn.functional.adaptive_max_pool2d. */
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, options: WithIndices): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor] {
  return adaptiveMax("adaptiveMaxPool2d", 2, input, outputSize, options);
}

/** torch.nn.functional.adaptive_max_pool3d. */
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize, options: WithIndices): [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize, options?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, outputSize: AdaptiveSize, options?: AdaptiveMaxPoolOptions): Tensor | [Tensor, Tensor] {
  return adaptiveMax("adaptiveMaxPool3d", 3, input, outputSize, options);
}
