// The threaded per-op table (`npm run bench -- --threads N`): wasm-nn at one thread and at
// N threads side by side, the peers at their best thread count under Node, and the
// targets of the threads-and-FMA work. Printed, and written to the threads section of
// bench/RESULTS.md.

import { COMPUTE } from "./shapes.mjs";
import { CONV_LINEAR, PEERS, cell, checkCell, copyLine, fmtMs, fmtX, heapCell, reluAgainstCopy, verdict } from "./report.mjs";

/** The row entry of wasm-nn at N threads ("wasm-nn" is the same calls at one thread). */
export const OWN_THREADED = "wasm-nn-threads";
/** The rows whose N-thread speedup is a target: large convolutions and the GEMM. */
const SCALING_ROWS = ["B", "C", "D", "N"];
const SCALING_PER_THREAD = 0.9; // 2 threads: 1.8x
const PEER_EVERY = 1.0;
const PEER_GEOMEAN = 1.3;
const FMA_SHARE = 0.75;

const ok = (e) => e?.status === "ok" && !e.mismatch;
const pct = (share) => `${(100 * share).toFixed(0)}%`;

/** wasm-nn's one-thread time over its N-thread time, on the same inputs in the same rounds. */
export function speedupOf(row) {
  const one = row.engines["wasm-nn"];
  const many = row.engines[OWN_THREADED];
  return ok(one) && ok(many) ? one.medianMs / many.medianMs : null;
}

/** The faster peer's time over wasm-nn's at N threads (peers whose output agreed). */
export function peerRatioOf(row) {
  const many = row.engines[OWN_THREADED];
  const peers = PEERS.map((p) => row.engines[p]).filter(ok);
  return ok(many) && peers.length ? Math.min(...peers.map((e) => e.medianMs)) / many.medianMs : null;
}

/**
 * GFLOP/s of an entry over the peak loop timed in the row's rounds on as many threads as
 * the entry ran: the loop on N threads at once where it was timed, else N times one.
 */
export function shareOfPeak(row, name) {
  const e = row.engines[name];
  if (!COMPUTE.has(row.op) || !ok(e) || !row.peakGflops) return null;
  const cores = e.threads ?? 1;
  const parallel = cores > 1 && row.parallelPeakGflops && row.parallelThreads === cores ? row.parallelPeakGflops : null;
  return e.gflops / (parallel ?? cores * row.peakGflops);
}

/** How much the peak loop itself gained on N threads in the row's rounds (the machine's share of the cores). */
export function loopSpeedupOf(row) {
  return row.peakGflops && row.parallelPeakGflops ? row.parallelPeakGflops / row.peakGflops : null;
}

const peakName = (peak) => (peak.inRounds === "fma" ? "FMA peak" : "SIMD peak");

function rateCell(e) {
  if (!ok(e)) return "";
  return e.gflops !== undefined ? `${e.gflops.toFixed(1)} GFLOP/s` : e.gbps !== undefined ? `${e.gbps.toFixed(1)} GB/s` : "";
}

