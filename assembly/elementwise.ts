// Fill, copy and the finiteness check over contiguous float32 / int32 buffers, and the
// strided copy between views. Fill uses the shared helper of buffers.ts. Arithmetic lives
// in broadcast.ts.

import { MAX_STRIDED_DIMS, StridedCopyDesc } from "./abi";
import { fillF32 } from "./buffers";
import { hsum } from "./simd";
import { advanceWalk, cursor, startWalk } from "./walk";

/** out[i] = value for i < n (float32). */
export function fill_f32(out: usize, n: i32, value: f32): void {
  fillF32(out, n, value);
}

/** out[i] = value for i < n (int32): the same 32-bit pattern stored (loads and stores never change float bits). */
export function fill_i32(out: usize, n: i32, value: i32): void {
  fillF32(out, n, reinterpret<f32>(value));
}

/** Copies `n` 4-byte elements; the ranges may overlap. */
export function copy_32(out: usize, input: usize, n: i32): void {
  memory.copy(out, input, <usize>n << 2);
}

/**
 * Copies a strided view of 32-bit elements into another of the same shape (gather into a
 * contiguous buffer, scatter into a view, or both), described by a StridedCopyDesc
 * (sizes, input strides, output strides, all in elements; strides may be 0 or negative);
 * `out` and `input` point at each view's first element.
 * REQUIRES: 1 <= ndim <= MAX_STRIDED_DIMS; the two views do not overlap.
 */
export function copyStrided_32(out: usize, input: usize, desc: usize): void {
  const d = changetype<StridedCopyDesc>(desc);
  const ndim = d.ndim;
  const last = ndim - 1;
  const innerSize = d.size(last);
  const inStep = <isize>d.inStride(last) << 2;
  const outStep = <isize>d.outStride(last) << 2;
  const outer = startWalk(input, out, last, d.sizesAt());
  for (let o = 0; o < outer; o++) {
    const src = cursor.a, dst = cursor.b;
    if (inStep == 4 && outStep == 4) {
      memory.copy(dst, src, <usize>innerSize << 2);
    } else {
      let s = src;
      let t = dst;
      for (let i = 0; i < innerSize; i++) {
        store<i32>(t, load<i32>(s));
        s += inStep;
        t += outStep;
      }
    }
    advanceWalk(last, d.sizesAt(), d.inStridesAt(), d.outStridesAt());
  }
}

/** 1 when all n floats at p are finite, 0 when any is NaN or infinite (x - x is 0 only for finite x). */
export function allFinite_f32(p: usize, n: i32): i32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    acc = f32x4.add(acc, f32x4.sub(v, v));
  }
  let tail: f32 = 0;
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    tail += v - v;
  }
  // Every term is 0 or NaN, so the order of the sum does not matter.
  return hsum(acc) + tail == 0 ? 1 : 0;
}
