// Pooling against plain, loop-by-loop JavaScript references on random shapes and options
// (seeded), including NaN, -inf, ties, unbatched and non-contiguous inputs, and the
// round trip maxUnpool(maxPool(x)) that keeps the maxima in place and zeros elsewhere.
import { describe, expect, it } from "vitest";
import { F, type Tensor, tensor, tidy } from "../src/index";
import { expectClose, expectExact } from "./helpers/allclose";
import { type Rng, rng } from "./helpers/random";

// ---------------------------------------------------------------- seeded randomness

class Gen {
  readonly next: Rng;
  readonly int: Rng["int"];
  readonly pick: Rng["pick"];
  readonly bool: Rng["bool"];
  constructor(seed: number) {
    this.next = rng(seed);
    this.int = this.next.int;
    this.pick = this.next.pick;
    this.bool = this.next.bool;
  }
  /** Values: mostly normal-ish, sometimes few integer levels (ties), NaN or -inf. */
  values(n: number, special: boolean): Float32Array {
    const mode = special ? this.pick(["normal", "ties", "nan", "neginf"] as const) : "normal";
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let v = (this.next() + this.next() + this.next() - 1.5) * 2;
      if (mode === "ties") v = this.int(-2, 2);
      if (mode === "nan" && this.bool(0.08)) v = NaN;
      if (mode === "neginf" && this.bool(0.5)) v = -Infinity;
      out[i] = v;
    }
    return out;
  }
}

