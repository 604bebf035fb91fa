// Tensor arithmetic (functions and Tensor methods), matmul, cat/stack, reductions, argmax,
// topk and embedding, with float64 references written from PyTorch's definitions
// (broadcasting from the last dimension, C's pow special cases, first maximum with NaN
// as the largest value, ties in topk by lower index).
import { F, type Tensor, add, amax, argmax, cat, div, exp, log, matmul, mean, mul, neg, nn, pow, sqrt, stack, sub, sum, topk } from "../../src/index";
import { unravel } from "../helpers/allclose";
import type { Rng } from "../helpers/random";
import { type ErrorCase, type Host, type OpInfo, type Ref, type Sample, host, numel, randHost, stridesOf } from "./core";

type Num = Host | number;
type AnyFn = (...a: unknown[]) => unknown;

// ---- references ----

function broadcastShape(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    return x === 1 ? y : x;
  });
}

/**
 * The element of h at output index idx (broadcast), or the number itself; rounded to
 * float32 as the tensor holds it (the generic variants insert values such as 1.4e-45).
 */
function at(h: Num, idx: number[]): number {
  if (typeof h === "number") return h;
  const st = stridesOf(h.shape);
  const lead = idx.length - h.shape.length;
  let j = 0;
  h.shape.forEach((s, d) => (j += (s === 1 ? 0 : idx[d + lead]) * st[d]));
  return Math.fround(h.data[j]);
}

function binaryRef(a: Num, b: Num, f: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(typeof a === "number" ? [] : a.shape, typeof b === "number" ? [] : b.shape);
  const n = numel(shape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, shape);
    data[i] = f(at(a, idx), at(b, idx));
  }
  return { data, shape };
}

/** C's pow (PyTorch's), which differs from Math.pow at 1^NaN and (-1)^+-Inf. */
export function powC(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  return Math.pow(x, y);
}

const f32 = Math.fround;
const BIN: Record<string, (x: number, y: number, alpha: number) => number> = {
  add: (x, y, al) => x + (al === 1 ? y : f32(al * y)),
  sub: (x, y, al) => x - (al === 1 ? y : f32(al * y)),
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => powC(x, y),
};
const UN: Record<string, (x: number) => number> = { neg: (x) => -x, exp: Math.exp, log: Math.log, sqrt: Math.sqrt };

/** Reduces h over dims (sorted) with f over the float64 values; returns data and the output shape. */
function reduceRef(h: Host, dims: number[], keepdim: boolean, f: (vs: number[]) => number): { data: Float64Array; shape: number[] } {
  const kept = h.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const keptShape = kept.map((d) => h.shape[d]);
  const red = dims.map((d) => h.shape[d]);
  const st = stridesOf(h.shape);
  const n = numel(keptShape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ki = unravel(i, keptShape);
    const vs: number[] = [];
    for (let j = 0; j < numel(red); j++) {
      const ri = unravel(j, red);
      let off = 0;
      kept.forEach((d, q) => (off += ki[q] * st[d]));
      dims.forEach((d, q) => (off += ri[q] * st[d]));
      vs.push(h.data[off]);
    }
    data[i] = f(vs);
  }
  return { data, shape: keepdim ? h.shape.map((s, d) => (dims.includes(d) ? 1 : s)) : keptShape };
}

const sumOf = (vs: number[]) => vs.reduce((a, b) => a + b, 0);
const magOf = (vs: number[]) => vs.reduce((a, b) => a + Math.abs(b), 0);
const maxOf = (vs: number[]) => vs.reduce((m, v) => (Number.isNaN(m) || Number.isNaN(v) ? NaN : Math.max(m, v)), -Infinity);
function argmaxOf(vs: number[]): number {
  let best = 0;
  for (let i = 1; i < vs.length; i++) if (vs[i] > vs[best] || (Number.isNaN(vs[i]) && !Number.isNaN(vs[best]))) best = i;
  return best;
}

/** Whether (a, i) ranks before (b, j) in topk's order. */
function before(a: number, i: number, b: number, j: number, largest: boolean): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? i < j : largest === Number.isNaN(a);
  if (a === b) return i < j;
  return largest ? a > b : a < b;
}

