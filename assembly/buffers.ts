// Copy, fill and alignment helpers shared by every kernel; all inlined.
//
// Rows in the kernels are short (tens of floats) and copied by the thousand: inline vector
// loops beat memory.copy/memory.fill, which V8 runs as calls.

/** x rounded up to a multiple of 16 (v128 alignment). */
@inline export function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

/** dst[i] = src[i] for i < n (4-byte elements). */
@inline export function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** dst[i] = value for i < n. */
@inline export function fillF32(dst: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), value);
}
