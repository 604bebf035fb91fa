// torch.nn.init: in-place initialisers that return the tensor they fill.
// Fan and gain rules follow PyTorch's torch/nn/init.py; random draws come from the
// seeded Wasm generator (manualSeed), so they are reproducible in every runtime but are
// not PyTorch's own stream.

import { checkDtype, checkFiniteNumber, checkNumber, checkOptions, checkPositiveInt, checkShape, checkTensor, optionOr } from "./args";
import { copyView, writeValues } from "./copy";
import { badValue, rangeError, shapeStr } from "./errors";
import { fillNormal, fillTruncNormal, fillUniform } from "./random";
import { type Tensor, emptyTensor } from "./tensor";

type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu"
  | "convTranspose1d" | "convTranspose2d" | "convTranspose3d" | "leakyRelu";

type FanMode = "fan_in" | "fan_out" | "fanIn" | "fanOut";

const LINEAR_LIKE = new Set([
  "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
  "convTranspose1d", "convTranspose2d", "convTranspose3d", "sigmoid",
]);

/**
 * The recommended gain for a nonlinearity (PyTorch's names, or their camelCase forms):
 * 1 for linear/conv/sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2))
 * for leaky_relu (param = negative slope, default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  return gainOf("init.calculateGain", "nonlinearity", nonlinearity, "param", param);
}

function gainOf(layer: string, arg: string, nonlinearity: unknown, paramArg: string, param: unknown): number {
  if (typeof nonlinearity === "string" && LINEAR_LIKE.has(nonlinearity)) return 1;
  switch (nonlinearity) {
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu":
    case "leakyRelu": {
      const slope = param === undefined ? 0.01 : checkFiniteNumber(layer, paramArg, param);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw badValue(layer, arg, `one of linear, conv1d..3d, conv_transpose1d..3d, sigmoid, tanh, relu, leaky_relu, selu`, nonlinearity);
  }
}

/**
 * [fanIn, fanOut] of a weight: for shape [out, in, ...kernel], fanIn = in * prod(kernel)
 * and fanOut = out * prod(kernel) (PyTorch's _calculate_fan_in_and_fan_out).
 */
export function calculateFanInAndFanOut(t: Tensor | readonly number[]): [number, number] {
  const layer = "init.calculateFanInAndFanOut";
  if (Array.isArray(t)) return fansOf(layer, checkShape(layer, "shape", t));
  checkTensor(layer, "tensor", t);
  return fansOf(layer, (t as Tensor).shape);
}

function fansOf(layer: string, shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    throw rangeError(layer, `fan in and fan out need a tensor with at least 2 dimensions, got shape ${shapeStr(shape)}`);
  }
  let receptive = 1;
  for (let d = 2; d < shape.length; d++) receptive *= shape[d];
  return [shape[1] * receptive, shape[0] * receptive];
}

/** Checks the tensor every initialiser fills: a live float32 tensor. */
function target(layer: string, t: unknown): Tensor {
  checkTensor(layer, "tensor", t);
  checkDtype(layer, "tensor", t, "float32");
  return t;
}

/** Fills `t` (contiguous or a view) from a filler that writes a contiguous buffer. */
function fillWith(layer: string, t: Tensor, fill: (buffer: Tensor) => void): Tensor {
  if (t.isContiguous()) {
    fill(t);
    t.markWritten();
    return t;
  }
  const tmp = emptyTensor(t.shape, "float32", layer);
  try {
    fill(tmp);
    copyView(t, tmp);
  } finally {
    tmp.dispose();
  }
  return t;
}

/** U(a, b). */
export function uniform_(t: Tensor, options: { a?: number; b?: number } = {}): Tensor {
  const layer = "init.uniform_";
  target(layer, t);
  const o = checkOptions(layer, options, ["a", "b"]);
  const a = optionOr(layer, o, "a", 0, checkFiniteNumber);
  const b = optionOr(layer, o, "b", 1, checkFiniteNumber);
  if (a > b) throw badValue(layer, "a", `<= b (${b})`, a);
  return fillWith(layer, t, (buf) => fillUniform(buf, a, b));
}

/** N(mean, std^2). */
export function normal_(t: Tensor, options: { mean?: number; std?: number } = {}): Tensor {
  const layer = "init.normal_";
  target(layer, t);
  const o = checkOptions(layer, options, ["mean", "std"]);
  const mean = optionOr(layer, o, "mean", 0, checkFiniteNumber);
  const std = optionOr(layer, o, "std", 1, checkFiniteNumber);
  if (std < 0) throw badValue(layer, "std", ">= 0", std);
  return fillWith(layer, t, (buf) => fillNormal(buf, mean, std));
}