function matmulRef(a: Host, b: Host): Ref {
  const A = a.shape.length === 1 ? { ...a, shape: [1, ...a.shape] } : a;
  const B = b.shape.length === 1 ? { ...b, shape: [...b.shape, 1] } : b;
  const [M, K] = A.shape.slice(-2);
  const N = B.shape[B.shape.length - 1];
  const batch = broadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const full = [...batch, M, N];
  const data = new Float64Array(numel(full));
  const magnitude = new Float64Array(numel(full));
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, full);
    const bi = idx.slice(0, -2);
    let s = 0;
    let m = 0;
    for (let k = 0; k < K; k++) {
      const p = at(A, [...bi, idx[idx.length - 2], k]) * at(B, [...bi, k, idx[idx.length - 1]]);
      s += p;
      m += Math.abs(p);
    }
    data[i] = s;
    magnitude[i] = m;
  }
  const shape = full.filter((_, d) => !((d === batch.length && a.shape.length === 1) || (d === batch.length + 1 && b.shape.length === 1)));
  return { data, shape, magnitude };
}

function joinRef(xs: Host[], dim: number, isStack: boolean): Ref {
  const parts = isStack ? xs.map((x) => ({ ...x, shape: [...x.shape.slice(0, dim), 1, ...x.shape.slice(dim)] })) : xs;
  const shape = parts[0].shape.slice();
  shape[dim] = parts.reduce((a, p) => a + p.shape[dim], 0);
  const data = new Float64Array(numel(shape));
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    let c = idx[dim];
    let k = 0;
    while (c >= parts[k].shape[dim]) c -= parts[k++].shape[dim];
    const j = idx.slice();
    j[dim] = c;
    data[i] = parts[k].data[j.reduce((a, v, q) => a + v * stridesOf(parts[k].shape)[q], 0)];
  }
  return { data, shape, exact: true, dtype: xs[0].dtype };
}

// ---- entries ----

const ones = (shape: number[], dtype?: "int32") => host(new Array(numel(shape)).fill(1), shape, dtype);
const positive = (r: Rng, shape: number[]) => randHost(r, shape, 0.1, 3);

/** Calls `op` as a function (`fn`) or as a Tensor method (`self` the first tensor). */
function caller(op: string, method: boolean, fn: AnyFn): (args: unknown[]) => unknown {
  return method ? (args) => ((args[0] as Record<string, AnyFn>)[op] as AnyFn).apply(args[0], args.slice(1)) : (args) => fn(...args);
}

