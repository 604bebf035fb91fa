// Direct depthwise convolution: one input channel per group (groups = C), `mult` output
// channels per input channel. Each input channel is padded once into scratch; every
// output row is then a sum over the kernel taps of a weight times a shifted input row,
// computed 32 (or 16) outputs at a time along the output width.
//
// Layouts: input [N,C,D,H,W], weight [C*mult, 1, KD,KH,KW], bias [C*mult] or 0,
// out [N, C*mult, OD,OH,OW]; sizes, padding and mode from the ConvDesc (abi.ts).
// REQUIRES: scratch holds depthwiseScratchBytes(d) bytes; called through conv_f32.

import { ConvDesc } from "./abi";
import { align16 } from "./buffers";
import { madd } from "./simd";
import { partEnd, partStart } from "./parts";
import { map } from "./map";
import { Clamp } from "./clamp";
import { padPlanes } from "./conv_pad";

/** Bytes of scratch depthwise() needs: the padded plane and the tap table. */
export function depthwiseScratchBytes(d: ConvDesc): i32 {
  const plane = (d.inD + d.padBeforeD + d.padAfterD) * (d.inH + d.padBeforeH + d.padAfterH) * (d.inW + d.padBeforeW + d.padAfterW);
  return (plane + d.kernelD * d.kernelH * d.kernelW * 2 + 16) * 4 + 64;
}

/** The depthwise convolution `d` (d.groups == d.inC): `d.outC / d.inC` output channels per input channel. */
export function depthwise(out: usize, input: usize, weight: usize, bias: usize, scratch: usize, d: ConvDesc): void {
  const C = d.inC, D = d.inD, H = d.inH, W = d.inW;
  const mult = d.outC / C;
  const OD = d.outD, OH = d.outH, OW = d.outW;
  const KD = d.kernelD, KH = d.kernelH, KW = d.kernelW;
  const sd = d.strideD, sh = d.strideH, sw = d.strideW;
  const pd0 = d.padBeforeD, ph0 = d.padBeforeH, pw0 = d.padBeforeW;
  const pd1 = d.padAfterD, ph1 = d.padAfterH, pw1 = d.padAfterW;
  const Hp = H + ph0 + ph1, Wp = W + pw0 + pw1;
  const plane = (D + pd0 + pd1) * Hp * Wp;
  const taps = KD * KH * KW;
  const padded = pd0 | pd1 | ph0 | ph1 | pw0 | pw1;
  const padBuf = align16(scratch);
  const tapOff = padBuf + (<usize>plane << 2) + 16;
  // Byte offset of each tap from the top-left of its window in the padded volume.
  let t = 0;
  for (let kz = 0; kz < KD; kz++) {
    for (let ky = 0; ky < KH; ky++) {
      for (let kx = 0; kx < KW; kx++) {
        store<i32>(tapOff + (<usize>t << 2), ((kz * d.dilationD * Hp + ky * d.dilationH) * Wp + kx * d.dilationW) << 2);
        t++;
      }
    }
  }
  const outPlane = OD * OH * OW;
  const inPlane = D * H * W;
  // The 3x3 layers of mobile networks: small planes, where the row kernels' tails dominate.
  // 2-D only: one input plane, one output plane (no depth padding).
  const plane3x3 = D == 1 && OD == 1 && KD == 1 && KH == 3 && KW == 3 && d.dilationH == 1 && d.dilationW == 1 &&
    (sw == 1 || sw == 2) && OW >= 4;
  // This thread's share of the (sample, channel) planes (parts.ts).
  const q0 = partStart(d.batch * C, 1), q1 = partEnd(d.batch * C, 1);
  for (let q = q0; q < q1; q++) {
    const n = q / C, c = q - n * C;
    let src = input + (<usize>(n * C + c) * inPlane << 2);
    if (padded != 0) {
      padPlanes(padBuf, src, 1, D, H, W, pd0, pd1, ph0, ph1, pw0, pw1, d.paddingMode);
      src = padBuf;
    }
    for (let m = 0; m < mult; m++) {
      const oc = c * mult + m;
      const w = weight + (<usize>oc * taps << 2);
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0;
      let o = out + (<usize>(n * C * mult + oc) * outPlane << 2);
      if (plane3x3) {
        if (sw == 1) plane3x3Of(1, o, src, Wp, w, OH, OW, sh, b);
        else plane3x3Of(2, o, src, Wp, w, OH, OW, sh, b);
        continue;
      }
      for (let oz = 0; oz < OD; oz++) {
        for (let oy = 0; oy < OH; oy++) {
          const row = src + (<usize>((oz * sd * Hp + oy * sh) * Wp) << 2);
          if (sw == 1) rowStride1(o, row, w, tapOff, taps, OW, b);
          else if (sw == 2) rowStride2(o, row, w, tapOff, taps, OW, b);
          else rowStrided(o, row, w, tapOff, taps, OW, sw, b);
          o += <usize>OW << 2;
        }
      }
    }
  }
  // The fused activation (ReLU is [0, +inf]) over this thread's output planes: those of its input channels.
  const lo = d.clampMin, hi = d.clampMax;
  if (lo != -Infinity || hi != Infinity) {
    const at = out + (<usize>(q0 * mult) * outPlane << 2);
    map<Clamp>(at, at, (q1 - q0) * mult * outPlane, lo, hi, 0);
  }
}

