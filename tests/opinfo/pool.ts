// Pooling, adaptive pooling and unpooling: F functions and nn modules, 1-D to 3-D, with
// small float64 references written from PyTorch's definitions (CPU kernels' conventions
// for NaN and for the index of the maximum).
import { F, type Tensor, nn } from "../../src/index";
import { type ErrorCase, type Host, type OpInfo, type Ref, type Sample, distinctHost, host, numel, randHost } from "./core";

type Nd = 1 | 2 | 3;
type AnyFn = (...a: unknown[]) => unknown;
type AnyCtor = new (...a: unknown[]) => nn.Module & { forward: AnyFn };
const rep = (nd: number, v: number) => new Array<number>(nd).fill(v);

interface Win {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  ceil: boolean;
}

function outLen(L: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = L + 2 * p - d * (k - 1) - 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (o - 1) * s >= L + p) o--;
  return o;
}

/** Splits [N, C, ...sp] or [C, ...sp] into planes. */
function planes(x: Host, nd: number): { lead: number[]; sp: number[]; count: number; size: number } {
  const sp = x.shape.slice(-nd);
  const lead = x.shape.slice(0, -nd);
  return { lead, sp, count: numel(lead), size: numel(sp) };
}

/** Multi-index iteration over a box. */
function* box(dims: number[]): Generator<number[]> {
  const n = numel(dims);
  for (let i = 0; i < n; i++) {
    const idx = new Array<number>(dims.length);
    let r = i;
    for (let d = dims.length - 1; d >= 0; d--) {
      idx[d] = r % dims[d];
      r = Math.floor(r / dims[d]);
    }
    yield idx;
  }
}

const flatIn = (idx: number[], sp: number[]) => idx.reduce((a, v, i) => a * sp[i] + v, 0);

export function maxPoolRef(x: Host, nd: number, w: Win): [Ref, Ref] {
  const { lead, sp, count, size } = planes(x, nd);
  const os = sp.map((L, i) => outLen(L, w.k[i], w.s[i], w.p[i], w.d[i], w.ceil));
  const on = numel(os);
  const vals = new Float64Array(count * on);
  const idxs = new Float64Array(count * on);
  for (let c = 0; c < count; c++) {
    let q = 0;
    for (const o of box(os)) {
      let best = -Infinity;
      let bi = -1;
      for (const kk of box(w.k)) {
        const pos = o.map((v, i) => v * w.s[i] - w.p[i] + kk[i] * w.d[i]);
        if (pos.some((v, i) => v < 0 || v >= sp[i])) continue;
        const f = flatIn(pos, sp);
        const v = x.data[c * size + f];
        if (bi < 0) bi = f; // PyTorch starts from the first in-bounds element
        if (v > best || Number.isNaN(v)) {
          best = v;
          bi = f;
        }
      }
      vals[c * on + q] = best;
      idxs[c * on + q] = bi;
      q++;
    }
  }
  return [
    { data: vals, shape: [...lead, ...os], exact: true },
    { data: idxs, shape: [...lead, ...os], exact: true, dtype: "int32" },
  ];
}

export function avgPoolRef(x: Host, nd: number, w: Win, countIncludePad: boolean, divisor?: number): Ref {
  const { lead, sp, count, size } = planes(x, nd);
  const os = sp.map((L, i) => outLen(L, w.k[i], w.s[i], w.p[i], 1, w.ceil));
  const on = numel(os);
  const out = new Float64Array(count * on);
  const mag = new Float64Array(count * on);
  for (let c = 0; c < count; c++) {
    let q = 0;
    for (const o of box(os)) {
      let s = 0;
      let m = 0;
      let poolSize = 1;
      let valid = 1;
      for (let i = 0; i < nd; i++) {
        const start = o[i] * w.s[i] - w.p[i];
        const end = Math.min(start + w.k[i], sp[i] + w.p[i]);
        poolSize *= end - start;
        valid *= Math.min(end, sp[i]) - Math.max(start, 0);
      }
      for (const kk of box(w.k)) {
        const pos = o.map((v, i) => v * w.s[i] - w.p[i] + kk[i]);
        if (pos.some((v, i) => v < 0 || v >= sp[i])) continue;
        const v = x.data[c * size + flatIn(pos, sp)];
        s += v;
        m += Math.abs(v);
      }
      const div = divisor ?? (countIncludePad ? poolSize : valid);
      out[c * on + q] = s / div;
      mag[c * on + q] = m / div;
      q++;
    }
  }
  return { data: out, shape: [...lead, ...os], magnitude: mag };
}

