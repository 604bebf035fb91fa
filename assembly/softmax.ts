// Softmax and log-softmax along one dimension.
//
// Layout: input and out are [outer, dim, inner] contiguous floats; the reduction runs over
// `dim`. Inputs are negated when `sign` is negative (softmin). The maximum is
// subtracted before exponentiating, so no input magnitude overflows; a row holding NaN
// or +Infinity gives NaN throughout, and a row of -Infinity gives NaN, as in PyTorch.
//
// inner == 1: each row is contiguous and the vectors run along it.
// inner > 1:  the vectors run along `inner`, over whole [dim] slices at a time, with a
//             running maximum and sum per inner position kept in `scratch`.
// REQUIRES: dim >= 1; scratch holds 2 * inner floats when inner > 1; out does not alias input.

import { loadTail, storeTail } from "./map";
import { exp4, logPositive4 } from "./vmath";
import { hsum } from "./simd";

/** Lanes [0, count) set. */
@inline function laneMask(count: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count));
}

@inline function hmax(v: v128): f32 {
  const a = f32x4.extract_lane(v, 0);
  const b = f32x4.extract_lane(v, 1);
  const c = f32x4.extract_lane(v, 2);
  const d = f32x4.extract_lane(v, 3);
  const ab = a < b ? b : a;
  const cd = c < d ? d : c;
  return ab < cd ? cd : ab;
}

/** sign * v for the compile-time sign of softmax (+1) or softmin (-1). */
@inline function signed(v: v128, negate: bool): v128 {
  return negate ? f32x4.mul(v, f32x4.splat(-1.0)) : v;
}

/** One contiguous row of `dim` values, in blocks of four vectors with independent chains. */
@inline function softmaxRow(dst: usize, src: usize, dim: i32, negate: bool, isLog: bool): void {
  const blockEnd = <usize>(dim & ~15) << 2;
  const end = <usize>(dim & ~3) << 2;
  const rest = dim & 3;
  // Maximum (NaN is skipped here but reaches the sum through exp, which turns the row into NaN).
  let m0 = f32x4.splat(-Infinity);
  let m1 = m0;
  let m2 = m0;
  let m3 = m0;
  let o: usize = 0;
  for (; o < blockEnd; o += 64) {
    m0 = f32x4.pmax(m0, signed(v128.load(src + o), negate));
    m1 = f32x4.pmax(m1, signed(v128.load(src + o, 16), negate));
    m2 = f32x4.pmax(m2, signed(v128.load(src + o, 32), negate));
    m3 = f32x4.pmax(m3, signed(v128.load(src + o, 48), negate));
  }
  for (; o < end; o += 16) m0 = f32x4.pmax(m0, signed(v128.load(src + o), negate));
  let m = hmax(f32x4.pmax(f32x4.pmax(m0, m1), f32x4.pmax(m2, m3)));
  for (let j = dim & ~3; j < dim; j++) {
    const x = load<f32>(src + (<usize>j << 2));
    const v = negate ? -x : x;
    m = m < v ? v : m;
  }
  const mv = f32x4.splat(m);
  // Sum of exp(x - max); softmax keeps the exponentials in dst.
  let s0 = f32x4.splat(0.0);
  let s1 = s0;
  let s2 = s0;
  let s3 = s0;
  o = 0;
  for (; o < blockEnd; o += 64) {
    const e0 = exp4(f32x4.sub(signed(v128.load(src + o), negate), mv));
    const e1 = exp4(f32x4.sub(signed(v128.load(src + o, 16), negate), mv));
    const e2 = exp4(f32x4.sub(signed(v128.load(src + o, 32), negate), mv));
    const e3 = exp4(f32x4.sub(signed(v128.load(src + o, 48), negate), mv));
    if (!isLog) {
      v128.store(dst + o, e0);
      v128.store(dst + o, e1, 16);
      v128.store(dst + o, e2, 32);
      v128.store(dst + o, e3, 48);
    }
    s0 = f32x4.add(s0, e0);
    s1 = f32x4.add(s1, e1);
    s2 = f32x4.add(s2, e2);
    s3 = f32x4.add(s3, e3);
  }
  for (; o < end; o += 16) {
    const e = exp4(f32x4.sub(signed(v128.load(src + o), negate), mv));
    if (!isLog) v128.store(dst + o, e);
    s0 = f32x4.add(s0, e);
  }
  if (rest) {
    const e = exp4(f32x4.sub(signed(loadTail(src + o, rest), negate), mv));
    if (!isLog) storeTail(dst + o, e, rest);
    s0 = f32x4.add(s0, v128.and(e, laneMask(rest)));
  }
  const sum = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  o = 0;
  if (isLog) {
    // (x - max) - log(sum), in that order: x - max is exact near the maximum, where the
    // result is tiny. Mathf.log keeps a NaN sum NaN.
    const logSum = f32x4.splat(Mathf.log(sum));
    for (; o < blockEnd; o += 64) {
      const y0 = f32x4.sub(f32x4.sub(signed(v128.load(src + o), negate), mv), logSum);
      const y1 = f32x4.sub(f32x4.sub(signed(v128.load(src + o, 16), negate), mv), logSum);
      const y2 = f32x4.sub(f32x4.sub(signed(v128.load(src + o, 32), negate), mv), logSum);
      const y3 = f32x4.sub(f32x4.sub(signed(v128.load(src + o, 48), negate), mv), logSum);
      v128.store(dst + o, y0);
      v128.store(dst + o, y1, 16);
      v128.store(dst + o, y2, 32);
      v128.store(dst + o, y3, 48);
    }
    for (; o < end; o += 16) v128.store(dst + o, f32x4.sub(f32x4.sub(signed(v128.load(src + o), negate), mv), logSum));
    if (rest) storeTail(dst + o, f32x4.sub(f32x4.sub(signed(loadTail(src + o, rest), negate), mv), logSum), rest);
  } else {
    const inv = f32x4.splat(<f32>1.0 / sum);
    for (; o < blockEnd; o += 64) {
      const y0 = f32x4.mul(v128.load(dst + o), inv);
      const y1 = f32x4.mul(v128.load(dst + o, 16), inv);
      const y2 = f32x4.mul(v128.load(dst + o, 32), inv);
      const y3 = f32x4.mul(v128.load(dst + o, 48), inv);
      v128.store(dst + o, y0);
      v128.store(dst + o, y1, 16);
      v128.store(dst + o, y2, 32);
      v128.store(dst + o, y3, 48);
    }
    for (; o < end; o += 16) v128.store(dst + o, f32x4.mul(v128.load(dst + o), inv));
    if (rest) storeTail(dst + o, f32x4.mul(loadTail(dst + o, rest), inv), rest);
  }
}

