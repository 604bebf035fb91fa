// The kernel ABI: every constant and every argument descriptor that both sides of the
// Wasm boundary need, defined once. tools/gen-abi.mjs reads this file at build time and
// writes build/abi.js (+ .d.ts) for the TypeScript side: the same constants, and for
// each descriptor its field list and its slot in the descriptor area.
//
// How a kernel takes its arguments: pointers and at most about eight scalars
// positionally; anything longer is one descriptor, a plain struct of i32/f32 fields in
// the order written here. TypeScript fills the descriptor's slot with `descriptor()`
// (src/wasm.ts) and passes its address as the kernel's last argument; the kernel reads it
// through `changetype<XDesc>(desc)`. Each call carries its own descriptor address, so no
// call depends on state left by an earlier one.
//
// The generator understands exactly three forms, one per line:
//   export const NAME: i32 = <number expression>;
//   @unmanaged export class NameDesc {  ...  `field: i32;` or `field: f32;` lines ... }
//   /** @array name i32 LENGTH */   (a fixed array field, inside a class, after its scalars)

// ---- constants ----

/** Padding modes, in the order of `paddingMode` in the convolution options. */
export const PAD_ZEROS: i32 = 0;
export const PAD_REFLECT: i32 = 1;
export const PAD_REPLICATE: i32 = 2;
export const PAD_CIRCULAR: i32 = 3;

/** GemmDesc.flags: A transposed (bit 0), B transposed (bit 1), bias per row or per column (bits 2-3), accumulate into C (bit 4), B packed (bit 5). */
export const GEMM_A_TRANS: i32 = 1;
export const GEMM_B_TRANS: i32 = 2;
export const GEMM_BIAS_ROW: i32 = 4;
export const GEMM_BIAS_COL: i32 = 8;
export const GEMM_ACCUMULATE: i32 = 16;
/** B is a block written by gemmPackB_f32 (weights packed once), not a matrix. */
export const GEMM_B_PACKED: i32 = 32;

/** Largest kernel volume (taps) the sub-pixel weight transform keeps a table for. */
export const MAX_SUBPIXEL_TAPS: i32 = 4096;

/** Most dimensions a strided copy handles after merging contiguous ones. */
export const MAX_STRIDED_DIMS: i32 = 16;

/** Bytes of the descriptor area (memory.ts); the generator checks every slot fits. */
export const DESCRIPTOR_AREA_BYTES: i32 = 2048;

// ---- descriptors ----

/** C[M, N] = A[M, K] * B[K, N] (+ bias) over row-major matrices with leading dimensions (gemm_f32). */
@unmanaged export class GemmDesc {
  M: i32; N: i32; K: i32;
  lda: i32; ldb: i32; ldc: i32;
  /** GEMM_* bits. */
  flags: i32;
}

/**
 * One N-d convolution (conv.ts): 1-D and 2-D are 3-D with depth/height 1.
 * input [batch, inC, inD, inH, inW], weight [outC, inC/groups, kernelD, kernelH, kernelW].
 */
@unmanaged export class ConvDesc {
  batch: i32; inC: i32; inD: i32; inH: i32; inW: i32;
  outC: i32; outD: i32; outH: i32; outW: i32;
  kernelD: i32; kernelH: i32; kernelW: i32;
  strideD: i32; strideH: i32; strideW: i32;
  padBeforeD: i32; padBeforeH: i32; padBeforeW: i32;
  padAfterD: i32; padAfterH: i32; padAfterW: i32;
  dilationD: i32; dilationH: i32; dilationW: i32;
  groups: i32;
  /** PAD_ZEROS, PAD_REFLECT, PAD_REPLICATE or PAD_CIRCULAR. */
  paddingMode: i32;
  /** Weights prepared by convPackWeights_f32 for this descriptor (a cache), or 0: prepare them per call. */
  packed: i32;
  /** The epilogue clamps every output to [clampMin, clampMax] (a fused ReLU is [0, +inf]); NaN stays NaN. */
  clampMin: f32;
  clampMax: f32;
}

/**
 * One N-d transposed convolution (conv_transpose.ts). input [batch, inC, inD, inH, inW],
 * weight [inC, outC/groups, kernelD, kernelH, kernelW]; out sizes include the output padding.
 */
