// The fuzzing harness: runs generated calls against the public API and checks that each
// one either returns what a float64 reference computes (within tolerance) or throws a
// TypeError / RangeError; that it leaves its inputs as they were; and that memory()
// (tensors and bytes) is back where it was afterwards. A failing case is shrunk and
// printed as a runnable script.
//
// The harness takes the API as an argument, so the same code runs against src/ (vitest)
// and against the built dist/ (tools/fuzz.mjs). New functions join through a generator
// entry (see entries.ts): an entry turns random choices into a Case, which is data: the
// input tensors, the call, and what is expected.

import type * as WasmNN from "../../src/index";
import type { Tensor } from "../../src/index";
import { isClose } from "../helpers/closeness";
import { type Choices, Overrun, choices, shrinkChoices } from "./choices";

export type Api = typeof WasmNN;

/** An input tensor: row-major values of the logical shape, and how it is laid out. */
export interface TensorSpec {
  name: string;
  shape: number[];
  values: number[];
  dtype?: "float32" | "int32";
  /** A contiguous tensor, a transposed view (last two dims) or a view with step 2 along the last dim. */
  layout?: "contiguous" | "transposed" | "strided";
  /** Passed after dispose(). */
  disposed?: boolean;
}

/** A reference to an input tensor inside call arguments. */
export interface TRef {
  $t: string;
}

/** Bytes (a Uint8Array) inside call arguments. */
export interface Bytes {
  $bytes: number[];
}

/** A typed array (or a plain array) of values inside call arguments. */
export interface Typed {
  $typed: "Uint8ClampedArray" | "Uint8Array" | "Float32Array" | "Array";
  values: unknown[];
}

export type Arg = number | string | boolean | null | undefined | TRef | Bytes | Typed | Arg[] | { [key: string]: Arg };

export type Call =
  | { kind: "fn"; fn: string; args: Arg[] }
  | { kind: "method"; self: string; method: string; args: Arg[] }
  | { kind: "module"; ctor: string; ctorArgs: Arg[]; state?: Record<string, TRef>; args: Arg[] };

export interface RefOut {
  shape: number[];
  data: ArrayLike<number>;
  /** Per element, the sum of |terms| of a sum of products: widens the tolerance to what float32 accumulation allows. */
  mag?: ArrayLike<number>;
  dtype?: "float32" | "int32";
}

export interface Expect {
  /** "ok": must return `outputs`; "error": must throw; "either": may do both (outputs checked when it returns). */
  kind: "ok" | "error" | "either";
  outputs?: RefOut[];
  rtol?: number;
  atol?: number;
}

export interface Case {
  tensors: TensorSpec[];
  call: Call;
  expect: Expect;
  /** Whether the inputs hold hostile values (NaN, infinities, outliers, ...). */
  hostile?: boolean;
  /** Anything an entry's known() needs to recognise a case. */
  meta?: Record<string, unknown>;
}

export interface Failure {
  kind: "error-class" | "raw-error" | "unexpected-error" | "no-error" | "shape" | "mismatch" | "input-changed" | "leak" | "unhealthy" | "generator";
  message: string;
}

export interface Entry {
  name: string;
  gen(r: Choices): Case;
  /** A failure this entry knows about (an open issue): returns its description, and the case counts as known. */
  known?(c: Case, f: Failure): string | null;
}

export const t = (name: string): TRef => ({ $t: name });

const isRef = (v: unknown): v is TRef => typeof v === "object" && v !== null && typeof (v as TRef).$t === "string";
const isBytes = (v: unknown): v is Bytes => typeof v === "object" && v !== null && Array.isArray((v as Bytes).$bytes);
const isTyped = (v: unknown): v is Typed => typeof v === "object" && v !== null && typeof (v as Typed).$typed === "string";
const TYPED = { Uint8ClampedArray, Uint8Array, Float32Array } as const;

// ---- running one case ----

interface Built {
  byName: Map<string, Tensor>;
  /** Every tensor made (bases of views too), to dispose at the end. */
  all: Tensor[];
}

