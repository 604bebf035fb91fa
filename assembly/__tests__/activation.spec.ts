import {
  relu_f32, hardtanh_f32, leakyRelu_f32, threshold_f32, hardsigmoid_f32, hardswish_f32, softshrink_f32, hardshrink_f32,
  softsign_f32, prelu_f32, rrelu_f32, elu_f32, sigmoid_f32, tanh_f32, silu_f32, mish_f32, gelu_f32, geluTanh_f32,
  softplus_f32, logsigmoid_f32, tanhshrink_f32, glu_f32,
} from "../activation";
import {
  relu_f32_ref, hardtanh_f32_ref, leakyRelu_f32_ref, threshold_f32_ref, hardsigmoid_f32_ref, hardswish_f32_ref,
  softshrink_f32_ref, hardshrink_f32_ref, softsign_f32_ref, prelu_f32_ref, rrelu_f32_ref, elu_f32_ref, sigmoid_f32_ref,
  tanh_f32_ref, silu_f32_ref, mish_f32_ref, gelu_f32_ref, geluTanh_f32_ref, softplus_f32_ref, logsigmoid_f32_ref,
  tanhshrink_f32_ref, glu_f32_ref,
} from "../reference/activation";
import { buffer, sameBits, LENGTHS, tricky } from "./helpers";

const GUARD: f32 = 12345.0;

/** Values with NaN, infinities, -0, large magnitudes and a spread of ordinary values. */
function values(i: i32): f32 {
  if (i % 11 == 10) return i % 2 ? <f32>-1.0e4 : <f32>3.0e38;
  if (i % 13 == 12) return <f32>(-88.5);
  return i % 3 == 0 ? tricky(i) : <f32>((i * 7919) % 61) * 0.5 - 15.0;
}

function allNegative(i: i32): f32 { return -0.25 - <f32>i * 0.75; }

/** |a - e| <= atol + rtol |e| element by element; NaN matches NaN, infinities must match exactly. */
function close(a: usize, e: usize, n: i32, rtol: f64, atol: f64): bool {
  for (let i = 0; i < n; i++) {
    const x = <f64>load<f32>(a + (<usize>i << 2));
    const y = <f64>load<f32>(e + (<usize>i << 2));
    if (isNaN(y)) {
      if (!isNaN(x)) return false;
    } else if (!isFinite(y)) {
      if (x != y) return false;
    } else if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
      return false;
    }
  }
  return true;
}

// Every unary kernel is called through one signature; parameters are fixed per entry.
type Unary = (out: usize, input: usize, n: i32) => void;

function checkExact(kernel: Unary, twin: Unary, fill: (i: i32) => f32): void {
  for (let k = 0; k < LENGTHS.length; k++) {
    for (let extra = 0; extra < 2; extra++) {
      const n = LENGTHS[k] + extra * 16;
      const x = buffer(n, fill);
      const out = buffer(n + 1, (i: i32): f32 => GUARD);
      const ref = buffer(n + 1, (i: i32): f32 => GUARD);
      kernel(out, x, n);
      twin(ref, x, n);
      expect(sameBits(out, ref, n + 1)).toBe(true, "bit-exact, and the element after n stays untouched");
      heap.free(x);
      heap.free(out);
      heap.free(ref);
    }
  }
}

function checkClose(kernel: Unary, twin: Unary, fill: (i: i32) => f32, rtol: f64, atol: f64): void {
  for (let k = 0; k < LENGTHS.length; k++) {
    for (let extra = 0; extra < 2; extra++) {
      const n = LENGTHS[k] + extra * 16;
      const x = buffer(n, fill);
      const out = buffer(n + 1, (i: i32): f32 => GUARD);
      const ref = buffer(n + 1, (i: i32): f32 => GUARD);
      kernel(out, x, n);
      twin(ref, x, n);
      expect(close(out, ref, n, rtol, atol)).toBe(true);
      expect(load<f32>(out + (<usize>n << 2))).toBe(GUARD, "the element after n stays untouched");
      heap.free(x);
      heap.free(out);
      heap.free(ref);
    }
  }
}

