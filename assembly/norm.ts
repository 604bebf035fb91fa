// Batch, group (and instance) and layer normalisation. Each kernel computes its statistics
// (norm_moments.ts), updates the running estimates when asked, and writes
// out = (x - mean) / sqrt(var + eps) * weight + bias in one more pass.
//
// Layouts: x and out [batch, channels, inner] contiguous (inner = the product of the
// spatial sizes); weight, bias, runningMean, runningVar [channels]; a null pointer (0)
// means absent. Running estimates follow PyTorch: new = (1 - momentum) * old + momentum *
// statistic, with the unbiased variance (n / (n - 1)) in the running variance, computed
// in f64 as PyTorch's CPU kernels do.
// REQUIRES: the TypeScript side has checked sizes; in training n = batch * inner > 1
// (batch norm) and inner > 1 (instance norm with running estimates).

import { NormDesc } from "./abi";
import { partEnd, partScratch, partStart } from "./parts";
import { meanHi, meanLo, moments, normalizeAffineRun, normalizeRun, statMean, statVar } from "./norm_moments";

@inline function f32At(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

@inline function f64At(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** weight[c], or 1 when there is no weight. */
@inline function weightOr1(weight: usize, c: i32): f32 {
  return weight == 0 ? <f32>1 : load<f32>(f32At(weight, c));
}

@inline function biasOr0(bias: usize, c: i32): f32 {
  return bias == 0 ? <f32>0 : load<f32>(f32At(bias, c));
}

/** runningMean/runningVar[c] = (1 - m) * old + m * (mean, unbiased variance of n values). */
@inline function updateRunning(runningMean: usize, runningVar: usize, c: i32, m: f64, mean: f64, variance: f64, n: f64): void {
  if (runningMean != 0) store<f32>(f32At(runningMean, c), <f32>((1 - m) * <f64>load<f32>(f32At(runningMean, c)) + m * mean));
  if (runningVar != 0) store<f32>(f32At(runningVar, c), <f32>((1 - m) * <f64>load<f32>(f32At(runningVar, c)) + m * variance * n / (n - 1)));
}

@inline function invStd(variance: f64, eps: f64): f64 {
  return 1.0 / Math.sqrt(variance + eps);
}

/** Bytes of scratch batchNorm_f32 needs: per-channel tables when inner is 1. */
export function batchNormScratchBytes(channels: i32): i32 {
  return channels * 36 + 16;
}

/**
 * torch.batch_norm. Training (useInputStats 1): statistics per channel over batch and
 * inner, written into the running estimates when those pointers are non-zero. Eval:
 * the running estimates normalise.
 */
export function batchNorm_f32(out: usize, x: usize, weight: usize, bias: usize, runningMean: usize, runningVar: usize, scratch: usize, desc: usize): void {
  const d = changetype<NormDesc>(desc);
  const batch = d.batch;
  const channels = d.channels;
  const inner = d.inner;
  if (batch == 0 || channels == 0 || inner == 0) return;
  if (inner == 1) {
    // Statistics over rows: one thread does it all (the one whose share holds the single unit).
    if (partStart(1, 1) < partEnd(1, 1)) batchNormRows(out, x, weight, bias, runningMean, runningVar, partScratch(scratch), d);
    return;
  }
  const eps = <f64>d.eps;
  const momentum = <f64>d.momentum;
  const n = <f64>batch * <f64>inner;
  const planeStride = <usize>channels * <usize>inner << 2;
  // This thread's share of the channels (parts.ts): statistics, running estimates and output.
  const c1 = partEnd(channels, 1);
  for (let c = partStart(channels, 1); c < c1; c++) {
    const first = <usize>c * <usize>inner << 2;
    let mean: f64;
    let variance: f64;
    if (d.useInputStats) {
      moments(x + first, batch, inner, channels * inner);
      mean = statMean;
      variance = statVar;
      updateRunning(runningMean, runningVar, c, momentum, mean, variance, n);
    } else {
      mean = <f64>load<f32>(f32At(runningMean, c));
      variance = <f64>load<f32>(f32At(runningVar, c));
    }
    const invstd = <f32>invStd(variance, eps);
    const w = weightOr1(weight, c);
    const shift = biasOr0(bias, c);
    for (let b = 0; b < batch; b++) {
      const offset = first + <usize>b * planeStride;
      normalizeRun(out + offset, x + offset, inner, meanHi(mean), meanLo(mean), invstd, w, shift);
    }
  }
}

/**
 * Batch norm of [batch, channels] rows (inner = 1, BatchNorm1d on [N, C]): statistics per
 * column in f64 (no overflow, no cancellation), then rows transformed with per-channel
 * tables, four channels per vector.
 */
function batchNormRows(out: usize, x: usize, weight: usize, bias: usize, runningMean: usize, runningVar: usize, scratch: usize, d: NormDesc): void {
  const batch = d.batch;
  const channels = d.channels;
  const rowBytes = <usize>channels << 2;
  // scratch: sums [channels] f64, squares [channels] f64, then hi, lo, invstd, weight, shift [channels] f32.
  const sums = scratch;
  const squares = sums + (<usize>channels << 3);
  const hiT = squares + (<usize>channels << 3);
  const loT = hiT + rowBytes;
  const invstdT = loT + rowBytes;
  const weightT = invstdT + rowBytes;
  const shiftT = weightT + rowBytes;
  const n = <f64>batch;
  if (d.useInputStats) {
    memory.fill(sums, 0, <usize>channels << 4);
    for (let r = 0; r < batch; r++) {
      const row = x + <usize>r * rowBytes;
      for (let c = 0; c < channels; c++) store<f64>(f64At(sums, c), load<f64>(f64At(sums, c)) + <f64>load<f32>(f32At(row, c)));
    }
    for (let c = 0; c < channels; c++) store<f64>(f64At(sums, c), load<f64>(f64At(sums, c)) / n);
    for (let r = 0; r < batch; r++) {
      const row = x + <usize>r * rowBytes;
      for (let c = 0; c < channels; c++) {
        const dev = <f64>load<f32>(f32At(row, c)) - load<f64>(f64At(sums, c));
        store<f64>(f64At(squares, c), load<f64>(f64At(squares, c)) + dev * dev);
      }
    }
  }
  const eps = <f64>d.eps;
  for (let c = 0; c < channels; c++) {
    let mean: f64;
    let variance: f64;
    if (d.useInputStats) {
      mean = load<f64>(f64At(sums, c));
      variance = load<f64>(f64At(squares, c)) / n;
      updateRunning(runningMean, runningVar, c, <f64>d.momentum, mean, variance, n);
    } else {
      mean = <f64>load<f32>(f32At(runningMean, c));
      variance = <f64>load<f32>(f32At(runningVar, c));
    }
    store<f32>(f32At(hiT, c), meanHi(mean));
    store<f32>(f32At(loT, c), meanLo(mean));
    store<f32>(f32At(invstdT, c), <f32>invStd(variance, eps));
    store<f32>(f32At(weightT, c), weightOr1(weight, c));
    store<f32>(f32At(shiftT, c), biasOr0(bias, c));
  }
  for (let r = 0; r < batch; r++) {
    const src = x + <usize>r * rowBytes;
    const dst = out + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = <usize>c << 2;
      const v = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(src + o), v128.load(hiT + o)), v128.load(loT + o)), v128.load(invstdT + o));
      v128.store(dst + o, f32x4.add(f32x4.mul(v, v128.load(weightT + o)), v128.load(shiftT + o)));
    }
    for (; c < channels; c++) {
      const v = ((load<f32>(f32At(src, c)) - load<f32>(f32At(hiT, c))) - load<f32>(f32At(loT, c))) * load<f32>(f32At(invstdT, c));
      store<f32>(f32At(dst, c), v * load<f32>(f32At(weightT, c)) + load<f32>(f32At(shiftT, c)));
    }
  }
}

