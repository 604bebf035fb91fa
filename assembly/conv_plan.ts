// Algorithm choice for convolution and transposed convolution, in one place.
//
// Convolution (conv_f32): depthwise convolutions (one input channel per group) take the
// direct kernel of depthwise.ts; 1x1 convolutions with stride 1 and no padding read the
// input as a dense GEMM operand; stride-1 2-D convolutions with 3x3 or 1x5 kernels take
// a Winograd variant when the cost model below estimates it faster than the implicit
// GEMM; everything else is the implicit GEMM (im2col done while packing).
//
// Transposed convolution (convTranspose_f32): the direct phase method or GEMM + col2im
// (useDirect); the TypeScript side may instead run it as one stacked stride-1
// convolution (the sub-pixel form) when convTransposeUseSubpixel says so.

import { ConvDesc, ConvTransposeDesc, CONV_GEMM, CONV_POINTWISE, CONV_DEPTHWISE, CONV_SPACE_TO_DEPTH, PAD_ZEROS } from "./abi";
import { spaceToDepthVariant } from "./conv_s2d";
import {
  winogradChunkTiles, winogradPositions, winogradTileCols, winogradTileRows,
  WINOGRAD_NONE, WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3, WINOGRAD_4_5,
} from "./winograd";

export { CONV_GEMM, CONV_POINTWISE, CONV_DEPTHWISE, CONV_SPACE_TO_DEPTH };

/** Input channels per group. */
@inline export function inPerGroup(d: ConvDesc): i32 { return d.inC / d.groups; }
/** Output channels per group. */
@inline export function outPerGroup(d: ConvDesc): i32 { return d.outC / d.groups; }

@inline export function isDepthwise(d: ConvDesc): bool {
  return d.inC == d.groups && d.groups > 1;
}

@inline export function hasPadding(d: ConvDesc): bool {
  return (d.padBeforeD | d.padBeforeH | d.padBeforeW | d.padAfterD | d.padAfterH | d.padAfterW) != 0;
}

/** A 1x1x1 kernel with stride 1 and no padding (dilation does not matter then). */
@inline export function isPointwise(d: ConvDesc): bool {
  return d.kernelD == 1 && d.kernelH == 1 && d.kernelW == 1 &&
    d.strideD == 1 && d.strideH == 1 && d.strideW == 1 && !hasPadding(d);
}

/** convMethod of the convolution `desc` (a ConvDesc): which algorithm conv_f32 runs (tests pick shapes with it). */
export function convMethodOf(desc: usize): i32 {
  return convMethod(changetype<ConvDesc>(desc));
}

