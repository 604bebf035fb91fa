// Scalar twins of assembly/activation.ts, gated.ts and softmax.ts: one element at a time,
// straight from the definitions. The piecewise-linear ones compute in float32 like the
// kernels (so results match bit for bit); the transcendental ones compute in float64 with
// the standard library and are compared within a tolerance.

import { erf64 } from "../special";

@inline function get(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

@inline function put(p: usize, i: i32, v: f64): void {
  store<f32>(p + (<usize>i << 2), <f32>v);
}

export function relu_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = get(input, i);
    store<f32>(out + (<usize>i << 2), x < 0 ? 0 : x);
  }
}

export function hardtanh_f32_ref(out: usize, input: usize, n: i32, lo: f32, hi: f32): void {
  for (let i = 0; i < n; i++) {
    let x = get(input, i);
    if (x < lo) x = lo;
    if (x > hi) x = hi;
    store<f32>(out + (<usize>i << 2), x);
  }
}

export function leakyRelu_f32_ref(out: usize, input: usize, n: i32, slope: f32): void {
  for (let i = 0; i < n; i++) {
    const x = get(input, i);
    store<f32>(out + (<usize>i << 2), x > 0 ? x : x * slope);
  }
}

export function threshold_f32_ref(out: usize, input: usize, n: i32, threshold: f32, value: f32): void {
  for (let i = 0; i < n; i++) {
    const x = get(input, i);
    store<f32>(out + (<usize>i << 2), x <= threshold ? value : x);
  }
}

export function hardshrink_f32_ref(out: usize, input: usize, n: i32, lambd: f32): void {
  for (let i = 0; i < n; i++) {
    const x = get(input, i);
    store<f32>(out + (<usize>i << 2), x >= -lambd && x <= lambd ? 0 : x);
  }
}

export function softshrink_f32_ref(out: usize, input: usize, n: i32, lambd: f32): void {
  for (let i = 0; i < n; i++) {
    const x = get(input, i);
    store<f32>(out + (<usize>i << 2), x > lambd ? x - lambd : x < -lambd ? x + lambd : x * 0);
  }
}

export function prelu_f32_ref(out: usize, input: usize, weight: usize, outer: i32, channels: i32, inner: i32): void {
  for (let b = 0; b < outer; b++) {
    for (let c = 0; c < channels; c++) {
      const w = get(weight, c);
      for (let j = 0; j < inner; j++) {
        const i = (b * channels + c) * inner + j;
        const x = get(input, i);
        store<f32>(out + (<usize>i << 2), x > 0 ? x : w * x);
      }
    }
  }
}

export function rrelu_f32_ref(out: usize, input: usize, slopes: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = get(input, i);
    store<f32>(out + (<usize>i << 2), x <= 0 ? x * get(slopes, i) : x);
  }
}

export function hardsigmoid_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>get(input, i);
    put(out, i, isNaN(x) ? x : Math.min(Math.max(x + 3, 0), 6) / 6);
  }
}

export function hardswish_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>get(input, i);
    put(out, i, isNaN(x) ? x : (x * Math.min(Math.max(x + 3, 0), 6)) / 6);
  }
}

export function softsign_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>get(input, i);
    put(out, i, x / (1 + Math.abs(x)));
  }
}

export function elu_f32_ref(out: usize, input: usize, n: i32, alpha: f32, scale: f32, inputScale: f32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>get(input, i);
    put(out, i, x > 0 ? scale * x : scale * alpha * Math.expm1(x * inputScale));
  }
}

export function sigmoid_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) put(out, i, 1 / (1 + Math.exp(-<f64>get(input, i))));
}

export function tanh_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) put(out, i, Math.tanh(<f64>get(input, i)));
}

export function silu_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>get(input, i);
    put(out, i, x / (1 + Math.exp(-x)));
  }
}

function softplus64(x: f64): f64 {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

export function mish_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>get(input, i);
    put(out, i, x * Math.tanh(softplus64(x)));
  }
}

export function gelu_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>get(input, i);
    put(out, i, 0.5 * x * (1 + erf64(x * 0.7071067811865476)));
  }
}

export function geluTanh_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>get(input, i);
    put(out, i, 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))));
  }
}

export function softplus_f32_ref(out: usize, input: usize, n: i32, beta: f32, threshold: f32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>get(input, i);
    put(out, i, x * beta > threshold ? x : softplus64(x * beta) / beta);
  }
}

export function logsigmoid_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) put(out, i, -softplus64(-<f64>get(input, i)));
}

export function tanhshrink_f32_ref(out: usize, input: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const x = <f64>get(input, i);
    put(out, i, x - Math.tanh(x));
  }
}

export function glu_f32_ref(out: usize, input: usize, outer: i32, half: i32): void {
  for (let b = 0; b < outer; b++) {
    for (let j = 0; j < half; j++) {
      const a = <f64>get(input, b * 2 * half + j);
      const g = <f64>get(input, b * 2 * half + half + j);
      put(out, b * half + j, a / (1 + Math.exp(-g)));
    }
  }
}

/** Softmax (or log-softmax) of sign * x over dim of [outer, dim, inner], in float64. */
export function softmax_f32_ref(out: usize, input: usize, outer: i32, dim: i32, inner: i32, sign: f32, isLog: bool): void {
  for (let b = 0; b < outer; b++) {
    for (let j = 0; j < inner; j++) {
      let m = -Infinity;
      let anyNaN = false;
      for (let d = 0; d < dim; d++) {
        const v = <f64>sign * <f64>get(input, (b * dim + d) * inner + j);
        if (isNaN(v)) anyNaN = true;
        else if (v > m) m = v;
      }
      let s: f64 = 0;
      for (let d = 0; d < dim; d++) s += Math.exp(<f64>sign * <f64>get(input, (b * dim + d) * inner + j) - m);
      for (let d = 0; d < dim; d++) {
        const v = <f64>sign * <f64>get(input, (b * dim + d) * inner + j) - m;
        const r = anyNaN ? NaN : isLog ? v - Math.log(s) : Math.exp(v) / s;
        put(out, (b * dim + d) * inner + j, r);
      }
    }
  }
}
