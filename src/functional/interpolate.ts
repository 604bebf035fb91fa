// Resampling (torch.nn.functional.interpolate, nn.Upsample) as PyTorch 1.13 defines it:
// the input is always batched, [N, C, L], [N, C, H, W] or [N, C, D, H, W], and its rank
// sets how many axes are resized. "area" is adaptive average pooling (adaptive.ts); every
// other mode is one interpolate_f32 call (assembly/interpolate.ts).
//
// Scale factors: with `scaleFactor` the output size is floor(in * scale) and, unless
// `recomputeScaleFactor`, the kernel maps coordinates with 1 / scale (not in / out), as
// PyTorch does; with `size` (or recomputeScaleFactor) it maps them with in / out.

import { checkBoolean, checkChoice, checkDtype, checkOptions, checkTensor } from "../args";
import { badType, badValue, rangeError, shapeStr, typeError } from "../errors";
import { type Tensor, emptyTensor } from "../tensor";
import { descriptor, wasm } from "../wasm";
import { INTERPOLATE_DESC, INTERP_CUBIC, INTERP_LINEAR, INTERP_NEAREST, INTERP_NEAREST_EXACT } from "../../build/abi.js";
import { adaptiveAvgPoolForward } from "./adaptive";
import { reserveScratch, withContiguous } from "./common";

export type InterpolateMode = "nearest" | "nearest-exact" | "linear" | "bilinear" | "bicubic" | "trilinear" | "area";

export interface UpsampleOptions {
  /** Output spatial size: one integer for every axis, or one per axis. Exclusive with scaleFactor. */
  size?: number | number[] | null;
  /** Multiplier of the spatial size: one number, or one per axis. Exclusive with size. */
  scaleFactor?: number | number[] | null;
  /** Default "nearest". */
  mode?: InterpolateMode;
  /** Linear modes only: map the corner pixels' centres onto each other (default false). */
  alignCorners?: boolean | null;
  /** With scaleFactor: compute the output size, then map coordinates with in / out instead of 1 / scale. */
  recomputeScaleFactor?: boolean | null;
}

export type InterpolateOptions = UpsampleOptions;

const MODES: readonly InterpolateMode[] = ["nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area"];
const OPTIONS = ["size", "scaleFactor", "mode", "alignCorners", "recomputeScaleFactor"] as const;
/** The input rank each interpolating mode needs (PyTorch raises for any other). */
const RANK: Partial<Record<InterpolateMode, number>> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };
const KERNEL_MODE: Record<Exclude<InterpolateMode, "area">, number> = {
  nearest: INTERP_NEAREST, "nearest-exact": INTERP_NEAREST_EXACT, linear: INTERP_LINEAR, bilinear: INTERP_LINEAR,
  trilinear: INTERP_LINEAR, bicubic: INTERP_CUBIC,
};

/** @internal Validated interpolate settings (what does not depend on the input). */
export interface InterpolateParams {
  mode: InterpolateMode;
  /** The sizes or scales as given: one for every axis (`list` false) or one per axis. */
  size: { values: number[]; list: boolean } | null;
  scales: { values: number[]; list: boolean } | null;
  alignCorners: boolean;
  recompute: boolean;
}

function sizes(layer: string, arg: string, value: unknown, isValid: (v: unknown) => boolean, what: string): { values: number[]; list: boolean } {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || values.length > 3 || !values.every((v) => typeof v === "number")) {
    throw badType(layer, arg, `${what} or an array of one per spatial dimension`, value);
  }
  if (!values.every(isValid)) throw badValue(layer, arg, `${what} or an array of one per spatial dimension`, value);
  return { values: values as number[], list: Array.isArray(value) };
}

/** @internal */
export function parseInterpolate(layer: string, options: unknown): InterpolateParams {
  const o = checkOptions(layer, options, OPTIONS);
  const mode = checkChoice(layer, "mode", o.mode ?? "nearest", MODES);
  const hasSize = o.size !== undefined && o.size !== null;
  const hasScale = o.scaleFactor !== undefined && o.scaleFactor !== null;
  if (hasSize && hasScale) throw typeError(layer, "expected only one of size and scaleFactor, got both");
  if (!hasSize && !hasScale) throw typeError(layer, "expected size or scaleFactor, got neither");
  const size = hasSize ? sizes(layer, "size", o.size, (v) => Number.isInteger(v) && (v as number) >= 1, "a positive integer") : null;
  const scales = hasScale ? sizes(layer, "scaleFactor", o.scaleFactor, (v) => Number.isFinite(v) && (v as number) > 0, "a positive number") : null;
  let alignCorners = false;
  if (o.alignCorners !== undefined && o.alignCorners !== null) {
    alignCorners = checkBoolean(layer, "alignCorners", o.alignCorners);
    if (mode === "nearest" || mode === "nearest-exact" || mode === "area") {
      throw rangeError(layer, `alignCorners can only be set with the interpolating modes linear, bilinear, bicubic and trilinear, got mode ${JSON.stringify(mode)}`);
    }
  }
  let recompute = false;
  if (o.recomputeScaleFactor !== undefined && o.recomputeScaleFactor !== null) {
    recompute = checkBoolean(layer, "recomputeScaleFactor", o.recomputeScaleFactor);
    if (recompute && hasSize) throw rangeError(layer, "recomputeScaleFactor is not meaningful with an explicit size");
  }
  return { mode, size, scales, alignCorners, recompute };
}

