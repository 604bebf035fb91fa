// N-d transposed convolution (1-D and 2-D are 3-D with depth/height 1), NCDHW float32.
//
// Two methods, chosen by the number of input channels per group (the GEMM's K):
// - GEMM + col2im: per (sample, group) and per band of input rows,
//   col[(oc,kz,ky,kx), pixel] = W^T * x is one GEMM into a cache-sized scratch tile, and
//   col2im adds each col row into its output row (a vector add when the stride is 1).
// - Direct, for few input channels (the up-sampling case 3 -> 1): every output row is
//   built in `stride` phase buffers, phase px holding the outputs ox = px + stride * j;
//   each kernel tap adds a weight times a contiguous input row into one phase
//   (a vectorised axpy), then the phases are interleaved into the output row.
//
// Parameters (i32, in the params area):
//   0 N, 1 C, 2 D, 3 H, 4 W, 5 OC, 6 OD, 7 OH, 8 OW, 9 KD, 10 KH, 11 KW,
//   12-14 stride (d,h,w), 15-17 padding (d,h,w), 18-20 dilation (d,h,w), 21 groups
// Layouts: input [N,C,D,H,W], weight [C, OC/groups, KD,KH,KW], bias [OC] or 0,
// out [N,OC,OD,OH,OW] (OD.. include the output padding).
// REQUIRES: sizes consistent with PyTorch's output formula; scratch holds
//   conv_transpose_scratch_bytes() bytes.

import { params_ptr } from "./memory";
import { gemm, gemm_scratch_bytes, A_TRANS, B_DENSE, BIAS_NONE } from "./gemm";

// Below this many input channels per group the direct method wins (the GEMM's K is too short).
const DIRECT_MAX_CHANNELS: i32 = 8;
// Target size of one col tile, in floats.
const COL_TILE: i32 = 1 << 16;

@inline function param(i: i32): i32 {
  return load<i32>(params_ptr() + (<usize>i << 2));
}

@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

/** Input rows (of W pixels) per col tile. */
@inline function bandRows(M: i32, W: i32, rows: i32): i32 {
  return min(rows, max(1, COL_TILE / max(1, M * W)));
}

/** Bytes of scratch conv_transpose_f32 needs for the parameters in the params area. */
export function conv_transpose_scratch_bytes(): i32 {
  const C = param(1), D = param(2), H = param(3), W = param(4), OC = param(5), OW = param(8);
  const groups = param(21);
  const icg = C / groups, ocg = OC / groups;
  const sw = param(14);
  if (icg <= DIRECT_MAX_CHANNELS) return (OW + sw * 8 + 16) * 4 + 64;
  const M = ocg * param(9) * param(10) * param(11);
  const band = bandRows(M, W, D * H) * W;
  return (M * band + 16) * 4 + gemm_scratch_bytes(M, band, icg) + 64;
}

/** Transposed convolution of the parameters in the params area (see the header). */
export function conv_transpose_f32(out: usize, input: usize, weight: usize, bias: usize, scratch: usize): void {
  const N = param(0), C = param(1), D = param(2), H = param(3), W = param(4);
  const OC = param(5), OD = param(6), OH = param(7), OW = param(8);
  const groups = param(21);
  const icg = C / groups;
  const outPlane = OD * OH * OW;
  if (N == 0 || OC == 0 || outPlane == 0) return;
  if (icg <= DIRECT_MAX_CHANNELS) {
    direct(out, input, weight, bias, scratch);
    return;
  }
  // Start from the bias; col2im accumulates into the output.
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < OC; oc++) {
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0;
      fill(out + (<usize>(n * OC + oc) * outPlane << 2), outPlane, b);
    }
  }
  viaGemm(out, input, weight, scratch);
}

function fill(p: usize, n: i32, v: f32): void {
  const vv = f32x4.splat(v);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + (<usize>i << 2), vv);
  for (; i < n; i++) store<f32>(p + (<usize>i << 2), v);
}

