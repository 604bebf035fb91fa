#!/usr/bin/env node
// wasm-nn vs. tfjs-wasm vs. onnxruntime-web on the shapes of BENCH.md, in one process.
//
//   npm run bench                      (from the repository root: builds, installs, runs)
//   node bench/run.mjs [--only A,B,J+idx] [--reps N] [--engines wasm-nn,tfjs,ort] [--no-write]
//   node bench/run.mjs --threads 2 ...  (wasm-nn at 1 and 2 threads, onnxruntime-web at 2,
//                                        relaxed SIMD on; its own section of RESULTS.md)
//
// For each case: make seeded inputs, let every engine build its resident inputs (layout
// changes, ONNX models), run each once and check the outputs agree, then warm up and time.

import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as ortEngine from "./engines/ort.mjs";
import * as tfjsEngine from "./engines/tfjs.mjs";
import * as wasmNnEngine from "./engines/wasm-nn.mjs";
import { machineInfo } from "./machine.mjs";
import { copyBandwidth, peakRunner, relaxedFlagPresent, simdPeak } from "./peak.mjs";
import { parallelPeakRunner } from "./peak-parallel.mjs";
import { disagreement, referenceOutput } from "./reference.mjs";
import { relaunchWithRelaxedSimd } from "./relaunch.mjs";
import { markdown, ratioOf, reluAgainstCopy, table, targets as targetsOf } from "./report.mjs";
import { OWN_THREADED, threadsMarkdown, threadsProgress, threadsTable } from "./report-threads.mjs";
import { keepSections, replaceSection } from "./results-sections.mjs";
import { cases, makeData } from "./shapes.mjs";
import { call, heapGrowth, warmUp } from "./timing.mjs";
import { eachFlag, listOf, positiveInt } from "./flags.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const runChild = promisify(execFile);
const ENGINES = { "wasm-nn": wasmNnEngine, tfjs: tfjsEngine, ort: ortEngine };
const MIN_REPS = 10;
const MAX_REPS = 200;
const BUDGET_MS = 400; // per engine and case: fast ops get more repetitions

function parseArgs(argv) {
  const opts = { only: null, reps: null, engines: null, write: true, threads: null };
  eachFlag(argv, import.meta.url, 9, (flag, value) => {
    if (flag === "--only") opts.only = value().split(",");
    else if (flag === "--reps") opts.reps = positiveInt(flag, value());
    else if (flag === "--threads") opts.threads = atLeastTwo(flag, value());
    else if (flag === "--engines") opts.engines = listOf(flag, value(), Object.keys(ENGINES), "");
    else if (flag === "--no-write") opts.write = false;
    else return false;
    return true;
  });
  return opts;
}

function atLeastTwo(flag, text) {
  const n = positiveInt(flag, text);
  if (n < 2) throw new RangeError(`${flag}: expected 2 or more (the run without --threads is the one-thread run)`);
  return n;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};


const ROUNDS = 5; // timed calls are spread over rounds that alternate the engines
const SETTLE_MS = 20; // threaded runs: the pause between two entries
let peakLoop = null; // the SIMD peak loop, timed beside every compute-bound case
let parallelLoop = null; // the same loop on N threads at once (threaded runs), timed beside it

/**
 * Times every prepared engine of a case. Each engine warms up alone, then the timed calls
 * run in rounds that alternate between the engines, so a slow spell of a shared machine
 * (other processes, CPU steal on a VM) falls on all of them alike and the ratios hold.
 */
