// init, image, safetensors, containers and nn.Module's own methods.
import { F, type Tensor, image, init, loadSafetensors, manualSeed, nn, saveSafetensors, tensor } from "../../src/index";
import { type ErrorCase, type Host, type OpInfo, type Params, type Ref, type Sample, host, mapRef, numel, randHost } from "./core";
import { linearRef } from "./linear";

type Init = (t: Tensor, ...a: unknown[]) => Tensor;

function check(cond: boolean, msg: string): void {
  if (!cond) throw new Error(msg);
}

const w34 = () => host(new Array(12).fill(9), [3, 4]);

/** Statistics of a random initialiser: every value in [lo, hi], mean and std near the target. */
function stats(lo: number, hi: number, mean?: number, std?: number) {
  return (out: unknown) => {
    const a = Array.from((out as Tensor).toArray());
    check(a.every((v) => v >= lo && v <= hi), `a value outside [${lo}, ${hi}]`);
    const m = a.reduce((s, v) => s + v, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length);
    if (mean !== undefined) check(Math.abs(m - mean) < 0.1 * (std ?? 1) + 0.02, `mean ${m}, expected ${mean}`);
    if (std !== undefined) check(Math.abs(sd - std) < 0.1 * std, `std ${sd}, expected ${std}`);
  };
}

function initEntry(name: string, samples: (r: import("../helpers/random").Rng) => Sample[], errors: ErrorCase[], takesOptions: boolean): OpInfo {
  const fn = (init as unknown as Record<string, Init>)[name];
  return {
    name: `init.${name}`,
    prefix: `init.${name}`,
    variants: ["noncontig"],
    samples,
    errors: () => [
      { label: "not a tensor", call: () => fn([1, 2] as unknown as Tensor), error: TypeError, message: "" },
      { label: "int32 tensor", inputs: [host([1, 2], [1, 2], "int32")], call: (t) => fn(t[0], ...(name === "constant_" ? [1] : [])), error: TypeError, message: "dtype" },
      ...errors,
    ],
    withOptions: takesOptions ? (t, o) => fn(t[0], o) : undefined,
  };
}

const big = (r: import("../helpers/random").Rng) => randHost(r, [64, 48]);
const seeded = (f: (t: Tensor) => Tensor) => (t: Tensor[]) => {
  manualSeed(11);
  return f(t[0]);
};

