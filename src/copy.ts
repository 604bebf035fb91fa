// Copies between strided views of the same shape, and from JS arrays into views.

import { MAX_STRIDED_DIMS, STRIDED_COPY_DESC } from "../build/abi.js";
import { checkDtype, checkTensor } from "./args";
import { badType, rangeError, shapeStr } from "./errors";
import { sameShape } from "./shape";
import { type Tensor, emptyTensor } from "./tensor";
import { descriptor, wasm, writeF32, writeI32 } from "./wasm";

/** Copies the elements of `src` into `dst`, two views of the same shape with any strides. */
export function copyView(dst: Tensor, src: Tensor): void {
  if (src.numel === 0) return;
  copyStrided(dst.dataPtr, dst.strides, src.dataPtr, src.strides, src.shape);
  dst.markWritten();
}

/**
 * Copies a strided block of 4-byte elements between two heap addresses (strides in
 * elements, one per dimension of `shape`).
 */
export function copyStrided(
  dstPtr: number, dstStrides: readonly number[], srcPtr: number, srcStrides: readonly number[], shape: readonly number[],
): void {
  // Drop size-1 dimensions and merge neighbours that are contiguous with each other in
  // both views, so the kernel's inner loop is as long as possible.
  const dims: number[] = [];
  const inStrides: number[] = [];
  const outStrides: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 0) return;
    if (size === 1) continue;
    const n = dims.length;
    if (n > 0 && inStrides[n - 1] === srcStrides[d] * size && outStrides[n - 1] === dstStrides[d] * size) {
      dims[n - 1] *= size;
      inStrides[n - 1] = srcStrides[d];
      outStrides[n - 1] = dstStrides[d];
    } else {
      dims.push(size);
      inStrides.push(srcStrides[d]);
      outStrides.push(dstStrides[d]);
    }
  }
  if (dims.length === 0) {
    wasm().copy_32(dstPtr, srcPtr, 1);
    return;
  }
  if (dims.length > MAX_STRIDED_DIMS) {
    throw rangeError("Tensor.copy", `expected views with at most ${MAX_STRIDED_DIMS} non-mergeable dimensions, got ${dims.length}`);
  }
  wasm().copyStrided_32(dstPtr, srcPtr, descriptor(STRIDED_COPY_DESC, { ndim: dims.length, sizes: dims, inStrides, outStrides }));
}

/** Writes row-major `values` into `t`, which may be a strided view. */
export function writeValues(t: Tensor, values: ArrayLike<number>): void {
  if (t.isContiguous()) {
    (t.dtype === "int32" ? writeI32 : writeF32)(t.dataPtr, values);
    t.markWritten();
    return;
  }
  const tmp = emptyTensor(t.shape, t.dtype, "Tensor.copy");
  try {
    (t.dtype === "int32" ? writeI32 : writeF32)(tmp.dataPtr, values);
    copyView(t, tmp);
  } finally {
    tmp.dispose();
  }
}

/** Tensor.copy_: the values of `src` (same shape and dtype) into `dst`; `op` names the caller. */
export function copyInto(op: string, dst: Tensor, src: unknown): void {
  dst.assertLive(op);
  checkTensor(op, "src", src);
  if (!sameShape(dst.shape, src.shape)) throw rangeError(op, `expected src of shape ${shapeStr(dst.shape)}, got ${shapeStr(src.shape)}`);
  checkDtype(op, "src", src, dst.dtype);
  // Copying onto itself changes nothing but is still a write, as PyTorch counts it.
  if (src.dataPtr === dst.dataPtr && sameShape(src.strides, dst.strides)) {
    dst.markWritten();
    return;
  }
  // A copy between overlapping views (x.copy_(x.t())) must read everything first.
  const source = src.sharesStorageWith(dst) ? src.clone() : src;
  try {
    copyView(dst, source);
  } finally {
    if (source !== src) source.dispose();
  }
}

/** Tensor.fill_: every element of `t` set to `value`. */
export function fillWith(op: string, t: Tensor, value: unknown): void {
  t.assertLive(op);
  if (typeof value !== "number") throw badType(op, "value", "a number", value);
  if (t.isContiguous()) {
    if (t.dtype === "int32") wasm().fill_i32(t.dataPtr, t.numel, value);
    else wasm().fill_f32(t.dataPtr, t.numel, value);
    t.markWritten();
  } else {
    writeValues(t, new Array<number>(t.numel).fill(value));
  }
}
