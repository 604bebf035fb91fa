// The bounded fuzz run of `npm test`: fixed seeds, every generator entry in turn, a time
// budget per seed. Long runs: `npm run fuzz -- --seed N --minutes M` (tools/fuzz.mjs,
// against dist/). A failure prints the shrunk case as a runnable script.
import { describe, expect, it } from "vitest";
import * as api from "../../src/index";
import { entries } from "./entries";
import { fuzz } from "./harness";

const SEEDS = [1, 2, 3];
const MS_PER_SEED = 10_000;

describe("fuzz: the public API against float64 references", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}`, () => {
      const stats = fuzz(api, entries, { seed, ms: MS_PER_SEED, stopAtFirst: true });
      const report = stats.failures.map((f) => `\n--- ${f.entry} (case seed ${f.seed}) ---\n${f.code}`).join("\n");
      expect(stats.failures.length, `fuzz failures:${report}`).toBe(0);
      // Every entry ran, with valid and invalid calls.
      for (const e of entries) {
        expect(stats.byEntry[e.name]?.cases, e.name).toBeGreaterThan(20);
        expect(stats.byEntry[e.name].errors, e.name).toBeGreaterThan(0);
      }
    }, MS_PER_SEED * 6);
  }
});
