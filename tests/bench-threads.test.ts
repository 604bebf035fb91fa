// The threaded benchmark's bookkeeping: its sections of bench/RESULTS.md survive the other
// runs, and its targets are read off the rows the way the table shows them.
import { describe, expect, it } from "vitest";
import { OWN_THREADED, type Peak, type ThreadsRow, peerRatioOf, speedupOf, threadsTable, threadsTargets } from "../bench/report-threads.mjs";
import { keepSections, replaceModels, replaceSection, sectionOf } from "../bench/results-sections.mjs";

describe("RESULTS.md with threaded sections", () => {
  const perOp = "# wasm-nn benchmark results\n\none-thread table\n";

  it("each run rewrites its own part and keeps the others, in a fixed order", () => {
    let text = replaceSection(perOp, "threads", "## 2 threads\n\nfirst threads table");
    text = replaceModels(text, "## Whole models\n\nmodels table");
    text = replaceSection(text, "models-threads", "## Whole models, 2 threads\n\nthreaded models table");
    expect(text.startsWith(perOp)).toBe(true);
    // models first, then threads, then models-threads, whatever order they were written in
    const at = (s: string) => text.indexOf(s);
    expect(at("models table")).toBeLessThan(at("first threads table"));
    expect(at("first threads table")).toBeLessThan(at("threaded models table"));

    const again = replaceSection(text, "threads", "## 2 threads\n\nsecond threads table");
    expect(again).not.toContain("first threads table");
    expect(again.match(/bench:threads begin/g)).toHaveLength(1);
    expect(sectionOf(again, "models")).toBe(sectionOf(text, "models"));
    expect(sectionOf(again, "models-threads")).toBe(sectionOf(text, "models-threads"));

    const plain = keepSections("# wasm-nn benchmark results\n\nnew one-thread table\n", again);
    expect(plain).not.toContain("\none-thread table");
    expect(plain).toContain("new one-thread table");
    for (const name of ["models", "threads", "models-threads"] as const) expect(sectionOf(plain, name)).toBe(sectionOf(again, name));
  });

  it("a section written into an empty file gets the usual title", () => {
    const text = replaceSection("", "threads", "## 2 threads");
    expect(text.startsWith("# wasm-nn benchmark results\n\n<!-- bench:threads begin")).toBe(true);
  });
});

const peak: Peak = { simd: 36, relaxedFma: 44, inRounds: "fma", copy: { memoryCopy: 50, vectorCopy: 60, bytes: 4 << 20 } };
const ok = (medianMs: number, extra: object = {}) => ({ status: "ok" as const, medianMs, ...extra });

/** A compute row: wasm-nn at 1 and 2 threads, ort-web at 2, tfjs-wasm at 1 (ms). */
function row(id: string, one: number, two: number, ort: number, tfjs: number, flops = 1e9): ThreadsRow {
  const gflops = (ms: number) => flops / (ms * 1e6);
  return {
    id,
    shape: id,
    op: id === "N" ? "matmul" : "conv",
    label: id,
    flops,
    bytes: null,
    peakGflops: 40,
    check: { reference: "wasm-nn", compared: 3 },
    engines: {
      "wasm-nn": ok(one, { gflops: gflops(one), threads: 1 }),
      [OWN_THREADED]: ok(two, { gflops: gflops(two), threads: 2 }),
      "tfjs-wasm": ok(tfjs),
      "ort-web": ok(ort),
    },
  };
}

const state = (t: ReturnType<typeof threadsTargets>, what: RegExp) => t.lines.find(([w]) => what.test(w))?.[1];