/** N(mean, std^2) truncated to [a, b] (values drawn by inverse CDF, as PyTorch). */
export function truncNormal_(t: Tensor, options: { mean?: number; std?: number; a?: number; b?: number } = {}): Tensor {
  const layer = "init.truncNormal_";
  target(layer, t);
  const o = checkOptions(layer, options, ["mean", "std", "a", "b"]);
  const mean = optionOr(layer, o, "mean", 0, checkFiniteNumber);
  const std = optionOr(layer, o, "std", 1, checkFiniteNumber);
  const a = optionOr(layer, o, "a", -2, checkNumber);
  const b = optionOr(layer, o, "b", 2, checkNumber);
  if (!(std > 0)) throw badValue(layer, "std", "> 0", std);
  if (!(a < b)) throw badValue(layer, "a", `< b (${b})`, a);
  return fillWith(layer, t, (buf) => fillTruncNormal(buf, mean, std, a, b));
}

function constantAs(layer: string, t: unknown, val: number): Tensor {
  return target(layer, t).fill_(val);
}

/** Every element = val (any number, infinities included). */
export function constant_(t: Tensor, val: number): Tensor {
  return constantAs("init.constant_", t, checkNumber("init.constant_", "val", val));
}

export function zeros_(t: Tensor): Tensor {
  return constantAs("init.zeros_", t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constantAs("init.ones_", t, 1);
}

/** The identity matrix in a 2-D tensor (ones on the diagonal of a rectangle). */
export function eye_(t: Tensor): Tensor {
  const layer = "init.eye_";
  target(layer, t);
  if (t.ndim !== 2) throw badValue(layer, "a tensor with", "2 dimensions", `shape ${shapeStr(t.shape)}`);
  const [rows, cols] = t.shape;
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) values[i * cols + i] = 1;
  writeValues(t, values);
  return t;
}

/**
 * The Dirac delta in a 3-, 4- or 5-D convolution weight [out, in, ...kernel]: each of
 * the first min(out/groups, in) channels of every group passes its input channel through
 * at the kernel centre.
 */
export function dirac_(t: Tensor, groups = 1): Tensor {
  const layer = "init.dirac_";
  target(layer, t);
  if (t.ndim < 3 || t.ndim > 5) throw badValue(layer, "a tensor with", "3, 4 or 5 dimensions", `shape ${shapeStr(t.shape)}`);
  checkPositiveInt(layer, "groups", groups);
  const [out, inC, ...kernel] = t.shape;
  if (out % groups !== 0) throw rangeError(layer, `expected dim 0 (${out}) to be divisible by groups, got groups ${groups}`);
  const outPerGroup = out / groups;
  const kernelSize = kernel.reduce((a, b) => a * b, 1);
  let centre = 0;
  for (const k of kernel) centre = centre * k + Math.floor(k / 2);
  const values = new Float32Array(t.numel);
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < Math.min(outPerGroup, inC); d++) {
      values[((g * outPerGroup + d) * inC + d) * kernelSize + centre] = 1;
    }
  }
  writeValues(t, values);
  return t;
}

/** gain * sqrt(2 / (fanIn + fanOut)), the standard deviation of both Xavier initialisers. */
function xavierStd(layer: string, t: Tensor, options: unknown): number {
  target(layer, t);
  const gain = optionOr(layer, checkOptions(layer, options, ["gain"]), "gain", 1, checkFiniteNumber);
  const [fanIn, fanOut] = fansOf(layer, t.shape);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)) (Glorot & Bengio, 2010). */
export function xavierUniform_(t: Tensor, options: { gain?: number } = {}): Tensor {
  const bound = Math.sqrt(3) * xavierStd("init.xavierUniform_", t, options);
  return fillWith("init.xavierUniform_", t, (buf) => fillUniform(buf, -bound, bound));
}

/** N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)) (Glorot & Bengio, 2010). */
export function xavierNormal_(t: Tensor, options: { gain?: number } = {}): Tensor {
  const std = xavierStd("init.xavierNormal_", t, options);
  return fillWith("init.xavierNormal_", t, (buf) => fillNormal(buf, 0, std));
}

interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

