// cat and stack: each input is copied once, by the strided copy kernel, into its slice of
// the output, so views need no contiguous copy first. float32 and int32 tensors (all of
// one dtype); the output keeps the dtype.

import { checkOptions, checkTensor, normalizeDim } from "./args";
import { copyStrided } from "./copy";
import { badType, rangeError, shapeStr, typeError } from "./errors";
import { contiguousStrides } from "./shape";
import { type Tensor, emptyTensor } from "./tensor";

/** `dim` given positionally (torch.cat(ts, 1)) or as `{ dim }`; default 0. */
function dimArg(layer: string, dim: unknown): unknown {
  if (dim !== null && typeof dim === "object" && !Array.isArray(dim)) {
    const o = checkOptions(layer, dim, ["dim"]);
    return o.dim ?? 0;
  }
  return dim ?? 0;
}

/** The list of tensors: a non-empty array of live tensors of one dtype. */
function tensorList(layer: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors)) throw badType(layer, "tensors", "an array of Tensors", tensors);
  if (tensors.length === 0) throw rangeError(layer, "expected a non-empty array of tensors, got []");
  tensors.forEach((t, i) => checkTensor(layer, `tensors[${i}]`, t));
  const list = tensors as Tensor[];
  const bad = list.findIndex((t) => t.dtype !== list[0].dtype);
  if (bad > 0) {
    throw typeError(layer, `expected tensors of one dtype, got ${list[0].dtype} (tensors[0]) and ${list[bad].dtype} (tensors[${bad}])`);
  }
  return list;
}

/** Copies each part into the output at element offsets along `dim` (strided copies, no temporaries). */
function place(out: Tensor, parts: Tensor[], dim: number, offsets: number[]): void {
  const strides = contiguousStrides(out.shape);
  parts.forEach((t, i) => {
    if (t.numel === 0) return;
    copyStrided(out.dataPtr + 4 * offsets[i] * strides[dim], strides, t.dataPtr, t.strides, t.shape);
  });
}

/** torch.cat: joins tensors along an existing dimension. */
export function catOp(layer: string, tensors: unknown, dimOrOptions?: unknown): Tensor {
  const list = tensorList(layer, tensors);
  const dimValue = dimArg(layer, dimOrOptions);
  // PyTorch skips 1-D empty tensors (shape [0]) whatever the others' rank.
  const parts = list.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  const ref = parts[0] ?? list[0];
  const zeroD = list.findIndex((t) => t.ndim === 0);
  if (zeroD >= 0) throw rangeError(layer, `expected tensors with at least one dimension, got a 0-d tensor at tensors[${zeroD}]`);
  const dim = normalizeDim(layer, "dim", dimValue, ref.ndim);
  for (const t of parts) {
    const i = list.indexOf(t);
    const same = t.ndim === ref.ndim && t.shape.every((s, d) => d === dim || s === ref.shape[d]);
    if (!same) {
      throw rangeError(layer, `expected tensors with equal sizes except in dimension ${dim}, got ${shapeStr(ref.shape)} (tensors[${list.indexOf(ref)}]) and ${shapeStr(t.shape)} (tensors[${i}])`);
    }
  }
  const shape = ref.shape.slice();
  const offsets: number[] = [];
  let total = 0;
  for (const t of parts) {
    offsets.push(total);
    total += t.shape[dim];
  }
  shape[dim] = total;
  const out = emptyTensor(shape, ref.dtype, layer);
  try {
    place(out, parts, dim, offsets);
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

/** torch.stack: joins tensors of one shape along a new dimension. */
export function stackOp(layer: string, tensors: unknown, dimOrOptions?: unknown): Tensor {
  const list = tensorList(layer, tensors);
  const dimValue = dimArg(layer, dimOrOptions);
  const ref = list[0];
  const dim = normalizeDim(layer, "dim", dimValue, ref.ndim + 1);
  list.forEach((t, i) => {
    if (t.ndim !== ref.ndim || t.shape.some((s, d) => s !== ref.shape[d])) {
      throw rangeError(layer, `expected tensors of one shape, got ${shapeStr(ref.shape)} (tensors[0]) and ${shapeStr(t.shape)} (tensors[${i}])`);
    }
  });
  // Each input is a slice of size 1 along the new dimension: cat of [..., 1, ...] views.
  const views = list.map((t) => t.unsqueeze(dim));
  try {
    return catOp(layer, views, dim);
  } finally {
    for (const v of views) v.dispose();
  }
}

/** Joins tensors along an existing dimension `dim` (default 0; `cat(ts, 1)` or `cat(ts, { dim: 1 })`). */
export function cat(tensors: readonly Tensor[], dim: number | { dim?: number } = 0): Tensor {
  return catOp("cat", tensors, dim);
}

/** Joins tensors of one shape along a new dimension `dim` (default 0). */
export function stack(tensors: readonly Tensor[], dim: number | { dim?: number } = 0): Tensor {
  return stackOp("stack", tensors, dim);
}
