// N-d convolution (1-D and 2-D are 3-D with depth/height 1) over NCDHW float32 tensors.
//
// Each (sample, group) is one GEMM: out[oc, pixel] = W[oc, (ic,kz,ky,kx)] * col[(ic,kz,ky,kx), pixel].
// The input is first padded into scratch (zeros, reflect, replicate or circular, so every
// padding mode takes the same path and the gather needs no bounds checks); then col is
// never materialised: the GEMM packs its B panels straight from the padded input through
// two offset tables (implicit im2col, one cache-sized panel block at a time).
// conv_plan.ts picks the method: this implicit GEMM, the dense GEMM of a 1x1 convolution,
// the direct depthwise kernel (depthwise.ts) or a Winograd variant (winograd.ts).
//
// Arguments: a ConvDesc (abi.ts). Layouts: input [N,C,D,H,W], weight [OC, C/groups, KD,KH,KW],
// bias [OC] or 0, out [N,OC,OD,OH,OW].
// REQUIRES: sizes consistent with PyTorch's output formula; reflect padding < size,
//   circular padding <= size; scratch holds convScratchBytes(desc) bytes.

import { ConvDesc, PAD_REFLECT } from "./abi";
import { align16 } from "./buffers";
import { gemm, gemmScratchBytes, packAWhole, packedABytes, A_DENSE, A_PACKED, B_DENSE, B_GATHER, BIAS_NONE, BIAS_ROW } from "./gemm";
import { depthwise, depthwiseScratchBytes } from "./depthwise";
import { winograd, winogradPack, winogradPackedBytes, winogradScratchBytes, WINOGRAD_NONE } from "./winograd";
import { partScratch } from "./parts";
import { padPlanes } from "./conv_pad";
import { convMethod, hasPadding, inPerGroup, outPerGroup, CONV_DEPTHWISE, CONV_POINTWISE, CONV_SPACE_TO_DEPTH } from "./conv_plan";
import { spaceToDepth, spaceToDepthPack, spaceToDepthPackedBytes, spaceToDepthScratchBytes, spaceToDepthVariant } from "./conv_s2d";

/** Bytes of scratch conv_f32 needs for the convolution `desc` (a ConvDesc). */
export function convScratchBytes(desc: usize): i32 {
  const d = changetype<ConvDesc>(desc);
  const icg = inPerGroup(d), ocg = outPerGroup(d);
  const P = d.outD * d.outH * d.outW;
  const method = convMethod(d);
  if (method == CONV_DEPTHWISE) return depthwiseScratchBytes(d);
  if (method == CONV_POINTWISE) return gemmScratchBytes(ocg, P, icg);
  if (method == CONV_SPACE_TO_DEPTH) return spaceToDepthScratchBytes(d, spaceToDepthVariant(d));
  if (method != WINOGRAD_NONE) return winogradScratchBytes(method, d.batch, icg, d.outH, d.outW);
  const Kg = icg * d.kernelD * d.kernelH * d.kernelW;
  const padded = hasPadding(d) ? icg * paddedPlane(d) : 0;
  return (padded + Kg + P + 16) * 4 + gemmScratchBytes(ocg, P, Kg) + 64;
}

/**
 * Bytes of the weights conv_f32 can take prepared (ConvDesc.packed) for `desc`: the GEMM's
 * packed A panels of each group, or Winograd's transformed tiles; 0 when the method reads
 * the weights as they are (depthwise), or a negative number past 2 GiB.
 */
export function convPackedBytes(desc: usize): i32 {
  const d = changetype<ConvDesc>(desc);
  const method = convMethod(d);
  if (method == CONV_DEPTHWISE) return 0;
  if (method == CONV_SPACE_TO_DEPTH) return spaceToDepthPackedBytes(d, spaceToDepthVariant(d));
  if (method != WINOGRAD_NONE && method != CONV_POINTWISE) return winogradPackedBytes(d, method);
  const bytes = <i64>d.groups * packedABytes(outPerGroup(d), inPerGroup(d) * d.kernelD * d.kernelH * d.kernelW);
  return bytes > <i64>i32.MAX_VALUE ? -1 : <i32>bytes;
}

/** Prepares `weight` for `desc` into dst (convPackedBytes(desc) bytes), once per weight version. */
export function convPackWeights_f32(dst: usize, weight: usize, desc: usize): void {
  const d = changetype<ConvDesc>(desc);
  const method = convMethod(d);
  if (method == CONV_DEPTHWISE) return;
  if (method == CONV_SPACE_TO_DEPTH) {
    spaceToDepthPack(dst, weight, d, spaceToDepthVariant(d));
    return;
  }
  if (method != WINOGRAD_NONE && method != CONV_POINTWISE) {
    winogradPack(dst, weight, d, method);
    return;
  }
  const ocg = outPerGroup(d), Kg = inPerGroup(d) * d.kernelD * d.kernelH * d.kernelW;
  for (let g = 0; g < d.groups; g++) {
    packAWhole(dst + <usize>g * packedABytes(ocg, Kg), weight + (<usize>(g * ocg) * Kg << 2), Kg, A_DENSE, ocg, Kg);
  }
}

/** Elements of one padded input channel. */
@inline export function paddedPlane(d: ConvDesc): i32 {
  return (d.inD + d.padBeforeD + d.padAfterD) * (d.inH + d.padBeforeH + d.padAfterH) * (d.inW + d.padBeforeW + d.padAfterW);
}