async function timeEngines(prepared, opts, peak) {
  const runs = [];
  for (const p of prepared) {
    p.enter?.();
    const warm = await warmUp(p.impl, 2, 150, 50);
    const reps = opts.reps ?? Math.min(MAX_REPS, Math.max(MIN_REPS, Math.ceil(BUDGET_MS / median(warm))));
    const stats = p.engine.module === wasmNnEngine ? () => wasmNnEngine.memoryStats() : null;
    runs.push({ p, warmups: warm.length, reps, perRound: Math.ceil(reps / ROUNDS), times: [], stats, before: stats?.() });
  }
  // The SIMD peak loop runs in the same rounds, so "% of peak" compares like with like.
  const peakRates = [];
  const parallelRates = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const run of round % 2 ? swapTwins(runs) : runs) {
      run.p.enter?.(); // wasm-nn's thread count for this entry (a threaded run times it twice)
      if (opts.threads) {
        // A pause first: the thread pools of the entry before (onnxruntime-web's spin after
        // their work for a while) go to sleep instead of taking this entry's cores.
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        // One untimed call first: the entry before has just evicted this one's inputs and
        // weights from the caches, and wasm-nn's two entries must not differ in that.
        const [, out] = await call(run.p.impl);
        run.p.impl.release(out);
      }
      for (let i = 0; i < run.perRound && run.times.length < run.reps; i++) {
        const [ms, out] = await call(run.p.impl);
        run.p.impl.release(out);
        run.times.push(ms);
      }
    }
    if (peak) for (let i = 0; i < 3; i++) peakRates.push(peak.flops / (peak.run() * 1e6));
    if (peak && parallelLoop) for (let i = 0; i < 3; i++) parallelRates.push(parallelLoop.flops / (parallelLoop.run() * 1e6));
  }
  const peakGflops = peakRates.length ? median(peakRates) : null;
  const parallelGflops = parallelRates.length ? median(parallelRates) : null;
  const results = runs.map((run) => {
    const result = { medianMs: median(run.times), minMs: Math.min(...run.times), reps: run.times.length, warmups: run.warmups };
    const after = run.stats?.();
    if (run.before && after) result.heap = heapGrowth(run.before, after);
    return [run.p, result];
  });
  return { results, peakGflops, parallelGflops };
}

/** wasm-nn's two entries of a threaded run in the other order (every other round, so neither always goes first). */
function swapTwins(runs) {
  const i = runs.findIndex((run) => run.p.shared);
  if (i < 1) return runs;
  const order = [...runs];
  [order[i - 1], order[i]] = [order[i], order[i - 1]];
  return order;
}