export function threadsTable(rows, threads, peak) {
  const n = `${threads}T`;
  const head = [
    "id", "op", "wasm-nn 1T ms", `wasm-nn ${n} ms`, `1T / ${n}`, `peak loop ${n} / 1T`, `wasm-nn ${n} rate`, `1T % ${peakName(peak)}`,
    `${n} % ${n} ${peakName(peak)}`, "tfjs-wasm ms (1T)", `ort-web ms (${n})`, `best peer / wasm-nn ${n}`, "outputs", "heap",
  ];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`];
  const opt = (v, f) => (v === null ? "" : f(v));
  for (const row of rows) {
    const many = row.engines[OWN_THREADED];
    lines.push(
      `| ${row.id} | ${row.label} | ${cell(row.engines["wasm-nn"])} | ${cell(many)} | ${opt(speedupOf(row), fmtX)} | ${opt(loopSpeedupOf(row), fmtX)} | ${rateCell(many)} | ` +
        `${opt(shareOfPeak(row, "wasm-nn"), pct)} | ${opt(shareOfPeak(row, OWN_THREADED), pct)} | ${cell(row.engines["tfjs-wasm"])} | ` +
        `${cell(row.engines["ort-web"])} | ${opt(peerRatioOf(row), fmtX)} | ${checkCell(row)} | ${heapOfBoth(row, n)} |`,
    );
  }
  return lines.join("\n");
}

/** The heap column for both wasm-nn entries: one word when they agree. */
function heapOfBoth(row, n) {
  const one = heapCell(row);
  const many = heapCell(row, OWN_THREADED);
  return one === many ? one : `1T ${one || "-"}, ${n} ${many || "-"}`;
}

/** One line of progress while the run goes. */
export function threadsProgress(row, threads) {
  const names = ["wasm-nn", OWN_THREADED, ...Object.keys(row.engines)].filter((k, i, all) => row.engines[k] && all.indexOf(k) === i);
  const parts = names.map((name) => {
    const e = row.engines[name];
    const inUse = e.threads !== undefined && e.threads !== threads ? ` (${e.threads} in use)` : "";
    const label = name === OWN_THREADED ? `wasm-nn ${threads}T${inUse}` : name === "wasm-nn" ? "wasm-nn 1T" : name;
    if (e.status !== "ok") return `${label} ${e.status}`;
    return `${label} ${e.medianMs.toFixed(3)} ms${e.mismatch ? " (MISMATCH)" : ""}`;
  });
  const s = speedupOf(row);
  const r = peerRatioOf(row);
  console.log(`${row.id.padEnd(10)} ${parts.join(" | ")}${s === null ? "" : ` | 1T/NT ${s.toFixed(2)}x`}${r === null ? "" : ` | peer/NT ${r.toFixed(2)}x`}`);
}

/** At least `min`: "met", or "not met (the rows below)", or "not measured (rows without a value)". */
function atLeast(pairs, min) {
  if (pairs.length === 0) return "not in this run";
  return verdict(
    pairs.filter(([, v]) => v !== null && v < min).map(([id, v]) => `${id} ${fmtX(v)}`),
    pairs.filter(([, v]) => v === null).map(([id]) => id),
  );
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const geomeanOf = (xs) => (xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) : null);

/** The targets, each [what, state]; state begins with "met", "not met", "not measured", "so far" or "reported". */
export function threadsTargets(rows, { threads, peak, wasmNn }) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const scaling = SCALING_ROWS.filter((id) => byId.has(id)).map((id) => [id, speedupOf(byId.get(id))]);
  const convLinear = rows.filter((r) => CONV_LINEAR.has(r.shape)).map((r) => [r.id, peerRatioOf(r)]);
  const known = convLinear.filter(([, v]) => v !== null);
  const missing = convLinear.filter(([, v]) => v === null).map(([id]) => id);
  const geomean = geomeanOf(known.map(([, v]) => v));
  const n = byId.get("N");
  const fma = peak.inRounds === "fma";
  const noRelaxed = wasmNn && !wasmNn.relaxedSimd ? " (wasm-nn ran its plain SIMD build)" : "";
  const gemmShare = (name, cores) => {
    if (!n) return "not in this run";
    if (!fma) return "not measured (no FMA peak: Node without --experimental-wasm-relaxed-simd)";
    const share = shareOfPeak(n, name);
    if (share === null) return verdict([], ["N"]);
    return `${share >= FMA_SHARE ? "met" : "not met"}: ${pct(share)}${cores}${noRelaxed}`;
  };
  const threadedN = n?.engines[OWN_THREADED]?.threads ?? threads;
  const disagree = rows.filter((r) => r.engines[OWN_THREADED]?.mismatch).map((r) => r.id);
  const compared = rows.filter((r) => r.engines[OWN_THREADED]?.status === "ok").length;
  const identical = rows.filter((r) => r.engines[OWN_THREADED]?.identical).length;
  const grew = rows
    .filter((r) => ["wasm-nn", OWN_THREADED].some((k) => r.engines[k]?.heap?.grewBytes > 0 || r.engines[k]?.heap?.tensorsLeaked > 0))
    .map((r) => r.id);
  const relu1 = reluAgainstCopy(rows, peak.copy, "wasm-nn");
  const reluN = reluAgainstCopy(rows, peak.copy, OWN_THREADED);
  const minScaling = SCALING_PER_THREAD * threads;
  const loops = SCALING_ROWS.map((id) => byId.get(id)).filter(Boolean).map(loopSpeedupOf).filter((v) => v !== null);
  const loopNote = loops.length ? ` (the peak loop itself on ${threads} threads, in the same rounds: ${fmtX(median(loops))})` : "";
  return {
    geomean,
    lines: [
      [`${threads} threads against 1 thread on ${SCALING_ROWS.join(", ")} >= ${minScaling.toFixed(1)}x`, atLeast(scaling, minScaling) + loopNote],
      [`every conv/linear shape (A-I, L, M, N) at ${threads} threads >= ${PEER_EVERY.toFixed(1)}x the faster peer`, atLeast(convLinear, PEER_EVERY)],
      [
        `geometric mean over those >= ${PEER_GEOMEAN}x`,
        convLinear.length === 0
          ? "not in this run"
          : geomean === null
          ? verdict([], missing)
          : `${geomean < PEER_GEOMEAN ? "not met" : missing.length ? "so far" : "met"}: ${fmtX(geomean)}` +
            (missing.length ? ` over ${known.length} of ${convLinear.length} rows (missing ${missing.join(", ")})` : ""),
      ],
      [`GEMM N at 1 thread >= ${pct(FMA_SHARE)} of the FMA peak (one core)`, gemmShare("wasm-nn", "")],
      [
        `GEMM N at ${threads} threads >= ${pct(FMA_SHARE)} of the FMA peak on ${threads} threads`,
        gemmShare(OWN_THREADED, threadedN === threads ? "" : ` (of ${threadedN} x one core's: wasm-nn ran ${threadedN} thread${threadedN === 1 ? "" : "s"})`),
      ],
      [
        "relu (O-relu) against the copy bandwidth",
        relu1 || reluN ? `reported: 1 thread ${relu1 ?? "-"}; ${threads} threads ${reluN ?? "-"}` : "not in this run",
      ],
      [
        `wasm-nn's ${threads}-thread outputs agree with its 1-thread outputs`,
        disagree.length ? `not met (${disagree.join(", ")})` : compared ? `met on ${compared} rows (${identical} of them bit-identical)` : "not measured",
      ],
      ["no heap growth in steady state (wasm-nn, both thread counts)", grew.length ? `not met (${grew.join(", ")})` : compared ? "met" : "not measured"],
    ],
  };
}

