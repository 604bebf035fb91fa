import { NormDesc } from "../abi";
import { batchNorm_f32, batchNormScratchBytes, groupNorm_f32, groupNormScratchBytes, layerNorm_f32, layerNormScratchBytes } from "../norm";
import { moments, normalizeAffineRun, normalizeRun, statMean, statVar } from "../norm_moments";
import { dropout_f32 } from "../dropout";
import { randomSeed } from "../random";
import {
  batchNorm_f32_ref, dropout_f32_ref, groupNorm_f32_ref, layerNorm_f32_ref, moments_ref, normalizeAffineRun_ref,
  normalizeRun_ref, refMean, refVar,
} from "../reference/norm";
import { allClose, buffer, freeAll, GUARD, LENGTHS, sameBits, tricky, wave, wave2 } from "./helpers";

// Lengths around the vector width and the 256-float blocks of norm_moments.ts.
const STAT_LENGTHS: i32[] = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 255, 256, 257, 511, 1031];

function largeMean(i: i32): f32 { return 10000.0 + wave(i); }
function outlier(i: i32): f32 { return i == 5 ? <f32>1e30 : wave2(i); }
function denormal(i: i32): f32 { return wave(i) * <f32>1e-39; }

function desc(batch: i32, channels: i32, inner: i32, groups: i32, eps: f32, momentum: f32, useInputStats: i32): usize {
  const d = changetype<NormDesc>(heap.alloc(offsetof<NormDesc>()));
  d.batch = batch; d.channels = channels; d.inner = inner; d.groups = groups;
  d.eps = eps; d.momentum = momentum; d.useInputStats = useInputStats;
  return changetype<usize>(d);
}

function near(a: f64, b: f64, rtol: f64, atol: f64): bool {
  return abs(a - b) <= atol + rtol * abs(b);
}

describe("moments (two-pass, f32 blocks carried in f64)", () => {
  it("matches the f64 twin on every length, with large means, outliers to 1e30 and denormals", () => {
    const fills: ((i: i32) => f32)[] = [wave, wave2, largeMean, outlier, denormal];
    let ok = true;
    for (let f = 0; f < fills.length; f++) {
      for (let k = 0; k < STAT_LENGTHS.length; k++) {
        const n = STAT_LENGTHS[k];
        const x = buffer(n, fills[f]);
        moments(x, 1, n, 0);
        moments_ref(x, 1, n, 0);
        // The variance is relative to its own scale; the mean to the spread (std) as well.
        const std = Math.sqrt(refVar);
        ok = ok && near(statMean, refMean, 1e-7, 1e-6 * std + 1e-45) && near(statVar, refVar, 1e-5, 1e-45);
        heap.free(x);
      }
    }
    expect(ok).toBe(true, "mean and variance within the f64 twin's tolerance");
  });

  it("strided chunks (batch norm's layout) give the same statistics as the twin", () => {
    let ok = true;
    for (let k = 0; k < LENGTHS.length; k++) {
      const len = LENGTHS[k];
      const x = buffer(3 * 4 * len, largeMean);
      moments(x + (<usize>len << 2), 3, len, 4 * len);
      moments_ref(x + (<usize>len << 2), 3, len, 4 * len);
      ok = ok && near(statMean, refMean, 1e-9, 1e-6) && near(statVar, refVar, 1e-5, 1e-9);
      heap.free(x);
    }
    expect(ok).toBe(true);
  });
});

describe("normalizeRun and normalizeAffineRun", () => {
  it("are bit-exact with their scalar twins, tails included, and leave the next element alone", () => {
    let ok = true;
    for (let k = 0; k < LENGTHS.length; k++) {
      for (let extra = 0; extra < 2; extra++) {
        const n = LENGTHS[k] + extra * 16;
        const x = buffer(n, tricky);
        const w = buffer(n, wave);
        const b = buffer(n, wave2);
        const out = buffer(n + 1, (i: i32): f32 => GUARD);
        const ref = buffer(n + 1, (i: i32): f32 => GUARD);
        normalizeRun(out, x, n, 1.5, -1e-7, 0.75, -1.25, 0.5);
        normalizeRun_ref(ref, x, n, 1.5, -1e-7, 0.75, -1.25, 0.5);
        ok = ok && sameBits(out, ref, n + 1);
        normalizeAffineRun(out, x, w, b, n, -2.0, 3e-8, 1.5);
        normalizeAffineRun_ref(ref, x, w, b, n, -2.0, 3e-8, 1.5);
        ok = ok && sameBits(out, ref, n + 1);
        freeAll([x, w, b, out, ref]);
      }
    }
    expect(ok).toBe(true);
  });
});

