import { MAX_STRIDED_DIMS } from "../abi";

// Shared by the kernel specs: buffers from the heap and bit-exact comparisons.

/** A float32 buffer of n elements filled by `f(i)`. */
export function buffer(n: i32, f: (i: i32) => f32): usize {
  const p = heap.alloc(<usize>max(n, 1) << 2);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), f(i));
  return p;
}

/** Same bits, element by element (NaN equals NaN; -0 differs from +0). */
export function sameBits(a: usize, b: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    if (load<u32>(a + (<usize>i << 2)) != load<u32>(b + (<usize>i << 2))) return false;
  }
  return true;
}

/** Lengths where SIMD code breaks: below, at and around multiples of 4. */
export const LENGTHS: i32[] = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 67];

/** Values with signs, zeros, NaN and infinities. */
export function tricky(i: i32): f32 {
  switch (i % 9) {
    case 0: return NaN;
    case 1: return Infinity;
    case 2: return -Infinity;
    case 3: return -0.0;
    case 4: return -3.5 - <f32>i;
    default: return <f32>i * 0.37 - 2.0;
  }
}

/** A StridedCopyDesc (abi.ts) in a fresh heap block; the caller frees it. */
export function stridedCopyDesc(sizes: i32[], inStrides: i32[], outStrides: i32[]): usize {
  const p = heap.alloc(4 + 3 * 4 * MAX_STRIDED_DIMS);
  store<i32>(p, sizes.length);
  for (let d = 0; d < sizes.length; d++) {
    store<i32>(p + 4 + (<usize>d << 2), sizes[d]);
    store<i32>(p + 4 + (<usize>(MAX_STRIDED_DIMS + d) << 2), inStrides[d]);
    store<i32>(p + 4 + (<usize>(2 * MAX_STRIDED_DIMS + d) << 2), outStrides[d]);
  }
  return p;
}

/** Smooth test data: multiples of 1/16 in [-0.7, 0.7]. */
export function wave(i: i32): f32 { return <f32>((i * 7919) % 23) * 0.0625 - 0.7; }

/** Another smooth pattern, in [-1, 1]. */
export function wave2(i: i32): f32 { return <f32>((i * 104729) % 19) * 0.11 - 1.0; }

/** |a - b| <= tol * scale + 1e-5 |b| elementwise; NaN matches NaN, infinities exactly. */
export function closeScaled(a: usize, b: usize, n: i32, scale: f32, tol: f32 = 1e-5): bool {
  for (let i = 0; i < n; i++) {
    const x = load<f32>(a + (<usize>i << 2));
    const y = load<f32>(b + (<usize>i << 2));
    if (isNaN(y)) { if (!isNaN(x)) return false; continue; }
    if (!isFinite(y)) { if (x != y) return false; continue; }
    if (Mathf.abs(x - y) > tol * scale + 1e-5 * Mathf.abs(y)) return false;
  }
  return true;
}

/** A descriptor of i32 fields (abi.ts), in declaration order, in a fresh heap block; the caller frees it. */
export function i32Desc(values: i32[]): usize {
  const p = heap.alloc(<usize>max(values.length, 1) << 2);
  for (let i = 0; i < values.length; i++) store<i32>(p + (<usize>i << 2), values[i]);
  return p;
}