function build(api: Api, specs: TensorSpec[]): Built {
  const byName = new Map<string, Tensor>();
  const all: Tensor[] = [];
  for (const s of specs) {
    const dtype = s.dtype ?? "float32";
    const { base, view } = layoutOf(s);
    const b = api.tensor(base.values, base.shape, { dtype });
    all.push(b);
    let x = b;
    if (view === "transposed") {
      x = b.transpose(-2, -1);
      all.push(x);
    } else if (view === "strided") {
      x = b.slice(-1, 0, undefined, 2);
      all.push(x);
    }
    if (s.disposed) for (const v of [b, x]) v.dispose();
    byName.set(s.name, x);
  }
  return { byName, all };
}

/** The base tensor's values and shape for a layout (and which view to take of it). */
function layoutOf(s: TensorSpec): { base: { values: number[]; shape: number[] }; view: "contiguous" | "transposed" | "strided" } {
  const layout = s.shape.length >= 2 || (s.layout === "strided" && s.shape.length >= 1) ? (s.layout ?? "contiguous") : "contiguous";
  if (layout === "transposed") {
    const n = s.shape.length;
    const [r, c] = [s.shape[n - 2], s.shape[n - 1]];
    const shape = [...s.shape.slice(0, n - 2), c, r];
    const values = new Array<number>(s.values.length);
    const plane = r * c;
    for (let p = 0; p * plane < s.values.length; p++) {
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) values[p * plane + j * r + i] = s.values[p * plane + i * c + j];
    }
    return { base: { values, shape }, view: "transposed" };
  }
  if (layout === "strided") {
    const n = s.shape.length;
    const last = s.shape[n - 1];
    const shape = [...s.shape.slice(0, n - 1), 2 * last];
    const values = new Array<number>(2 * s.values.length).fill(-7);
    for (let i = 0; i < s.values.length; i++) values[2 * Math.floor(i / last) * last + (i % last) * 2] = s.values[i];
    return { base: { values, shape }, view: "strided" };
  }
  return { base: { values: s.values, shape: s.shape }, view: "contiguous" };
}

function resolve(v: Arg, byName: Map<string, Tensor>): unknown {
  if (isRef(v)) {
    const x = byName.get(v.$t);
    if (x === undefined) throw new Error(`harness: no tensor ${v.$t}`);
    return x;
  }
  if (isBytes(v)) return new Uint8Array(v.$bytes);
  if (isTyped(v)) return v.$typed === "Array" ? v.values.slice() : new TYPED[v.$typed](v.values as number[]);
  if (Array.isArray(v)) return v.map((a) => resolve(a, byName));
  if (v !== null && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, a] of Object.entries(v)) o[k] = resolve(a, byName);
    return o;
  }
  return v;
}

function lookup(api: Api, path: string): unknown {
  let v: unknown = api;
  for (const part of path.split(".")) v = (v as Record<string, unknown>)[part];
  if (v === undefined) throw new Error(`harness: the API has no ${path}`);
  return v;
}

/** Pseudo-functions for calls that take more than one expression (printed the same way in reproductions). */
const HELPERS: Record<string, string> = {
  sequential: `const sequential = (layers, x) => {
  const m = new nn.Sequential(...layers.map(({ ctor, args }) => new (ctor.split(".").reduce((o, k) => o[k], { nn }))(...args)));
  try { return m.forward(x); } finally { m.dispose(); }
};`,
};

function helper(api: Api, name: string): ((...a: unknown[]) => unknown) | null {
  if (name !== "sequential") return null;
  return (layers: unknown, x: unknown) => {
    const mods = (layers as { ctor: string; args: unknown[] }[]).map(({ ctor, args }) => {
      const C = lookup(api, ctor) as new (...a: unknown[]) => WasmNN.nn.Module;
      return new C(...args);
    });
    const m = new api.nn.Sequential(...mods);
    try {
      return m.forward(x as WasmNN.Tensor);
    } finally {
      m.dispose();
    }
  };
}

