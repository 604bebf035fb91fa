// Padding (torch.nn.functional.pad and the pad modules) as PyTorch 1.13 defines it:
// `pad` is a flat list of (before, after) pairs, the last dimension first. "constant"
// pads (or, with negative amounts, crops) any of the trailing dimensions; "reflect",
// "replicate" and "circular" pad the last 1 to 3 dimensions of an input with at most one
// more leading dimension than a batch and a channel.
//
// One pad_f32 call (assembly/conv_pad.ts, the padding the convolutions use too) over the
// last three dimensions with the leading ones as planes. Constant padding of a fourth or
// further dimension (a pad list longer than 6) is a fill and a strided copy instead.

import { checkChoice, checkDtype, checkOptions, checkTensor } from "../args";
import { copyStrided } from "../copy";
import { badType, badValue, rangeError, shapeStr } from "../errors";
import { contiguousStrides, numelOf } from "../shape";
import { type Tensor, emptyTensor } from "../tensor";
import { descriptor, wasm } from "../wasm";
import { PAD_CIRCULAR, PAD_CONSTANT, PAD_DESC, PAD_REFLECT, PAD_REPLICATE } from "../../build/abi.js";
import { withContiguous } from "./common";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

export interface PadOptions {
  /** Default "constant". */
  mode?: PadMode;
  /** The constant of "constant" mode (default 0); the other modes take none. */
  value?: number;
}

const MODES: readonly PadMode[] = ["constant", "reflect", "replicate", "circular"];
const CODE: Record<PadMode, number> = { constant: PAD_CONSTANT, reflect: PAD_REFLECT, replicate: PAD_REPLICATE, circular: PAD_CIRCULAR };

/** @internal Validated pad settings. */
export interface PadParams {
  pad: number[];
  mode: PadMode;
  value: number;
}

/** @internal The flat pad list: integers, an even count. */
export function parsePadList(layer: string, pad: unknown): number[] {
  if (!Array.isArray(pad) || !pad.every((v) => typeof v === "number" && Number.isInteger(v))) {
    throw badType(layer, "pad", "an array of integers (before, after) for each padded dimension, last dimension first", pad);
  }
  if (pad.length % 2 !== 0) throw badValue(layer, "pad", "an even number of values (a before and an after for each dimension)", pad);
  return pad.slice() as number[];
}

/** @internal */
export function parsePad(layer: string, pad: unknown, options: unknown): PadParams {
  const list = parsePadList(layer, pad);
  const o = checkOptions(layer, options, ["mode", "value"]);
  const mode = checkChoice(layer, "mode", o.mode ?? "constant", MODES);
  const value = o.value ?? 0;
  if (typeof value !== "number") throw badType(layer, "value", "a number", value);
  if (mode !== "constant" && value !== 0) throw rangeError(layer, `mode ${JSON.stringify(mode)} takes no value, got value ${value}`);
  return { pad: list, mode, value };
}

