// Tensors: a shape and strides over a block of the Wasm heap.
//
// Views (reshape, permute, slice, ...) share their base tensor's block; the block is
// freed when the last tensor using it is disposed. Kernels read contiguous buffers, so
// functions call `contiguous()` on their inputs, which copies only strided views.

import { normalizeDim } from "./args";
import { type AlphaOptions, UNARY, addOp, divOp, mulOp, powOp, subOp, unaryOp } from "./arithmetic";
import { REDUCE_MAX, REDUCE_MEAN, REDUCE_SUM } from "../build/abi.js";
import { matmulOp } from "./matmul";
import { type ArgmaxOptions, type ReduceOptions, type TopkOptions, argmaxOp, reduceOp, topkOp } from "./reduce";
import { copyInto, copyView, fillWith } from "./copy";
import { TENSOR_BRAND, THIS_COPY, badValue, rangeError, shapeStr } from "./errors";
import { keep, track } from "./scope";
import { contiguousStrides, flattenArgs, inferShape, numelOf } from "./shape";
import { BYTES_PER_ELEMENT, type Storage, allocate, attach, detach, markWritten } from "./storage";
import { readF32, readI32, wasm } from "./wasm";

export type DType = "float32" | "int32";

/** Nested JS arrays as returned by `toNested()`. */
export type NestedArray = number | NestedArray[];


const CONSTRUCT = Symbol("Tensor.construct");

export class Tensor {
  #shape: readonly number[];
  #strides: readonly number[];
  /** Element offset of the first element within the heap block. */
  readonly offset: number;
  readonly dtype: DType;
  #storage: Storage | null;

  /** @internal Tensors are made by `tensor()`, `zeros()`, ... and by layers. */
  constructor(
    token: symbol,
    storage: Storage,
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
    dtype: DType,
  ) {
    if (token !== CONSTRUCT) {
      throw new TypeError("Tensor: use tensor(), zeros(), ones(), ... to create tensors, not `new Tensor()`");
    }
    this.#shape = Object.freeze(shape.slice());
    this.#strides = Object.freeze(strides.slice());
    this.offset = offset;
    this.dtype = dtype;
    this.#storage = storage;
    attach(this, storage);
    track(this);
  }

  /** Sizes of each dimension. Like every other use, reading it from a disposed tensor throws. */
  get shape(): readonly number[] {
    this.#live("Tensor.shape");
    return this.#shape;
  }

  /** Element strides of each dimension within the heap block. */
  get strides(): readonly number[] {
    this.#live("Tensor.strides");
    return this.#strides;
  }

  get ndim(): number {
    this.#live("Tensor.ndim");
    return this.#shape.length;
  }

  get numel(): number {
    this.#live("Tensor.numel");
    return numelOf(this.#shape);
  }

  /** `size()` is the shape; `size(dim)` one dimension (negative counts from the end). */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    this.#live("Tensor.size");
    if (dim === undefined) return this.#shape.slice();
    return this.#shape[normalizeDim("Tensor.size", "dim", dim, this.#shape.length)];
  }

  get isDisposed(): boolean {
    return this.#storage === null;
  }

  /** @internal Byte address of the first element in the Wasm heap. */
  get dataPtr(): number {
    return this.#live("Tensor").ptr + this.offset * BYTES_PER_ELEMENT;
  }