function binaryEntries(op: "add" | "sub" | "mul" | "div" | "pow", fn: AnyFn, method: boolean): OpInfo {
  const call = caller(op, method, fn);
  const alpha = op === "add" || op === "sub";
  const base = op === "pow" || op === "div" ? positive : (r: Rng, s: number[]) => randHost(r, s);
  const ref = (a: Num, b: Num, al = 1): Ref => binaryRef(a, b, (x, y) => BIN[op](x, y, al));
  const name = method ? `Tensor.${op}` : op;
  return {
    name,
    prefix: name,
    variants: ["noncontig", "batch0", "extreme", "outlier"],
    tol: op === "pow" ? { rtol: 1e-4, atol: 1e-5 } : undefined,
    samples: (r) => {
      const s: Sample[] = [
        { label: "broadcast [2,3,4] and [3,1]", inputs: [base(r, [2, 3, 4]), randHost(r, [3, 1])], call: (t) => call([t[0], t[1]]), ref: (h) => ref(h[0], h[1]) },
        { label: "same shape", inputs: [base(r, [3, 5]), randHost(r, [3, 5])], call: (t) => call([t[0], t[1]]), ref: (h) => ref(h[0], h[1]) },
        { label: "bias [2,3,2,2] and [1,3,1,1]", inputs: [base(r, [2, 3, 2, 2]), randHost(r, [1, 3, 1, 1])], call: (t) => call([t[0], t[1]]), ref: (h) => ref(h[0], h[1]) },
        { label: "[4,1] and [1,5] (both broadcast)", inputs: [base(r, [4, 1]), randHost(r, [1, 5])], call: (t) => call([t[0], t[1]]), ref: (h) => ref(h[0], h[1]) },
        { label: "number 1.5", inputs: [base(r, [2, 5])], call: (t) => call([t[0], 1.5]), ref: (h) => ref(h[0], 1.5) },
        { label: "0-d and [3]", inputs: [base(r, []), randHost(r, [3])], call: (t) => call([t[0], t[1]]), ref: (h) => ref(h[0], h[1]) },
        { label: "batch 0", variant: "batch0", inputs: [base(r, [0, 3]), randHost(r, [3])], call: (t) => call([t[0], t[1]]), ref: () => ({ data: [], shape: [0, 3] }) },
      ];
      if (op === "pow") {
        s.push({ label: "exponent 2, 0.5, -1, 3", inputs: [randHost(r, [6])], call: (t) => [2, 0.5, -1, 3].map((e) => call([t[0], e])), ref: (h) => [2, 0.5, -1, 3].map((e) => ref(h[0], e)) });
      }
      if (!method) s.push({ label: "number first", inputs: [op === "div" ? positive(r, [2, 3]) : randHost(r, [2, 3])], call: (t) => call([2, t[0]]), ref: (h) => ref(2, h[0]) });
      if (alpha) s.push({ label: "alpha -0.5", inputs: [randHost(r, [2, 3]), randHost(r, [3])], call: (t) => call([t[0], t[1], { alpha: -0.5 }]), ref: (h) => ref(h[0], h[1], -0.5) });
      return s;
    },
    errors: () => {
      const e: ErrorCase[] = [
        { label: "not broadcastable", inputs: [ones([2, 3]), ones([4])], call: (t) => call([t[0], t[1]]), error: RangeError, message: /broadcast.*\[2,3\] and \[4\]/ },
        { label: "int32 input", inputs: [ones([2], "int32"), ones([2])], call: (t) => call([t[0], t[1]]), error: TypeError, message: "int32" },
        { label: "int32 other", inputs: [ones([2]), ones([2], "int32")], call: (t) => call([t[0], t[1]]), error: TypeError, message: "int32" },
        { label: "string other", inputs: [ones([2])], call: (t) => call([t[0], "1"]), error: TypeError, message: "a Tensor or a number" },
        { label: "disposed other", inputs: [ones([2])], call: (t) => { const d = t[0].clone(); d.dispose(); return call([t[0], d]); }, error: TypeError, message: "disposed" },
      ];
      if (!method) e.push({ label: "two numbers", call: () => call([1, 2]), error: TypeError, message: "two numbers" });
      if (alpha) e.push({ label: "alpha a string", inputs: [ones([2]), ones([2])], call: (t) => call([t[0], t[1], { alpha: "2" }]), error: TypeError, message: "alpha" });
      return e;
    },
    withOptions: alpha ? (t, o) => call([t[0], t[1], o]) : undefined,
  };
}

function unaryEntry(op: "neg" | "exp" | "log" | "sqrt", fn: AnyFn, method: boolean): OpInfo {
  const call = caller(op, method, fn);
  const name = method ? `Tensor.${op}` : op;
  const base = op === "log" || op === "sqrt" ? positive : (r: Rng, s: number[]) => randHost(r, s, -4, 4);
  return {
    name,
    prefix: name,
    variants: ["noncontig", "batch0", "extreme", "outlier"],
    extremeNote: op === "exp" ? "exp of values below -87.3 is subnormal; the default atol covers it" : undefined,
    samples: (r) => [
      { label: "[2,3,4]", inputs: [base(r, [2, 3, 4])], call: (t) => call([t[0]]), ref: (h) => ({ data: h[0].data.map(UN[op]), shape: h[0].shape, exact: op === "neg" }) },
      { label: "[37]", inputs: [base(r, [37])], call: (t) => call([t[0]]), ref: (h) => ({ data: h[0].data.map(UN[op]), shape: h[0].shape }) },
      { label: "batch 0", variant: "batch0", inputs: [base(r, [0, 2])], call: (t) => call([t[0]]), ref: () => ({ data: [], shape: [0, 2] }) },
    ],
    errors: () => [
      { label: "int32", inputs: [ones([2], "int32")], call: (t) => call([t[0]]), error: TypeError, message: "dtype" },
      ...(method ? [] : [{ label: "a number", call: () => call([2]), error: TypeError, message: "Tensor" } as ErrorCase]),
    ],
  };
}

