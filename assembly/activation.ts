// Elementwise activation functions over contiguous float32 buffers.
//
// Layout: `out` and `input` hold n floats; PReLU, RReLU and GLU take the extra buffers and
// shapes they need. The elementwise kernels work on blocks of 16 floats, loading all four
// vectors of a block before storing any: that keeps several independent exp/div chains in
// flight and keeps the stores from stalling the next loads when the input and output
// addresses differ by a multiple of 4 KiB. The last 1-15 floats are copied into a 16-float
// block and run through the same code, so a value's result never depends on its position.
// NaN, infinities and -0 follow PyTorch 1.13's CPU kernels, except that softshrink
// propagates NaN (as PyTorch does since 2.6) and that hardswish does not overflow for x
// near the float32 limit (PyTorch's x * 6 does); results match PyTorch's float64 ones.
// REQUIRES: n >= 0; buffers of the stated sizes; out equals input or does not overlap it
// (GLU: does not overlap it).

import { BLOCK, BLOCK_FLOATS, blockBytes, blockIn, blockOut, exp4, expNeg4, expm1_4, loadTail, log1p01_4, normalCdf4, sigmoid4, storeTail, tanh4 } from "./vmath";

const ABS: i32 = 0x7fffffff;

// ---- piecewise-linear ----

/** max(x, 0); keeps -0 and NaN. */
export function relu_f32(out: usize, input: usize, n: i32): void {
  const zero = f32x4.splat(0.0);
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, f32x4.pmax(x0, zero));
    v128.store(out + o, f32x4.pmax(x1, zero), 16);
    v128.store(out + o, f32x4.pmax(x2, zero), 32);
    v128.store(out + o, f32x4.pmax(x3, zero), 48);
  }
  const rest = n & 15;
  if (rest) {
    relu_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

/** Clamps to [minVal, maxVal] (hardtanh; relu6 is [0, 6]); NaN stays NaN. REQUIRES: minVal <= maxVal. */
export function hardtanh_f32(out: usize, input: usize, n: i32, minVal: f32, maxVal: f32): void {
  const lo = f32x4.splat(minVal);
  const hi = f32x4.splat(maxVal);
  const end = <usize>(n & ~3) << 2;
  let o: usize = 0;
  for (; o < end; o += 16) v128.store(out + o, f32x4.pmin(f32x4.pmax(v128.load(input + o), lo), hi));
  const rest = n & 3;
  if (rest) storeTail(out + o, f32x4.pmin(f32x4.pmax(loadTail(input + o, rest), lo), hi), rest);
}

@inline function leaky4(x: v128, slope: v128): v128 {
  return v128.bitselect(x, f32x4.mul(x, slope), f32x4.gt(x, f32x4.splat(0.0)));
}

/** x > 0 ? x : x * slope (leaky_relu, and rrelu in eval mode with the mean slope). */
export function leakyRelu_f32(out: usize, input: usize, n: i32, slope: f32): void {
  const s = f32x4.splat(slope);
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, leaky4(x0, s));
    v128.store(out + o, leaky4(x1, s), 16);
    v128.store(out + o, leaky4(x2, s), 32);
    v128.store(out + o, leaky4(x3, s), 48);
  }
  const rest = n & 15;
  if (rest) {
    leakyRelu_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS, slope);
    blockOut(out + end, rest);
  }
}

@inline function threshold4(x: v128, th: v128, value: v128): v128 {
  return v128.bitselect(value, x, f32x4.le(x, th));
}

/** x <= threshold ? value : x (NaN is kept). */
export function threshold_f32(out: usize, input: usize, n: i32, threshold: f32, value: f32): void {
  const th = f32x4.splat(threshold);
  const v = f32x4.splat(value);
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, threshold4(x0, th, v));
    v128.store(out + o, threshold4(x1, th, v), 16);
    v128.store(out + o, threshold4(x2, th, v), 32);
    v128.store(out + o, threshold4(x3, th, v), 48);
  }
  const rest = n & 15;
  if (rest) {
    threshold_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS, threshold, value);
    blockOut(out + end, rest);
  }
}

@inline function hardsigmoid4(x: v128): v128 {
  const c = f32x4.pmin(f32x4.pmax(f32x4.add(x, f32x4.splat(3.0)), f32x4.splat(0.0)), f32x4.splat(6.0));
  return f32x4.mul(c, f32x4.splat(<f32>(1.0 / 6.0)));
}

