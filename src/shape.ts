// Shape arithmetic: element counts, strides, view shapes, and the output-size formulas,
// each as PyTorch documents it for its layer.

import { badValue, rangeError, shapeStr } from "./errors";

/**
 * Convolution and pooling without ceil mode (torch.nn.Conv2d, "Shape" section):
 * out = floor((in + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1.
 */
export function convOutputSize(input: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number): number {
  return Math.floor((input + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Transposed convolution (torch.nn.ConvTranspose2d, "Shape" section):
 * out = (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1.
 */
export function convTransposeOutputSize(input: number, kernel: number, stride: number, padding: number, dilation: number, outputPadding: number): number {
  return (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

/**
 * Max/avg pooling (torch.nn.MaxPool2d, "Shape" section): the convolution formula with
 * floor or ceil; in ceil mode the last window must start inside the input or the left
 * padding, otherwise it is dropped (PyTorch's pooling_output_shape).
 */
export function poolOutputSize(input: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  const span = input + 2 * padding - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= input + padding) out--;
  return out;
}

/** Number of elements of a shape (1 for a 0-d tensor). */
export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major strides of a contiguous tensor of `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** `f(2, 3)` and `f([2, 3])` both mean [2, 3]. */
export function flattenArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return (args[0] as number[]).slice();
  return args as number[];
}

/** A view's target shape with at most one -1 inferred, checked against the element count. */
export function inferShape(layer: string, shape: number[], numel: number, from: readonly number[]): number[] {
  let infer = -1;
  let known = 1;
  shape.forEach((s, i) => {
    if (s === -1 && infer < 0) infer = i;
    else if (typeof s !== "number" || !Number.isInteger(s) || s < 0) {
      throw badValue(layer, "shape", "non-negative integer sizes (and at most one -1)", shape);
    } else known *= s;
  });
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw rangeError(layer, `shape ${shapeStr(shape)} is invalid for a tensor of ${numel} elements (shape ${shapeStr(from)})`);
    }
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw rangeError(layer, `shape ${shapeStr(shape)} is invalid for a tensor of ${numel} elements (shape ${shapeStr(from)})`);
  }
  return out;
}