function lpPoolRef(x: Host, nd: number, p: number, w: Win): Ref {
  // PyTorch: avg_pool(x^p) * prod(kernel), then ^(1/p); x^p is rounded to float32 first (the
  // sum of squares overflows float32 for |x| ~ 1e30 in PyTorch too).
  const pw: Host = { data: Float64Array.from(x.data, (v) => Math.fround(v ** p)), shape: x.shape };
  const a = avgPoolRef(pw, nd, { ...w, p: rep(nd, 0) }, true);
  const kprod = numel(w.k);
  return { data: Float64Array.from(a.data, (v) => Math.fround(v * kprod) ** (1 / p)), shape: a.shape, magnitude: Float64Array.from(a.magnitude!, (v) => Math.max(v * kprod, 0) ** (1 / p)) };
}

function adaptiveRef(x: Host, nd: number, out: number[], kind: "avg" | "max"): Ref[] {
  const { lead, sp, count, size } = planes(x, nd);
  const on = numel(out);
  const vals = new Float64Array(count * on);
  const idxs = new Float64Array(count * on);
  const mag = new Float64Array(count * on);
  for (let c = 0; c < count; c++) {
    let q = 0;
    for (const o of box(out)) {
      const start = o.map((v, i) => Math.floor((v * sp[i]) / out[i]));
      const end = o.map((v, i) => Math.ceil(((v + 1) * sp[i]) / out[i]));
      const dims = start.map((s, i) => end[i] - s);
      let s = 0;
      let m = 0;
      let best = -Infinity;
      let bi = -1;
      for (const kk of box(dims)) {
        const f = flatIn(kk.map((v, i) => v + start[i]), sp);
        const v = x.data[c * size + f];
        s += v;
        m += Math.abs(v);
        if (bi < 0) bi = f;
        if (v > best || Number.isNaN(v)) {
          best = v;
          bi = f;
        }
      }
      const n = numel(dims);
      vals[c * on + q] = kind === "avg" ? s / n : best;
      mag[c * on + q] = m / n;
      idxs[c * on + q] = bi;
      q++;
    }
  }
  const shape = [...lead, ...out];
  if (kind === "avg") return [{ data: vals, shape, magnitude: mag }];
  return [{ data: vals, shape, exact: true }, { data: idxs, shape, exact: true, dtype: "int32" }];
}

function unpoolRef(x: Host, idx: Host, nd: number, outSp: number[]): Ref {
  const { lead, sp, count } = planes(x, nd);
  const inSize = numel(sp);
  const on = numel(outSp);
  const out = new Float64Array(count * on);
  for (let c = 0; c < count; c++) for (let i = 0; i < inSize; i++) out[c * on + idx.data[c * inSize + i]] = x.data[c * inSize + i];
  return { data: out, shape: [...lead, ...outSp], exact: true };
}

const SP: Record<Nd, number[]> = { 1: [11], 2: [7, 8], 3: [5, 6, 5] };

interface PGeo {
  label: string;
  variant?: Sample["variant"];
  x: number[];
  k: number[];
  o: { stride?: number; padding?: number; dilation?: number; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number };
}