/** min(max(x + 3, 0), 6) / 6. */
export function hardsigmoid_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, hardsigmoid4(x0));
    v128.store(out + o, hardsigmoid4(x1), 16);
    v128.store(out + o, hardsigmoid4(x2), 32);
    v128.store(out + o, hardsigmoid4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    hardsigmoid_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

@inline function hardswish4(x: v128): v128 {
  // x * hardsigmoid(x), scaling before the product so that x near the float32 limit does
  // not overflow; -Infinity * 0 is NaN, as in PyTorch.
  return f32x4.mul(x, hardsigmoid4(x));
}

/** x * min(max(x + 3, 0), 6) / 6. */
export function hardswish_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, hardswish4(x0));
    v128.store(out + o, hardswish4(x1), 16);
    v128.store(out + o, hardswish4(x2), 32);
    v128.store(out + o, hardswish4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    hardswish_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

@inline function softshrink4(x: v128, l: v128, negL: v128): v128 {
  const shrunk = v128.bitselect(f32x4.add(x, l), f32x4.mul(x, f32x4.splat(0.0)), f32x4.lt(x, negL));
  return v128.bitselect(f32x4.sub(x, l), shrunk, f32x4.gt(x, l));
}

/** x - lambd above lambd, x + lambd below -lambd, 0 between; NaN stays NaN. REQUIRES: lambd >= 0. */
export function softshrink_f32(out: usize, input: usize, n: i32, lambd: f32): void {
  const l = f32x4.splat(lambd);
  const negL = f32x4.splat(-lambd);
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, softshrink4(x0, l, negL));
    v128.store(out + o, softshrink4(x1, l, negL), 16);
    v128.store(out + o, softshrink4(x2, l, negL), 32);
    v128.store(out + o, softshrink4(x3, l, negL), 48);
  }
  const rest = n & 15;
  if (rest) {
    softshrink_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS, lambd);
    blockOut(out + end, rest);
  }
}

@inline function hardshrink4(x: v128, l: v128, negL: v128): v128 {
  return v128.andnot(x, v128.and(f32x4.ge(x, negL), f32x4.le(x, l)));
}

/** 0 for x in [-lambd, lambd], x elsewhere; NaN stays NaN. REQUIRES: lambd >= 0. */
export function hardshrink_f32(out: usize, input: usize, n: i32, lambd: f32): void {
  const l = f32x4.splat(lambd);
  const negL = f32x4.splat(-lambd);
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, hardshrink4(x0, l, negL));
    v128.store(out + o, hardshrink4(x1, l, negL), 16);
    v128.store(out + o, hardshrink4(x2, l, negL), 32);
    v128.store(out + o, hardshrink4(x3, l, negL), 48);
  }
  const rest = n & 15;
  if (rest) {
    hardshrink_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS, lambd);
    blockOut(out + end, rest);
  }
}

@inline function softsign4(x: v128): v128 {
  return f32x4.div(x, f32x4.add(v128.and(x, i32x4.splat(ABS)), f32x4.splat(1.0)));
}

