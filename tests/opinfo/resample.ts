// Resampling and padding: F.interpolate / nn.Upsample in every mode, pixel shuffle and
// unshuffle, F.pad and the pad modules, with float64 references written from PyTorch
// 1.13's definitions (aten/src/ATen/native/UpSample.h: nearest indices in float32,
// linear and cubic weights in double, taps nested D, H, W; PadNd.cpp's index mapping).
import { F, type Tensor, nn } from "../../src/index";
import { type ErrorCase, type Host, type OpInfo, type Ref, type Sample, host, numel, randHost } from "./core";

type AnyCtor = new (...a: unknown[]) => nn.Module & { forward(x: Tensor): Tensor };
const f = Math.fround;

// ---------------------------------------------------------------- interpolate reference

export type Mode = "nearest" | "nearest-exact" | "linear" | "bilinear" | "bicubic" | "trilinear" | "area";

/** a * b + c rounded once (PyTorch's build contracts the half-pixel index into an FMA). */
export function fma(a: number, b: number, c: number): number {
  const p = a * b;
  const split = (v: number) => {
    const t = 134217729 * v;
    const hi = t - (t - v);
    return [hi, v - hi];
  };
  const [ahi, alo] = split(a);
  const [bhi, blo] = split(b);
  const e = ahi * bhi - p + ahi * blo + alo * bhi + alo * blo;
  const s = p + c;
  const v = s - p;
  return s + (p - (s - v) + (c - v) + e);
}

/**
 * Source indices and weights of each output position along one axis. `shortcuts`: the
 * nearest index shortcuts of PyTorch's channels-last kernel (4-D/5-D inputs with one channel).
 */
export function axisTaps(inN: number, outN: number, mode: Mode, align: boolean, scale: number, shortcuts = false): { idx: number[]; w: number[] }[] {
  const taps: { idx: number[]; w: number[] }[] = [];
  if (mode === "nearest" || mode === "nearest-exact") {
    const s = f(scale > 0 ? 1 / scale : inN / outN);
    for (let i = 0; i < outN; i++) {
      let src: number;
      if (mode === "nearest") src = shortcuts && outN === inN ? i : shortcuts && outN === 2 * inN ? i >> 1 : Math.floor(f(i * s));
      else src = Math.floor(f((i + 0.5) * s));
      taps.push({ idx: [Math.min(src, inN - 1)], w: [1] });
    }
    return taps;
  }
  const ratio = align ? (outN > 1 ? (inN - 1) / (outN - 1) : 0) : scale > 0 ? 1 / scale : inN / outN;
  for (let i = 0; i < outN; i++) {
    if (mode === "bicubic") {
      const real = align ? ratio * i : fma(ratio, i + 0.5, -0.5);
      const i0 = Math.floor(f(real));
      const t = real - i0;
      const A = -0.75;
      const c1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
      const c2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
      const clamp = (j: number) => Math.max(Math.min(j, inN - 1), 0);
      taps.push({ idx: [clamp(i0 - 1), clamp(i0), clamp(i0 + 1), clamp(i0 + 2)], w: [c2(t + 1), c1(t), c1(1 - t), c2(2 - t)] });
    } else if (outN === inN) {
      taps.push({ idx: [i, i], w: [1, 0] });
    } else {
      const real = Math.max(align ? ratio * i : fma(ratio, i + 0.5, -0.5), 0);
      const i0 = Math.trunc(real);
      const l1 = real - i0;
      taps.push({ idx: [i0, i0 + (i0 < inN - 1 ? 1 : 0)], w: [1 - l1, l1] });
    }
  }
  return taps;
}

