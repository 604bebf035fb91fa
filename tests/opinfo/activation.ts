// Activations: F functions and nn modules, elementwise and along a dimension.
import { F, type Tensor, nn } from "../../src/index";
import { activationRef, softmaxRef } from "../helpers/activation-ref";
import type { Rng } from "../helpers/random";
import { type ErrorCase, type Host, type OpInfo, type Ref, type Sample, host, mapRef, numel, randHost } from "./core";

type Opts = Record<string, number | string | boolean>;
type AnyFn = (...a: unknown[]) => unknown;
type AnyCtor = new (...a: unknown[]) => nn.Module;

interface Spec {
  f: string; // F name
  m?: string; // nn name
  ref: string; // activationRef name
  opts?: Opts[]; // option sets to sample (the first one is also given to the module)
  args?: number[]; // positional args (threshold)
  fTakesOptions?: boolean; // default true
  /** A known bug in this entry's error messages. */
  knownIssue?: string;
  badOption?: { opts: Record<string, unknown>; error: typeof TypeError | typeof RangeError; message: string };
}

const SPECS: Spec[] = [
  { f: "relu", m: "ReLU", ref: "relu" },
  { f: "relu6", m: "ReLU6", ref: "relu6" },
  { f: "leakyRelu", m: "LeakyReLU", ref: "leakyRelu", opts: [{}, { negativeSlope: 0.2 }], badOption: { opts: { negativeSlope: "0.2" }, error: TypeError, message: "negativeSlope" } },
  { f: "elu", m: "ELU", ref: "elu", opts: [{}, { alpha: 0.7 }], badOption: { opts: { alpha: NaN }, error: TypeError, message: "alpha" } },
  { f: "selu", m: "SELU", ref: "selu" },
  { f: "celu", m: "CELU", ref: "celu", opts: [{}, { alpha: 1.5 }], badOption: { opts: { alpha: 0 }, error: RangeError, message: "alpha" } },
  { f: "gelu", m: "GELU", ref: "gelu", opts: [{}, { approximate: "tanh" }], badOption: { opts: { approximate: "fast" }, error: RangeError, message: "approximate" } },
  { f: "silu", m: "SiLU", ref: "silu" },
  { f: "mish", m: "Mish", ref: "mish" },
  { f: "sigmoid", m: "Sigmoid", ref: "sigmoid", fTakesOptions: false },
  { f: "tanh", m: "Tanh", ref: "tanh", fTakesOptions: false },
  { f: "hardtanh", m: "Hardtanh", ref: "hardtanh", opts: [{}, { minVal: -0.5, maxVal: 2 }], badOption: { opts: { minVal: 2, maxVal: 1 }, error: RangeError, message: "minVal" } },
  { f: "hardsigmoid", m: "Hardsigmoid", ref: "hardsigmoid" },
  { f: "hardswish", m: "Hardswish", ref: "hardswish" },
  { f: "softplus", m: "Softplus", ref: "softplus", opts: [{}, { beta: 2, threshold: 3 }], badOption: { opts: { beta: 0 }, error: RangeError, message: "beta" } },
  { f: "softsign", m: "Softsign", ref: "softsign", fTakesOptions: false },
  { f: "softshrink", m: "Softshrink", ref: "softshrink", opts: [{}, { lambd: 0.3 }], badOption: { opts: { lambd: -1 }, error: RangeError, message: "lambd" } },
  { f: "hardshrink", m: "Hardshrink", ref: "hardshrink", opts: [{}, { lambd: 0.3 }], badOption: { opts: { lambd: -1 }, error: RangeError, message: "lambd" } },
  { f: "tanhshrink", m: "Tanhshrink", ref: "tanhshrink", fTakesOptions: false },
  { f: "logsigmoid", m: "LogSigmoid", ref: "logsigmoid", fTakesOptions: false },
  { f: "logSigmoid", ref: "logsigmoid", fTakesOptions: false },
  { f: "rrelu", ref: "rrelu", opts: [{}, { lower: 0.1, upper: 0.3 }, { lower: 0.1, upper: 0.3, training: false }], badOption: { opts: { lower: 0.5, upper: 0.1 }, error: RangeError, message: "lower" } },
];