@unmanaged export class ConvTransposeDesc {
  batch: i32; inC: i32; inD: i32; inH: i32; inW: i32;
  outC: i32; outD: i32; outH: i32; outW: i32;
  kernelD: i32; kernelH: i32; kernelW: i32;
  strideD: i32; strideH: i32; strideW: i32;
  padD: i32; padH: i32; padW: i32;
  dilationD: i32; dilationH: i32; dilationW: i32;
  groups: i32;
  /** Weights prepared by convTransposePackWeights_f32 (a cache), or 0: pack them per call. */
  packed: i32;
}

/**
 * The stacked weights of a transposed convolution in its sub-pixel form
 * (convTransposeSubpixelWeights_f32): `firstD..` is the window's first input offset
 * per dimension (<= 0), `windowD..` its size.
 */
@unmanaged export class SubpixelWeightsDesc {
  inC: i32; outC: i32;
  kernelD: i32; kernelH: i32; kernelW: i32;
  strideD: i32; strideH: i32; strideW: i32;
  padD: i32; padH: i32; padW: i32;
  firstD: i32; firstH: i32; firstW: i32;
  windowD: i32; windowH: i32; windowW: i32;
}

/** A copy between two strided views of 32-bit elements (copyStrided_32). */
@unmanaged export class StridedCopyDesc {
  ndim: i32;
  /** @array sizes i32 16 */
  /** @array inStrides i32 16 */
  /** @array outStrides i32 16 */

  /** Size of dimension d. */
  @inline size(d: i32): i32 { return load<i32>(changetype<usize>(this) + 4 + (<usize>d << 2)); }
  /** Input stride of dimension d, in elements. */
  @inline inStride(d: i32): i32 { return load<i32>(changetype<usize>(this) + 4 + (<usize>(MAX_STRIDED_DIMS + d) << 2)); }
  /** Output stride of dimension d, in elements. */
  @inline outStride(d: i32): i32 { return load<i32>(changetype<usize>(this) + 4 + (<usize>(2 * MAX_STRIDED_DIMS + d) << 2)); }
  /** Addresses of the three arrays (for walk.ts). */
  @inline sizesAt(): usize { return changetype<usize>(this) + 4; }
  @inline inStridesAt(): usize { return changetype<usize>(this) + 4 + (<usize>MAX_STRIDED_DIMS << 2); }
  @inline outStridesAt(): usize { return changetype<usize>(this) + 4 + (<usize>(2 * MAX_STRIDED_DIMS) << 2); }
}

// ---- pooling (pool.ts and the pool_*.ts files it lists) ----

/**
 * One max, average or power-average pooling call. `planes` = N*C planes of
 * inD x inH x inW elements in, outD x outH x outW out; 1-D and 2-D pooling are 3-D with
 * size-1 depth (and height), kernel 1, stride 1, padding 0 and dilation 1 there.
 */
@unmanaged export class PoolDesc {
  planes: i32;
  inD: i32; inH: i32; inW: i32;
  outD: i32; outH: i32; outW: i32;
  kernelD: i32; kernelH: i32; kernelW: i32;
  strideD: i32; strideH: i32; strideW: i32;
  padD: i32; padH: i32; padW: i32;
  dilationD: i32; dilationH: i32; dilationW: i32;
  /** avgPool3d_f32: 1 counts the padding (not the ceil-mode overhang) in the divisor. */
  countIncludePad: i32;
  /** avgPool3d_f32: divide by this instead of the window size; 0 for none. */
  divisorOverride: i32;
  /** lpPool3d_f32: the power p (non-zero). */
  normType: f32;
}

