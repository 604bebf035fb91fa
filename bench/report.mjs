// The results table (markdown, printed and written to RESULTS.md), the issue's targets,
// and the JSON record.

import { COMPUTE } from "./shapes.mjs";

export const PEERS = ["tfjs-wasm", "ort-web"];
export const CONV_LINEAR = new Set(["A", "B", "C", "D", "E", "F", "G", "H", "I", "L", "M", "N"]);
/** Shapes off the tile grid (odd channels and sizes, stride 2 with k5, dilation). */
const ODD_SHAPES = new Set(["V1", "V2", "V3", "V4"]);
const MEMORY_TARGET = new Set(["J", "K", "P", "O"]);

export const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
export const fmtX = (r) => `${r.toFixed(2)}x`;
const fmtKB = (b) => `${(b / 1024).toFixed(0)} KiB`;

/** Best-peer time over wasm-nn time, counting only peers whose output agreed. */
export function ratioOf(row) {
  const own = row.engines["wasm-nn"];
  if (!own || own.status !== "ok") return null;
  const peers = PEERS.map((p) => row.engines[p]).filter((e) => e && e.status === "ok" && !e.mismatch);
  if (peers.length === 0) return null;
  return Math.min(...peers.map((e) => e.medianMs)) / own.medianMs;
}

export function cell(e) {
  if (!e) return "-";
  if (e.status === "ok") return `${fmtMs(e.medianMs)}${e.mismatch ? " ✗" : ""}`;
  return e.status; // "missing", "n/a", "error", "skipped"
}

function throughput(row) {
  const e = row.engines["wasm-nn"];
  if (!e || e.status !== "ok") return ["", ""];
  if (row.flops) return [`${e.gflops.toFixed(1)} GFLOP/s`, ""];
  return [`${e.gbps.toFixed(1)} GB/s`, ""];
}

/** The heap column: "steady", or how much wasm-nn's heap grew and what leaked. */
export function heapCell(row, name = "wasm-nn") {
  const h = row.engines[name]?.heap;
  if (!h) return "";
  const grew = h.grewBytes > 0 ? [`grew ${fmtKB(h.grewBytes)}`] : [];
  if (h.tensorsLeaked > 0) grew.push(`${h.tensorsLeaked} tensors leaked`);
  return grew.length ? grew.join(", ") : "steady";
}

export function checkCell(row) {
  if (!row.check) return "";
  const bad = Object.entries(row.engines).filter(([, e]) => e.mismatch).map(([n]) => n);
  if (bad.length) return `✗ ${bad.join(", ")}`;
  if (row.check.compared === 0) return "-";
  return row.check.reference === "wasm-nn" ? "ok" : "ok (vs JS reference)";
}

export function table(rows, peak) {
  const head = ["id", "op", "wasm-nn ms", "wasm-nn rate", "% SIMD peak", "tfjs-wasm ms", "ort-web ms", "best peer / wasm-nn", "outputs", "heap"];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const row of rows) {
    const [rate] = throughput(row);
    const own = row.engines["wasm-nn"];
    const rowPeak = row.peakGflops ?? peak;
    const pct = COMPUTE.has(row.op) && own?.status === "ok" && rowPeak ? `${((100 * own.gflops) / rowPeak).toFixed(0)}%` : "";
    const ratio = ratioOf(row);
    lines.push(
      `| ${row.id} | ${row.label} | ${cell(own)} | ${rate} | ${pct} | ${cell(row.engines["tfjs-wasm"])} | ${cell(row.engines["ort-web"])} | ${ratio === null ? "" : fmtX(ratio)} | ${checkCell(row)} | ${heapCell(row)} |`,
    );
  }
  return lines.join("\n");
}

export function verdict(failures, unknown) {
  if (failures.length) return `not met (${failures.join(", ")})`;
  if (unknown.length) return `not measured (${unknown.join(", ")})`;
  return "met";
}