/** x / (1 + |x|); +-Infinity gives NaN, as in PyTorch. */
export function softsign_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, softsign4(x0));
    v128.store(out + o, softsign4(x1), 16);
    v128.store(out + o, softsign4(x2), 32);
    v128.store(out + o, softsign4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    softsign_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

// ---- parametric (per channel or per element slopes) ----

@inline function prelu4(x: v128, w: v128): v128 {
  return v128.bitselect(x, f32x4.mul(x, w), f32x4.gt(x, f32x4.splat(0.0)));
}

/**
 * x > 0 ? x : weight[c] * x over input [outer, channels, inner] with channel index c.
 * REQUIRES: weight holds `channels` floats.
 */
export function prelu_f32(out: usize, input: usize, weight: usize, outer: i32, channels: i32, inner: i32): void {
  if (inner == 1) {
    // [outer, channels]: the weights run along the contiguous axis.
    const rowBytes = <usize>channels << 2;
    const end = <usize>(channels & ~3) << 2;
    const rest = channels & 3;
    for (let b = 0; b < outer; b++) {
      const src = input + <usize>b * rowBytes;
      const dst = out + <usize>b * rowBytes;
      let o: usize = 0;
      for (; o < end; o += 16) v128.store(dst + o, prelu4(v128.load(src + o), v128.load(weight + o)));
      if (rest) storeTail(dst + o, prelu4(loadTail(src + o, rest), loadTail(weight + o, rest)), rest);
    }
    return;
  }
  const planeBytes = <usize>inner << 2;
  const end = <usize>(inner & ~3) << 2;
  const rest = inner & 3;
  let src = input;
  let dst = out;
  for (let b = 0; b < outer; b++) {
    for (let c = 0; c < channels; c++) {
      const w = f32x4.splat(load<f32>(weight + (<usize>c << 2)));
      let o: usize = 0;
      for (; o < end; o += 16) v128.store(dst + o, prelu4(v128.load(src + o), w));
      if (rest) storeTail(dst + o, prelu4(loadTail(src + o, rest), w), rest);
      src += planeBytes;
      dst += planeBytes;
    }
  }
}

@inline function rrelu4(x: v128, slope: v128): v128 {
  return v128.bitselect(f32x4.mul(x, slope), x, f32x4.le(x, f32x4.splat(0.0)));
}

/** x <= 0 ? x * slopes[i] : x (rrelu in training mode, slopes drawn by the caller). */
export function rrelu_f32(out: usize, input: usize, slopes: usize, n: i32): void {
  const end = <usize>(n & ~3) << 2;
  let o: usize = 0;
  for (; o < end; o += 16) v128.store(out + o, rrelu4(v128.load(input + o), v128.load(slopes + o)));
  const rest = n & 3;
  if (rest) storeTail(out + o, rrelu4(loadTail(input + o, rest), loadTail(slopes + o, rest)), rest);
}

// ---- exponential family ----

@inline function elu4(x: v128, negCoef: v128, posCoef: v128, inputScale: v128): v128 {
  const neg = f32x4.mul(expm1_4(f32x4.mul(x, inputScale)), negCoef);
  return v128.bitselect(f32x4.mul(x, posCoef), neg, f32x4.gt(x, f32x4.splat(0.0)));
}

/**
 * x > 0 ? scale * x : scale * alpha * expm1(x * inputScale): elu (scale 1, inputScale 1),
 * selu (its two constants) and celu (inputScale 1 / alpha).
 */
export function elu_f32(out: usize, input: usize, n: i32, alpha: f32, scale: f32, inputScale: f32): void {
  const neg = f32x4.splat(alpha * scale);
  const pos = f32x4.splat(scale);
  const ins = f32x4.splat(inputScale);
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, elu4(x0, neg, pos, ins));
    v128.store(out + o, elu4(x1, neg, pos, ins), 16);
    v128.store(out + o, elu4(x2, neg, pos, ins), 32);
    v128.store(out + o, elu4(x3, neg, pos, ins), 48);
  }
  const rest = n & 15;
  if (rest) {
    elu_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS, alpha, scale, inputScale);
    blockOut(out + end, rest);
  }
}

/** 1 / (1 + exp(-x)). */
export function sigmoid_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, sigmoid4(x0));
    v128.store(out + o, sigmoid4(x1), 16);
    v128.store(out + o, sigmoid4(x2), 32);
    v128.store(out + o, sigmoid4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    sigmoid_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

/** tanh(x). */
export function tanh_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, tanh4(x0));
    v128.store(out + o, tanh4(x1), 16);
    v128.store(out + o, tanh4(x2), 32);
    v128.store(out + o, tanh4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    tanh_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

@inline function silu4(x: v128): v128 {
  // x / (1 + e^-x): the far negative tail gives -0, and -Infinity gives NaN, as in PyTorch.
  return f32x4.div(x, f32x4.add(f32x4.splat(1.0), expNeg4(x)));
}

/** x * sigmoid(x). */
export function silu_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, silu4(x0));
    v128.store(out + o, silu4(x1), 16);
    v128.store(out + o, silu4(x2), 32);
    v128.store(out + o, silu4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    silu_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

@inline function mish4(x: v128): v128 {
  // tanh(log(1 + u)) = u (u + 2) / (u (u + 2) + 2) with u = e^x; beyond x = 20 the ratio is 1
  // in float32, and clamping there keeps u (u + 2) finite.
  const u = exp4(f32x4.pmin(x, f32x4.splat(20.0)));
  const w = f32x4.mul(u, f32x4.add(u, f32x4.splat(2.0)));
  return f32x4.mul(x, f32x4.div(w, f32x4.add(w, f32x4.splat(2.0))));
}

/** x * tanh(softplus(x)). */
export function mish_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, mish4(x0));
    v128.store(out + o, mish4(x1), 16);
    v128.store(out + o, mish4(x2), 32);
    v128.store(out + o, mish4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    mish_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

@inline function gelu4(x: v128): v128 {
  return f32x4.mul(x, normalCdf4(x));
}

/** x * Phi(x), the exact (erf) GELU. */
export function gelu_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, gelu4(x0));
    v128.store(out + o, gelu4(x1), 16);
    v128.store(out + o, gelu4(x2), 32);
    v128.store(out + o, gelu4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    gelu_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

// sqrt(2 / pi) and 0.044715 * sqrt(2 / pi), doubled: 0.5 (1 + tanh(u)) = sigmoid(2u).
const GELU_C1: f32 = 1.5957691216057308;
const GELU_C3: f32 = 0.0713548162726009;

@inline function geluTanh4(x: v128): v128 {
  const u2 = f32x4.mul(x, f32x4.add(f32x4.splat(GELU_C1), f32x4.mul(f32x4.splat(GELU_C3), f32x4.mul(x, x))));
  return f32x4.div(x, f32x4.add(f32x4.splat(1.0), expNeg4(u2)));
}

/** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), computed as x * sigmoid(2u). */
export function geluTanh_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, geluTanh4(x0));
    v128.store(out + o, geluTanh4(x1), 16);
    v128.store(out + o, geluTanh4(x2), 32);
    v128.store(out + o, geluTanh4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    geluTanh_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

@inline function softplus4(x: v128, beta: v128, threshold: v128): v128 {
  // log(1 + e^bx) = max(bx, 0) + log1p(e^-|bx|): never overflows.
  const bx = f32x4.mul(x, beta);
  const e = expNeg4(v128.and(bx, i32x4.splat(ABS)));
  const sp = f32x4.div(f32x4.add(f32x4.pmax(bx, f32x4.splat(0.0)), log1p01_4(e)), beta);
  return v128.bitselect(x, sp, f32x4.gt(bx, threshold));
}

/** beta * x > threshold ? x : log(1 + exp(beta * x)) / beta. REQUIRES: beta != 0. */
export function softplus_f32(out: usize, input: usize, n: i32, beta: f32, threshold: f32): void {
  const b = f32x4.splat(beta);
  const t = f32x4.splat(threshold);
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, softplus4(x0, b, t));
    v128.store(out + o, softplus4(x1, b, t), 16);
    v128.store(out + o, softplus4(x2, b, t), 32);
    v128.store(out + o, softplus4(x3, b, t), 48);
  }
  const rest = n & 15;
  if (rest) {
    softplus_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS, beta, threshold);
    blockOut(out + end, rest);
  }
}

