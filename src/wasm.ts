// The bridge to the Wasm module: the typed kernel table of the one instance (set by
// ready.ts), and every copy between JS arrays and the Wasm heap.
//
// Memory growth replaces `memory.buffer` and detaches every view over the old one, so
// each copy below takes a fresh view and no view outlives the function that made it.

import type { DescriptorLayout } from "../build/abi.js";
import type { instantiate } from "../build/wasm-nn.js";
import { NotReadyError } from "./errors";
import type { Pool } from "./pool";

export type Kernels = Awaited<ReturnType<typeof instantiate>>;

let kernels: Kernels | null = null;
let pool: Pool | null = null;

/** The kernel table; throws a clear error when `ready()` has not resolved yet. */
export function wasm(): Kernels {
  if (kernels === null) {
    throw new NotReadyError();
  }
  return kernels;
}

/** Installs the instance's kernel table (and the worker pool of a threaded build): ready.ts, once. */
export function setKernels(k: Kernels, p: Pool | null): void {
  kernels = k;
  pool = p;
}

/** The worker pool, or null on one thread (plain build, or no workers). */
export function threadPool(): Pool | null {
  return pool;
}

// ---- copies between JS and the heap (fresh views every time) ----

export function writeF32(ptr: number, data: ArrayLike<number>): void {
  new Float32Array(wasm().memory.buffer, ptr, data.length).set(data);
}

export function writeI32(ptr: number, data: ArrayLike<number>): void {
  new Int32Array(wasm().memory.buffer, ptr, data.length).set(data);
}

export function readF32(ptr: number, n: number): Float32Array {
  return new Float32Array(wasm().memory.buffer, ptr, n).slice();
}

export function readI32(ptr: number, n: number): Int32Array {
  return new Int32Array(wasm().memory.buffer, ptr, n).slice();
}

/**
 * Writes a kernel descriptor (a struct of assembly/abi.ts) into its slot of the descriptor
 * area and returns the slot's address, the kernel's `desc` argument.
 */
export function descriptor<T>(layout: DescriptorLayout<T>, values: T): number {
  const k = wasm();
  const base = k.descriptorArea() + layout.slot;
  const ints = new Int32Array(k.memory.buffer, base, layout.bytes >> 2);
  const floats = new Float32Array(k.memory.buffer, base, layout.bytes >> 2);
  for (const [name, kind, offset, length] of layout.fields) {
    const target = kind === "f32" ? floats : ints;
    const value = values[name] as number | readonly number[];
    if (length === 1) target[offset >> 2] = value as number;
    else target.set(value as readonly number[], offset >> 2);
  }
  return base;
}

/** Changes one scalar field of a descriptor written by `descriptor`; returns its address again. */
export function setField<T>(layout: DescriptorLayout<T>, desc: number, name: keyof T & string, value: number): number {
  const field = layout.fields.find((f) => f[0] === name)!;
  const k = wasm();
  if (field[1] === "f32") new Float32Array(k.memory.buffer, desc + field[2], 1)[0] = value;
  else new Int32Array(k.memory.buffer, desc + field[2], 1)[0] = value;
  return desc;
}

/** The three field names of each prefix, made once (building them per call was most of a small call's JS time). */
const DHW_KEYS = new Map<string, [string, string, string]>();

/** Spreads per-dimension values [d, h, w] into the descriptor fields `${prefix}D/H/W`. */
export function dhw<P extends string>(prefix: P, values: readonly number[]): Record<`${P}${"D" | "H" | "W"}`, number> {
  let keys = DHW_KEYS.get(prefix);
  if (keys === undefined) DHW_KEYS.set(prefix, (keys = [`${prefix}D`, `${prefix}H`, `${prefix}W`]));
  const out: Record<string, number> = {};
  out[keys[0]] = values[0];
  out[keys[1]] = values[1];
  out[keys[2]] = values[2];
  return out as Record<`${P}${"D" | "H" | "W"}`, number>;
}

/** Bytes the Wasm memory currently spans (grows, never shrinks). */
export function heapSize(): number {
  return kernels === null ? 0 : kernels.memory.buffer.byteLength;
}
