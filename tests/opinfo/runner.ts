// Runs OpInfo entries: builds tensors from host data (contiguous or as views), compares
// outputs with the float64 references, and checks error inputs for class, prefix,
// untouched inputs and parameters, and an unchanged heap.
import { Tensor, memory, tensor } from "../../src/index";
import { DEFAULT_TOLERANCE, type Tolerance, unravel } from "../helpers/allclose";
import { type Rng, rng } from "../helpers/random";
import { type ErrorCase, type Host, type Module, type OpInfo, type Params, type Ref, type Sample, type Variant, numel, stridesOf } from "./core";

export type Layout = "contiguous" | "permuted" | "sliced";

/** A wasm-nn tensor holding `h`, laid out as asked; every tensor made is pushed to `made`. */
export function makeTensor(h: Host, layout: Layout, made: Tensor[]): Tensor {
  const dtype = h.dtype ?? "float32";
  const n = numel(h.shape);
  const typed = (len: number) => (dtype === "int32" ? new Int32Array(len) : new Float32Array(len));
  const nd = h.shape.length;
  if (layout === "permuted" && nd < 2) layout = "sliced";
  if (layout === "contiguous" || nd === 0) {
    const a = typed(n);
    a.set(h.data);
    const t = tensor(a, h.shape, { dtype });
    made.push(t);
    return t;
  }
  if (layout === "permuted") {
    // Stored with every dimension reversed, then permuted back: a view with reversed strides.
    const rs = h.shape.slice().reverse();
    const rstr = stridesOf(rs);
    const base = typed(n);
    for (let i = 0; i < n; i++) {
      const idx = unravel(i, h.shape);
      let j = 0;
      for (let d = 0; d < nd; d++) j += idx[d] * rstr[nd - 1 - d];
      base[j] = h.data[i];
    }
    const b = tensor(base, rs, { dtype });
    made.push(b);
    const v = b.permute(rs.map((_, d) => nd - 1 - d));
    made.push(v);
    return v;
  }
  // sliced: every other element of a last dimension twice as long; the gaps hold NaN (-7 for int32).
  const last = h.shape[nd - 1];
  const bs = [...h.shape.slice(0, -1), 2 * last];
  const base = typed(2 * n).fill(dtype === "int32" ? -7 : NaN);
  for (let i = 0; i < n; i++) base[2 * i] = h.data[i];
  const b = tensor(base, bs, { dtype });
  made.push(b);
  const v = b.slice(nd - 1, 0, undefined, 2);
  made.push(v);
  return v;
}

export function tensorsIn(v: unknown, out: Tensor[] = []): Tensor[] {
  if (v instanceof Tensor) out.push(v);
  else if (Array.isArray(v)) for (const x of v) tensorsIn(x, out);
  return out;
}

export function disposeAll(ts: Tensor[]): void {
  for (let i = ts.length - 1; i >= 0; i--) ts[i].dispose();
}

