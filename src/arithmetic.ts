// Elementwise tensor arithmetic with PyTorch broadcasting: add, sub, mul, div, pow
// (tensors or numbers on either side) and neg, exp, log, sqrt. Float32 only: integer
// tensors are refused with a TypeError (PyTorch would compute in int64 or promote).
//
// Contiguous operands of the output's shape run the flat SIMD map (elementwise_f32 /
// unary_f32); every other case (broadcasting, strided views, numbers) runs the strided
// walker (elementwiseStrided_f32) on the operands as they are, with stride 0 along
// broadcast dimensions, after merging the dimensions that are contiguous in every
// operand. Nothing is copied.

import {
  ELEMENTWISE_DESC, MAX_WALK_DIMS, OP_ADD, OP_ADD_SCALED, OP_DIV, OP_EXP, OP_LOG, OP_MUL, OP_NEG, OP_POW, OP_SQRT, OP_SUB,
} from "../build/abi.js";
import { checkDtype, checkNumber, checkOptions, checkTensor, optionOr } from "./args";
import { badType, rangeError, shapeStr, typeError } from "./errors";
import { contiguousStrides, numelOf, sameShape } from "./shape";
import { type Tensor, emptyTensor } from "./tensor";
import { descriptor, wasm } from "./wasm";

export interface AlphaOptions {
  /** Multiplier of `other` (PyTorch's alpha): `input + alpha * other`. Default 1. */
  alpha?: number;
}

type Operand = Tensor | number;

/** A float32 tensor or a number (PyTorch's Scalar); anything else is a TypeError. */
function operand(layer: string, arg: string, v: unknown): Operand {
  if (typeof v === "number") return v;
  if (typeof v !== "object" || v === null) throw badType(layer, arg, "a Tensor or a number", v);
  checkTensor(layer, arg, v);
  if (v.dtype !== "float32") {
    throw typeError(layer, `expected ${arg} of dtype float32, got ${v.dtype} (shape ${shapeStr(v.shape)}); arithmetic on int32 tensors is not supported`);
  }
  return v;
}

/** PyTorch's broadcast shape of two shapes (aligned at the last dimension), or a RangeError naming both. */
export function broadcastShapes(layer: string, names: [string, string], a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw rangeError(
        layer,
        `expected ${names[0]} and ${names[1]} to broadcast (sizes equal or 1 in each dimension, counted from the last), ` +
          `got shapes ${shapeStr(a)} and ${shapeStr(b)}: size ${x} vs ${y} at dimension ${i - n} (from the end)`,
      );
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** Element strides of `t` read as a tensor of `shape` (broadcast dimensions get stride 0). */
export function broadcastStrides(t: Tensor, shape: readonly number[]): number[] {
  const lead = shape.length - t.ndim;
  return shape.map((size, d) => (d < lead || t.shape[d - lead] !== size ? 0 : t.strides[d - lead]));
}

/**
 * Drops size-1 dimensions and merges neighbours that are contiguous with each other in
 * every stride list; returns sizes and the merged strides (at least one dimension).
 */
export function mergeDims(sizes: readonly number[], strides: readonly (readonly number[])[]): { sizes: number[]; strides: number[][] } {
  const outSizes: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < sizes.length; d++) {
    const size = sizes[d];
    if (size === 1) continue;
    const n = outSizes.length;
    if (n > 0 && strides.every((s, j) => outStrides[j][n - 1] === s[d] * size)) {
      outSizes[n - 1] *= size;
      strides.forEach((s, j) => (outStrides[j][n - 1] = s[d]));
    } else {
      outSizes.push(size);
      strides.forEach((s, j) => outStrides[j].push(s[d]));
    }
  }
  if (outSizes.length === 0) {
    outSizes.push(1);
    outStrides.forEach((s) => s.push(0));
  }
  return { sizes: outSizes, strides: outStrides };
}

/** Runs `op` over the output `out` with x and y (a number or a tensor read through broadcast strides). */
function run(op: number, out: Tensor, x: Operand, y: Operand, alpha: number): void {
  const n = out.numel;
  if (n === 0) return;
  const k = wasm();
  const plain = (v: Operand) => typeof v !== "number" && v.isContiguous() && sameShape(v.shape, out.shape);
  if (op !== OP_ADD_SCALED && plain(x) && (y === x || plain(y) || op >= OP_NEG)) {
    const xp = (x as Tensor).dataPtr;
    if (op >= OP_NEG) k.unary_f32(out.dataPtr, xp, n, op);
    else k.elementwise_f32(out.dataPtr, xp, (y as Tensor).dataPtr, n, op);
    return;
  }
  const stridesOf = (v: Operand) => (typeof v === "number" ? new Array<number>(out.ndim).fill(0) : broadcastStrides(v, out.shape));
  const merged = mergeDims(out.shape, [contiguousStrides(out.shape), stridesOf(x), stridesOf(y)]);
  const { sizes } = merged;
  const [outStrides, xStrides, yStrides] = merged.strides;
  const xScalar = typeof x === "number" ? x : 0;
  const yScalar = typeof y === "number" ? y : 0;
  // More dimensions than the kernel walks (rare: broadcasting that alternates in 9+
  // dimensions): loop over the leading ones here.
  const extra = Math.max(0, sizes.length - MAX_WALK_DIMS);
  const lead = sizes.slice(0, extra);
  const leadCount = numelOf(lead);
  for (let i = 0; i < leadCount; i++) {
    let rest = i;
    let xo = 0;
    let yo = 0;
    let oo = 0;
    for (let d = extra - 1; d >= 0; d--) {
      const c = rest % lead[d];
      rest = Math.floor(rest / lead[d]);
      xo += c * xStrides[d];
      yo += c * yStrides[d];
      oo += c * outStrides[d];
    }
    const desc = descriptor(ELEMENTWISE_DESC, {
      op, ndim: sizes.length - extra, alpha, xScalar, yScalar,
      sizes: sizes.slice(extra), xStrides: xStrides.slice(extra), yStrides: yStrides.slice(extra),
    });
    const ptr = (v: Operand, off: number) => (typeof v === "number" ? 0 : v.dataPtr + 4 * off);
    k.elementwiseStrided_f32(out.dataPtr + 4 * oo, ptr(x, xo), ptr(y, yo), desc);
  }
}

