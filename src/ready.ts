// ready(): which of the four builds to load, loading it, and the threads it runs on.
//
// The builds (tools/build-wasm.mjs): plain SIMD, SIMD + relaxed SIMD (fused multiply-add),
// and a threaded form of each (shared memory, for the worker pool of src/pool.ts). The
// relaxed builds are chosen where `WebAssembly.validate` accepts relaxed SIMD, unless
// `relaxedSimd: false`; the threaded ones where SharedArrayBuffer can be used (a page must
// be cross-origin isolated; workerd has none). The entries only say where a build's bytes
// are: a source passed to ready() is used as it is, and what it is is read from it.

import { instantiate } from "../build/wasm-nn.js";
import { checkBoolean, checkOptions, checkPositiveInt } from "./args";
import { Pool } from "./pool";
import { SHARED_KERNELS, describer } from "./pool-kernels";
import { type Kernels, setKernels, threadPool } from "./wasm";

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
  /** The Wasm module, as `ready(source)` takes it (default: the entry's own lookup of the best build). */
  source?: WasmSource;
  /** Threads to run on (default: the number of cores, at most 4). One where SharedArrayBuffer is missing. */
  threads?: number;
  /** Use the relaxed-SIMD build where the runtime validates it (default); `false` forces plain SIMD. */
  relaxedSimd?: boolean;
}

/** The four builds, as tools/build-wasm.mjs names them. */
export type BuildName = "plain" | "relaxed" | "threads" | "relaxed-threads";

/** How an entry finds a build's bytes (it may return another build where it has only one). */
export type BuildLocator = (build: BuildName) => WasmSource | Promise<WasmSource>;

const READY_OPTIONS = ["source", "threads", "relaxedSimd"] as const;
/** Initial pages of the threaded builds' shared memory: asconfig.json's initialMemory, what they declare. */
const INITIAL_PAGES = 2;
/** The most threads setNumThreads and ready accept. */
const MAX_THREADS = 64;
let singleThreadWarned = false;

/**
 * ready()'s argument: a WasmSource, or an options object. A plain object (or one without
 * a prototype) is always options, never a source; its keys and values are checked like
 * any options.
 */
function readyOptions(arg: WasmSource | ReadyOptions | undefined): ReadyOptions {
  if (arg === undefined) return {};
  if (arg === null || typeof arg !== "object" || !isPlainObject(arg)) return { source: arg as WasmSource };
  const o = checkOptions("ready", arg, READY_OPTIONS) as ReadyOptions;
  if (o.threads !== undefined) checkThreads("ready", "threads", o.threads);
  if (o.relaxedSimd !== undefined) checkBoolean("ready", "relaxedSimd", o.relaxedSimd);
  return o;
}

function checkThreads(layer: string, name: string, n: unknown): void {
  checkPositiveInt(layer, name, n);
  if ((n as number) > MAX_THREADS) throw new RangeError(`${layer}: expected ${name} at most ${MAX_THREADS}, got ${n}`);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  // A thenable is a PromiseLike<Response> source, whatever made it.
  return (proto === Object.prototype || proto === null) && typeof (v as { then?: unknown }).then !== "function";
}

let pending: Promise<ReadyInfo> | null = null;
let loaded = false;
/** setNumThreads before ready(): the count ready() starts with. */
let threadsBeforeReady: number | undefined;

/** The body of every entry's `ready(arg)`; a bad options object rejects. */
export function readyWith(arg: WasmSource | ReadyOptions | undefined, locate: BuildLocator): Promise<ReadyInfo> {
  let options: ReadyOptions;
  try {
    options = readyOptions(arg);
  } catch (e) {
    return Promise.reject(e);
  }
  if (pending === null) {
    pending = load(options, locate);
    // A failed load may be retried with another source.
    pending.catch(() => {
      pending = null;
    });
    return pending;
  }
  // ready() is idempotent (the first build stays); a thread count given again still applies.
  const threads = options.threads;
  if (threads === undefined) return pending;
  return pending.then(async (first) => {
    const pool = threadPool();
    if (pool === null) {
      if (threads > 1) warnSingleThread(threads);
      return first;
    }
    return { ...first, threads: await pool.setThreads(threads) };
  });
}

