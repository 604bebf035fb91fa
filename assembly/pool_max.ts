// Max pooling, without and with argmax indices.
//
// Without indices: the two passes of pool_rows.ts (or the register path of
// pool_stride2.ts) with the fast max, and the exact max for rows with a NaN (pool_rows.ts
// explains the choice). Argmax needs PyTorch's visiting order for ties (row-major
// through the window, the first maximum wins, the last NaN wins), which separation would
// change; it visits taps in that order instead, four outputs per v128 inside the input
// and scalar code on the border columns.

import { PoolDesc } from "./abi";
import { partEnd, partScratch, partStart } from "./parts";
import {
  EXACT_MAX, FAST_MAX, NEG_INF, at, firstTap, frameRow, gather2, reduceAlong, reduceRows, rowBytes, rowSpan,
  suspicious, takes, windowRows,
} from "./pool_rows";
import { DET, stride2Applies, stride2End, stride2Output, stride2Start } from "./pool_stride2";

/**
 * Max pooling without indices.
 * out: planes x oD x oH x oW; input: planes x iD x iH x iW (both contiguous float32).
 * Padding acts as -inf; a NaN in a window makes that output NaN.
 * REQUIRES: sizes, kernel, stride, dilation >= 1; padding >= 0; out sizes from PyTorch's
 * pooling formula; scratch of poolScratchBytes(desc). desc: a PoolDesc.
 */
export function maxPool3d_f32(out: usize, input: usize, scratch: usize, desc: usize): void {
  const d = changetype<PoolDesc>(desc);
  const planes = d.planes, iD = d.inD, iH = d.inH, iW = d.inW, oD = d.outD, oH = d.outH, oW = d.outW;
  const kD = d.kernelD, kH = d.kernelH, kW = d.kernelW, sD = d.strideD, sH = d.strideH, sW = d.strideW;
  const pD = d.padD, pH = d.padH, pW = d.padW, dD = d.dilationD, dH = d.dilationH, dW = d.dilationW;
  const span = rowSpan(iW, oW, kW, sW, pW, dW);
  const row = partScratch(scratch);
  const rows = row + rowBytes(span);
  frameRow(row, pW, iW, span, NEG_INF);
  const plane = iD * iH * iW;
  const inputEnd = input + (<usize>planes * <usize>plane << 2);
  const fused = stride2Applies(kW, sW, dW);
  const jIn = stride2Start(kW, pW);
  const jEnd = stride2End(iW, oW, kW, pW);
  // This thread's share of the planes (parts.ts).
  const p0 = partStart(planes, 1), p1 = partEnd(planes, 1);
  let o = out + (<usize>p0 * <usize>(oD * oH * oW) << 2);
  for (let p = p0; p < p1; p++) {
    const src = input + (<usize>p * <usize>plane << 2);
    for (let od = 0; od < oD; od++) {
      for (let oh = 0; oh < oH; oh++) {
        const nr = windowRows(rows, od * sD - pD, oh * sH - pH, iD, iH, iW, kD, kH, dD, dH);
        let det: v128;
        if (fused && stride2Output(o, src, rows, nr, iW, oW, kW, pW, jIn, jEnd, 0, inputEnd, FAST_MAX)) {
          det = v128.load(DET);
        } else {
          det = reduceRows(at(row, pW), src, rows, nr, iW, FAST_MAX);
          reduceAlong(o, row, span + 4, oW, kW, sW, dW, FAST_MAX);
        }
        if (suspicious(det)) {
          // A NaN (or both infinities) in these rows: redo the row with the exact max.
          reduceRows(at(row, pW), src, rows, nr, iW, EXACT_MAX);
          reduceAlong(o, row, span + 4, oW, kW, sW, dW, EXACT_MAX);
        }
        o = at(o, oW);
      }
    }
  }
}

/** One output of argmax pooling, visiting taps as PyTorch does (used on borders and tails). */
@inline
function argmaxAt(out: usize, idx: usize, src: usize, rows: usize, nr: i32, wStart: i32, kW: i32, dW: i32, iW: i32): void {
  const w0 = firstTap(wStart, dW);
  const wEnd = min(wStart + (kW - 1) * dW + 1, iW);
  // Lane 0 of vectors, so the choice is a bit select rather than a branch.
  let best = f32x4.splat(NEG_INF);
  let bestAt = i32x4.splat(load<i32>(rows) + w0);
  for (let r = 1; r <= nr; r++) {
    const base = load<i32>(at(rows, r));
    for (let w = w0; w < wEnd; w += dW) {
      const v = v128.load32_splat(at(src, base + w));
      const take = takes(v, best);
      best = v128.bitselect(v, best, take);
      bestAt = v128.bitselect(i32x4.splat(base + w), bestAt, take);
    }
  }
  store<f32>(out, f32x4.extract_lane(best, 0));
  store<i32>(idx, i32x4.extract_lane(bestAt, 0));
}

// The argmax interior is compiled once per stride class: Stride1 (plain loads), Stride2
// (gather2) and AnyStride (lane by lane). sizeof<S>() settles the class while compiling;
// left to the optimizer, the three copies were merged back into one loop that tests the
// stride at every tap (about 10% slower on 3x3/2 argmax pooling).
type Stride1 = u8;
type Stride2 = u16;
type AnyStride = u32;