/** Runs a kernel and its twin on one geometry; outputs (and running estimates) within rtol. */
function checkBatchNorm(N: i32, C: i32, L: i32, train: i32, fill: (i: i32) => f32): bool {
  const n = N * C * L;
  const x = buffer(n, fill);
  const w = buffer(C, wave);
  const b = buffer(C, wave2);
  const rm1 = buffer(C, wave2);
  const rv1 = buffer(C, (i: i32): f32 => 0.5 + <f32>i * 0.25);
  const rm2 = buffer(C, wave2);
  const rv2 = buffer(C, (i: i32): f32 => 0.5 + <f32>i * 0.25);
  const out = buffer(n + 1, (i: i32): f32 => GUARD);
  const ref = buffer(n + 1, (i: i32): f32 => GUARD);
  const scratch = heap.alloc(batchNormScratchBytes(C));
  const d = desc(N, C, L, 1, 1e-5, 0.1, train);
  batchNorm_f32(out, x, w, b, rm1, rv1, scratch, d);
  batchNorm_f32_ref(ref, x, w, b, rm2, rv2, d);
  const ok = allClose(out, ref, n + 1, 1e-4, 1e-5) && allClose(rm1, rm2, C, 1e-5, 1e-6) && allClose(rv1, rv2, C, 1e-5, 1e-6);
  freeAll([x, w, b, rm1, rv1, rm2, rv2, out, ref, scratch, d]);
  return ok;
}

describe("batchNorm_f32", () => {
  it("matches the twin in training and eval: per-channel runs and the [N, C] rows path, odd sizes, large means", () => {
    let ok = true;
    const fills: ((i: i32) => f32)[] = [wave, largeMean, outlier];
    for (let f = 0; f < fills.length; f++) {
      for (let k = 0; k < LENGTHS.length; k++) {
        const L = LENGTHS[k];
        ok = ok && checkBatchNorm(3, 5, L, 1, fills[f]) && checkBatchNorm(2, 3, L, 0, fills[f]);
        ok = ok && checkBatchNorm(L + 1, LENGTHS[k], 1, 1, fills[f]) && checkBatchNorm(L, 6, 1, 0, fills[f]);
      }
    }
    expect(ok).toBe(true);
  });
});

describe("groupNorm_f32 and layerNorm_f32", () => {
  it("match their twins on every group size and row length", () => {
    let ok = true;
    for (let k = 0; k < LENGTHS.length; k++) {
      const L = LENGTHS[k];
      for (let g = 1; g <= 6; g++) {
        if (6 % g != 0) continue;
        const n = 2 * 6 * L;
        const x = buffer(n, largeMean);
        const w = buffer(6, wave);
        const b = buffer(6, wave2);
        const out = buffer(n + 1, (i: i32): f32 => GUARD);
        const ref = buffer(n + 1, (i: i32): f32 => GUARD);
        const scratch = heap.alloc(groupNormScratchBytes(6));
        const d = desc(2, 6, L, g, 1e-5, 0.1, 1);
        groupNorm_f32(out, x, w, b, 0, 0, scratch, d);
        groupNorm_f32_ref(ref, x, w, b, d);
        ok = ok && allClose(out, ref, n + 1, 1e-4, 1e-5);
        freeAll([x, w, b, out, ref, scratch, d]);
      }
    }
    for (let k = 0; k < STAT_LENGTHS.length; k++) {
      const M = STAT_LENGTHS[k];
      const x = buffer(3 * M, outlier);
      const w = buffer(M, wave);
      const out = buffer(3 * M + 1, (i: i32): f32 => GUARD);
      const ref = buffer(3 * M + 1, (i: i32): f32 => GUARD);
      const scratch = heap.alloc(layerNormScratchBytes(M));
      const d = desc(3, 1, M, 1, 1e-5, 0, 1);
      layerNorm_f32(out, x, w, 0, scratch, d);
      layerNorm_f32_ref(ref, x, w, 0, d);
      ok = ok && allClose(out, ref, 3 * M + 1, 1e-4, 1e-5);
      layerNorm_f32(out, x, 0, 0, scratch, d);
      layerNorm_f32_ref(ref, x, 0, 0, d);
      ok = ok && allClose(out, ref, 3 * M + 1, 1e-4, 1e-5);
      freeAll([x, w, out, ref, scratch, d]);
    }
    expect(ok).toBe(true);
  });
});

describe("dropout_f32", () => {
  it("elementwise (SIMD lanes) and per-unit paths are bit-exact with the twin on the same draws", () => {
    let ok = true;
    for (let k = 0; k < LENGTHS.length; k++) {
      const n = LENGTHS[k];
      for (let unit = 1; unit <= 5; unit += 2) {
        for (let alpha = 0; alpha < 2; alpha++) {
          const total = n * unit;
          const x = buffer(total, tricky);
          const draws = heap.alloc(<usize>n << 2);
          const out = buffer(total + 1, (i: i32): f32 => GUARD);
          const ref = buffer(total + 1, (i: i32): f32 => GUARD);
          randomSeed(42, 0);
          dropout_f32(out, x, draws, n, unit, 0.3, 1.25, alpha ? <f32>0.4 : 0, alpha ? <f32>-0.9 : 0, alpha);
          randomSeed(42, 0);
          dropout_f32_ref(ref, x, draws, n, unit, 0.3, 1.25, alpha ? <f32>0.4 : 0, alpha ? <f32>-0.9 : 0, alpha);
          ok = ok && sameBits(out, ref, total + 1);
          dropout_f32(out, x, draws, n, unit, 1, 0, 0, 0, alpha);
          dropout_f32_ref(ref, x, draws, n, unit, 1, 0, 0, 0, alpha);
          ok = ok && sameBits(out, ref, total + 1);
          freeAll([x, draws, out, ref]);
        }
      }
    }
    expect(ok).toBe(true);
  });
});
