// Mean and variance of a statistic of the normalisation layers, and the plane transform
// they all end with. Shared by norm.ts; all helpers work on raw f32 runs.
//
// The variance is two-pass: first the mean, then the sum of squared deviations from it.
// A one-pass sum of squares (E[x^2] - E[x]^2) cancels catastrophically when the mean is
// large against the spread (mean 1e4, std 1 loses every digit in float32). Both passes
// add in float32 SIMD lanes over blocks of BLOCK floats and carry the block sums in f64,
// so the rounding error does not grow with the length of a statistic. The second pass
// also sums the deviations themselves, which corrects the rounding of the first mean
// (the "corrected two-pass" algorithm): mean = m0 + sum(d)/n, var = sum(d^2)/n - (sum(d)/n)^2.
//
// Two rare fallbacks keep extreme inputs exact: block sums that overflow float32 (|x| near
// 3e38) are redone in f64, and squared deviations that overflow (|d| > 1.8e19) or fall into
// the denormals are redone on deviations scaled by a power of two (exact).
// REQUIRES (every helper): n >= 0; pointers to n floats.

import { hsum } from "./simd";

/** Floats added in f32 lanes before the partial sum joins the f64 total (a multiple of 8). */
const BLOCK: i32 = 256;

/** Sums of squared deviations below this are recomputed on scaled deviations (denormal range). */
const TINY: f64 = 1.0e-30;

/** Results of the helpers below (f64 pairs do not fit one return value). */
export let devSum: f64 = 0;
export let devSq: f64 = 0;
export let statMean: f64 = 0;
export let statVar: f64 = 0;

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** The sum of n floats: f32 lanes within blocks, f64 across them. */
export function sumF32(p: usize, n: i32): f64 {
  let total: f64 = 0;
  const vecEnd = n & ~3;
  let i = 0;
  while (i < vecEnd) {
    const end = min(i + BLOCK, vecEnd);
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    for (; i + 8 <= end; i += 8) {
      a0 = f32x4.add(a0, v128.load(at(p, i)));
      a1 = f32x4.add(a1, v128.load(at(p, i), 16));
    }
    if (i < end) {
      a0 = f32x4.add(a0, v128.load(at(p, i)));
      i += 4;
    }
    total += <f64>hsum(f32x4.add(a0, a1));
  }
  for (; i < n; i++) total += <f64>load<f32>(at(p, i));
  return total;
}

/** The sum of n floats in f64 (the fallback when float32 block sums overflow). */
function sumF64(p: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i++) total += <f64>load<f32>(at(p, i));
  return total;
}

/** Adds sum(d) and sum(d^2), d = (x - mean) * scale, to devSum and devSq. */
export function addDeviations(p: usize, n: i32, mean: f32, scale: f32): void {
  // The common case, scale 1, compiles without the multiplication.
  if (scale == 1) deviations(p, n, mean, 1, false);
  else deviations(p, n, mean, scale, true);
}

@inline function deviations(p: usize, n: i32, mean: f32, scale: f32, scaled: bool): void {
  const m = f32x4.splat(mean);
  const s = f32x4.splat(scale);
  const vecEnd = n & ~3;
  let sum: f64 = 0;
  let sq: f64 = 0;
  let i = 0;
  while (i < vecEnd) {
    const end = min(i + BLOCK, vecEnd);
    let d0 = f32x4.splat(0);
    let q0 = f32x4.splat(0);
    let d1 = f32x4.splat(0);
    let q1 = f32x4.splat(0);
    for (; i + 8 <= end; i += 8) {
      let a = f32x4.sub(v128.load(at(p, i)), m);
      let b = f32x4.sub(v128.load(at(p, i), 16), m);
      if (scaled) {
        a = f32x4.mul(a, s);
        b = f32x4.mul(b, s);
      }
      d0 = f32x4.add(d0, a);
      q0 = f32x4.add(q0, f32x4.mul(a, a));
      d1 = f32x4.add(d1, b);
      q1 = f32x4.add(q1, f32x4.mul(b, b));
    }
    if (i < end) {
      let a = f32x4.sub(v128.load(at(p, i)), m);
      if (scaled) a = f32x4.mul(a, s);
      d0 = f32x4.add(d0, a);
      q0 = f32x4.add(q0, f32x4.mul(a, a));
      i += 4;
    }
    sum += <f64>hsum(f32x4.add(d0, d1));
    sq += <f64>hsum(f32x4.add(q0, q1));
  }
  for (; i < n; i++) {
    const d = scaled ? (load<f32>(at(p, i)) - mean) * scale : load<f32>(at(p, i)) - mean;
    sum += <f64>d;
    sq += <f64>(d * d);
  }
  devSum += sum;
  devSq += sq;
}

/** max |x - mean| over n floats (NaN only if an input is NaN). */
function maxAbsDeviation(p: usize, n: i32, mean: f32): f32 {
  let best: f32 = 0;
  for (let i = 0; i < n; i++) best = max(best, abs(load<f32>(at(p, i)) - mean));
  return best;
}