function viaGemm(out: usize, input: usize, weight: usize, scratch: usize): void {
  const N = param(0), C = param(1), D = param(2), H = param(3), W = param(4);
  const OC = param(5), OD = param(6), OH = param(7), OW = param(8);
  const KD = param(9), KH = param(10), KW = param(11);
  const sd = param(12), sh = param(13), sw = param(14);
  const pd = param(15), ph = param(16), pw = param(17);
  const dd = param(18), dh = param(19), dw = param(20);
  const groups = param(21);
  const icg = C / groups, ocg = OC / groups;
  const KK = KD * KH * KW;
  const M = ocg * KK;
  const rows = D * H;
  const inPlane = rows * W;
  const outPlane = OD * OH * OW;
  const band = bandRows(M, W, rows);
  const col = align16(scratch);
  const gemmScratch = align16(col + (<usize>(M * band * W) << 2));
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      const x = input + (<usize>(n * C + g * icg) * inPlane << 2);
      const wg = weight + (<usize>(g * icg) * M << 2);
      const outG = out + (<usize>(n * OC + g * ocg) * outPlane << 2);
      for (let r0 = 0; r0 < rows; r0 += band) {
        const nr = min(band, rows - r0);
        const cols = nr * W;
        gemm(col, cols, wg, M, A_TRANS, x + (<usize>(r0 * W) << 2), inPlane, B_DENSE, 0, 0,
          0, BIAS_NONE, 0, M, cols, icg, gemmScratch);
        // col2im: row m = (oc, kz, ky, kx) of col adds into output rows.
        for (let m = 0; m < M; m++) {
          const kx = m % KW;
          const ky = (m / KW) % KH;
          const kz = (m / (KW * KH)) % KD;
          const oc = m / KK;
          const e = kx * dw - pw;
          // ix range with 0 <= ix * sw + e < OW.
          const ixLo = e >= 0 ? 0 : (-e + sw - 1) / sw;
          const ixHi = min(W, OW - 1 - e >= 0 ? (OW - 1 - e) / sw + 1 : 0);
          if (ixLo >= ixHi) continue;
          const outC = outG + (<usize>oc * outPlane << 2);
          const colRow = col + (<usize>(m * cols) << 2);
          for (let r = 0; r < nr; r++) {
            const iz = (r0 + r) / H;
            const iy = (r0 + r) % H;
            const oz = iz * sd - pd + kz * dd;
            const oy = iy * sh - ph + ky * dh;
            if (oz < 0 || oz >= OD || oy < 0 || oy >= OH) continue;
            const src = colRow + (<usize>(r * W) << 2);
            const dst = outC + (<usize>((oz * OH + oy) * OW + e) << 2);
            addRow(dst, src, ixLo, ixHi, sw);
          }
        }
      }
    }
  }
}

/** dst[ix * sw] += src[ix] for ix in [lo, hi). */
@inline function addRow(dst: usize, src: usize, lo: i32, hi: i32, sw: i32): void {
  let i = lo;
  if (sw == 1) {
    for (; i + 4 <= hi; i += 4) {
      const o = <usize>i << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
    for (; i < hi; i++) {
      const o = <usize>i << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
    }
  } else {
    for (; i < hi; i++) {
      const d = dst + (<usize>(i * sw) << 2);
      store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>i << 2)));
    }
  }
}

