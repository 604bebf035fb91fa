// N-d convolution (1-D and 2-D are 3-D with depth/height 1) over NCDHW float32 tensors.
//
// Each (sample, group) is one GEMM: out[oc, pixel] = W[oc, (ic,kz,ky,kx)] * col[(ic,kz,ky,kx), pixel].
// The input is first padded into scratch (zeros, reflect, replicate or circular, so every
// padding mode takes the same path and the gather needs no bounds checks); then col is
// never materialised: the GEMM packs its B panels straight from the padded input through
// two offset tables (implicit im2col, one cache-sized panel block at a time). A 1x1
// convolution with stride 1 and no padding reads the input as a dense B matrix. Depthwise
// convolutions (one input channel per group) go to the direct kernel in depthwise.ts.
// Stride-1 2-D convolutions with 3x3 or 1x5 kernels (conv1d k5) take the Winograd kernels
// of winograd.ts when winogradVariant() estimates them faster.
//
// Parameters (i32, in the params area):
//   0 N, 1 C, 2 D, 3 H, 4 W, 5 OC, 6 OD, 7 OH, 8 OW, 9 KD, 10 KH, 11 KW,
//   12-14 stride (d,h,w), 15-17 padding before (d,h,w), 18-20 padding after (d,h,w),
//   21-23 dilation (d,h,w), 24 groups, 25 padding mode (0 zeros, 1 reflect, 2 replicate, 3 circular)
// Layouts: input [N,C,D,H,W], weight [OC, C/groups, KD,KH,KW], bias [OC] or 0, out [N,OC,OD,OH,OW].
// REQUIRES: sizes consistent with PyTorch's output formula; reflect padding < size,
//   circular padding <= size; scratch holds conv_scratch_bytes() bytes.

import { params_ptr } from "./memory";
import { gemm, gemm_scratch_bytes, A_DENSE, B_DENSE, B_GATHER, BIAS_NONE, BIAS_ROW } from "./gemm";
import { depthwise } from "./depthwise";
import {
  winograd, winogradChunkTiles, winogradPositions, winogradScratchBytes, winogradTileCols, winogradTileRows,
  WINOGRAD_NONE, WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3, WINOGRAD_4_5,
} from "./winograd";

export const PAD_ZEROS: i32 = 0;
export const PAD_REFLECT: i32 = 1;
export const PAD_REPLICATE: i32 = 2;
export const PAD_CIRCULAR: i32 = 3;

@inline function param(i: i32): i32 {
  return load<i32>(params_ptr() + (<usize>i << 2));
}

@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

/** Source index of padded position i (may be negative or >= n), or -1 for a zero. */
@inline export function sourceIndex(i: i32, n: i32, mode: i32): i32 {
  if (i >= 0 && i < n) return i;
  if (mode == PAD_ZEROS) return -1;
  if (mode == PAD_REFLECT) return i < 0 ? -i : 2 * n - 2 - i;
  if (mode == PAD_REPLICATE) return i < 0 ? 0 : n - 1;
  return i < 0 ? i + n : i - n;
}

/**
 * Pads `planes` channel volumes [D,H,W] into [D+pd0+pd1, H+ph0+ph1, W+pw0+pw1].
 * REQUIRES: dst does not overlap src.
 */
