// Softmax and log-softmax along one dimension.
//
// Layout: input and out are [outer, dim, inner] contiguous floats; the reduction runs over
// `dim`. Each input is first multiplied by `sign` (+1, or -1 for softmin). The maximum is
// subtracted before exponentiating, so no input magnitude overflows; a row holding NaN
// or +Infinity gives NaN throughout, and a row of -Infinity gives NaN, as in PyTorch.
//
// inner == 1: each row is contiguous and the vectors run along it.
// inner > 1:  the vectors run along `inner`, over whole [dim] slices at a time, with a
//             running maximum and sum per inner position kept in `scratch`.
// REQUIRES: dim >= 1; scratch holds 2 * inner floats when inner > 1; out does not alias input.

import { exp4, loadTail, logPositive4, storeTail } from "./vmath";

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

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** One contiguous row of `dim` values. */
@inline function softmaxRow(dst: usize, src: usize, dim: i32, sign: v128, isLog: bool): void {
  const end = <usize>(dim & ~3) << 2;
  const rest = dim & 3;
  // Maximum (NaN is skipped here but reaches the sum through exp, which turns the row into NaN).
  let m4 = f32x4.splat(-Infinity);
  let o: usize = 0;
  for (; o < end; o += 16) m4 = f32x4.pmax(m4, f32x4.mul(v128.load(src + o), sign));
  let m = hmax(m4);
  const s0 = f32x4.extract_lane(sign, 0);
  for (let j = dim & ~3; j < dim; j++) {
    const v = load<f32>(src + (<usize>j << 2)) * s0;
    m = m < v ? v : m;
  }
  const mv = f32x4.splat(m);
  // Sum of exp(x - max); softmax keeps the exponentials in dst.
  let s4 = f32x4.splat(0.0);
  o = 0;
  for (; o < end; o += 16) {
    const e = exp4(f32x4.sub(f32x4.mul(v128.load(src + o), sign), mv));
    if (!isLog) v128.store(dst + o, e);
    s4 = f32x4.add(s4, e);
  }
  if (rest) {
    const e = exp4(f32x4.sub(f32x4.mul(loadTail(src + o, rest), sign), mv));
    if (!isLog) storeTail(dst + o, e, rest);
    s4 = f32x4.add(s4, v128.and(e, laneMask(rest)));
  }
  const sum = hsum(s4);
  o = 0;
  if (isLog) {
    // (x - max) - log(sum), in that order: x - max is exact near the maximum, where the
    // result is tiny. Mathf.log keeps a NaN sum NaN.
    const logSum = f32x4.splat(Mathf.log(sum));
    for (; o < end; o += 16) v128.store(dst + o, f32x4.sub(f32x4.sub(f32x4.mul(v128.load(src + o), sign), mv), logSum));
    if (rest) storeTail(dst + o, f32x4.sub(f32x4.sub(f32x4.mul(loadTail(src + o, rest), sign), mv), logSum), rest);
  } else {
    const inv = f32x4.splat(<f32>1.0 / sum);
    for (; o < end; o += 16) v128.store(dst + o, f32x4.mul(v128.load(dst + o), inv));
    if (rest) storeTail(dst + o, f32x4.mul(loadTail(dst + o, rest), inv), rest);
  }
}

/** One [dim, inner] slice, vectorised along inner. */
@inline function softmaxSlice(dst: usize, src: usize, scratch: usize, dim: i32, inner: i32, sign: v128, isLog: bool): void {
  const rowBytes = <usize>inner << 2;
  const end = <usize>(inner & ~3) << 2;
  const rest = inner & 3;
  const maxRow = scratch;
  const sumRow = scratch + rowBytes;
  // Running maximum per inner position.
  let o: usize = 0;
  for (; o < end; o += 16) v128.store(maxRow + o, f32x4.mul(v128.load(src + o), sign));
  if (rest) storeTail(maxRow + o, f32x4.mul(loadTail(src + o, rest), sign), rest);
  for (let d = 1; d < dim; d++) {
    const row = src + <usize>d * rowBytes;
    o = 0;
    for (; o < end; o += 16) v128.store(maxRow + o, f32x4.pmax(v128.load(maxRow + o), f32x4.mul(v128.load(row + o), sign)));
    if (rest) storeTail(maxRow + o, f32x4.pmax(loadTail(maxRow + o, rest), f32x4.mul(loadTail(row + o, rest), sign)), rest);
  }
  // Running sum of exp(x - max).
  memory.fill(sumRow, 0, rowBytes);
  for (let d = 0; d < dim; d++) {
    const row = src + <usize>d * rowBytes;
    const out = dst + <usize>d * rowBytes;
    o = 0;
    for (; o < end; o += 16) {
      const e = exp4(f32x4.sub(f32x4.mul(v128.load(row + o), sign), v128.load(maxRow + o)));
      if (!isLog) v128.store(out + o, e);
      v128.store(sumRow + o, f32x4.add(v128.load(sumRow + o), e));
    }
    if (rest) {
      const e = exp4(f32x4.sub(f32x4.mul(loadTail(row + o, rest), sign), loadTail(maxRow + o, rest)));
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
        const shifted = f32x4.sub(f32x4.mul(v128.load(row + o), sign), v128.load(maxRow + o));
        v128.store(out + o, f32x4.sub(shifted, v128.load(sumRow + o)));
      }
      if (rest) {
        const shifted = f32x4.sub(f32x4.mul(loadTail(row + o, rest), sign), loadTail(maxRow + o, rest));
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

@inline function softmaxAny(out: usize, input: usize, scratch: usize, outer: i32, dim: i32, inner: i32, sign: f32, isLog: bool): void {
  const s = f32x4.splat(sign);
  const sliceBytes = (<usize>dim * <usize>inner) << 2;
  for (let b = 0; b < outer; b++) {
    const src = input + <usize>b * sliceBytes;
    const dst = out + <usize>b * sliceBytes;
    if (inner == 1) softmaxRow(dst, src, dim, s, isLog);
    else softmaxSlice(dst, src, scratch, dim, inner, s, isLog);
  }
}

/** exp(sign*x - max) / sum over dim: softmax (sign 1) and softmin (sign -1). */
export function softmax_f32(out: usize, input: usize, scratch: usize, outer: i32, dim: i32, inner: i32, sign: f32): void {
  softmaxAny(out, input, scratch, outer, dim, inner, sign, false);
}

/** sign*x - max - log(sum of exp(sign*x - max)) over dim. */
export function logSoftmax_f32(out: usize, input: usize, scratch: usize, outer: i32, dim: i32, inner: i32, sign: f32): void {
  softmaxAny(out, input, scratch, outer, dim, inner, sign, true);
}