/** One [dim, inner] slice, vectorised along inner. */
@inline function softmaxSlice(dst: usize, src: usize, scratch: usize, dim: i32, inner: i32, negate: bool, isLog: bool): void {
  const rowBytes = <usize>inner << 2;
  const blockEnd = <usize>(inner & ~15) << 2;
  const end = <usize>(inner & ~3) << 2;
  const rest = inner & 3;
  const maxRow = scratch;
  const sumRow = scratch + rowBytes;
  // Running maximum per inner position.
  let o: usize = 0;
  for (; o < end; o += 16) v128.store(maxRow + o, signed(v128.load(src + o), negate));
  if (rest) storeTail(maxRow + o, signed(loadTail(src + o, rest), negate), rest);
  for (let d = 1; d < dim; d++) {
    const row = src + <usize>d * rowBytes;
    o = 0;
    for (; o < end; o += 16) v128.store(maxRow + o, f32x4.pmax(v128.load(maxRow + o), signed(v128.load(row + o), negate)));
    if (rest) storeTail(maxRow + o, f32x4.pmax(loadTail(maxRow + o, rest), signed(loadTail(row + o, rest), negate)), rest);
  }
  // Running sum of exp(x - max).
  memory.fill(sumRow, 0, rowBytes);
  for (let d = 0; d < dim; d++) {
    const row = src + <usize>d * rowBytes;
    const out = dst + <usize>d * rowBytes;
    o = 0;
    for (; o < blockEnd; o += 64) {
      const e0 = exp4(f32x4.sub(signed(v128.load(row + o), negate), v128.load(maxRow + o)));
      const e1 = exp4(f32x4.sub(signed(v128.load(row + o, 16), negate), v128.load(maxRow + o, 16)));
      const e2 = exp4(f32x4.sub(signed(v128.load(row + o, 32), negate), v128.load(maxRow + o, 32)));
      const e3 = exp4(f32x4.sub(signed(v128.load(row + o, 48), negate), v128.load(maxRow + o, 48)));
      if (!isLog) {
        v128.store(out + o, e0);
        v128.store(out + o, e1, 16);
        v128.store(out + o, e2, 32);
        v128.store(out + o, e3, 48);
      }
      v128.store(sumRow + o, f32x4.add(v128.load(sumRow + o), e0));
      v128.store(sumRow + o, f32x4.add(v128.load(sumRow + o, 16), e1), 16);
      v128.store(sumRow + o, f32x4.add(v128.load(sumRow + o, 32), e2), 32);
      v128.store(sumRow + o, f32x4.add(v128.load(sumRow + o, 48), e3), 48);
    }
    for (; o < end; o += 16) {
      const e = exp4(f32x4.sub(signed(v128.load(row + o), negate), v128.load(maxRow + o)));
      if (!isLog) v128.store(out + o, e);
      v128.store(sumRow + o, f32x4.add(v128.load(sumRow + o), e));
    }
    if (rest) {
      const e = exp4(f32x4.sub(signed(loadTail(row + o, rest), negate), loadTail(maxRow + o, rest)));
      if (!isLog) storeTail(out + o, e, rest);
      storeTail(sumRow + o, f32x4.add(loadTail(sumRow + o, rest), e), rest);
    }
  }
  if (isLog) {
    // sumRow <- log(sum); adding sum - sum turns a NaN or infinite sum into NaN.
    o = 0;
    for (; o < end; o += 16) {
      const s = v128.load(sumRow + o);
      v128.store(sumRow + o, f32x4.add(logPositive4(s), f32x4.sub(s, s)));
    }
    if (rest) {
      const s = loadTail(sumRow + o, rest);
      storeTail(sumRow + o, f32x4.add(logPositive4(s), f32x4.sub(s, s)), rest);
    }
    // (x - max) - log(sum), in that order (see softmaxRow).
    for (let d = 0; d < dim; d++) {
      const row = src + <usize>d * rowBytes;
      const out = dst + <usize>d * rowBytes;
      o = 0;
      for (; o < end; o += 16) {
        const shifted = f32x4.sub(signed(v128.load(row + o), negate), v128.load(maxRow + o));
        v128.store(out + o, f32x4.sub(shifted, v128.load(sumRow + o)));
      }
      if (rest) {
        const shifted = f32x4.sub(signed(loadTail(row + o, rest), negate), loadTail(maxRow + o, rest));
        storeTail(out + o, f32x4.sub(shifted, loadTail(sumRow + o, rest)), rest);
      }
    }
  } else {
    o = 0;
    for (; o < end; o += 16) v128.store(sumRow + o, f32x4.div(f32x4.splat(1.0), v128.load(sumRow + o)));
    if (rest) storeTail(sumRow + o, f32x4.div(f32x4.splat(1.0), loadTail(sumRow + o, rest)), rest);
    for (let d = 0; d < dim; d++) {
      const out = dst + <usize>d * rowBytes;
      o = 0;
      for (; o < end; o += 16) v128.store(out + o, f32x4.mul(v128.load(out + o), v128.load(sumRow + o)));
      if (rest) storeTail(out + o, f32x4.mul(loadTail(out + o, rest), loadTail(sumRow + o, rest)), rest);
    }
  }
}

