// Average and power-average (LPPool) pooling: window sums by the two passes of
// pool_rows.ts (or the register path of pool_stride2.ts), then scaled per output.

import { PoolDesc } from "./abi";
import { partEnd, partScratch, partStart } from "./parts";
import { align16, fillF32 } from "./buffers";
import { SUM, at, frameRow, reduceAlong, reduceRows, rowAt, rowBytes, rowListBytes, rowSpan, windowRows } from "./pool_rows";
import { stride2Applies, stride2End, stride2Output, stride2Start } from "./pool_stride2";

/**
 * Window size along one dimension for PyTorch's divisor: with countIncludePad the
 * window clipped to the padded input, otherwise clipped to the input itself.
 */
@inline
function windowCount(o: i32, s: i32, k: i32, pad: i32, n: i32, includePad: bool): i32 {
  const start = o * s - pad;
  const end = min(start + k, n + pad);
  return includePad ? end - start : min(end, n) - max(start, 0);
}

/** dst[c] = sum over the rows at rows[1..nr] of src[row + c]^p (PyTorch's x.pow(p)); SIMD for p = 1 and 2. */
@inline
function powRows(dst: usize, src: usize, rows: usize, nr: i32, n: i32, p: f32): void {
  if (p == 1) {
    reduceRows(dst, src, rows, nr, n, SUM);
    return;
  }
  fillF32(dst, n, 0);
  for (let r = 1; r <= nr; r++) {
    const rp = rowAt(src, rows, r);
    let c = 0;
    if (p == 2) {
      for (; c + 4 <= n; c += 4) {
        const v = v128.load(at(rp, c));
        v128.store(at(dst, c), f32x4.add(v128.load(at(dst, c)), f32x4.mul(v, v)));
      }
      for (; c < n; c++) {
        const v = load<f32>(at(rp, c));
        store<f32>(at(dst, c), load<f32>(at(dst, c)) + v * v);
      }
    } else {
      for (; c < n; c++) store<f32>(at(dst, c), load<f32>(at(dst, c)) + <f32>Math.pow(<f64>load<f32>(at(rp, c)), <f64>p));
    }
  }
}

/** (x * scale)^(1/p) for the finished sums of LPPool; SIMD square root for p = 2. */
@inline
function lpFinish(row: usize, scale: usize, n: i32, p: f32): void {
  let j = 0;
  if (p == 2) {
    for (; j + 4 <= n; j += 4) v128.store(at(row, j), f32x4.sqrt(f32x4.mul(v128.load(at(row, j)), v128.load(at(scale, j)))));
    for (; j < n; j++) store<f32>(at(row, j), Mathf.sqrt(load<f32>(at(row, j)) * load<f32>(at(scale, j))));
  } else {
    const inv = 1.0 / <f64>p;
    for (; j < n; j++) store<f32>(at(row, j), <f32>Math.pow(<f64>(load<f32>(at(row, j)) * load<f32>(at(scale, j))), inv));
  }
}

/**
 * scale[ow] = 1/divisor, or kernelSize/divisor for LPPool, for an output row whose
 * window covers countDH rows: the divisor is divisorOverride when non-zero, else
 * countDH * countW[ow].
 */
@inline
function scaleRow(scale: usize, countW: usize, oW: i32, countDH: i32, divisorOverride: i32, lp: bool, kernelSize: f32): void {
  for (let ow = 0; ow < oW; ow++) {
    const divisor = divisorOverride != 0 ? divisorOverride : countDH * load<i32>(at(countW, ow));
    store<f32>(at(scale, ow), lp ? kernelSize / <f32>divisor : <f32>(1.0 / <f64>divisor));
  }
}

/** row[j] *= scale[j] for j < n. */
@inline
function scaleBy(row: usize, scale: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(at(row, j), f32x4.mul(v128.load(at(row, j)), v128.load(at(scale, j))));
  for (; j < n; j++) store<f32>(at(row, j), load<f32>(at(row, j)) * load<f32>(at(scale, j)));
}

/**
 * Shared body of average and power-average pooling. Sums each window (of x^p when
 * `lp`), then scales by 1/divisor, where the divisor follows PyTorch's avg_pool rules:
 * divisorOverride when non-zero, else the window clipped to the padded input
 * (countIncludePad) or to the input. LPPool then multiplies by the kernel size and takes
 * the p-th root, as PyTorch's lp_pool does with avg_pool.
 */
