// N-d transposed convolution (1-D and 2-D are 3-D with depth/height 1), NCDHW float32.
//
// Two methods, chosen by the shape (useDirect in conv_plan.ts):
// - GEMM + col2im: per (sample, group) and per band of input rows,
//   col[(oc,kz,ky,kx), pixel] = W^T * x is one GEMM into a cache-sized scratch tile, and
//   col2im adds each col row into its output row (a vector add when the stride is 1).
// - Direct, for few input channels (the up-sampling case 3 -> 1): every output row splits
//   into `stride` phases, phase px holding the outputs ox = px + stride * j. Within a phase
//   the contributing taps (input channel, kernel row, kernel column) are fixed and each
//   reads a contiguous input row, so a phase is a sum of shifted rows times weights,
//   accumulated 16 outputs at a time in registers; the phases are then interleaved.
//
// Arguments: a ConvTransposeDesc (abi.ts). Layouts: input [N,C,D,H,W], weight [C, OC/groups, KD,KH,KW], bias [OC] or 0,
// out [N,OC,OD,OH,OW] (OD.. include the output padding).
// REQUIRES: sizes consistent with PyTorch's output formula; scratch holds
//   convTransposeScratchBytes(desc) bytes.

import { ConvTransposeDesc, MAX_SUBPIXEL_TAPS, SubpixelWeightsDesc } from "./abi";
import { align16, fillF32 } from "./buffers";
import { gemm, gemmScratchBytes, packAWhole, packedABytes, A_PACKED, A_TRANS, B_DENSE, BIAS_NONE } from "./gemm";
import { useDirect } from "./conv_plan";

// Target size of one col tile, in floats.
const COL_TILE: i32 = 1 << 16;

/** Input rows (of W pixels) per col tile. */
@inline function bandRows(M: i32, W: i32, rows: i32): i32 {
  return min(rows, max(1, COL_TILE / max(1, M * W)));
}

/** Bytes of scratch convTranspose_f32 needs for the transposed convolution `desc` (a ConvTransposeDesc). */
export function convTransposeScratchBytes(desc: usize): i32 {
  const d = changetype<ConvTransposeDesc>(desc);
  const icg = d.inC / d.groups, ocg = d.outC / d.groups;
  const taps = d.kernelD * d.kernelH * d.kernelW;
  const sw = d.strideW;
  if (useDirect(d)) return (d.outW + sw * 8 + 16 + 4 * icg * taps + 4 * sw) * 4 + 64;
  const M = ocg * taps;
  const band = bandRows(M, d.inW, d.inD * d.inH) * d.inW;
  return (M * band + 16) * 4 + gemmScratchBytes(M, band, icg) + 64;
}

/**
 * Bytes of the weights convTranspose_f32 can take prepared (ConvTransposeDesc.packed): the
 * GEMM's packed A = W^T of each group; 0 for the direct method, negative past 2 GiB.
 */
export function convTransposePackedBytes(desc: usize): i32 {
  const d = changetype<ConvTransposeDesc>(desc);
  if (useDirect(d)) return 0;
  const M = d.outC / d.groups * d.kernelD * d.kernelH * d.kernelW;
  const bytes = <i64>d.groups * packedABytes(M, d.inC / d.groups);
  return bytes > <i64>i32.MAX_VALUE ? -1 : <i32>bytes;
}

/** Prepares `weight` for `desc` into dst (convTransposePackedBytes(desc) bytes), once per weight version. */
export function convTransposePackWeights_f32(dst: usize, weight: usize, desc: usize): void {
  const d = changetype<ConvTransposeDesc>(desc);
  if (useDirect(d)) return;
  const icg = d.inC / d.groups;
  const M = d.outC / d.groups * d.kernelD * d.kernelH * d.kernelW;
  for (let g = 0; g < d.groups; g++) {
    packAWhole(dst + <usize>g * packedABytes(M, icg), weight + (<usize>(g * icg) * M << 2), M, A_TRANS, M, icg);
  }
}

