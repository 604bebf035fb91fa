// Comparing results with expected values: |actual - expected| <= atol + rtol * |expected|,
// NaN matches NaN, infinities must match exactly. A failure names the worst element.
import type { Tensor } from "../../src/index";
import { isClose } from "./closeness";

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

export const DEFAULT_TOLERANCE = { rtol: 1e-4, atol: 1e-5 };

export interface Mismatch {
  index: number[];
  actual: number;
  expected: number;
  error: number;
  bad: number;
  total: number;
}

/** The worst out-of-tolerance element, or null when everything is within tolerance. */
export function worstMismatch(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  shape: readonly number[],
  { rtol = DEFAULT_TOLERANCE.rtol, atol = DEFAULT_TOLERANCE.atol }: Tolerance = {},
): Mismatch | null {
  if (actual.length !== expected.length) {
    return { index: [], actual: actual.length, expected: expected.length, error: Infinity, bad: 1, total: expected.length };
  }
  let worst = -1;
  let worstError = -1;
  let bad = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    const ok = isClose(a, e, rtol, atol);
    const error = ok ? 0 : Number.isFinite(e) && Number.isFinite(a) ? Math.abs(a - e) : Infinity;
    if (!ok) {
      bad++;
      if (error > worstError) {
        worstError = error;
        worst = i;
      }
    }
  }
  if (bad === 0) return null;
  return { index: unravel(worst, shape), actual: actual[worst], expected: expected[worst], error: worstError, bad, total: expected.length };
}

export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** Throws a readable error (shape, worst element, count) unless `actual` matches. */
export function expectClose(
  actual: Tensor | ArrayLike<number>,
  expected: ArrayLike<number>,
  shape: readonly number[],
  tolerance: Tolerance = {},
  label = "tensor",
): void {
  let values: ArrayLike<number>;
  if (isTensor(actual)) {
    if (actual.shape.length !== shape.length || actual.shape.some((s, i) => s !== shape[i])) {
      throw new Error(`${label}: shape [${actual.shape}] but expected [${shape}]`);
    }
    values = actual.toArray();
  } else {
    values = actual;
  }
  const m = worstMismatch(values, expected, shape, tolerance);
  if (m !== null) {
    const tol = { ...DEFAULT_TOLERANCE, ...tolerance };
    throw new Error(
      `${label}: ${m.bad}/${m.total} values out of tolerance (rtol ${tol.rtol}, atol ${tol.atol}); ` +
        `worst at [${m.index}]: got ${m.actual}, expected ${m.expected} (|error| ${m.error})`,
    );
  }
}

/** Exact equality (max-pool values and indices, unpooling, relu, copies). */
export function expectExact(actual: Tensor | ArrayLike<number>, expected: ArrayLike<number>, shape: readonly number[], label = "tensor"): void {
  expectClose(actual, expected, shape, { rtol: 0, atol: 0 }, label);
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === "object" && v !== null && typeof (v as Tensor).toArray === "function" && "shape" in v;
}