/** The targets of the performance issue, each "met", "not met (...)" or "not measured (...)". */
export function targets(rows, peak) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  // A row without a ratio is listed as not measured, saying so when outputs disagreed.
  const disagree = (r) => Object.values(r.engines).some((e) => e.mismatch);
  const ratios = (pred) =>
    rows.filter(pred).map((r) => {
      const ratio = ratioOf(r);
      return [ratio === null && r.engines["wasm-nn"]?.status === "ok" && disagree(r) ? `${r.id} (outputs disagree)` : r.id, ratio];
    });
  const check = (pairs, min) =>
    pairs.length === 0
      ? "not in this run"
      : verdict(
      pairs.filter(([, r]) => r !== null && r < min).map(([id, r]) => `${id} ${fmtX(r)}`),
      pairs.filter(([, r]) => r === null).map(([id]) => id),
    );
  const convLinear = ratios((r) => CONV_LINEAR.has(r.shape));
  const known = convLinear.filter(([, r]) => r !== null).map(([, r]) => r);
  const geomean = known.length ? Math.exp(known.reduce((s, r) => s + Math.log(r), 0) / known.length) : null;
  const missingCL = convLinear.filter(([, r]) => r === null).map(([id]) => id);
  const n = byId.get("N")?.engines["wasm-nn"];
  const nPeak = byId.get("N")?.peakGflops ?? peak;
  const nShare = n?.status === "ok" && nPeak ? n.gflops / nPeak : null;
  const heapRows = rows.filter((r) => r.engines["wasm-nn"]?.status === "ok");
  const grew = heapRows
    .filter((r) => r.engines["wasm-nn"].heap?.grewBytes > 0 || r.engines["wasm-nn"].heap?.tensorsLeaked > 0)
    .map((r) => r.id);
  const notRun = rows.filter((r) => r.engines["wasm-nn"]?.status !== "ok").map((r) => r.id);
  const below = (pred, min) => rows.filter(pred).filter((r) => ratioOf(r) !== null && ratioOf(r) < min).map((r) => r.id);
  const missed = [
    ...below((r) => CONV_LINEAR.has(r.shape), 1.0),
    ...below((r) => r.shape === "F" || r.shape === "G" || MEMORY_TARGET.has(r.shape), 1.5),
    ...below((r) => ODD_SHAPES.has(r.shape), 1.3),
    ...(nShare !== null && nShare < 0.7 ? ["N"] : []),
  ];
  return {
    geomean,
    nShareOfPeak: nShare,
    missed: [...new Set(missed)],
    lines: [
      [`every conv/linear shape (A-I, L, M, N) >= 1.0x the faster peer`, check(convLinear, 1.0)],
      [
        `geometric mean over those >= 1.2x`,
        convLinear.length === 0
          ? "not in this run"
          : geomean === null
          ? verdict([], missingCL)
          : `${geomean < 1.2 ? "not met" : missingCL.length ? "so far" : "met"}: ${fmtX(geomean)}` +
            (missingCL.length ? ` over ${known.length} of ${convLinear.length} rows (missing ${missingCL.join(", ")})` : ""),
      ],
      [
        `GEMM N >= 70% of the SIMD peak`,
        nShare === null ? verdict([], ["N"]) : `${nShare >= 0.7 ? "met" : "not met"}: ${(100 * nShare).toFixed(0)}%`,
      ],
      [`F and G >= 1.5x`, check(ratios((r) => r.shape === "F" || r.shape === "G"), 1.5)],
      [`J, K, P, O >= 1.5x`, check(ratios((r) => MEMORY_TARGET.has(r.shape)), 1.5)],
      [`shapes off the tile grid (V1-V4) >= 1.3x`, check(ratios((r) => ODD_SHAPES.has(r.shape)), 1.3)],
      [
        `no heap growth in steady state (wasm-nn)`,
        grew.length ? `not met (${grew.join(", ")})` : notRun.length === rows.length ? "not measured" : notRun.length ? `met on the ${heapRows.length} rows that ran` : "met",
      ],
    ],
  };
}

/** The machine's copy bandwidth: the better of memory.copy and an f32x4 load/store loop. */
export const copyGbps = (copy) => Math.max(copy.memoryCopy, copy.vectorCopy);

/** Relu's bandwidth (row O-relu) against the copy bandwidth, for the engine entry `name`; null without the row. */
export function reluAgainstCopy(rows, copy, name = "wasm-nn") {
  const e = rows.find((r) => r.id === "O-relu")?.engines[name];
  if (!e || e.status !== "ok" || !copy) return null;
  return `${e.gbps.toFixed(1)} GB/s, ${((100 * e.gbps) / copyGbps(copy)).toFixed(0)}% of the copy bandwidth`;
}