/** Transposed convolution `desc` (a ConvTransposeDesc; see the header). */
export function convTranspose_f32(out: usize, input: usize, weight: usize, bias: usize, scratch: usize, desc: usize): void {
  const d = changetype<ConvTransposeDesc>(desc);
  const N = d.batch, OC = d.outC, groups = d.groups;
  assert(groups > 0 && d.inC % groups == 0 && OC % groups == 0, "conv_transpose: groups must divide the channels");
  const outPlane = d.outD * d.outH * d.outW;
  if (N == 0 || OC == 0 || outPlane == 0) return;
  if (useDirect(d)) {
    direct(out, input, weight, bias, scratch, d);
    return;
  }
  // Start from the bias; col2im accumulates into the output.
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < OC; oc++) {
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0;
      fillF32(out + (<usize>(n * OC + oc) * outPlane << 2), outPlane, b);
    }
  }
  viaGemm(out, input, weight, scratch, d);
}

/** col[m] = sum_k x[k * xStride] * w[k * M + m] for m < M: K rows of w scaled and added, four columns at a time. */
function rowTimesMatrix(col: usize, x: usize, xStride: i32, w: usize, M: i32, K: i32): void {
  const m4 = M & ~3;
  fillF32(col, M, 0);
  for (let k = 0; k < K; k++) {
    const xv = load<f32>(x + (<usize>(k * xStride) << 2));
    const s = f32x4.splat(xv);
    const row = w + (<usize>(k * M) << 2);
    for (let m = 0; m < m4; m += 4) {
      const o = <usize>m << 2;
      v128.store(col + o, f32x4.add(v128.load(col + o), f32x4.mul(s, v128.load(row + o))));
    }
    for (let m = m4; m < M; m++) {
      const o = <usize>m << 2;
      store<f32>(col + o, load<f32>(col + o) + xv * load<f32>(row + o));
    }
  }
}

function viaGemm(out: usize, input: usize, weight: usize, scratch: usize, d: ConvTransposeDesc): void {
  const C = d.inC, H = d.inH, W = d.inW, OC = d.outC;
  const OD = d.outD, OH = d.outH, OW = d.outW;
  const KD = d.kernelD, KH = d.kernelH, KW = d.kernelW, groups = d.groups;
  const sd = d.strideD, sh = d.strideH, sw = d.strideW, pd = d.padD, ph = d.padH, pw = d.padW;
  const dd = d.dilationD, dh = d.dilationH, dw = d.dilationW;
  const icg = C / groups, ocg = OC / groups;
  const KK = KD * KH * KW;
  const M = ocg * KK;
  const rows = d.inD * H;
  const inPlane = rows * W;
  const outPlane = OD * OH * OW;
  const band = bandRows(M, W, rows);
  const col = align16(scratch);
  const gemmScratch = align16(col + (<usize>(M * band * W) << 2));
  for (let n = 0; n < d.batch; n++) {
    for (let g = 0; g < groups; g++) {
      const x = input + (<usize>(n * C + g * icg) * inPlane << 2);
      const packed = <usize>d.packed;
      const wg = packed != 0 ? packed + <usize>g * packedABytes(M, icg) : weight + (<usize>(g * icg) * M << 2);
      const outG = out + (<usize>(n * OC + g * ocg) * outPlane << 2);
      for (let r0 = 0; r0 < rows; r0 += band) {
        const nr = min(band, rows - r0);
        const cols = nr * W;
        // One input pixel (a generator's first layer, from a 1x1 latent): col = x^T W
        // streams the weights once, where a GEMM would fill 1 of its 8 tile columns.
        if (cols == 1) rowTimesMatrix(col, x + (<usize>(r0 * W) << 2), inPlane, weight + (<usize>(g * icg) * M << 2), M, icg);
        else gemm(col, cols, wg, M, packed != 0 ? A_PACKED : A_TRANS, x + (<usize>(r0 * W) << 2), inPlane, B_DENSE, 0, 0,
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
            addRow(dst, src, ixLo, ixHi, sw, OW - e);
          }
        }
      }
    }
  }
}