export function threadsMarkdown({ rows, peak, machine, versions, infos, options, notes, date }) {
  const threads = options.threads;
  const own = infos["wasm-nn"];
  const ortThreads = infos["ort-web"]?.threads;
  const t = threadsTargets(rows, { threads, peak, wasmNn: own?.info });
  const out = [];
  out.push(`## ${threads} threads and relaxed SIMD (\`npm run bench -- --threads ${threads}\`)`, "");
  out.push(
    `Generated on ${date}. Same shapes, inputs, output checks and alternating rounds as the one-thread table; Node runs with ` +
      `--experimental-wasm-relaxed-simd, so wasm-nn may pick its relaxed-SIMD (FMA) build. wasm-nn is timed twice in the same rounds, ` +
      `on the same resident inputs: at 1 thread and at ${threads} (setNumThreads between the two; ready({ threads: ${threads} }) at start), and ` +
      `its ${threads}-thread output is checked against its 1-thread output. onnxruntime-web runs with env.wasm.numThreads = ${threads} ` +
      `(worker_threads under Node); tfjs-wasm stays at one thread: its wasm backend turns threads off under Node ` +
      `(WASM_HAS_MULTITHREAD_SUPPORT is false whenever IS_NODE), so it cannot take part with ${threads}. "Best peer" is the faster of the two. ` +
      `% of the ${peakName(peak)}: against the ${peak.inRounds === "fma" ? "relaxed-SIMD FMA" : "SIMD128 mul+add"} loop of bench/peak.ts ` +
      `on one core, timed in the same rounds as the row; the ${threads}-thread figure is against the same loop run on ${threads} threads at once ` +
      `(bench/peak-parallel.mjs), also timed in those rounds. "Peak loop ${threads}T / 1T" is what that loop gained from ${threads} threads: ` +
      `the share of the cores this machine gave at the time (other processes lower it), the ceiling for any ${threads}-thread speedup beside it.`,
    "",
  );
  out.push(`- CPU: ${machine.cpu} (${machine.cores} logical cores), load average at start ${machine.load}${machine.loadEnd ? `, at the end ${machine.loadEnd}` : ""} (other processes on the cores weigh on every threaded figure)`);
  out.push(`- Node ${versions.node} (V8 ${versions.v8}) --experimental-wasm-relaxed-simd, ${machine.platform}`);
  out.push(
    `- wasm-nn ${versions["wasm-nn"] ?? "-"}: ready({ threads: ${threads} }) reported ` +
      (own ? `simd ${own.info.simd}, relaxedSimd ${own.info.relaxedSimd}, threads ${own.info.threads}${own.setNumThreads ? "" : "; this build has no setNumThreads"}` : "nothing (not loaded)"),
  );
  out.push(
    `- onnxruntime-web ${versions["ort-web"] ?? "-"} (wasm EP, numThreads ${ortThreads ?? "-"} in use), ` +
      `@tensorflow/tfjs-core + tfjs-backend-wasm ${versions["tfjs-wasm"] ?? "-"} (1 thread under Node)`,
  );
  out.push(
    `- Peaks on one core (best of the start and the end of the run): SIMD128 mul+add ${peak.simd.toFixed(1)} GFLOP/s, ` +
      `relaxed-SIMD FMA ${peak.relaxedFma ? `${peak.relaxedFma.toFixed(1)} GFLOP/s` : "not measured"}` +
      (peak.parallel ? `; the ${peak.inRounds === "fma" ? "FMA" : "SIMD128"} loop on ${threads} threads at once: ${peak.parallel.toFixed(1)} GFLOP/s` : ""),
  );
  if (peak.copy) out.push(`- ${copyLine(peak.copy)}`);
  if (options.only || options.engines || options.reps) {
    out.push(`- Partial run: ${[options.only && `--only ${options.only.join(",")}`, options.engines && `--engines ${options.engines.join(",")}`, options.reps && `--reps ${options.reps}`].filter(Boolean).join(" ")}`);
  }
  out.push("", threadsTable(rows, threads, peak), "");
  out.push("Targets:", "");
  for (const [what, state] of t.lines) out.push(`- ${what}: ${state}`);
  const allNotes = [...notes];
  if (own && own.info.threads < threads) {
    allNotes.unshift(`wasm-nn reported threads: ${own.info.threads} for ready({ threads: ${threads} }): its ${threads}T column ran on ${own.info.threads} thread(s)`);
  }
  if (ortThreads !== undefined && ortThreads < threads) {
    allNotes.unshift(`onnxruntime-web fell back to numThreads ${ortThreads} (threads unavailable in this runtime)`);
  }
  if (allNotes.length) {
    out.push("", "Notes:", "");
    for (const note of allNotes) out.push(`- ${note}`);
  }
  return { text: out.join("\n"), targets: t };
}
