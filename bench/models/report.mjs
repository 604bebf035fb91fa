// The whole-model table (printed, and the models section of bench/RESULTS.md, or its
// threads section for a run with --threads N) and the targets it is read against.

import { heapCell } from "../report.mjs";

const ORT_OVER_WASM_EVERY = 1.0; // faster than onnxruntime-web on every model
const ORT_OVER_WASM_GEOMEAN = 1.3;
const R18_OVER_NATIVE_MAX = 2.0; // ResNet-18 within 2x of PyTorch native on one thread

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const fmtX = (r) => `${r.toFixed(2)}x`;

const ok = (e) => e && e.status === "ok";

/** "12.3 ±2%": the median and half the interquartile range relative to it. */
function timeCell(e) {
  if (!e) return "-";
  if (e.status === "wrong") return "✗ wrong output";
  if (e.status !== "ok") return e.status;
  const spread = e.q1Ms !== undefined ? ` ±${((50 * (e.q3Ms - e.q1Ms)) / e.medianMs).toFixed(0)}%` : "";
  return `${fmtMs(e.medianMs)}${spread}`;
}

/** onnxruntime-web's time over wasm-nn's: above 1, wasm-nn is faster. */
export const ortRatio = (row) => (ok(row.engines["wasm-nn"]) && ok(row.engines["ort-web"]) ? row.engines["ort-web"].medianMs / row.engines["wasm-nn"].medianMs : null);
/** wasm-nn's time over PyTorch native's: below 1, wasm-nn is faster. */
export const nativeRatio = (row) => (ok(row.engines["wasm-nn"]) && ok(row.engines.pytorch) ? row.engines["wasm-nn"].medianMs / row.engines.pytorch.medianMs : null);

function checkCell(row) {
  const parts = [];
  for (const name of ["wasm-nn", "ort-web", "pytorch"]) {
    const e = row.engines[name];
    if (e?.worst === undefined) continue;
    parts.push(`${name} ${e.worst <= 1 ? "" : "✗ "}${e.worst.toFixed(3)}`);
  }
  return parts.join(", ");
}


/**
 * `cores`: wasm-nn's thread count, so its rate is read against that many times the one-core
 * peak loop; `peakName` names that loop ("SIMD peak", or "FMA peak" with relaxed SIMD).
 */
export function table(rows, peak, { cores = 1, peakName = "SIMD peak" } = {}) {
  const head = [
    "model", "GMAC", "wasm-nn ms", "ort-web ms", "PyTorch ms", "ort-web / wasm-nn", "wasm-nn / PyTorch",
    "wasm-nn GFLOP/s", cores > 1 ? `% ${cores}T ${peakName}` : `% ${peakName}`, "outputs (worst/tol)", "heap",
  ];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  for (const row of rows) {
    const own = row.engines["wasm-nn"];
    // Against the loop on as many threads at once where it was timed, else that many times one.
    const rowPeak = cores > 1 && row.parallelPeakGflops && row.parallelThreads === cores ? row.parallelPeakGflops / cores : (row.peakGflops ?? peak);
    const r1 = ortRatio(row);
    const r2 = nativeRatio(row);
    lines.push(
      `| ${row.id} | ${(row.macs / 1e9).toFixed(2)} | ${timeCell(own)} | ${timeCell(row.engines["ort-web"])} | ` +
        `${timeCell(row.engines.pytorch)} | ${r1 === null ? "" : fmtX(r1)} | ${r2 === null ? "" : fmtX(r2)} | ` +
        `${ok(own) ? own.gflops.toFixed(1) : ""} | ${ok(own) && rowPeak ? `${((100 * own.gflops) / (cores * rowPeak)).toFixed(0)}%` : ""} | ` +
        `${checkCell(row)} | ${heapCell(row)} |`,
    );
  }
  return lines.join("\n");
}

export function geomean(values) {
  return values.length ? Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length) : null;
}

/** The targets, each [what, "met" | "not met (...)" | "not measured (...)"]. */
export function targets(rows, threads = 1) {
  const pairs = rows.map((r) => [r.id, ortRatio(r)]);
  const known = pairs.filter(([, r]) => r !== null);
  const missing = pairs.filter(([, r]) => r === null).map(([id]) => id);
  const slower = known.filter(([, r]) => r < ORT_OVER_WASM_EVERY).map(([id, r]) => `${id} ${fmtX(r)}`);
  const g = geomean(known.map(([, r]) => r));
  const partial = missing.length ? ` over ${known.length} of ${pairs.length} models (missing ${missing.join(", ")})` : "";
  const r18 = rows.find((r) => r.id === "R18");
  const r18Ratio = r18 ? nativeRatio(r18) : null;
  return {
    geomean: g,
    lines: [
      [
        "faster than onnxruntime-web on every model",
        slower.length ? `not met (${slower.join(", ")})` : known.length === 0 ? "not measured" : `met${partial}`,
      ],
      [
        `geometric mean of ort-web / wasm-nn >= ${ORT_OVER_WASM_GEOMEAN}x`,
        g === null ? "not measured" : `${g >= ORT_OVER_WASM_GEOMEAN ? "met" : "not met"}: ${fmtX(g)}${partial}`,
      ],
      [
        `R18 within ${R18_OVER_NATIVE_MAX}x of PyTorch native (${threads === 1 ? "one thread" : `${threads} threads`})`,
        !r18 ? "not in this run" : r18Ratio === null ? "not measured" : `${r18Ratio <= R18_OVER_NATIVE_MAX ? "met" : "not met"}: ${fmtX(r18Ratio)}`,
      ],
    ],
  };
}

