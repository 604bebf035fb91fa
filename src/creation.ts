// Tensor creation: from JS data, constants, ranges and random draws.

import { flattenArgs, numelOf } from "./shape";
import { checkDtypeName, checkOptions, checkShape, optionOr } from "./args";
import { badType, badValue, rangeError, shapeStr } from "./errors";
import { fillNormal, fillUniform } from "./random";
import { type DType, type NestedArray, type Tensor, emptyTensor } from "./tensor";
import { MAX_TENSOR_ELEMENTS } from "./storage";
import { wasm, writeF32, writeI32 } from "./wasm";

export type TensorData = ArrayLike<number> | NestedArray | readonly NestedArray[];

export interface TensorOptions {
  /** "float32" (default; also for Float64Array, Uint8Array, ... data) or "int32" (default for Int32Array data). */
  dtype?: DType;
}

/**
 * A tensor from a typed array, a plain array or nested arrays (shape inferred from the
 * nesting unless given). Values are copied into the Wasm heap.
 */
export function tensor(data: TensorData | number, shape?: readonly number[] | null, options: TensorOptions = {}): Tensor {
  const dtype = optionOr("tensor", checkOptions("tensor", options, ["dtype"]), "dtype", data instanceof Int32Array ? "int32" : "float32", checkDtypeName);
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (typeof data === "number") {
    flat = [data];
    inferred = [];
  } else if (ArrayBuffer.isView(data)) {
    if (data instanceof DataView || typeof (data as unknown as ArrayLike<unknown>)[0] === "bigint") {
      throw badType("tensor", "data", "a typed array of numbers, an array or nested arrays", data);
    }
    flat = data as ArrayLike<number>;
    inferred = [flat.length];
  } else if (Array.isArray(data)) {
    [flat, inferred] = flattenNested(data);
  } else {
    throw badType("tensor", "data", "a typed array, an array or nested arrays of numbers", data);
  }
  let finalShape = inferred;
  if (shape !== undefined && shape !== null) {
    finalShape = checkShape("tensor", "shape", shape);
    if (numelOf(finalShape) !== flat.length) {
      throw rangeError("tensor", `expected ${numelOf(finalShape)} values for shape ${shapeStr(finalShape)}, got ${flat.length}`);
    }
  }
  const out = emptyTensor(finalShape, dtype, "tensor");
  if (dtype === "int32") {
    for (let i = 0; i < flat.length; i++) {
      if (!Number.isInteger(flat[i])) {
        out.dispose();
        throw badValue("tensor", "int32 data", "integers", `${flat[i]} at index ${i}`);
      }
    }
    writeI32(out.dataPtr, flat);
  } else {
    writeF32(out.dataPtr, flat);
  }
  return out;
}

function flattenNested(data: readonly unknown[]): [number[], number[]] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: number[] = [];
  const walk = (v: unknown, d: number, path: string) => {
    if (d === shape.length) {
      if (typeof v !== "number") throw badType("tensor", `data${path}`, "a number", v);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw badValue("tensor", `data${path}`, `an array of ${shape[d]} (nested arrays must be rectangular)`, v);
    }
    // An index loop, not forEach: a hole in a sparse array is an error, not a skipped value.
    for (let i = 0; i < v.length; i++) walk(v[i], d + 1, `${path}[${i}]`);
  };
  walk(data, 0, "");
  return [flat, shape];
}

type ShapeArgs = (number | readonly number[])[];

function shapeFrom(layer: string, args: ShapeArgs): number[] {
  return checkShape(layer, "shape", flattenArgs(args));
}

/** A float32 tensor with unspecified contents (fill it before reading): `empty(2, 3)`. */
export function empty(...shape: ShapeArgs): Tensor {
  return emptyTensor(shapeFrom("empty", shape), "float32", "empty");
}

/** A float32 tensor of zeros: `zeros(2, 3)` or `zeros([2, 3])`. */
export function zeros(...shape: ShapeArgs): Tensor {
  return filled("zeros", shapeFrom("zeros", shape), 0, "float32");
}

/** A float32 tensor of ones. */
export function ones(...shape: ShapeArgs): Tensor {
  return filled("ones", shapeFrom("ones", shape), 1, "float32");
}

/** A float32 tensor filled with `value`. */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const s = checkShape("full", "shape", shape);
  if (typeof value !== "number") throw badType("full", "value", "a number", value);
  const dtype = optionOr("full", checkOptions("full", options, ["dtype"]), "dtype", "float32", checkDtypeName);
  if (dtype === "int32" && !Number.isInteger(value)) throw badValue("full", "value", "an integer for an int32 tensor", value);
  return filled("full", s, value, dtype);
}

function filled(layer: string, shape: number[], value: number, dtype: DType): Tensor {
  const out = emptyTensor(shape, dtype, layer);
  if (dtype === "int32") wasm().fill_i32(out.dataPtr, out.numel, value);
  else wasm().fill_f32(out.dataPtr, out.numel, value);
  return out;
}

/** Uniform draws in [0, 1), from the seeded generator (see manualSeed). */
export function rand(...shape: ShapeArgs): Tensor {
  const out = emptyTensor(shapeFrom("rand", shape), "float32", "rand");
  fillUniform(out, 0, 1);
  return out;
}

/** Standard normal draws, from the seeded generator (see manualSeed). */
export function randn(...shape: ShapeArgs): Tensor {
  const out = emptyTensor(shapeFrom("randn", shape), "float32", "randn");
  fillNormal(out, 0, 1);
  return out;
}

/** `arange(end)` or `arange(start, end, step = 1)`: values start, start+step, ... below end (float32). */
export function arange(start: number, end?: number, step = 1): Tensor {
  const [s, e] = end === undefined ? [0, start] : [start, end];
  for (const [name, v] of [["start", s], ["end", e], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw badValue("arange", name, "a finite number", v);
  }
  if (step === 0) throw badValue("arange", "step", "a non-zero number", step);
  if ((e - s) * step < 0) throw rangeError("arange", `expected end on the side of start that step moves to, got start ${s}, end ${e}, step ${step}`);
  const n = Math.max(0, Math.ceil((e - s) / step));
  if (!(n <= MAX_TENSOR_ELEMENTS)) {
    throw rangeError("arange", `start ${s}, end ${e} and step ${step} give ${n} values, more than a tensor holds (${MAX_TENSOR_ELEMENTS} elements)`);
  }
  const out = emptyTensor([n], "float32", "arange");
  // Written straight into the heap: no JS array as large as the tensor.
  const view = new Float32Array(wasm().memory.buffer, out.dataPtr, n);
  for (let i = 0; i < n; i++) view[i] = s + i * step;
  return out;
}
