// The one closeness rule of both test suites. This file is portable: TypeScript compiles
// it for vitest (tests/helpers/allclose.ts) and AssemblyScript for the kernel specs
// (assembly/__tests__/helpers.ts), where `number` is f64 and `boolean` is bool. Keep it to
// what both languages share: numbers, Math, isNaN, isFinite.

/**
 * |actual - expected| <= atol + rtol * |expected|, PyTorch's allclose rule; NaN matches
 * only NaN and an infinity only itself.
 */
export function isClose(actual: number, expected: number, rtol: number, atol: number): boolean {
  if (isNaN(expected)) return isNaN(actual);
  if (!isFinite(expected)) return actual == expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}