function matmulEntry(method: boolean): OpInfo {
  const call = caller("matmul", method, matmul as AnyFn);
  const name = method ? "Tensor.matmul" : "matmul";
  const pairs: [number[], number[]][] = [[[3, 4], [4, 5]], [[4], [4]], [[3, 4], [4]], [[4], [4, 2]], [[2, 3, 4], [4, 5]], [[2, 1, 3, 4], [3, 4, 2]], [[6, 9], [9, 7]]];
  return {
    name,
    prefix: name,
    variants: ["noncontig", "batch0", "extreme", "outlier"],
    samples: (r) => [
      ...pairs.map(([a, b]) => ({ label: `[${a}] @ [${b}]`, inputs: [randHost(r, a), randHost(r, b)], call: (t: Tensor[]) => call([t[0], t[1]]), ref: (h: Host[]) => matmulRef(h[0], h[1]) })),
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 2, 3]), randHost(r, [3, 4])], call: (t) => call([t[0], t[1]]), ref: () => ({ data: [], shape: [0, 2, 4] }) },
      { label: "K = 0", variant: "batch0", inputs: [randHost(r, [2, 0]), randHost(r, [0, 3])], call: (t) => call([t[0], t[1]]), ref: () => ({ data: new Float64Array(6), shape: [2, 3] }) },
    ],
    errors: () => [
      { label: "inner sizes differ", inputs: [ones([2, 3]), ones([4, 5])], call: (t) => call([t[0], t[1]]), error: RangeError, message: "(3 vs 4)" },
      { label: "batches do not broadcast", inputs: [ones([2, 3, 4]), ones([3, 4, 5])], call: (t) => call([t[0], t[1]]), error: RangeError, message: "broadcast" },
      { label: "0-d", inputs: [ones([]), ones([3])], call: (t) => call([t[0], t[1]]), error: RangeError, message: "at least 1 dimension" },
      { label: "int32", inputs: [ones([2, 2], "int32"), ones([2, 2])], call: (t) => call([t[0], t[1]]), error: TypeError, message: "dtype" },
    ],
  };
}

function joinEntry(op: "cat" | "stack"): OpInfo {
  const fn = (op === "cat" ? cat : stack) as AnyFn;
  const isStack = op === "stack";
  return {
    name: op,
    prefix: op,
    variants: ["noncontig", "batch0", "extreme"],
    samples: (r) => [
      { label: "dim 0", inputs: [randHost(r, [2, 3]), randHost(r, [isStack ? 2 : 4, 3])], call: (t) => fn([t[0], t[1]]), ref: (h) => joinRef(h, 0, isStack) },
      { label: "dim 1 of three", inputs: [randHost(r, [2, 3]), randHost(r, [2, 3]), randHost(r, [2, 3])], call: (t) => fn(t, 1), ref: (h) => joinRef(h, 1, isStack) },
      { label: "{ dim: -1 }", inputs: [randHost(r, [2, 2]), randHost(r, [2, 2])], call: (t) => fn(t, { dim: -1 }), ref: (h) => joinRef(h, isStack ? 2 : 1, isStack) },
      { label: "int32", inputs: [host([1, -2, 3], [3], "int32"), host([4, 5, 6], [3], "int32")], call: (t) => fn(t), ref: (h) => joinRef(h, 0, isStack) },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3]), randHost(r, [0, 3])], call: (t) => fn(t, 1), ref: (h) => joinRef(h, 1, isStack) },
    ],
    errors: () => [
      { label: "sizes differ", inputs: [ones([2, 3]), ones([3, 4])], call: (t) => fn(t, 0), error: RangeError, message: isStack ? "one shape" : "equal sizes except in dimension 0" },
      { label: "dtypes differ", inputs: [ones([2]), ones([2], "int32")], call: (t) => fn(t), error: TypeError, message: "one dtype" },
      { label: "empty list", call: () => fn([]), error: RangeError, message: "non-empty" },
      { label: "not an array", inputs: [ones([2])], call: (t) => fn(t[0]), error: TypeError, message: "tensors" },
      { label: "dim 3", inputs: [ones([2]), ones([2])], call: (t) => fn(t, 3), error: RangeError, message: "dim" },
    ],
    withOptions: (t, o) => fn(t, o),
  };
}

