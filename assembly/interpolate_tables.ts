// Coordinate tables of interpolate.ts: per axis and tap, the source index and weight of
// every output position, computed as PyTorch 1.13 computes them (aten/src/ATen/native/
// UpSample.h): nearest in float32 (PyTorch's nearest kernels use float whatever the
// dtype), linear and cubic in f64 (its double kernels, which the fixtures use). Also the
// swizzle masks of interpolate.ts's SIMD row path, and the row cache. The half-pixel
// source index scale * (i + 0.5) - 0.5 is rounded once (fma64), as PyTorch's build, which
// contracts it into a fused multiply-add, rounds it: whether a source index is exactly an
// integer decides whether a NaN or Inf neighbour with weight 0 reaches the output.
//
// Scratch layout (each part 16-byte aligned): the Tables header; per axis tap-major
// index and weight tables (tap k of output i at k * outP + i, outP = out rounded up to 4);
// for W one base index per group of four outputs and one 16-byte mask per tap and group;
// the cache of tapsD * tapsH rows of outWp floats and their tags.

import { InterpolateDesc, INTERP_NEAREST, INTERP_NEAREST_EXACT, INTERP_LINEAR, INTERP_CUBIC } from "./abi";
import { align16 } from "./buffers";

@unmanaged export class Tables {
  outW: i32; outWp: i32; outHp: i32; outDp: i32;
  tapsW: i32; tapsH: i32; tapsD: i32; groups: i32;
  idxW: usize; wW: usize; baseW: usize; masks: usize;
  idxH: usize; wH: usize; idxD: usize; wD: usize;
  cache: usize; tags: usize;
}

const HEADER: usize = 128;

@inline function pad4(n: i32): i32 {
  return (n + 3) & ~3;
}

/** Taps along an axis: 1 for nearest and for axes the call does not have. */
@inline function tapsOf(mode: i32, real: bool): i32 {
  if (!real) return 1;
  return mode == INTERP_LINEAR ? 2 : mode == INTERP_CUBIC ? 4 : 1;
}

/** Tables' bytes after the header; `t` null only counts. */
function place(t: Tables | null, base: usize, d: InterpolateDesc): usize {
  const tw = tapsOf(d.mode, true), th = tapsOf(d.mode, d.dims >= 2), td = tapsOf(d.mode, d.dims >= 3);
  const wp = pad4(d.outW), hp = pad4(d.outH), dp = pad4(d.outD);
  const groups = wp >> 2;
  let p = base;
  const idxW = p; p = align16(p + (<usize>(tw * wp) << 2));
  const wW = p; p = align16(p + (<usize>(tw * wp) << 2));
  const baseW = p; p = align16(p + (<usize>groups << 2));
  const masks = p; p = align16(p + (<usize>(tw * groups) << 4));
  const idxH = p; p = align16(p + (<usize>(th * hp) << 2));
  const wH = p; p = align16(p + (<usize>(th * hp) << 2));
  const idxD = p; p = align16(p + (<usize>(td * dp) << 2));
  const wD = p; p = align16(p + (<usize>(td * dp) << 2));
  const tags = p; p = align16(p + (<usize>(td * th) << 2));
  const cache = p; p = align16(p + (<usize>(td * th * wp) << 2));
  if (t !== null) {
    t.outW = d.outW; t.outWp = wp; t.outHp = hp; t.outDp = dp;
    t.tapsW = tw; t.tapsH = th; t.tapsD = td; t.groups = groups;
    t.idxW = idxW; t.wW = wW; t.baseW = baseW; t.masks = masks;
    t.idxH = idxH; t.wH = wH; t.idxD = idxD; t.wD = wD;
    t.cache = cache; t.tags = tags;
  }
  return p - base;
}

export function tablesBytes(d: InterpolateDesc): i32 {
  return <i32>(HEADER + place(null, 0, d) + 16);
}

/** The Tables header at the (aligned) start of scratch, with every table placed after it. */
export function layoutTables(scratch: usize, d: InterpolateDesc): Tables {
  const t = changetype<Tables>(align16(scratch));
  place(t, changetype<usize>(t) + HEADER, d);
  return t;
}

export function fillTables(t: Tables, d: InterpolateDesc, scaleD: f64, scaleH: f64, scaleW: f64): void {
  const align = d.alignCorners != 0;
  const cut = d.shortcuts != 0;
  axis(t.idxW, t.wW, t.outWp, d.inW, d.outW, scaleW, d.mode, align, t.tapsW, true, cut);
  axis(t.idxH, t.wH, t.outHp, d.inH, d.outH, scaleH, d.mode, align, t.tapsH, d.dims >= 2, cut);
  axis(t.idxD, t.wD, t.outDp, d.inD, d.outD, scaleD, d.mode, align, t.tapsD, d.dims >= 3, cut);
  swizzleMasks(t, d.inW);
}

// ---------------------------------------------------------------- one axis

/** PyTorch's compute_scales_value: 1 / the user's scale when there is one, else in / out. */
@inline function scalesValue(scale: f64, inN: i32, outN: i32): f64 {
  return scale > 0 ? 1.0 / scale : <f64>inN / <f64>outN;
}

/** PyTorch's area_pixel_compute_scale. */
@inline function areaScale(inN: i32, outN: i32, align: bool, scale: f64): f64 {
  if (align) return outN > 1 ? <f64>(inN - 1) / <f64>(outN - 1) : 0;
  return scalesValue(scale, inN, outN);
}

/** PyTorch's cubic_convolution1 / cubic_convolution2 with A = -0.75. */
@inline function cc1(x: f64): f64 {
  const A = -0.75;
  return ((A + 2) * x - (A + 3)) * x * x + 1;
}

