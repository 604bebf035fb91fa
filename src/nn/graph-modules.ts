// The module types a model graph may name (docs/model-format.md): for each, how many
// constructor arguments and which options it takes, how many tensors its forward takes,
// and the state dict entries (PyTorch's names and shapes) it will own. loadModel checks a
// graph and its weights against this table before it constructs a single module.

import { type Module } from "./module";
import * as activation from "./activation";
import * as container from "./container";
import * as conv from "./conv";
import * as dropout from "./dropout";
import * as embedding from "./embedding";
import * as linear from "./linear";
import * as norm from "./norm";
import * as pad from "./pad";
import * as pool from "./pool";
import * as resample from "./resample";

/** One state dict entry a module will own. */
export interface StateEntry {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
}

export interface ModuleSpec {
  /** Constructor arguments before the options object: [fewest, most]. */
  args: [number, number];
  options: readonly string[];
  /** Tensors its forward takes. */
  inputs: number;
  /** Its state dict entries; throws a message (string) when an argument it needs is malformed. */
  state(args: unknown[], options: Record<string, unknown>): StateEntry[];
  make(args: unknown[], options: Record<string, unknown>): Module;
}

type Ctor = new (...a: never[]) => Module;

/** A non-negative integer argument, or the message saying what is wrong with it. */
function int(what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) {
    throw `expected ${what} to be a non-negative integer, got ${JSON.stringify(v)}`;
  }
  return v;
}

function ints(what: string, v: unknown, n: number): number[] {
  if (Array.isArray(v)) {
    if (v.length !== n) throw `expected ${what} to have ${n} entries, got ${JSON.stringify(v)}`;
    return v.map((x, i) => int(`${what}[${i}]`, x));
  }
  return Array<number>(n).fill(int(what, v));
}

const f32 = (name: string, shape: number[]): StateEntry => ({ name, shape, dtype: "float32" });

function spec(ctor: Ctor, args: [number, number], options: readonly string[], state: ModuleSpec["state"] = () => [], inputs = 1): ModuleSpec {
  return { args, options, inputs, state, make: (a, o) => new (ctor as unknown as new (...x: unknown[]) => Module)(...a, o) };
}

function convState(dims: number, transposed: boolean): ModuleSpec["state"] {
  return (a, o) => {
    const inC = int("args[0] (inChannels)", a[0]);
    const outC = int("args[1] (outChannels)", a[1]);
    const k = ints("args[2] (kernelSize)", a[2], dims);
    const groups = o.groups === undefined ? 1 : int("options.groups", o.groups);
    if (groups === 0 || inC % groups !== 0 || outC % groups !== 0) throw `expected groups (${groups}) to divide inChannels (${inC}) and outChannels (${outC})`;
    const weight = transposed ? [inC, outC / groups, ...k] : [outC, inC / groups, ...k];
    return o.bias === false ? [f32("weight", weight)] : [f32("weight", weight), f32("bias", [outC])];
  };
}

function batchNormState(affineDefault: boolean, trackDefault: boolean): ModuleSpec["state"] {
  return (a, o) => {
    const c = int("args[0] (numFeatures)", a[0]);
    const out: StateEntry[] = [];
    if ((o.affine ?? affineDefault) !== false) out.push(f32("weight", [c]), f32("bias", [c]));
    if ((o.trackRunningStats ?? trackDefault) !== false) {
      out.push(f32("running_mean", [c]), f32("running_var", [c]), { name: "num_batches_tracked", shape: [], dtype: "int32" });
    }
    return out;
  };
}

const layerNormState: ModuleSpec["state"] = (a, o) => {
  const shape = Array.isArray(a[0]) ? a[0].map((v, i) => int(`args[0][${i}]`, v)) : [int("args[0] (normalizedShape)", a[0])];
  if (o.elementwiseAffine === false) return [];
  return o.bias === false ? [f32("weight", shape)] : [f32("weight", shape), f32("bias", shape)];
};

const groupNormState: ModuleSpec["state"] = (a, o) => {
  const c = int("args[1] (numChannels)", a[1]);
  return o.affine === false ? [] : [f32("weight", [c]), f32("bias", [c])];
};

const CONV = ["stride", "padding", "dilation", "groups", "bias", "paddingMode"] as const;
const CONV_T = ["stride", "padding", "outputPadding", "groups", "bias", "dilation", "paddingMode"] as const;
const MAX_POOL = ["stride", "padding", "dilation", "returnIndices", "ceilMode"] as const;
const AVG_POOL = ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"] as const;
const NORM = ["eps", "momentum", "affine", "trackRunningStats"] as const;

const SPECS: Record<string, ModuleSpec> = Object.create(null);