/** F.interpolate in float64 (batched input [N, C, ...spatial]); `scales` are the kernel's (0 = from the sizes). */
export function interpolateRef(x: Host, outSp: number[], mode: Mode, align: boolean, scales: number[]): Ref {
  const [n, c, ...sp] = x.shape;
  const dims = sp.length;
  const planes = n * c;
  const inSize = numel(sp);
  const outSize = numel(outSp);
  const data = new Float64Array(planes * outSize);
  const mag = new Float64Array(planes * outSize);
  const exact = mode === "nearest" || mode === "nearest-exact";
  if (mode === "area") {
    for (let p = 0; p < planes; p++) {
      for (let o = 0; o < outSize; o++) {
        const oi = unflat(o, outSp);
        const lo = oi.map((v, a) => Math.floor((v * sp[a]) / outSp[a]));
        const hi = oi.map((v, a) => Math.ceil(((v + 1) * sp[a]) / outSp[a]));
        let s = 0;
        let m = 0;
        let cnt = 0;
        for (const ii of box(lo, hi)) {
          const v = x.data[p * inSize + flat(ii, sp)];
          s += v;
          m += Math.abs(v);
          cnt++;
        }
        data[p * outSize + o] = s / cnt;
        mag[p * outSize + o] = m / cnt;
      }
    }
    return { data, shape: [n, c, ...outSp], magnitude: mag };
  }
  const taps = sp.map((s, a) => axisTaps(s, outSp[a], mode, align, scales[a] ?? 0, dims >= 2 && (c === 1 || numel(sp) === 1)));
  // Nested like PyTorch: the first spatial axis outermost.
  const evalAt = (p: number, oi: number[], a: number, base: number[]): [number, number] => {
    if (a === dims) {
      const v = x.data[p * inSize + flat(base, sp)];
      return [v, Math.abs(v)];
    }
    const t = taps[a][oi[a]];
    let acc = 0;
    let m = 0;
    t.idx.forEach((src, k) => {
      const [v, vm] = evalAt(p, oi, a + 1, [...base, src]);
      acc = k === 0 ? v * t.w[k] : acc + v * t.w[k];
      m += vm * Math.abs(t.w[k]);
    });
    return [acc, m];
  };
  for (let p = 0; p < planes; p++) {
    for (let o = 0; o < outSize; o++) {
      const [v, m] = evalAt(p, unflat(o, outSp), 0, []);
      data[p * outSize + o] = v;
      mag[p * outSize + o] = m;
    }
  }
  return exact ? { data, shape: [n, c, ...outSp], exact: true } : { data, shape: [n, c, ...outSp], magnitude: mag };
}

function unflat(i: number, dims: number[]): number[] {
  const out = new Array<number>(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    out[d] = i % dims[d];
    i = Math.floor(i / dims[d]);
  }
  return out;
}

const flat = (idx: number[], dims: number[]) => idx.reduce((a, v, i) => a * dims[i] + v, 0);

function* box(lo: number[], hi: number[]): Generator<number[]> {
  const dims = lo.map((l, i) => hi[i] - l);
  for (let i = 0; i < numel(dims); i++) yield unflat(i, dims).map((v, a) => v + lo[a]);
}

// ---------------------------------------------------------------- pad and shuffle references

/**
 * F.pad in float64: each output element's source by the mode's rule, or the value.
 * Circular padding crops first (negative amounts) and wraps the cropped block, as PyTorch.
 */
export function padRef(x: Host, pad: number[], mode: "constant" | "reflect" | "replicate" | "circular", value: number): Ref {
  if (mode === "circular" && pad.some((v) => v < 0)) {
    const cropped = cropRef(x, pad.map((v) => Math.min(v, 0)));
    return padRef(cropped, pad.map((v) => Math.max(v, 0)), mode, value);
  }
  const nd = x.shape.length;
  const before = x.shape.map((_, d) => (nd - 1 - d < pad.length / 2 ? pad[2 * (nd - 1 - d)] : 0));
  const after = x.shape.map((_, d) => (nd - 1 - d < pad.length / 2 ? pad[2 * (nd - 1 - d) + 1] : 0));
  const outShape = x.shape.map((s, d) => s + before[d] + after[d]);
  const data = new Float64Array(numel(outShape));
  for (let o = 0; o < data.length; o++) {
    const oi = unflat(o, outShape);
    let inside = true;
    const si = oi.map((v, d) => {
      const n = x.shape[d];
      let s = v - before[d];
      if (s >= 0 && s < n) return s;
      if (mode === "constant") inside = false;
      else if (mode === "reflect") s = s < 0 ? -s : 2 * n - 2 - s;
      else if (mode === "replicate") s = s < 0 ? 0 : n - 1;
      else s = s < 0 ? s + n : s - n;
      return s;
    });
    data[o] = inside ? x.data[flat(si, x.shape)] : f(value);
  }
  return { data, shape: outShape, exact: true };
}