describe("piecewise-linear activations match their scalar twins bit for bit", () => {
  it("relu", () => {
    checkExact(relu_f32, relu_f32_ref, values);
    checkExact(relu_f32, relu_f32_ref, allNegative);
  });
  it("hardtanh / relu6", () => {
    checkExact((o: usize, x: usize, n: i32): void => hardtanh_f32(o, x, n, -2.0, 0.5),
      (o: usize, x: usize, n: i32): void => hardtanh_f32_ref(o, x, n, -2.0, 0.5), values);
    checkExact((o: usize, x: usize, n: i32): void => hardtanh_f32(o, x, n, 0.0, 6.0),
      (o: usize, x: usize, n: i32): void => hardtanh_f32_ref(o, x, n, 0.0, 6.0), values);
  });
  it("leakyRelu", () => {
    checkExact((o: usize, x: usize, n: i32): void => leakyRelu_f32(o, x, n, 0.2),
      (o: usize, x: usize, n: i32): void => leakyRelu_f32_ref(o, x, n, 0.2), values);
  });
  it("threshold", () => {
    checkExact((o: usize, x: usize, n: i32): void => threshold_f32(o, x, n, 0.5, -2.0),
      (o: usize, x: usize, n: i32): void => threshold_f32_ref(o, x, n, 0.5, -2.0), values);
  });
  it("softshrink / hardshrink", () => {
    checkExact((o: usize, x: usize, n: i32): void => softshrink_f32(o, x, n, 1.5),
      (o: usize, x: usize, n: i32): void => softshrink_f32_ref(o, x, n, 1.5), values);
    checkExact((o: usize, x: usize, n: i32): void => hardshrink_f32(o, x, n, 1.5),
      (o: usize, x: usize, n: i32): void => hardshrink_f32_ref(o, x, n, 1.5), values);
  });
});

describe("smooth activations stay within 2e-6 relative (1e-30 absolute) of float64 twins", () => {
  it("sigmoid, tanh, silu, mish", () => {
    checkClose(sigmoid_f32, sigmoid_f32_ref, values, 2e-6, 1e-30);
    checkClose(tanh_f32, tanh_f32_ref, values, 2e-6, 1e-30);
    checkClose(silu_f32, silu_f32_ref, values, 2e-6, 1e-30);
    checkClose(mish_f32, mish_f32_ref, values, 2e-6, 1e-30);
  });
  it("gelu (erf and tanh forms)", () => {
    // The float64 twins use 1 + erf / 1 + tanh, which cancel far left: compare absolutely there.
    checkClose(gelu_f32, gelu_f32_ref, values, 2e-6, 1e-12);
    checkClose(geluTanh_f32, geluTanh_f32_ref, values, 2e-6, 1e-12);
  });
  it("elu, selu, celu", () => {
    checkClose((o: usize, x: usize, n: i32): void => elu_f32(o, x, n, 0.5, 1.0, 1.0),
      (o: usize, x: usize, n: i32): void => elu_f32_ref(o, x, n, 0.5, 1.0, 1.0), values, 2e-6, 1e-30);
    checkClose((o: usize, x: usize, n: i32): void => elu_f32(o, x, n, 1.6732632, 1.0507009, 1.0),
      (o: usize, x: usize, n: i32): void => elu_f32_ref(o, x, n, 1.6732632, 1.0507009, 1.0), values, 2e-6, 1e-30);
    checkClose((o: usize, x: usize, n: i32): void => elu_f32(o, x, n, 0.7, 1.0, <f32>(1.0 / 0.7)),
      (o: usize, x: usize, n: i32): void => elu_f32_ref(o, x, n, 0.7, 1.0, <f32>(1.0 / 0.7)), values, 2e-6, 1e-30);
  });
  it("softplus, logsigmoid", () => {
    checkClose((o: usize, x: usize, n: i32): void => softplus_f32(o, x, n, 2.0, 3.0),
      (o: usize, x: usize, n: i32): void => softplus_f32_ref(o, x, n, 2.0, 3.0), values, 2e-6, 1e-30);
    checkClose((o: usize, x: usize, n: i32): void => softplus_f32(o, x, n, 1.0, 20.0),
      (o: usize, x: usize, n: i32): void => softplus_f32_ref(o, x, n, 1.0, 20.0), values, 2e-6, 1e-30);
    checkClose(logsigmoid_f32, logsigmoid_f32_ref, values, 2e-6, 1e-30);
  });
  it("hardsigmoid, hardswish, softsign, tanhshrink", () => {
    checkClose(hardsigmoid_f32, hardsigmoid_f32_ref, values, 2e-6, 1e-30);
    checkClose(hardswish_f32, hardswish_f32_ref, values, 2e-6, 1e-30);
    checkClose(softsign_f32, softsign_f32_ref, values, 2e-6, 1e-30);
    // x - tanh(x) cancels in the float64 twin near 0; the kernel's series is the more accurate side.
    checkClose(tanhshrink_f32, tanhshrink_f32_ref, values, 2e-6, 1e-12);
  });
  it("all-negative inputs", () => {
    checkClose(sigmoid_f32, sigmoid_f32_ref, allNegative, 2e-6, 1e-30);
    checkClose(silu_f32, silu_f32_ref, allNegative, 2e-6, 1e-30);
    checkClose(logsigmoid_f32, logsigmoid_f32_ref, allNegative, 2e-6, 1e-30);
  });
});