export function markdown({ rows, peak, machine, versions, pytorch, options, notes, date, wasmNn = null, ortThreads = null }) {
  const threads = options.threads ?? 1;
  const t = targets(rows, threads);
  const fma = peak.inRounds === "fma";
  const peakName = fma ? "FMA peak" : "SIMD peak";
  const cores = wasmNn?.threads ?? threads;
  const out = [];
  out.push(threads === 1 ? "## Whole models (`npm run bench:models`)" : `## Whole models, ${threads} threads (\`npm run bench:models -- --threads ${threads}\`)`, "");
  out.push(
    `Generated on ${date}. Whole forward passes in eval mode, float32, ${threads === 1 ? "one thread" : `${threads} threads`} per engine, with seeded random weights and ` +
      "non-trivial BatchNorm statistics (bench/models/zoo.py; models as in BENCH.md). wasm-nn and onnxruntime-web run in one Node " +
      "process, PyTorch native in a Python process it drives; after a warm-up, the timed forwards of the three run in alternating rounds. " +
      "Before timing, each engine's output is checked against PyTorch's (float64 forward from the same float32 weights): every element " +
      "within 1e-4 + 1e-3 |expected|; the outputs column gives the worst |error| / tolerance (at most 1 passes; for PyTorch, its own " +
      "float32 forward), and an engine that fails is not timed. Times are medians with ± half the interquartile range. GFLOP/s counts 2 x the direct method's " +
      "multiply-accumulates of every convolution and linear layer (GMAC column), so Winograd or conv + BatchNorm folding do not change it." +
      (threads === 1
        ? ""
        : ` Node runs with --experimental-wasm-relaxed-simd, so wasm-nn may pick its relaxed-SIMD (FMA) build; its % is against ` +
          `the ${fma ? "relaxed-SIMD FMA" : "SIMD128"} loop run on ${cores} thread${cores === 1 ? "" : "s"} at once (bench/peak-parallel.mjs), timed in the row's rounds.`),
    "",
  );
  out.push(`- CPU: ${machine.cpu} (${machine.cores} logical cores), load average at start ${machine.load}${machine.loadEnd ? `, at the end ${machine.loadEnd}` : ""}`);
  out.push(`- Node ${versions.node} (V8 ${versions.v8})${threads === 1 ? "" : " --experimental-wasm-relaxed-simd"}, ${machine.platform}`);
  out.push(
    `- wasm-nn ${versions["wasm-nn"] ?? "-"}${wasmNn && threads > 1 ? ` (ready({ threads: ${threads} }) reported relaxedSimd ${wasmNn.relaxedSimd}, threads ${wasmNn.threads})` : ""}, ` +
      `onnxruntime-web ${versions["ort-web"] ?? "-"} (wasm EP, numThreads ${ortThreads ?? threads}, ONNX opset ${pytorch.opset ?? "-"}), ` +
      `PyTorch ${pytorch.torch ?? "-"} (torch.set_num_threads(${pytorch.threads ?? threads}), no_grad${pytorch.mkldnn ? ", oneDNN available" : ""}` +
      `${pytorch.waitPolicy ? `, OMP_WAIT_POLICY=${pytorch.waitPolicy}: its OpenMP workers sleep between parallel regions instead of spinning` : ""})`,
  );
  out.push(
    `- WebAssembly SIMD128 peak (bench/peak.mjs): ${peak.simd.toFixed(1)} GFLOP/s at best` +
      (fma && peak.relaxedFma ? `, relaxed-SIMD FMA ${peak.relaxedFma.toFixed(1)} GFLOP/s` : "") +
      `; each row's % is against the ${fma ? "FMA " : ""}peak loop timed in that row's rounds`,
  );
  const loops = rows.filter((r) => r.peakGflops && r.parallelPeakGflops).map((r) => r.parallelPeakGflops / r.peakGflops);
  if (loops.length) {
    out.push(
      `- The peak loop on ${threads} threads at once gained ${loops.map(fmtX).join(", ")} over one thread in the rows' rounds: ` +
        "the share of the cores this machine gave at the time (other processes lower it), the ceiling for any threaded speedup beside it",
    );
  }
  if (options.only || options.runs) {
    out.push(`- Partial run: ${[options.only && `--only ${options.only.join(",")}`, options.runs && `--runs ${options.runs}`].filter(Boolean).join(" ")}`);
  }
  out.push("", table(rows, peak.simd, { cores, peakName }), "");
  out.push("Targets:", "");
  for (const [what, state] of t.lines) out.push(`- ${what}: ${state}`);
  const allNotes = [...notes];
  if (wasmNn && wasmNn.threads < threads) allNotes.unshift(`wasm-nn reported threads: ${wasmNn.threads} for ready({ threads: ${threads} }): it ran on ${wasmNn.threads} thread(s)`);
  if (ortThreads !== null && ortThreads < threads) allNotes.unshift(`onnxruntime-web fell back to numThreads ${ortThreads} (threads unavailable in this runtime)`);
  if (allNotes.length) {
    out.push("", "Notes:", "");
    for (const n of allNotes) out.push(`- ${n}`);
  }
  return { text: out.join("\n"), targets: t };
}