// ---- Convolution methods: what convMethodOf (conv_plan.ts) answers ----
/** The implicit GEMM (im2col while packing). */
export const CONV_GEMM: i32 = 0;
/** Winograd F(2x2, 3x3): 4x4 input tiles, 16 positions. */
export const WINOGRAD_2X2_3X3: i32 = 1;
/** Winograd F(4x4, 3x3): 6x6 input tiles, 36 positions. */
export const WINOGRAD_4X4_3X3: i32 = 2;
/** Winograd F(4, 5), one-dimensional: 8-wide input tiles, 8 positions. */
export const WINOGRAD_4_5: i32 = 3;
/** No Winograd variant applies (the same value as CONV_GEMM). */
export const WINOGRAD_NONE: i32 = CONV_GEMM;
/** A 1x1 convolution, stride 1, no padding: the input is the GEMM's dense B. */
export const CONV_POINTWISE: i32 = 8;
/** One input channel per group: the direct kernel of depthwise.ts. */
export const CONV_DEPTHWISE: i32 = 9;
/** Stride 2 with a 5x5 or 6x6 kernel: a Winograd 3x3 convolution over the stride phases stacked as channels (conv_s2d.ts). */
export const CONV_SPACE_TO_DEPTH: i32 = 10;
// ---- tensor arithmetic, reductions, topk (broadcast.ts, reduce.ts, topk.ts) ----

/** Most dimensions an elementwise, reduction or topk kernel walks after merging contiguous ones. */
export const MAX_WALK_DIMS: i32 = 8;

/** Elementwise operation codes: binary ones read x and y, unary ones only x. */
export const OP_ADD: i32 = 0;
export const OP_SUB: i32 = 1;
export const OP_MUL: i32 = 2;
export const OP_DIV: i32 = 3;
export const OP_POW: i32 = 4;
/** x + alpha * y (add and sub with alpha; sub passes -alpha). */
export const OP_ADD_SCALED: i32 = 5;
export const OP_NEG: i32 = 6;
export const OP_EXP: i32 = 7;
export const OP_LOG: i32 = 8;
export const OP_SQRT: i32 = 9;

/** Reduction codes (reduce_f32). */
export const REDUCE_SUM: i32 = 0;
export const REDUCE_MEAN: i32 = 1;
export const REDUCE_MAX: i32 = 2;

/**
 * out[i] = op(x[...], y[...]) over a contiguous output of `ndim` dimensions, each operand
 * walked with its own element strides (0 for a broadcast dimension). A null operand
 * pointer reads xScalar / yScalar instead (a number operand).
 */
@unmanaged export class ElementwiseDesc {
  op: i32; ndim: i32;
  alpha: f32; xScalar: f32; yScalar: f32;
  /** @array sizes i32 MAX_WALK_DIMS */
  /** @array xStrides i32 MAX_WALK_DIMS */
  /** @array yStrides i32 MAX_WALK_DIMS */

  @inline size(d: i32): i32 { return load<i32>(changetype<usize>(this) + 20 + (<usize>d << 2)); }
  @inline xStride(d: i32): i32 { return load<i32>(changetype<usize>(this) + 20 + (<usize>(MAX_WALK_DIMS + d) << 2)); }
  @inline yStride(d: i32): i32 { return load<i32>(changetype<usize>(this) + 20 + (<usize>(2 * MAX_WALK_DIMS + d) << 2)); }
  /** Addresses of the three arrays (for walk.ts). */
  @inline sizesAt(): usize { return changetype<usize>(this) + 20; }
  @inline xStridesAt(): usize { return changetype<usize>(this) + 20 + (<usize>MAX_WALK_DIMS << 2); }
  @inline yStridesAt(): usize { return changetype<usize>(this) + 20 + (<usize>(2 * MAX_WALK_DIMS) << 2); }
}

/**
 * A reduction (reduce_f32, argmax_i32, topk_f32): `outer` kept dimensions (sizes, input
 * strides, output strides) and `inner` reduced dimensions (sizes, input strides), all in
 * elements. topk reduces one dimension of `innerSizes[0]` elements into `k` outputs spaced
 * `outKStride` apart.
 */
@unmanaged export class ReduceDesc {
  op: i32; outerNdim: i32; innerNdim: i32;
  k: i32; largest: i32; sorted: i32; outKStride: i32;
  /** @array outerSizes i32 MAX_WALK_DIMS */
  /** @array outerStrides i32 MAX_WALK_DIMS */
  /** @array outStrides i32 MAX_WALK_DIMS */
  /** @array innerSizes i32 MAX_WALK_DIMS */
  /** @array innerStrides i32 MAX_WALK_DIMS */