/** `x` with -pad[2i] / -pad[2i+1] elements dropped from the ends of dimension nd-1-i (pad <= 0). */
function cropRef(x: Host, pad: number[]): Host {
  const nd = x.shape.length;
  const lo = x.shape.map((_, d) => (nd - 1 - d < pad.length / 2 ? -pad[2 * (nd - 1 - d)] : 0));
  const shape = x.shape.map((s, d) => s - lo[d] - (nd - 1 - d < pad.length / 2 ? -pad[2 * (nd - 1 - d) + 1] : 0));
  const data = new Float64Array(numel(shape));
  for (let o = 0; o < data.length; o++) data[o] = x.data[flat(unflat(o, shape).map((v, d) => v + lo[d]), x.shape)];
  return { data, shape };
}

/** pixel_shuffle (up true) or pixel_unshuffle in float64: a permutation. */
export function shuffleRef(x: Host, r: number, up: boolean): Ref {
  const lead = x.shape.slice(0, -3);
  const [c, h, w] = x.shape.slice(-3);
  const outTail = up ? [c / (r * r), h * r, w * r] : [c * r * r, h / r, w / r];
  const outShape = [...lead, ...outTail];
  const data = new Float64Array(numel(outShape));
  const per = c * h * w;
  for (let b = 0; b < numel(lead); b++) {
    for (let o = 0; o < per; o++) {
      const [oc, oy, ox] = unflat(o, outTail);
      let src: number;
      if (up) src = ((oc * r * r + (oy % r) * r + (ox % r)) * h + Math.floor(oy / r)) * w + Math.floor(ox / r);
      else {
        const ic = Math.floor(oc / (r * r));
        const ry = Math.floor(oc / r) % r;
        const rx = oc % r;
        src = (ic * h + oy * r + ry) * w + ox * r + rx;
      }
      data[b * per + o] = x.data[b * per + src];
    }
  }
  return { data, shape: outShape, exact: true };
}

// ---------------------------------------------------------------- entries

interface Geo {
  label: string;
  variant?: Sample["variant"];
  x: number[];
  o: Record<string, unknown>;
}

const INTERP_GEOS: Geo[] = [
  { label: "nearest 1-D size 11", x: [2, 3, 6], o: { size: 11 } },
  { label: "nearest 2-D x2", x: [1, 2, 5, 7], o: { scaleFactor: 2 } },
  { label: "nearest-exact 2-D 1.7", x: [1, 2, 5, 6], o: { scaleFactor: 1.7, mode: "nearest-exact" } },
  { label: "nearest 3-D down", x: [1, 1, 6, 5, 8], o: { size: [3, 2, 5] } },
  { label: "linear 1.5", x: [2, 2, 7], o: { scaleFactor: 1.5, mode: "linear" } },
  { label: "linear alignCorners", x: [1, 3, 6], o: { size: 13, mode: "linear", alignCorners: true } },
  { label: "bilinear x2", x: [1, 2, 6, 9], o: { scaleFactor: 2, mode: "bilinear" } },
  { label: "bilinear down alignCorners", x: [1, 2, 11, 13], o: { size: [4, 5], mode: "bilinear", alignCorners: true } },
  { label: "bilinear 2.3 recomputed", x: [1, 2, 4, 5], o: { scaleFactor: [2.3, 1.6], mode: "bilinear", recomputeScaleFactor: true } },
  { label: "bicubic 2.5", x: [1, 2, 4, 6], o: { scaleFactor: 2.5, mode: "bicubic" } },
  { label: "bicubic alignCorners down", x: [1, 1, 9, 10], o: { size: [5, 3], mode: "bicubic", alignCorners: true } },
  { label: "trilinear x2", x: [1, 2, 3, 4, 5], o: { scaleFactor: 2, mode: "trilinear" } },
  { label: "area 2-D", x: [1, 2, 9, 10], o: { size: [4, 3], mode: "area" } },
  { label: "area 3-D up", x: [1, 1, 3, 4, 2], o: { size: [5, 6, 3], mode: "area" } },
  { label: "batch 0", variant: "batch0", x: [0, 2, 5, 6], o: { scaleFactor: 2, mode: "bilinear" } },
  { label: "1x1 input", variant: "1x1", x: [2, 2, 1, 1], o: { size: [3, 4], mode: "bicubic" } },
];