/** Bytes of scratch groupNorm_f32 needs: f64 sums of the per-sample statistics per channel. */
export function groupNormScratchBytes(channels: i32): i32 {
  return channels * 16 + 16;
}

/**
 * torch.group_norm, and torch.instance_norm (groups = channels). With useInputStats 1,
 * statistics per (sample, group) over its channels / groups * inner values; non-zero
 * running pointers (instance norm only) receive the batch average of the per-sample
 * statistics, as PyTorch's instance_norm. With useInputStats 0 every plane is normalised
 * with runningMean/runningVar of its channel.
 */
export function groupNorm_f32(out: usize, x: usize, weight: usize, bias: usize, runningMean: usize, runningVar: usize, scratch: usize, desc: usize): void {
  const d = changetype<NormDesc>(desc);
  const batch = d.batch;
  const channels = d.channels;
  const inner = d.inner;
  const groups = d.groups;
  if (batch == 0 || channels == 0 || inner == 0) return;
  const perGroup = channels / groups;
  const groupLen = perGroup * inner;
  const eps = <f64>d.eps;
  const update = d.useInputStats && (runningMean != 0 || runningVar != 0);
  // scratch: per-channel sums over the batch of the means [channels] and unbiased variances [channels], f64.
  const meanSums = partScratch(scratch);
  const varSums = meanSums + (<usize>channels << 3);
  if (update) memory.fill(meanSums, 0, <usize>channels << 4);
  // This thread's share of the groups (parts.ts), in every sample.
  const g0 = partStart(groups, 1), g1 = partEnd(groups, 1);
  for (let b = 0; b < batch; b++) {
    for (let g = g0; g < g1; g++) {
      const first = (<usize>b * <usize>channels + <usize>g * <usize>perGroup) * <usize>inner << 2;
      let mean: f64 = 0;
      let variance: f64 = 0;
      if (d.useInputStats) {
        moments(x + first, 1, groupLen, 0);
        mean = statMean;
        variance = statVar;
        if (update) {
          // Only instance norm updates running estimates: one channel per group, so g is the channel.
          store<f64>(f64At(meanSums, g), load<f64>(f64At(meanSums, g)) + mean);
          store<f64>(f64At(varSums, g), load<f64>(f64At(varSums, g)) + variance * <f64>groupLen / <f64>(groupLen - 1));
        }
      }
      for (let k = 0; k < perGroup; k++) {
        const c = g * perGroup + k;
        if (!d.useInputStats) {
          mean = <f64>load<f32>(f32At(runningMean, c));
          variance = <f64>load<f32>(f32At(runningVar, c));
        }
        const offset = first + (<usize>k * <usize>inner << 2);
        normalizeRun(out + offset, x + offset, inner, meanHi(mean), meanLo(mean), <f32>invStd(variance, eps), weightOr1(weight, c), biasOr0(bias, c));
      }
    }
  }
  if (update) {
    // updateRunning applies n / (n - 1) itself: hand it the biased batch average back.
    const m = <f64>d.momentum;
    const n = <f64>groupLen;
    for (let c = g0; c < g1; c++) {
      const mean = load<f64>(f64At(meanSums, c)) / <f64>batch;
      const unbiased = load<f64>(f64At(varSums, c)) / <f64>batch;
      updateRunning(runningMean, runningVar, c, m, mean, unbiased * (n - 1) / n, n);
    }
  }
}