type ReduceName = "sum" | "mean" | "amax";

function reduceEntry(op: ReduceName, fn: AnyFn, method: boolean): OpInfo {
  const call = caller(op, method, fn);
  const name = method ? `Tensor.${op}` : op;
  const f = { sum: sumOf, mean: (vs: number[]) => sumOf(vs) / vs.length, amax: maxOf }[op];
  const ref = (h: Host, dims: number[], keepdim = false): Ref => {
    const r = reduceRef(h, dims, keepdim, f);
    if (op === "amax") return { ...r, exact: true };
    const m = reduceRef(h, dims, keepdim, (vs) => magOf(vs) / (op === "mean" ? vs.length : 1));
    return { ...r, magnitude: m.data };
  };
  return {
    name,
    prefix: name,
    variants: ["noncontig", "batch0", "extreme", "outlier"],
    samples: (r) => [
      { label: "dim 1", inputs: [randHost(r, [3, 17, 2])], call: (t) => call([t[0], { dim: 1 }]), ref: (h) => ref(h[0], [1]) },
      { label: "all", inputs: [randHost(r, [4, 37])], call: (t) => call([t[0]]), ref: (h) => ref(h[0], [0, 1]) },
      { label: "dims [0, 2] keepdim", inputs: [randHost(r, [3, 4, 5])], call: (t) => call([t[0], { dim: [0, -1], keepdim: true }]), ref: (h) => ref(h[0], [0, 2], true) },
      { label: "dim 0 of [40, 6]", inputs: [randHost(r, [40, 6])], call: (t) => call([t[0], { dim: 0 }]), ref: (h) => ref(h[0], [0]) },
      { label: "batch 0 kept", variant: "batch0", inputs: [randHost(r, [0, 3])], call: (t) => call([t[0], { dim: 1 }]), ref: () => ({ data: [], shape: [0] }) },
    ],
    errors: () => [
      { label: "dim 2 of 2-D", inputs: [ones([2, 3])], call: (t) => call([t[0], { dim: 2 }]), error: RangeError, message: "dim" },
      { label: "repeated dim", inputs: [ones([2, 3])], call: (t) => call([t[0], { dim: [0, -2] }]), error: RangeError, message: "distinct" },
      { label: "keepdim 1", inputs: [ones([2, 3])], call: (t) => call([t[0], { keepdim: 1 }]), error: TypeError, message: "keepdim" },
      { label: "int32", inputs: [ones([2], "int32")], call: (t) => call([t[0]]), error: TypeError, message: "dtype" },
      ...(op === "amax" ? [{ label: "empty dim", inputs: [ones([0, 3])], call: (t: Tensor[]) => call([t[0], { dim: 0 }]), error: RangeError, message: "non-zero size" } as ErrorCase] : []),
    ],
    withOptions: (t, o) => call([t[0], o]),
  };
}