export function padPlanes(dst: usize, src: usize, planes: i32, D: i32, H: i32, W: i32,
                          pd0: i32, pd1: i32, ph0: i32, ph1: i32, pw0: i32, pw1: i32, mode: i32): void {
  const Dp = D + pd0 + pd1;
  const Hp = H + ph0 + ph1;
  const Wp = W + pw0 + pw1;
  let d = dst;
  for (let c = 0; c < planes; c++) {
    const plane = src + (<usize>c * D * H * W << 2);
    for (let zp = 0; zp < Dp; zp++) {
      const zs = sourceIndex(zp - pd0, D, mode);
      for (let yp = 0; yp < Hp; yp++) {
        const ys = sourceIndex(yp - ph0, H, mode);
        if (zs < 0 || ys < 0) {
          fillZero(d, Wp);
        } else {
          const row = plane + (<usize>(zs * H + ys) * W << 2);
          for (let x = 0; x < pw0; x++) {
            const xs = sourceIndex(x - pw0, W, mode);
            store<f32>(d + (<usize>x << 2), xs < 0 ? 0 : load<f32>(row + (<usize>xs << 2)));
          }
          copyRow(d + (<usize>pw0 << 2), row, W);
          for (let x = pw0 + W; x < Wp; x++) {
            const xs = sourceIndex(x - pw0, W, mode);
            store<f32>(d + (<usize>x << 2), xs < 0 ? 0 : load<f32>(row + (<usize>xs << 2)));
          }
        }
        d += <usize>Wp << 2;
      }
    }
  }
}