export function markdown({ rows, peak, machine, versions, options, notes, date, profiles = {}, tried = "" }) {
  const t = targets(rows, peak.simd);
  const out = [];
  out.push("# wasm-nn benchmark results", "");
  out.push(
    `Generated by \`npm run bench\` on ${date}. Shapes and method: float32, one process, one thread per engine, ` +
      `each op warmed up, then the median of ${options.reps ? `${options.reps}` : ">= 10"} timed calls; every engine's output is checked ` +
      `against wasm-nn's (rtol 1e-3 of the output's largest magnitude; indices exactly) before timing, or against a plain ` +
      `JS float64 reference where wasm-nn cannot run the case. ` +
      `FLOPs = 2 x multiply-accumulates. Ratios above 1 mean wasm-nn is faster; a peer whose output disagreed (✗) is left out of the ratio.`,
    "",
  );
  out.push("## Machine", "");
  out.push(`- CPU: ${machine.cpu} (${machine.cores} logical cores), load average at start ${machine.load}`);
  out.push(`- Node ${versions.node} (V8 ${versions.v8}), ${machine.platform}`);
  out.push(`- wasm-nn ${versions["wasm-nn"] ?? "-"}, @tensorflow/tfjs-core + tfjs-backend-wasm ${versions["tfjs-wasm"] ?? "-"}, onnxruntime-web ${versions["ort-web"] ?? "-"}`);
  out.push(
    `- WebAssembly SIMD128 peak (unrolled register-only f32x4 mul+add): **${peak.simd.toFixed(1)} GFLOP/s** at best; each compute-bound row is also compared with the peak loop timed in the same rounds as that row (the machine's speed varies)` +
      (peak.relaxedFma ? `; relaxed-SIMD FMA: ${peak.relaxedFma.toFixed(1)} GFLOP/s` : "; relaxed-SIMD FMA: not measured (run Node with --experimental-wasm-relaxed-simd)"),
  );
  if (peak.copy) out.push(`- ${copyLine(peak.copy)}`);
  if (options.only || options.engines || options.reps) {
    out.push(`- Partial run: ${[options.only && `--only ${options.only.join(",")}`, options.engines && `--engines ${options.engines.join(",")}`, options.reps && `--reps ${options.reps}`].filter(Boolean).join(" ")}`);
  }
  out.push("", "## Results (median ms)", "", table(rows, peak.simd), "");
  out.push(
    "Rate: GFLOP/s for convolutions and matrix products, counting the direct method's 2 x multiply-accumulates (so a row that wasm-nn computes " +
      "with Winograd's fewer multiplications, B, C, H and part of A, can exceed 100% of the SIMD peak); GB/s (bytes read + written once) for pooling, " +
      "activations and unpooling. Heap: wasm-nn's Wasm memory size and live tensors after warm-up vs. after the timed calls.",
    "",
  );
  out.push("## Targets of the performance issue", "");
  for (const [what, state] of t.lines) out.push(`- ${what}: ${state}`);
  const relu = reluAgainstCopy(rows, peak.copy);
  if (relu) out.push(`- relu (O-relu, memory-bound), reported against the copy bandwidth: ${relu}`);
  if (Object.keys(profiles).length) {
    out.push("", "## Where the time goes on the rows that missed a target", "");
    out.push("Self time of wasm-nn's functions while the case runs in a loop (V8's sampling profiler, `node bench/profile.mjs --only <ids>`; kernels by their AssemblyScript names):", "");
    for (const [id, fns] of Object.entries(profiles)) {
      out.push(`- ${id}: ${fns.slice(0, 5).map((f) => `${(100 * f.share).toFixed(0)}% ${f.name}`).join(", ")}`);
    }
  }
  if (tried) out.push("", tried.trim());
  out.push("", "Earlier side-by-side comparisons (before and after a change, on the same machine) are in [HISTORY.md](HISTORY.md).");
  if (notes.length) {
    out.push("", "## Notes", "");
    for (const n of notes) out.push(`- ${n}`);
  }
  out.push("");
  return { text: out.join("\n"), targets: t };
}

export function copyLine(copy) {
  return (
    `Copy bandwidth (${copy.bytes >> 20} MiB, bytes read + written, one thread): memory.copy ${copy.memoryCopy.toFixed(1)} GB/s, ` +
    `f32x4 load/store loop ${copy.vectorCopy.toFixed(1)} GB/s (bench/peak.ts); memory-bound rows are read against the better of the two`
  );
}