@inline function logsigmoid4(x: v128): v128 {
  const e = expNeg4(v128.and(x, i32x4.splat(ABS)));
  return f32x4.sub(f32x4.pmin(x, f32x4.splat(0.0)), log1p01_4(e));
}

/** log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)). */
export function logsigmoid_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, logsigmoid4(x0));
    v128.store(out + o, logsigmoid4(x1), 16);
    v128.store(out + o, logsigmoid4(x2), 32);
    v128.store(out + o, logsigmoid4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    logsigmoid_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

// x - tanh(x) = x^3 (T0 + T1 x^2 + ... + T5 x^10) for |x| < 0.625, where the subtraction would cancel.
const T0: f32 = 0.33333333174;
const T1: f32 = -0.13333255318;
const T2: f32 = 0.053946857347;
const T3: f32 = -0.021670558578;
const T4: f32 = 0.0080382082661;
const T5: f32 = -0.0019664531947;

@inline function tanhshrink4(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(f32x4.splat(T5), x2), f32x4.splat(T4));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(T3));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(T2));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(T1));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(T0));
  const small = f32x4.mul(f32x4.mul(x, x2), p);
  const large = f32x4.sub(x, tanh4(x));
  return v128.bitselect(small, large, f32x4.lt(v128.and(x, i32x4.splat(ABS)), f32x4.splat(0.625)));
}

/** x - tanh(x). */
export function tanhshrink_f32(out: usize, input: usize, n: i32): void {
  const end = blockBytes(n);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(input + o);
    const x1 = v128.load(input + o, 16);
    const x2 = v128.load(input + o, 32);
    const x3 = v128.load(input + o, 48);
    v128.store(out + o, tanhshrink4(x0));
    v128.store(out + o, tanhshrink4(x1), 16);
    v128.store(out + o, tanhshrink4(x2), 32);
    v128.store(out + o, tanhshrink4(x3), 48);
  }
  const rest = n & 15;
  if (rest) {
    tanhshrink_f32(BLOCK, blockIn(input + end, rest), BLOCK_FLOATS);
    blockOut(out + end, rest);
  }
}

// ---- gated ----

/**
 * GLU over input [outer, 2, half] (the halved dimension and everything after it folded
 * into `half`): out[b, j] = input[b, 0, j] * sigmoid(input[b, 1, j]); out is [outer, half].
 */
export function glu_f32(out: usize, input: usize, outer: i32, half: i32): void {
  const halfBytes = <usize>half << 2;
  const end = <usize>(half & ~3) << 2;
  const rest = half & 3;
  for (let b = 0; b < outer; b++) {
    const a = input + (<usize>b * halfBytes << 1);
    const g = a + halfBytes;
    const dst = out + <usize>b * halfBytes;
    let o: usize = 0;
    for (; o < end; o += 16) v128.store(dst + o, f32x4.mul(v128.load(a + o), sigmoid4(v128.load(g + o))));
    if (rest) storeTail(dst + o, f32x4.mul(loadTail(a + o, rest), sigmoid4(loadTail(g + o, rest))), rest);
  }
}