const INIT: OpInfo[] = [
  {
    name: "init.calculateGain",
    prefix: "init.calculateGain",
    variants: [],
    samples: () => [
      { label: "relu, tanh, leaky_relu 0.2, selu, conv2d", inputs: [], call: () => [init.calculateGain("relu"), init.calculateGain("tanh"), init.calculateGain("leaky_relu", 0.2), init.calculateGain("selu"), init.calculateGain("conv2d")], check: (o) => check(JSON.stringify(o) === JSON.stringify([Math.SQRT2, 5 / 3, Math.sqrt(2 / 1.04), 0.75, 1]), `got ${JSON.stringify(o)}`) },
    ],
    errors: () => [
      { label: "unknown nonlinearity", call: () => init.calculateGain("swish" as "relu"), error: RangeError, message: "nonlinearity" },
      { label: "param a string", call: () => init.calculateGain("leaky_relu", "0.2" as unknown as number), error: TypeError, message: "param" },
    ],
  },
  {
    name: "init.calculateFanInAndFanOut",
    prefix: "init.calculateFanInAndFanOut",
    variants: [],
    samples: (r) => [{ label: "[4,3,2,2]", inputs: [randHost(r, [4, 3, 2, 2])], call: (t) => [init.calculateFanInAndFanOut(t[0]), init.calculateFanInAndFanOut([4, 3, 2, 2])], check: (o) => check(JSON.stringify(o) === "[[12,16],[12,16]]", `got ${JSON.stringify(o)}`) }],
    errors: () => [{ label: "1-D", inputs: [host([1, 2], [2])], call: (t) => init.calculateFanInAndFanOut(t[0]), error: RangeError, message: "" }],
  },
  initEntry("uniform_", (r) => [{ label: "a -2 b 3", inputs: [big(r)], call: seeded((t) => init.uniform_(t, { a: -2, b: 3 })), check: stats(-2, 3, 0.5, 5 / Math.sqrt(12)) }], [
    { label: "a > b", inputs: [w34()], call: (t) => init.uniform_(t[0], { a: 2, b: 1 }), error: RangeError, message: "a" },
    { label: "low/high (not PyTorch's names)", inputs: [w34()], call: (t) => init.uniform_(t[0], { low: 0, high: 1 } as never), error: TypeError, message: "unknown option" },
  ], true),
  initEntry("normal_", (r) => [{ label: "mean 1 std 2", inputs: [big(r)], call: seeded((t) => init.normal_(t, { mean: 1, std: 2 })), check: stats(-20, 20, 1, 2) }], [
    { label: "std -1", inputs: [w34()], call: (t) => init.normal_(t[0], { std: -1 }), error: RangeError, message: "std" },
  ], true),
  initEntry("truncNormal_", (r) => [{ label: "within [-1, 1.5]", inputs: [big(r)], call: seeded((t) => init.truncNormal_(t, { a: -1, b: 1.5 })), check: stats(-1, 1.5) }], [
    { label: "a >= b", inputs: [w34()], call: (t) => init.truncNormal_(t[0], { a: 1, b: 1 }), error: RangeError, message: "a" },
  ], true),
  initEntry("constant_", (r) => [{ label: "3.5", inputs: [randHost(r, [3, 4])], call: (t) => init.constant_(t[0], 3.5), ref: (h) => mapRef(h[0], () => 3.5) }], [
    { label: "val a string", inputs: [w34()], call: (t) => init.constant_(t[0], "1" as unknown as number), error: TypeError, message: "val" },
  ], false),
  initEntry("zeros_", (r) => [{ label: "[3,4]", inputs: [randHost(r, [3, 4])], call: (t) => init.zeros_(t[0]), ref: (h) => mapRef(h[0], () => 0) }], [], false),
  initEntry("ones_", (r) => [{ label: "[3,4]", inputs: [randHost(r, [3, 4])], call: (t) => init.ones_(t[0]), ref: (h) => mapRef(h[0], () => 1) }], [], false),
  initEntry("eye_", (r) => [{ label: "[3,4]", inputs: [randHost(r, [3, 4])], call: (t) => init.eye_(t[0]), ref: (h) => ({ data: Array.from(h[0].data, (_, i) => (Math.floor(i / 4) === i % 4 ? 1 : 0)), shape: [3, 4], exact: true }) }], [
    { label: "3-D", inputs: [host(new Array(8).fill(1), [2, 2, 2])], call: (t) => init.eye_(t[0]), error: RangeError, message: "2 dimensions" },
  ], false),
  initEntry("dirac_", (r) => [{ label: "[2,2,3]", inputs: [randHost(r, [2, 2, 3])], call: (t) => init.dirac_(t[0]), ref: () => ({ data: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], shape: [2, 2, 3], exact: true }) }], [
    { label: "2-D", inputs: [w34()], call: (t) => init.dirac_(t[0]), error: RangeError, message: "dimensions" },
    { label: "groups not dividing", inputs: [host(new Array(12).fill(1), [3, 2, 2])], call: (t) => init.dirac_(t[0], 2), error: RangeError, message: "groups" },
  ], false),
  initEntry("xavierUniform_", (r) => [{ label: "gain 2", inputs: [big(r)], call: seeded((t) => init.xavierUniform_(t, { gain: 2 })), check: stats(-2 * Math.sqrt(6 / 112), 2 * Math.sqrt(6 / 112), 0, 2 * Math.sqrt(2 / 112)) }], [
    { label: "1-D", inputs: [host([1, 2], [2])], call: (t) => init.xavierUniform_(t[0]), error: RangeError, message: "" },
  ], true),
  initEntry("xavierNormal_", (r) => [{ label: "default", inputs: [big(r)], call: seeded((t) => init.xavierNormal_(t)), check: stats(-1, 1, 0, Math.sqrt(2 / 112)) }], [
    { label: "gain NaN", inputs: [w34()], call: (t) => init.xavierNormal_(t[0], { gain: NaN }), error: TypeError, message: "gain" },
  ], true),
  initEntry("kaimingUniform_", (r) => [{ label: "relu fan_out", inputs: [big(r)], call: seeded((t) => init.kaimingUniform_(t, { nonlinearity: "relu", mode: "fan_out" })), check: stats(-Math.sqrt(6 / 64), Math.sqrt(6 / 64), 0, Math.sqrt(2 / 64)) }], [
    { label: "unknown nonlinearity", inputs: [w34()], call: (t) => init.kaimingUniform_(t[0], { nonlinearity: "swish" as "relu" }), error: RangeError, message: "nonlinearity" },
    { label: "mode fan_both", inputs: [w34()], call: (t) => init.kaimingUniform_(t[0], { mode: "fan_both" as "fan_in" }), error: RangeError, message: "mode" },
  ], true),
  initEntry("kaimingNormal_", (r) => [{ label: "default", inputs: [big(r)], call: seeded((t) => init.kaimingNormal_(t)), check: stats(-1, 1, 0, Math.sqrt(2 / 1.0001) / Math.sqrt(48)) }], [
    { label: "a a string", inputs: [w34()], call: (t) => init.kaimingNormal_(t[0], { a: "1" as unknown as number }), error: TypeError, message: "a" },
  ], true),
  initEntry("orthogonal_", (r) => [
    {
      label: "[3,5] rows orthonormal",
      inputs: [randHost(r, [3, 5])],
      call: seeded((t) => init.orthogonal_(t, { gain: 1 })),
      check: (out) => {
        const a = (out as Tensor).toArray();
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
          let s = 0;
          for (let k = 0; k < 5; k++) s += a[i * 5 + k] * a[j * 5 + k];
          check(Math.abs(s - (i === j ? 1 : 0)) < 1e-5, `row ${i} . row ${j} = ${s}`);
        }
      },
    },
  ], [{ label: "1-D", inputs: [host([1, 2], [2])], call: (t) => init.orthogonal_(t[0]), error: RangeError, message: "2 dimensions" }], true),
];

