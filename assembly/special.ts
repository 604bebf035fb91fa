// Special functions in float64 for the random-number kernels (truncated normal draws).
// Accuracy matters more than speed here: these run once per drawn number, not per layer call.

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const ONE_OVER_SQRT_PI: f64 = 0.5641895835477563;

/** erf(x) to about 1e-15: a positive-term series near 0, a continued fraction for erfc in the tails. */
export function erf64(x: f64): f64 {
  if (isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax >= 6.0) return x > 0 ? 1.0 : -1.0;
  if (ax < 3.0) {
    // erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)): no cancellation.
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (2.0 * x2) / <f64>(2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    return x < 0 ? -r : r;
  }
  const r = 1.0 - erfc64(ax);
  return x < 0 ? -r : r;
}

/** erfc(x) for x >= 3 by the continued fraction erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))). */
export function erfc64(x: f64): f64 {
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + (<f64>k * 0.5) / f;
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** Inverse of erf on (-1, 1): Winitzki's closed-form guess refined by Newton steps on erf64. */
export function erfinv64(y: f64): f64 {
  if (isNaN(y) || y <= -1.0 || y >= 1.0) {
    if (y == 1.0) return Infinity;
    if (y == -1.0) return -Infinity;
    return NaN;
  }
  if (y == 0) return y;
  const a = 0.147;
  const ln = Math.log((1.0 - y) * (1.0 + y));
  const t = 2.0 / (Math.PI * a) + ln * 0.5;
  let x = Math.sqrt(Math.sqrt(t * t - ln / a) - t);
  if (y < 0) x = -x;
  for (let i = 0; i < 4; i++) {
    const err = erf64(x) - y;
    const slope = TWO_OVER_SQRT_PI * Math.exp(-x * x);
    if (slope == 0) break;
    x -= err / slope;
  }
  return x;
}

/** Standard normal cumulative distribution function. */
export function normalCdf64(x: f64): f64 {
  return 0.5 * (1.0 + erf64(x * 0.7071067811865476));
}