/** gain / sqrt(fan), the standard deviation of both Kaiming initialisers. */
function kaimingStd(layer: string, t: Tensor, options: unknown): number {
  target(layer, t);
  const o = checkOptions(layer, options, ["a", "mode", "nonlinearity"]);
  const a = optionOr(layer, o, "a", 0, checkFiniteNumber);
  const mode = o.mode ?? "fan_in";
  const [fanIn, fanOut] = fansOf(layer, t.shape);
  let fan: number;
  if (mode === "fan_in" || mode === "fanIn") fan = fanIn;
  else if (mode === "fan_out" || mode === "fanOut") fan = fanOut;
  else throw badValue(layer, "mode", `"fan_in" or "fan_out"`, mode);
  if (fan === 0) throw rangeError(layer, `cannot initialise a tensor with zero elements (shape ${shapeStr(t.shape)})`);
  return gainOf(layer, "nonlinearity", o.nonlinearity ?? "leaky_relu", "a", a) / Math.sqrt(fan);
}

/** U(-bound, bound) with bound = gain * sqrt(3 / fan) (He et al., 2015). */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd("init.kaimingUniform_", t, options);
  return fillWith("init.kaimingUniform_", t, (buf) => fillUniform(buf, -bound, bound));
}

/** N(0, std^2) with std = gain / sqrt(fan) (He et al., 2015). */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd("init.kaimingNormal_", t, options);
  return fillWith("init.kaimingNormal_", t, (buf) => fillNormal(buf, 0, std));
}

/**
 * A (semi-)orthogonal matrix (Saxe et al., 2013): the Q of a QR decomposition of a
 * normal draw, with R's diagonal made positive, over the tensor seen as
 * [shape[0], numel / shape[0]], times `gain`.
 */
export function orthogonal_(t: Tensor, options: { gain?: number } = {}): Tensor {
  const layer = "init.orthogonal_";
  target(layer, t);
  const gain = optionOr(layer, checkOptions(layer, options, ["gain"]), "gain", 1, checkFiniteNumber);
  if (t.ndim < 2) throw badValue(layer, "a tensor with", "at least 2 dimensions", `shape ${shapeStr(t.shape)}`);
  if (t.numel === 0) return t;
  const rows = t.shape[0];
  const cols = t.numel / rows;
  const draw = emptyTensor([rows * cols], "float32", layer);
  let a: Float64Array;
  try {
    fillNormal(draw, 0, 1);
    a = Float64Array.from(draw.toArray());
  } finally {
    draw.dispose();
  }
  // Work on a tall matrix m x n (m >= n); transpose in and out when the tensor is wide.
  const wide = rows < cols;
  const m = wide ? cols : rows;
  const n = wide ? rows : cols;
  const tall = new Float64Array(m * n);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (wide) tall[j * n + i] = a[i * cols + j];
      else tall[i * n + j] = a[i * cols + j];
    }
  }
  const q = householderQ(tall, m, n);
  const values = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) values[i * cols + j] = gain * (wide ? q[j * n + i] : q[i * n + j]);
  }
  writeValues(t, values);
  return t;
}

/**
 * Q (m x n, m >= n) of A = QR with R's diagonal made non-negative, by Householder
 * reflections in float64. Uses only + - * / and sqrt, so every engine gives the same bits.
 */
function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i * n + k] * a[i * n + k];
    norm = Math.sqrt(norm);
    const x0 = a[k * n + k];
    const alpha = x0 > 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k];
    v[0] -= alpha;
    let vnorm = 0;
    for (let i = 0; i < v.length; i++) vnorm += v[i] * v[i];
    vnorm = Math.sqrt(vnorm);
    if (vnorm > 0) for (let i = 0; i < v.length; i++) v[i] /= vnorm;
    // A[k:, k:] -= 2 v (v^T A[k:, k:])
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * a[i * n + j];
      for (let i = k; i < m; i++) a[i * n + j] -= 2 * v[i - k] * dot;
    }
    rDiag[k] = a[k * n + k];
    vs.push(v);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      for (let i = k; i < m; i++) q[i * n + j] -= 2 * v[i - k] * dot;
    }
  }
  // Make R's diagonal non-negative (PyTorch multiplies Q's columns by sign(diag(R))).
  for (let j = 0; j < n; j++) {
    const sign = rDiag[j] > 0 ? 1 : rDiag[j] < 0 ? -1 : 0;
    for (let i = 0; i < m; i++) q[i * n + j] *= sign;
  }
  return q;
}