/** @internal The shared body of F.pad and the pad modules. */
export function padForward(layer: string, input: unknown, p: PadParams): Tensor {
  checkTensor(layer, "input", input);
  checkDtype(layer, "input", input, "float32");
  const shape = input.shape;
  const k = p.pad.length / 2;
  if (k > shape.length) {
    throw rangeError(layer, `expected at most ${2 * shape.length} pad values (two per dimension) for an input of shape ${shapeStr(shape)}, got ${p.pad.length}`);
  }
  // before[i], after[i]: the amounts of dimension shape.length - 1 - i.
  const before = Array.from({ length: k }, (_, i) => p.pad[2 * i]);
  const after = Array.from({ length: k }, (_, i) => p.pad[2 * i + 1]);
  if (p.mode !== "constant") checkModeShape(layer, shape, before, after, p.mode);
  if (p.mode === "circular" && p.pad.some((v) => v < 0)) return circularCropped(layer, input, before, after, p);
  const outShape = shape.slice();
  for (let i = 0; i < k; i++) outShape[shape.length - 1 - i] += before[i] + after[i];
  if (outShape.some((s) => s < 0)) {
    throw rangeError(layer, `pad ${shapeStr(p.pad)} crops more than the input of shape ${shapeStr(shape)} holds (output shape ${shapeStr(outShape)})`);
  }
  const out = emptyTensor(outShape, "float32", layer);
  try {
    if (numelOf(outShape) > 0) {
      withContiguous([input], ([x]) => (k <= 3 ? padPlanes(out, x!, before, after, p) : fillAndCopy(out, x!, before, p.value)));
    }
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

/** PyTorch's checks of the non-constant modes: rank, non-empty padded sizes, amounts the mode can fill. */
function checkModeShape(layer: string, shape: readonly number[], before: number[], after: number[], mode: PadMode): void {
  const k = before.length;
  if (k < 1 || k > 3 || shape.length < k + 1 || shape.length > k + 2) {
    throw rangeError(layer, `mode ${JSON.stringify(mode)} pads the last 1, 2 or 3 dimensions of an input with ${k > 0 && k <= 3 ? `${k + 1} or ${k + 2}` : "2 to 5"} dimensions, got ${2 * k} pad values for shape ${shapeStr(shape)}`);
  }
  for (let i = 0; i < k; i++) {
    const dim = shape.length - 1 - i;
    const size = shape[dim];
    if (size === 0 || shape[shape.length - k - 1] === 0) {
      throw rangeError(layer, `mode ${JSON.stringify(mode)} needs non-zero channel and padded sizes, got shape ${shapeStr(shape)}`);
    }
    const pair = `(${before[i]}, ${after[i]})`;
    if (mode === "reflect" && (before[i] >= size || after[i] >= size)) {
      throw rangeError(layer, `reflect padding must be less than the size of the dimension it pads, got padding ${pair} for dimension ${dim} of size ${size} (shape ${shapeStr(shape)})`);
    }
    if (mode === "circular" && (before[i] > size || after[i] > size)) {
      throw rangeError(layer, `circular padding must be at most the size of the dimension it pads (it would wrap around more than once), got padding ${pair} for dimension ${dim} of size ${size}`);
    }
    if (mode !== "circular" && size + before[i] + after[i] < 1) {
      throw rangeError(layer, `padding ${pair} leaves no element of dimension ${dim} of size ${size}`);
    }
  }
}

/**
 * Circular padding with negative amounts: PyTorch crops first and wraps the cropped
 * block (reflect and replicate map indices of the whole input instead), so the crop is a
 * view here and the padding runs on it. A wrap past the cropped size is refused: PyTorch
 * checks only the uncropped size and leaves such outputs uninitialised.
 */
function circularCropped(layer: string, input: Tensor, before: number[], after: number[], p: PadParams): Tensor {
  let view = input;
  const views: Tensor[] = [];
  try {
    before.forEach((b, i) => {
      const dim = input.ndim - 1 - i;
      const lo = Math.max(-b, 0);
      const hi = Math.max(-after[i], 0);
      const size = view.shape[dim] - lo - hi;
      const pb = Math.max(b, 0);
      const pa = Math.max(after[i], 0);
      if (size < 0 || pb > size || pa > size) {
        throw rangeError(layer, `circular padding must be at most the size of the dimension it pads after cropping (it would wrap around more than once), got padding (${b}, ${after[i]}) for dimension ${dim} of size ${view.shape[dim]}`);
      }
      view = view.narrow(dim, lo, size);
      views.push(view);
    });
    const pad = before.flatMap((b, i) => [Math.max(b, 0), Math.max(after[i], 0)]);
    return padForward(layer, view, { ...p, pad });
  } finally {
    for (const v of views) v.dispose();
  }
}

/** The last three dimensions (size 1 in front when fewer) padded by pad_f32, the leading ones as planes. */
function padPlanes(out: Tensor, x: Tensor, before: number[], after: number[], p: PadParams): void {
  const shape = x.shape;
  const m = Math.min(shape.length, 3);
  const last3 = [...new Array<number>(3 - m).fill(1), ...shape.slice(shape.length - m)];
  const planes = numelOf(shape.slice(0, shape.length - m));
  // Amounts per axis D, H, W (index 2 - i holds pad pair i).
  const b3 = [0, 0, 0];
  const a3 = [0, 0, 0];
  before.forEach((v, i) => (b3[2 - i] = v));
  after.forEach((v, i) => (a3[2 - i] = v));
  wasm().pad_f32(out.dataPtr, x.dataPtr, descriptor(PAD_DESC, {
    planes, inD: last3[0], inH: last3[1], inW: last3[2],
    padBeforeD: b3[0], padBeforeH: b3[1], padBeforeW: b3[2], padAfterD: a3[0], padAfterH: a3[1], padAfterW: a3[2],
    mode: CODE[p.mode], value: p.value,
  }));
}

/** Constant padding of four or more dimensions: the output filled with the value, then the kept block copied in. */
function fillAndCopy(out: Tensor, x: Tensor, before: number[], value: number): void {
  wasm().fill_f32(out.dataPtr, out.numel, value);
  const nd = x.ndim;
  const inStrides = contiguousStrides(x.shape);
  const outStrides = contiguousStrides(out.shape);
  // Per dimension: the first kept input element and where it lands in the output.
  const kept: number[] = [];
  let inOffset = 0;
  let outOffset = 0;
  for (let d = 0; d < nd; d++) {
    const b = nd - 1 - d < before.length ? before[nd - 1 - d] : 0;
    const skip = Math.max(-b, 0);
    const at = Math.max(b, 0);
    kept.push(Math.max(Math.min(x.shape[d] - skip, out.shape[d] - at), 0));
    inOffset += skip * inStrides[d];
    outOffset += at * outStrides[d];
  }
  if (numelOf(kept) === 0) return;
  copyStrided(out.dataPtr + 4 * outOffset, outStrides, x.dataPtr + 4 * inOffset, inStrides, kept);
}

/**
 * torch.nn.functional.pad: `pad` lists (before, after) amounts, the last dimension first;
 * negative amounts crop. Modes "constant" (with `value`), "reflect", "replicate", "circular".
 */
export function pad(input: Tensor, pad: number[], options?: PadOptions): Tensor {
  return padForward("pad", input, parsePad("pad", pad, options));
}