/** Shapes for elementwise samples: 4-D, 1-D, 0-D. */
function elementwiseInputs(r: Rng): Host[] {
  return [randHost(r, [2, 3, 4, 5], -6, 6), randHost(r, [7], -30, 30), randHost(r, [], -3, 3)];
}

function commonErrors(name: string, call: (x: unknown) => unknown, prefix?: string): ErrorCase[] {
  const cases: ErrorCase[] = [
    { label: "input not a tensor", call: () => call([1, 2, 3]), error: TypeError, message: "expected input a Tensor", prefix },
    { label: "int32 input", inputs: [host([1, 2, 3], [3], "int32")], call: (t: Tensor[]) => call(t[0]), error: TypeError, message: "dtype", prefix },
    { label: "disposed input", inputs: [host([1, 2], [2])], call: (t: Tensor[]) => call(disposedLike(t[0])), error: TypeError, message: "disposed", prefix },
  ];
  return cases.map((c) => ({ ...c, label: `${name}: ${c.label}` }));
}

/** A disposed tensor with `t`'s values (t itself stays live, so the harness can check it). */
function disposedLike(t: Tensor): Tensor {
  const c = t.clone();
  c.dispose();
  return c;
}

function elementwiseEntries(s: Spec): OpInfo[] {
  const fn = (F as unknown as Record<string, AnyFn>)[s.f];
  const optsList = s.opts ?? [{}];
  const takes = s.fTakesOptions !== false;
  const fEntry: OpInfo = {
    name: `F.${s.f}`,
    prefix: s.f,
    variants: ["noncontig", "batch0", "extreme", "outlier"],
    samples: (r) => {
      const out: Sample[] = [];
      for (const o of optsList) {
        const f = activationRef(s.ref, o, s.args);
        for (const x of elementwiseInputs(r)) {
          out.push({
            label: `${JSON.stringify(o)} [${x.shape}]`,
            inputs: [x],
            call: (t) => (takes ? fn(t[0], o) : fn(t[0])),
            ref: (h) => mapRef(h[0], f),
          });
        }
      }
      out.push({ label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3])], call: (t) => fn(t[0]), ref: (h) => mapRef(h[0], activationRef(s.ref)) });
      return out;
    },
    errors: () => [
      ...commonErrors(s.f, (x) => fn(x)),
      ...(takes ? [{ label: "inplace option", inputs: [host([1, -1], [2])], call: (t: Tensor[]) => fn(t[0], { inplace: true }), error: TypeError, message: "inplace" }] : []),
      ...(s.badOption ? [{ label: `bad option ${JSON.stringify(s.badOption.opts)}`, inputs: [host([1, -1], [2])], call: (t: Tensor[]) => fn(t[0], s.badOption!.opts), error: s.badOption.error, message: s.badOption.message }] : []),
    ],
    withOptions: takes ? (t, o) => fn(t[0], o) : undefined,
    knownIssues: s.knownIssue ? { error: s.knownIssue } : undefined,
  };
  if (!s.m) return [fEntry];
  const Ctor = (nn as unknown as Record<string, AnyCtor>)[s.m];
  const mOpts = optsList[optsList.length - 1];
  const make = () => new Ctor(...(Object.keys(mOpts).length ? [mOpts] : []));
  const mEntry: OpInfo = {
    name: `nn.${s.m}`,
    prefix: s.m,
    variants: ["noncontig", "batch0", "extreme"],
    samples: (r) => {
      const f = activationRef(s.ref, mOpts, s.args);
      return [
        ...elementwiseInputs(r).map((x) => ({ label: `[${x.shape}]`, inputs: [x], module: make, call: (t: Tensor[], m?: nn.Module) => (m as unknown as { forward: AnyFn }).forward(t[0]), ref: (h: Host[]) => mapRef(h[0], f) })),
        { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 2])], module: make, call: (t, m) => (m as unknown as { forward: AnyFn }).forward(t[0]), ref: (h) => mapRef(h[0], f) },
      ];
    },
    errors: () => [
      ...commonErrors(s.m!, (x) => make().forward(x as Tensor)),
      { label: "inplace option", call: () => new Ctor({ inplace: true }), error: TypeError, message: "inplace" },
      ...(s.badOption ? [{ label: `bad option ${JSON.stringify(s.badOption.opts)}`, call: () => new Ctor(s.badOption!.opts), error: s.badOption.error, message: s.badOption.message }] : []),
    ],
    withOptions: (_t, o) => new Ctor(o),
    stateDictKeys: [],
  };
  return [fEntry, mEntry];
}