/** dst[ix * sw] += src[ix] for ix in [lo, hi); dst has `room` elements from its start. */
@inline function addRow(dst: usize, src: usize, lo: i32, hi: i32, sw: i32, room: i32): void {
  let i = lo;
  if (sw == 2) {
    // Four sources spread over eight destinations: interleave with -0 (x + -0 is x for
    // every x, -0 included), add two vectors.
    const z = f32x4.splat(-0.0);
    for (; i + 4 <= hi && 2 * i + 8 <= room; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      const d = dst + (<usize>i << 3);
      v128.store(d, f32x4.add(v128.load(d), v128.shuffle<f32>(v, z, 0, 4, 1, 4)));
      v128.store(d, f32x4.add(v128.load(d, 16), v128.shuffle<f32>(v, z, 2, 4, 3, 4)), 16);
    }
  }
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

// One function: the tap table of an output row is built and used in the same loop
// nest, and splitting the two would pass a dozen loop values back and forth.
function direct(out: usize, input: usize, weight: usize, bias: usize, scratch: usize, d: ConvTransposeDesc): void {
  const N = d.batch, C = d.inC, D = d.inD, H = d.inH, W = d.inW;
  const OC = d.outC, OD = d.outD, OH = d.outH, OW = d.outW;
  const KD = d.kernelD, KH = d.kernelH, KW = d.kernelW;
  const sd = d.strideD, sh = d.strideH, sw = d.strideW;
  const pd = d.padD, ph = d.padH, pw = d.padW;
  const dd = d.dilationD, dh = d.dilationH, dw = d.dilationW;
  const groups = d.groups;
  const icg = C / groups, ocg = OC / groups;
  const KK = KD * KH * KW;
  const inPlane = D * H * W;
  const outPlane = OD * OH * OW;
  const nPhases = min(sw, OW);
  // Phase px holds outputs px, px + sw, ...: at most ceil(OW / sw) of them, padded for vector tails.
  const phaseLen = ((OW + sw - 1) / sw + 7) & ~3;
  const phases = align16(scratch);
  // The tap table of one output row, phase after phase: input row address shifted so that
  // phase output j reads element j, the shift, the weight's offset (for the first output
  // channel of the group) and, per output channel, the weight itself.
  const tapPtr = phases + (<usize>(phaseLen * sw) << 2);
  const tapShift = tapPtr + (<usize>(icg * KK) << 2);
  const tapOff = tapShift + (<usize>(icg * KK) << 2);
  const tapW = tapOff + (<usize>(icg * KK) << 2);
  // Per phase: first tap, tap count, and the range of j where every tap is valid.
  const phaseInfo = tapW + (<usize>(icg * KK) << 2);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < groups; g++) {
      const wg = weight + (<usize>(g * icg * ocg * KK) << 2);
      for (let oz = 0; oz < OD; oz++) {
        for (let oy = 0; oy < OH; oy++) {
          let taps = 0;
          for (let px = 0; px < nPhases; px++) {
            const first = taps;
            let jLo = 0, jHi = (OW - px + sw - 1) / sw;
            for (let icl = 0; icl < icg; icl++) {
              const x = input + (<usize>(n * C + g * icg + icl) * inPlane << 2);
              for (let kz = 0; kz < KD; kz++) {
                const tz = oz + pd - kz * dd;
                if (tz < 0 || tz % sd != 0 || tz / sd >= D) continue;
                for (let ky = 0; ky < KH; ky++) {
                  const ty = oy + ph - ky * dh;
                  if (ty < 0 || ty % sh != 0 || ty / sh >= H) continue;
                  const xrow = x + (<usize>(((tz / sd) * H + ty / sh) * W) << 2);
                  const wOff = icl * ocg * KK + (kz * KH + ky) * KW;
                  for (let kx = 0; kx < KW; kx++) {
                    // ox = ix * sw + e = j * sw + px  =>  ix = j - shift.
                    const e = kx * dw - pw;
                    let r = e % sw;
                    if (r < 0) r += sw;
                    if (r != px) continue;
                    const shift = (e - px) / sw;
                    jLo = max(jLo, shift);
                    jHi = min(jHi, W + shift);
                    const t = <usize>taps << 2;
                    store<usize>(tapPtr + t, xrow - (<usize>shift << 2));
                    store<i32>(tapShift + t, shift);
                    store<i32>(tapOff + t, wOff + kx);
                    taps++;
                  }
                }
              }
            }
            const info = phaseInfo + (<usize>px << 4);
            store<i32>(info, first);
            store<i32>(info, taps - first, 4);
            store<i32>(info, jLo, 8);
            store<i32>(info, jHi, 12);
          }
          for (let ocl = 0; ocl < ocg; ocl++) {
            const oc = g * ocg + ocl;
            const b: f32 = bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0;
            const wo = wg + (<usize>(ocl * KK) << 2);
            for (let t = 0; t < taps; t++) {
              const q = <usize>t << 2;
              store<f32>(tapW + q, load<f32>(wo + (<usize>load<i32>(tapOff + q) << 2)));
            }
            const o = out + (<usize>((n * OC + oc) * outPlane + (oz * OH + oy) * OW) << 2);
            for (let px = 0; px < nPhases; px++) {
              const info = phaseInfo + (<usize>px << 4);
              const first = <usize>load<i32>(info) << 2;
              const dst = sw == 1 ? o : phases + (<usize>(px * phaseLen) << 2);
              phaseRow(dst, tapPtr + first, tapW + first, tapShift + first, load<i32>(info, 4),
                (OW - px + sw - 1) / sw, load<i32>(info, 8), load<i32>(info, 12), W, b);
            }
            if (sw > 1) interleave(o, phases, phaseLen, sw, OW);
          }
        }
      }
    }
  }
}