async function load(options: ReadyOptions, locate: BuildLocator): Promise<ReadyInfo> {
  if (!WebAssembly.validate(SIMD_PROBE)) {
    throw new Error("wasm-nn needs WebAssembly SIMD (Node 16.4+, Chrome 91+, Firefox 89+, Safari 16.4+, Deno 1.9+)");
  }
  const asked = options.threads ?? threadsBeforeReady;
  const relaxed = options.relaxedSimd !== false && WebAssembly.validate(RELAXED_PROBE);
  const shared = sharedMemoryUsable();
  const build: BuildName = relaxed ? (shared ? "relaxed-threads" : "relaxed") : shared ? "threads" : "plain";
  const module = await compile(options.source ?? (await locate(build)));
  const threaded = WebAssembly.Module.imports(module).some((i) => i.kind === "memory");
  let kernels: Kernels;
  let pool: Pool | null = null;
  if (threaded) {
    if (!shared) throw new Error("ready: this wasm-nn build is the threaded one, which needs SharedArrayBuffer (a cross-origin isolated page)");
    // Shared memory must declare its maximum: 4 GiB, what the plain build may grow to.
    const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: 65536, shared: true });
    kernels = await instantiate(module, { env: { memory } });
    pool = await Pool.create(kernels, module, memory, Object.keys(SHARED_KERNELS));
    if (pool !== null) kernels = shareKernels(kernels, pool, memory);
  } else {
    kernels = await instantiate(module, { env: {} });
  }
  setKernels(kernels, pool);
  const threads = asked ?? defaultThreads(await cores());
  if (pool !== null) await pool.setThreads(threads);
  else if (threads > 1 && asked !== undefined) warnSingleThread(threads);
  const relaxedInUse = typeof (kernels as { relaxedSimd?: () => number }).relaxedSimd === "function" && kernels.relaxedSimd() === 1;
  loaded = true;
  return { simd: true, relaxedSimd: relaxedInUse, threads: pool?.threads ?? 1 };
}

function warnSingleThread(n: number): void {
  const why =
    typeof SharedArrayBuffer !== "function" || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false
      ? "SharedArrayBuffer is not available here (a page needs the Cross-Origin-Opener-Policy and Cross-Origin-Embedder-Policy headers)"
      : "the loaded build has no threads";
  if (singleThreadWarned) return;
  singleThreadWarned = true;
  console.warn(`wasm-nn: ${n} threads asked for, but ${why}: computing on one thread (results are the same)`);
}

/**
 * Sets the number of threads the kernels run on (the calling thread included). Threads
 * start in the background: until they have, calls use those already running. In a build
 * or a runtime without threads, counts above 1 warn once and run on one thread.
 */
export function setNumThreads(n: number): void {
  checkThreads("setNumThreads", "n", n);
  if (!loaded) {
    threadsBeforeReady = n;
    return;
  }
  const pool = threadPool();
  if (pool === null) {
    if (n > 1) warnSingleThread(n);
    return;
  }
  void pool.setThreads(n);
}

/** Threads the kernels run on now (1 before ready() and without threads). */
export function numThreads(): number {
  return threadPool()?.threads ?? 1;
}

function defaultThreads(cores: number): number {
  return Math.max(1, Math.min(cores, 4));
}

async function cores(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (typeof nav?.hardwareConcurrency === "number") return nav.hardwareConcurrency;
  try {
    const name = "node:os";
    const os = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as { availableParallelism?: () => number; cpus(): unknown[] };
    return os.availableParallelism ? os.availableParallelism() : os.cpus().length;
  } catch {
    return 1;
  }
}

/** SharedArrayBuffer exists and may be shared with workers (a page must be cross-origin isolated). */
function sharedMemoryUsable(): boolean {
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") return false;
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/** The kernel table with every shared kernel (pool-kernels.ts) run over the pool when a call is big enough. */
function shareKernels(raw: Kernels, pool: Pool, memory: WebAssembly.Memory): Kernels {
  const table = Object.create(raw) as Record<string, unknown>;
  const describe = describer(memory);
  Object.entries(SHARED_KERNELS).forEach(([name, spec], index) => {
    const fn = (raw as unknown as Record<string, (...a: number[]) => void>)[name];
    // defineProperty: the instance's exports (the prototype) are read-only properties.
    Object.defineProperty(table, name, {
      value: (...args: number[]) => {
        if (pool.threads > 1 && spec.work(args, describe) >= spec.min) pool.run(index, args, () => fn(...args), spec.scratch);
        else fn(...args);
      },
    });
  });
  return table as unknown as Kernels;
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

// (func (result v128) (f32x4.relaxed_madd (v128.const 0) (v128.const 0) (v128.const 0))): relaxed SIMD.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  253, 133, 2, 11,
]);