describe("threaded benchmark targets", () => {
  it("meets them when 2 threads scale and beat the faster peer", () => {
    // N: 1e9 FLOP in 30 ms = 33.3 GFLOP/s = 83% of the 40 GFLOP/s FMA loop; 2 threads 16 ms = 78% of 2 x 40.
    const rows = [row("B", 10, 5, 12, 20), row("C", 10, 5.5, 9, 30), row("D", 10, 5.2, 8, 7), row("N", 30, 16, 40, 50)];
    rows[3].engines[OWN_THREADED].identical = true;
    const t = threadsTargets(rows, { threads: 2, peak, wasmNn: { relaxedSimd: true, threads: 2 } });
    expect(speedupOf(rows[0])).toBe(2);
    expect(peerRatioOf(rows[2])).toBeCloseTo(7 / 5.2, 10); // the faster peer, tfjs here
    expect(state(t, /against 1 thread/)).toBe("met");
    expect(state(t, /every conv\/linear/)).toBe("met");
    expect(t.geomean).toBeCloseTo(Math.pow((12 / 5) * (9 / 5.5) * (7 / 5.2) * (40 / 16), 1 / 4), 10);
    expect(state(t, /GEMM N at 1 thread/)).toBe("met: 83%");
    expect(state(t, /GEMM N at 2 threads/)).toBe("met: 78%");
    expect(state(t, /outputs agree/)).toBe("met on 4 rows (1 of them bit-identical)");
  });

  it("names the rows that fall short, and says when wasm-nn ran fewer threads", () => {
    const rows = [row("B", 10, 9, 12, 20), row("N", 30, 30, 25, 50)];
    rows[1].engines[OWN_THREADED].threads = 1;
    const t = threadsTargets(rows, { threads: 2, peak, wasmNn: { relaxedSimd: false, threads: 1 } });
    expect(state(t, /against 1 thread/)).toBe("not met (B 1.11x, N 1.00x)");
    expect(state(t, /every conv\/linear/)).toBe("not met (N 0.83x)");
    expect(state(t, /GEMM N at 2 threads/)).toBe("met: 83% (of 1 x one core's: wasm-nn ran 1 thread) (wasm-nn ran its plain SIMD build)");
    expect(threadsTable(rows, 2, peak)).toContain("| N | N | 30.0 | 30.0 | 1.00x |");
  });

  it("reads the N-thread rate against the peak loop run on N threads in the same rounds", () => {
    const rows = [row("B", 10, 6, 12, 20), row("N", 30, 16, 40, 50)];
    for (const r of rows) Object.assign(r, { parallelPeakGflops: 60, parallelThreads: 2 }); // the loop gained 1.5x
    const t = threadsTargets(rows, { threads: 2, peak, wasmNn: { relaxedSimd: true, threads: 2 } });
    expect(state(t, /against 1 thread/)).toBe("not met (B 1.67x) (the peak loop itself on 2 threads, in the same rounds: 1.50x)");
    expect(state(t, /GEMM N at 2 threads/)).toBe("met: 104%"); // 62.5 GFLOP/s over 60
    expect(threadsTable(rows, 2, peak)).toContain("| N | N | 30.0 | 16.0 | 1.88x | 1.50x |");
  });

  it("leaves a disagreeing output out of the ratios and reports it", () => {
    const bad = row("C", 10, 5, 9, 30);
    bad.engines[OWN_THREADED].mismatch = "max |diff| 1 > tol 0.001";
    const t = threadsTargets([bad], { threads: 2, peak });
    expect(speedupOf(bad)).toBeNull();
    expect(state(t, /outputs agree/)).toBe("not met (C)");
    expect(state(t, /every conv\/linear/)).toBe("not measured (C)");
  });

  it("without the FMA loop the GEMM targets are not measured, and relu is read against the copy bandwidth", () => {
    const relu: ThreadsRow = {
      id: "O-relu", shape: "O", op: "unary", label: "relu", flops: null, bytes: 8 << 20,
      engines: { "wasm-nn": ok(0.28, { gbps: 30 }), [OWN_THREADED]: ok(0.2, { gbps: 42 }) },
    };
    const t = threadsTargets([relu, row("N", 30, 16, 40, 50)], { threads: 2, peak: { ...peak, inRounds: "simd" } });
    expect(state(t, /GEMM N at 1 thread/)).toMatch(/^not measured/);
    expect(state(t, /relu/)).toBe("reported: 1 thread 30.0 GB/s, 50% of the copy bandwidth; 2 threads 42.0 GB/s, 70% of the copy bandwidth");
  });
});
