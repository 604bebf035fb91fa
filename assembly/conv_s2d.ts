// Space-to-depth: a 2-D convolution with stride 2 and a 5x5 or 6x6 kernel as a stride-1
// 3x3 convolution, which Winograd computes with far fewer multiply-adds.
//
// Output (y, x) reads the padded input at (2y + 2i + a, 2x + 2j + b): tap (i, j) of
// stride phase (a, b), with the kernel's tap (2i + a, 2j + b), zero past its size. The
// four phases, stacked as channels [(a * 2 + b) * C + c], and the weights laid out the
// same way [OC, 4C, 3, 3] make an ordinary 3x3 convolution of [N, 4C, OH + 2, OW + 2]
// into exactly the output [N, OC, OH, OW]: winograd() computes it (clamp included).
// The phases cost one pass over the input; the rearranged weights are prepared once per
// weight version with the Winograd tiles (convPackWeights_f32), or per call into scratch.
//
// Threads: each thread gathers every phase into its own scratch (the stacked input is
// small next to the work) and winograd() computes its share of the output.

import { ConvDesc, PAD_ZEROS } from "./abi";
import { align16 } from "./buffers";
import { DERIVED_DESC, DESC_BYTES } from "./thread_area";
import { winograd, winogradPack, winogradPackedBytes, winogradScratchBytes, WINOGRAD_NONE } from "./winograd";
import { winogradVariant } from "./conv_plan";

if (offsetof<ConvDesc>() > DESC_BYTES) ERROR("conv_s2d: ConvDesc outgrew DESC_BYTES");

/** The stacked 3x3 convolution of `d`, written into this thread's DERIVED_DESC. */
export function stacked(d: ConvDesc): ConvDesc {
  const s = changetype<ConvDesc>(DERIVED_DESC);
  s.batch = d.batch; s.inC = 4 * d.inC; s.inD = 1; s.inH = d.outH + 2; s.inW = d.outW + 2;
  s.outC = d.outC; s.outD = 1; s.outH = d.outH; s.outW = d.outW;
  s.kernelD = 1; s.kernelH = 3; s.kernelW = 3;
  s.strideD = 1; s.strideH = 1; s.strideW = 1;
  s.padBeforeD = 0; s.padBeforeH = 0; s.padBeforeW = 0; s.padAfterD = 0; s.padAfterH = 0; s.padAfterW = 0;
  s.dilationD = 1; s.dilationH = 1; s.dilationW = 1;
  s.groups = 1; s.paddingMode = PAD_ZEROS; s.packed = d.packed;
  s.clampMin = d.clampMin; s.clampMax = d.clampMax;
  return s;
}

/** The Winograd variant of the stacked convolution, or WINOGRAD_NONE when space-to-depth does not apply to `d`. */
export function spaceToDepthVariant(d: ConvDesc): i32 {
  if (d.inD != 1 || d.kernelD != 1 || d.outD != 1 || d.groups != 1 || d.batch == 0) return WINOGRAD_NONE;
  if (d.strideH != 2 || d.strideW != 2 || d.dilationH != 1 || d.dilationW != 1 || d.paddingMode != PAD_ZEROS) return WINOGRAD_NONE;
  if ((d.kernelH != 5 && d.kernelH != 6) || (d.kernelW != 5 && d.kernelW != 6)) return WINOGRAD_NONE;
  return winogradVariant(stacked(d));
}

@inline function phaseFloats(d: ConvDesc): usize {
  return <usize>d.batch * 4 * d.inC * (d.outH + 2) * (d.outW + 2);
}

@inline function weightFloats(d: ConvDesc): usize {
  return <usize>d.outC * 4 * d.inC * 9;
}

/** Floats of the row buffer: a padded input row (2 * (OW + 2)) and one step past it. */
@inline function rowFloats(d: ConvDesc): usize {
  return <usize>(2 * (d.outW + 2) + 8);
}

/** Bytes of the prepared weights: the stacked convolution's Winograd tiles, then the rearranged weights (the guard's). */
export function spaceToDepthPackedBytes(d: ConvDesc, v: i32): i32 {
  const tiles = winogradPackedBytes(stacked(d), v);
  const bytes = <i64>tiles + <i64>(weightFloats(d) << 2);
  return tiles < 0 || bytes > <i64>i32.MAX_VALUE ? -1 : <i32>bytes;
}

/** Prepares `weight` for `d` (spaceToDepthPackedBytes bytes at dst), once per weight version. */
export function spaceToDepthPack(dst: usize, weight: usize, d: ConvDesc, v: i32): void {
  const s = stacked(d);
  const rearranged = dst + <usize>winogradPackedBytes(s, v);
  rearrange(rearranged, weight, d);
  winogradPack(dst, rearranged, s, v);
}