  /** @internal The heap block, for views. */
  #live(op: string): Storage {
    if (this.#storage === null) {
      throw new TypeError(`${op}: the tensor (shape ${shapeStr(this.#shape)}) was disposed and can no longer be used`);
    }
    return this.#storage;
  }

  /**
   * How many in-place writes its memory has had (PyTorch's `_version`): copy_, fill_,
   * init functions, loadStateDict, running statistics. Views share their base's count.
   * Weights prepared for the kernels are kept per version, so a write is never missed.
   */
  get version(): number {
    return this.#live("Tensor.version").version;
  }

  /** @internal Records an in-place write into this tensor's memory (see version). */
  markWritten(): void {
    markWritten(this.#live("Tensor"));
  }

  /** @internal The heap block, for the weight caches hung on it. */
  get storage(): Storage {
    return this.#live("Tensor");
  }

  /** @internal Throws the standard error when the tensor was disposed. */
  assertLive(op: string): void {
    this.#live(op);
  }

  isContiguous(): boolean {
    let expected = 1;
    for (let d = this.ndim - 1; d >= 0; d--) {
      if (this.shape[d] !== 1 && this.strides[d] !== expected) return false;
      expected *= this.shape[d];
    }
    return true;
  }

  /** Frees the heap block once no other view uses it. Disposing twice is harmless. */
  dispose(): void {
    const storage = this.#storage;
    if (storage === null) return;
    this.#storage = null;
    detach(this, storage);
  }

  // ---- reading out ----

  /** A fresh typed array of the values in row-major order. */
  toArray(): Float32Array | Int32Array {
    return this.#toArray("Tensor.toArray");
  }

  #toArray(op: string): Float32Array | Int32Array {
    this.#live(op);
    const c = this.#contiguous(op);
    try {
      return c.dtype === "int32" ? readI32(c.dataPtr, c.numel) : readF32(c.dataPtr, c.numel);
    } finally {
      if (c !== this) c.dispose();
    }
  }

  /** The values as nested JS arrays (a plain number for a 0-d tensor). */
  toNested(): NestedArray {
    const flat = this.#toArray("Tensor.toNested");
    if (this.ndim === 0) return flat[0];
    let pos = 0;
    const build = (d: number): NestedArray[] => {
      const out: NestedArray[] = new Array(this.shape[d]);
      for (let i = 0; i < this.shape[d]; i++) out[i] = d === this.ndim - 1 ? flat[pos++] : build(d + 1);
      return out;
    };
    return build(0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    this.#live("Tensor.item");
    if (this.numel !== 1) throw badValue("Tensor.item", "a tensor with", "one element", `${this.numel} elements (shape ${shapeStr(this.shape)})`);
    return this.#toArray("Tensor.item")[0];
  }

  toString(): string {
    return this.isDisposed ? `Tensor(disposed)` : `Tensor(${this.dtype}, ${shapeStr(this.shape)})`;
  }

  // ---- views and shape ops ----

  /** @internal A new tensor over the same block. */
  viewOf(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    return new Tensor(CONSTRUCT, this.#live("Tensor"), shape, strides, offset, this.dtype);
  }

  /** Same data, new shape; one dimension may be -1. Needs a contiguous tensor (see `reshape`). */
  view(...shape: (number | readonly number[])[]): Tensor {
    this.#live("Tensor.view");
    const target = inferShape("Tensor.view", flattenArgs(shape), this.numel, this.shape);
    if (!this.isContiguous()) {
      throw rangeError("Tensor.view", `expected a contiguous tensor, got strides [${this.strides}] for shape ${shapeStr(this.shape)}; use reshape() or contiguous() first`);
    }
    return this.viewOf(target, contiguousStrides(target), this.offset);
  }

  /** Same data, new shape; a view when the tensor is contiguous, otherwise a copy. */
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return this.#reshape("Tensor.reshape", flattenArgs(shape));
  }

  #reshape(op: string, shape: number[]): Tensor {
    this.#live(op);
    const target = inferShape(op, shape, this.numel, this.shape);
    if (this.isContiguous()) return this.viewOf(target, contiguousStrides(target), this.offset);
    const c = this.#contiguous(op);
    try {
      return c.viewOf(target, contiguousStrides(target), c.offset);
    } finally {
      c.dispose();
    }
  }

  /** Inserts a dimension of size 1 at `dim` (in [-ndim-1, ndim]). */
  unsqueeze(dim: number): Tensor {
    this.#live("Tensor.unsqueeze");
    const d = normalizeDim("Tensor.unsqueeze", "dim", dim, this.ndim + 1);
    const shape = this.shape.slice();
    const strides = this.strides.slice();
    const stride = d < this.ndim ? this.strides[d] * this.shape[d] : 1;
    shape.splice(d, 0, 1);
    strides.splice(d, 0, stride);
    return this.viewOf(shape, strides, this.offset);
  }

  /** Removes dimensions of size 1: all of them, or only `dim` (left alone if its size is not 1). */
  squeeze(dim?: number | readonly number[]): Tensor {
    this.#live("Tensor.squeeze");
    const dims =
      dim === undefined
        ? null
        : new Set((Array.isArray(dim) ? dim : [dim]).map((x) => normalizeDim("Tensor.squeeze", "dim", x, Math.max(this.ndim, 1))));
    const shape: number[] = [];
    const strides: number[] = [];
    this.shape.forEach((s, d) => {
      if (s === 1 && (dims === null || dims.has(d))) return;
      shape.push(s);
      strides.push(this.strides[d]);
    });
    return this.viewOf(shape, strides, this.offset);
  }

  /** Merges dimensions startDim..endDim into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    this.#live("Tensor.flatten");
    if (this.ndim === 0) return this.#reshape("Tensor.flatten", [1]);
    const s = normalizeDim("Tensor.flatten", "startDim", startDim, this.ndim);
    const e = normalizeDim("Tensor.flatten", "endDim", endDim, this.ndim);
    if (s > e) throw badValue("Tensor.flatten", "startDim", `<= endDim (${e})`, s);
    const shape = [...this.shape.slice(0, s), numelOf(this.shape.slice(s, e + 1)), ...this.shape.slice(e + 1)];
    return this.#reshape("Tensor.flatten", shape);
  }

  /** Reorders dimensions: `permute(2, 0, 1)` or `permute([2, 0, 1])`. */
  permute(...dims: (number | readonly number[])[]): Tensor {
    return this.#permute("Tensor.permute", flattenArgs(dims));
  }

  #permute(op: string, order: number[]): Tensor {
    this.#live(op);
    if (order.length !== this.ndim) {
      throw badValue(op, "dims", `${this.ndim} dimensions for shape ${shapeStr(this.shape)}`, order);
    }
    const norm = order.map((d) => normalizeDim(op, "dims", d, this.ndim));
    if (new Set(norm).size !== norm.length) {
      throw badValue(op, "dims", `a permutation of 0..${this.ndim - 1}`, order);
    }
    return this.viewOf(
      norm.map((d) => this.shape[d]),
      norm.map((d) => this.strides[d]),
      this.offset,
    );
  }

  /** Swaps two dimensions. */
  transpose(dim0: number, dim1: number): Tensor {
    return this.#transpose("Tensor.transpose", dim0, dim1);
  }

  #transpose(op: string, dim0: number, dim1: number): Tensor {
    this.#live(op);
    const a = normalizeDim(op, "dim0", dim0, this.ndim);
    const b = normalizeDim(op, "dim1", dim1, this.ndim);
    const order = this.shape.map((_, i) => i);
    order[a] = b;
    order[b] = a;
    return this.#permute(op, order);
  }

  /** Transpose of a tensor with at most 2 dimensions. */
  t(): Tensor {
    this.#live("Tensor.t");
    if (this.ndim > 2) throw badValue("Tensor.t", "a tensor with", "at most 2 dimensions", `shape ${shapeStr(this.shape)}`);
    return this.ndim < 2 ? this.viewOf(this.shape, this.strides, this.offset) : this.#transpose("Tensor.t", 0, 1);
  }

  /** Elements `start`, `start+step`, ... before `end` along `dim` (Python slicing: negatives count from the end, bounds are clamped). */
  slice(dim: number, start = 0, end?: number, step = 1): Tensor {
    return this.#slice("Tensor.slice", dim, start, end, step);
  }

  #slice(op: string, dim: number, start: number, end: number | undefined, step: number): Tensor {
    this.#live(op);
    const d = normalizeDim(op, "dim", dim, this.ndim);
    if (!Number.isInteger(step) || step < 1) throw badValue(op, "step", "a positive integer", step);
    const size = this.shape[d];
    const clamp = (v: number, name: string) => {
      if (!Number.isInteger(v)) throw badValue(op, name, "an integer", v);
      return Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    };
    const s = clamp(start, "start");
    const e = Math.max(clamp(end ?? size, "end"), s);
    const shape = this.shape.slice();
    const strides = this.strides.slice();
    shape[d] = Math.ceil((e - s) / step);
    strides[d] = this.strides[d] * step;
    return this.viewOf(shape, strides, this.offset + s * this.strides[d]);
  }

  /** `length` elements from `start` along `dim`. */
  narrow(dim: number, start: number, length: number): Tensor {
    this.#live("Tensor.narrow");
    const d = normalizeDim("Tensor.narrow", "dim", dim, this.ndim);
    const size = this.shape[d];
    const s = start < 0 ? start + size : start;
    if (!Number.isInteger(s) || s < 0 || s > size) throw badValue("Tensor.narrow", "start", `in [${-size}, ${size}]`, start);
    if (!Number.isInteger(length) || length < 0 || s + length > size) {
      throw badValue("Tensor.narrow", "length", `in [0, ${size - s}]`, length);
    }
    return this.#slice("Tensor.narrow", d, s, s + length, 1);
  }

  /** The sub-tensor at `index` along `dim`, without that dimension (`x[:, i]` in Python). */
  select(dim: number, index: number): Tensor {
    this.#live("Tensor.select");
    const d = normalizeDim("Tensor.select", "dim", dim, this.ndim);
    const size = this.shape[d];
    if (!Number.isInteger(index) || index < -size || index >= size) {
      throw badValue("Tensor.select", "index", `in [${-size}, ${size - 1}] for dimension ${d} of shape ${shapeStr(this.shape)}`, index);
    }
    const i = index < 0 ? index + size : index;
    const shape = this.shape.slice();
    const strides = this.strides.slice();
    shape.splice(d, 1);
    strides.splice(d, 1);
    return this.viewOf(shape, strides, this.offset + i * this.strides[d]);
  }

  /** This tensor if it is contiguous, otherwise a contiguous copy. */
  contiguous(): Tensor {
    return this.#contiguous("Tensor.contiguous");
  }

  #contiguous(op: string): Tensor {
    this.#live(op);
    return this.isContiguous() ? this : this.#clone(op);
  }

  /** A contiguous copy with its own heap block. */
  clone(): Tensor {
    return this.#clone("Tensor.clone");
  }

  #clone(op: string): Tensor {
    this.#live(op);
    const out = emptyTensor(this.shape, this.dtype, op);
    if (this.isContiguous()) wasm().copy_32(out.dataPtr, this.dataPtr, this.numel);
    else copyView(out, this);
    return out;
  }

  // ---- in-place writes ----

  /** Copies the values of `src` (same shape and dtype) into this tensor; returns this. */
  copy_(src: Tensor): this {
    copyInto("Tensor.copy_", this, src);
    return this;
  }

  /** Sets every element to `value`; returns this. */
  fill_(value: number): this {
    fillWith("Tensor.fill_", this, value);
    return this;
  }

  /** @internal True when both tensors are views of one heap block. */
  sharesStorageWith(other: Tensor): boolean {
    return this.#storage !== null && this.#storage === other.#storage;
  }

  // ---- arithmetic, matmul and reductions (bodies in arithmetic.ts, matmul.ts, reduce.ts) ----

  /** this + alpha * other, broadcasting; other a tensor or a number. */
  add(other: Tensor | number, options?: AlphaOptions): Tensor { return addOp("Tensor.add", this, other, options); }
  /** this - alpha * other, broadcasting. */
  sub(other: Tensor | number, options?: AlphaOptions): Tensor { return subOp("Tensor.sub", this, other, options); }
  /** this * other, broadcasting. */
  mul(other: Tensor | number): Tensor { return mulOp("Tensor.mul", this, other); }
  /** this / other, broadcasting. */
  div(other: Tensor | number): Tensor { return divOp("Tensor.div", this, other); }
  /** this ^ exponent, broadcasting. */
  pow(exponent: Tensor | number): Tensor { return powOp("Tensor.pow", this, exponent); }
  neg(): Tensor { return unaryOp("Tensor.neg", UNARY.neg, this); }
  exp(): Tensor { return unaryOp("Tensor.exp", UNARY.exp, this); }
  log(): Tensor { return unaryOp("Tensor.log", UNARY.log, this); }
  sqrt(): Tensor { return unaryOp("Tensor.sqrt", UNARY.sqrt, this); }
  /** Matrix product with torch.matmul's rules. */
  matmul(other: Tensor): Tensor { return matmulOp("Tensor.matmul", this, other); }
  /** Sum over `dim` (all dimensions by default). */
  sum(options?: ReduceOptions): Tensor { return reduceOp("Tensor.sum", REDUCE_SUM, this, options); }
  /** Mean over `dim` (all dimensions by default). */
  mean(options?: ReduceOptions): Tensor { return reduceOp("Tensor.mean", REDUCE_MEAN, this, options); }
  /** Maximum over `dim` (all dimensions by default). */
  amax(options?: ReduceOptions): Tensor { return reduceOp("Tensor.amax", REDUCE_MAX, this, options); }
  /** Index (int32) of the first maximum along `dim`, or into the flattened tensor. */
  argmax(options?: ArgmaxOptions): Tensor { return argmaxOp("Tensor.argmax", this, options); }
  /** `[values, indices]` of the k largest (or smallest) elements along `dim` (default -1). */
  topk(k: number, options?: TopkOptions): [Tensor, Tensor] { return topkOp("Tensor.topk", this, k, options); }
}

/** A new contiguous tensor with uninitialised contents; `layer` names the caller in allocation errors. */
export function emptyTensor(shape: readonly number[], dtype: DType = "float32", layer = "tensor"): Tensor {
  const storage = allocate(layer, shape, numelOf(shape), dtype);
  return new Tensor(CONSTRUCT, storage, shape, contiguousStrides(shape), 0, dtype);
}

// Brands every tensor with this copy of the package, so a tensor from a second copy loaded
// in the same process is named as such in error messages (see errors.ts).
Object.defineProperty(Tensor.prototype, TENSOR_BRAND, { value: THIS_COPY });