function invoke(api: Api, call: Call, byName: Map<string, Tensor>, made: { dispose(): void }[]): unknown {
  if (call.kind === "fn") {
    const h = helper(api, call.fn);
    if (h) return h(...call.args.map((a) => resolve(a, byName)));
    return (lookup(api, call.fn) as (...a: unknown[]) => unknown)(...call.args.map((a) => resolve(a, byName)));
  }
  if (call.kind === "method") {
    const self = byName.get(call.self) as unknown as Record<string, (...a: unknown[]) => unknown>;
    return self[call.method](...call.args.map((a) => resolve(a, byName)));
  }
  const Ctor = lookup(api, call.ctor) as new (...a: unknown[]) => { forward(...a: unknown[]): unknown; loadStateDict(d: unknown): void; dispose(): void };
  const m = new Ctor(...call.ctorArgs.map((a) => resolve(a, byName)));
  made.push(m);
  if (call.state) m.loadStateDict(resolve(call.state as unknown as Arg, byName));
  return m.forward(...call.args.map((a) => resolve(a, byName)));
}

function tensorsIn(api: Api, result: unknown): Tensor[] {
  if (Array.isArray(result)) return result.flatMap((r) => tensorsIn(api, r));
  if (result === null || typeof result !== "object" || ArrayBuffer.isView(result)) return [];
  if (Object.getPrototypeOf(result) === api.Tensor.prototype) return [result as Tensor];
  // A { name: Tensor } dict (loadSafetensors): its own values, whatever its prototype.
  return Object.getOwnPropertyNames(result).flatMap((k) => tensorsIn(api, (result as Record<string, unknown>)[k]));
}

