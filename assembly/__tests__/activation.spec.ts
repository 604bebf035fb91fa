import {
  relu_f32, hardtanh_f32, leakyRelu_f32, threshold_f32, hardsigmoid_f32, hardswish_f32, softshrink_f32, hardshrink_f32,
  softsign_f32, rrelu_f32, elu_f32, sigmoid_f32, tanh_f32, silu_f32, mish_f32, gelu_f32, geluTanh_f32,
  softplus_f32, logsigmoid_f32, tanhshrink_f32,
} from "../activation";
import { prelu_f32, glu_f32 } from "../gated";
import {
  relu_f32_ref, hardtanh_f32_ref, leakyRelu_f32_ref, threshold_f32_ref, hardsigmoid_f32_ref, hardswish_f32_ref,
  softshrink_f32_ref, hardshrink_f32_ref, softsign_f32_ref, prelu_f32_ref, rrelu_f32_ref, elu_f32_ref, sigmoid_f32_ref,
  tanh_f32_ref, silu_f32_ref, mish_f32_ref, gelu_f32_ref, geluTanh_f32_ref, softplus_f32_ref, logsigmoid_f32_ref,
  tanhshrink_f32_ref, glu_f32_ref,
} from "../reference/activation";
import { GUARD, allClose, buffer, sameBits, LENGTHS, tricky } from "./helpers";

/** Values with NaN, infinities, -0, large magnitudes and a spread of ordinary values. */
function values(i: i32): f32 {
  if (i % 11 == 10) return i % 2 ? <f32>-1.0e4 : <f32>3.0e38;
  if (i % 13 == 12) return <f32>(-88.5);
  return i % 3 == 0 ? tricky(i) : <f32>((i * 7919) % 61) * 0.5 - 15.0;
}

function allNegative(i: i32): f32 { return -0.25 - <f32>i * 0.75; }

// Every unary kernel is called through one signature; parameters are fixed per entry.
type Unary = (out: usize, input: usize, n: i32) => void;

/**
 * Runs kernel and twin on `inN` floats of `fill`, writing `outN`: bit for bit when `exact`,
 * else within rtol/atol; the element after the output stays untouched.
 */
function runTwin(kernel: Unary, twin: Unary, inN: i32, outN: i32, fill: (i: i32) => f32, exact: bool, rtol: f64, atol: f64): bool {
  const x = buffer(inN, fill);
  const out = buffer(outN + 1, (i: i32): f32 => GUARD);
  const ref = buffer(outN + 1, (i: i32): f32 => GUARD);
  kernel(out, x, inN);
  twin(ref, x, inN);
  const same = exact ? sameBits(out, ref, outN) : allClose(out, ref, outN, rtol, atol);
  const ok = same && load<f32>(out + (<usize>outN << 2)) == GUARD;
  heap.free(x);
  heap.free(out);
  heap.free(ref);
  return ok;
}

/** runTwin on every length in LENGTHS and 16 more (whole 16-float blocks plus each tail). */
function matchesTwin(kernel: Unary, twin: Unary, fill: (i: i32) => f32, exact: bool, rtol: f64, atol: f64): bool {
  let ok = true;
  for (let k = 0; k < LENGTHS.length; k++) {
    for (let extra = 0; extra < 2; extra++) {
      const n = LENGTHS[k] + extra * 16;
      ok = ok && runTwin(kernel, twin, n, n, fill, exact, rtol, atol);
    }
  }
  return ok;
}

function checkExact(kernel: Unary, twin: Unary, fill: (i: i32) => f32): void {
  expect(matchesTwin(kernel, twin, fill, true, 0, 0)).toBe(true, "bit-exact, and the element after n stays untouched");
}

function checkClose(kernel: Unary, twin: Unary, fill: (i: i32) => f32, rtol: f64, atol: f64): void {
  expect(matchesTwin(kernel, twin, fill, false, rtol, atol)).toBe(true, "close, and the element after n stays untouched");
}