/** How conv_f32 computes the convolution of `d`: CONV_DEPTHWISE, CONV_POINTWISE, CONV_SPACE_TO_DEPTH, a Winograd variant or CONV_GEMM. */
export function convMethod(d: ConvDesc): i32 {
  if (isDepthwise(d)) return CONV_DEPTHWISE;
  if (isPointwise(d)) return CONV_POINTWISE;
  if (spaceToDepthPays(d)) return CONV_SPACE_TO_DEPTH;
  return winogradVariant(d);
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

/** Estimated cost of the implicit GEMM: N GEMMs of (ocg x P) over K = taps * icg. */
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
 * The Winograd variant for the convolution `d`, or WINOGRAD_NONE for the GEMM path:
 * 3x3 kernels use F(2x2, 3x3) or F(4x4, 3x3), 1x5 kernels (conv1d k5) F(4, 5),
 * whichever the cost estimates say is fastest. Stride and dilation 1, 2-D only.
 */
export function winogradVariant(d: ConvDesc): i32 {
  // 2-D only: one input plane and one output plane (a conv3d over a single depth slice
  // with depth padding has more output planes, which the 2-D transforms never write).
  if (d.inD != 1 || d.kernelD != 1 || d.outD != 1) return WINOGRAD_NONE;
  if (d.strideD != 1 || d.strideH != 1 || d.strideW != 1) return WINOGRAD_NONE;
  if (d.dilationD != 1 || d.dilationH != 1 || d.dilationW != 1) return WINOGRAD_NONE;
  const N = d.batch, KH = d.kernelH, KW = d.kernelW;
  const icg = inPerGroup(d), ocg = outPerGroup(d);
  const OH = d.outH, OW = d.outW;
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

// A dilated element copy (padding, then the phase shuffle in and out: about four passes).
const POLYPHASE_COPY: f64 = 64;
// An element of the space-to-depth phases (one pass, four at a time).
const S2D_COPY: f64 = 4;

/**
 * Whether a dilated 2-D convolution (3x3 kernel, stride 1, zero padding) runs as one
 * undilated convolution over the dilation phases of its padded input: with dilation
 * (dh, dw), the outputs at rows i*dh + a and columns j*dw + b only read inputs at rows
 * (i + ky)*dh + a and columns (j + kx)*dw + b, an ordinary 3x3 convolution of that phase.
 * The dh*dw phases go as one batch, so Winograd applies where the implicit GEMM would
 * have to gather every tap (src/functional/polyphase.ts lays them out). 1 when the
 * estimate, copies included, beats the implicit GEMM.
 */
export function convUsePolyphase(desc: usize): i32 {
  const d = changetype<ConvDesc>(desc);
  if (d.inD != 1 || d.kernelD != 1 || d.outD != 1 || d.kernelH != 3 || d.kernelW != 3) return 0;
  if (d.strideH != 1 || d.strideW != 1 || d.paddingMode != PAD_ZEROS) return 0;
  const dh = d.dilationH, dw = d.dilationW;
  if ((dh == 1 && dw == 1) || d.batch == 0 || isDepthwise(d)) return 0;
  const icg = inPerGroup(d), ocg = outPerGroup(d);
  const rows = (d.outH + dh - 1) / dh, cols = (d.outW + dw - 1) / dw;
  const phases = d.batch * dh * dw;
  const wino = min(winogradCost(WINOGRAD_2X2_3X3, phases, icg, ocg, rows, cols), winogradCost(WINOGRAD_4X4_3X3, phases, icg, ocg, rows, cols));
  const copies = POLYPHASE_COPY * <f64>phases * <f64>(rows + 2) * <f64>(cols + 2) * <f64>(d.inC + d.outC);
  return wino + copies < directCost(d.batch, icg, ocg, d.outH * d.outW, 9) ? 1 : 0;
}

/**
 * Whether space-to-depth (conv_s2d.ts: stride 2, 5x5 or 6x6 kernel, as a Winograd 3x3
 * convolution over the stride phases stacked as channels) beats the implicit GEMM by the
 * estimates, its pass over the input included.
 */
function spaceToDepthPays(d: ConvDesc): bool {
  const v = spaceToDepthVariant(d);
  if (v == WINOGRAD_NONE) return false;
  const C4 = 4 * d.inC, OH = d.outH, OW = d.outW;
  const copies = S2D_COPY * <f64>d.batch * <f64>C4 * <f64>(OH + 2) * <f64>(OW + 2);
  return winogradCost(v, d.batch, C4, d.outC, OH, OW) + copies < directCost(d.batch, d.inC, d.outC, OH * OW, d.kernelH * d.kernelW);
}

/**
 * The estimated cost (in the units above) of the Winograd variant the convolution `desc`
 * (a ConvDesc) would use, or -1 when it would take the GEMM path.
 */
export function convWinogradCost(desc: usize): f64 {
  const d = changetype<ConvDesc>(desc);
  const v = winogradVariant(d);
  if (v == WINOGRAD_NONE) return -1;
  return winogradCost(v, d.batch, inPerGroup(d), outPerGroup(d), d.outH, d.outW);
}

/**
 * Transposed convolution: the direct method wins when the GEMM's K (input channels per
 * group) is short and either the phase rows are long (the per-row tap table is
 * amortised) or there are many output channels per input channel (the table is shared
 * by all of them). Measured on 2-D layers of 32x32 to 512x512 inputs with 1 to 64 channels.
 */
export function useDirect(d: ConvTransposeDesc): bool {
  const icg = d.inC / d.groups, ocg = d.outC / d.groups;
  return (icg <= 8 && d.outW / d.strideW >= 64) || (icg <= 4 && ocg >= 2 * icg);
}

/**
 * The estimated cost of the GEMM + col2im method for the transposed convolution `desc`
 * (a ConvTransposeDesc), in the units above (so it compares with convWinogradCost): a
 * GEMM of K = input channels per group over (output channels x kernel taps) x input pixels.
 */
export function convTransposeGemmCost(desc: usize): f64 {
  const d = changetype<ConvTransposeDesc>(desc);
  const icg = d.inC / d.groups, ocg = d.outC / d.groups;
  const taps = d.kernelD * d.kernelH * d.kernelW;
  return <f64>d.groups * directCost(d.batch, icg, ocg * taps, d.inD * d.inH * d.inW, 1);
}

/**
 * Whether the transposed convolution `transposeDesc` is faster as its sub-pixel form, the
 * stacked stride-1 convolution `stackedDesc` (a ConvDesc) plus an interleave. The stacked
 * convolution does more multiply-adds than the transposed one (its window covers every
 * phase), so it only pays when it becomes a Winograd convolution cheaper than the
 * transposed convolution's own GEMM.
 */
export function convTransposeUseSubpixel(transposeDesc: usize, stackedDesc: usize): bool {
  const winograd = convWinogradCost(stackedDesc);
  return winograd > 0 && winograd < convTransposeGemmCost(transposeDesc);
}