/** The output spatial size and the kernel's scales of a geometry, as PyTorch derives them. */
function outOf(x: number[], o: Record<string, unknown>): { out: number[]; scales: number[] } {
  const sp = x.slice(2);
  const per = (v: unknown) => (Array.isArray(v) ? (v as number[]) : sp.map(() => v as number));
  if (o.size !== undefined) return { out: per(o.size), scales: sp.map(() => 0) };
  const s = per(o.scaleFactor);
  const out = sp.map((v, i) => Math.floor(v * s[i]));
  return { out, scales: o.recomputeScaleFactor || o.mode === "area" ? sp.map(() => 0) : s };
}

function interpSamples(module: boolean) {
  return (r: import("../helpers/random").Rng): Sample[] =>
    INTERP_GEOS.map((g) => ({
      label: g.label,
      variant: g.variant,
      inputs: [randHost(r, g.x)],
      module: module ? () => new nn.Upsample(g.o) : undefined,
      call: (t: Tensor[], m?: nn.Module) => (module ? (m as nn.Upsample).forward(t[0]) : F.interpolate(t[0], g.o)),
      ref: (h: Host[]) => {
        const { out, scales } = outOf(g.x, g.o);
        return interpolateRef(h[0], out, (g.o.mode as Mode) ?? "nearest", g.o.alignCorners === true, scales);
      },
    }));
}

const x4 = () => host(new Array(32).fill(1), [1, 2, 4, 4]);

function interpErrors(call: (x: Tensor, o: object) => unknown, prefix?: string): ErrorCase[] {
  return [
    { label: "size and scaleFactor", inputs: [x4()], call: (t) => call(t[0], { size: [4, 4], scaleFactor: 2 }), error: TypeError, message: "only one of size and scaleFactor", prefix },
    { label: "neither size nor scaleFactor", inputs: [x4()], call: (t) => call(t[0], { mode: "bilinear" }), error: TypeError, message: "size or scaleFactor", prefix },
    { label: "unknown mode", inputs: [x4()], call: (t) => call(t[0], { scaleFactor: 2, mode: "cubic" }), error: RangeError, message: "mode", prefix },
    { label: "alignCorners with nearest", inputs: [x4()], call: (t) => call(t[0], { scaleFactor: 2, alignCorners: true }), error: RangeError, message: "alignCorners", prefix },
    { label: "bilinear on a 3-D input", inputs: [host([1, 2, 3, 4, 5, 6], [1, 2, 3])], call: (t) => call(t[0], { size: 5, mode: "bilinear" }), error: RangeError, message: "needs a 4-D input", prefix },
    { label: "size of the wrong length", inputs: [x4()], call: (t) => call(t[0], { size: [4, 4, 4] }), error: TypeError, message: "size with 2 values", prefix },
    { label: "size 0", inputs: [x4()], call: (t) => call(t[0], { size: 0 }), error: RangeError, message: "size", prefix },
    { label: "scaleFactor -1", inputs: [x4()], call: (t) => call(t[0], { scaleFactor: -1 }), error: RangeError, message: "scaleFactor", prefix },
    { label: "output size 0", inputs: [x4()], call: (t) => call(t[0], { scaleFactor: 0.1 }), error: RangeError, message: "output size of at least 1", prefix },
    { label: "recomputeScaleFactor with size", inputs: [x4()], call: (t) => call(t[0], { size: 3, recomputeScaleFactor: true }), error: RangeError, message: "recomputeScaleFactor", prefix },
    { label: "2-D input", inputs: [host([1, 2, 3, 4], [2, 2])], call: (t) => call(t[0], { size: 3 }), error: RangeError, message: "3-D, 4-D or 5-D", prefix },
    { label: "int32 input", inputs: [host([1, 2, 3, 4], [1, 1, 4], "int32")], call: (t) => call(t[0], { size: 3 }), error: TypeError, message: "dtype", prefix },
  ];
}

