// Small v128 helpers shared by the kernels; all inlined.

/** The sum of the four lanes, added pairwise. */
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * Stores the 4x4 transpose of the rows x0..x3: column j (lane j of every row) goes to
 * d + j * step bytes.
 */
@inline export function storeTransposed4x4(d: usize, step: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
  const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(d + step, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(d + 2 * step, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(d + 3 * step, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/**
 * a * b + c per lane: one fused multiply-add (f32x4.relaxed_madd) in the relaxed-SIMD build
 * (`asc --enable relaxed-simd`), a multiply then an add in the plain one. The fused form
 * rounds once instead of twice, so results may differ from the plain build's in the last
 * bit; `ready({ relaxedSimd: false })` picks the plain build for bit-identical results.
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** 1 in the relaxed-SIMD build, 0 in the plain one (what ready() reports as relaxedSimd). */
export function relaxedSimd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
