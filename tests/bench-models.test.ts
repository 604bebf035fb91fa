// The model benchmark's bookkeeping: the two commands that write bench/RESULTS.md keep each
// other's part, and the targets are read off the rows the way the table shows them.
import { describe, expect, it } from "vitest";
import { type ModelRow, table, targets } from "../bench/models/report.mjs";
import { keepModels, modelsSection, replaceModels } from "../bench/results-sections.mjs";

describe("RESULTS.md sections", () => {
  const perOp = "# wasm-nn benchmark results\n\n| id | op |\n|---|---|\n| A | conv2d |\n";

  it("bench:models replaces only its section, and bench keeps it", () => {
    const once = replaceModels(perOp, "## Whole models\n\nfirst table");
    expect(once.startsWith(perOp)).toBe(true);
    expect(modelsSection(once)).toContain("first table");

    const twice = replaceModels(once, "## Whole models\n\nsecond table");
    expect(twice).not.toContain("first table");
    expect(twice.startsWith(perOp)).toBe(true);
    expect(twice.match(/bench:models begin/g)).toHaveLength(1);

    const rerun = keepModels("# wasm-nn benchmark results\n\nnew per-op table\n", twice);
    expect(rerun).toContain("new per-op table");
    expect(rerun).not.toContain("| A | conv2d |");
    expect(modelsSection(rerun)).toBe(modelsSection(twice));
  });

  it("works on a file without the other part", () => {
    expect(keepModels(perOp, "")).toBe(perOp);
    expect(modelsSection(replaceModels("", "## Whole models"))).toContain("## Whole models");
    expect(replaceModels("", "## Whole models").startsWith("# wasm-nn benchmark results\n")).toBe(true);
  });
});

const ok = (medianMs: number, worst = 0.1) => ({ status: "ok" as const, medianMs, q1Ms: medianMs * 0.98, q3Ms: medianMs * 1.02, worst, gflops: 1 });
const row = (id: string, wasm: number, ortMs: number, torch: number): ModelRow => ({
  id,
  macs: 1e9,
  flops: 2e9,
  peakGflops: 40,
  engines: { "wasm-nn": ok(wasm), "ort-web": ok(ortMs), pytorch: ok(torch) },
});

describe("model benchmark targets", () => {
  it("meets them when wasm-nn is faster everywhere", () => {
    const t = targets([row("R18", 50, 100, 30), row("GAN", 10, 15, 5)]);
    expect(t.geomean).toBeCloseTo(Math.sqrt(2 * 1.5), 10);
    expect(t.lines.map(([, state]) => state.split(":")[0])).toEqual(["met", "met", "met"]);
  });

  it("names the model that is slower than onnxruntime-web and R18 beyond 2x of PyTorch", () => {
    const t = targets([row("R18", 70, 100, 30), row("GAN", 20, 15, 5)]);
    expect(t.lines[0][1]).toBe("not met (GAN 0.75x)");
    expect(t.lines[1][1]).toBe("not met: 1.04x");
    expect(t.lines[2][1]).toBe("not met: 2.33x");
  });

  it("leaves an engine with a wrong output out of the ratios and marks it in the table", () => {
    const bad = row("MV2", 20, 30, 10);
    bad.engines["wasm-nn"] = { status: "wrong", worst: 7.5 };
    const t = targets([row("R18", 50, 100, 30), bad]);
    expect(t.lines[0][1]).toBe("met over 1 of 2 models (missing MV2)");
    expect(table([bad], 40)).toContain("✗ wrong output");
    expect(table([bad], 40)).toContain("wasm-nn ✗ 7.500");
  });
});