function sameShape(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Bit-identical outputs (values and indices), where the split keeps the order of summation. */
function sameValues(a, b) {
  const same = (x, y) => x === y || (x && y && x.length === y.length && Buffer.compare(Buffer.from(x.buffer, x.byteOffset, x.byteLength), Buffer.from(y.buffer, y.byteOffset, y.byteLength)) === 0);
  return Boolean(same(a.values, b.values) && same(a.indices, b.indices));
}

/** The first, untimed call of a prepared engine: its output, read out and shape-checked. */
async function firstOutput(impl, c) {
  const [, out] = await call(impl);
  const result = impl.read(out);
  impl.release(out);
  if (result.shape && !sameShape(result.shape, c.outShape)) {
    throw new Error(`output shape [${result.shape}], expected [${c.outShape}]`);
  }
  return result;
}

/**
 * A threaded run times wasm-nn twice on the same resident inputs: the entry "wasm-nn" at
 * one thread and this one at `threads`, each setting its count before its calls. Its
 * output is checked against the one-thread output like a peer's.
 */
async function addThreadedTwin(row, prepared, own, c, threads) {
  own.enter = () => wasmNnEngine.useThreads(1);
  try {
    const inUse = wasmNnEngine.useThreads(threads);
    const result = await firstOutput(own.impl, c);
    row.engines[OWN_THREADED] = { status: "ok", threads: inUse, identical: sameValues(result, own.result) };
    // Beside the one-thread entry in every round (before it in every other round): what the
    // peers and the peak loop leave behind (caches, thread pools still spinning) then
    // weighs on both wasm-nn entries alike.
    const twin = { name: OWN_THREADED, engine: own.engine, impl: own.impl, result, shared: true, enter: () => wasmNnEngine.useThreads(threads) };
    prepared.splice(prepared.indexOf(own) + 1, 0, twin);
  } catch (e) {
    row.engines[OWN_THREADED] = { status: "error", error: String(e?.message ?? e).split("\n")[0] };
  }
}

async function runCase(c, engines, opts, notes) {
  const row = { id: c.id, shape: c.shape, op: c.op, label: c.label, flops: c.flops ?? null, bytes: c.bytes ?? null, engines: {} };
  const data = makeData(c);
  const prepared = [];
  for (const [name, engine] of engines) {
    if (engine.loadError) {
      row.engines[name] = { status: "error", error: engine.loadError };
      continue;
    }
    let impl = null;
    try {
      impl = await engine.module.prepare(c, data);
      if (impl.missing || impl.na) {
        row.engines[name] = { status: impl.missing ? "missing" : "n/a", reason: impl.missing ?? impl.na };
        continue;
      }
      const threaded = opts.threads && engine.module === wasmNnEngine;
      if (threaded) wasmNnEngine.useThreads(1);
      const result = await firstOutput(impl, c);
      row.engines[name] = { status: "ok", note: impl.note, ...(threaded && { threads: 1 }) };
      prepared.push({ name, engine, impl, result });
    } catch (e) {
      row.engines[name] = { status: "error", error: String(e?.message ?? e).split("\n")[0] };
      await impl?.dispose?.();
    }
  }
  if (opts.threads && row.engines["wasm-nn"]) {
    const own = prepared.find((p) => p.name === "wasm-nn");
    if (own) await addThreadedTwin(row, prepared, own, c, opts.threads);
    else row.engines[OWN_THREADED] = { ...row.engines["wasm-nn"] };
  }

  // Every output against wasm-nn's; against a plain JS reference while wasm-nn cannot
  // run the case (so a peer-only run still says which peer is wrong).
  if (prepared.length) {
    const own = prepared.find((p) => p.name === "wasm-nn");
    const ref = own ?? { name: "the JS reference", result: referenceOutput(c, data) };
    const others = prepared.filter((p) => p !== own);
    row.check = { reference: own ? "wasm-nn" : "js", compared: others.length };
    for (const p of others) {
      const why = disagreement(p.result, ref.result);
      if (why) {
        row.engines[p.name].mismatch = why;
        notes.push(`${c.id}: ${p.name} disagrees with ${ref.name}: ${why}`);
      }
    }
  }
  for (const p of prepared) p.result = null;

  try {
    const { results, peakGflops, parallelGflops } = await timeEngines(prepared, opts, c.flops ? peakLoop : null);
    for (const [p, result] of results) {
      const e = Object.assign(row.engines[p.name], result);
      if (c.flops) e.gflops = c.flops / (e.medianMs * 1e6);
      if (c.bytes) e.gbps = c.bytes / (e.medianMs * 1e6);
    }
    if (peakGflops !== null) row.peakGflops = peakGflops;
    if (parallelGflops !== null) Object.assign(row, { parallelPeakGflops: parallelGflops, parallelThreads: opts.threads });
  } catch (e) {
    for (const p of prepared) row.engines[p.name] = { status: "error", error: String(e?.message ?? e).split("\n")[0] };
  } finally {
    for (const p of prepared) if (!p.shared) await p.impl.dispose();
  }
  for (const [name, e] of Object.entries(row.engines)) {
    if (e.status === "missing" || e.status === "n/a") notes.push(`${c.id}: ${name} ${e.status}: ${e.reason}`);
    else if (e.status === "error") notes.push(`${c.id}: ${name} failed: ${e.error}`);
    else if (e.note) notes.push(`${c.id}: ${name} runs ${e.note}`);
    if (e.heap?.tensorsLeaked) {
      notes.push(`${c.id}: ${name} left ${e.heap.tensorsLeaked} more live tensors (${e.heap.bytesLeaked} bytes) after ${e.reps} timed calls`);
    }
  }
  return row;
}

function progress(row) {
  const parts = Object.entries(row.engines).map(([n, e]) => {
    if (e.status !== "ok") return `${n} ${e.status}`;
    return `${n} ${e.medianMs.toFixed(3)} ms${e.mismatch ? " (MISMATCH)" : ""}`;
  });
  const r = ratioOf(row);
  console.log(`${row.id.padEnd(10)} ${parts.join(" | ")}${r === null ? "" : ` | ratio ${r.toFixed(2)}x`}`);
}

/** The best GFLOP/s of a few runs of the N-thread peak loop. */
function bestParallel(loop) {
  let best = 0;
  for (let i = 0; i < 7; i++) best = Math.max(best, loop.flops / (loop.run() * 1e6));
  return best;
}

/** The best copy bandwidth of two measurements (GB/s, per kind of copy). */
const bestCopy = (a, b) => ({ ...a, memoryCopy: Math.max(a.memoryCopy, b.memoryCopy), vectorCopy: Math.max(a.vectorCopy, b.vectorCopy) });

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  // Threads and relaxed SIMD are measured together: Node 20 needs a flag for the latter.
  if (opts.threads) relaunchWithRelaxedSimd();
  const selected = cases(opts.only);
  const machine = machineInfo();
  const versions = { node: process.versions.node, v8: process.versions.v8 };
  console.log(`${machine.cpu}, ${machine.cores} cores, load ${machine.load}; Node ${versions.node}${relaxedFlagPresent() ? " --experimental-wasm-relaxed-simd" : ""}`);

  const peak = await simdPeak();
  peak.copy = await copyBandwidth();
  // A threaded run reads its rows against the FMA loop (relaxed SIMD), timed in the same rounds.
  peak.inRounds = opts.threads && peak.relaxedFma ? "fma" : "simd";
  peakLoop = await peakRunner(20, { fused: peak.inRounds === "fma" });
  if (opts.threads) {
    parallelLoop = await parallelPeakRunner(opts.threads, 20, { fused: peak.inRounds === "fma" });
    peak.parallel = bestParallel(parallelLoop);
    console.log(`the same loop on ${opts.threads} threads at once: ${peak.parallel.toFixed(1)} GFLOP/s`);
  }
  console.log(`SIMD128 peak: ${peak.simd.toFixed(1)} GFLOP/s${peak.relaxedFma ? `, relaxed FMA ${peak.relaxedFma.toFixed(1)} GFLOP/s` : ""}`);
  console.log(`copy bandwidth (4 MiB): memory.copy ${peak.copy.memoryCopy.toFixed(1)} GB/s, f32x4 loop ${peak.copy.vectorCopy.toFixed(1)} GB/s`);

  const engines = [];
  const infos = {};
  for (const key of opts.engines ?? Object.keys(ENGINES)) {
    const module = ENGINES[key];
    const entry = { module };
    try {
      const info = await module.load({ threads: opts.threads ?? 1 });
      versions[module.name] = info.version;
      infos[module.name] = info;
      console.log(`${module.name} ${info.version}: ${info.detail}`);
    } catch (e) {
      entry.loadError = String(e?.message ?? e).split("\n")[0];
      console.log(`${module.name}: could not load: ${entry.loadError}`);
    }
    engines.push([module.name, entry]);
  }
  console.log("");

  const notes = [];
  const rows = [];
  for (const c of selected) {
    const row = await runCase(c, engines, opts, notes);
    if (opts.threads) threadsProgress(row, opts.threads);
    else progress(row);
    rows.push(row);
  }

  // The peak is the best the machine can do: measure it again after the cases and keep
  // the higher figure, so a slow spell at the start does not flatter the percentages.
  const again = await simdPeak();
  peak.simd = Math.max(peak.simd, again.simd);
  if (again.relaxedFma) peak.relaxedFma = Math.max(peak.relaxedFma ?? 0, again.relaxedFma);
  peak.copy = bestCopy(peak.copy, await copyBandwidth());
  if (parallelLoop) peak.parallel = Math.max(peak.parallel, bestParallel(parallelLoop));

  machine.loadEnd = machineInfo().load; // a threaded table is only as good as the cores it had
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const results = { rows, peak, machine, versions, infos, options: opts, notes, date };
  if (opts.threads) finishThreaded(results);
  else await finishPlain(results);
  // onnxruntime-web and tfjs keep handles open; the run is over.
  process.exit(0);
}