/** Bytes of scratch layerNorm_f32 needs: ones and zeros for a missing weight or bias. */
export function layerNormScratchBytes(inner: i32): i32 {
  return inner * 8 + 16;
}

/**
 * torch.layer_norm: statistics per row of `inner` values (batch = rows); weight and bias
 * [inner] elementwise (either may be 0).
 */
export function layerNorm_f32(out: usize, x: usize, weight: usize, bias: usize, scratch: usize, desc: usize): void {
  const d = changetype<NormDesc>(desc);
  const rows = d.batch;
  const len = d.inner;
  if (rows == 0 || len == 0) return;
  const eps = <f64>d.eps;
  const affine = weight != 0 || bias != 0;
  let w = weight;
  let b = bias;
  scratch = partScratch(scratch);
  if (affine && w == 0) {
    w = scratch;
    for (let i = 0; i < len; i++) store<f32>(f32At(w, i), 1);
  }
  if (affine && b == 0) {
    b = scratch + (<usize>len << 2);
    memory.fill(b, 0, <usize>len << 2);
  }
  const rowBytes = <usize>len << 2;
  // This thread's share of the rows (parts.ts).
  const r1 = partEnd(rows, 1);
  for (let r = partStart(rows, 1); r < r1; r++) {
    const offset = <usize>r * rowBytes;
    moments(x + offset, 1, len, 0);
    const mean = statMean;
    const invstd = <f32>invStd(statVar, eps);
    if (affine) normalizeAffineRun(out + offset, x + offset, w, b, len, meanHi(mean), meanLo(mean), invstd);
    else normalizeRun(out + offset, x + offset, len, meanHi(mean), meanLo(mean), invstd, 1, 0);
  }
}
