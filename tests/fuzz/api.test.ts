// The bounded fuzz run of `npm test`: fixed seeds, every generator entry, a time budget.
// Long runs: `npm run fuzz -- --seed N --minutes M` (tools/fuzz.mjs, against dist/).
import { describe, expect, it } from "vitest";
import * as api from "../../src/index";
import { entries } from "./entries";
import { fuzz } from "./harness";

const SEEDS = [1, 2, 3];
const MS_PER_SEED = 12_000;

describe("fuzz: public API against float64 references", () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}`, () => {
      const stats = fuzz(api, entries, { seed, ms: MS_PER_SEED, stopAtFirst: true, importFrom: "wasm-nn" });
      const report = stats.failures.map((f) => `\n--- ${f.entry} (case seed ${f.seed}) ---\n${f.code}`).join("\n");
      expect(stats.failures.length, `fuzz failures:${report}`).toBe(0);
      expect(stats.cases).toBeGreaterThan(100);
    }, MS_PER_SEED * 4);
  }
});
