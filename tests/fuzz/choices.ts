// Random choices that can be replayed and shrunk (the idea behind Hypothesis): a
// generator draws every decision from a list of numbers in [0, 1). A run records the
// list; shrinking edits the list (shorter, smaller numbers) and replays the generator,
// so every generator gets shrinking without writing any shrinking code. Drawing 0 always
// gives the simplest answer: the low end of a range, the first option, "no".

export interface Choices {
  /** Uniform in [0, 1). */
  (): number;
  /** An integer in [lo, hi], both included (lo when shrunk). */
  int(lo: number, hi: number): number;
  /** One of `xs` (the first when shrunk). */
  pick<T>(xs: readonly T[]): T;
  /** True with probability p (false when shrunk). */
  chance(p: number): boolean;
  /** The numbers drawn so far. */
  readonly drawn: number[];
}

/** mulberry32: the stream behind fresh draws. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Too many draws means a generator loops on shrunk choices: it is stopped. */
export class Overrun extends Error {}

const MAX_DRAWS = 100_000;

/** Draws from `seed`, or replays `replay` (then 0 once it runs out). */
export function choices(seed: number, replay?: readonly number[]): Choices {
  const fresh = mulberry32(seed);
  const drawn: number[] = [];
  const next = (() => {
    if (drawn.length >= MAX_DRAWS) throw new Overrun("too many draws");
    const u = replay === undefined ? fresh() : (replay[drawn.length] ?? 0);
    drawn.push(u);
    return u;
  }) as Choices;
  next.int = (lo, hi) => lo + Math.min(hi - lo, Math.floor(next() * (hi - lo + 1)));
  next.pick = (xs) => xs[Math.min(xs.length - 1, Math.floor(next() * xs.length))];
  next.chance = (p) => next() >= 1 - p;
  Object.defineProperty(next, "drawn", { get: () => drawn });
  return next;
}

/**
 * Shrinks `start` (a list of draws for which `fails` holds) to a smaller list that still
 * fails: deletes runs of draws, zeroes them, halves single draws. `budget` bounds the
 * number of `fails` calls.
 */
export function shrinkChoices(start: readonly number[], fails: (c: readonly number[]) => boolean, budget = 2000): number[] {
  let best = start.slice();
  let calls = 0;
  const attempt = (candidate: number[]): boolean => {
    if (calls >= budget) return false;
    calls++;
    if (candidate.length > best.length) return false;
    if (fails(candidate)) {
      best = candidate;
      return true;
    }
    return false;
  };
  let progress = true;
  while (progress && calls < budget) {
    progress = false;
    // Drop the tail, then runs of draws (big to small).
    for (let keep = 0; keep < best.length; keep = keep === 0 ? 1 : keep * 2) {
      if (attempt(best.slice(0, keep))) {
        progress = true;
        break;
      }
    }
    for (let size = 8; size >= 1; size = size >> 1) {
      for (let i = 0; i + size <= best.length; ) {
        if (attempt([...best.slice(0, i), ...best.slice(i + size)])) progress = true;
        else i++;
      }
    }
    // Zero runs, then single draws.
    for (let size = 8; size >= 1; size = size >> 1) {
      for (let i = 0; i + size <= best.length; i++) {
        if (best.slice(i, i + size).every((u) => u === 0)) continue;
        const c = best.slice();
        c.fill(0, i, i + size);
        if (attempt(c)) progress = true;
      }
    }
    // Smaller single draws.
    for (let i = 0; i < best.length; i++) {
      for (const f of [0.5, 0.25, 0.1]) {
        if (best[i] === 0) break;
        const c = best.slice();
        c[i] = best[i] * f;
        if (attempt(c)) {
          progress = true;
          break;
        }
      }
    }
  }
  return best;
}