  @inline outerSize(d: i32): i32 { return load<i32>(changetype<usize>(this) + 28 + (<usize>d << 2)); }
  @inline outerStride(d: i32): i32 { return load<i32>(changetype<usize>(this) + 28 + (<usize>(MAX_WALK_DIMS + d) << 2)); }
  @inline outStride(d: i32): i32 { return load<i32>(changetype<usize>(this) + 28 + (<usize>(2 * MAX_WALK_DIMS + d) << 2)); }
  @inline innerSize(d: i32): i32 { return load<i32>(changetype<usize>(this) + 28 + (<usize>(3 * MAX_WALK_DIMS + d) << 2)); }
  @inline innerStride(d: i32): i32 { return load<i32>(changetype<usize>(this) + 28 + (<usize>(4 * MAX_WALK_DIMS + d) << 2)); }
  /** Addresses of the kept dimensions' arrays (for walk.ts). */
  @inline outerSizesAt(): usize { return changetype<usize>(this) + 28; }
  @inline outerStridesAt(): usize { return changetype<usize>(this) + 28 + (<usize>MAX_WALK_DIMS << 2); }
  @inline outStridesAt(): usize { return changetype<usize>(this) + 28 + (<usize>(2 * MAX_WALK_DIMS) << 2); }
}

// ---- resampling and padding (interpolate.ts, conv_pad.ts) ----

/** InterpolateDesc.mode: PyTorch's interpolation kernels ("bilinear", "trilinear" are LINEAR over 2 and 3 axes). */
export const INTERP_NEAREST: i32 = 0;
export const INTERP_NEAREST_EXACT: i32 = 1;
export const INTERP_LINEAR: i32 = 2;
export const INTERP_CUBIC: i32 = 3;

/** PadDesc.mode for F.pad's "constant": PAD_ZEROS with PadDesc.value in place of the zero. */
export const PAD_CONSTANT: i32 = PAD_ZEROS;

/**
 * One interpolate call (interpolate_f32): `planes` = N*C planes of inD x inH x inW in,
 * outD x outH x outW out; `dims` (1..3) is the number of real spatial axes, the others
 * have size 1. The user's scale factors travel positionally as f64 (0 for none), since
 * PyTorch maps coordinates with them in double precision.
 */
@unmanaged export class InterpolateDesc {
  planes: i32;
  inD: i32; inH: i32; inW: i32;
  outD: i32; outH: i32; outW: i32;
  /** INTERP_* */
  mode: i32;
  alignCorners: i32;
  dims: i32;
  /**
   * INTERP_NEAREST: 1 takes the index shortcuts of PyTorch's channels-last kernel (an
   * axis of unchanged size copies, one of doubled size halves the index, whatever the
   * scale factor), which PyTorch runs for 4-D and 5-D inputs laid out channels-last
   * (every input with one channel, or one spatial element, counts as such).
   */
  shortcuts: i32;
}

/**
 * One padding call (pad_f32): `planes` planes of inD x inH x inW padded by the before and
 * after amounts of each axis (negative amounts crop) with PAD_CONSTANT (`value`),
 * PAD_REFLECT, PAD_REPLICATE or PAD_CIRCULAR.
 */
@unmanaged export class PadDesc {
  planes: i32;
  inD: i32; inH: i32; inW: i32;
  padBeforeD: i32; padBeforeH: i32; padBeforeW: i32;
  padAfterD: i32; padAfterH: i32; padAfterW: i32;
  mode: i32;
  value: f32;
}

// ---- normalisation (norm.ts, norm_moments.ts) ----

/**
 * One batch, group, instance or layer normalisation call over x [batch, channels, inner]
 * (inner = the product of the spatial sizes; layer norm: batch = rows, channels = 1,
 * inner = the normalised size). Statistics are per channel over batch and inner
 * (batchNorm_f32), per (sample, group) (groupNorm_f32; instance norm has groups =
 * channels) or per row (layerNorm_f32).
 */
@unmanaged export class NormDesc {
  batch: i32; channels: i32; inner: i32; groups: i32;
  /** Added to the variance before the square root. */
  eps: f32;
  /** Weight of the new statistics in the running estimates (PyTorch's exponential_average_factor). */
  momentum: f32;
  /** 1: normalise with the statistics of the input; 0: with runningMean/runningVar. */
  useInputStats: i32;
}