describe("prelu, rrelu and glu", () => {
  it("prelu per channel over inner sizes 1 (vectors along channels), 3, 4 and 9", () => {
    const inners: i32[] = [1, 3, 4, 9];
    const channelCounts: i32[] = [1, 3, 5, 8];
    for (let a = 0; a < inners.length; a++) {
      for (let b = 0; b < channelCounts.length; b++) {
        const outer = 2;
        const c = channelCounts[b];
        const inner = inners[a];
        const n = outer * c * inner;
        const x = buffer(n, values);
        const w = buffer(c, (i: i32): f32 => <f32>i * 0.3 - 0.4);
        const out = buffer(n + 1, (i: i32): f32 => GUARD);
        const ref = buffer(n + 1, (i: i32): f32 => GUARD);
        prelu_f32(out, x, w, outer, c, inner);
        prelu_f32_ref(ref, x, w, outer, c, inner);
        expect(sameBits(out, ref, n + 1)).toBe(true);
        heap.free(x);
        heap.free(w);
        heap.free(out);
        heap.free(ref);
      }
    }
  });

  it("rrelu with per-element slopes", () => {
    for (let k = 0; k < LENGTHS.length; k++) {
      const n = LENGTHS[k];
      const x = buffer(n, values);
      const s = buffer(n, (i: i32): f32 => 0.1 + <f32>(i % 5) * 0.05);
      const out = buffer(n + 1, (i: i32): f32 => GUARD);
      const ref = buffer(n + 1, (i: i32): f32 => GUARD);
      rrelu_f32(out, x, s, n);
      rrelu_f32_ref(ref, x, s, n);
      expect(sameBits(out, ref, n + 1)).toBe(true);
      heap.free(x);
      heap.free(s);
      heap.free(out);
      heap.free(ref);
    }
  });

  it("glu over halves that are and are not multiples of four", () => {
    const halves: i32[] = [1, 2, 3, 4, 5, 8, 17];
    for (let k = 0; k < halves.length; k++) {
      const outer = 3;
      const half = halves[k];
      const x = buffer(outer * 2 * half, values);
      const out = buffer(outer * half + 1, (i: i32): f32 => GUARD);
      const ref = buffer(outer * half + 1, (i: i32): f32 => GUARD);
      glu_f32(out, x, outer, half);
      glu_f32_ref(ref, x, outer, half);
      expect(close(out, ref, outer * half, 2e-6, 1e-30)).toBe(true);
      expect(load<f32>(out + (<usize>(outer * half) << 2))).toBe(GUARD);
      heap.free(x);
      heap.free(out);
      heap.free(ref);
    }
  });
});