/** Bytes of scratch: the phases, the row buffer, the rearranged weights and the stacked convolution's own. */
export function spaceToDepthScratchBytes(d: ConvDesc, v: i32): i32 {
  const s = stacked(d);
  const own = winogradScratchBytes(v, s.batch, s.inC, s.outH, s.outW);
  const bytes = <i64>own + <i64>((phaseFloats(d) + rowFloats(d) + weightFloats(d)) << 2) + 64;
  return own < 0 || bytes > <i64>i32.MAX_VALUE ? -1 : <i32>bytes;
}

/** The convolution `d` (this thread's share of it) by the stacked 3x3 convolution, variant v. */
export function spaceToDepth(out: usize, input: usize, weight: usize, packed: usize, bias: usize, d: ConvDesc, v: i32, scratch: usize): void {
  const phases = align16(scratch);
  const row = align16(phases + (phaseFloats(d) << 2));
  let weights = align16(row + (rowFloats(d) << 2));
  const own = align16(weights + (weightFloats(d) << 2));
  gather(phases, input, d, row);
  const s = stacked(d);
  if (packed != 0) weights = packed + <usize>winogradPackedBytes(s, v);
  else rearrange(weights, weight, d);
  winograd(out, phases, weights, packed, bias, s, v, own);
}

/** w [OC, C, kh, kw] into [OC, 4C, 3, 3]: channel (a * 2 + b) * C + c, tap (i, j) = w[2i + a][2j + b] or 0. */
function rearrange(dst: usize, w: usize, d: ConvDesc): void {
  const C = d.inC, kh = d.kernelH, kw = d.kernelW;
  let o = dst;
  for (let oc = 0; oc < d.outC; oc++) {
    for (let ab = 0; ab < 4; ab++) {
      const a = ab >> 1, b = ab & 1;
      for (let c = 0; c < C; c++) {
        const src = w + (<usize>((oc * C + c) * kh * kw) << 2);
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            const y = 2 * i + a, x = 2 * j + b;
            store<f32>(o, y < kh && x < kw ? load<f32>(src + (<usize>(y * kw + x) << 2)) : 0);
            o += 4;
          }
        }
      }
    }
  }
}

/**
 * The four stride phases of every sample's zero-padded input, [N][(a * 2 + b) * C + c][OH + 2][OW + 2].
 * Each padded input row goes through `row` and is split into its even columns (phase b = 0)
 * and odd ones (b = 1), four of each per step.
 */
function gather(phases: usize, input: usize, d: ConvDesc, row: usize): void {
  const C = d.inC, H = d.inH, W = d.inW;
  const Hh = d.outH + 2, Wh = d.outW + 2;
  const top = d.padBeforeH, left = d.padBeforeW;
  const planeBytes = <usize>(Hh * Wh) << 2;
  const rowBytes = <usize>Wh << 2;
  // Input columns that land inside the padded row (the rest is never read).
  const from = max(0, -left), to = min(W, 2 * Wh - left);
  for (let n = 0; n < d.batch; n++) {
    for (let c = 0; c < C; c++) {
      const src = input + (<usize>((n * C + c) * H * W) << 2);
      for (let r = 0; r < 2 * Hh; r++) {
        const a = r & 1, i = r >> 1;
        const even = phases + <usize>((n * 4 + a * 2) * C + c) * planeBytes + <usize>i * rowBytes;
        const odd = even + <usize>C * planeBytes;
        const y = r - top;
        if (y < 0 || y >= H) {
          memory.fill(even, 0, rowBytes);
          memory.fill(odd, 0, rowBytes);
          continue;
        }
        memory.fill(row, 0, rowFloats(d) << 2);
        if (to > from) memory.copy(row + (<usize>(left + from) << 2), src + (<usize>(y * W + from) << 2), <usize>(to - from) << 2);
        let j = 0;
        for (; j + 4 <= Wh; j += 4) {
          const p = row + (<usize>(2 * j) << 2);
          const v0 = v128.load(p), v1 = v128.load(p, 16);
          v128.store(even + (<usize>j << 2), v128.shuffle<f32>(v0, v1, 0, 2, 4, 6));
          v128.store(odd + (<usize>j << 2), v128.shuffle<f32>(v0, v1, 1, 3, 5, 7));
        }
        for (; j < Wh; j++) {
          store<f32>(even + (<usize>j << 2), load<f32>(row + (<usize>(2 * j) << 2)));
          store<f32>(odd + (<usize>j << 2), load<f32>(row + (<usize>(2 * j + 1) << 2)));
        }
      }
    }
  }
}
