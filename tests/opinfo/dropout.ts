// Dropout: F.dropout, dropout1d/2d/3d, alphaDropout, featureAlphaDropout and their
// modules. Outside training the reference is the input; in training a check accepts each
// unit either kept (x / (1 - p), or a x + alpha a p) or dropped (x * 0, or the alpha
// value), the same for every value of a unit.
import { F, type Tensor, nn } from "../../src/index";
import { type ErrorCase, type Host, type OpInfo, type Sample, host, mapRef, numel, randHost } from "./core";

type Fn = (x: Tensor, o?: object) => Tensor;
type Ctor = new (o?: object) => nn.Module & { forward: (x: Tensor) => Tensor };
const ALPHA = 1.7580993408473766;

/** Kept and dropped values of x for p; both NaN-aware. */
function outcomes(p: number, alpha: boolean): { kept: (v: number) => number; dropped: (v: number) => number } {
  if (!alpha) return { kept: (v) => Math.fround(v * Math.fround(1 / (1 - p))), dropped: (v) => v * 0 };
  const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
  return { kept: (v) => v * a + ALPHA * a * p, dropped: (v) => v * 0 - ALPHA * a * (1 - p) };
}

const near = (got: number, want: number) =>
  Number.isNaN(want) ? Number.isNaN(got) : !Number.isFinite(want) ? got === want : Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want);

/** A check that every unit of `unitSize` values is wholly kept or wholly dropped. */
function trainingCheck(p: number, alpha: boolean, unitSize: (shape: number[]) => number) {
  const { kept, dropped } = outcomes(p, alpha);
  return (out: unknown, x: Host[]) => {
    const y = (out as Tensor).toArray();
    const size = unitSize(x[0].shape);
    for (let u = 0; u * size < y.length; u++) {
      let sawKept = false;
      let sawDropped = false;
      for (let j = 0; j < size; j++) {
        const i = u * size + j;
        const k = near(y[i], kept(x[0].data[i]));
        const d = near(y[i], dropped(x[0].data[i]));
        if (!k && !d) throw new Error(`element ${i}: ${y[i]} is neither kept (${kept(x[0].data[i])}) nor dropped (${dropped(x[0].data[i])})`);
        if (k && !d) sawKept = true;
        if (d && !k) sawDropped = true;
      }
      if (sawKept && sawDropped) throw new Error(`unit ${u} is partly dropped`);
    }
  };
}

interface Variant {
  f: string;
  module: string;
  /** Shape of a batched sample and the rank without batch dimension (0: elementwise). */
  shape: number[];
  spatial: number;
  alpha: boolean;
  trainingDefault: boolean;
}

const VARIANTS: Variant[] = [
  { f: "dropout", module: "Dropout", shape: [4, 3, 5], spatial: 0, alpha: false, trainingDefault: true },
  { f: "dropout1d", module: "Dropout1d", shape: [3, 4, 6], spatial: 1, alpha: false, trainingDefault: true },
  { f: "dropout2d", module: "Dropout2d", shape: [2, 4, 3, 5], spatial: 2, alpha: false, trainingDefault: true },
  { f: "dropout3d", module: "Dropout3d", shape: [2, 3, 2, 3, 2], spatial: 3, alpha: false, trainingDefault: true },
  { f: "alphaDropout", module: "AlphaDropout", shape: [5, 7], spatial: 0, alpha: true, trainingDefault: false },
  { f: "featureAlphaDropout", module: "FeatureAlphaDropout", shape: [3, 4, 5], spatial: -1, alpha: true, trainingDefault: false },
];

/** Values per unit: 1 elementwise, the trailing `spatial` sizes for channel dropout (-1: everything after [N, C]). */
const unitOf = (v: Variant) => (shape: number[]) =>
  v.spatial === 0 ? 1 : numel(shape.slice(v.spatial === -1 ? 2 : shape.length - v.spatial));