function bits(t: Tensor): Uint32Array {
  const a = t.toArray();
  return new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function paramsOf(m: Module | undefined): Params {
  const p: Params = {};
  if (!m) return p;
  for (const [name, t] of m.namedParameters()) p[name] = { data: Float64Array.from(t.toArray()), shape: t.shape.slice(), dtype: t.dtype };
  return p;
}

/** Compares one output with its reference; returns a description of the problem or null. */
export function compare(out: unknown, ref: Ref, tol: Tolerance, finiteOnly: boolean, label: string): string | null {
  if (!(out instanceof Tensor)) return `${label}: expected a Tensor, got ${String(out)}`;
  if (out.shape.length !== ref.shape.length || out.shape.some((s, i) => s !== ref.shape[i])) {
    return `${label}: shape [${out.shape}] but the reference has [${ref.shape}]`;
  }
  if (ref.dtype && out.dtype !== ref.dtype) return `${label}: dtype ${out.dtype} but expected ${ref.dtype}`;
  const a = out.toArray();
  const rtol = tol.rtol ?? DEFAULT_TOLERANCE.rtol;
  const atol = tol.atol ?? DEFAULT_TOLERANCE.atol;
  let bad = 0;
  let worst = -1;
  let worstErr = -1;
  for (let i = 0; i < a.length; i++) {
    const e = out.dtype === "int32" ? ref.data[i] : Math.fround(ref.data[i]);
    const v = a[i];
    let ok: boolean;
    let err = Infinity;
    if (Number.isNaN(e)) ok = finiteOnly || Number.isNaN(v);
    else if (!Number.isFinite(e)) ok = finiteOnly || v === e;
    else if (ref.exact) ok = v === e;
    else {
      const m = ref.magnitude ? Math.fround(ref.magnitude[i]) : 0;
      err = Math.abs(v - e);
      ok = Number.isFinite(v) && err <= atol + rtol * Math.abs(e) + rtol * (Number.isFinite(m) ? m : Infinity);
    }
    if (!ok) {
      bad++;
      if (!Number.isFinite(err)) err = Infinity;
      if (err > worstErr || worst < 0) {
        worstErr = err;
        worst = i;
      }
    }
  }
  if (bad === 0) return null;
  return (
    `${label}: ${bad}/${a.length} values wrong (rtol ${rtol}, atol ${atol}${ref.exact ? ", exact" : ""}); ` +
    `worst at [${unravel(worst, ref.shape)}]: got ${a[worst]}, expected ${ref.data[worst]}`
  );
}

export interface CaseResult {
  id: string;
  problems: string[];
}

/** Runs one sample in one layout; returns its problems (empty when it passed). */
export function runSample(entry: OpInfo, s: Sample, layout: Layout, finiteOnly = false): string[] {
  const problems: string[] = [];
  const made: Tensor[] = [];
  const before = memory();
  let m: Module | undefined;
  let outs: Tensor[] = [];
  try {
    m = s.module?.();
    const perturb = s.perturb ?? s.inputs.map((_, i) => i);
    const ts = s.inputs.map((h, i) => makeTensor(h, perturb.includes(i) ? layout : "contiguous", made));
    const p = paramsOf(m);
    const out = s.call(ts, m);
    outs = tensorsIn(out);
    const tol = { ...DEFAULT_TOLERANCE, ...entry.tol, ...s.tol };
    if (s.ref) {
      const refs = s.ref(s.inputs, p);
      if (Array.isArray(refs)) {
        if (!Array.isArray(out) || out.length !== refs.length) problems.push(`expected an array of ${refs.length} tensors, got ${describeOut(out)}`);
        else refs.forEach((r, i) => {
          const msg = compare(out[i], r, tol, finiteOnly, `output ${i}`);
          if (msg) problems.push(msg);
        });
      } else {
        const msg = compare(out, refs, tol, finiteOnly, "output");
        if (msg) problems.push(msg);
      }
    }
    if (s.check) {
      try {
        s.check(out, s.inputs, p);
      } catch (e) {
        problems.push(`check: ${(e as Error).message}`);
      }
    }
  } catch (e) {
    problems.push(`threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? String(e)}`);
  } finally {
    // Outputs may be the inputs themselves (in-place ops, contiguous()): disposing twice is harmless.
    disposeAll(outs);
    disposeAll(made);
    m?.dispose();
  }
  const after = memory();
  if (after.tensors !== before.tensors || after.bytes !== before.bytes) {
    problems.push(`leak: memory() went from ${before.tensors} tensors / ${before.bytes} bytes to ${after.tensors} / ${after.bytes}`);
  }
  return problems;
}

function describeOut(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor of shape [${v.shape}]`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return String(v);
}

/** Runs one error input: right class, `prefix: ` first, fragment present, nothing changed or leaked. */
export function runError(entry: OpInfo, ec: ErrorCase): string[] {
  const problems: string[] = [];
  const made: Tensor[] = [];
  let m: Module | undefined;
  try {
    m = ec.module?.();
    const ts = (ec.inputs ?? []).map((h, i) => makeTensor(h, ec.layouts?.[i] ?? "contiguous", made));
    const inBits = ts.map(bits);
    const paramBits = m ? m.parameters().map(bits) : [];
    const before = memory();
    let err: unknown = null;
    let result: unknown;
    try {
      result = ec.call(ts, m);
    } catch (e) {
      err = e;
    }
    const after = memory();
    if (err === null) {
      problems.push(`did not throw (returned ${describeOut(result)})`);
      disposeAll(tensorsIn(result));
    } else {
      const e = err as Error;
      const prefix = `${ec.prefix ?? entry.prefix}: `;
      if (!(e instanceof ec.error) || (ec.error === TypeError && e instanceof RangeError)) {
        problems.push(`threw ${e?.constructor?.name} instead of ${ec.error.name}: ${e?.message}`);
      }
      if (typeof e?.message !== "string" || !e.message.startsWith(prefix)) problems.push(`message does not start with "${prefix}": ${e?.message}`);
      else if (typeof ec.message === "string" ? !e.message.includes(ec.message) : !ec.message.test(e.message)) {
        problems.push(`message lacks ${String(ec.message)}: ${e.message}`);
      }
      if (after.tensors !== before.tensors || after.bytes !== before.bytes) {
        problems.push(`leak: memory() went from ${before.tensors} tensors / ${before.bytes} bytes to ${after.tensors} / ${after.bytes}`);
      }
    }
    ts.forEach((t, i) => {
      if (t.isDisposed) problems.push(`input ${i} was disposed`);
      else if (!sameBits(bits(t), inBits[i])) problems.push(`input ${i} changed`);
    });
    if (m) {
      const now = m.parameters();
      if (now.length !== paramBits.length || now.some((t, i) => !sameBits(bits(t), paramBits[i]))) problems.push("a module parameter changed");
    }
  } catch (e) {
    problems.push(`the check itself failed: ${(e as Error).message}`);
  } finally {
    disposeAll(made);
    m?.dispose();
  }
  return problems;
}

/** Seeded rng per entry and purpose, so a case reproduces on its own. */
export function rngFor(entry: OpInfo, purpose: string): Rng {
  let h = 2166136261;
  for (const c of `${entry.name}/${purpose}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return rng(h >>> 0);
}

// ---- generic variants ----

const SPECIALS: Record<string, number[]> = {
  tiny: [0, -0, 1e-40, -1e-40, 1.4e-45, -3e-39], // zeros and float32 denormals
  huge: [1e30, -1e30],
  inf: [Infinity, -Infinity],
  nan: [NaN],
  mixed: [0, -0, 1e-40, Infinity, -Infinity, NaN, 1e30, -1e30],
};

/** Copies of `s` with special values mixed into its perturbable inputs. */
export function extremeSamples(s: Sample, r: Rng): Sample[] {
  return Object.entries(SPECIALS).map(([kind, values]) => {
    const perturb = s.perturb ?? s.inputs.map((_, i) => i);
    const inputs = s.inputs.map((h, i) => {
      if (!perturb.includes(i) || h.dtype === "int32") return h;
      const d = h.data.slice();
      for (let j = 0; j < d.length; j++) if (r() < 0.3) d[j] = values[Math.floor(r() * values.length)];
      return { ...h, data: d };
    });
    return { ...s, label: `${s.label} ${kind}`, inputs };
  });
}

/** Copies of `s` with one large value in the first perturbable float input. */
export function outlierSamples(s: Sample, r: Rng): Sample[] {
  const out: Sample[] = [];
  const perturb = s.perturb ?? s.inputs.map((_, i) => i);
  const k = perturb.find((i) => s.inputs[i].dtype !== "int32" && s.inputs[i].data.length > 0);
  if (k === undefined) return out;
  for (const big of [1e4, -1e8, 1e8]) {
    const d = s.inputs[k].data.slice();
    const pos = Math.floor(r() * d.length);
    d[pos] = big;
    out.push({ ...s, label: `${s.label} outlier ${big} at ${pos}`, inputs: s.inputs.map((h, i) => (i === k ? { ...h, data: d } : h)) });
  }
  return out;
}

export function samplesFor(entry: OpInfo, variant: Variant): Sample[] {
  const all = entry.samples(rngFor(entry, "samples"));
  const basic = all.filter((s) => (s.variant ?? "basic") === "basic");
  if (variant === "extreme") return basic.slice(0, 2).flatMap((s) => extremeSamples(s, rngFor(entry, `extreme/${s.label}`)));
  if (variant === "outlier") return basic.slice(0, 2).flatMap((s) => outlierSamples(s, rngFor(entry, `outlier/${s.label}`)));
  if (variant === "noncontig") return basic;
  return all.filter((s) => (s.variant ?? "basic") === variant);
}

/** The known-issue note for a case id: exact id, then its variant, then the sample's own. */
export function knownIssueFor(entry: OpInfo, id: string, own?: string): string | undefined {
  const k = entry.knownIssues ?? {};
  if (k[id] !== undefined) return k[id];
  // The longest key that starts the id: a variant ("outlier"), or a variant and the start of a label.
  const key = Object.keys(k)
    .filter((p) => id.startsWith(p))
    .sort((a, b) => b.length - a.length)[0];
  return key !== undefined ? k[key] : own;
}