function bitsOf(x: Tensor): Uint32Array | null {
  if (x.isDisposed) return null;
  const a = x.toArray();
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

function sameBits(a: Uint32Array | null, b: Uint32Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

const F32_MAX = 3.4028234663852886e38;

/** The worst element outside tolerance, or null. Sums whose |terms| overflow float32 are not checked. */
function compare(actual: ArrayLike<number>, ref: RefOut, rtol: number, atol: number): string | null {
  let worst = -1;
  let worstErr = -1;
  let bad = 0;
  for (let i = 0; i < ref.data.length; i++) {
    const e = ref.data[i];
    const a = actual[i];
    const mag = ref.mag ? ref.mag[i] : 0;
    if (!(mag <= F32_MAX) && !Number.isNaN(mag)) continue;
    if (Number.isFinite(e) && Math.abs(e) > F32_MAX) {
      if (Math.abs(a) >= F32_MAX * 0.999 && Math.sign(a) === Math.sign(e)) continue;
    }
    // float32 accumulation of a sum of products: error up to about K eps sum |terms|.
    if (isClose(a, e, rtol, atol + rtol * mag)) continue;
    bad++;
    const err = Number.isFinite(a) && Number.isFinite(e) ? Math.abs(a - e) : Infinity;
    if (err > worstErr) {
      worstErr = err;
      worst = i;
    }
  }
  if (bad === 0) return null;
  return `${bad}/${ref.data.length} values out of tolerance; worst at flat index ${worst}: got ${actual[worst]}, expected ${ref.data[worst]}${ref.mag ? ` (sum of |terms| ${ref.mag[worst]})` : ""}`;
}

/** Runs one case; null when every check passes. */
export function runCase(api: Api, c: Case): Failure | null {
  const before = api.memory();
  let built: Built;
  try {
    built = build(api, c.tensors);
  } catch (e) {
    return { kind: "generator", message: `building the inputs failed: ${(e as Error).message}` };
  }
  const withInputs = api.memory();
  const inputBits = new Map<string, Uint32Array | null>();
  for (const [name, x] of built.byName) inputBits.set(name, bitsOf(x));
  const made: { dispose(): void }[] = [];
  let failure: Failure | null = null;
  let result: unknown;
  let threw: unknown = undefined;
  let didThrow = false;
  try {
    result = invoke(api, c.call, built.byName, made);
  } catch (e) {
    didThrow = true;
    threw = e;
  }
  const outs = didThrow ? [] : tensorsIn(api, result);
  try {
    if (didThrow) {
      const isAllowed = threw instanceof TypeError || threw instanceof RangeError;
      const desc = threw instanceof Error ? `${threw.constructor.name}: ${threw.message}` : `a thrown ${typeof threw}: ${String(threw)}`;
      if (!isAllowed) failure = { kind: "error-class", message: `threw ${desc}` };
      else if (!/^[A-Za-z_$][\w$.]*: /.test((threw as Error).message)) failure = { kind: "raw-error", message: `threw ${desc}, which does not name the function called` };
      else if (c.expect.kind === "ok") failure = { kind: "unexpected-error", message: `threw ${desc}` };
    } else if (c.expect.kind === "error") {
      failure = { kind: "no-error", message: `expected a TypeError or RangeError, got ${describeResult(outs, result)}` };
    } else if (c.expect.outputs) {
      failure = checkOutputs(outs, c.expect);
    }
    if (failure === null && !didThrow && result !== null && typeof result === "object" && !Array.isArray(result)) {
      const proto = Object.getPrototypeOf(result);
      if (proto !== api.Tensor.prototype && proto !== Object.prototype && proto !== null) {
        failure = { kind: "shape", message: `the result's prototype was replaced (by ${String(proto)})` };
      }
    }
  } catch (e) {
    failure = { kind: "unexpected-error", message: `checking the result threw ${(e as Error).message}` };
  } finally {
    for (const o of outs) if (!built.all.includes(o)) o.dispose();
    for (const m of made) m.dispose();
  }
  if (failure === null) {
    for (const [name, x] of built.byName) {
      if (!sameBits(inputBits.get(name) ?? null, bitsOf(x))) {
        failure = { kind: "input-changed", message: `input ${name} was modified` };
        break;
      }
    }
  }
  if (failure === null) {
    const now = api.memory();
    if (now.tensors !== withInputs.tensors || now.bytes !== withInputs.bytes) {
      failure = { kind: "leak", message: `memory() went from ${withInputs.tensors} tensors / ${withInputs.bytes} bytes to ${now.tensors} / ${now.bytes} (${didThrow ? "after an error" : "after disposing the results"})` };
    }
  }
  try {
    for (const x of built.all) x.dispose();
  } catch (e) {
    return failure ?? { kind: "unhealthy", message: `disposing the inputs threw ${(e as Error).message}` };
  }
  if (failure === null) {
    const after = api.memory();
    if (after.tensors !== before.tensors || after.bytes !== before.bytes) {
      failure = { kind: "leak", message: `memory() went from ${before.tensors} tensors / ${before.bytes} bytes to ${after.tensors} / ${after.bytes} after disposing the inputs` };
    }
  }
  if (failure === null && didThrow) failure = healthCheck(api);
  return failure;
}

function describeResult(outs: Tensor[], result: unknown): string {
  if (outs.length > 0) return outs.map((o) => `a ${o.dtype} tensor of shape [${o.shape}]`).join(" and ");
  return `the value ${String(result)}`;
}

function checkOutputs(outs: Tensor[], expect: Expect): Failure | null {
  const refs = expect.outputs ?? [];
  if (outs.length !== refs.length) return { kind: "shape", message: `expected ${refs.length} output tensor(s), got ${outs.length}` };
  for (let k = 0; k < refs.length; k++) {
    const o = outs[k];
    const ref = refs[k];
    const label = refs.length > 1 ? `output ${k}: ` : "";
    if (o.shape.length !== ref.shape.length || o.shape.some((s, i) => s !== ref.shape[i])) {
      return { kind: "shape", message: `${label}shape [${o.shape}], expected [${ref.shape}]` };
    }
    if (ref.dtype && o.dtype !== ref.dtype) return { kind: "shape", message: `${label}dtype ${o.dtype}, expected ${ref.dtype}` };
    const exact = ref.dtype === "int32";
    const problem = compare(o.toArray(), ref, exact ? 0 : (expect.rtol ?? 1e-4), exact ? 0 : (expect.atol ?? 1e-5));
    if (problem !== null) return { kind: "mismatch", message: label + problem };
  }
  return null;
}

/** After an error the library must still compute correctly. */
function healthCheck(api: Api): Failure | null {
  const x = api.tensor([1, -2, 3, -4], [2, 2]);
  try {
    const y = api.F.relu(x);
    const v = Array.from(y.toArray());
    y.dispose();
    if (v.join() !== "1,0,3,0") return { kind: "unhealthy", message: `after the error, F.relu([[1,-2],[3,-4]]) gave ${v}` };
  } catch (e) {
    return { kind: "unhealthy", message: `after the error, F.relu threw ${(e as Error).message}` };
  } finally {
    x.dispose();
  }
  return null;
}

// ---- printing a case as a script ----

export function js(v: unknown): string {
  if (isRef(v)) return v.$t;
  if (isBytes(v)) return `new Uint8Array([${v.$bytes.join(", ")}])`;
  if (isTyped(v)) return v.$typed === "Array" ? js(v.values) : `new ${v.$typed}(${js(v.values)})`;
  if (v === undefined) return "undefined";
  if (typeof v === "number") {
    if (Object.is(v, -0)) return "-0";
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    return String(v);
  }
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(js).join(", ")}]`;
  if (v !== null && typeof v === "object") {
    const parts = Object.entries(v).map(([k, a]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${js(a)}`);
    return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
  }
  return String(v);
}