/**
 * dst[j] = b + sum_t w[t] * ptr[t][j] for j < count, where tap t is valid for j in
 * [max(0, shift_t), W + shift_t); [jLo, jHi) is where every tap is valid.
 */
function phaseRow(dst: usize, tapPtr: usize, tapW: usize, tapShift: usize, taps: i32, count: i32,
                  jLo: i32, jHi: i32, W: i32, b: f32): void {
  const bv = f32x4.splat(b);
  if (jLo > count) jLo = count;
  if (jHi < jLo) jHi = jLo;
  for (let j = 0; j < jLo; j++) store<f32>(dst + (<usize>j << 2), b + edgeSum(tapPtr, tapW, tapShift, taps, j, W));
  let j = jLo;
  for (; j < jHi; j += 16) {
    // A short last block overlaps the previous one (see depthwise.ts).
    if (j + 16 > jHi) {
      if (jHi - jLo < 16) break;
      j = jHi - 16;
    }
    let a0 = bv, a1 = bv, a2 = bv, a3 = bv;
    const q = <usize>j << 2;
    for (let t = 0; t < taps; t++) {
      const tp = <usize>t << 2;
      const wv = v128.load32_splat(tapW + tp);
      const p = load<usize>(tapPtr + tp) + q;
      a0 = f32x4.add(a0, f32x4.mul(wv, v128.load(p)));
      a1 = f32x4.add(a1, f32x4.mul(wv, v128.load(p, 16)));
      a2 = f32x4.add(a2, f32x4.mul(wv, v128.load(p, 32)));
      a3 = f32x4.add(a3, f32x4.mul(wv, v128.load(p, 48)));
    }
    v128.store(dst + q, a0);
    v128.store(dst + q, a1, 16);
    v128.store(dst + q, a2, 32);
    v128.store(dst + q, a3, 48);
  }
  for (; j + 4 <= jHi; j += 4) {
    let a0 = bv;
    const q = <usize>j << 2;
    for (let t = 0; t < taps; t++) {
      const tp = <usize>t << 2;
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(tapW + tp), v128.load(load<usize>(tapPtr + tp) + q)));
    }
    v128.store(dst + q, a0);
  }
  for (; j < count; j++) store<f32>(dst + (<usize>j << 2), b + edgeSum(tapPtr, tapW, tapShift, taps, j, W));
}

/** sum_t w[t] * ptr[t][j] over the taps valid at j (input index j - shift inside the row). */
function edgeSum(tapPtr: usize, tapW: usize, tapShift: usize, taps: i32, j: i32, W: i32): f32 {
  let s: f32 = 0;
  for (let t = 0; t < taps; t++) {
    const tp = <usize>t << 2;
    const ix = j - load<i32>(tapShift + tp);
    if (ix < 0 || ix >= W) continue;
    s += load<f32>(tapW + tp) * load<f32>(load<usize>(tapPtr + tp) + (<usize>j << 2));
  }
  return s;
}

/** o[px + sw * j] = phase[px][j] for every ox < OW. */
function interleave(o: usize, phases: usize, phaseLen: i32, sw: i32, OW: i32): void {
  let ox = 0;
  if (sw == 2) {
    const p1 = phases + (<usize>phaseLen << 2);
    for (; ox + 8 <= OW; ox += 8) {
      const q = <usize>ox << 1;
      const e = v128.load(phases + q);
      const d = v128.load(p1 + q);
      v128.store(o + (<usize>ox << 2), v128.shuffle<f32>(e, d, 0, 4, 1, 5));
      v128.store(o + (<usize>ox << 2), v128.shuffle<f32>(e, d, 2, 6, 3, 7), 16);
    }
  }
  for (; ox < OW; ox++) {
    const px = ox % sw;
    store<f32>(o + (<usize>ox << 2), load<f32>(phases + (<usize>(px * phaseLen + ox / sw) << 2)));
  }
}