// The parametric kernels and their twins through the Unary signature, reading their
// parameters from P0..P2 (AS closures cannot capture locals): set them with `params`.
let P0: f32 = 0;
let P1: f32 = 0;
let P2: f32 = 0;
function params(a: f32, b: f32, c: f32): void {
  P0 = a;
  P1 = b;
  P2 = c;
}
const hardtanh = (o: usize, x: usize, n: i32): void => hardtanh_f32(o, x, n, P0, P1);
const hardtanhRef = (o: usize, x: usize, n: i32): void => hardtanh_f32_ref(o, x, n, P0, P1);
const leakyRelu = (o: usize, x: usize, n: i32): void => leakyRelu_f32(o, x, n, P0);
const leakyReluRef = (o: usize, x: usize, n: i32): void => leakyRelu_f32_ref(o, x, n, P0);
const threshold = (o: usize, x: usize, n: i32): void => threshold_f32(o, x, n, P0, P1);
const thresholdRef = (o: usize, x: usize, n: i32): void => threshold_f32_ref(o, x, n, P0, P1);
const softshrink = (o: usize, x: usize, n: i32): void => softshrink_f32(o, x, n, P0);
const softshrinkRef = (o: usize, x: usize, n: i32): void => softshrink_f32_ref(o, x, n, P0);
const hardshrink = (o: usize, x: usize, n: i32): void => hardshrink_f32(o, x, n, P0);
const hardshrinkRef = (o: usize, x: usize, n: i32): void => hardshrink_f32_ref(o, x, n, P0);
const elu = (o: usize, x: usize, n: i32): void => elu_f32(o, x, n, P0, P1, P2);
const eluRef = (o: usize, x: usize, n: i32): void => elu_f32_ref(o, x, n, P0, P1, P2);
const softplus = (o: usize, x: usize, n: i32): void => softplus_f32(o, x, n, P0, P1);
const softplusRef = (o: usize, x: usize, n: i32): void => softplus_f32_ref(o, x, n, P0, P1);

describe("piecewise-linear activations match their scalar twins bit for bit", () => {
  it("relu", () => {
    checkExact(relu_f32, relu_f32_ref, values);
    checkExact(relu_f32, relu_f32_ref, allNegative);
  });
  it("hardtanh / relu6", () => {
    params(-2.0, 0.5, 0);
    checkExact(hardtanh, hardtanhRef, values);
    params(0.0, 6.0, 0);
    checkExact(hardtanh, hardtanhRef, values);
  });
  it("leakyRelu", () => {
    params(0.2, 0, 0);
    checkExact(leakyRelu, leakyReluRef, values);
  });
  it("threshold", () => {
    params(0.5, -2.0, 0);
    checkExact(threshold, thresholdRef, values);
  });
  it("softshrink / hardshrink", () => {
    params(1.5, 0, 0);
    checkExact(softshrink, softshrinkRef, values);
    checkExact(hardshrink, hardshrinkRef, values);
  });
});

const SMOOTH: Unary[] = [sigmoid_f32, tanh_f32, silu_f32, mish_f32, logsigmoid_f32, hardsigmoid_f32, hardswish_f32, softsign_f32];
const SMOOTH_TWINS: Unary[] = [sigmoid_f32_ref, tanh_f32_ref, silu_f32_ref, mish_f32_ref, logsigmoid_f32_ref, hardsigmoid_f32_ref, hardswish_f32_ref, softsign_f32_ref];