function direct(out: usize, input: usize, weight: usize, bias: usize, scratch: usize): void {
  const N = param(0), C = param(1), D = param(2), H = param(3), W = param(4);
  const OC = param(5), OD = param(6), OH = param(7), OW = param(8);
  const KD = param(9), KH = param(10), KW = param(11);
  const sd = param(12), sh = param(13), sw = param(14);
  const pd = param(15), ph = param(16), pw = param(17);
  const dd = param(18), dh = param(19), dw = param(20);
  const groups = param(21);
  const icg = C / groups, ocg = OC / groups;
  const KK = KD * KH * KW;
  const inPlane = D * H * W;
  // Phase px holds outputs px, px + sw, ...: at most ceil(OW / sw) of them, padded for vector tails.
  const phaseLen = ((OW + sw - 1) / sw + 7) & ~3;
  const phases = align16(scratch);
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < OC; oc++) {
      const g = oc / ocg;
      const ocl = oc % ocg;
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0;
      let o = out + (<usize>(n * OC + oc) * OD * OH * OW << 2);
      for (let oz = 0; oz < OD; oz++) {
        for (let oy = 0; oy < OH; oy++) {
          memory.fill(phases, 0, <usize>(phaseLen * sw) << 2);
          for (let icl = 0; icl < icg; icl++) {
            const ic = g * icg + icl;
            const x = input + (<usize>(n * C + ic) * inPlane << 2);
            const wc = weight + (<usize>((ic * ocg + ocl) * KK) << 2);
            for (let kz = 0; kz < KD; kz++) {
              const tz = oz + pd - kz * dd;
              if (tz < 0 || tz % sd != 0) continue;
              const iz = tz / sd;
              if (iz >= D) continue;
              for (let ky = 0; ky < KH; ky++) {
                const ty = oy + ph - ky * dh;
                if (ty < 0 || ty % sh != 0) continue;
                const iy = ty / sh;
                if (iy >= H) continue;
                const xrow = x + (<usize>((iz * H + iy) * W) << 2);
                const wrow = wc + (<usize>((kz * KH + ky) * KW) << 2);
                for (let kx = 0; kx < KW; kx++) {
                  // ox = ix * sw + e = (ix + shift) * sw + px.
                  const e = kx * dw - pw;
                  let px = e % sw;
                  if (px < 0) px += sw;
                  if (px >= OW) continue;
                  const shift = (e - px) / sw;
                  const count = (OW - px + sw - 1) / sw;
                  const lo = max(0, -shift);
                  const hi = min(W, count - shift);
                  if (lo >= hi) continue;
                  axpy(phases + (<usize>(px * phaseLen + shift) << 2), xrow, load<f32>(wrow + (<usize>kx << 2)), lo, hi);
                }
              }
            }
          }
          interleave(o, phases, phaseLen, sw, OW, b);
          o += <usize>OW << 2;
        }
      }
    }
  }
}

/** y[i] += a * x[i] for i in [lo, hi). */
@inline function axpy(y: usize, x: usize, a: f32, lo: i32, hi: i32): void {
  const av = f32x4.splat(a);
  let i = lo;
  for (; i + 4 <= hi; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(av, v128.load(x + o))));
  }
  for (; i < hi; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

/** o[px + sw * j] = b + phase[px][j] for every ox < OW. */
function interleave(o: usize, phases: usize, phaseLen: i32, sw: i32, OW: i32, b: f32): void {
  const bv = f32x4.splat(b);
  let ox = 0;
  if (sw == 1) {
    for (; ox + 4 <= OW; ox += 4) {
      const q = <usize>ox << 2;
      v128.store(o + q, f32x4.add(v128.load(phases + q), bv));
    }
  } else if (sw == 2) {
    const p1 = phases + (<usize>phaseLen << 2);
    for (; ox + 8 <= OW; ox += 8) {
      const q = <usize>ox << 1;
      const e = v128.load(phases + q);
      const d = v128.load(p1 + q);
      v128.store(o + (<usize>ox << 2), f32x4.add(v128.shuffle<f32>(e, d, 0, 4, 1, 5), bv));
      v128.store(o + (<usize>ox << 2), f32x4.add(v128.shuffle<f32>(e, d, 2, 6, 3, 7), bv), 16);
    }
  }
  for (; ox < OW; ox++) {
    const px = ox % sw;
    store<f32>(o + (<usize>ox << 2), b + load<f32>(phases + (<usize>(px * phaseLen + ox / sw) << 2)));
  }
}