@inline function cc2(x: f64): f64 {
  const A = -0.75;
  return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
}

@inline function put(idx: usize, w: usize, pad: i32, k: i32, i: i32, index: i32, weight: f64): void {
  const q = <usize>(k * pad + i) << 2;
  store<i32>(idx + q, index);
  store<f32>(w + q, <f32>weight);
}

/** a * b + c rounded once: Dekker's exact product and Knuth's two-sum, then one rounding. */
export function fma64(a: f64, b: f64, c: f64): f64 {
  const p = a * b;
  const SPLIT: f64 = 134217729; // 2^27 + 1
  let t = SPLIT * a;
  const ahi = t - (t - a), alo = a - ahi;
  t = SPLIT * b;
  const bhi = t - (t - b), blo = b - bhi;
  const e = ((ahi * bhi - p) + ahi * blo + alo * bhi) + alo * blo;
  const s = p + c;
  const v = s - p;
  return s + (((p - (s - v)) + (c - v)) + e);
}

function axis(idx: usize, w: usize, pad: i32, inN: i32, outN: i32, scale: f64, mode: i32, align: bool, taps: i32, real: bool, cut: bool): void {
  if (!real) {
    for (let i = 0; i < outN; i++) put(idx, w, pad, 0, i, 0, 1);
    return;
  }
  if (mode == INTERP_NEAREST || mode == INTERP_NEAREST_EXACT) {
    // nearest_neighbor(_exact)_compute_source_index: a float scale, floorf of a float
    // (nearest) or of a double rounded to float (nearest-exact, whose + 0.5 is a double);
    // nearest_idx's shortcuts only where PyTorch runs its channels-last kernel.
    const s = <f32>scalesValue(scale, inN, outN);
    for (let i = 0; i < outN; i++) {
      let src: i32;
      if (mode == INTERP_NEAREST) {
        if (cut && outN == inN) src = i;
        else if (cut && outN == 2 * inN) src = i >> 1;
        else src = <i32>Mathf.floor(<f32>i * s);
      } else {
        src = <i32>Mathf.floor(<f32>((<f64>i + 0.5) * <f64>s));
      }
      put(idx, w, pad, 0, i, min(src, inN - 1), 1);
    }
    return;
  }
  const ratio = areaScale(inN, outN, align, scale);
  if (taps == 2) {
    for (let i = 0; i < outN; i++) {
      // compute_source_index_and_lambda: same size copies; otherwise the source index is
      // clamped at 0 (never negative) and the second tap stays inside the input.
      if (outN == inN) {
        put(idx, w, pad, 0, i, i, 1);
        put(idx, w, pad, 1, i, i, 0);
        continue;
      }
      let real = align ? ratio * <f64>i : fma64(ratio, <f64>i + 0.5, -0.5);
      if (real < 0) real = 0;
      const i0 = min(<i32>real, inN - 1);
      const i1 = i0 + (i0 < inN - 1 ? 1 : 0);
      const l1 = real - <f64>i0;
      put(idx, w, pad, 0, i, i0, 1.0 - l1);
      put(idx, w, pad, 1, i, i1, l1);
    }
    return;
  }
  for (let i = 0; i < outN; i++) {
    // HelperInterpCubic: an unclamped source index, floorf, four clamped taps.
    const real = align ? ratio * <f64>i : fma64(ratio, <f64>i + 0.5, -0.5);
    const i0 = <i32>Mathf.floor(<f32>real);
    const tt = real - <f64>i0;
    put(idx, w, pad, 0, i, clampIndex(i0 - 1, inN), cc2(tt + 1.0));
    put(idx, w, pad, 1, i, clampIndex(i0, inN), cc1(tt));
    put(idx, w, pad, 2, i, clampIndex(i0 + 1, inN), cc1(1.0 - tt));
    put(idx, w, pad, 3, i, clampIndex(i0 + 2, inN), cc2(1.0 - tt + 1.0));
  }
}

@inline function clampIndex(i: i32, n: i32): i32 {
  return max(min(i, n - 1), 0);
}

// ---------------------------------------------------------------- swizzle masks along W

/**
 * For each full group of four outputs: when all its taps lie within four consecutive
 * inputs of the row, the first of them (moved back so the v128 load stays inside the row)
 * and per tap the byte shuffle that brings each output's input into its lane; -1 otherwise.
 */
function swizzleMasks(t: Tables, inW: i32): void {
  const groups = t.outW >> 2;
  for (let g = 0; g < groups; g++) {
    let lo = i32.MAX_VALUE, hi = -1;
    for (let k = 0; k < t.tapsW; k++) {
      for (let l = 0; l < 4; l++) {
        const v = load<i32>(t.idxW + (<usize>(k * t.outWp + 4 * g + l) << 2));
        lo = min(lo, v);
        hi = max(hi, v);
      }
    }
    const fits = inW >= 4 && hi - lo <= 3;
    const base = fits ? min(lo, inW - 4) : -1;
    store<i32>(t.baseW + (<usize>g << 2), base);
    if (!fits) continue;
    for (let k = 0; k < t.tapsW; k++) {
      const m = t.masks + (<usize>(k * t.groups + g) << 4);
      for (let l = 0; l < 4; l++) {
        const lane = load<i32>(t.idxW + (<usize>(k * t.outWp + 4 * g + l) << 2)) - base;
        for (let b = 0; b < 4; b++) store<u8>(m + <usize>(4 * l + b), <u8>(4 * lane + b));
      }
    }
  }
}