/** 2^-(e+1) for the binary exponent e of m > 0: m times it lies in [0.5, 1). */
@inline function inversePowerOfTwo(m: f32): f32 {
  const e = <i32>((reinterpret<u32>(m) >> 23) & 0xff) - 127;
  return <f32>reinterpret<f64>(<u64>(1023 - e - 1) << 52);
}

/**
 * Mean and biased variance (statMean, statVar, f64) of `chunks` runs of `len` floats, run
 * k starting `stride` floats after run k-1 (batch norm: one run per sample of a channel;
 * the other norms: one run). NaN or an infinity in the input gives NaN or infinite
 * statistics, as in PyTorch.
 * REQUIRES: chunks * len >= 1.
 */
export function moments(x: usize, chunks: i32, len: i32, stride: i32): void {
  const count = <f64>chunks * <f64>len;
  const step = <usize>stride << 2;
  let total: f64 = 0;
  for (let k = 0; k < chunks; k++) total += sumF32(x + <usize>k * step, len);
  if (!isFinite(total)) {
    total = 0;
    for (let k = 0; k < chunks; k++) total += sumF64(x + <usize>k * step, len);
  }
  const mean0 = <f32>(total / count);
  devSum = 0;
  devSq = 0;
  for (let k = 0; k < chunks; k++) addDeviations(x + <usize>k * step, len, mean0, 1);
  let scale: f64 = 1;
  if (isFinite(mean0) && (!isFinite(devSq) || devSq < TINY)) {
    let m: f32 = 0;
    for (let k = 0; k < chunks; k++) m = max(m, maxAbsDeviation(x + <usize>k * step, len, mean0));
    if (m > 0 && isFinite(m)) {
      const s = inversePowerOfTwo(m);
      devSum = 0;
      devSq = 0;
      for (let k = 0; k < chunks; k++) addDeviations(x + <usize>k * step, len, mean0, s);
      scale = <f64>s;
    }
  }
  const meanDev = devSum / count;
  // A non-finite mean is the sum's verdict (+-Infinity, or NaN for NaN or both infinities).
  statMean = isFinite(mean0) ? <f64>mean0 + meanDev / scale : <f64>mean0;
  statVar = max<f64>(0, devSq / count - meanDev * meanDev) / (scale * scale);
  if (isNaN(devSq)) statVar = devSq;
}

/**
 * out[i] = ((x[i] - meanHi) - meanLo) * invstd * weight + bias for n floats. The mean comes
 * as a float32 pair (hi + lo) so that a large mean keeps the digits a single float32 would
 * round away: x - meanHi is exact for x near the mean. invstd and weight multiply one
 * after the other, in PyTorch's order: their product alone can underflow or overflow
 * float32 (weight 1e-40 and invstd 1e-15) where the result does not.
 */
export function normalizeRun(out: usize, x: usize, n: i32, meanHi: f32, meanLo: f32, invstd: f32, weight: f32, bias: f32): void {
  const hi = f32x4.splat(meanHi);
  const lo = f32x4.splat(meanLo);
  const s = f32x4.splat(invstd);
  const w = f32x4.splat(weight);
  const b = f32x4.splat(bias);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const a0 = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(at(x, i)), hi), lo), s);
    const a1 = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(at(x, i), 16), hi), lo), s);
    v128.store(at(out, i), f32x4.add(f32x4.mul(a0, w), b));
    v128.store(at(out, i), f32x4.add(f32x4.mul(a1, w), b), 16);
  }
  for (; i + 4 <= n; i += 4) {
    v128.store(at(out, i), f32x4.add(f32x4.mul(f32x4.mul(f32x4.sub(f32x4.sub(v128.load(at(x, i)), hi), lo), s), w), b));
  }
  for (; i < n; i++) store<f32>(at(out, i), ((load<f32>(at(x, i)) - meanHi) - meanLo) * invstd * weight + bias);
}

/**
 * out[i] = ((x[i] - meanHi) - meanLo) * invstd * w[i] + b[i] for n floats: layer norm's
 * elementwise affine transform.
 */
export function normalizeAffineRun(out: usize, x: usize, w: usize, b: usize, n: i32, meanHi: f32, meanLo: f32, invstd: f32): void {
  const hi = f32x4.splat(meanHi);
  const lo = f32x4.splat(meanLo);
  const s = f32x4.splat(invstd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const d = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(at(x, i)), hi), lo), s);
    v128.store(at(out, i), f32x4.add(f32x4.mul(d, v128.load(at(w, i))), v128.load(at(b, i))));
  }
  for (; i < n; i++) {
    const d = ((load<f32>(at(x, i)) - meanHi) - meanLo) * invstd;
    store<f32>(at(out, i), d * load<f32>(at(w, i)) + load<f32>(at(b, i)));
  }
}

/** The f32 pair hi + lo nearest to the f64 mean (hi: the float32 rounding, lo: the rest). */
@inline export function meanHi(mean: f64): f32 {
  return <f32>mean;
}

@inline export function meanLo(mean: f64): f32 {
  // An infinite mean has no remainder (inf - inf would make every output NaN).
  return isFinite(mean) ? <f32>(mean - <f64><f32>mean) : <f32>0;
}