for (const [d, n] of [[1, "1d"], [2, "2d"], [3, "3d"]] as const) {
  const m = (name: string) => (conv as Record<string, unknown>)[name] as Ctor;
  SPECS[`Conv${n}`] = spec(m(`Conv${n}`), [3, 3], CONV, convState(d, false));
  SPECS[`ConvTranspose${n}`] = spec(m(`ConvTranspose${n}`), [3, 3], CONV_T, convState(d, true));
  const p = (name: string) => (pool as Record<string, unknown>)[name] as Ctor;
  SPECS[`MaxPool${n}`] = spec(p(`MaxPool${n}`), [1, 1], MAX_POOL);
  SPECS[`AvgPool${n}`] = spec(p(`AvgPool${n}`), [1, 1], d === 1 ? AVG_POOL.slice(0, 4) : AVG_POOL);
  SPECS[`AdaptiveAvgPool${n}`] = spec(p(`AdaptiveAvgPool${n}`), [1, 1], []);
  SPECS[`AdaptiveMaxPool${n}`] = spec(p(`AdaptiveMaxPool${n}`), [1, 1], ["returnIndices"]);
  const b = (name: string) => (norm as Record<string, unknown>)[name] as Ctor;
  SPECS[`BatchNorm${n}`] = spec(b(`BatchNorm${n}`), [1, 1], NORM, batchNormState(true, true));
  SPECS[`InstanceNorm${n}`] = spec(b(`InstanceNorm${n}`), [1, 1], NORM, batchNormState(false, false));
  const q = (name: string) => (pad as Record<string, unknown>)[name] as Ctor;
  SPECS[`ZeroPad${n}`] = spec(q(`ZeroPad${n}`), [1, 1], []);
  SPECS[`ConstantPad${n}`] = spec(q(`ConstantPad${n}`), [2, 2], []);
  SPECS[`ReflectionPad${n}`] = spec(q(`ReflectionPad${n}`), [1, 1], []);
  SPECS[`ReplicationPad${n}`] = spec(q(`ReplicationPad${n}`), [1, 1], []);
  SPECS[`CircularPad${n}`] = spec(q(`CircularPad${n}`), [1, 1], []);
}
SPECS.LPPool1d = spec(pool.LPPool1d, [2, 2], ["stride", "ceilMode"]);
SPECS.LPPool2d = spec(pool.LPPool2d, [2, 2], ["stride", "ceilMode"]);
SPECS.Linear = spec(linear.Linear, [2, 2], ["bias"], (a, o) => {
  const w = [int("args[1] (outFeatures)", a[1]), int("args[0] (inFeatures)", a[0])];
  return o.bias === false ? [f32("weight", w)] : [f32("weight", w), f32("bias", [w[0]])];
});
SPECS.Bilinear = spec(linear.Bilinear, [3, 3], ["bias"], (a, o) => {
  const w = [int("args[2] (outFeatures)", a[2]), int("args[0] (in1Features)", a[0]), int("args[1] (in2Features)", a[1])];
  return o.bias === false ? [f32("weight", w)] : [f32("weight", w), f32("bias", [w[0]])];
}, 2);
SPECS.LayerNorm = spec(norm.LayerNorm, [1, 1], ["eps", "elementwiseAffine", "bias"], layerNormState);
SPECS.GroupNorm = spec(norm.GroupNorm, [2, 2], ["eps", "affine"], groupNormState);
SPECS.Embedding = spec(embedding.Embedding, [2, 2], ["paddingIdx"], (a) => [
  f32("weight", [int("args[0] (numEmbeddings)", a[0]), int("args[1] (embeddingDim)", a[1])]),
]);
SPECS.Upsample = spec(resample.Upsample, [0, 0], ["size", "scaleFactor", "mode", "alignCorners"]);
SPECS.PixelShuffle = spec(resample.PixelShuffle, [1, 1], []);
SPECS.PixelUnshuffle = spec(resample.PixelUnshuffle, [1, 1], []);
SPECS.Flatten = spec(container.Flatten, [0, 0], ["startDim", "endDim"]);
SPECS.Unflatten = spec(container.Unflatten, [2, 2], []);
SPECS.Identity = spec(container.Identity, [0, 0], []);
for (const name of ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"] as const) {
  SPECS[name] = spec(dropout[name], [0, 0], ["p"]);
}

const ACTIVATION_OPTIONS: Record<string, readonly string[]> = {
  ReLU: [], ReLU6: [], SELU: [], SiLU: [], Mish: [], Sigmoid: [], Tanh: [], Hardsigmoid: [], Hardswish: [],
  Softsign: [], Tanhshrink: [], LogSigmoid: [], LeakyReLU: ["negativeSlope"], ELU: ["alpha"], CELU: ["alpha"],
  GELU: ["approximate"], Hardtanh: ["minVal", "maxVal"], Softplus: ["beta", "threshold"], Softshrink: ["lambd"],
  Hardshrink: ["lambd"], RReLU: ["lower", "upper"], Softmax: ["dim"], LogSoftmax: ["dim"], Softmin: ["dim"], GLU: ["dim"],
};
for (const [name, options] of Object.entries(ACTIVATION_OPTIONS)) {
  SPECS[name] = spec((activation as Record<string, unknown>)[name] as Ctor, [0, 0], options);
}
SPECS.Threshold = spec(activation.Threshold, [2, 2], []);
SPECS.PReLU = spec(activation.PReLU, [0, 0], ["numParameters", "init"], (_a, o) => [
  f32("weight", [o.numParameters === undefined ? 1 : int("options.numParameters", o.numParameters)]),
]);

/** The spec of a module type, or undefined for a type the format does not know. */
export function moduleSpec(type: string): ModuleSpec | undefined {
  return Object.hasOwn(SPECS, type) ? SPECS[type] : undefined;
}
