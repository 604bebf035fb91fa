// Seeded random draws: reproducible streams and the right distributions.
import { describe, expect, it } from "vitest";
import { manualSeed, rand, randn, tidy } from "../src/index";

function stats(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let sq = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    sq += values[i] * values[i];
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(sq / values.length - mean * mean), min, max };
}

describe("manualSeed", () => {
  it("reproduces the same stream, and different seeds differ", () => {
    tidy(() => {
      manualSeed(42);
      const a = [rand(7).toArray(), randn(5).toArray()];
      manualSeed(42);
      const b = [rand(7).toArray(), randn(5).toArray()];
      expect(b).toEqual(a);
      manualSeed(43);
      expect(rand(7).toArray()).not.toEqual(a[0]);
    });
  });

  it("accepts bigints and negative seeds, rejects non-integers", () => {
    tidy(() => {
      manualSeed(2n ** 64n - 1n);
      const big = rand(3).toArray();
      manualSeed(-1);
      expect(rand(3).toArray()).toEqual(big); // -1 and 2^64-1 are the same 64-bit seed, as in PyTorch
    });
    expect(() => manualSeed(1.5)).toThrow(RangeError);
    expect(() => manualSeed(2n ** 64n)).toThrow(RangeError);
  });

  it("pins the stream for seed 1 (the same numbers in every runtime)", () => {
    tidy(() => {
      manualSeed(1);
      const u = Array.from(rand(3).toArray());
      const n = Array.from(randn(2).toArray());
      expect(u).toEqual([0.3946729898452759, 0.044432640075683594, 0.9220685958862305]);
      expect(n).toEqual([-0.040481243282556534, 3.396888494491577]);
    });
  });
});

describe("distributions", () => {
  it("rand is uniform on [0, 1)", () => {
    tidy(() => {
      manualSeed(7);
      const s = stats(rand(200_000).toArray());
      expect(s.min).toBeGreaterThanOrEqual(0);
      expect(s.max).toBeLessThan(1);
      expect(Math.abs(s.mean - 0.5)).toBeLessThan(0.005);
      expect(Math.abs(s.std - Math.sqrt(1 / 12))).toBeLessThan(0.005);
    });
  });

  it("randn is standard normal, odd lengths included", () => {
    tidy(() => {
      manualSeed(8);
      const s = stats(randn(200_001).toArray());
      expect(Math.abs(s.mean)).toBeLessThan(0.01);
      expect(Math.abs(s.std - 1)).toBeLessThan(0.01);
      expect(Number.isFinite(s.min) && Number.isFinite(s.max)).toBe(true);
    });
  });
});