@inline
function averageBody(out: usize, input: usize, scratch: usize, d: PoolDesc, lp: bool): void {
  const planes = d.planes, iD = d.inD, iH = d.inH, iW = d.inW, oD = d.outD, oH = d.outH, oW = d.outW;
  const kD = d.kernelD, kH = d.kernelH, kW = d.kernelW, sD = d.strideD, sH = d.strideH, sW = d.strideW;
  const pD = d.padD, pH = d.padH, pW = d.padW;
  const includePad = lp || d.countIncludePad != 0;
  const divisorOverride = lp ? 0 : d.divisorOverride;
  const p = d.normType;
  const span = rowSpan(iW, oW, kW, sW, pW, 1);
  const row = partScratch(scratch);
  const rows = row + rowBytes(span);
  const countW = rows + rowListBytes(kD * kH);
  const scale = countW + align16(<usize>oW << 2);
  frameRow(row, pW, iW, span, 0);
  for (let ow = 0; ow < oW; ow++) store<i32>(at(countW, ow), windowCount(ow, sW, kW, pW, iW, includePad));
  const kernelSize = <f32>(kD * kH * kW);
  const plane = iD * iH * iW;
  const inputEnd = input + (<usize>planes * <usize>plane << 2);
  const fused = !lp && stride2Applies(kW, sW, 1);
  const jIn = stride2Start(kW, pW);
  const jEnd = stride2End(iW, oW, kW, pW);
  let scaleKey = -1;
  // This thread's share of the planes (parts.ts).
  const p0 = partStart(planes, 1), p1 = partEnd(planes, 1);
  let o = out + (<usize>p0 * <usize>(oD * oH * oW) << 2);
  for (let pl = p0; pl < p1; pl++) {
    const src = input + (<usize>pl * <usize>plane << 2);
    for (let od = 0; od < oD; od++) {
      const countD = windowCount(od, sD, kD, pD, iD, includePad);
      for (let oh = 0; oh < oH; oh++) {
        const countDH = countD * windowCount(oh, sH, kH, pH, iH, includePad);
        // The row of scales depends on the row only through countDH: rebuild it when that changes.
        if (countDH != scaleKey) {
          scaleKey = countDH;
          scaleRow(scale, countW, oW, countDH, divisorOverride, lp, kernelSize);
        }
        const nr = windowRows(rows, od * sD - pD, oh * sH - pH, iD, iH, iW, kD, kH, 1, 1);
        if (fused && stride2Output(o, src, rows, nr, iW, oW, kW, pW, jIn, jEnd, scale, inputEnd, SUM)) {
          // done in registers
        } else if (lp) {
          powRows(at(row, pW), src, rows, nr, iW, p);
          reduceAlong(o, row, span + 4, oW, kW, sW, 1, SUM);
          lpFinish(o, scale, oW, p);
        } else {
          reduceRows(at(row, pW), src, rows, nr, iW, SUM);
          reduceAlong(o, row, span + 4, oW, kW, sW, 1, SUM);
          scaleBy(o, scale, oW);
        }
        o = at(o, oW);
      }
    }
  }
}

/**
 * Average pooling. out: planes x oD x oH x oW; input: planes x iD x iH x iW (float32).
 * desc (a PoolDesc): countIncludePad 1 counts padding (not the ceil-mode overhang) in
 * the divisor; divisorOverride 0 for none; dilation is not read (always 1).
 * REQUIRES: sizes, kernel, stride >= 1; 0 <= padding <= kernel / 2; every window starts
 * inside the input or its left padding; scratch of poolScratchBytes(desc).
 */
export function avgPool3d_f32(out: usize, input: usize, scratch: usize, desc: usize): void {
  averageBody(out, input, scratch, changetype<PoolDesc>(desc), false);
}

/**
 * Power-average pooling, PyTorch's lp_pool: (avg_pool(x^p) * kD*kH*kW)^(1/p) with no
 * padding; in ceil mode the last windows average over the part inside the input.
 * A negative window sum with a fractional 1/p gives NaN, as in PyTorch. desc (a
 * PoolDesc): normType is p; countIncludePad and divisorOverride are not read.
 * REQUIRES: as avgPool3d_f32 with zero padding; p != 0.
 */
export function lpPool3d_f32(out: usize, input: usize, scratch: usize, desc: usize): void {
  averageBody(out, input, scratch, changetype<PoolDesc>(desc), true);
}