describe("smooth activations stay within 2e-6 relative (1e-30 absolute) of float64 twins", () => {
  it("sigmoid, tanh, silu, mish, logsigmoid, hardsigmoid, hardswish, softsign (the first three also on all-negative inputs)", () => {
    for (let k = 0; k < SMOOTH.length; k++) checkClose(SMOOTH[k], SMOOTH_TWINS[k], values, 2e-6, 1e-30);
    for (let k = 0; k < 3; k++) checkClose(SMOOTH[k], SMOOTH_TWINS[k], allNegative, 2e-6, 1e-30);
  });
  it("gelu (erf and tanh forms) and tanhshrink, compared absolutely where the twins cancel", () => {
    // The float64 twins use 1 + erf / 1 + tanh, which cancel far left, and x - tanh(x), which
    // cancels near 0 (where the kernel's series is the more accurate side).
    checkClose(gelu_f32, gelu_f32_ref, values, 2e-6, 1e-12);
    checkClose(geluTanh_f32, geluTanh_f32_ref, values, 2e-6, 1e-12);
    checkClose(tanhshrink_f32, tanhshrink_f32_ref, values, 2e-6, 1e-12);
  });
  it("elu, selu, celu and softplus with two (beta, threshold) pairs", () => {
    const eluParams: f32[] = [0.5, 1.0, 1.0, 1.6732632, 1.0507009, 1.0, 0.7, 1.0, <f32>(1.0 / 0.7)];
    for (let k = 0; k < eluParams.length; k += 3) {
      params(eluParams[k], eluParams[k + 1], eluParams[k + 2]);
      checkClose(elu, eluRef, values, 2e-6, 1e-30);
    }
    params(2.0, 3.0, 0);
    checkClose(softplus, softplusRef, values, 2e-6, 1e-30);
    params(1.0, 20.0, 0);
    checkClose(softplus, softplusRef, values, 2e-6, 1e-30);
  });
});

// PReLU, RReLU and GLU through the Unary signature: their weights, slopes and shapes come
// from the globals below (n is the input length).
const WEIGHTS = buffer(8, (i: i32): f32 => <f32>i * 0.3 - 0.4);
const SLOPES = buffer(128, (i: i32): f32 => 0.1 + <f32>(i % 5) * 0.05);
let OUTER = 1;
let CHANNELS = 1;
const prelu = (o: usize, x: usize, n: i32): void => prelu_f32(o, x, WEIGHTS, OUTER, CHANNELS, n / (OUTER * CHANNELS));
const preluRef = (o: usize, x: usize, n: i32): void => prelu_f32_ref(o, x, WEIGHTS, OUTER, CHANNELS, n / (OUTER * CHANNELS));
const rrelu = (o: usize, x: usize, n: i32): void => rrelu_f32(o, x, SLOPES, n);
const rreluRef = (o: usize, x: usize, n: i32): void => rrelu_f32_ref(o, x, SLOPES, n);
const glu = (o: usize, x: usize, n: i32): void => glu_f32(o, x, OUTER, n / (2 * OUTER));
const gluRef = (o: usize, x: usize, n: i32): void => glu_f32_ref(o, x, OUTER, n / (2 * OUTER));

describe("prelu, rrelu and glu", () => {
  it("prelu per channel over inner sizes 1 (vectors along channels), 3, 4 and 9", () => {
    const inners: i32[] = [1, 3, 4, 9];
    const channelCounts: i32[] = [1, 3, 5, 8];
    OUTER = 2;
    for (let a = 0; a < inners.length; a++) {
      for (let b = 0; b < channelCounts.length; b++) {
        CHANNELS = channelCounts[b];
        const n = OUTER * CHANNELS * inners[a];
        expect(runTwin(prelu, preluRef, n, n, values, true, 0, 0)).toBe(true);
      }
    }
  });

  it("rrelu with per-element slopes", () => {
    checkExact(rrelu, rreluRef, values);
  });

  it("glu over halves that are and are not multiples of four", () => {
    const halves: i32[] = [1, 2, 3, 4, 5, 8, 17];
    OUTER = 3;
    for (let k = 0; k < halves.length; k++) {
      const half = halves[k];
      expect(runTwin(glu, gluRef, OUTER * 2 * half, OUTER * half, values, false, 2e-6, 1e-30)).toBe(true);
    }
  });
});