const padGeos: { label: string; variant?: Sample["variant"]; x: number[]; pad: number[]; mode: "constant" | "reflect" | "replicate" | "circular"; value?: number }[] = [
  { label: "constant 1-D", x: [2, 3, 5], pad: [1, 2], mode: "constant" },
  { label: "constant value 2-D crop", x: [1, 2, 4, 5], pad: [-1, 2, 0, 1], mode: "constant", value: 1.5 },
  { label: "constant 4 dimensions", x: [2, 2, 3, 4], pad: [1, 0, 0, 1, 1, 1, 1, 0], mode: "constant", value: -2 },
  { label: "reflect 2-D", x: [1, 2, 4, 6], pad: [2, 1, 3, 0], mode: "reflect" },
  { label: "reflect 3-D", x: [1, 1, 3, 4, 5], pad: [1, 1, 2, 0, 1, 2], mode: "reflect" },
  { label: "replicate 1-D", x: [2, 3, 4], pad: [3, 5], mode: "replicate" },
  { label: "replicate 3-D", x: [1, 2, 2, 3, 4], pad: [1, 2, 1, 1, 0, 2], mode: "replicate" },
  { label: "circular 2-D", x: [1, 2, 4, 5], pad: [1, 2, 3, 1], mode: "circular" },
  { label: "circular crop", x: [1, 2, 6], pad: [3, -2], mode: "circular" },
  { label: "unbatched reflect", variant: "noBatch", x: [3, 5], pad: [2, 2], mode: "reflect" },
  { label: "batch 0", variant: "batch0", x: [0, 2, 4], pad: [1, 1], mode: "replicate" },
  { label: "1x1", variant: "1x1", x: [2, 2, 1, 1], pad: [1, 1, 1, 1], mode: "replicate" },
];

const MODULES: { name: string; mode: "constant" | "reflect" | "replicate" | "circular"; n: 1 | 2 | 3; value?: number }[] = [];
for (const n of [1, 2, 3] as const) {
  MODULES.push({ name: `ZeroPad${n}d`, mode: "constant", n });
  MODULES.push({ name: `ConstantPad${n}d`, mode: "constant", n, value: 0.75 });
  MODULES.push({ name: `ReflectionPad${n}d`, mode: "reflect", n });
  MODULES.push({ name: `ReplicationPad${n}d`, mode: "replicate", n });
  MODULES.push({ name: `CircularPad${n}d`, mode: "circular", n });
}

