// Reductions (sum, mean, amax, argmax) and topk over any dimensions of float32 tensors,
// strided views included: the kernels walk the view's strides, nothing is copied.
// Kept and reduced dimensions each go to the kernel in the tensor's order, with
// neighbours that are contiguous with each other merged.

import { MAX_WALK_DIMS, REDUCE_DESC, REDUCE_MAX, REDUCE_MEAN, REDUCE_SUM } from "../build/abi.js";
import { checkBoolean, checkDtype, checkOptions, checkTensor, normalizeDim, optionOr } from "./args";
import { badType, badValue, rangeError, shapeStr } from "./errors";
import { mergeDims } from "./arithmetic";
import { reserveScratch } from "./functional/common";
import { contiguousStrides, numelOf } from "./shape";
import { type Tensor, emptyTensor } from "./tensor";
import { descriptor, wasm } from "./wasm";

export interface ReduceOptions {
  /** The dimension(s) to reduce (negative counts from the end); all of them when absent. */
  dim?: number | number[] | null;
  /** Keep the reduced dimensions with size 1. Default false. */
  keepdim?: boolean;
}

export interface ArgmaxOptions {
  /** The dimension to reduce; without it, the index into the flattened tensor. */
  dim?: number | null;
  keepdim?: boolean;
}

export interface TopkOptions {
  /** Default -1 (the last dimension). */
  dim?: number;
  /** The k largest (default) or the k smallest. */
  largest?: boolean;
  /** Results in sorted order (they always are; accepted for PyTorch's signature). */
  sorted?: boolean;
}

function floatInput(layer: string, input: unknown): Tensor {
  checkTensor(layer, "input", input);
  checkDtype(layer, "input", input, "float32");
  return input;
}

/** The reduced dimensions, sorted and distinct (every dimension when `dim` is absent or []). */
function parseDims(layer: string, dim: unknown, ndim: number): number[] {
  if (dim === undefined || dim === null) return [...Array(ndim).keys()];
  if (!Array.isArray(dim) && typeof dim !== "number") throw badType(layer, "dim", "an integer or an array of integers", dim);
  const list: unknown[] = Array.isArray(dim) ? dim : [dim];
  if (list.length === 0) return [...Array(ndim).keys()];
  const dims = list.map((d) => normalizeDim(layer, "dim", d, ndim));
  // A 0-d tensor accepts dim 0 or -1 and has nothing to reduce.
  if (ndim === 0) return [];
  if (new Set(dims).size !== dims.length) throw badValue(layer, "dim", "distinct dimensions", dim);
  return dims.sort((a, b) => a - b);
}

interface Plan {
  outShape: number[];
  /** Walk of the output: kept dimensions with input and output strides. */
  outer: { sizes: number[]; strides: number[][] };
  inner: { sizes: number[]; strides: number[][] };
  reducedCount: number;
}

/** Splits `x` into kept and reduced dimensions for a reduction over `dims`. */
function plan(layer: string, x: Tensor, dims: number[], keepdim: boolean): Plan {
  const reduced = new Set(dims);
  const keptDims = x.shape.map((_, d) => d).filter((d) => !reduced.has(d));
  const keptShape = keptDims.map((d) => x.shape[d]);
  const outShape = keepdim ? x.shape.map((s, d) => (reduced.has(d) ? 1 : s)) : keptShape;
  const outer = mergeDims(keptShape, [keptDims.map((d) => x.strides[d]), contiguousStrides(keptShape)]);
  const inner = mergeDims(dims.map((d) => x.shape[d]), [dims.map((d) => x.strides[d])]);
  if (outer.sizes.length > MAX_WALK_DIMS || inner.sizes.length > MAX_WALK_DIMS) {
    throw rangeError(layer, `expected a view with at most ${MAX_WALK_DIMS} kept and ${MAX_WALK_DIMS} reduced dimensions after merging contiguous ones; call contiguous() first (shape ${shapeStr(x.shape)}, strides [${x.strides}])`);
  }
  return { outShape, outer, inner, reducedCount: numelOf(dims.map((d) => x.shape[d])) };
}

function reduceDesc(op: number, p: Plan, extra: { k?: number; largest?: number; outKStride?: number } = {}): number {
  return descriptor(REDUCE_DESC, {
    op, outerNdim: p.outer.sizes.length, innerNdim: p.inner.sizes.length,
    k: extra.k ?? 0, largest: extra.largest ?? 0, sorted: 1, outKStride: extra.outKStride ?? 0,
    outerSizes: p.outer.sizes, outerStrides: p.outer.strides[0], outStrides: p.outer.strides[1],
    innerSizes: p.inner.sizes, innerStrides: p.inner.strides[0],
  });
}

/** The shared body of sum, mean and amax. */
export function reduceOp(layer: string, op: number, input: unknown, options?: ReduceOptions): Tensor {
  const x = floatInput(layer, input);
  const o = checkOptions(layer, options, ["dim", "keepdim"]);
  const dims = parseDims(layer, o.dim, x.ndim);
  const keepdim = optionOr(layer, o, "keepdim", false, checkBoolean);
  const p = plan(layer, x, dims, keepdim);
  if (p.reducedCount === 0 && op === REDUCE_MAX) {
    const d = dims.find((d) => x.shape[d] === 0);
    throw rangeError(layer, `expected the reduced dimension ${d} to have a non-zero size (the maximum of nothing is undefined), got shape ${shapeStr(x.shape)}`);
  }
  const out = emptyTensor(p.outShape, "float32", layer);
  if (out.numel === 0) return out;
  if (p.reducedCount === 0) {
    // A sum over nothing is 0 and a mean 0/0 = NaN, as in PyTorch.
    wasm().fill_f32(out.dataPtr, out.numel, op === REDUCE_MEAN ? NaN : 0);
    return out;
  }
  wasm().reduce_f32(out.dataPtr, x.dataPtr, reduceDesc(op, p));
  return out;
}