// ---- image ----

const IMAGE: OpInfo[] = [
  {
    name: "image.toTensor",
    prefix: "image.toTensor",
    variants: [],
    samples: () => {
      const rgba = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);
      const planes = (ch: number[]) => ch.flatMap((c) => Array.from({ length: 6 }, (_, p) => rgba[p * 4 + c] / 255));
      return [
        { label: "RGBA drops alpha", inputs: [], call: () => image.toTensor({ data: rgba, width: 3, height: 2 }), ref: () => ({ data: planes([0, 1, 2]), shape: [3, 2, 3] }) },
        { label: "RGBA keeps alpha", inputs: [], call: () => image.toTensor({ data: rgba, width: 3, height: 2 }, { alpha: true }), ref: () => ({ data: planes([0, 1, 2, 3]), shape: [4, 2, 3] }) },
        { label: "float gray", inputs: [], call: () => image.toTensor({ data: Float32Array.of(0.5, -1, 2, 0), width: 2, height: 2 }), ref: () => ({ data: [0.5, -1, 2, 0], shape: [1, 2, 2] }) },
      ];
    },
    errors: () => [
      { label: "alpha a string", call: () => image.toTensor({ data: new Uint8Array(4), width: 1, height: 1 }, { alpha: "false" as unknown as boolean }), error: TypeError, message: "alpha" },
      { label: "data length", call: () => image.toTensor({ data: new Uint8Array(5), width: 1, height: 1 }), error: RangeError, message: "img.data" },
      { label: "width 0", call: () => image.toTensor({ data: new Uint8Array(4), width: 0, height: 1 }), error: RangeError, message: "width" },
      { label: "null", call: () => image.toTensor(null as never), error: TypeError, message: "img" },
    ],
    withOptions: (_t, o) => image.toTensor({ data: new Uint8Array(4), width: 1, height: 1 }, o),
  },
  {
    name: "image.toImageData",
    prefix: "image.toImageData",
    variants: ["noncontig", "extreme"],
    samples: (r) => [
      {
        label: "clamp [3,2,2]",
        inputs: [randHost(r, [3, 2, 2], -0.5, 1.5)],
        call: (t) => tensorOf(image.toImageData(t[0])),
        ref: (h) => rgbaRef(h[0], "clamp"),
      },
      {
        label: "minmax [2,3]",
        inputs: [randHost(r, [2, 3], -4, 4)],
        call: (t) => tensorOf(image.toImageData(t[0], { normalize: "minmax" })),
        ref: (h) => rgbaRef(h[0], "minmax"),
      },
    ],
    errors: () => [
      { label: "2 channels", inputs: [host(new Array(8).fill(0), [2, 2, 2])], call: (t) => image.toImageData(t[0]), error: RangeError, message: "[C,H,W]" },
      { label: "normalize scale", inputs: [host(new Array(4).fill(0), [2, 2])], call: (t) => image.toImageData(t[0], { normalize: "scale" as "clamp" }), error: RangeError, message: "normalize" },
    ],
    withOptions: (t, o) => image.toImageData(t[0], o),
    extremeNote: "NaN maps to 0 and values saturate (Uint8ClampedArray's rounding); with minmax, non-finite extremes are ignored as the source does",
  },
];