function moduleEntry(m: (typeof MODULES)[number]): OpInfo {
  const Ctor = (nn as unknown as Record<string, AnyCtor>)[m.name];
  const make = (p: number | number[]) => (m.value !== undefined ? new Ctor(p, m.value) : new Ctor(p));
  const sp = [5, 4, 6].slice(0, m.n);
  const list = [1, 2, 2, 0, 1, 3].slice(0, 2 * m.n);
  return {
    name: `nn.${m.name}`,
    prefix: m.name,
    variants: ["noncontig", "noBatch", "extreme"],
    samples: (r) => [
      { label: "padding 2", inputs: [randHost(r, [2, 3, ...sp])], module: () => make(2), call: (t, mod) => (mod as nn.Module & { forward: (x: Tensor) => Tensor }).forward(t[0]), ref: (h) => padRef(h[0], new Array(2 * m.n).fill(2), m.mode, m.value ?? 0) },
      { label: `padding ${JSON.stringify(list)}`, inputs: [randHost(r, [1, 2, ...sp])], module: () => make(list), call: (t, mod) => (mod as nn.Module & { forward: (x: Tensor) => Tensor }).forward(t[0]), ref: (h) => padRef(h[0], list, m.mode, m.value ?? 0) },
      { label: "no batch dimension", variant: "noBatch", inputs: [randHost(r, [2, ...sp])], module: () => make(1), call: (t, mod) => (mod as nn.Module & { forward: (x: Tensor) => Tensor }).forward(t[0]), ref: (h) => padRef(h[0], new Array(2 * m.n).fill(1), m.mode, m.value ?? 0) },
    ],
    errors: () => [
      { label: "padding of the wrong length", call: () => make(new Array(2 * m.n + 2).fill(1)), error: TypeError, message: "padding" },
      { label: "padding 1.5", call: () => make(1.5), error: TypeError, message: "padding" },
      ...(m.mode === "reflect"
        ? [{ label: "padding as large as the input", inputs: [host(new Array(2 * numel(sp)).fill(1), [1, 2, ...sp])], module: () => make(Math.max(...sp)), call: (t: Tensor[], mod?: nn.Module) => (mod as nn.Module & { forward: (x: Tensor) => Tensor }).forward(t[0]), error: RangeError, message: "reflect padding must be less than" }]
        : []),
    ],
    stateDictKeys: [],
  };
}

