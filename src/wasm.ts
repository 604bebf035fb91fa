// The bridge to the Wasm module: load and instantiate once per runtime, expose the typed
// kernel table, and do every copy between JS arrays and the Wasm heap.
//
// Memory growth replaces `memory.buffer` and detaches every view over the old one, so
// each copy below takes a fresh view and no view outlives the function that made it.

import type { DescriptorLayout } from "../build/abi.js";
import { instantiate } from "../build/wasm-nn.js";
import { checkBoolean, checkOptions, checkPositiveInt } from "./args";
import { NotReadyError } from "./errors";

export type Kernels = Awaited<ReturnType<typeof instantiate>>;

/** What `ready()` resolves to. */
export interface ReadyInfo {
  /** WebAssembly SIMD128 is in use (always true: the module needs it). */
  simd: boolean;
  /** The loaded kernels use relaxed SIMD (fused multiply-add). */
  relaxedSimd: boolean;
  /** Threads the kernels run on. */
  threads: number;
}

/** Everything `ready(source)` accepts as the Wasm module. */
export type WasmSource =
  | WebAssembly.Module
  | ArrayBuffer
  | ArrayBufferView
  | Response
  | PromiseLike<Response>
  | URL
  | string;

/** `ready(options)`: where the Wasm comes from, and what to use if the runtime allows. */
export interface ReadyOptions {
  /** The Wasm module, as `ready(source)` takes it (default: the entry's own lookup). */
  source?: WasmSource;
  /** Threads to run on. This build runs on one: a larger count is reported, not used. */
  threads?: number;
  /** Use the relaxed-SIMD kernels where the runtime validates them; `false` forces plain SIMD. */
  relaxedSimd?: boolean;
}

const READY_OPTIONS = ["source", "threads", "relaxedSimd"] as const;
let threadsWarned = false;

/**
 * The source in `ready()`'s argument: a WasmSource, or an options object. A plain object
 * (or one without a prototype) is always options, never a source; its keys and values
 * are checked like any options. Asking for more than one thread warns once, because this
 * build computes on one thread (what `ready()` resolves to says so too).
 */
function readySource(arg: WasmSource | ReadyOptions | undefined): WasmSource | undefined {
  if (arg === null || typeof arg !== "object" || !isPlainObject(arg)) return arg as WasmSource | undefined;
  const o = checkOptions("ready", arg, READY_OPTIONS) as ReadyOptions;
  if (o.threads !== undefined) {
    checkPositiveInt("ready", "threads", o.threads);
    if (o.threads > 1 && !threadsWarned) {
      threadsWarned = true;
      console.warn(`wasm-nn: ready({ threads: ${o.threads} }): this build computes on one thread; ready() reports threads: 1`);
    }
  }
  if (o.relaxedSimd !== undefined) checkBoolean("ready", "relaxedSimd", o.relaxedSimd);
  return o.source;
}

/** The body of every entry's `ready(arg)`: the source from `arg`, else `fallback`; a bad options object rejects. */
export function readyWith(arg: WasmSource | ReadyOptions | undefined, fallback: WasmSource | (() => WasmSource | Promise<WasmSource>)): Promise<ReadyInfo> {
  let source: WasmSource | undefined;
  try {
    source = readySource(arg);
  } catch (e) {
    return Promise.reject(e);
  }
  return initialize(source ?? fallback);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  // A thenable is a PromiseLike<Response> source, whatever made it.
  return (proto === Object.prototype || proto === null) && typeof (v as { then?: unknown }).then !== "function";
}

let kernels: Kernels | null = null;
let info: ReadyInfo | null = null;
let pending: Promise<ReadyInfo> | null = null;

/** The kernel table; throws a clear error when `ready()` has not resolved yet. */
export function wasm(): Kernels {
  if (kernels === null) {
    throw new NotReadyError();
  }
  return kernels;
}


/** Compiles and instantiates the module once; later calls return the first result. */
export function initialize(source: WasmSource | (() => WasmSource | Promise<WasmSource>)): Promise<ReadyInfo> {
  if (pending === null) {
    pending = (async () => {
      if (!WebAssembly.validate(SIMD_PROBE)) {
        throw new Error("wasm-nn needs WebAssembly SIMD (Node 16.4+, Chrome 91+, Firefox 89+, Safari 16.4+, Deno 1.9+)");
      }
      const module = await compile(typeof source === "function" ? await source() : source);
      kernels = await instantiate(module, { env: {} });
      info = { simd: true, relaxedSimd: false, threads: 1 };
      return info;
    })();
    // A failed load may be retried with another source.
    pending.catch(() => {
      pending = null;
    });
  }
  return pending;
}

/** Compiles any accepted source to a module (the entries use it for their default lookup). */
export async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source as BufferSource);
  if (typeof source === "string" || source instanceof URL) {
    const url = new URL(String(source), typeof location === "undefined" ? undefined : location.href);
    if (url.protocol === "file:") return WebAssembly.compile((await readFileUrl(url)) as BufferSource);
    return compile(fetch(url));
  }
  const response = await source;
  if (!response.ok) throw new Error(`wasm-nn: could not fetch ${response.url || "the .wasm file"} (HTTP ${response.status})`);
  // compileStreaming insists on the application/wasm content type; fall back to bytes otherwise.
  if (typeof WebAssembly.compileStreaming === "function" && response.headers.get("content-type") === "application/wasm") {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

async function readFileUrl(url: URL): Promise<Uint8Array> {
  // The specifier is a variable so browser bundlers do not try to resolve a Node module.
  const fsModule = "node:fs/promises";
  const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ fsModule)) as {
    readFile(u: URL): Promise<Uint8Array>;
  };
  return fs.readFile(url);
}

// The smallest module using a v128 instruction: (func (result v128) (v128.const i32x4 0 0 0 0)).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

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