/** Elements p[0], p[s], p[2s], p[3s] (reads nothing past p[3s]); s is 1 for Stride1, 2 for Stride2. */
@inline
function gatherStride<S>(p: usize, s: i32): v128 {
  if (sizeof<S>() == sizeof<Stride1>()) return v128.load(p);
  if (sizeof<S>() == sizeof<Stride2>()) return gather2(p);
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(at(p, s)));
  v = f32x4.replace_lane(v, 2, load<f32>(at(p, 2 * s)));
  return f32x4.replace_lane(v, 3, load<f32>(at(p, 3 * s)));
}

/** Four argmax outputs whose taps all lie inside the rows, one per lane. */
@inline
function argmax4<S>(out: usize, idx: usize, src: usize, rows: usize, nr: i32, w: i32, col: v128, kW: i32, sW: i32, dW: i32): void {
  let best = f32x4.splat(NEG_INF);
  let bestAt = i32x4.add(i32x4.splat(load<i32>(rows, 4)), col);
  for (let r = 1; r <= nr; r++) {
    const base = load<i32>(at(rows, r));
    const p = at(src, base + w);
    const baseAt = i32x4.add(i32x4.splat(base), col);
    for (let kw = 0; kw < kW; kw++) {
      const v = gatherStride<S>(at(p, kw * dW), sW);
      const take = takes(v, best);
      best = v128.bitselect(v, best, take);
      bestAt = v128.bitselect(i32x4.add(baseAt, i32x4.splat(kw * dW)), bestAt, take);
    }
  }
  v128.store(out, best);
  v128.store(idx, bestAt);
}

/** The SIMD columns [lo, hi) of one argmax output row, for strides of class S. */
@inline
function argmaxInterior<S>(out: usize, idx: usize, src: usize, rows: usize, nr: i32, lo: i32, hi: i32, kW: i32, sW: i32, pW: i32, dW: i32): i32 {
  let ow = lo;
  let col = i32x4(lo * sW - pW, (lo + 1) * sW - pW, (lo + 2) * sW - pW, (lo + 3) * sW - pW);
  const step = i32x4.splat(4 * sW);
  for (; ow + 4 <= hi; ow += 4) {
    argmax4<S>(at(out, ow), at(idx, ow), src, rows, nr, ow * sW - pW, col, kW, sW, dW);
    col = i32x4.add(col, step);
  }
  return ow;
}

/**
 * Max pooling with indices: out as maxPool3d_f32; indices (int32, same shape) hold the
 * flat position (id*iH + ih)*iW + iw of each maximum within its input plane, exactly as
 * PyTorch picks it: the first maximum in row-major window order, or the last NaN; a
 * window of -inf (or entirely in padding) points at its first non-negative tap.
 * REQUIRES: as maxPool3d_f32.
 */
export function maxPool3dWithIndices_f32(out: usize, indices: usize, input: usize, scratch: usize, desc: usize): void {
  const d = changetype<PoolDesc>(desc);
  const planes = d.planes, iD = d.inD, iH = d.inH, iW = d.inW, oD = d.outD, oH = d.outH, oW = d.outW;
  const kD = d.kernelD, kH = d.kernelH, kW = d.kernelW, sD = d.strideD, sH = d.strideH, sW = d.strideW;
  const pD = d.padD, pH = d.padH, pW = d.padW, dD = d.dilationD, dH = d.dilationH, dW = d.dilationW;
  const rows = partScratch(scratch);
  const plane = iD * iH * iW;
  // Columns [lo, hi) have every tap inside the row.
  const lo = min((pW + sW - 1) / sW, oW);
  const last = iW - 1 + pW - (kW - 1) * dW;
  const hi = max(lo, last >= 0 ? min(last / sW + 1, oW) : 0);
  // This thread's share of the planes (parts.ts).
  const p0 = partStart(planes, 1), p1 = partEnd(planes, 1);
  let o = out + (<usize>p0 * <usize>(oD * oH * oW) << 2);
  let x = indices + (<usize>p0 * <usize>(oD * oH * oW) << 2);
  for (let p = p0; p < p1; p++) {
    const src = input + (<usize>p * <usize>plane << 2);
    for (let od = 0; od < oD; od++) {
      for (let oh = 0; oh < oH; oh++) {
        const nr = windowRows(rows, od * sD - pD, oh * sH - pH, iD, iH, iW, kD, kH, dD, dH);
        let ow = 0;
        if (nr > 0) {
          for (; ow < lo; ow++) argmaxAt(at(o, ow), at(x, ow), src, rows, nr, ow * sW - pW, kW, dW, iW);
          if (sW == 1) ow = argmaxInterior<Stride1>(o, x, src, rows, nr, lo, hi, kW, 1, pW, dW);
          else if (sW == 2) ow = argmaxInterior<Stride2>(o, x, src, rows, nr, lo, hi, kW, 2, pW, dW);
          else ow = argmaxInterior<AnyStride>(o, x, src, rows, nr, lo, hi, kW, sW, pW, dW);
        }
        for (; ow < oW; ow++) argmaxAt(at(o, ow), at(x, ow), src, rows, nr, ow * sW - pW, kW, dW, iW);
        o = at(o, oW);
        x = at(x, oW);
      }
    }
  }
}