function entries(v: Variant): OpInfo[] {
  const f = (F as unknown as Record<string, Fn>)[v.f];
  const M = (nn as unknown as Record<string, Ctor>)[v.module];
  const noBatch = v.spatial > 0;
  const train = { training: true };
  const fSamples = (r: () => number): Sample[] => [
    { label: "training p=0.5", inputs: [randHost(r as never, v.shape)], call: (t) => f(t[0], train), check: trainingCheck(0.5, v.alpha, unitOf(v)) },
    { label: "training p=0.2", inputs: [randHost(r as never, v.shape)], call: (t) => f(t[0], { p: 0.2, training: true }), check: trainingCheck(0.2, v.alpha, unitOf(v)) },
    { label: "training false: the input", inputs: [randHost(r as never, v.shape)], call: (t) => f(t[0], { training: false }), ref: (h) => mapRef(h[0], (x) => x) },
    { label: "p=1: zeros", inputs: [randHost(r as never, v.shape)], call: (t) => f(t[0], { p: 1, training: true }), ref: (h) => mapRef(h[0], (x) => x * 0) },
    ...(noBatch ? [{ label: "unbatched", variant: "noBatch" as const, inputs: [randHost(r as never, v.shape.slice(1))], call: (t: Tensor[]) => f(t[0], train), check: trainingCheck(0.5, v.alpha, unitOf(v)) }] : []),
    { label: "batch 0", variant: "batch0", inputs: [randHost(r as never, [0, ...v.shape.slice(1)])], call: (t) => f(t[0], train), ref: (h) => mapRef(h[0], (x) => x) },
  ];
  const errors = (call: (x: unknown) => unknown, make: (o: object) => unknown): ErrorCase[] => [
    { label: "input not a tensor", call: () => call([1, 2]), error: TypeError, message: "expected input a Tensor" },
    { label: "int32 input", inputs: [host(new Array(numel(v.shape)).fill(1), v.shape, "int32")], call: (t) => call(t[0]), error: TypeError, message: "dtype" },
    { label: "p 1.5", inputs: [host(new Array(numel(v.shape)).fill(1), v.shape)], call: () => make({ p: 1.5 }), error: RangeError, message: "p a probability in [0, 1]" },
    { label: "inplace", call: () => make({ inplace: true }), error: TypeError, message: "inplace" },
    ...(v.spatial !== 0 ? [{ label: "1-D input", inputs: [host([1, 2, 3], [3])], call: (t: Tensor[]) => call(t[0]), error: RangeError, message: "dimensions" }] : []),
  ];
  const variants = ["noncontig", "batch0", "extreme", "outlier", ...(noBatch ? ["noBatch" as const] : [])] as OpInfo["variants"];
  return [
    {
      name: `F.${v.f}`,
      prefix: v.f,
      variants,
      samples: (r) => fSamples(r),
      errors: () => errors((x) => f(x as Tensor, train), (o) => f(null as unknown as Tensor, o)).map((c) =>
        c.label.startsWith("p ") ? { ...c, call: (t: Tensor[]) => f(t[0], { p: 1.5 }) } : c),
      withOptions: (t, o) => f(t[0], o),
    },
    {
      name: `nn.${v.module}`,
      prefix: v.module,
      variants,
      samples: (r) =>
        fSamples(r).map((s) => {
          const p = s.label.includes("0.2") ? 0.2 : s.label.includes("p=1") ? 1 : 0.5;
          const training = !s.label.startsWith("training false");
          return { ...s, module: () => new M({ p }).train(training), call: (t: Tensor[], m?: nn.Module) => (m as nn.Module & { forward: Fn }).forward(t[0]) };
        }),
      errors: () => errors((x) => new M().forward(x as Tensor), (o) => new M(o)),
      withOptions: (_t, o) => new M(o),
      stateDictKeys: [],
    },
  ];
}

export const DROPOUT: OpInfo[] = VARIANTS.flatMap(entries);
