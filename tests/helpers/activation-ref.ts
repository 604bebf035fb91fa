// Plain float64 references for the activations, written from their definitions, for the
// property tests and the accuracy sweep. Where a textbook formula cancels badly in
// float64 itself (x - tanh x near 0, 1 + tanh u for very negative u) an equivalent stable
// form is used, so the reference stays the more accurate side of every comparison.

/** erf(x) to about 1e-15: a power series near 0, a continued fraction for erfc beyond 3. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  if (ax < 3) {
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
    return x < 0 ? -r : r;
  }
  const r = 1 - erfc(ax);
  return x < 0 ? -r : r;
}

/** erfc(x), accurate in the upper tail. */
export function erfc(x: number): number {
  if (x < 3) return 1 - erf(x);
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + (k * 0.5) / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The standard normal CDF with relative accuracy in the lower tail. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return x;
  return x < 0 ? 0.5 * erfc(-x / Math.SQRT2) : 1 - 0.5 * erfc(x / Math.SQRT2);
}

const softplus1 = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

export type Options = Record<string, number | string | boolean>;

/** The reference of activation `name` with its options (and positional args for threshold). */
export function activationRef(name: string, o: Options = {}, args: number[] = []): (x: number) => number {
  const num = (k: string, d: number) => (o[k] === undefined ? d : (o[k] as number));
  switch (name) {
    case "relu":
      return (x) => (x > 0 || Number.isNaN(x) ? x : 0);
    case "relu6":
      return (x) => (Number.isNaN(x) ? x : Math.min(Math.max(x, 0), 6));
    case "leakyRelu": {
      const s = num("negativeSlope", 0.01);
      return (x) => (x > 0 ? x : x * s);
    }
    case "rrelu": {
      const s = (num("lower", 1 / 8) + num("upper", 1 / 3)) / 2;
      return (x) => (x > 0 ? x : x * s);
    }
    case "elu": {
      const a = num("alpha", 1);
      return (x) => (x > 0 ? x : a * Math.expm1(x));
    }
    case "selu":
      return (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case "celu": {
      const a = num("alpha", 1);
      return (x) => (x > 0 ? x : a * Math.expm1(x / a));
    }
    case "gelu":
      if (o.approximate === "tanh") {
        const c = Math.sqrt(2 / Math.PI);
        // 0.5 (1 + tanh u) = 1 / (1 + exp(-2u)), without the cancellation for negative u.
        return (x) => x / (1 + Math.exp(-2 * c * (x + 0.044715 * x * x * x)));
      }
      return (x) => x * normalCdf(x);
    case "silu":
      return (x) => x / (1 + Math.exp(-x));
    case "mish":
      return (x) => x * Math.tanh(softplus1(x));
    case "sigmoid":
      return (x) => 1 / (1 + Math.exp(-x));
    case "tanh":
      return Math.tanh;
    case "hardtanh": {
      const lo = num("minVal", -1);
      const hi = num("maxVal", 1);
      return (x) => (Number.isNaN(x) ? x : Math.min(Math.max(x, lo), hi));
    }
    case "hardsigmoid":
      return (x) => (Number.isNaN(x) ? x : Math.min(Math.max(x + 3, 0), 6) / 6);
    case "hardswish":
      return (x) => (Number.isNaN(x) ? x : x * (Math.min(Math.max(x + 3, 0), 6) / 6));
    case "softplus": {
      const b = num("beta", 1);
      const t = num("threshold", 20);
      return (x) => (x * b > t ? x : softplus1(x * b) / b);
    }
    case "softsign":
      return (x) => x / (1 + Math.abs(x));
    case "softshrink": {
      const l = num("lambd", 0.5);
      return (x) => (x > l ? x - l : x < -l ? x + l : Number.isNaN(x) ? x : 0);
    }
    case "hardshrink": {
      const l = num("lambd", 0.5);
      return (x) => (x >= -l && x <= l ? 0 : x);
    }
    case "tanhshrink":
      // x - tanh x = x^3/3 - 2x^5/15 + 17x^7/315 - ... where the subtraction would cancel.
      return (x) => (Math.abs(x) < 1e-3 ? x * x * x * (1 / 3 - (2 / 15) * x * x) : x - Math.tanh(x));
    case "threshold":
      return (x) => (x <= args[0] ? args[1] : x);
    case "logsigmoid":
      return (x) => -softplus1(-x);
    default:
      throw new Error(`no reference for ${name}`);
  }
}

/** softmax / logSoftmax / softmin of a row of numbers, in float64. */
export function softmaxRef(kind: string, row: number[]): number[] {
  const v = kind === "softmin" ? row.map((x) => -x) : row;
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return kind === "logSoftmax" ? v.map((x) => x - m - Math.log(s)) : e.map((x) => x / s);
}