function argmaxEntry(method: boolean): OpInfo {
  const call = caller("argmax", method, argmax as AnyFn);
  const name = method ? "Tensor.argmax" : "argmax";
  const ref = (h: Host, dims: number[], keepdim = false): Ref => ({ ...reduceRef(h, dims, keepdim, argmaxOf), exact: true, dtype: "int32" });
  return {
    name,
    prefix: name,
    variants: ["noncontig", "extreme", "outlier"],
    samples: (r) => [
      { label: "dim 1", inputs: [randHost(r, [3, 9, 2])], call: (t) => call([t[0], { dim: 1 }]), ref: (h) => ref(h[0], [1]) },
      { label: "flattened", inputs: [randHost(r, [4, 5])], call: (t) => call([t[0]]), ref: (h) => ref(h[0], [0, 1]) },
      { label: "dim -1 keepdim", inputs: [randHost(r, [3, 6])], call: (t) => call([t[0], { dim: -1, keepdim: true }]), ref: (h) => ref(h[0], [1], true) },
      { label: "ties and NaN", inputs: [host([1, 3, 3, NaN, 2, NaN], [2, 3])], call: (t) => call([t[0], { dim: 1 }]), ref: (h) => ref(h[0], [1]) },
    ],
    errors: () => [
      { label: "dim -3 of 2-D", inputs: [ones([2, 3])], call: (t) => call([t[0], { dim: -3 }]), error: RangeError, message: "dim" },
      { label: "dim an array", inputs: [ones([2, 3])], call: (t) => call([t[0], { dim: [0] }]), error: TypeError, message: "dim" },
      { label: "empty", inputs: [ones([0, 3])], call: (t) => call([t[0]]), error: RangeError, message: "non-empty" },
    ],
    withOptions: (t, o) => call([t[0], o]),
  };
}

function topkEntry(method: boolean): OpInfo {
  const call = caller("topk", method, topk as AnyFn);
  const name = method ? "Tensor.topk" : "topk";
  const ref = (h: Host, k: number, dim: number, largest = true): Ref[] => {
    const moved = h.shape.map((_, d) => d).filter((d) => d !== dim);
    const shape = h.shape.slice();
    shape[dim] = k;
    const values = new Float64Array(numel(shape));
    const indices = new Float64Array(numel(shape));
    const st = stridesOf(h.shape);
    const ost = stridesOf(shape);
    const rows = moved.map((d) => h.shape[d]);
    for (let i = 0; i < numel(rows); i++) {
      const ri = unravel(i, rows);
      let base = 0;
      let obase = 0;
      moved.forEach((d, q) => {
        base += ri[q] * st[d];
        obase += ri[q] * ost[d];
      });
      const row = Array.from({ length: h.shape[dim] }, (_, j) => ({ v: h.data[base + j * st[dim]], j }));
      row.sort((a, b) => (before(a.v, a.j, b.v, b.j, largest) ? -1 : 1));
      for (let q = 0; q < k; q++) {
        values[obase + q * ost[dim]] = row[q].v;
        indices[obase + q * ost[dim]] = row[q].j;
      }
    }
    return [{ data: values, shape, exact: true }, { data: indices, shape, exact: true, dtype: "int32" }];
  };
  return {
    name,
    prefix: name,
    variants: ["noncontig", "extreme", "outlier"],
    samples: (r) => [
      { label: "k 3 of the last dim", inputs: [randHost(r, [3, 10])], call: (t) => call([t[0], 3]), ref: (h) => ref(h[0], 3, 1) },
      { label: "k 2 dim 0 smallest", inputs: [randHost(r, [5, 4])], call: (t) => call([t[0], 2, { dim: 0, largest: false }]), ref: (h) => ref(h[0], 2, 0, false) },
      { label: "k = size", inputs: [randHost(r, [2, 3, 6])], call: (t) => call([t[0], 6, { sorted: true }]), ref: (h) => ref(h[0], 6, 2) },
    ],
    errors: () => [
      { label: "k past the size", inputs: [ones([2, 3])], call: (t) => call([t[0], 4]), error: RangeError, message: "k" },
      { label: "k 1.5", inputs: [ones([2, 3])], call: (t) => call([t[0], 1.5]), error: TypeError, message: "k" },
      { label: "dim 2", inputs: [ones([2, 3])], call: (t) => call([t[0], 1, { dim: 2 }]), error: RangeError, message: "dim" },
    ],
    withOptions: (t, o) => call([t[0], 2, o]),
  };
}

function gather(idx: Host, w: Host): Ref {
  const dim = w.shape[1];
  const data = new Float64Array(idx.data.length * dim);
  idx.data.forEach((ix, i) => {
    for (let j = 0; j < dim; j++) data[i * dim + j] = w.data[ix * dim + j];
  });
  return { data, shape: [...idx.shape, dim], exact: true };
}