/** The one-thread run: its table is the body of RESULTS.md. */
async function finishPlain({ rows, peak, machine, versions, options: opts, notes, date }) {
  // For every row that missed a target: where wasm-nn's time goes (a profile in a fresh
  // process, with a kernel build that carries function names), and what was tried.
  const missed = targetsOf(rows, peak.simd).missed.filter((id) => rows.find((r) => r.id === id)?.engines["wasm-nn"]?.status === "ok");
  let profiles = {};
  if (missed.length && opts.write) {
    console.log(`\nprofiling ${missed.join(", ")} ...`);
    try {
      const { stdout } = await runChild(process.execPath, [join(here, "profile.mjs"), "--only", missed.join(","), "--json"], { maxBuffer: 16 << 20 });
      profiles = JSON.parse(stdout.trim().split("\n").pop());
    } catch (e) {
      notes.push(`profiling failed: ${String(e?.message ?? e).split("\n")[0]}`);
    }
  }
  const tried = missed.length ? readFileSync(join(here, "TRIED.md"), "utf8") : "";

  const { text, targets } = markdown({ rows, peak, machine, versions, options: opts, notes, date, profiles, tried });
  console.log(`\n${table(rows, peak.simd)}\n`);
  for (const [what, state] of targets.lines) console.log(`${what}: ${state}`);
  const relu = reluAgainstCopy(rows, peak.copy);
  if (relu) console.log(`relu against the copy bandwidth: ${relu}`);
  if (notes.length) console.log(`\n${notes.join("\n")}`);

  if (opts.write) {
    // The other sections (whole models, threaded runs) are kept as they were.
    const resultsPath = join(here, "RESULTS.md");
    writeFileSync(resultsPath, keepSections(text, existsSync(resultsPath) ? readFileSync(resultsPath, "utf8") : ""));
    const json = { date, machine, versions, peak, options: opts, targets: targets.lines, geomean: targets.geomean, rows, notes };
    writeFileSync(join(here, "results.json"), `${JSON.stringify(json, null, 2)}\n`);
    console.log("\nwrote bench/RESULTS.md and bench/results.json");
  }
}

