// The accuracy guard of the Winograd convolution (winograd.ts): every output tile whose
// float32 error could exceed what a direct convolution is allowed is recomputed directly.
//
// Why: Winograd mixes every input of a tile's window into every output of the tile, with
// transform coefficients up to 5 (inputs) and 8 (outputs) for F(4x4, 3x3). Rounding error
// then scales with the largest value anywhere in the tile's input region, not with the
// values an output actually sees. A single 1e4 beside values of 1 moves outputs whose
// window does not hold it by ~6e-3; PyTorch's direct convolution is exact there.
//
// The estimate, per tile, uses s(p) = sum over input channels of |x_c(p)| * wmax_c, where
// wmax_c is the largest |weight| of channel c over the group's output channels and taps:
//   error <= eps * (K1 * max s over the region + K2 * sum of s over the region)
// (K1: one value amplified through the transforms; K2: the rounding of all of them,
// which adds up like a random walk). The direct algorithm may be off by
// atol + rtol * (sum of |terms|). An output's sum of |terms| is taken as the sum of s over
// its window minus the largest s there: a large value can sit on a tap whose weight is
// tiny, and then it adds little to the output's own sum of |terms| while its rounding
// error, spread by the transforms through the other taps' weights, is large. (Not the
// smallest s times the taps: zero padding would make that 0 on every border tile.) A tile
// is kept when its estimate is below half of that bound for every output of the tile,
// with rtol halved again because wmax over-states a typical weight. K1 and K2 were
// fitted on uniform, ReLU-like, mixed-scale and large-mean inputs with outliers of
// 1e3..1e8 (the largest error seen was 0.75 of the estimate); ordinary inputs (no
// outliers), zero padding included, flag no tile. A non-finite s (NaN, infinity, overflow)
// always flags the tile; so do values far above their neighbours, whatever the weights.
//
// Cost: one pass over the padded input per group (icg multiply-adds per pixel, against
// about 2.25 * ocg for the Winograd GEMM itself) and a SIMD scan of each tile's region;
// only tiles the region alone cannot clear (zero padding, outliers) check every window.

import { hsum } from "./simd";
import { WINOGRAD_2X2_3X3, WINOGRAD_4_5, WINOGRAD_4X4_3X3 } from "./winograd_common";

/** The tolerance a direct float32 convolution is held to, halved (see the header). */
const GUARD_ATOL: f32 = 5e-6;
const GUARD_RTOL: f32 = 2.5e-5;
const EPS: f32 = 5.9604645e-8; // 2^-24, float32's unit roundoff

/** K1 of the header, per variant: how much one input value is amplified through the transforms. */
@inline function singleGain(v: i32): f32 {
  return v == WINOGRAD_4X4_3X3 ? 256 : v == WINOGRAD_4_5 ? 128 : 64;
}
/** K2 of the header. */
const SUM_GAIN: f32 = 8;

/**
 * wmax[ic] = max |weight| of input channel ic over the ocg output channels of the group
 * (weights at w: [ocg][icg][taps]).
 */
export function channelWeightMax(wmax: usize, w: usize, icg: i32, ocg: i32, taps: i32): void {
  for (let ic = 0; ic < icg; ic++) store<f32>(wmax + (<usize>ic << 2), 0);
  for (let oc = 0; oc < ocg; oc++) {
    for (let ic = 0; ic < icg; ic++) {
      const q = w + (<usize>((oc * icg + ic) * taps) << 2);
      let m = load<f32>(wmax + (<usize>ic << 2));
      // NaN weights make the maximum NaN on purpose: it flags every tile they reach.
      for (let k = 0; k < taps; k++) {
        const a = abs(load<f32>(q + (<usize>k << 2)));
        m = a > m || isNaN(a) ? a : m;
      }
      store<f32>(wmax + (<usize>ic << 2), m);
    }
  }
}

/** s[p] = sum over ic of |padded_ic[p]| * wmax[ic], for the `plane` floats of one sample's padded channels. */
export function magnitudeMap(s: usize, padded: usize, icg: i32, plane: i32, wmax: usize, from: i32 = 0, to: i32 = -1): void {
  const planeBytes = <usize>plane << 2;
  // Only points [from, to) of the plane (a thread's share of the rows).
  if (to < 0) to = plane;
  let p = from;
  for (; p + 4 <= to; p += 4) {
    let acc = f32x4.splat(0);
    let src = padded + (<usize>p << 2);
    for (let ic = 0; ic < icg; ic++) {
      acc = f32x4.add(acc, f32x4.mul(f32x4.abs(v128.load(src)), f32x4.splat(load<f32>(wmax + (<usize>ic << 2)))));
      src += planeBytes;
    }
    v128.store(s + (<usize>p << 2), acc);
  }
  for (; p < to; p++) {
    let acc: f32 = 0;
    let src = padded + (<usize>p << 2);
    for (let ic = 0; ic < icg; ic++) {
      acc += abs(load<f32>(src)) * load<f32>(wmax + (<usize>ic << 2));
      src += planeBytes;
    }
    store<f32>(s + (<usize>p << 2), acc);
  }
}