// ---- threshold, prelu, rrelu (training), softmax family, glu ----

function thresholdEntries(): OpInfo[] {
  const f = activationRef("threshold", {}, [0.1, 20]);
  return [
    {
      name: "F.threshold",
      prefix: "threshold",
      variants: ["noncontig", "batch0", "extreme", "outlier"],
      samples: (r) => [
        ...elementwiseInputs(r).map((x) => ({ label: `[${x.shape}]`, inputs: [x], call: (t: Tensor[]) => F.threshold(t[0], 0.1, 20), ref: (h: Host[]) => mapRef(h[0], f) })),
        { label: "-Inf threshold", inputs: [randHost(r, [5])], call: (t) => F.threshold(t[0], -Infinity, 3), ref: (h) => mapRef(h[0], activationRef("threshold", {}, [-Infinity, 3])) },
        { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 4])], call: (t) => F.threshold(t[0], 0.1, 20), ref: (h) => mapRef(h[0], f) },
      ],
      errors: () => [
        ...commonErrors("threshold", (x) => F.threshold(x as Tensor, 0, 0)),
        { label: "NaN threshold", inputs: [host([1], [1])], call: (t) => F.threshold(t[0], NaN, 0), error: TypeError, message: "threshold" },
        { label: "string value", inputs: [host([1], [1])], call: (t) => F.threshold(t[0], 0, "1" as unknown as number), error: TypeError, message: "value" },
      ],
      withOptions: (t, o) => F.threshold(t[0], 0.1, 20, o),
    },
    {
      name: "nn.Threshold",
      prefix: "Threshold",
      variants: ["noncontig", "batch0", "extreme"],
      samples: (r) => [
        ...elementwiseInputs(r).map((x) => ({ label: `[${x.shape}]`, inputs: [x], module: () => new nn.Threshold(0.1, 20), call: (t: Tensor[], m?: nn.Module) => (m as nn.Threshold).forward(t[0]), ref: (h: Host[]) => mapRef(h[0], f) })),
        { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 4])], module: () => new nn.Threshold(0.1, 20), call: (t, m) => (m as nn.Threshold).forward(t[0]), ref: (h) => mapRef(h[0], f) },
      ],
      errors: () => [
        ...commonErrors("Threshold", (x) => new nn.Threshold(0, 0).forward(x as Tensor)),
        { label: "missing value", call: () => new (nn.Threshold as unknown as AnyCtor)(0.5), error: TypeError, message: "value" },
      ],
      withOptions: (_t, o) => new nn.Threshold(0, 0, o as Record<string, never>),
      stateDictKeys: [],
    },
  ];
}

function preluRef(x: Host, w: Host): Ref {
  const C = x.shape.length >= 2 ? x.shape[1] : 1;
  const inner = x.shape.length >= 2 ? numel(x.shape.slice(2)) : numel(x.shape);
  return {
    data: Float64Array.from(x.data, (v, i) => {
      const c = w.data.length === 1 ? 0 : Math.floor(i / inner) % C;
      return v > 0 ? v : w.data[c] * v;
    }),
    shape: x.shape.slice(),
  };
}