// ---------------------------------------------------------------- references

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Row-major iteration over every index of `shape`. */
function* indicesOf(shape: readonly number[]): Generator<number[]> {
  const idx = new Array<number>(shape.length).fill(0);
  if (shape.some((s) => s === 0)) return;
  for (;;) {
    yield idx.slice();
    let d = shape.length - 1;
    while (d >= 0 && ++idx[d] === shape[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

const flat = (idx: readonly number[], shape: readonly number[]) => idx.reduce((acc, v, d) => acc * shape[d] + v, 0);

/** PyTorch's pooling output size, ceil mode included. */
function outSize(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

interface Geometry {
  spatial: number[];
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  ceil: boolean;
}

const outShape = (g: Geometry) => g.spatial.map((n, i) => outSize(n, g.k[i], g.s[i], g.p[i], g.d[i], g.ceil));

/** Max pooling exactly as PyTorch's CPU loop: taps in row-major order, a greater value or a NaN replaces. */
function refMaxPool(x: Float32Array, planes: number, g: Geometry): { out: Float32Array; idx: Int32Array } {
  const os = outShape(g);
  const inPlane = prod(g.spatial);
  const out = new Float32Array(planes * prod(os));
  const idx = new Int32Array(out.length);
  let o = 0;
  for (let pl = 0; pl < planes; pl++) {
    for (const oi of indicesOf(os)) {
      const start = oi.map((v, i) => v * g.s[i] - g.p[i]);
      const first = start.map((st, i) => (st >= 0 ? st : st + Math.ceil(-st / g.d[i]) * g.d[i]));
      let best = -Infinity;
      let at = flat(first, g.spatial);
      for (const ki of indicesOf(g.k)) {
        const pos = start.map((st, i) => st + ki[i] * g.d[i]);
        if (pos.some((v, i) => v < 0 || v >= g.spatial[i])) continue;
        const v = x[pl * inPlane + flat(pos, g.spatial)];
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = flat(pos, g.spatial);
        }
      }
      out[o] = best;
      idx[o++] = at;
    }
  }
  return { out, idx };
}

/** Average pooling with PyTorch's divisor rules; also the bound sum |x| / |divisor| for the tolerance. */
function refAvgPool(x: Float32Array, planes: number, g: Geometry, includePad: boolean, divisor?: number): { out: Float32Array; bound: number } {
  const os = outShape(g);
  const inPlane = prod(g.spatial);
  const out = new Float32Array(planes * prod(os));
  let bound = 0;
  let o = 0;
  for (let pl = 0; pl < planes; pl++) {
    for (const oi of indicesOf(os)) {
      let sum = 0;
      let abs = 0;
      let poolSize = 1;
      let count = 1;
      oi.forEach((v, i) => {
        const start = v * g.s[i] - g.p[i];
        const end = Math.min(start + g.k[i], g.spatial[i] + g.p[i]);
        poolSize *= end - start;
        count *= Math.min(end, g.spatial[i]) - Math.max(start, 0);
      });
      for (const ki of indicesOf(g.k)) {
        const pos = oi.map((v, i) => v * g.s[i] - g.p[i] + ki[i]);
        if (pos.some((v, i) => v < 0 || v >= g.spatial[i])) continue;
        const v = x[pl * inPlane + flat(pos, g.spatial)];
        sum += v;
        abs += Math.abs(v);
      }
      const div = divisor ?? (includePad ? poolSize : count);
      out[o++] = sum / div;
      if (Number.isFinite(abs)) bound = Math.max(bound, abs / Math.abs(div));
    }
  }
  return { out, bound };
}

/** PyTorch's lp_pool: (avg_pool(x^p) * prod(k))^(1/p), no padding. */
function refLpPool(x: Float32Array, planes: number, g: Geometry, p: number): { out: Float32Array; bound: number } {
  const pw = x.map((v) => v ** p);
  const avg = refAvgPool(pw, planes, g, true).out;
  const kn = prod(g.k);
  const absAvg = refAvgPool(x.map((v) => Math.abs(v) ** p), planes, g, true).out;
  let bound = 0;
  for (const v of absAvg) bound = Math.max(bound, (v * kn) ** (1 / p));
  return { out: avg.map((v) => (v * kn) ** (1 / p)), bound };
}

const binStart = (i: number, n: number, o: number) => Math.floor((i * n) / o);
const binEnd = (i: number, n: number, o: number) => Math.ceil(((i + 1) * n) / o);

function refAdaptive(x: Float32Array, planes: number, spatial: number[], os: number[], isMax: boolean): { out: Float32Array; idx: Int32Array; bound: number } {
  const inPlane = prod(spatial);
  const out = new Float32Array(planes * prod(os));
  const idx = new Int32Array(out.length);
  let bound = 0;
  let o = 0;
  for (let pl = 0; pl < planes; pl++) {
    for (const oi of indicesOf(os)) {
      const lo = oi.map((v, i) => binStart(v, spatial[i], os[i]));
      const hi = oi.map((v, i) => binEnd(v, spatial[i], os[i]));
      let best = -Infinity;
      let at = flat(lo, spatial);
      let sum = 0;
      let abs = 0;
      for (const bi of indicesOf(hi.map((h, i) => h - lo[i]))) {
        const pos = bi.map((v, i) => v + lo[i]);
        const v = x[pl * inPlane + flat(pos, spatial)];
        sum += v;
        abs += Math.abs(v);
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = flat(pos, spatial);
        }
      }
      const n = prod(hi.map((h, i) => h - lo[i]));
      out[o] = isMax ? best : sum / n;
      idx[o++] = at;
      bound = Math.max(bound, abs / n);
    }
  }
  return { out, idx, bound };
}

// ---------------------------------------------------------------- random configurations

interface Config {
  n: 1 | 2 | 3;
  shape: number[];
  unbatched: boolean;
  g: Geometry;
}

function randomConfig(gen: Gen, withDilation: boolean): Config {
  const n = gen.pick([1, 2, 2, 3] as const);
  for (;;) {
    const spatial = Array.from({ length: n }, () => gen.int(1, n === 3 ? 7 : n === 2 ? 13 : 27));
    const k = spatial.map(() => gen.int(1, 4));
    const s = gen.bool(0.3) ? k.slice() : spatial.map(() => gen.int(1, 3));
    const p = k.map((kk) => gen.int(0, Math.floor(kk / 2)));
    const d = withDilation ? spatial.map(() => (gen.bool(0.7) ? 1 : gen.int(2, 3))) : spatial.map(() => 1);
    const g = { spatial, k, s, p, d, ceil: gen.bool(0.4) };
    if (outShape(g).some((o) => o < 1)) continue;
    const unbatched = gen.bool(0.2);
    const lead = unbatched ? [gen.int(1, 3)] : [gen.int(1, 2), gen.int(1, 3)];
    return { n, shape: [...lead, ...spatial], unbatched, g };
  }
}

/** The input tensor, sometimes as a non-contiguous view (the last two dimensions swapped back). */
function makeInput(gen: Gen, cfg: Config, values: Float32Array): Tensor {
  const shape = cfg.shape;
  if (shape.length >= 2 && gen.bool(0.25)) {
    const r = shape.length;
    const swapped = shape.slice();
    [swapped[r - 1], swapped[r - 2]] = [swapped[r - 2], swapped[r - 1]];
    // Store the transposed layout so the view reads `values` in row-major order of `shape`.
    const data = new Float32Array(values.length);
    const outer = prod(shape.slice(0, r - 2));
    const [a, b] = [shape[r - 2], shape[r - 1]];
    for (let o = 0; o < outer; o++) for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) data[o * a * b + j * a + i] = values[o * a * b + i * b + j];
    const base = tensor(data, swapped);
    return base.transpose(r - 1, r - 2);
  }
  return tensor(values, shape);
}

const options = (g: Geometry, extra: Record<string, unknown> = {}) => ({ stride: g.s, padding: g.p, ceilMode: g.ceil, ...extra });
const planesOf = (cfg: Config) => prod(cfg.shape.slice(0, cfg.shape.length - cfg.n));
const fullOut = (cfg: Config, os: number[]) => [...cfg.shape.slice(0, cfg.shape.length - cfg.n), ...os];
const fn = (name: string, n: number) => (F as unknown as Record<string, (...a: unknown[]) => Tensor | [Tensor, Tensor]>)[`${name}${n}d`];

const CASES = 150;

describe("max pooling matches the reference loop", () => {
  it(`${CASES} random configurations, values and indices exact`, () => {
    const gen = new Gen(1234);
    for (let t = 0; t < CASES; t++) {
      const cfg = randomConfig(gen, true);
      const values = gen.values(prod(cfg.shape), true);
      const ref = refMaxPool(values, planesOf(cfg), cfg.g);
      const os = fullOut(cfg, outShape(cfg.g));
      const label = `case ${t}: input [${cfg.shape}] ${JSON.stringify(cfg.g)}`;
      tidy(() => {
        const x = makeInput(gen, cfg, values);
        const [out, idx] = fn("maxPool", cfg.n)(x, cfg.g.k, options(cfg.g, { dilation: cfg.g.d, returnIndices: true })) as [Tensor, Tensor];
        expectExact(out, ref.out, os, `${label} values`);
        expectExact(idx, ref.idx, os, `${label} indices`);
        expectExact(fn("maxPool", cfg.n)(x, cfg.g.k, options(cfg.g, { dilation: cfg.g.d })) as Tensor, ref.out, os, `${label} values only`);
      });
    }
  });
});

describe("average and power-average pooling match the reference loop", () => {
  it(`${CASES} random average poolings (countIncludePad, divisorOverride, ceil mode)`, () => {
    const gen = new Gen(99);
    for (let t = 0; t < CASES; t++) {
      const cfg = randomConfig(gen, false);
      const values = gen.values(prod(cfg.shape), gen.bool(0.1));
      const includePad = gen.bool();
      const divisor = cfg.n > 1 && gen.bool(0.2) ? gen.pick([1, 3, -2, 7]) : undefined;
      const ref = refAvgPool(values, planesOf(cfg), cfg.g, includePad, divisor);
      const os = fullOut(cfg, outShape(cfg.g));
      tidy(() => {
        const x = makeInput(gen, cfg, values);
        const extra: Record<string, unknown> = { countIncludePad: includePad };
        if (divisor !== undefined) extra.divisorOverride = divisor;
        const out = fn("avgPool", cfg.n)(x, cfg.g.k, options(cfg.g, extra)) as Tensor;
        // Window sums of signed values may cancel: atol from the sum of |terms|.
        expectClose(out, ref.out, os, { atol: Math.max(1e-5, 1e-5 * ref.bound) }, `case ${t}: input [${cfg.shape}] ${JSON.stringify(cfg.g)} ${JSON.stringify(extra)}`);
      });
    }
  });

  it(`${CASES} random LP poolings`, () => {
    const gen = new Gen(7);
    let done = 0;
    while (done < CASES) {
      const cfg = randomConfig(gen, false);
      if (cfg.n === 3) continue;
      cfg.g.p = cfg.g.p.map(() => 0);
      if (outShape(cfg.g).some((o) => o < 1)) continue;
      done++;
      const p = gen.pick([1, 2, 2, 3, 1.5]);
      // Positive inputs for p other than 1 and 2: PyTorch sums signed x^p, which makes fractional roots NaN.
      const values = gen.values(prod(cfg.shape), false).map((v) => (p === 1 || p === 2 ? v : Math.abs(v) + 0.05));
      const ref = refLpPool(values, planesOf(cfg), cfg.g, p);
      const os = fullOut(cfg, outShape(cfg.g));
      tidy(() => {
        const x = makeInput(gen, cfg, values);
        const out = fn("lpPool", cfg.n)(x, p, cfg.g.k, { stride: cfg.g.s, ceilMode: cfg.g.ceil }) as Tensor;
        expectClose(out, ref.out, os, { atol: Math.max(1e-5, 1e-5 * ref.bound) }, `case ${done}: p=${p} input [${cfg.shape}] ${JSON.stringify(cfg.g)}`);
      });
    }
  });
});

describe("adaptive pooling matches the reference loop", () => {
  it(`${CASES} random output sizes, smaller and larger than the input, with nulls`, () => {
    const gen = new Gen(4242);
    for (let t = 0; t < CASES; t++) {
      const cfg = randomConfig(gen, false);
      const size = cfg.g.spatial.map((s) => (gen.bool(0.15) ? null : gen.int(1, s + 3)));
      const os = size.map((o, i) => o ?? cfg.g.spatial[i]);
      const isMax = gen.bool();
      const values = gen.values(prod(cfg.shape), isMax);
      const ref = refAdaptive(values, planesOf(cfg), cfg.g.spatial, os, isMax);
      const shape = fullOut(cfg, os);
      const label = `case ${t}: input [${cfg.shape}] outputSize ${JSON.stringify(size)}`;
      tidy(() => {
        const x = makeInput(gen, cfg, values);
        if (isMax) {
          const [out, idx] = fn("adaptiveMaxPool", cfg.n)(x, size, { returnIndices: true }) as [Tensor, Tensor];
          expectExact(out, ref.out, shape, `${label} values`);
          expectExact(idx, ref.idx, shape, `${label} indices`);
          expectExact(fn("adaptiveMaxPool", cfg.n)(x, size) as Tensor, ref.out, shape, `${label} values only`);
        } else {
          const out = fn("adaptiveAvgPool", cfg.n)(x, size) as Tensor;
          expectClose(out, ref.out, shape, { atol: Math.max(1e-5, 1e-5 * ref.bound) }, label);
        }
      });
    }
  });
});

describe("maxUnpool(maxPool(x)) keeps the maxima in place and zeros elsewhere", () => {
  it(`${CASES} random poolings, with and without outputSize`, () => {
    const gen = new Gen(31337);
    for (let t = 0; t < CASES; t++) {
      const cfg = randomConfig(gen, false);
      cfg.g.ceil = false;
      if (outShape(cfg.g).some((o) => o < 1)) continue;
      const values = gen.values(prod(cfg.shape), true);
      const planes = planesOf(cfg);
      const inPlane = prod(cfg.g.spatial);
      const { idx } = refMaxPool(values, planes, cfg.g);
      const outPlane = prod(outShape(cfg.g));
      const expected = new Float32Array(values.length);
      for (let pl = 0; pl < planes; pl++) {
        for (let i = 0; i < outPlane; i++) {
          const pos = idx[pl * outPlane + i];
          expected[pl * inPlane + pos] = values[pl * inPlane + pos];
        }
      }
      tidy(() => {
        const x = makeInput(gen, cfg, values);
        const [pooled, indices] = fn("maxPool", cfg.n)(x, cfg.g.k, options(cfg.g, { returnIndices: true })) as [Tensor, Tensor];
        const opts = { stride: cfg.g.s, padding: cfg.g.p, outputSize: cfg.g.spatial };
        const y = fn("maxUnpool", cfg.n)(pooled, indices, cfg.g.k, opts) as Tensor;
        expectExact(y, expected, cfg.shape, `case ${t}: input [${cfg.shape}] ${JSON.stringify(cfg.g)}`);
        // Without outputSize the default size is used; where it equals the input size the result is the same.
        const defaults = outShape(cfg.g).map((o, i) => (o - 1) * cfg.g.s[i] + cfg.g.k[i] - 2 * cfg.g.p[i]);
        if (defaults.every((v, i) => v === cfg.g.spatial[i])) {
          expectExact(fn("maxUnpool", cfg.n)(pooled, indices, cfg.g.k, { stride: cfg.g.s, padding: cfg.g.p }) as Tensor, expected, cfg.shape, `case ${t} default size`);
        }
      });
    }
  });
});