/**
 * Whether the tile whose input region starts at s (rows Wq floats apart) may keep its
 * Winograd result: valid = (output rows << 8) | output columns of the tile.
 */
export function tileIsAccurate(s: usize, Wq: i32, v: i32, valid: i32): bool {
  const kh = v == WINOGRAD_4_5 ? 1 : 3, kw = v == WINOGRAD_4_5 ? 5 : 3;
  const mh = v == WINOGRAD_2X2_3X3 ? 2 : v == WINOGRAD_4X4_3X3 ? 4 : 1, mw = v == WINOGRAD_2X2_3X3 ? 2 : 4;
  const rh = mh + kh - 1, rw = mw + kw - 1;
  const rowBytes = <usize>Wq << 2;
  // The region's sum, largest and smallest value, four columns at a time (NaN propagates
  // through f32x4.max/min and the sum).
  let sum4 = f32x4.splat(0), most4 = f32x4.splat(0), least4 = f32x4.splat(Infinity);
  let total: f32 = 0, most: f32 = 0, least: f32 = Infinity;
  for (let r = 0; r < rh; r++) {
    const row = s + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= rw; c += 4) {
      const a = v128.load(row + (<usize>c << 2));
      sum4 = f32x4.add(sum4, a);
      most4 = f32x4.max(most4, a);
      least4 = f32x4.min(least4, a);
    }
    for (; c < rw; c++) {
      const a = load<f32>(row + (<usize>c << 2));
      total += a;
      most = max(most, a);
      least = min(least, a);
    }
  }
  total += hsum(sum4);
  most = max(max(max(most, f32x4.extract_lane(most4, 0)), max(f32x4.extract_lane(most4, 1), f32x4.extract_lane(most4, 2))), f32x4.extract_lane(most4, 3));
  least = min(min(min(least, f32x4.extract_lane(least4, 0)), min(f32x4.extract_lane(least4, 1), f32x4.extract_lane(least4, 2))), f32x4.extract_lane(least4, 3));
  const estimate = EPS * (singleGain(v) * most + SUM_GAIN * total);
  // Written so that a NaN or infinite estimate fails every comparison.
  if (estimate <= GUARD_ATOL) return true;
  if (!(estimate < Infinity)) return false;
  // The common case, decided from the region alone: every window's sum less its largest
  // value is at least (taps - 1) * the region's smallest value.
  if (estimate <= GUARD_ATOL + GUARD_RTOL * <f32>(kh * kw - 1) * least) return true;
  const rows = valid >> 8, cols = valid & 0xff;
  for (let oy = 0; oy < rows; oy++) {
    for (let ox = 0; ox < cols; ox++) {
      let sum: f32 = 0, top: f32 = 0;
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const a = load<f32>(s + <usize>(oy + ky) * rowBytes + (<usize>(ox + kx) << 2));
          sum += a;
          top = max(top, a);
        }
      }
      if (!(estimate <= GUARD_ATOL + GUARD_RTOL * (sum - top))) return false;
    }
  }
  return true;
}

/**
 * The direct convolution of one tile: for the ocg output channels whose weights start at
 * w ([ocg][icg][kh*kw]), out[oc][oy][ox] = bias + sum of weights times the padded input
 * at `padded` (channels planeFloats apart, rows Wq apart), for the valid rows and columns.
 * Four output columns at a time; lanes past the tile read padding and are not stored.
 */
export function directTile(out: usize, outPlane: i32, OW: i32, padded: usize, planeFloats: i32, Wq: i32,
                           w: usize, bias: usize, icg: i32, ocg: i32, kh: i32, kw: i32, valid: i32): void {
  const rows = valid >> 8, cols = valid & 0xff;
  const taps = kh * kw;
  for (let oc = 0; oc < ocg; oc++) {
    const b: f32 = bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0;
    const wo = w + (<usize>(oc * icg * taps) << 2);
    const y = out + (<usize>(oc * outPlane) << 2);
    for (let oy = 0; oy < rows; oy++) {
      for (let ox = 0; ox < cols; ox += 4) {
        let acc = f32x4.splat(b);
        for (let ic = 0; ic < icg; ic++) {
          const src = padded + (<usize>(ic * planeFloats + oy * Wq + ox) << 2);
          const wc = wo + (<usize>(ic * taps) << 2);
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const wv = f32x4.splat(load<f32>(wc + (<usize>(ky * kw + kx) << 2)));
              acc = f32x4.add(acc, f32x4.mul(wv, v128.load(src + (<usize>(ky * Wq + kx) << 2))));
            }
          }
        }
        const dst = y + (<usize>(oy * OW + ox) << 2);
        const n = min(4, cols - ox);
        if (n == 4) { v128.store(dst, acc); continue; }
        store<f32>(dst, f32x4.extract_lane(acc, 0));
        if (n > 1) store<f32>(dst, f32x4.extract_lane(acc, 1), 4);
        if (n > 2) store<f32>(dst, f32x4.extract_lane(acc, 2), 8);
      }
    }
  }
}
