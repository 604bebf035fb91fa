// Float32 transcendental functions on four lanes at a time, for the activation and softmax
// kernels: every polynomial of the elementwise family lives here. Polynomial coefficients come from tools/fit_activation.py (near-minimax fits);
// each function states its accuracy and how it treats NaN, infinities and extreme inputs.
//
// Clamping uses f32x4.pmin/pmax with the input as the first operand: they compile to one
// instruction each and, unlike min/max, leave a NaN input in place (a NaN comparison is
// false, so the input itself is returned), which lets NaN flow to the result unchanged.

// exp / expm1 range reduction: x = n*ln2 + r with |r| <= ln2/2. LN2_HI has few enough
// significant bits that n * LN2_HI is exact for |n| <= 256.
const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.42860677e-6;
// Adding 1.5 * 2^23 rounds a float of magnitude < 2^22 to an integer held in the low
// mantissa bits; shifting those bits by 23 puts the integer into the exponent field.
const ROUNDER: f32 = 12582912.0;
const ONE_BITS: i32 = 0x3f800000;
// Inputs are clamped to [EXP_LO, EXP_HI]: n stays in [-127, 128], so the exponent-field
// construction of 2^n gives 0 (n = -127), a normal power of two, or +Infinity (n = 128).
const EXP_LO: f32 = -88.0;
const EXP_HI: f32 = 88.75;

// expm1(r) = r + r^2 * (Q0 + Q1 r + Q2 r^2 + Q3 r^3) on |r| <= ln2/2, relative error 4.5e-7:
// well inside float32 tolerances, and one multiply-add per vector cheaper than a degree
// that would reach float32 rounding (1.3e-8 needs Q4).
const Q0: f32 = 0.49999402744;
const Q1: f32 = 0.16666831002;
const Q2: f32 = 0.041872546964;
const Q3: f32 = 0.0083380639234;

/** One Horner step, p t + c (the order every polynomial below evaluates in). */
@inline function horner(p: v128, t: v128, c: f32): v128 {
  return f32x4.add(f32x4.mul(p, t), f32x4.splat(c));
}

/** r + r^2 q(r) ~ expm1(r) for the reduced argument. */
@inline function expm1Reduced(r: v128): v128 {
  const q = horner(horner(horner(f32x4.splat(Q3), r, Q2), r, Q1), r, Q0);
  return f32x4.add(f32x4.mul(f32x4.mul(r, r), q), r);
}

/** x clamped to [EXP_LO, EXP_HI]; NaN stays NaN. */
@inline function clampExp(x: v128): v128 {
  return f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
}

/** k = round(x log2 e) + ROUNDER: the integer n = round(x / ln2) sits in k's low mantissa bits. */
@inline function roundedLog2(x: v128): v128 {
  return f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
}

/** r = x - n ln2 for the n held in k, in two steps (LN2_HI exact, then LN2_LO). */
@inline function reduceLn2(x: v128, k: v128): v128 {
  const n = f32x4.sub(k, f32x4.splat(ROUNDER));
  const r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  return f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
}

/** 2^n for the n held in k: n moved into the exponent field. */
@inline function pow2(k: v128): v128 {
  return i32x4.add(i32x4.shl(k, 23), i32x4.splat(ONE_BITS));
}

/**
 * e^x, relative error about 6e-7 for results in [2^-126, 2^127.5). Larger results
 * (x > 88.376) are +Infinity, smaller ones (x < -87.68) are 0 or subnormal; exp(-Inf) = 0,
 * exp(+Inf) = +Inf, exp(NaN) = NaN.
 */
@inline export function exp4(x: v128): v128 {
  x = clampExp(x);
  const k = roundedLog2(x);
  // scale * (1 + p), never scale * p + scale: with scale = +Infinity that would be Inf - Inf.
  return f32x4.mul(pow2(k), f32x4.add(expm1Reduced(reduceLn2(x, k)), f32x4.splat(1.0)));
}

/**
 * e^-x, as exp4(-x) but without the negation (which costs V8 three instructions): the
 * sign is folded into the reduction. Same accuracy and special values as exp4(-x).
 */
@inline export function expNeg4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-EXP_HI)), f32x4.splat(-EXP_LO));
  const k = f32x4.add(f32x4.mul(x, f32x4.splat(-LOG2E)), f32x4.splat(ROUNDER));
  const n = f32x4.sub(k, f32x4.splat(ROUNDER));
  // r = -x - n ln2 = -(x + n LN2_HI) - n LN2_LO
  const t = f32x4.add(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  const r = f32x4.sub(f32x4.mul(n, f32x4.splat(-LN2_LO)), t);
  return f32x4.mul(pow2(k), f32x4.add(expm1Reduced(r), f32x4.splat(1.0)));
}

/**
 * e^x - 1 with relative accuracy near 0 (about 6e-7). Defined for x <= 88.3; x < -88
 * gives -1 (as does -Infinity); NaN gives NaN.
 */
@inline export function expm1_4(x: v128): v128 {
  x = clampExp(x);
  const k = roundedLog2(x);
  const scale = pow2(k);
  // 2^n (e^r - 1) + (2^n - 1): for n = 0 this is the polynomial itself, so no cancellation.
  return f32x4.add(f32x4.mul(scale, expm1Reduced(reduceLn2(x, k))), f32x4.sub(scale, f32x4.splat(1.0)));
}

// log1p(y) = 2s + s^3 (L0 + L1 s^2 + L2 s^4 + L3 s^6), s = y / (2 + y), relative error 4.5e-9 for s in [0, 1/3].
const L0: f32 = 0.66666416302;
const L1: f32 = 0.40021526218;
const L2: f32 = 0.28001823427;
const L3: f32 = 0.28011891160;