function poolGeos(nd: Nd, avg: boolean): PGeo[] {
  const s = SP[nd];
  const g: PGeo[] = [
    { label: "k2", x: [2, 3, ...s], k: rep(nd, 2), o: {} },
    { label: "k3 s2 p1 ceil", x: [1, 2, ...s], k: rep(nd, 3), o: { stride: 2, padding: 1, ceilMode: true } },
    { label: "no batch dimension", variant: "noBatch", x: [3, ...s], k: rep(nd, 2), o: { stride: 1 } },
    { label: "batch 0", variant: "batch0", x: [0, 2, ...s], k: rep(nd, 2), o: {} },
    { label: "1x1 input", variant: "1x1", x: [2, 2, ...rep(nd, 1)], k: rep(nd, 1), o: {} },
    { label: "kernel = input", variant: "kernelEqInput", x: [2, 2, ...s], k: s, o: {} },
  ];
  if (avg) {
    g.splice(2, 0, { label: "k3 s2 p1 countIncludePad false", x: [1, 2, ...s], k: rep(nd, 3), o: { stride: 2, padding: 1, countIncludePad: false } });
    if (nd > 1) g.splice(3, 0, { label: "divisorOverride 5", x: [1, 2, ...s], k: rep(nd, 2), o: { divisorOverride: 5 } });
  } else {
    g.splice(2, 0, { label: "k2 dilation 2 padding 1", x: [1, 2, ...s], k: rep(nd, 2), o: { dilation: 2, padding: 1 } });
  }
  return g;
}

const win = (nd: number, k: number[], o: PGeo["o"]): Win => ({ k, s: o.stride ? rep(nd, o.stride) : k, p: rep(nd, o.padding ?? 0), d: rep(nd, o.dilation ?? 1), ceil: o.ceilMode ?? false });

function windowErrors(name: string, call: (x: Tensor, k: unknown, o?: object) => unknown, nd: Nd, prefix?: string): ErrorCase[] {
  const x = () => host(new Array(2 * numel(SP[nd])).fill(1), [1, 2, ...SP[nd]]);
  const cases: ErrorCase[] = [
    { label: "kernelSize 0", inputs: [x()], call: (t) => call(t[0], 0), error: RangeError, message: "kernelSize", prefix },
    { label: "kernelSize 2.5", inputs: [x()], call: (t) => call(t[0], 2.5), error: TypeError, message: "kernelSize", prefix },
    { label: "padding over half the kernel", inputs: [x()], call: (t) => call(t[0], 2, { padding: 2 }), error: RangeError, message: "padding", prefix },
    { label: "stride 0", inputs: [x()], call: (t) => call(t[0], 2, { stride: 0 }), error: RangeError, message: "stride", prefix },
    { label: "kernel larger than the input", inputs: [x()], call: (t) => call(t[0], 20), error: RangeError, message: "output size", prefix },
    { label: "input not a tensor", call: () => call([1, 2] as unknown as Tensor, 2), error: TypeError, message: "input", prefix },
    { label: "input with too few dimensions", inputs: [host([1, 2, 3, 4], [4])], call: (t) => call(t[0], 2), error: RangeError, message: "input", prefix },
  ];
  return cases.map((c) => ({ ...c, label: `${name}: ${c.label}` }));
}

