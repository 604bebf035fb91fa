import { MAX_STRIDED_DIMS, PoolDesc } from "../abi";
import { isClose } from "../../tests/helpers/closeness";

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

/** A value written after the end of a kernel's output, to see that the kernel leaves it alone. */
export const GUARD: f32 = 12345.0;

/** Every element of a (float32 buffer) close to e's, by the suites' one rule (tests/helpers/closeness.ts). */
export function allClose(a: usize, e: usize, n: i32, rtol: f64, atol: f64): bool {
  for (let i = 0; i < n; i++) {
    if (!isClose(<f64>load<f32>(a + (<usize>i << 2)), <f64>load<f32>(e + (<usize>i << 2)), rtol, atol)) return false;
  }
  return true;
}

/** Smooth test data: multiples of 1/16 in [-0.7, 0.7]. */
export function wave(i: i32): f32 { return <f32>((i * 7919) % 23) * 0.0625 - 0.7; }

/** Another smooth pattern, in [-1, 1]. */
export function wave2(i: i32): f32 { return <f32>((i * 104729) % 19) * 0.11 - 1.0; }

/** allClose with atol = tol * scale (the output's scale) and rtol 1e-5. */
export function closeScaled(a: usize, b: usize, n: i32, scale: f32, tol: f32 = 1e-5): bool {
  return allClose(a, b, n, 1e-5, <f64>tol * <f64>scale);
}

// ---- pooling

/**
 * A PoolDesc (abi.ts) in a fresh heap block: sizes, kernel, stride, padding and dilation
 * as [D, H, W]; the average and LP fields zero. The caller frees it.
 */
export function poolDesc(planes: i32, inSize: i32[], outSize: i32[], kernel: i32[], stride: i32[], padding: i32[], dilation: i32[]): PoolDesc {
  const d = changetype<PoolDesc>(heap.alloc(offsetof<PoolDesc>()));
  d.planes = planes;
  d.inD = inSize[0]; d.inH = inSize[1]; d.inW = inSize[2];
  d.outD = outSize[0]; d.outH = outSize[1]; d.outW = outSize[2];
  d.kernelD = kernel[0]; d.kernelH = kernel[1]; d.kernelW = kernel[2];
  d.strideD = stride[0]; d.strideH = stride[1]; d.strideW = stride[2];
  d.padD = padding[0]; d.padH = padding[1]; d.padW = padding[2];
  d.dilationD = dilation[0]; d.dilationH = dilation[1]; d.dilationW = dilation[2];
  d.countIncludePad = 0;
  d.divisorOverride = 0;
  d.normType = 0;
  return d;
}

/** Frees every block of `ptrs`. */
export function freeAll(ptrs: usize[]): void {
  for (let i = 0; i < ptrs.length; i++) heap.free(ptrs[i]);
}

/** A descriptor of i32 fields (abi.ts), in declaration order, in a fresh heap block; the caller frees it. */
export function i32Desc(values: i32[]): usize {
  const p = heap.alloc(<usize>max(values.length, 1) << 2);
  for (let i = 0; i < values.length; i++) store<i32>(p + (<usize>i << 2), values[i]);
  return p;
}

/** A ConvDesc from its i32 fields through paddingMode: no prepared weights, no clamp (-inf, +inf as f32 bits). */
export function convDesc(values: i32[]): usize {
  return i32Desc(values.concat([0, 0xff800000, 0x7f800000]));
}

/** A ConvTransposeDesc from its i32 fields through groups: no prepared weights. */
export function convTransposeDesc(values: i32[]): usize {
  return i32Desc(values.concat([0]));
}