export const RESAMPLE: OpInfo[] = [
  {
    name: "F.interpolate",
    prefix: "interpolate",
    variants: ["noncontig", "batch0", "1x1", "extreme", "outlier"],
    samples: interpSamples(false),
    errors: () => interpErrors((x, o) => F.interpolate(x, o)),
    withOptions: (t, o) => F.interpolate(t[0], { scaleFactor: 2, ...o }),
    extremeNote: "taps are multiplied even when their weight is 0, as in PyTorch: Inf next to a 0 weight gives NaN in both",
  },
  {
    name: "nn.Upsample",
    prefix: "Upsample",
    variants: ["noncontig", "batch0", "1x1", "extreme"],
    samples: interpSamples(true),
    errors: () => [
      ...interpErrors((x, o) => new nn.Upsample(o).forward(x), "Upsample"),
      { label: "align_corners (snake case)", call: () => new nn.Upsample({ scaleFactor: 2, align_corners: true } as never), error: TypeError, message: "alignCorners" },
    ],
    withOptions: (_t, o) => new nn.Upsample({ scaleFactor: 2, ...o }),
    stateDictKeys: [],
  },
  ...(["pixelShuffle", "pixelUnshuffle"] as const).flatMap((fn): OpInfo[] => {
    const up = fn === "pixelShuffle";
    const Mod = up ? nn.PixelShuffle : nn.PixelUnshuffle;
    const geos: [string, number[], number, Sample["variant"]?][] = up
      ? [["r 2", [1, 8, 3, 4], 2], ["r 3 batch 2", [2, 18, 2, 3], 3], ["no batch", [12, 3, 2], 2, "noBatch"], ["5-D", [2, 2, 8, 2, 3], 2], ["batch 0", [0, 4, 2, 2], 2, "batch0"]]
      : [["r 2", [1, 2, 6, 4], 2], ["r 3", [2, 1, 9, 6], 3], ["no batch", [3, 4, 8], 2, "noBatch"], ["5-D", [2, 2, 1, 4, 6], 2], ["batch 0", [0, 1, 4, 4], 2, "batch0"]];
    const samples = (module: boolean) => (r: import("../helpers/random").Rng): Sample[] =>
      geos.map(([label, x, k, variant]) => ({
        label, variant, inputs: [randHost(r, x)],
        module: module ? () => new Mod(k) : undefined,
        call: (t: Tensor[], m?: nn.Module) => (module ? (m as nn.PixelShuffle).forward(t[0]) : F[fn](t[0], k)),
        ref: (h: Host[]) => shuffleRef(h[0], k, up),
      }));
    const bad = up ? { label: "5 channels for r 2", x: [1, 5, 4, 4], message: "divisible by upscaleFactor squared" } : { label: "height 5 for r 2", x: [1, 2, 5, 4], message: "height" };
    const errors = (call: (x: Tensor, r: unknown) => unknown): ErrorCase[] => [
      { label: bad.label, inputs: [host(new Array(numel(bad.x)).fill(0.5), bad.x)], call: (t) => call(t[0], 2), error: RangeError, message: bad.message },
      { label: "factor 0", inputs: [host(new Array(16).fill(0.5), [1, 4, 2, 2])], call: (t) => call(t[0], 0), error: RangeError, message: "Factor" },
      { label: "2-D input", inputs: [host(new Array(16).fill(0.5), [4, 4])], call: (t) => call(t[0], 2), error: RangeError, message: "at least 3 dimensions" },
    ];
    return [
      { name: `F.${fn}`, prefix: fn, variants: ["noncontig", "noBatch", "batch0", "extreme"], samples: samples(false), errors: () => errors((x, r) => F[fn](x, r as number)) },
      {
        name: `nn.${up ? "PixelShuffle" : "PixelUnshuffle"}`, prefix: up ? "PixelShuffle" : "PixelUnshuffle", variants: ["noncontig", "noBatch", "batch0"], samples: samples(true),
        errors: () => errors((x, r) => new Mod(r as number).forward(x)).slice(1, 2), stateDictKeys: [],
      },
    ];
  }),
  {
    name: "F.pad",
    prefix: "pad",
    variants: ["noncontig", "noBatch", "batch0", "1x1", "extreme"],
    samples: (r) =>
      padGeos.map((g) => ({
        label: g.label, variant: g.variant, inputs: [randHost(r, g.x)],
        call: (t: Tensor[]) => F.pad(t[0], g.pad, { mode: g.mode, ...(g.value !== undefined ? { value: g.value } : {}) }),
        ref: (h: Host[]) => padRef(h[0], g.pad, g.mode, g.value ?? 0),
      })),
    errors: () => {
      const x = () => host(new Array(9).fill(1), [1, 1, 3, 3]);
      return [
        { label: "reflect 3 on 3", inputs: [x()], call: (t) => F.pad(t[0], [3, 3, 3, 3], { mode: "reflect" }), error: RangeError, message: "reflect padding must be less than" },
        { label: "odd length", inputs: [x()], call: (t) => F.pad(t[0], [1, 2, 3]), error: RangeError, message: "even number" },
        { label: "too long", inputs: [x()], call: (t) => F.pad(t[0], new Array(10).fill(1)), error: RangeError, message: "at most 8 pad values" },
        { label: "unknown mode", inputs: [x()], call: (t) => F.pad(t[0], [1, 1], { mode: "wrap" as "reflect" }), error: RangeError, message: "mode" },
        { label: "circular wraps twice", inputs: [host([1, 2, 3], [1, 1, 3])], call: (t) => F.pad(t[0], [4, 0], { mode: "circular" }), error: RangeError, message: "wrap around more than once" },
        { label: "value with reflect", inputs: [x()], call: (t) => F.pad(t[0], [1, 1], { mode: "reflect", value: 1 }), error: RangeError, message: "takes no value" },
        { label: "reflect on 4 dimensions of pads", inputs: [x()], call: (t) => F.pad(t[0], [1, 1], { mode: "reflect" }), error: RangeError, message: "pads the last 1, 2 or 3 dimensions" },
        { label: "crop below zero", inputs: [x()], call: (t) => F.pad(t[0], [-2, -2]), error: RangeError, message: "crops more than" },
        { label: "pad not an array", inputs: [x()], call: (t) => F.pad(t[0], 1 as unknown as number[]), error: TypeError, message: "pad" },
        { label: "value a string", inputs: [x()], call: (t) => F.pad(t[0], [1, 1], { value: "1" as unknown as number }), error: TypeError, message: "value" },
      ];
    },
    withOptions: (t, o) => F.pad(t[0], [1, 1], o),
    extremeNote: "padding copies values: NaN, infinities and -0 come out as they went in",
  },
  ...MODULES.map(moduleEntry),
];