/** One value per axis: a single value repeats, an array must have one per axis. */
function perAxis(layer: string, arg: string, { values, list }: { values: number[]; list: boolean }, dims: number): number[] {
  if (!list) return new Array<number>(dims).fill(values[0]);
  if (values.length !== dims) {
    throw typeError(layer, `expected ${arg} with ${dims} value${dims > 1 ? "s" : ""} for a ${dims + 2}-D input (one per spatial dimension), got ${shapeStr(values)}`);
  }
  return values;
}

/** @internal The shared body of F.interpolate and nn.Upsample. */
export function interpolateForward(layer: string, input: unknown, p: InterpolateParams): Tensor {
  checkTensor(layer, "input", input);
  checkDtype(layer, "input", input, "float32");
  const rank = input.ndim;
  if (rank < 3 || rank > 5) {
    throw rangeError(layer, `expected a 3-D, 4-D or 5-D input (N, C and 1 to 3 spatial dimensions), got shape ${shapeStr(input.shape)}`);
  }
  const need = RANK[p.mode];
  if (need !== undefined && need !== rank) {
    throw rangeError(layer, `mode ${JSON.stringify(p.mode)} needs a ${need}-D input, got ${rank}-D (shape ${shapeStr(input.shape)})`);
  }
  const dims = rank - 2;
  const [batch, channels, ...spatial] = input.shape;
  if (channels === 0 || spatial.some((s) => s === 0)) {
    throw rangeError(layer, `expected input with non-zero channel and spatial sizes, got shape ${shapeStr(input.shape)}`);
  }
  const scales = p.scales === null ? null : perAxis(layer, "scaleFactor", p.scales, dims);
  const out = p.size !== null ? perAxis(layer, "size", p.size, dims) : spatial.map((s, i) => Math.floor(s * scales![i]));
  if (out.some((s) => s < 1 || !Number.isSafeInteger(s))) {
    throw rangeError(layer, `expected an output size of at least 1 in every dimension, got ${shapeStr(out)} for input size ${shapeStr(spatial)} and scaleFactor ${shapeStr(scales ?? [])}`);
  }
  if (p.mode === "area") return adaptiveAvgPoolForward(layer, dims as 1 | 2 | 3, input, out);
  // PyTorch passes the scales on unless they were only used to compute the size.
  const kernelScales = scales === null || p.recompute ? [0, 0, 0] : pad3(scales, 0);
  const in3 = pad3(spatial, 1);
  const out3 = pad3(out, 1);
  const result = emptyTensor([batch, channels, ...out], "float32", layer);
  try {
    if (batch > 0) {
      withContiguous([input], ([x]) => {
        const desc = descriptor(INTERPOLATE_DESC, {
          planes: batch * channels, inD: in3[0], inH: in3[1], inW: in3[2], outD: out3[0], outH: out3[1], outW: out3[2],
          mode: KERNEL_MODE[p.mode as Exclude<InterpolateMode, "area">], alignCorners: p.alignCorners ? 1 : 0, dims,
          shortcuts: p.mode === "nearest" && channelsLast(input) ? 1 : 0,
        });
        const scratch = reserveScratch(layer, wasm().interpolateScratchBytes(desc));
        wasm().interpolate_f32(result.dataPtr, x!.dataPtr, scratch, kernelScales[0], kernelScales[1], kernelScales[2], desc);
      });
    }
  } catch (e) {
    result.dispose();
    throw e;
  }
  return result;
}

/**
 * PyTorch's is_contiguous(ChannelsLast / ChannelsLast3d) of the caller's tensor: its
 * nearest kernel takes another path (with index shortcuts) for such inputs. Size-1
 * dimensions do not count, so any 4-D or 5-D input with one channel qualifies.
 */
function channelsLast(x: Tensor): boolean {
  if (x.ndim < 4) return false;
  const order = x.ndim === 4 ? [1, 3, 2, 0] : [1, 4, 3, 2, 0];
  let expected = 1;
  for (const d of order) {
    if (x.shape[d] === 1) continue;
    if (x.strides[d] !== expected) return false;
    expected *= x.shape[d];
  }
  return true;
}

function pad3(values: readonly number[], fill: number): number[] {
  return [...new Array<number>(3 - values.length).fill(fill), ...values];
}

/**
 * torch.nn.functional.interpolate: resizes the spatial dimensions of a batched input by
 * `size` or `scaleFactor` with `mode` (nearest, nearest-exact, linear for 3-D input,
 * bilinear and bicubic for 4-D, trilinear for 5-D, area).
 */
export function interpolate(input: Tensor, options: InterpolateOptions): Tensor {
  const p = parseInterpolate("interpolate", options);
  return interpolateForward("interpolate", input, p);
}