function preluEntries(): OpInfo[] {
  return [
    {
      name: "F.prelu",
      prefix: "prelu",
      variants: ["noncontig", "noBatch", "batch0", "extreme", "outlier"],
      samples: (r) => [
        { label: "per channel [2,3,4,4]", inputs: [randHost(r, [2, 3, 4, 4]), randHost(r, [3], 0, 0.5)], call: (t) => F.prelu(t[0], t[1]), ref: (h) => preluRef(h[0], h[1]) },
        { label: "one slope [2,5]", inputs: [randHost(r, [2, 5]), randHost(r, [1], 0, 0.5)], call: (t) => F.prelu(t[0], t[1]), ref: (h) => preluRef(h[0], h[1]) },
        { label: "1-D input", variant: "noBatch", inputs: [randHost(r, [6]), randHost(r, [1], 0, 0.5)], call: (t) => F.prelu(t[0], t[1]), ref: (h) => preluRef(h[0], h[1]) },
        { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3, 2]), randHost(r, [3], 0, 0.5)], call: (t) => F.prelu(t[0], t[1]), ref: (h) => preluRef(h[0], h[1]) },
      ],
      errors: () => [
        { label: "weight count", inputs: [host([1, 2, 3, 4, 5, 6], [1, 3, 2]), host([1, 2], [2])], call: (t) => F.prelu(t[0], t[1]), error: RangeError, message: "weight" },
        { label: "weight not a tensor", inputs: [host([1, 2], [1, 2])], call: (t) => F.prelu(t[0], 0.25 as unknown as Tensor), error: TypeError, message: "weight" },
        { label: "2-D weight", inputs: [host([1, 2], [1, 2]), host([1, 2], [1, 2])], call: (t) => F.prelu(t[0], t[1]), error: RangeError, message: "weight" },
      ],
    },
    {
      name: "nn.PReLU",
      prefix: "PReLU",
      variants: ["noncontig", "noBatch", "batch0", "extreme"],
      samples: (r) => [
        { label: "3 parameters", inputs: [randHost(r, [2, 3, 3])], module: () => new nn.PReLU({ numParameters: 3, init: 0.1 }), call: (t, m) => (m as nn.PReLU).forward(t[0]), ref: (h, p) => preluRef(h[0], p.weight) },
        { label: "one parameter", inputs: [randHost(r, [4, 2])], module: () => new nn.PReLU(), call: (t, m) => (m as nn.PReLU).forward(t[0]), ref: (h, p) => preluRef(h[0], p.weight) },
        { label: "1-D input", variant: "noBatch", inputs: [randHost(r, [5])], module: () => new nn.PReLU(), call: (t, m) => (m as nn.PReLU).forward(t[0]), ref: (h, p) => preluRef(h[0], p.weight) },
        { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3])], module: () => new nn.PReLU({ numParameters: 3 }), call: (t, m) => (m as nn.PReLU).forward(t[0]), ref: (h, p) => preluRef(h[0], p.weight) },
      ],
      errors: () => [
        { label: "channel mismatch", inputs: [host([1, 2, 3, 4], [1, 4])], module: () => new nn.PReLU({ numParameters: 3 }), call: (t, m) => (m as nn.PReLU).forward(t[0]), error: RangeError, message: "weight" },
        { label: "numParameters 0", call: () => new nn.PReLU({ numParameters: 0 }), error: RangeError, message: "numParameters" },
        { label: "init NaN", call: () => new nn.PReLU({ init: NaN }), error: TypeError, message: "init" },
      ],
      withOptions: (_t, o) => new nn.PReLU(o),
      stateDictKeys: ["weight"],
    },
  ];
}