/** The RGBA bytes of an ImageData as a float tensor, so the harness can compare them. */
function tensorOf(img: { data: Uint8ClampedArray; width: number; height: number }): Tensor {
  return tensor(Float32Array.from(img.data), [img.height, img.width, 4]);
}

function rgbaRef(x: Host, mode: "clamp" | "minmax"): Ref {
  const [H, W] = x.shape.slice(-2);
  const C = x.shape.length === 3 ? x.shape[0] : 1;
  let offset = 0;
  let scale = 255;
  if (mode === "minmax") {
    const f32 = Float32Array.from(x.data);
    let min = Infinity;
    let max = -Infinity;
    for (const v of f32) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    offset = Number.isFinite(min) ? min : 0;
    scale = max > min && Number.isFinite(max - min) ? 255 / (max - min) : 0;
  }
  const out = new Uint8ClampedArray(H * W * 4);
  for (let p = 0; p < H * W; p++) {
    for (let c = 0; c < 3; c++) out[p * 4 + c] = (Math.fround(x.data[(C === 1 ? 0 : c) * H * W + p]) - offset) * scale;
    out[p * 4 + 3] = 255;
  }
  return { data: Array.from(out), shape: [H, W, 4], exact: true };
}

// ---- safetensors ----

function headerFile(header: object, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const SAFETENSORS: OpInfo[] = [
  {
    name: "saveSafetensors",
    prefix: "saveSafetensors",
    variants: ["noncontig"],
    samples: (r) => [
      {
        label: "round trip through loadSafetensors",
        inputs: [randHost(r, [2, 3]), host([1, -2, 3], [3], "int32")],
        call: (t) => {
          const d = loadSafetensors(saveSafetensors({ a: t[0], "b.weight": t[1] }, { metadata: { format: "pt" } }));
          return [d.a, d["b.weight"]];
        },
        ref: (h) => [{ data: h[0].data, shape: [2, 3], exact: true }, { data: h[1].data, shape: [3], exact: true, dtype: "int32" }],
      },
    ],
    errors: () => [
      { label: "a value not a tensor", call: () => saveSafetensors({ a: [1] as unknown as Tensor }), error: TypeError, message: "a" },
      { label: "metadata not strings", inputs: [host([1], [1])], call: (t) => saveSafetensors({ a: t[0] }, { metadata: { n: 1 } as never }), error: TypeError, message: "metadata" },
      { label: "__metadata__ as a name", inputs: [host([1], [1])], call: (t) => saveSafetensors({ __metadata__: t[0] }), error: RangeError, message: "reserved" },
    ],
    withOptions: (t, o) => saveSafetensors({ a: t[0] }, o),
  },
  {
    name: "loadSafetensors",
    prefix: "loadSafetensors",
    variants: [],
    samples: () => [
      {
        label: "names like constructor, toString, __proto__ are plain keys",
        inputs: [],
        call: () => {
          const f32 = new Uint8Array(Float32Array.of(1, 2, 3).buffer);
          const d = loadSafetensors(headerFile({ constructor: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, toString: { dtype: "F32", shape: [1], data_offsets: [4, 8] }, ["__proto__"]: { dtype: "F32", shape: [1], data_offsets: [8, 12] } }, f32));
          const proto = Object.getPrototypeOf(d);
          // Everything the call made is returned, so the harness frees it even when the checks fail.
          return [JSON.stringify(Object.keys(d).sort()), proto === null || proto === Object.prototype, ...Object.values(d), ...(proto instanceof Object && proto !== Object.prototype ? [proto] : [])];
        },
        check: (o) => {
          const [keys, protoOk] = o as [string, boolean];
          check(keys === JSON.stringify(["__proto__", "constructor", "toString"]), `keys ${keys}`);
          check(protoOk, "the prototype of the returned object was replaced");
        },
      },
    ],
    errors: () => [
      { label: "truncated", call: () => loadSafetensors(new Uint8Array(4)), error: RangeError, message: "truncated" },
      { label: "header length past the end", call: () => loadSafetensors(headerFile({}, new Uint8Array(0)).map((v, i) => (i === 0 ? 200 : v))), error: RangeError, message: "header" },
      { label: "offsets past the data", call: () => loadSafetensors(headerFile({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4))), error: RangeError, message: "" },
      { label: "shape and offsets disagree", call: () => loadSafetensors(headerFile({ a: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8))), error: RangeError, message: "" },
      { label: "unknown dtype", call: () => loadSafetensors(headerFile({ a: { dtype: "C64", shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8))), error: RangeError, message: "" },
      { label: "not bytes", call: () => loadSafetensors("file" as unknown as Uint8Array), error: TypeError, message: "bytes" },
    ],
  },
];

// ---- containers and Module ----

const fwd = (m?: nn.Module) => m as nn.Module & { forward: (x: Tensor) => Tensor };

const CONTAINERS: OpInfo[] = [
  {
    name: "nn.Sequential",
    prefix: "Sequential",
    variants: ["noncontig", "batch0"],
    samples: (r) => [
      {
        label: "Linear, ReLU, Linear",
        inputs: [randHost(r, [3, 5])],
        module: () => new nn.Sequential(new nn.Linear(5, 4), new nn.ReLU(), new nn.Linear(4, 2)),
        call: (t, m) => fwd(m).forward(t[0]),
        ref: (h, p: Params) => {
          const a = linearRef(h[0], p["0.weight"], p["0.bias"]);
          const b: Host = { data: Float64Array.from(a.data, (v) => Math.max(Math.fround(v), 0)), shape: a.shape };
          return linearRef(b, p["2.weight"], p["2.bias"]);
        },
      },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 5])], module: () => new nn.Sequential(new nn.Linear(5, 2)), call: (t, m) => fwd(m).forward(t[0]), ref: (h, p) => linearRef(h[0], p["0.weight"], p["0.bias"]) },
    ],
    errors: () => [
      { label: "a later module fails: nothing leaks", inputs: [host(new Array(16).fill(1), [1, 1, 4, 4])], module: () => new nn.Sequential(new nn.MaxPool2d(2, { returnIndices: true }) as unknown as nn.Module, new nn.Linear(3, 3)), call: (t, m) => fwd(m).forward(t[0]), error: TypeError, message: "", prefix: "Linear" },
      { label: "a child not a module", call: () => new nn.Sequential({} as nn.Module), error: TypeError, message: "" },
    ],
    stateDictKeys: ["0.weight", "0.bias", "2.weight", "2.bias"],
  },
  {
    name: "nn.ModuleList",
    prefix: "ModuleList",
    variants: [],
    samples: () => [{ label: "parameters of its children", inputs: [], module: () => new nn.ModuleList([new nn.Linear(2, 2), new nn.Conv1d(1, 1, 1, { bias: false })]), call: (_t, m) => {
          const sd = m!.stateDict();
          return [JSON.stringify(Object.keys(sd)), ...Object.values(sd)];
        },
        check: (o) => check((o as string[])[0] === JSON.stringify(["0.weight", "0.bias", "1.weight"]), `keys ${(o as string[])[0]}`),
      },
    ],
    errors: () => [{ label: "forward", module: () => new nn.ModuleList([]), call: (_t, m) => (m as nn.ModuleList).forward(), error: TypeError, message: "forward" }],
    stateDictKeys: ["0.weight", "0.bias", "1.weight"],
  },
  {
    name: "nn.Flatten",
    prefix: "Flatten",
    variants: ["noncontig", "batch0"],
    samples: (r) => [
      { label: "default (startDim 1)", inputs: [randHost(r, [2, 3, 4])], module: () => new nn.Flatten(), call: (t, m) => fwd(m).forward(t[0]), ref: (h) => ({ data: h[0].data, shape: [2, 12], exact: true }) },
      { label: "startDim 0, endDim 1", inputs: [randHost(r, [2, 3, 4])], module: () => new nn.Flatten({ startDim: 0, endDim: 1 }), call: (t, m) => fwd(m).forward(t[0]), ref: (h) => ({ data: h[0].data, shape: [6, 4], exact: true }) },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3, 4])], module: () => new nn.Flatten(), call: (t, m) => fwd(m).forward(t[0]), ref: () => ({ data: [], shape: [0, 12], exact: true }) },
    ],
    errors: () => [{ label: "forward: endDim out of range", inputs: [host([1, 2], [1, 2])], module: () => new nn.Flatten({ endDim: 5 }), call: (t, m) => fwd(m).forward(t[0]), error: RangeError, message: "endDim" }],
    withOptions: (_t, o) => new nn.Flatten(o),
    stateDictKeys: [],
  },
  {
    name: "nn.Unflatten",
    prefix: "Unflatten",
    variants: ["noncontig"],
    samples: (r) => [{ label: "dim 1 -> [3,4]", inputs: [randHost(r, [2, 12])], module: () => new nn.Unflatten(1, [3, 4]), call: (t, m) => fwd(m).forward(t[0]), ref: (h) => ({ data: h[0].data, shape: [2, 3, 4], exact: true }) }],
    errors: () => [
      { label: "forward: sizes do not multiply to the dim", inputs: [host(new Array(10).fill(1), [2, 5])], module: () => new nn.Unflatten(1, [2, 2]), call: (t, m) => fwd(m).forward(t[0]), error: RangeError, message: "" },
      { label: "sizes not an array", call: () => new nn.Unflatten(1, 3 as unknown as number[]), error: TypeError, message: "sizes" },
    ],
    stateDictKeys: [],
  },
  {
    name: "nn.Identity",
    prefix: "Identity",
    variants: ["noncontig", "extreme"],
    samples: (r) => [{ label: "[2,3]", inputs: [randHost(r, [2, 3])], module: () => new nn.Identity(), call: (t, m) => fwd(m).forward(t[0]), ref: (h) => ({ data: h[0].data, shape: h[0].shape, exact: true }) }],
    stateDictKeys: [],
  },
  {
    name: "nn.Module",
    prefix: "Linear.loadStateDict",
    variants: [],
    samples: (r) => [
      {
        label: "loadStateDict copies values in, the caller keeps its tensors",
        inputs: [randHost(r, [2, 3]), randHost(r, [2])],
        module: () => new nn.Linear(3, 2),
        call: (t, m) => {
          m!.loadStateDict({ weight: t[0], bias: t[1] });
          const sd = m!.stateDict();
          return [sd.weight, sd.bias];
        },
        ref: (h) => [{ data: h[0].data, shape: [2, 3], exact: true }, { data: h[1].data, shape: [2], exact: true }],
      },
    ],
    errors: () => [
      { label: "missing and unexpected keys, all or nothing", inputs: [host(new Array(6).fill(1), [2, 3])], module: () => new nn.Linear(3, 2), call: (t, m) => m!.loadStateDict({ weight: t[0], extra: t[0] }), error: RangeError, message: "bias" },
      { label: "shape mismatch", inputs: [host(new Array(6).fill(1), [3, 2]), host([1, 2], [2])], module: () => new nn.Linear(3, 2), call: (t, m) => m!.loadStateDict({ weight: t[0], bias: t[1] }), error: RangeError, message: "weight" },
      { label: "strict a string", inputs: [host(new Array(6).fill(1), [2, 3])], module: () => new nn.Linear(3, 2), call: (t, m) => m!.loadStateDict({ weight: t[0] }, { strict: "false" as unknown as boolean }), error: TypeError, message: "strict" },
      { label: "strictt", module: () => new nn.Linear(3, 2), call: (_t, m) => m!.loadStateDict({}, { strictt: false } as never), error: TypeError, message: "strict" },
    ],
  },
];

export const MISC: OpInfo[] = [...INIT, ...IMAGE, ...SAFETENSORS, ...CONTAINERS];
void F;
void numel;
