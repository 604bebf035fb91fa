// Elementwise activation functions over contiguous float32 buffers: one operation class
// and one kernel line each, run by the elementwise driver (map.ts), which states the loop,
// the tail and the buffer requirements. An operation's `simd` gets four lanes of the input
// x, the second input y (only RReLU's slopes) and the kernel's scalar parameters splatted
// as a, b, c. PReLU and GLU, which do not map one float to one float, are in gated.ts.
//
// NaN, infinities and -0 follow PyTorch 1.13's CPU kernels, except that softshrink
// propagates NaN (as PyTorch does since 2.6) and that hardswish does not overflow for x
// near the float32 limit (PyTorch's x * 6 does); results match PyTorch's float64 ones.
//
// Adding an activation: an operation class and its kernel line here (index.ts exports every
// kernel of this file), its scalar twin in reference/activation.ts and a spec line, then the
// TypeScript side (see ACTIVATIONS in src/functional/activation-core.ts).

import { map2Shared, mapShared } from "./map";
import { abs4, exp4, expNeg4, expm1_4, log1p01_4, normalCdf4, sigmoid4, tanh4, tanhshrink4 } from "./vmath";
import { Clamp } from "./clamp";

// ---- piecewise-linear ----

/** max(x, 0); keeps -0 and NaN. */
@final @unmanaged class Relu {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return f32x4.pmax(x, f32x4.splat(0.0));
  }
}
export function relu_f32(out: usize, input: usize, n: i32): void { mapShared<Relu>(out, input, n, 0, 0, 0); }

export function hardtanh_f32(out: usize, input: usize, n: i32, minVal: f32, maxVal: f32): void { mapShared<Clamp>(out, input, n, minVal, maxVal, 0); }

/** x > 0 ? x : x * a (leaky_relu, and rrelu in eval mode with the mean slope). */
@final @unmanaged class LeakyRelu {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return v128.bitselect(x, f32x4.mul(x, a), f32x4.gt(x, f32x4.splat(0.0)));
  }
}
export function leakyRelu_f32(out: usize, input: usize, n: i32, slope: f32): void { mapShared<LeakyRelu>(out, input, n, slope, 0, 0); }

/** x <= y ? x * y : x with a slope y per element (rrelu in training mode, slopes drawn by the caller). */
@final @unmanaged class Rrelu {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return v128.bitselect(f32x4.mul(x, y), x, f32x4.le(x, f32x4.splat(0.0)));
  }
}
export function rrelu_f32(out: usize, input: usize, slopes: usize, n: i32): void { map2Shared<Rrelu>(out, input, slopes, n); }

/** x <= a ? b : x (threshold a, value b; NaN is kept). */
@final @unmanaged class Threshold {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return v128.bitselect(b, x, f32x4.le(x, a));
  }
}
export function threshold_f32(out: usize, input: usize, n: i32, threshold: f32, value: f32): void { mapShared<Threshold>(out, input, n, threshold, value, 0); }

/** min(max(x + 3, 0), 6) / 6. */
@final @unmanaged class Hardsigmoid {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    const clamped = f32x4.pmin(f32x4.pmax(f32x4.add(x, f32x4.splat(3.0)), f32x4.splat(0.0)), f32x4.splat(6.0));
    return f32x4.mul(clamped, f32x4.splat(<f32>(1.0 / 6.0)));
  }
}
export function hardsigmoid_f32(out: usize, input: usize, n: i32): void { mapShared<Hardsigmoid>(out, input, n, 0, 0, 0); }

/** x * min(max(x + 3, 0), 6) / 6. */
@final @unmanaged class Hardswish {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    // x * hardsigmoid(x), scaling before the product so that x near the float32 limit does
    // not overflow; -Infinity * 0 is NaN, as in PyTorch.
    return f32x4.mul(x, changetype<Hardsigmoid>(0).simd(x, y, a, b, c));
  }
}
export function hardswish_f32(out: usize, input: usize, n: i32): void { mapShared<Hardswish>(out, input, n, 0, 0, 0); }

/** x - a above a, x + a below b = -a, 0 between; NaN stays NaN. REQUIRES: a >= 0. */
@final @unmanaged class Softshrink {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    const shrunk = v128.bitselect(f32x4.add(x, a), f32x4.mul(x, f32x4.splat(0.0)), f32x4.lt(x, b));
    return v128.bitselect(f32x4.sub(x, a), shrunk, f32x4.gt(x, a));
  }
}
export function softshrink_f32(out: usize, input: usize, n: i32, lambd: f32): void { mapShared<Softshrink>(out, input, n, lambd, -lambd, 0); }

/** 0 for x in [b, a] = [-lambd, lambd], x elsewhere; NaN stays NaN. REQUIRES: a >= 0. */
@final @unmanaged class Hardshrink {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return v128.andnot(x, v128.and(f32x4.ge(x, b), f32x4.le(x, a)));
  }
}
export function hardshrink_f32(out: usize, input: usize, n: i32, lambd: f32): void { mapShared<Hardshrink>(out, input, n, lambd, -lambd, 0); }