/** The shared body of every binary operation: checks, broadcast shape, output, one kernel call. */
function binary(layer: string, names: [string, string], op: number, a: unknown, b: unknown, alpha = 1): Tensor {
  const x = operand(layer, names[0], a);
  const y = operand(layer, names[1], b);
  if (typeof x === "number" && typeof y === "number") {
    throw typeError(layer, `expected ${names[0]} or ${names[1]} to be a Tensor, got two numbers (${x} and ${y})`);
  }
  const shape = broadcastShapes(layer, names, typeof x === "number" ? [] : x.shape, typeof y === "number" ? [] : y.shape);
  const out = emptyTensor(shape, "float32", layer);
  try {
    run(op, out, x, y, alpha);
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

function parseAlpha(layer: string, options: unknown): number {
  const o = checkOptions(layer, options, ["alpha"]);
  return optionOr(layer, o, "alpha", 1, checkNumber);
}

/** input + alpha * other (torch.add), broadcasting; either side may be a number. */
export function addOp(layer: string, input: unknown, other: unknown, options?: AlphaOptions): Tensor {
  const alpha = parseAlpha(layer, options);
  return binary(layer, ["input", "other"], alpha === 1 ? OP_ADD : OP_ADD_SCALED, input, other, alpha);
}

/** input - alpha * other (torch.sub). */
export function subOp(layer: string, input: unknown, other: unknown, options?: AlphaOptions): Tensor {
  const alpha = parseAlpha(layer, options);
  return binary(layer, ["input", "other"], alpha === 1 ? OP_SUB : OP_ADD_SCALED, input, other, -alpha);
}

/** input * other (torch.mul). */
export function mulOp(layer: string, input: unknown, other: unknown, options?: unknown): Tensor {
  checkOptions(layer, options, []);
  return binary(layer, ["input", "other"], OP_MUL, input, other);
}

/** input / other (torch.div, true division). */
export function divOp(layer: string, input: unknown, other: unknown, options?: unknown): Tensor {
  checkOptions(layer, options, []);
  return binary(layer, ["input", "other"], OP_DIV, input, other);
}

/** input ^ exponent (torch.pow); x^2 is x * x and x^0.5 is sqrt(x), as in PyTorch. */
export function powOp(layer: string, input: unknown, exponent: unknown, options?: unknown): Tensor {
  checkOptions(layer, options, []);
  if (typeof exponent === "number" && typeof input === "object" && input !== null) {
    const x = operand(layer, "input", input) as Tensor;
    if (exponent === 2) return binary(layer, ["input", "exponent"], OP_MUL, x, x);
    if (exponent === 0.5) return unaryOp(layer, OP_SQRT, x);
    if (exponent === -1) return binary(layer, ["input", "exponent"], OP_DIV, 1, x);
  }
  return binary(layer, ["input", "exponent"], OP_POW, input, exponent);
}

/** The shared body of neg, exp, log, sqrt. */
export function unaryOp(layer: string, op: number, input: unknown, options?: unknown): Tensor {
  checkOptions(layer, options, []);
  checkTensor(layer, "input", input);
  checkDtype(layer, "input", input, "float32");
  const out = emptyTensor(input.shape, "float32", layer);
  try {
    run(op, out, input, 0, 1);
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

/** Operation codes of the unary functions, for the Tensor methods. */
export const UNARY = { neg: OP_NEG, exp: OP_EXP, log: OP_LOG, sqrt: OP_SQRT } as const;

// ---- the public functions (torch.add, ...); Tensor methods call the same bodies ----

/** input + alpha * other with broadcasting (torch.add); either side may be a number. */
export function add(input: Tensor | number, other: Tensor | number, options?: AlphaOptions): Tensor {
  return addOp("add", input, other, options);
}

/** input - alpha * other with broadcasting (torch.sub). */
export function sub(input: Tensor | number, other: Tensor | number, options?: AlphaOptions): Tensor {
  return subOp("sub", input, other, options);
}

/** input * other with broadcasting (torch.mul). */
export function mul(input: Tensor | number, other: Tensor | number): Tensor {
  return mulOp("mul", input, other);
}

/** input / other with broadcasting (torch.div, true division). */
export function div(input: Tensor | number, other: Tensor | number): Tensor {
  return divOp("div", input, other);
}

/** input ^ exponent with broadcasting (torch.pow); either may be a number. */
export function pow(input: Tensor | number, exponent: Tensor | number): Tensor {
  return powOp("pow", input, exponent);
}

/** -input (torch.neg). */
export function neg(input: Tensor): Tensor {
  return unaryOp("neg", OP_NEG, input);
}

/** e^input (torch.exp). */
export function exp(input: Tensor): Tensor {
  return unaryOp("exp", OP_EXP, input);
}

/** Natural log (torch.log): -Inf at 0, NaN below. */
export function log(input: Tensor): Tensor {
  return unaryOp("log", OP_LOG, input);
}

/** Square root (torch.sqrt): NaN below 0. */
export function sqrt(input: Tensor): Tensor {
  return unaryOp("sqrt", OP_SQRT, input);
}