/**
 * Weights of the sub-pixel form of a transposed convolution (groups 1, dilation 1):
 * output phase r (the outputs r, r + s, r + 2s, ... of each dimension) is a correlation of
 * the input with the taps t of the kernel for which r + p - t is a multiple of s, at input
 * offset d = (r + p - t) / s. Stacking the phases as output channels over the union of
 * their offsets, dmin .. dmin + KW' - 1, gives an ordinary stride-1 convolution:
 *   out'[(r, oc), ic, u] = weight[ic, oc, t] where t = r + p - s * (dmin + u), else 0,
 *   bias'[(r, oc)] = bias[oc].
 * Arguments: a SubpixelWeightsDesc (abi.ts): sizes, and dmin (first..) and KW' (window..)
 * per dimension.
 * Layouts: weight [IC, OC, KD,KH,KW]; out [sd*sh*sw*OC, IC, KD',KH',KW'] with the phase
 * (rd*sh + rh)*sw + rw outermost; bias [OC] or 0; outBias [sd*sh*sw*OC].
 * REQUIRES: every tap lands inside the window (dmin <= every offset < dmin + KW');
 *   at most MAX_SUBPIXEL_TAPS kernel taps.
 */
export function convTransposeSubpixelWeights_f32(out: usize, outBias: usize, weight: usize, bias: usize, desc: usize): void {
  const d = changetype<SubpixelWeightsDesc>(desc);
  const IC = d.inC, OC = d.outC;
  const KD = d.kernelD, KH = d.kernelH, KW = d.kernelW;
  const sd = d.strideD, sh = d.strideH, sw = d.strideW;
  const pd = d.padD, ph = d.padH, pw = d.padW;
  const wh = d.windowH, ww = d.windowW;
  const window = d.windowD * wh * ww;
  const phases = sd * sh * sw;
  const taps = KD * KH * KW;
  memory.fill(out, 0, <usize>(phases * OC * IC * window) << 2);
  // Where each tap goes: the start of its phase's block plus its window position.
  const phaseBlock = OC * IC * window;
  for (let td = 0; td < KD; td++) {
    const rd = tapPhase(td, sd, pd), ud = (rd + pd - td) / sd - d.firstD;
    for (let th = 0; th < KH; th++) {
      const rh = tapPhase(th, sh, ph), uh = (rh + ph - th) / sh - d.firstH;
      for (let tw = 0; tw < KW; tw++) {
        const rw = tapPhase(tw, sw, pw), uw = (rw + pw - tw) / sw - d.firstW;
        const tap = (td * KH + th) * KW + tw;
        store<i32>(TAP_TARGETS + (<usize>tap << 2), ((rd * sh + rh) * sw + rw) * phaseBlock + (ud * wh + uh) * ww + uw);
      }
    }
  }
  // weight[ic, oc, :] is read in order; its taps land in a few short runs of out.
  for (let ic = 0; ic < IC; ic++) {
    for (let oc = 0; oc < OC; oc++) {
      const src = weight + (<usize>((ic * OC + oc) * taps) << 2);
      const base = (oc * IC + ic) * window;
      for (let t = 0; t < taps; t++) {
        const target = base + load<i32>(TAP_TARGETS + (<usize>t << 2));
        store<f32>(out + (<usize>target << 2), load<f32>(src + (<usize>t << 2)));
      }
    }
  }
  for (let r = 0; r < phases; r++) {
    for (let oc = 0; oc < OC; oc++) {
      store<f32>(outBias + (<usize>(r * OC + oc) << 2), bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0);
    }
  }
}

// Destination offsets of the kernel taps in convTransposeSubpixelWeights_f32.
const TAP_TARGETS: usize = memory.data(MAX_SUBPIXEL_TAPS * 4, 16);

/** The output phase that kernel tap t serves along one dimension: r with r + p - t a multiple of s. */
@inline function tapPhase(t: i32, s: i32, p: i32): i32 {
  return (((t - p) % s) + s) % s;
}