/**
 * One output plane of a 2-D 3x3 depthwise kernel with stride (sh, sw), sw = 1 or 2 (a
 * constant: inlined per stride): the nine weights stay in registers, and each step makes
 * four outputs of a row; a row's last step overlaps the one before (outputs are written,
 * not accumulated), so no output is computed by a scalar tail. Reads only inputs of the
 * windows (stride 2 takes the even floats of two overlapping loads, as rowStride2).
 * REQUIRES: OW >= 4.
 */
@inline function plane3x3Of(sw: i32, o: usize, src: usize, Wp: i32, w: usize, OH: i32, OW: i32, sh: i32, b: f32): void {
  const w0 = v128.load32_splat(w), w1 = v128.load32_splat(w, 4), w2 = v128.load32_splat(w, 8);
  const w3 = v128.load32_splat(w, 12), w4 = v128.load32_splat(w, 16), w5 = v128.load32_splat(w, 20);
  const w6 = v128.load32_splat(w, 24), w7 = v128.load32_splat(w, 28), w8 = v128.load32_splat(w, 32);
  const bv = f32x4.splat(b);
  const rowBytes = <usize>Wp << 2;
  for (let oy = 0; oy < OH; oy++) {
    const r0 = src + <usize>(oy * sh) * rowBytes;
    const r1 = r0 + rowBytes, r2 = r1 + rowBytes;
    const orow = o + (<usize>(oy * OW) << 2);
    for (let x = 0; x < OW; x += 4) {
      if (x + 4 > OW) x = OW - 4;
      const p = <usize>(x * sw) << 2;
      let a = bv, c = f32x4.mul(w1, tapRow(sw, r0 + p, 4));
      a = madd(w0, tapRow(sw, r0 + p, 0), a);
      c = madd(w2, tapRow(sw, r0 + p, 8), c);
      a = madd(w3, tapRow(sw, r1 + p, 0), a);
      c = madd(w4, tapRow(sw, r1 + p, 4), c);
      a = madd(w5, tapRow(sw, r1 + p, 8), a);
      c = madd(w6, tapRow(sw, r2 + p, 0), c);
      a = madd(w7, tapRow(sw, r2 + p, 4), a);
      c = madd(w8, tapRow(sw, r2 + p, 8), c);
      v128.store(orow + (<usize>x << 2), f32x4.add(a, c));
    }
  }
}

/** Four inputs of one tap for four consecutive outputs: floats at p + off and then every sw-th. */
@inline function tapRow(sw: i32, p: usize, off: usize): v128 {
  if (sw == 1) return v128.load(p + off);
  return v128.shuffle<f32>(v128.load(p + off), v128.load(p + off, 12), 0, 2, 5, 7);
}

/** o[x] = b + sum_t w[t] * row[tapOff[t] + x] for x < OW. */
function rowStride1(o: usize, row: usize, w: usize, tapOff: usize, taps: i32, OW: i32, b: f32): void {
  const bv = f32x4.splat(b);
  let x = 0;
  // 32 outputs at a time: eight independent accumulator chains hide the add latency.
  for (; x < OW; x += 32) {
    if (x + 32 > OW) {
      if (OW < 32) break;
      x = OW - 32;
    }
    tapBlock(true, o + (<usize>x << 2), row + (<usize>x << 2), w, tapOff, taps, bv);
  }
  if (x >= OW) return;
  for (; x < OW; x += 16) {
    // A short last block overlaps the previous one (outputs are written, not accumulated,
    // so recomputing a few is harmless) instead of falling back to narrower, slower blocks.
    if (x + 16 > OW) {
      if (OW < 16) break;
      x = OW - 16;
    }
    tapBlock(false, o + (<usize>x << 2), row + (<usize>x << 2), w, tapOff, taps, bv);
  }
  for (; x + 4 <= OW; x += 4) {
    let a0 = bv;
    const r = row + (<usize>x << 2);
    for (let t = 0; t < taps; t++) {
      const tp = <usize>t << 2;
      a0 = madd(v128.load32_splat(w + tp), v128.load(r + <usize>load<i32>(tapOff + tp)), a0);
    }
    v128.store(o + (<usize>x << 2), a0);
  }
  for (; x < OW; x++) {
    let s = b;
    const r = row + (<usize>x << 2);
    for (let t = 0; t < taps; t++) {
      const tp = <usize>t << 2;
      s += load<f32>(w + tp) * load<f32>(r + <usize>load<i32>(tapOff + tp));
    }
    store<f32>(o + (<usize>x << 2), s);
  }
}

