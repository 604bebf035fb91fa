// The clamp operation of the elementwise driver (map.ts), shared by hardtanh/relu6 and by
// the convolution epilogue that runs a model's fused activation.

/** Clamps to [a, b] (hardtanh; relu6 is [0, 6]; a fused ReLU is [0, +inf]); NaN stays NaN. REQUIRES: a <= b. */
@final @unmanaged export class Clamp {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return f32x4.pmin(f32x4.pmax(x, a), b);
  }
}