function callCode(call: Call): string {
  if (call.kind === "fn") return `${call.fn}(${call.args.map(js).join(", ")})`;
  if (call.kind === "method") return `${call.self}.${call.method}(${call.args.map(js).join(", ")})`;
  const lines = [`const m = new ${call.ctor}(${call.ctorArgs.map(js).join(", ")});`];
  if (call.state) lines.push(`m.loadStateDict(${js(call.state)});`);
  lines.push(`m.forward(${call.args.map(js).join(", ")})`);
  return lines.join("\n");
}

function importsFor(call: Call): string[] {
  const names = new Set(["ready", "tensor", "memory"]);
  if (call.kind === "fn" && call.fn.startsWith("image.")) names.add("image");
  const path = call.kind === "fn" ? call.fn : call.kind === "module" ? call.ctor : "";
  if (path && HELPERS[path]) names.add("nn");
  else if (path) names.add(path.split(".")[0]);
  return [...names];
}

/** A runnable script that replays the case and reports what the fuzzer saw. */
export function reproduction(entry: string, c: Case, f: Failure, importFrom = "wasm-nn"): string {
  const lines = [
    `// fuzz entry "${entry}": ${f.kind}: ${f.message}`,
    `import { ${importsFor(c.call).join(", ")} } from ${JSON.stringify(importFrom)};`,
    `await ready();`,
  ];
  if (c.call.kind === "fn" && HELPERS[c.call.fn]) lines.push(HELPERS[c.call.fn]);
  for (const s of c.tensors) {
    const { base, view } = layoutOf(s);
    const dtype = s.dtype === "int32" ? `, { dtype: "int32" }` : "";
    let expr = `tensor(${js(base.values)}, ${js(base.shape)}${dtype})`;
    if (view === "transposed") expr += `.transpose(-2, -1)`;
    if (view === "strided") expr += `.slice(-1, 0, undefined, 2)`;
    lines.push(`const ${s.name} = ${expr};`);
    if (s.disposed) lines.push(`${s.name}.dispose();`);
  }
  lines.push(`const before = memory();`);
  if (c.call.kind === "module") lines.push(`let m;`);
  lines.push(`try {`);
  const code = callCode(c.call).split("\n");
  const last = code.pop()!;
  for (const l of code) lines.push(`  ${l.replace(/^const m = /, "m = ")}`);
  lines.push(`  const out = ${last};`);
  lines.push(`  const outs = out !== null && typeof out === "object" && !Array.isArray(out) && !("shape" in out) ? Object.values(out) : [out].flat();`);
  lines.push(`  for (const o of outs) console.log(o.dtype, o.shape, Array.from(o.toArray()));`);
  lines.push(`  for (const o of outs) if (!Object.values({ ${c.tensors.map((s) => s.name).join(", ")} }).includes(o)) o.dispose();`);
  lines.push(`} catch (e) {`);
  lines.push("  console.log(`${e.constructor.name}: ${e.message}`);");
  lines.push(c.call.kind === "module" ? `} finally {\n  m?.dispose();\n}` : `}`);
  lines.push("console.log(`memory(): ${before.tensors} tensors / ${before.bytes} bytes before, ${memory().tensors} / ${memory().bytes} after`);");
  if (c.expect.kind === "error") lines.push(`// expected: a TypeError or RangeError`);
  else if (c.expect.outputs) for (const o of c.expect.outputs) lines.push(`// expected shape [${o.shape}]: ${js(Array.from(o.data).slice(0, 64))}`);
  return lines.join("\n");
}