const embeddingEntries: OpInfo[] = [
  {
    name: "F.embedding",
    prefix: "embedding",
    variants: ["noncontig", "batch0", "extreme"],
    samples: (r) => [
      { label: "[2,3] indices into [7,4]", inputs: [host([0, 6, 3, 3, 1, 2], [2, 3], "int32"), randHost(r, [7, 4])], call: (t) => F.embedding(t[0], t[1]), ref: (h) => gather(h[0], h[1]) },
      { label: "paddingIdx -1", inputs: [host([4, 0, 4], [3], "int32"), randHost(r, [5, 2])], call: (t) => F.embedding(t[0], t[1], { paddingIdx: -1 }), ref: (h) => gather(h[0], h[1]) },
      { label: "no indices", variant: "batch0", inputs: [host([], [0, 2], "int32"), randHost(r, [3, 2])], call: (t) => F.embedding(t[0], t[1]), ref: () => ({ data: [], shape: [0, 2, 2] }) },
    ],
    errors: () => [
      { label: "index = rows", inputs: [host([1, 7], [2], "int32"), ones([7, 2])], call: (t) => F.embedding(t[0], t[1]), error: RangeError, message: "got 7 at position [1]" },
      { label: "negative index", inputs: [host([-1], [1], "int32"), ones([7, 2])], call: (t) => F.embedding(t[0], t[1]), error: RangeError, message: "got -1" },
      { label: "float indices", inputs: [ones([2]), ones([7, 2])], call: (t) => F.embedding(t[0], t[1]), error: TypeError, message: "int32" },
      { label: "paddingIdx 7", inputs: [host([1], [1], "int32"), ones([7, 2])], call: (t) => F.embedding(t[0], t[1], { paddingIdx: 7 }), error: RangeError, message: "paddingIdx" },
    ],
    withOptions: (t, o) => F.embedding(t[0], t[1], o),
  },
  {
    name: "nn.Embedding",
    prefix: "Embedding",
    variants: ["noncontig"],
    stateDictKeys: ["weight"],
    samples: () => [
      {
        label: "6 x 3, paddingIdx 1",
        inputs: [host([1, 5, 0, 1], [2, 2], "int32")],
        module: () => new nn.Embedding(6, 3, { paddingIdx: 1 }),
        call: (t, m) => (m as nn.Embedding).forward(t[0]),
        ref: (h, p) => gather(h[0], p.weight),
        check: (_o, _h, p) => {
          if (p.weight.data.slice(3, 6).some((v) => v !== 0)) throw new Error("padding row not zero");
        },
      },
    ],
    errors: () => [
      { label: "index 6 of 6", inputs: [host([6], [1], "int32")], module: () => new nn.Embedding(6, 3), call: (t, m) => (m as nn.Embedding).forward(t[0]), error: RangeError, message: "indices" },
      { label: "paddingIdx 6", call: () => new nn.Embedding(6, 3, { paddingIdx: 6 }), error: RangeError, message: "paddingIdx" },
    ],
    withOptions: (_t, o) => new nn.Embedding(2, 2, o),
  },
];

export const ARITH: OpInfo[] = [
  ...[false, true].flatMap((method) => [
    binaryEntries("add", add as AnyFn, method),
    binaryEntries("sub", sub as AnyFn, method),
    binaryEntries("mul", mul as AnyFn, method),
    binaryEntries("div", div as AnyFn, method),
    binaryEntries("pow", pow as AnyFn, method),
    unaryEntry("neg", neg as AnyFn, method),
    unaryEntry("exp", exp as AnyFn, method),
    unaryEntry("log", log as AnyFn, method),
    unaryEntry("sqrt", sqrt as AnyFn, method),
    matmulEntry(method),
    reduceEntry("sum", sum as AnyFn, method),
    reduceEntry("mean", mean as AnyFn, method),
    reduceEntry("amax", amax as AnyFn, method),
    argmaxEntry(method),
    topkEntry(method),
  ]),
  joinEntry("cat"),
  joinEntry("stack"),
  ...embeddingEntries,
];
