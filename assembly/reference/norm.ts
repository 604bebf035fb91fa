// Scalar twins of assembly/norm.ts, norm_moments.ts and dropout.ts: one element at a time,
// statistics in plain f64 two-pass form, obviously correct.

import { NormDesc } from "../abi";
import { randomUniform_f32 } from "../random";

@inline function f32At(p: usize, i: i32): usize { return p + (<usize>i << 2); }

export let refMean: f64 = 0;
export let refVar: f64 = 0;

/** Mean and biased variance of `chunks` runs of `len` floats, `stride` floats apart. */
export function moments_ref(x: usize, chunks: i32, len: i32, stride: i32): void {
  const n = <f64>chunks * <f64>len;
  let s: f64 = 0;
  for (let k = 0; k < chunks; k++) for (let i = 0; i < len; i++) s += <f64>load<f32>(f32At(x, k * stride + i));
  const mean = s / n;
  let q: f64 = 0;
  for (let k = 0; k < chunks; k++) for (let i = 0; i < len; i++) {
    const d = <f64>load<f32>(f32At(x, k * stride + i)) - mean;
    q += d * d;
  }
  refMean = mean;
  refVar = q / n;
}

export function normalizeRun_ref(out: usize, x: usize, n: i32, meanHi: f32, meanLo: f32, invstd: f32, weight: f32, bias: f32): void {
  for (let i = 0; i < n; i++) store<f32>(f32At(out, i), ((load<f32>(f32At(x, i)) - meanHi) - meanLo) * invstd * weight + bias);
}

export function normalizeAffineRun_ref(out: usize, x: usize, w: usize, b: usize, n: i32, meanHi: f32, meanLo: f32, invstd: f32): void {
  for (let i = 0; i < n; i++) {
    const d = ((load<f32>(f32At(x, i)) - meanHi) - meanLo) * invstd;
    store<f32>(f32At(out, i), d * load<f32>(f32At(w, i)) + load<f32>(f32At(b, i)));
  }
}

/** batchNorm_f32 in f64: out = (x - mean) / sqrt(var + eps) * w + b; running estimates as PyTorch. */
export function batchNorm_f32_ref(out: usize, x: usize, weight: usize, bias: usize, runningMean: usize, runningVar: usize, desc: usize): void {
  const d = changetype<NormDesc>(desc);
  const N = d.batch, C = d.channels, L = d.inner;
  const m = <f64>d.momentum;
  for (let c = 0; c < C; c++) {
    let mean: f64, variance: f64;
    if (d.useInputStats) {
      moments_ref(x + (<usize>c * <usize>L << 2), N, L, C * L);
      mean = refMean;
      variance = refVar;
      const n = <f64>N * <f64>L;
      if (runningMean) store<f32>(f32At(runningMean, c), <f32>((1 - m) * <f64>load<f32>(f32At(runningMean, c)) + m * mean));
      if (runningVar) store<f32>(f32At(runningVar, c), <f32>((1 - m) * <f64>load<f32>(f32At(runningVar, c)) + m * variance * n / (n - 1)));
    } else {
      mean = <f64>load<f32>(f32At(runningMean, c));
      variance = <f64>load<f32>(f32At(runningVar, c));
    }
    const inv = 1 / Math.sqrt(variance + <f64>d.eps);
    const w: f64 = weight ? <f64>load<f32>(f32At(weight, c)) : 1;
    const b: f64 = bias ? <f64>load<f32>(f32At(bias, c)) : 0;
    for (let k = 0; k < N; k++) for (let i = 0; i < L; i++) {
      const j = (k * C + c) * L + i;
      store<f32>(f32At(out, j), <f32>((<f64>load<f32>(f32At(x, j)) - mean) * inv * w + b));
    }
  }
}

/** groupNorm_f32 in f64 (useInputStats only, no running estimates). */
export function groupNorm_f32_ref(out: usize, x: usize, weight: usize, bias: usize, desc: usize): void {
  const d = changetype<NormDesc>(desc);
  const N = d.batch, C = d.channels, L = d.inner, G = d.groups;
  const per = C / G;
  for (let k = 0; k < N; k++) for (let g = 0; g < G; g++) {
    const first = (k * C + g * per) * L;
    moments_ref(x + (<usize>first << 2), 1, per * L, 0);
    const inv = 1 / Math.sqrt(refVar + <f64>d.eps);
    for (let j = 0; j < per * L; j++) {
      const c = g * per + j / L;
      const w: f64 = weight ? <f64>load<f32>(f32At(weight, c)) : 1;
      const b: f64 = bias ? <f64>load<f32>(f32At(bias, c)) : 0;
      store<f32>(f32At(out, first + j), <f32>((<f64>load<f32>(f32At(x, first + j)) - refMean) * inv * w + b));
    }
  }
}

/** layerNorm_f32 in f64. */
export function layerNorm_f32_ref(out: usize, x: usize, weight: usize, bias: usize, desc: usize): void {
  const d = changetype<NormDesc>(desc);
  const M = d.inner;
  for (let r = 0; r < d.batch; r++) {
    moments_ref(x + (<usize>(r * M) << 2), 1, M, 0);
    const inv = 1 / Math.sqrt(refVar + <f64>d.eps);
    for (let i = 0; i < M; i++) {
      const w: f64 = weight ? <f64>load<f32>(f32At(weight, i)) : 1;
      const b: f64 = bias ? <f64>load<f32>(f32At(bias, i)) : 0;
      store<f32>(f32At(out, r * M + i), <f32>((<f64>load<f32>(f32At(x, r * M + i)) - refMean) * inv * w + b));
    }
  }
}

/** dropout_f32, one value at a time (same draws: the caller reseeds between the two). */
export function dropout_f32_ref(out: usize, x: usize, draws: usize, units: i32, unitSize: i32, p: f32, keepFactor: f32, keepAdd: f32, dropAdd: f32, alpha: i32): void {
  if (p >= 1) {
    for (let i = 0; i < units * unitSize; i++) store<f32>(f32At(out, i), load<f32>(f32At(x, i)) * <f32>0);
    return;
  }
  randomUniform_f32(draws, units, 0.0, 1.0);
  for (let u = 0; u < units; u++) {
    const kept = load<f32>(f32At(draws, u)) >= p;
    for (let j = 0; j < unitSize; j++) {
      const i = u * unitSize + j;
      const y = load<f32>(f32At(x, i)) * (kept ? keepFactor : <f32>0);
      store<f32>(f32At(out, i), alpha ? y + (kept ? keepAdd : dropAdd) : y);
    }
  }
}