/** x / (1 + |x|); +-Infinity gives NaN, as in PyTorch. */
@final @unmanaged class Softsign {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return f32x4.div(x, f32x4.add(abs4(x), f32x4.splat(1.0)));
  }
}
export function softsign_f32(out: usize, input: usize, n: i32): void { mapShared<Softsign>(out, input, n, 0, 0, 0); }

// ---- exponential family ----

/**
 * x > 0 ? b * x : a * expm1(x * c) with a = scale * alpha, b = scale, c = inputScale: elu
 * (scale 1, inputScale 1), selu (its two constants) and celu (inputScale 1 / alpha).
 */
@final @unmanaged class Elu {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    const neg = f32x4.mul(expm1_4(f32x4.mul(x, c)), a);
    return v128.bitselect(f32x4.mul(x, b), neg, f32x4.gt(x, f32x4.splat(0.0)));
  }
}
export function elu_f32(out: usize, input: usize, n: i32, alpha: f32, scale: f32, inputScale: f32): void { mapShared<Elu>(out, input, n, alpha * scale, scale, inputScale); }

/** 1 / (1 + exp(-x)). */
@final @unmanaged class Sigmoid {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return sigmoid4(x);
  }
}
export function sigmoid_f32(out: usize, input: usize, n: i32): void { mapShared<Sigmoid>(out, input, n, 0, 0, 0); }

/** tanh(x). */
@final @unmanaged class Tanh {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return tanh4(x);
  }
}
export function tanh_f32(out: usize, input: usize, n: i32): void { mapShared<Tanh>(out, input, n, 0, 0, 0); }

/** x * sigmoid(x). */
@final @unmanaged class Silu {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    // x / (1 + e^-x): the far negative tail gives -0, and -Infinity gives NaN, as in PyTorch.
    return f32x4.div(x, f32x4.add(f32x4.splat(1.0), expNeg4(x)));
  }
}
export function silu_f32(out: usize, input: usize, n: i32): void { mapShared<Silu>(out, input, n, 0, 0, 0); }

/** x * tanh(softplus(x)). */
@final @unmanaged class Mish {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    // tanh(log(1 + u)) = u (u + 2) / (u (u + 2) + 2) with u = e^x; beyond x = 20 the ratio is 1
    // in float32, and clamping there keeps u (u + 2) finite.
    const u = exp4(f32x4.pmin(x, f32x4.splat(20.0)));
    const w = f32x4.mul(u, f32x4.add(u, f32x4.splat(2.0)));
    return f32x4.mul(x, f32x4.div(w, f32x4.add(w, f32x4.splat(2.0))));
  }
}
export function mish_f32(out: usize, input: usize, n: i32): void { mapShared<Mish>(out, input, n, 0, 0, 0); }

/** x * Phi(x), the exact (erf) GELU. */
@final @unmanaged class Gelu {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return f32x4.mul(x, normalCdf4(x));
  }
}
export function gelu_f32(out: usize, input: usize, n: i32): void { mapShared<Gelu>(out, input, n, 0, 0, 0); }

// sqrt(2 / pi) and 0.044715 * sqrt(2 / pi), doubled: 0.5 (1 + tanh(u)) = sigmoid(2u).
const GELU_C1: f32 = 1.5957691216057308;
const GELU_C3: f32 = 0.0713548162726009;

/** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), computed as x * sigmoid(2u). */
@final @unmanaged class GeluTanh {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    const u2 = f32x4.mul(x, f32x4.add(f32x4.splat(GELU_C1), f32x4.mul(f32x4.splat(GELU_C3), f32x4.mul(x, x))));
    return f32x4.div(x, f32x4.add(f32x4.splat(1.0), expNeg4(u2)));
  }
}
export function geluTanh_f32(out: usize, input: usize, n: i32): void { mapShared<GeluTanh>(out, input, n, 0, 0, 0); }

/** a x > b ? x : log(1 + exp(a x)) / a with beta a and threshold b. REQUIRES: a != 0. */
@final @unmanaged class Softplus {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    // log(1 + e^bx) = max(bx, 0) + log1p(e^-|bx|): never overflows.
    const bx = f32x4.mul(x, a);
    const e = expNeg4(abs4(bx));
    const sp = f32x4.div(f32x4.add(f32x4.pmax(bx, f32x4.splat(0.0)), log1p01_4(e)), a);
    return v128.bitselect(x, sp, f32x4.gt(bx, b));
  }
}
export function softplus_f32(out: usize, input: usize, n: i32, beta: f32, threshold: f32): void { mapShared<Softplus>(out, input, n, beta, threshold, 0); }

/** log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)). */
@final @unmanaged class Logsigmoid {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return f32x4.sub(f32x4.pmin(x, f32x4.splat(0.0)), log1p01_4(expNeg4(abs4(x))));
  }
}
export function logsigmoid_f32(out: usize, input: usize, n: i32): void { mapShared<Logsigmoid>(out, input, n, 0, 0, 0); }

/** x - tanh(x). */
@final @unmanaged class Tanhshrink {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 {
    return tanhshrink4(x);
  }
}
export function tanhshrink_f32(out: usize, input: usize, n: i32): void { mapShared<Tanhshrink>(out, input, n, 0, 0, 0); }