/**
 * op[j] = bv + sum_t w[t] * r[tapOff[t] + j] for 32 outputs j (`wide`) or 16: eight (four)
 * independent accumulator chains hide the add latency. Inlined with `wide` constant.
 */
@inline function tapBlock(wide: bool, op: usize, r: usize, w: usize, tapOff: usize, taps: i32, bv: v128): void {
  let a0 = bv, a1 = bv, a2 = bv, a3 = bv, a4 = bv, a5 = bv, a6 = bv, a7 = bv;
  for (let t = 0; t < taps; t++) {
    const tp = <usize>t << 2;
    const wv = v128.load32_splat(w + tp);
    const p = r + <usize>load<i32>(tapOff + tp);
    a0 = madd(wv, v128.load(p), a0);
    a1 = madd(wv, v128.load(p, 16), a1);
    a2 = madd(wv, v128.load(p, 32), a2);
    a3 = madd(wv, v128.load(p, 48), a3);
    if (wide) {
      a4 = madd(wv, v128.load(p, 64), a4);
      a5 = madd(wv, v128.load(p, 80), a5);
      a6 = madd(wv, v128.load(p, 96), a6);
      a7 = madd(wv, v128.load(p, 112), a7);
    }
  }
  v128.store(op, a0);
  v128.store(op, a1, 16);
  v128.store(op, a2, 32);
  v128.store(op, a3, 48);
  if (wide) {
    v128.store(op, a4, 64);
    v128.store(op, a5, 80);
    v128.store(op, a6, 96);
    v128.store(op, a7, 112);
  }
}

/**
 * Same as rowStride1 with input positions 2x: each four outputs take the even ones of
 * seven consecutive inputs (two overlapping loads and a shuffle; nothing past the last
 * needed input is read).
 */
function rowStride2(o: usize, row: usize, w: usize, tapOff: usize, taps: i32, OW: i32, b: f32): void {
  const bv = f32x4.splat(b);
  let x = 0;
  for (; x + 8 <= OW; x += 8) {
    let a0 = bv, a1 = bv;
    const r = row + (<usize>x << 3);
    for (let t = 0; t < taps; t++) {
      const tp = <usize>t << 2;
      const wv = v128.load32_splat(w + tp);
      const p = r + <usize>load<i32>(tapOff + tp);
      a0 = madd(wv, v128.shuffle<f32>(v128.load(p), v128.load(p, 12), 0, 2, 5, 7), a0);
      a1 = madd(wv, v128.shuffle<f32>(v128.load(p, 32), v128.load(p, 44), 0, 2, 5, 7), a1);
    }
    v128.store(o + (<usize>x << 2), a0);
    v128.store(o + (<usize>x << 2), a1, 16);
  }
  rowStrided(o + (<usize>x << 2), row + (<usize>x << 3), w, tapOff, taps, OW - x, 2, b);
}

/** Same as rowStride1 with input positions x * sw: the four lanes are gathered. */
function rowStrided(o: usize, row: usize, w: usize, tapOff: usize, taps: i32, OW: i32, sw: i32, b: f32): void {
  const bv = f32x4.splat(b);
  const step = <usize>sw << 2;
  let x = 0;
  for (; x + 4 <= OW; x += 4) {
    let a0 = bv;
    const r = row + <usize>x * step;
    for (let t = 0; t < taps; t++) {
      const tp = <usize>t << 2;
      const p = r + <usize>load<i32>(tapOff + tp);
      let v = f32x4.splat(load<f32>(p));
      v = f32x4.replace_lane(v, 1, load<f32>(p + step));
      v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * step));
      v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * step));
      a0 = madd(v128.load32_splat(w + tp), v, a0);
    }
    v128.store(o + (<usize>x << 2), a0);
  }
  for (; x < OW; x++) {
    let s = b;
    const r = row + <usize>x * step;
    for (let t = 0; t < taps; t++) {
      const tp = <usize>t << 2;
      s += load<f32>(w + tp) * load<f32>(r + <usize>load<i32>(tapOff + tp));
    }
    store<f32>(o + (<usize>x << 2), s);
  }
}