// Rows are short (tens of floats) and copied by the thousand: inline vector loops beat
// memory.copy/memory.fill, which V8 runs as calls.
@inline function copyRow(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline function fillZero(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

@inline function isPointwise(): bool {
  for (let i = 9; i <= 20; i++) {
    const v = param(i);
    if (i < 15 ? v != 1 : v != 0) return false;
  }
  return true;
}

@inline function hasPadding(): bool {
  for (let i = 15; i <= 20; i++) if (param(i) != 0) return true;
  return false;
}

// Choosing between the implicit GEMM and the Winograd variants: estimated times in units
// of one multiply-add of the Winograd GEMM. The per-unit costs below were fitted to
// timings of 150 layer shapes (1-512 channels each way, 2x2 to 224x224 images, 1-D
// lengths 8 to 16384, batches 1-16; x86-64 VM, Node 20, one thread): picking the lowest
// estimate was 0.1% slower than always picking the fastest method on average, 11% in
// the worst case.
const DIRECT_MAC: f64 = 1; // per multiply-add, over whole 5x8 GEMM tiles
const DIRECT_PACK_B: f64 = 3; // per element of the gathered (im2col) B panels
const DIRECT_PACK_A: f64 = 6; // per element of the packed weights, once per 512 columns
const WINO_INPUT: f64 = 5; // per input channel, tile and position
const WINO_OUTPUT: f64 = 5; // per output channel, tile and position
const WINO_WEIGHTS: f64 = 3.5; // per channel pair, position and chunk of tiles

@inline function roundUp(x: i32, m: i32): f64 {
  return <f64>((x + m - 1) / m * m);
}

export function directCost(N: i32, icg: i32, ocg: i32, P: i32, taps: i32): f64 {
  const k = <f64>(taps * icg);
  return <f64>N * (DIRECT_MAC * k * roundUp(ocg, 5) * roundUp(P, 8) + DIRECT_PACK_B * k * roundUp(P, 8) +
    DIRECT_PACK_A * k * roundUp(ocg, 5) * <f64>((P + 511) / 512));
}

function winogradCost(v: i32, N: i32, icg: i32, ocg: i32, OH: i32, OW: i32): f64 {
  const P = <f64>winogradPositions(v);
  const mh = winogradTileRows(v), mw = winogradTileCols(v);
  const T = N * ((OH + mh - 1) / mh) * ((OW + mw - 1) / mw);
  const tb = winogradChunkTiles(v, icg, T);
  const chunks = (T + tb - 1) / tb;
  // Every chunk computes whole panels of 8 tiles.
  const tiles = <f64>(tb * chunks);
  return P * tiles * (roundUp(ocg, 5) * icg + WINO_INPUT * icg + WINO_OUTPUT * ocg) + WINO_WEIGHTS * P * icg * ocg * chunks;
}

/**
 * The Winograd variant for the convolution in the params area, or WINOGRAD_NONE for the
 * GEMM path: 3x3 kernels use F(2x2, 3x3) or F(4x4, 3x3), 1x5 kernels (conv1d k5) F(4, 5),
 * whichever the cost estimates say is fastest. Stride and dilation 1, 2-D only.
 */
function winogradVariant(): i32 {
  if (param(2) != 1 || param(9) != 1) return WINOGRAD_NONE;
  for (let i = 12; i <= 14; i++) if (param(i) != 1) return WINOGRAD_NONE;
  for (let i = 21; i <= 23; i++) if (param(i) != 1) return WINOGRAD_NONE;
  const N = param(0), KH = param(10), KW = param(11);
  const groups = param(24);
  const icg = param(1) / groups, ocg = param(5) / groups;
  const OH = param(7), OW = param(8);
  if (N == 0 || icg == 0) return WINOGRAD_NONE;
  let best = WINOGRAD_NONE;
  if (KH == 3 && KW == 3) {
    let cost = directCost(N, icg, ocg, OH * OW, 9);
    const c2 = winogradCost(WINOGRAD_2X2_3X3, N, icg, ocg, OH, OW);
    if (c2 < cost) { cost = c2; best = WINOGRAD_2X2_3X3; }
    if (winogradCost(WINOGRAD_4X4_3X3, N, icg, ocg, OH, OW) < cost) best = WINOGRAD_4X4_3X3;
  } else if (KH == 1 && KW == 5) {
    if (winogradCost(WINOGRAD_4_5, N, icg, ocg, OH, OW) < directCost(N, icg, ocg, OH * OW, 5)) best = WINOGRAD_4_5;
  }
  return best;
}

/**
 * The estimated cost (in the units above) of the Winograd variant the convolution in the
 * params area would use, or -1 when it would take the GEMM path.
 */
export function conv_winograd_cost(): f64 {
  const v = winogradVariant();
  if (v == WINOGRAD_NONE) return -1;
  const groups = param(24);
  return winogradCost(v, param(0), param(1) / groups, param(5) / groups, param(7), param(8));
}

/** Bytes of scratch conv_f32 needs for the parameters in the params area. */
export function conv_scratch_bytes(): i32 {
  const C = param(1), D = param(2), H = param(3), W = param(4), OC = param(5);
  const P = param(6) * param(7) * param(8);
  const KK = param(9) * param(10) * param(11);
  const groups = param(24);
  const icg = C / groups;
  const ocg = OC / groups;
  const Dp = D + param(15) + param(18), Hp = H + param(16) + param(19), Wp = W + param(17) + param(20);
  const plane = Dp * Hp * Wp;
  if (icg == 1 && groups > 1) return (plane + KK * 2 + 16) * 4 + 64;
  if (isPointwise()) return gemm_scratch_bytes(ocg, P, icg);
  const padded = hasPadding() ? icg * plane : 0;
  const direct = (padded + icg * KK + P + 16) * 4 + gemm_scratch_bytes(ocg, P, icg * KK) + 64;
  const variant = winogradVariant();
  if (variant == WINOGRAD_NONE) return direct;
  // The direct method's share stays reserved: winograd() hands non-finite results back to it.
  const wino = winogradScratchBytes(variant, param(0), icg, param(7), param(8));
  return wino < 0 ? wino : max(direct, wino);
}

/** Convolution of the parameters in the params area (see the header). */
export function conv_f32(out: usize, input: usize, weight: usize, bias: usize, scratch: usize): void {
  const N = param(0), C = param(1), D = param(2), H = param(3), W = param(4);
  const OC = param(5), OD = param(6), OH = param(7), OW = param(8);
  const KD = param(9), KH = param(10), KW = param(11);
  const sd = param(12), sh = param(13), sw = param(14);
  const pd0 = param(15), ph0 = param(16), pw0 = param(17);
  const pd1 = param(18), ph1 = param(19), pw1 = param(20);
  const dd = param(21), dh = param(22), dw = param(23);
  const groups = param(24), mode = param(25);
  assert(groups > 0 && C % groups == 0 && OC % groups == 0, "conv: groups must divide the channels");
  assert(mode != PAD_REFLECT || (pd0 < D && pd1 < D && ph0 < H && ph1 < H && pw0 < W && pw1 < W), "conv: reflect padding too large");
  const icg = C / groups;
  const ocg = OC / groups;
  const KK = KD * KH * KW;
  const Kg = icg * KK;
  const P = OD * OH * OW;
  const inPlane = D * H * W;
  const biasMode = bias != 0 ? BIAS_ROW : BIAS_NONE;
  if (N == 0 || OC == 0 || P == 0) return;

  if (icg == 1 && groups > 1) {
    depthwise(out, input, weight, bias, N, C, D, H, W, ocg, OD, OH, OW, KD, KH, KW, sd, sh, sw,
      pd0, ph0, pw0, pd1, ph1, pw1, dd, dh, dw, mode, scratch);
    return;
  }

  if (isPointwise()) {
    for (let n = 0; n < N; n++) {
      for (let g = 0; g < groups; g++) {
        gemm(out + (<usize>(n * OC + g * ocg) * P << 2), P,
          weight + (<usize>(g * ocg) * Kg << 2), Kg, A_DENSE,
          input + (<usize>(n * C + g * icg) * inPlane << 2), inPlane, B_DENSE, 0, 0,
          bias + (bias != 0 ? <usize>(g * ocg) << 2 : 0), biasMode, 0, ocg, P, icg, scratch);
      }
    }
    return;
  }

  const variant = winogradVariant();
  if (variant != WINOGRAD_NONE && winograd(out, input, weight, bias, N, C, H, W, OC, OH, OW, ph0, pw0, ph1, pw1, groups, mode, variant, scratch)) return;

  const padded = hasPadding();
  const Dp = D + pd0 + pd1, Hp = H + ph0 + ph1, Wp = W + pw0 + pw1;
  const plane = Dp * Hp * Wp;
  const padBuf = align16(scratch);
  const rowOff = align16(padBuf + (padded ? <usize>(icg * plane) << 2 : 0));
  const colOff = align16(rowOff + (<usize>Kg << 2));
  const gemmScratch = align16(colOff + (<usize>P << 2));

  // rowOff[(ic,kz,ky,kx)] and colOff[(oz,oy,ox)]: element offsets into the padded group volume.
  let k = 0;
  for (let ic = 0; ic < icg; ic++) {
    for (let kz = 0; kz < KD; kz++) {
      for (let ky = 0; ky < KH; ky++) {
        for (let kx = 0; kx < KW; kx++) {
          store<i32>(rowOff + (<usize>k << 2), ic * plane + (kz * dd * Hp + ky * dh) * Wp + kx * dw);
          k++;
        }
      }
    }
  }
  let p = 0;
  for (let oz = 0; oz < OD; oz++) {
    for (let oy = 0; oy < OH; oy++) {
      const base = (oz * sd * Hp + oy * sh) * Wp;
      for (let ox = 0; ox < OW; ox++) {
        store<i32>(colOff + (<usize>p << 2), base + ox * sw);
        p++;
      }
    }
  }

  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      let src = input + (<usize>(n * C + g * icg) * inPlane << 2);
      if (padded) {
        padPlanes(padBuf, src, icg, D, H, W, pd0, pd1, ph0, ph1, pw0, pw1, mode);
        src = padBuf;
      }
      gemm(out + (<usize>(n * OC + g * ocg) * P << 2), P,
        weight + (<usize>(g * ocg) * Kg << 2), Kg, A_DENSE,
        src, 0, B_GATHER, rowOff, colOff,
        bias + (bias != 0 ? <usize>(g * ocg) << 2 : 0), biasMode, 0, ocg, P, Kg, gemmScratch);
    }
  }
}