function rreluTrainingEntries(): OpInfo[] {
  // Random slopes: checked by their bounds, x > 0 -> x, x <= 0 -> slope * x with lower <= slope <= upper.
  const checkBounds = (lower: number, upper: number) => (out: unknown, x: Host[]) => {
    const a = (out as Tensor).toArray();
    x[0].data.forEach((v, i) => {
      if (v > 0 ? a[i] !== v : !(a[i] <= Math.fround(lower * v) * (1 - 1e-6) + 1e-30 || a[i] === 0) || !(a[i] >= Math.fround(upper * v) * (1 + 1e-6) - 1e-30 || v === 0)) {
        throw new Error(`element ${i}: rrelu(${v}) = ${a[i]} outside [${upper * v}, ${lower * v}]`);
      }
    });
  };
  return [
    {
      name: "nn.RReLU",
      prefix: "RReLU",
      variants: ["noncontig", "batch0"],
      samples: (r) => [
        { label: "eval", inputs: [randHost(r, [2, 3, 4])], module: () => new nn.RReLU({ lower: 0.1, upper: 0.3 }).eval(), call: (t, m) => (m as nn.RReLU).forward(t[0]), ref: (h) => mapRef(h[0], activationRef("rrelu", { lower: 0.1, upper: 0.3 })) },
        { label: "train (random slopes within bounds)", inputs: [randHost(r, [3, 5])], module: () => new nn.RReLU({ lower: 0.1, upper: 0.3 }), call: (t, m) => (m as nn.RReLU).forward(t[0]), check: checkBounds(0.1, 0.3) },
        { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 4])], module: () => new nn.RReLU(), call: (t, m) => (m as nn.RReLU).forward(t[0]), ref: (h) => mapRef(h[0], activationRef("rrelu")) },
      ],
      errors: () => [
        { label: "lower > upper", call: () => new nn.RReLU({ lower: 0.5, upper: 0.1 }), error: RangeError, message: "lower" },
        { label: "inplace", call: () => new nn.RReLU({ inplace: true } as never), error: TypeError, message: "inplace" },
        { label: "forward int32", inputs: [host([1, -1], [2], "int32")], module: () => new nn.RReLU(), call: (t, m) => (m as nn.RReLU).forward(t[0]), error: TypeError, message: "dtype" },
      ],
      withOptions: (_t, o) => new nn.RReLU(o),
      stateDictKeys: [],
    },
  ];
}

function softmaxAlong(kind: string, x: Host, dim: number): Ref {
  const shape = x.shape.length === 0 ? [1] : x.shape;
  const d = dim < 0 ? dim + shape.length : dim;
  const size = shape[d];
  const inner = numel(shape.slice(d + 1));
  const outer = numel(shape.slice(0, d));
  const out = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const row: number[] = [];
    for (let k = 0; k < size; k++) row.push(x.data[(o * size + k) * inner + i]);
    const y = softmaxRef(kind, row);
    for (let k = 0; k < size; k++) out[(o * size + k) * inner + i] = y[k];
  }
  return { data: out, shape: x.shape.slice() };
}

function softmaxEntries(): OpInfo[] {
  const kinds: [string, string][] = [["softmax", "Softmax"], ["logSoftmax", "LogSoftmax"], ["softmin", "Softmin"]];
  const out: OpInfo[] = [];
  for (const [f, m] of kinds) {
    const fn = (F as unknown as Record<string, AnyFn>)[f];
    const Ctor = (nn as unknown as Record<string, AnyCtor>)[m];
    const cases = (r: Rng): [Host, number][] => [
      [randHost(r, [2, 3, 5], -5, 5), -1],
      [randHost(r, [2, 3, 5], -5, 5), 1],
      [randHost(r, [4, 6], -20, 20), 0],
      [randHost(r, [9]), 0],
      [randHost(r, []), 0],
    ];
    out.push({
      name: `F.${f}`,
      prefix: f,
      variants: ["noncontig", "batch0", "extreme", "outlier"],
      samples: (r) => [
        ...cases(r).map(([x, dim]) => ({ label: `[${x.shape}] dim ${dim}`, inputs: [x], call: (t: Tensor[]) => fn(t[0], { dim }), ref: (h: Host[]) => softmaxAlong(f, h[0], dim) })),
        { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3])], call: (t) => fn(t[0], { dim: 1 }), ref: (h) => softmaxAlong(f, h[0], 1) },
      ],
      errors: () => [
        ...commonErrors(f, (x) => fn(x, { dim: 0 })),
        { label: "no dim", inputs: [host([1, 2], [2])], call: (t) => fn(t[0]), error: TypeError, message: "dim" },
        { label: "dim out of range", inputs: [host([1, 2], [2])], call: (t) => fn(t[0], { dim: 2 }), error: RangeError, message: "dim" },
        { label: "dim as a number", inputs: [host([1, 2], [2])], call: (t) => fn(t[0], 0), error: TypeError, message: "dim" },
      ],
      withOptions: (t, o) => fn(t[0], { dim: 0, ...o }),
    });
    out.push({
      name: `nn.${m}`,
      prefix: m,
      variants: ["noncontig", "extreme"],
      samples: (r) => [{ label: "[2,3,4] dim 1", inputs: [randHost(r, [2, 3, 4], -5, 5)], module: () => new Ctor({ dim: 1 }), call: (t, mm) => (mm as unknown as { forward: AnyFn }).forward(t[0]), ref: (h) => softmaxAlong(f, h[0], 1) }],
      errors: () => [
        { label: "no dim", call: () => new Ctor(), error: TypeError, message: "dim" },
        { label: "forward dim out of range", inputs: [host([1, 2], [2])], module: () => new Ctor({ dim: 1 }), call: (t, mm) => (mm as unknown as { forward: AnyFn }).forward(t[0]), error: RangeError, message: "dim" },
      ],
      withOptions: (_t, o) => new Ctor({ dim: 0, ...o }),
      stateDictKeys: [],
    });
  }
  return out;
}

