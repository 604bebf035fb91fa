// Pixel shuffle and unshuffle (torch.nn.functional.pixel_shuffle / pixel_unshuffle):
// [*, C*r*r, H, W] <-> [*, C, H*r, W*r]. Both are permutations, so each is one strided
// copy (copyStrided_32) between a 6-axis view of the input and the output; the input is
// read through its own strides, contiguous or not.

import { checkDtype, checkTensor } from "../args";
import { copyStrided } from "../copy";
import { badValue, rangeError, shapeStr } from "../errors";
import { contiguousStrides } from "../shape";
import { type Tensor, emptyTensor } from "../tensor";

/** @internal The factor: a positive integer. */
export function parseFactor(layer: string, arg: string, r: unknown): number {
  if (typeof r !== "number" || !Number.isInteger(r) || r < 1) throw badValue(layer, arg, "a positive integer", r);
  return r;
}

function checkInput(layer: string, input: unknown): asserts input is Tensor {
  checkTensor(layer, "input", input);
  checkDtype(layer, "input", input, "float32");
  if (input.ndim < 3) throw rangeError(layer, `expected an input with at least 3 dimensions (*, C, H, W), got shape ${shapeStr(input.shape)}`);
}

/**
 * Copies input elements into `out` in the order `order` lists the axes of the input's
 * view `shape`/`strides` (a permutation of them gives the output's axis order).
 */
function permuteInto(out: Tensor, input: Tensor, shape: number[], strides: number[], order: number[]): void {
  if (out.numel === 0) return;
  // The output's strides for the view's axes: out walks them in `order`.
  const outShape = order.map((a) => shape[a]);
  const outStridesOrdered = contiguousStrides(outShape);
  const outStrides = new Array<number>(shape.length);
  order.forEach((a, i) => (outStrides[a] = outStridesOrdered[i]));
  // Walk in the input's order so the innermost run reads contiguous input.
  copyStrided(out.dataPtr, outStrides, input.dataPtr, strides, shape);
}

/** @internal */
export function pixelShuffleForward(layer: string, input: unknown, r: number): Tensor {
  checkInput(layer, input);
  const lead = input.shape.slice(0, -3);
  const [c, h, w] = input.shape.slice(-3);
  if (c % (r * r) !== 0) {
    throw rangeError(layer, `expected the channel dimension (size(-3) = ${c}) divisible by upscaleFactor squared (${r * r}), got shape ${shapeStr(input.shape)}`);
  }
  const oc = c / (r * r);
  const out = emptyTensor([...lead, oc, h * r, w * r], "float32", layer);
  const s = input.strides;
  const n = lead.length;
  const [sc, sh, sw] = s.slice(-3);
  // Input view [*, oc, r, r, h, w]; output axes [*, oc, h, r, w, r].
  const shape = [...lead, oc, r, r, h, w];
  const strides = [...s.slice(0, n), sc * r * r, sc * r, sc, sh, sw];
  const lanes = Array.from({ length: n }, (_, i) => i);
  permuteInto(out, input, shape, strides, [...lanes, n, n + 3, n + 1, n + 4, n + 2]);
  return out;
}

/** @internal */
export function pixelUnshuffleForward(layer: string, input: unknown, r: number): Tensor {
  checkInput(layer, input);
  const lead = input.shape.slice(0, -3);
  const [c, h, w] = input.shape.slice(-3);
  if (h % r !== 0) throw rangeError(layer, `expected the height (size(-2) = ${h}) divisible by downscaleFactor ${r}, got shape ${shapeStr(input.shape)}`);
  if (w % r !== 0) throw rangeError(layer, `expected the width (size(-1) = ${w}) divisible by downscaleFactor ${r}, got shape ${shapeStr(input.shape)}`);
  const oh = h / r;
  const ow = w / r;
  const out = emptyTensor([...lead, c * r * r, oh, ow], "float32", layer);
  const s = input.strides;
  const n = lead.length;
  const [sc, sh, sw] = s.slice(-3);
  // Input view [*, c, oh, r, ow, r]; output axes [*, c, r, r, oh, ow].
  const shape = [...lead, c, oh, r, ow, r];
  const strides = [...s.slice(0, n), sc, sh * r, sh, sw * r, sw];
  const lanes = Array.from({ length: n }, (_, i) => i);
  permuteInto(out, input, shape, strides, [...lanes, n, n + 2, n + 4, n + 1, n + 3]);
  return out;
}

/** torch.nn.functional.pixel_shuffle: [*, C*r*r, H, W] -> [*, C, H*r, W*r]. */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  return pixelShuffleForward("pixelShuffle", input, parseFactor("pixelShuffle", "upscaleFactor", upscaleFactor));
}

/** torch.nn.functional.pixel_unshuffle: [*, C, H*r, W*r] -> [*, C*r*r, H, W]. */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  return pixelUnshuffleForward("pixelUnshuffle", input, parseFactor("pixelUnshuffle", "downscaleFactor", downscaleFactor));
}