// ---- the fuzz loop ----

export interface FailureReport {
  entry: string;
  seed: number;
  failure: Failure;
  code: string;
}

export interface FuzzStats {
  cases: number;
  byEntry: Record<string, { cases: number; errors: number; known: number }>;
  known: Record<string, number>;
  failures: FailureReport[];
  /** The run ended on a trap that may have left the Wasm instance unusable. */
  poisoned?: boolean;
}

export interface FuzzOptions {
  seed: number;
  /** Stop after this many cases ... */
  cases?: number;
  /** ... or after this many milliseconds, whichever comes first. */
  ms?: number;
  /** Number of the first case (to continue a run in slices). */
  start?: number;
  /** Stop at the first failure (after shrinking it). */
  stopAtFirst?: boolean;
  /** Where the printed reproductions import the package from. */
  importFrom?: string;
  onFailure?(r: FailureReport): void;
}

/** A 32-bit seed per (run seed, case number). */
export function caseSeed(seed: number, i: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

function attemptCase(api: Api, entry: Entry, r: Choices): { c: Case | null; f: Failure | null } {
  let c: Case;
  try {
    c = entry.gen(r);
  } catch (e) {
    if (e instanceof Overrun) throw e;
    return { c: null, f: { kind: "generator", message: `the generator threw ${(e as Error).stack ?? e}` } };
  }
  return { c, f: runCase(api, c) };
}

export function fuzz(api: Api, entries: readonly Entry[], o: FuzzOptions): FuzzStats {
  const stats: FuzzStats = { cases: 0, byEntry: {}, known: {}, failures: [] };
  const start = Date.now();
  const first = o.start ?? 0;
  const limit = first + (o.cases ?? Infinity);
  for (let i = first; i < limit; i++) {
    if (o.ms !== undefined && Date.now() - start >= o.ms) break;
    const entry = entries[i % entries.length];
    const seed = caseSeed(o.seed, i);
    const r = choices(seed);
    const { c, f } = attemptCase(api, entry, r);
    stats.cases++;
    const per = (stats.byEntry[entry.name] ??= { cases: 0, errors: 0, known: 0 });
    per.cases++;
    if (c?.expect.kind === "error") per.errors++;
    if (f === null) continue;
    const known = c && entry.known ? entry.known(c, f) : null;
    if (known !== null) {
      per.known++;
      stats.known[known] = (stats.known[known] ?? 0) + 1;
      continue;
    }
    // After a trap inside the kernels the Wasm instance may be unusable: no shrinking (it replays cases), and the run ends.
    const poisoned = f.kind === "unhealthy" || (f.kind === "error-class" && f.message.includes("RuntimeError"));
    const report = poisoned && c
      ? { entry: entry.name, seed, failure: f, code: reproduction(entry.name, c, f, o.importFrom) + "\n// (not shrunk: the instance may be unusable after this failure)" }
      : shrinkFailure(api, entry, r.drawn, f, seed, o.importFrom);
    stats.failures.push(report);
    o.onFailure?.(report);
    if (poisoned) stats.poisoned = true;
    if (o.stopAtFirst || poisoned) break;
  }
  return stats;
}

/** Shrinks a failing case to a small one that fails the same way. */
export function shrinkFailure(api: Api, entry: Entry, drawn: readonly number[], f: Failure, seed: number, importFrom?: string): FailureReport {
  let last: { c: Case; f: Failure } | null = null;
  const fails = (list: readonly number[]): boolean => {
    try {
      const { c, f: g } = attemptCase(api, entry, choices(0, list));
      if (c === null || g === null || g.kind !== f.kind) return false;
      if (entry.known?.(c, g)) return false;
      last = { c, f: g };
      return true;
    } catch (e) {
      if (e instanceof Overrun) return false;
      throw e;
    }
  };
  const best = shrinkChoices(drawn, fails);
  last = null;
  fails(best);
  const final = last as { c: Case; f: Failure } | null;
  if (final === null) return { entry: entry.name, seed, failure: f, code: `// (could not replay) ${f.message}` };
  return { entry: entry.name, seed, failure: final.f, code: reproduction(entry.name, final.c, final.f, importFrom) };
}