/** Index of the first maximum (NaN counts as the maximum) along `dim`, or into the flattened tensor; int32. */
export function argmaxOp(layer: string, input: unknown, options?: ArgmaxOptions): Tensor {
  const x = floatInput(layer, input);
  const o = checkOptions(layer, options, ["dim", "keepdim"]);
  const keepdim = optionOr(layer, o, "keepdim", false, checkBoolean);
  const all = o.dim === undefined || o.dim === null;
  if (!all && typeof o.dim !== "number") throw badType(layer, "dim", "an integer dimension", o.dim);
  const dims = all ? [...Array(x.ndim).keys()] : [normalizeDim(layer, "dim", o.dim, x.ndim)].filter(() => x.ndim > 0);
  const p = plan(layer, x, dims, keepdim);
  if (p.reducedCount === 0) {
    throw rangeError(layer, `expected a non-empty ${all ? "input" : `dimension ${dims[0]}`} (the argmax of nothing is undefined), got shape ${shapeStr(x.shape)}`);
  }
  // Without dim the result is 0-d (with keepdim: every size 1), as in PyTorch.
  const out = emptyTensor(p.outShape, "int32", layer);
  if (out.numel > 0) wasm().argmax_i32(out.dataPtr, x.dataPtr, reduceDesc(REDUCE_SUM, p));
  return out;
}

/** The k largest (or smallest) elements along `dim`, sorted, and their int32 indices. */
export function topkOp(layer: string, input: unknown, k: unknown, options?: TopkOptions): [Tensor, Tensor] {
  const x = floatInput(layer, input);
  const o = checkOptions(layer, options, ["dim", "largest", "sorted"]);
  const dim = normalizeDim(layer, "dim", optionOr(layer, o, "dim", -1, (_l, _a, v) => v as number), x.ndim);
  const largest = optionOr(layer, o, "largest", true, checkBoolean);
  optionOr(layer, o, "sorted", true, checkBoolean);
  const size = x.ndim === 0 ? 1 : x.shape[dim];
  if (typeof k !== "number" || !Number.isInteger(k)) throw badType(layer, "k", "an integer", k);
  if (k < 0 || k > size) throw badValue(layer, "k", `in [0, ${size}] (the size of dimension ${dim} of shape ${shapeStr(x.shape)})`, k);
  const outShape = x.shape.slice();
  if (x.ndim > 0) outShape[dim] = k;
  const values = emptyTensor(outShape, "float32", layer);
  let indices: Tensor | null = null;
  try {
    indices = emptyTensor(outShape, "int32", layer);
    if (values.numel > 0) {
      const outStrides = contiguousStrides(outShape);
      const keptDims = x.shape.map((_, d) => d).filter((d) => d !== dim);
      const keptShape = keptDims.map((d) => x.shape[d]);
      const outer = mergeDims(keptShape, [keptDims.map((d) => x.strides[d]), keptDims.map((d) => outStrides[d])]);
      if (outer.sizes.length > MAX_WALK_DIMS) {
        throw rangeError(layer, `expected a view with at most ${MAX_WALK_DIMS} other dimensions after merging contiguous ones; call contiguous() first`);
      }
      const inner = { sizes: [size], strides: [[x.ndim === 0 ? 0 : x.strides[dim]]] };
      const p: Plan = { outShape, outer, inner, reducedCount: size };
      const scratch = reserveScratch(layer, 8 * k);
      const desc = reduceDesc(REDUCE_SUM, p, { k, largest: largest ? 1 : 0, outKStride: x.ndim === 0 ? 0 : outStrides[dim] });
      wasm().topk_f32(values.dataPtr, indices.dataPtr, x.dataPtr, scratch, desc);
    }
  } catch (e) {
    values.dispose();
    indices?.dispose();
    throw e;
  }
  return [values, indices];
}

// ---- the public functions ----

/** Sum over `dim` (all dimensions by default), accumulated in blocks with float64 partial sums. */
export function sum(input: Tensor, options?: ReduceOptions): Tensor {
  return reduceOp("sum", REDUCE_SUM, input, options);
}

/** Mean over `dim` (all dimensions by default). */
export function mean(input: Tensor, options?: ReduceOptions): Tensor {
  return reduceOp("mean", REDUCE_MEAN, input, options);
}

/** Maximum over `dim` (all dimensions by default); NaN propagates. */
export function amax(input: Tensor, options?: ReduceOptions): Tensor {
  return reduceOp("amax", REDUCE_MAX, input, options);
}

/** Index (int32) of the first maximum along `dim`, or into the flattened input without `dim`. */
export function argmax(input: Tensor, options?: ArgmaxOptions): Tensor {
  return argmaxOp("argmax", input, options);
}

/** `[values, indices]` of the k largest (or smallest) elements along `dim` (default -1), best first. */
export function topk(input: Tensor, k: number, options?: TopkOptions): [Tensor, Tensor] {
  return topkOp("topk", input, k, options);
}