@inline function softmaxAny(out: usize, input: usize, scratch: usize, outer: i32, dim: i32, inner: i32, negate: bool, isLog: bool): void {
  const sliceBytes = (<usize>dim * <usize>inner) << 2;
  for (let b = 0; b < outer; b++) {
    const src = input + <usize>b * sliceBytes;
    const dst = out + <usize>b * sliceBytes;
    if (inner == 1) softmaxRow(dst, src, dim, negate, isLog);
    else softmaxSlice(dst, src, scratch, dim, inner, negate, isLog);
  }
}

/** exp(sign*x - max) / sum over dim: softmax (sign 1) and softmin (sign -1). */
export function softmax_f32(out: usize, input: usize, scratch: usize, outer: i32, dim: i32, inner: i32, sign: f32): void {
  if (sign < 0) softmaxAny(out, input, scratch, outer, dim, inner, true, false);
  else softmaxAny(out, input, scratch, outer, dim, inner, false, false);
}

/** sign*x - max - log(sum of exp(sign*x - max)) over dim. */
export function logSoftmax_f32(out: usize, input: usize, scratch: usize, outer: i32, dim: i32, inner: i32, sign: f32): void {
  if (sign < 0) softmaxAny(out, input, scratch, outer, dim, inner, true, true);
  else softmaxAny(out, input, scratch, outer, dim, inner, false, true);
}