function poolEntries(nd: Nd): OpInfo[] {
  const out: OpInfo[] = [];
  const maxF = (F as unknown as Record<string, AnyFn>)[`maxPool${nd}d`];
  const avgF = (F as unknown as Record<string, AnyFn>)[`avgPool${nd}d`];
  const MaxM = (nn as unknown as Record<string, AnyCtor>)[`MaxPool${nd}d`];
  const AvgM = (nn as unknown as Record<string, AnyCtor>)[`AvgPool${nd}d`];
  const maxSamples = (r: import("../helpers/random").Rng, module: boolean): Sample[] =>
    poolGeos(nd, false).flatMap((g) =>
      [false, true].map((ri) => {
        const w = win(nd, g.k, g.o);
        const opts = { ...g.o, ...(ri ? { returnIndices: true } : {}) };
        return {
          label: `${g.label}${ri ? " returnIndices" : ""}`,
          variant: g.variant,
          inputs: [g.variant === undefined ? distinctHost(r, g.x) : randHost(r, g.x)],
          module: module ? () => new MaxM(g.k, opts) : undefined,
          call: (t: Tensor[], m?: nn.Module) => (module ? (m as nn.Module & { forward: AnyFn }).forward(t[0]) : maxF(t[0], g.k, opts)),
          ref: (h: Host[]) => (ri ? maxPoolRef(h[0], nd, w) : maxPoolRef(h[0], nd, w)[0]),
        };
      }),
    );
  out.push({
    name: `F.maxPool${nd}d`,
    prefix: `maxPool${nd}d`,
    variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput", "extreme", "outlier"],
    samples: (r) => maxSamples(r, false),
    errors: () => [...windowErrors(`maxPool${nd}d`, (x, k, o) => maxF(x, k, o), nd), { label: "returnIndices not a boolean", inputs: [host(new Array(numel(SP[nd])).fill(1), [1, 1, ...SP[nd]])], call: (t) => maxF(t[0], 2, { returnIndices: 1 }), error: TypeError, message: "returnIndices" }],
    withOptions: (t, o) => maxF(t[0], 2, o),
    extremeNote: "max pooling is exact: NaN in a window gives NaN (PyTorch's CPU rule), its index that of the NaN; infinities and -0 compare as values",
  });
  out.push({
    name: `nn.MaxPool${nd}d`,
    prefix: `MaxPool${nd}d`,
    variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput", "extreme"],
    samples: (r) => maxSamples(r, true),
    errors: () => [
      ...windowErrors(`MaxPool${nd}d`, (x, k, o) => new MaxM(k, o).forward(x), nd),
      { label: "return_indices (snake case)", call: () => new MaxM(2, { return_indices: true }), error: TypeError, message: "returnIndices" },
    ],
    withOptions: (_t, o) => new MaxM(2, o),
    stateDictKeys: [],
  });
  const avgSamples = (r: import("../helpers/random").Rng, module: boolean): Sample[] =>
    poolGeos(nd, true).map((g) => ({
      label: g.label,
      variant: g.variant,
      inputs: [randHost(r, g.x)],
      module: module ? () => new AvgM(g.k, g.o) : undefined,
      call: (t: Tensor[], m?: nn.Module) => (module ? (m as nn.Module & { forward: AnyFn }).forward(t[0]) : avgF(t[0], g.k, g.o)),
      ref: (h: Host[]) => avgPoolRef(h[0], nd, win(nd, g.k, g.o), g.o.countIncludePad ?? true, g.o.divisorOverride),
    }));
  out.push({
    name: `F.avgPool${nd}d`,
    prefix: `avgPool${nd}d`,
    variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput", "extreme", "outlier"],
    samples: (r) => avgSamples(r, false),
    errors: () => [
      ...windowErrors(`avgPool${nd}d`, (x, k, o) => avgF(x, k, o), nd),
      ...(nd === 1
        ? [{ label: "divisorOverride (not in PyTorch's avg_pool1d)", inputs: [host(new Array(11).fill(1), [1, 1, 11])], call: (t: Tensor[]) => avgF(t[0], 2, { divisorOverride: 2 }), error: TypeError, message: "unknown option" }]
        : [{ label: "divisorOverride 0", inputs: [host(new Array(numel(SP[nd])).fill(1), [1, 1, ...SP[nd]])], call: (t: Tensor[]) => avgF(t[0], 2, { divisorOverride: 0 }), error: RangeError, message: "divisorOverride" }]),
      { label: "dilation (not an avg_pool option)", inputs: [host(new Array(numel(SP[nd])).fill(1), [1, 1, ...SP[nd]])], call: (t) => avgF(t[0], 2, { dilation: 2 }), error: TypeError, message: "unknown option" },
    ],
    withOptions: (t, o) => avgF(t[0], 2, o),
  });
  out.push({
    name: `nn.AvgPool${nd}d`,
    prefix: `AvgPool${nd}d`,
    variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput", "extreme"],
    samples: (r) => avgSamples(r, true),
    errors: () => windowErrors(`AvgPool${nd}d`, (x, k, o) => new AvgM(k, o).forward(x), nd),
    withOptions: (_t, o) => new AvgM(2, o),
    stateDictKeys: [],
  });
  if (nd < 3) {
    const lpF = (F as unknown as Record<string, AnyFn>)[`lpPool${nd}d`];
    const LpM = (nn as unknown as Record<string, AnyCtor>)[`LPPool${nd}d`];
    const lpSamples = (r: import("../helpers/random").Rng, module: boolean): Sample[] =>
      (
        [
          ["p2 k2", 2, rep(nd, 2), {}],
          ["p1 k3 s2 ceil", 1, rep(nd, 3), { stride: 2, ceilMode: true }],
          ["p3 k2 s1 (positive input)", 3, rep(nd, 2), { stride: 1 }],
        ] as [string, number, number[], { stride?: number; ceilMode?: boolean }][]
      ).map(([label, p, k, o], i) => ({
        label,
        inputs: [i === 2 ? randHost(r, [2, 2, ...SP[nd]], 0.1, 2) : randHost(r, [2, 2, ...SP[nd]])],
        module: module ? () => new LpM(p, k, o) : undefined,
        call: (t: Tensor[], m?: nn.Module) => (module ? (m as nn.Module & { forward: AnyFn }).forward(t[0]) : lpF(t[0], p, k, o)),
        ref: (h: Host[]) => lpPoolRef(h[0], nd, p, win(nd, k, o)),
      }));
    out.push({
      name: `F.lpPool${nd}d`,
      prefix: `lpPool${nd}d`,
      variants: ["noncontig", "extreme", "outlier"],
      samples: (r) => lpSamples(r, false),
      errors: () => [
        { label: "normType 0", inputs: [host(new Array(numel(SP[nd])).fill(1), [1, 1, ...SP[nd]])], call: (t) => lpF(t[0], 0, 2), error: RangeError, message: "normType" },
        { label: "normType a string", inputs: [host(new Array(numel(SP[nd])).fill(1), [1, 1, ...SP[nd]])], call: (t) => lpF(t[0], "2", 2), error: TypeError, message: "normType" },
        { label: "padding (not an lp_pool option)", inputs: [host(new Array(numel(SP[nd])).fill(1), [1, 1, ...SP[nd]])], call: (t) => lpF(t[0], 2, 2, { padding: 1 }), error: TypeError, message: "unknown option" },
      ],
      withOptions: (t, o) => lpF(t[0], 2, 2, o),
      extremeNote: "x^p is rounded to float32 before the window sum (PyTorch computes in float32, so |x| = 1e30 squares to Inf there too)",
    });
    out.push({
      name: `nn.LPPool${nd}d`,
      prefix: `LPPool${nd}d`,
      variants: ["noncontig"],
      samples: (r) => lpSamples(r, true),
      errors: () => [{ label: "kernelSize missing", call: () => new (LpM as unknown as AnyCtor)(2), error: TypeError, message: "kernelSize" }],
      withOptions: (_t, o) => new LpM(2, 2, o),
      stateDictKeys: [],
    });
  }
  // Adaptive pooling.
  const aAvg = (F as unknown as Record<string, AnyFn>)[`adaptiveAvgPool${nd}d`];
  const aMax = (F as unknown as Record<string, AnyFn>)[`adaptiveMaxPool${nd}d`];
  const AAvg = (nn as unknown as Record<string, AnyCtor>)[`AdaptiveAvgPool${nd}d`];
  const AMax = (nn as unknown as Record<string, AnyCtor>)[`AdaptiveMaxPool${nd}d`];
  const aGeos: { label: string; variant?: Sample["variant"]; x: number[]; out: number[] }[] = [
    { label: "shrink to 3", x: [2, 2, ...SP[nd]], out: rep(nd, 3) },
    { label: "grow to input+2", x: [1, 2, ...SP[nd].map((v) => Math.max(1, v - 3))], out: SP[nd].map((v) => v - 1) },
    { label: "no batch dimension", variant: "noBatch", x: [2, ...SP[nd]], out: rep(nd, 2) },
    { label: "batch 0", variant: "batch0", x: [0, 2, ...SP[nd]], out: rep(nd, 2) },
    { label: "1x1 output", variant: "1x1", x: [1, 3, ...SP[nd]], out: rep(nd, 1) },
    { label: "output = input", variant: "kernelEqInput", x: [1, 2, ...SP[nd]], out: SP[nd] },
  ];
  for (const kind of ["avg", "max"] as const) {
    const fn = kind === "avg" ? aAvg : aMax;
    const Ctor = kind === "avg" ? AAvg : AMax;
    const fname = `adaptive${kind === "avg" ? "Avg" : "Max"}Pool${nd}d`;
    const mname = `Adaptive${kind === "avg" ? "Avg" : "Max"}Pool${nd}d`;
    const samples = (r: import("../helpers/random").Rng, module: boolean): Sample[] =>
      aGeos.flatMap((g) =>
        (kind === "max" ? [false, true] : [false]).map((ri) => ({
          label: `${g.label}${ri ? " returnIndices" : ""}`,
          variant: g.variant,
          inputs: [kind === "max" && g.variant === undefined ? distinctHost(r, g.x) : randHost(r, g.x)],
          module: module ? () => (ri ? new Ctor(g.out, { returnIndices: true }) : new Ctor(g.out)) : undefined,
          call: (t: Tensor[], m?: nn.Module) => (module ? (m as nn.Module & { forward: AnyFn }).forward(t[0]) : ri ? fn(t[0], g.out, { returnIndices: true }) : fn(t[0], g.out)),
          ref: (h: Host[]) => {
            const rr = adaptiveRef(h[0], nd, g.out, kind);
            return ri ? rr : rr[0];
          },
        })),
      );
    const x1 = () => host(new Array(numel(SP[nd])).fill(1), [1, 1, ...SP[nd]]);
    out.push({
      name: `F.${fname}`,
      prefix: fname,
      variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput", "extreme", "outlier"],
      samples: (r) => samples(r, false),
      errors: () => [
        { label: "outputSize -1", inputs: [x1()], call: (t) => fn(t[0], -1), error: RangeError, message: "outputSize" },
        { label: "outputSize of the wrong length", inputs: [x1()], call: (t) => fn(t[0], rep(nd + 1, 2)), error: TypeError, message: "outputSize" },
        { label: "input not a tensor", call: () => fn("x", 2), error: TypeError, message: "input" },
      ],
      withOptions: kind === "max" ? (t, o) => fn(t[0], 2, o) : undefined,
    });
    out.push({
      name: `nn.${mname}`,
      prefix: mname,
      variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput"],
      samples: (r) => samples(r, true),
      errors: () => [{ label: "outputSize -1", call: () => new Ctor(-1), error: RangeError, message: "outputSize" }],
      withOptions: kind === "max" ? (_t, o) => new Ctor(2, o) : undefined,
      stateDictKeys: [],
    });
  }
  // Unpooling: indices from a non-overlapping max pool (no duplicate targets).
  const unF = (F as unknown as Record<string, AnyFn>)[`maxUnpool${nd}d`];
  const UnM = (nn as unknown as Record<string, AnyCtor>)[`MaxUnpool${nd}d`];
  const unSamples = (r: import("../helpers/random").Rng, module: boolean): Sample[] => {
    const geos: { label: string; variant?: Sample["variant"]; x: number[]; k: number; outputSize?: number[] }[] = [
      { label: "k2", x: [2, 2, ...SP[nd].map((v) => v - (v % 2))], k: 2 },
      { label: "k2 with outputSize", x: [1, 2, ...SP[nd]], k: 2, outputSize: SP[nd] },
      { label: "no batch dimension", variant: "noBatch", x: [2, ...SP[nd].map((v) => v - (v % 2))], k: 2 },
      { label: "batch 0", variant: "batch0", x: [0, 2, ...SP[nd].map((v) => v - (v % 2))], k: 2 },
      { label: "1x1", variant: "1x1", x: [1, 2, ...rep(nd, 1)], k: 1 },
      { label: "kernel = input", variant: "kernelEqInput", x: [1, 2, ...rep(nd, 3)], k: 3 },
    ];
    return geos.map((g) => {
      const src = distinctHost(r, g.x);
      const [v, i] = maxPoolRef(src, nd, win(nd, rep(nd, g.k), {}));
      const vals: Host = { data: Float64Array.from(v.data), shape: v.shape };
      const idx: Host = { data: Float64Array.from(i.data), shape: i.shape, dtype: "int32" };
      const outSp = g.outputSize ?? v.shape.slice(-nd).map((s) => s * g.k);
      return {
        label: g.label,
        variant: g.variant,
        inputs: [vals, idx],
        perturb: [0],
        module: module ? () => new UnM(g.k) : undefined,
        call: (t: Tensor[], m?: nn.Module) => (module ? (m as nn.Module & { forward: AnyFn }).forward(t[0], t[1], g.outputSize) : unF(t[0], t[1], g.k, g.outputSize ? { outputSize: g.outputSize } : undefined)),
        ref: (h: Host[]) => unpoolRef(h[0], h[1], nd, outSp),
      };
    });
  };
  const ux = () => host(new Array(4 * 2 ** nd).fill(1), [1, 4, ...rep(nd, 2)]);
  const ui = (v: number) => host(new Array(4 * 2 ** nd).fill(v), [1, 4, ...rep(nd, 2)], "int32");
  out.push({
    name: `F.maxUnpool${nd}d`,
    prefix: `maxUnpool${nd}d`,
    variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput", "extreme"],
    samples: (r) => unSamples(r, false),
    errors: () => [
      { label: "index out of range", inputs: [ux(), ui(1000)], call: (t) => unF(t[0], t[1], 2), error: RangeError, message: "indices" },
      { label: "negative index", inputs: [ux(), ui(-1)], call: (t) => unF(t[0], t[1], 2), error: RangeError, message: "indices" },
      { label: "float indices", inputs: [ux(), host(new Array(4 * 2 ** nd).fill(0), [1, 4, ...rep(nd, 2)])], call: (t) => unF(t[0], t[1], 2), error: TypeError, message: "indices" },
      { label: "indices of another shape", inputs: [ux(), host([0, 0], [1, 2], "int32")], call: (t) => unF(t[0], t[1], 2), error: RangeError, message: "indices" },
      { label: "unreachable outputSize", inputs: [ux(), ui(0)], call: (t) => unF(t[0], t[1], 2, { outputSize: rep(nd, 40) }), error: RangeError, message: "outputSize" },
    ],
    withOptions: (t, o) => unF(t[0], t[1], 2, o),
  });
  out.push({
    name: `nn.MaxUnpool${nd}d`,
    prefix: `MaxUnpool${nd}d`,
    variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput"],
    samples: (r) => unSamples(r, true),
    errors: () => [
      { label: "kernelSize 0", call: () => new UnM(0), error: RangeError, message: "kernelSize" },
      { label: "forward: index out of range", inputs: [ux(), ui(1000)], module: () => new UnM(2), call: (t, m) => (m as nn.Module & { forward: AnyFn }).forward(t[0], t[1]), error: RangeError, message: "indices" },
    ],
    withOptions: (_t, o) => new UnM(2, o),
    stateDictKeys: [],
  });
  return out;
}

export const POOL: OpInfo[] = ([1, 2, 3] as Nd[]).flatMap(poolEntries);