/** 2 atanh(s) = log((1 + s) / (1 - s)) for |s| <= 1/3. */
@inline function twoAtanh(s: v128): v128 {
  const s2 = f32x4.mul(s, s);
  const p = horner(horner(horner(f32x4.splat(L3), s2, L2), s2, L1), s2, L0);
  return f32x4.add(f32x4.add(s, s), f32x4.mul(f32x4.mul(s, s2), p));
}

/** log(1 + y) for y in [0, 1] (what softplus and logsigmoid need), relative error about 4e-7; NaN gives NaN. */
@inline export function log1p01_4(y: v128): v128 {
  return twoAtanh(f32x4.div(y, f32x4.add(y, f32x4.splat(2.0))));
}

/**
 * Natural log of positive normal floats (softmax sums, which lie in [1, dim]), relative
 * error about 4e-7. Zero, negative, subnormal, infinite and NaN inputs are not handled.
 */
@inline export function logPositive4(y: v128): v128 {
  // y = 2^e * m with m in [sqrt(1/2), sqrt(2)): shift the mantissa by (1 - sqrt(1/2)) so the split falls there.
  const bits = i32x4.sub(y, i32x4.splat(0x3f3504f3));
  const e = f32x4.convert_i32x4_s(i32x4.shr_s(bits, 23));
  const m = i32x4.add(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3));
  const s = f32x4.div(f32x4.sub(m, f32x4.splat(1.0)), f32x4.add(m, f32x4.splat(1.0)));
  const lnm = twoAtanh(s);
  return f32x4.add(f32x4.add(f32x4.mul(e, f32x4.splat(LN2_HI)), lnm), f32x4.mul(e, f32x4.splat(LN2_LO)));
}

/** 1 / (1 + e^-x): exact 0 and 1 in the far tails, relative error about 5e-7 elsewhere; NaN gives NaN. */
@inline export function sigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), expNeg4(x)));
}

const SIGN: i32 = 0x80000000;
const ABS: i32 = 0x7fffffff;

/** |x| (the sign bit cleared; NaN stays NaN). */
@inline export function abs4(x: v128): v128 {
  return v128.and(x, i32x4.splat(ABS));
}

/** tanh(x) = expm1(2|x|) / (expm1(2|x|) + 2) with x's sign; relative error about 8e-7, keeps -0, NaN gives NaN. */
@inline export function tanh4(x: v128): v128 {
  // tanh(10) rounds to 1 in float32; clamping keeps expm1 finite.
  const a = f32x4.pmin(abs4(x), f32x4.splat(10.0));
  const t = expm1_4(f32x4.add(a, a));
  const r = f32x4.div(t, f32x4.add(t, f32x4.splat(2.0)));
  return v128.or(r, v128.and(x, i32x4.splat(SIGN)));
}

// erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2), z >= 0: relative error 6e-8 in float64 for every z.
const E0: f32 = -1.2654969015, E1: f32 = 0.99966106453, E2: f32 = 0.37756237137, E3: f32 = 0.078939178931;
const E4: f32 = -0.13132575551, E5: f32 = 0.17265224476, E6: f32 = -1.0053177095, E7: f32 = 1.3909177876;
const E8: f32 = -0.78102302468, E9: f32 = 0.16343080632;
const SQRT1_2: f32 = 0.70710678118654752;

/**
 * The standard normal CDF, Phi(x) = (1 + erf(x / sqrt 2)) / 2, with relative accuracy in
 * the lower tail (it is computed from erfc there, not as 1 + erf): about 1e-6 for
 * Phi(x) >= 1e-30. Phi(-Inf) = 0, Phi(+Inf) = 1, NaN gives NaN.
 */
@inline export function normalCdf4(x: v128): v128 {
  const z = f32x4.mul(abs4(x), f32x4.splat(SQRT1_2));
  const t = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), f32x4.mul(z, f32x4.splat(0.5))));
  const p5 = horner(horner(horner(horner(f32x4.splat(E9), t, E8), t, E7), t, E6), t, E5);
  const p = horner(horner(horner(horner(horner(p5, t, E4), t, E3), t, E2), t, E1), t, E0);
  // halfErfc = erfc(z) / 2 = Phi(-|x|).
  const halfErfc = f32x4.mul(f32x4.mul(t, f32x4.splat(0.5)), exp4(f32x4.sub(p, f32x4.mul(z, z))));
  // x > 0: Phi(x) = 1 - Phi(-x). NaN takes the other branch and stays NaN.
  return v128.bitselect(f32x4.sub(f32x4.splat(1.0), halfErfc), halfErfc, f32x4.gt(x, f32x4.splat(0.0)));
}

// x - tanh(x) = x^3 (T0 + T1 x^2 + ... + T5 x^10) for |x| < 0.625, where the subtraction would cancel.
const T0: f32 = 0.33333333174, T1: f32 = -0.13333255318, T2: f32 = 0.053946857347;
const T3: f32 = -0.021670558578, T4: f32 = 0.0080382082661, T5: f32 = -0.0019664531947;

/** x - tanh(x): a series near 0 (no cancellation), the difference elsewhere. */
@inline export function tanhshrink4(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  const p = horner(horner(horner(horner(horner(f32x4.splat(T5), x2, T4), x2, T3), x2, T2), x2, T1), x2, T0);
  const small = f32x4.mul(f32x4.mul(x, x2), p);
  const large = f32x4.sub(x, tanh4(x));
  return v128.bitselect(small, large, f32x4.lt(abs4(x), f32x4.splat(0.625)));
}
