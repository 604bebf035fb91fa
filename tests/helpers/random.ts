// A seeded generator for property tests (mulberry32): small, fast and the same everywhere.

export interface Rng {
  /** Uniform in [0, 1). */
  (): number;
  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number;
  /** Uniform in [-1, 1). */
  float(): number;
  pick<T>(xs: readonly T[]): T;
  bool(p?: number): boolean;
}

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as Rng;
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  next.float = () => next() * 2 - 1;
  next.pick = (xs) => xs[Math.floor(next() * xs.length)];
  next.bool = (p = 0.5) => next() < p;
  return next;
}