function gluRef(x: Host, dim: number): Ref {
  const d = dim < 0 ? dim + x.shape.length : dim;
  const half = x.shape[d] / 2;
  const inner = numel(x.shape.slice(d + 1));
  const outer = numel(x.shape.slice(0, d));
  const shape = x.shape.slice();
  shape[d] = half;
  const out = new Float64Array(numel(shape));
  for (let o = 0; o < outer; o++) for (let k = 0; k < half; k++) for (let i = 0; i < inner; i++) {
    const a = x.data[(o * 2 * half + k) * inner + i];
    const b = x.data[(o * 2 * half + k + half) * inner + i];
    out[(o * half + k) * inner + i] = a / (1 + Math.exp(-b));
  }
  return { data: out, shape };
}

function gluEntries(): OpInfo[] {
  return [
    {
      name: "F.glu",
      prefix: "glu",
      variants: ["noncontig", "batch0", "extreme", "outlier"],
      samples: (r) => [
        { label: "[2,3,6] dim -1", inputs: [randHost(r, [2, 3, 6], -4, 4)], call: (t) => F.glu(t[0]), ref: (h) => gluRef(h[0], -1) },
        { label: "[2,4,3] dim 1", inputs: [randHost(r, [2, 4, 3], -4, 4)], call: (t) => F.glu(t[0], { dim: 1 }), ref: (h) => gluRef(h[0], 1) },
        { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 4])], call: (t) => F.glu(t[0]), ref: (h) => gluRef(h[0], -1) },
      ],
      errors: () => [
        ...commonErrors("glu", (x) => F.glu(x as Tensor)),
        { label: "odd size", inputs: [host([1, 2, 3], [3])], call: (t) => F.glu(t[0]), error: RangeError, message: "even" },
        { label: "0-D input", inputs: [host([1], [])], call: (t) => F.glu(t[0]), error: RangeError, message: "dimension" },
      ],
      withOptions: (t, o) => F.glu(t[0], o),
    },
    {
      name: "nn.GLU",
      prefix: "GLU",
      variants: ["noncontig", "extreme"],
      samples: (r) => [{ label: "[3,4] dim 0", inputs: [randHost(r, [4, 3])], module: () => new nn.GLU({ dim: 0 }), call: (t, m) => (m as nn.GLU).forward(t[0]), ref: (h) => gluRef(h[0], 0) }],
      errors: () => [
        { label: "odd size", inputs: [host([1, 2, 3], [3])], module: () => new nn.GLU(), call: (t, m) => (m as nn.GLU).forward(t[0]), error: RangeError, message: "even" },
        { label: "dim not an integer", call: () => new nn.GLU({ dim: 0.5 }), error: TypeError, message: "dim" },
      ],
      withOptions: (_t, o) => new nn.GLU(o),
      stateDictKeys: [],
    },
  ];
}

export const ACTIVATIONS: OpInfo[] = [
  ...SPECS.flatMap(elementwiseEntries),
  ...thresholdEntries(),
  ...preluEntries(),
  ...rreluTrainingEntries(),
  ...softmaxEntries(),
  ...gluEntries(),
];