/** Convolution of `desc` (a ConvDesc; see the header). */
export function conv_f32(out: usize, input: usize, weight: usize, bias: usize, scratch: usize, desc: usize): void {
  const d = changetype<ConvDesc>(desc);
  const C = d.inC, OC = d.outC, groups = d.groups;
  assert(groups > 0 && C % groups == 0 && OC % groups == 0, "conv: groups must divide the channels");
  assert(d.paddingMode != PAD_REFLECT || (d.padBeforeD < d.inD && d.padAfterD < d.inD && d.padBeforeH < d.inH &&
    d.padAfterH < d.inH && d.padBeforeW < d.inW && d.padAfterW < d.inW), "conv: reflect padding too large");
  if (d.batch == 0 || OC == 0 || d.outD * d.outH * d.outW == 0) return;
  const method = convMethod(d);
  // Each thread of a shared call has its own scratch block (parts.ts).
  scratch = partScratch(scratch);
  const packed = <usize>d.packed;
  const gemmPacked = method == CONV_POINTWISE || method == WINOGRAD_NONE ? packed : 0;
  // The GEMM paths clamp in the micro-kernel's stores; the others clamp the output after.
  if (method == CONV_DEPTHWISE) {
    depthwise(out, input, weight, bias, scratch, d);
  } else if (method == CONV_POINTWISE) {
    groupGemms(out, input, weight, gemmPacked, bias, d, B_DENSE, 0, 0, 0, scratch);
  } else if (method == CONV_SPACE_TO_DEPTH) {
    spaceToDepth(out, input, weight, packed, bias, d, spaceToDepthVariant(d), scratch);
  } else if (method != WINOGRAD_NONE) {
    winograd(out, input, weight, packed, bias, d, method, scratch);
  } else {
    implicitGemm(out, input, weight, gemmPacked, bias, scratch, d);
  }
}

/**
 * One GEMM per (sample, group): out = W_g * B, B read densely from the input (B_DENSE,
 * a 1x1 convolution) or gathered from `padBuf` (B_GATHER, through rowOff/colOff) after
 * padding the group's input there (padBuf != 0) or straight from the input (padBuf == 0).
 */
function groupGemms(out: usize, input: usize, weight: usize, packed: usize, bias: usize, d: ConvDesc, bMode: i32,
                    padBuf: usize, rowOff: usize, colOff: usize, scratch: usize): void {
  const C = d.inC, OC = d.outC, groups = d.groups;
  const icg = inPerGroup(d), ocg = outPerGroup(d);
  const Kg = icg * d.kernelD * d.kernelH * d.kernelW;
  const P = d.outD * d.outH * d.outW;
  const inPlane = d.inD * d.inH * d.inW;
  const biasMode = bias != 0 ? BIAS_ROW : BIAS_NONE;
  for (let n = 0; n < d.batch; n++) {
    for (let g = 0; g < groups; g++) {
      let src = input + (<usize>(n * C + g * icg) * inPlane << 2);
      if (padBuf != 0) {
        padPlanes(padBuf, src, icg, d.inD, d.inH, d.inW, d.padBeforeD, d.padAfterD, d.padBeforeH, d.padAfterH,
          d.padBeforeW, d.padAfterW, d.paddingMode);
        src = padBuf;
      }
      const a = packed != 0 ? packed + <usize>g * packedABytes(ocg, Kg) : weight + (<usize>(g * ocg) * Kg << 2);
      gemm(out + (<usize>(n * OC + g * ocg) * P << 2), P,
        a, Kg, packed != 0 ? A_PACKED : A_DENSE,
        src, bMode == B_DENSE ? inPlane : 0, bMode, rowOff, colOff,
        bias + (bias != 0 ? <usize>(g * ocg) << 2 : 0), biasMode, 0, ocg, P, Kg, scratch, d.clampMin, d.clampMax);
    }
  }
}

/** The implicit GEMM: offset tables of the gather, then one GEMM per (sample, group). */
function implicitGemm(out: usize, input: usize, weight: usize, packed: usize, bias: usize, scratch: usize, d: ConvDesc): void {
  const icg = inPerGroup(d);
  const KD = d.kernelD, KH = d.kernelH, KW = d.kernelW;
  const Kg = icg * KD * KH * KW;
  const P = d.outD * d.outH * d.outW;
  const padded = hasPadding(d);
  const Hp = d.inH + d.padBeforeH + d.padAfterH, Wp = d.inW + d.padBeforeW + d.padAfterW;
  const plane = padded ? paddedPlane(d) : d.inD * d.inH * d.inW;
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
          store<i32>(rowOff + (<usize>k << 2), ic * plane + (kz * d.dilationD * Hp + ky * d.dilationH) * Wp + kx * d.dilationW);
          k++;
        }
      }
    }
  }
  let p = 0;
  for (let oz = 0; oz < d.outD; oz++) {
    for (let oy = 0; oy < d.outH; oy++) {
      const base = (oz * d.strideD * Hp + oy * d.strideH) * Wp;
      for (let ox = 0; ox < d.outW; ox++) {
        store<i32>(colOff + (<usize>p << 2), base + ox * d.strideW);
        p++;
      }
    }
  }
  groupGemms(out, input, weight, packed, bias, d, B_GATHER, padded ? padBuf : 0, rowOff, colOff, gemmScratch);
}