/** The threaded run: its table is the threads section of RESULTS.md. */
function finishThreaded(results) {
  const { text, targets } = threadsMarkdown(results);
  console.log(`\n${threadsTable(results.rows, results.options.threads, results.peak)}\n`);
  for (const [what, state] of targets.lines) console.log(`${what}: ${state}`);
  if (results.notes.length) console.log(`\n${results.notes.join("\n")}`);

  if (results.options.write) {
    const resultsPath = join(here, "RESULTS.md");
    writeFileSync(resultsPath, replaceSection(existsSync(resultsPath) ? readFileSync(resultsPath, "utf8") : "", "threads", text));
    const { rows, peak, machine, versions, options, notes, date } = results;
    const json = { date, machine, versions, wasmNn: results.infos["wasm-nn"]?.info, peak, options, targets: targets.lines, geomean: targets.geomean, rows, notes };
    writeFileSync(join(here, "results-threads.json"), `${JSON.stringify(json, null, 2)}\n`);
    console.log("\nwrote bench/RESULTS.md (threads section) and bench/results-threads.json");
  }
}

main().catch((e) => {
  // Argument mistakes get their message only; anything else its stack.
  console.error(e instanceof RangeError ? `bench: ${e.message}` : (e?.stack ?? e));
  process.exit(1);
});
