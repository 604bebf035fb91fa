#!/usr/bin/env node
// Whole-model benchmark: wasm-nn vs. onnxruntime-web vs. PyTorch native, one thread each (or N each).
//
//   npm run bench:models               (from the repository root: builds, installs, runs)
//   node bench/models/run.mjs [--only R18,GAN] [--runs N] [--no-write] [--python PATH] [--threads N]
//   (--runs: timed forwards per engine and model; by default as many as fit 3 s, 10 to 60)
//   (--threads: every engine on N threads, relaxed SIMD on; its own section of RESULTS.md)
//
// Method. bench/models/export.py (PyTorch + onnx) builds the models of BENCH.md with
// seeded weights and exports each into bench/.models: the wasm-nn graph + safetensors, an
// ONNX file, the state dict, the input and PyTorch's answer (float64 forward, rounded); it
// exports again only when those files are missing or the scripts or torch changed. Each
// model is then loaded into wasm-nn (nn.loadModel, eval) and onnxruntime-web (wasm EP, one
// thread) in this Node process, and into PyTorch native (bench/models/native.py, one
// thread, no_grad), a child process that times its own forwards on request. Each engine's
// first output is checked against PyTorch's answer (rtol 1e-3, atol 1e-4, elementwise) and
// an engine that fails is not timed. The engines warm up, then their timed forwards run in
// five rounds that alternate between the three (each engine's share of a round back to back,
// after one untimed call), with the SIMD peak loop in the same rounds, so a slow spell of a
// shared machine falls on all alike. wasm-nn's outputs are disposed inside
// the loop and its heap is compared before and after.
// The table replaces the models section of bench/RESULTS.md; `npm run bench` keeps it.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo } from "../machine.mjs";
import { peakRunner, simdPeak } from "../peak.mjs";
import { parallelPeakRunner } from "../peak-parallel.mjs";
import { relaunchWithRelaxedSimd } from "../relaunch.mjs";
import { replaceSection } from "../results-sections.mjs";
import { ENGINES, wasmNn } from "./engines.mjs";
import { pytorchNative } from "./pytorch-native.mjs";
import { markdown, nativeRatio, ortRatio, table } from "./report.mjs";
import { call, heapGrowth, warmUp } from "../timing.mjs";
import { eachFlag, listOf, positiveInt } from "../flags.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const bench = join(here, "..");
const CACHE = join(bench, ".models");
const IDS = ["R18", "MV2", "GAN", "UNET"];
const RTOL = 1e-3;
const ATOL = 1e-4;
const MIN_REPS = 10;
const MAX_REPS = 60;
const ROUNDS = 5;
const BUDGET_MS = 3000; // timed calls per engine and model: as many as fit, within the bounds

function parseArgs(argv) {
  const opts = { only: null, runs: null, write: true, python: "/usr/bin/python3", threads: null };
  eachFlag(argv, import.meta.url, 6, (flag, value) => {
    if (flag === "--only") opts.only = listOf(flag, value(), IDS, "model ", (s) => s.trim().toUpperCase());
    else if (flag === "--runs") opts.runs = positiveInt(flag, value());
    else if (flag === "--python") opts.python = value();
    else if (flag === "--threads") {
      opts.threads = positiveInt(flag, value());
      if (opts.threads < 2) throw new RangeError(`${flag}: expected 2 or more (the run without --threads is the one-thread run)`);
    }
    else if (flag === "--no-write") opts.write = false;
    else return false;
    return true;
  });
  return opts;
}

/** Exports the models into bench/.models when the files are missing or stale. */
function exportStep(opts, ids) {
  const probe = spawnSync(opts.python, ["-c", "import torch, torchvision, onnx"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : probe.stderr.trim().split("\n").pop();
    throw new RangeError(
      `the model benchmark needs ${opts.python} with torch, torchvision and onnx (${why}). ` +
        "On Debian: apt-get install python3-torch python3-torchvision python3-onnx; or pass --python PATH.",
    );
  }
  try {
    execFileSync(opts.python, [join(here, "export.py"), "--out", CACHE, "--only", ids.join(",")], { stdio: "inherit" });
  } catch (e) {
    throw new Error(`bench/models/export.py failed (exit code ${e.status ?? e.message}); its output is above`);
  }
  return Object.fromEntries(ids.map((id) => [id, JSON.parse(readFileSync(join(CACHE, `${id}.meta.json`), "utf8"))]));
}

function readF32(path) {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** The worst |got - want| / (atol + rtol |want|) over the output: at most 1 passes. */
function worstOverTolerance(got, want) {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const r = Math.abs(got[i] - want[i]) / (ATOL + RTOL * Math.abs(want[i]));
    if (!(r <= worst)) worst = Number.isNaN(r) ? Infinity : r;
  }
  return worst;
}

const quantile = (sorted, q) => {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
};

function summary(times) {
  const s = [...times].sort((a, b) => a - b);
  return { medianMs: quantile(s, 0.5), minMs: s[0], q1Ms: quantile(s, 0.25), q3Ms: quantile(s, 0.75), reps: s.length };
}


/** Warm-up alone, then the timed calls in rounds that alternate between the engines. */
async function timeEngines(prepared, opts, peakLoop, parallelLoop) {
  const runs = [];
  for (const p of prepared) {
    const warm = await warmUp(p.impl, 3, 1000, 20);
    const typical = summary(warm).medianMs;
    const reps = opts.runs ?? Math.min(MAX_REPS, Math.max(MIN_REPS, Math.ceil(BUDGET_MS / typical)));
    const stats = p.engine.name === wasmNn.name ? () => wasmNn.memoryStats() : null;
    runs.push({ p, reps, warmups: warm.length, times: [], stats, before: stats?.() });
  }
  // Each round, every engine makes one untimed call (the other engines have just evicted
  // its weights from the caches) and then its share of the timed calls back to back.
  const peakRates = [];
  const parallelRates = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const r of runs) {
      const share = Math.floor(((round + 1) * r.reps) / ROUNDS) - Math.floor((round * r.reps) / ROUNDS);
      for (let i = share > 0 ? -1 : 0; i < share; i++) {
        const [ms, out] = await call(r.p.impl);
        r.p.impl.release(out);
        if (i >= 0) r.times.push(ms);
      }
    }
    for (let i = 0; i < 3; i++) peakRates.push(peakLoop.flops / (peakLoop.run() * 1e6));
    if (parallelLoop) for (let i = 0; i < 3; i++) parallelRates.push(parallelLoop.flops / (parallelLoop.run() * 1e6));
  }
  for (const r of runs) {
    Object.assign(r.p.result, summary(r.times), { warmups: r.warmups });
    const after = r.stats?.();
    if (after) r.p.result.heap = heapGrowth(r.before, after);
  }
  // The median rates, in GFLOP/s
  return { peak: summary(peakRates).medianMs, parallel: parallelLoop ? summary(parallelRates).medianMs : null };
}

async function runModel(id, meta, engines, opts, peakLoop, parallelLoop, notes) {
  const files = { id, dir: CACHE, graph: join(CACHE, `${id}.json`), weights: join(CACHE, `${id}.safetensors`), onnx: join(CACHE, `${id}.onnx`) };
  const input = { values: readF32(join(CACHE, `${id}.input.bin`)), shape: meta.input };
  const want = readF32(join(CACHE, `${id}.output.bin`));
  const row = { id, model: meta.model, macs: meta.macs, flops: 2 * meta.macs, engines: {} };
  const prepared = [];
  for (const engine of engines) {
    if (engine.loadError) {
      row.engines[engine.name] = { status: "error", error: engine.loadError };
      continue;
    }
    const result = { status: "ok" };
    row.engines[engine.name] = result;
    let impl = null;
    try {
      const t0 = performance.now();
      impl = await engine.prepare(files, input);
      result.loadMs = performance.now() - t0;
      const [firstMs, out] = await call(impl);
      result.firstMs = firstMs;
      if (!impl.read) {
        // The reference itself: its float32 forward against the float64 answer.
        result.worst = meta.pytorchFloat32WorstOverTol;
        prepared.push({ engine, impl, result });
        continue;
      }
      const got = impl.read(out);
      const shapeOk = got.shape.length === meta.output.length && got.shape.every((v, i) => v === meta.output[i]);
      result.worst = shapeOk ? worstOverTolerance(got.values, want) : Infinity;
      impl.release(out);
      if (!shapeOk) notes.push(`${id}: ${engine.name} output shape [${got.shape}], PyTorch's [${meta.output}]; not timed`);
      else if (result.worst > 1) notes.push(`${id}: ${engine.name} differs from PyTorch (worst |error| / tolerance ${result.worst.toFixed(3)}); not timed`);
      if (result.worst > 1) {
        result.status = "wrong";
        await impl.dispose();
        continue;
      }
      prepared.push({ engine, impl, result });
    } catch (e) {
      row.engines[engine.name] = { status: "error", error: String(e?.message ?? e).split("\n")[0] };
      notes.push(`${id}: ${engine.name} failed: ${row.engines[engine.name].error}`);
      await impl?.dispose?.();
    }
  }
  try {
    if (prepared.length) {
      const rates = await timeEngines(prepared, opts, peakLoop, parallelLoop);
      row.peakGflops = rates.peak;
      if (rates.parallel !== null) Object.assign(row, { parallelPeakGflops: rates.parallel, parallelThreads: opts.threads });
    }
    for (const p of prepared) p.result.gflops = row.flops / (p.result.medianMs * 1e6);
  } finally {
    for (const p of prepared) await p.impl.dispose();
  }
  const h = row.engines["wasm-nn"]?.heap;
  if (h?.tensorsLeaked) notes.push(`${id}: wasm-nn left ${h.tensorsLeaked} more live tensors (${h.bytesLeaked} bytes) after ${row.engines["wasm-nn"].reps} timed forwards`);
  return row;
}

function progress(row) {
  const parts = Object.entries(row.engines).map(([n, e]) => (e.status === "ok" ? `${n} ${e.medianMs.toFixed(2)} ms` : `${n} ${e.status}`));
  const r1 = ortRatio(row);
  const r2 = nativeRatio(row);
  if (r1 !== null) parts.push(`ort/wasm-nn ${r1.toFixed(2)}x`);
  if (r2 !== null) parts.push(`wasm-nn/PyTorch ${r2.toFixed(2)}x`);
  console.log(`${row.id.padEnd(5)} ${parts.join(" | ")}`);
}

async function main() {
  const started = performance.now();
  const opts = parseArgs(process.argv.slice(2));
  // Threads and relaxed SIMD are measured together: Node 20 needs a flag for the latter.
  if (opts.threads) relaunchWithRelaxedSimd();
  const threads = opts.threads ?? 1;
  const ids = opts.only ?? IDS;
  const machine = machineInfo();
  console.log(`${machine.cpu}, ${machine.cores} cores, load ${machine.load}; Node ${process.versions.node}\n`);

  console.log("> export (bench/models/export.py; cached in bench/.models)");
  const metas = exportStep(opts, ids);
  const exportSeconds = (performance.now() - started) / 1e3;

  const versions = { node: process.versions.node, v8: process.versions.v8 };
  const engines = [];
  console.log("");
  const native = pytorchNative(opts.python, threads);
  const nativeInfo = {};
  const infos = {};
  for (const engine of [...ENGINES, native]) {
    const entry = Object.create(engine);
    try {
      const info = await engine.load({ threads });
      versions[engine.name] = info.version;
      infos[engine.name] = info;
      if (engine === native) Object.assign(nativeInfo, info.info);
      console.log(`${engine.name} ${info.version}: ${info.detail}`);
    } catch (e) {
      entry.loadError = String(e?.message ?? e).split("\n")[0];
      console.log(`${engine.name}: could not load: ${entry.loadError}`);
    }
    engines.push(entry);
  }
  const peak = await simdPeak();
  // A threaded run reads wasm-nn against the FMA loop (relaxed SIMD), timed in the same rounds.
  peak.inRounds = opts.threads && peak.relaxedFma ? "fma" : "simd";
  const peakLoop = await peakRunner(20, { fused: peak.inRounds === "fma" });
  // The same loop on N threads at once, in the same rounds: what the cores gave at the time.
  const parallelLoop = opts.threads ? await parallelPeakRunner(opts.threads, 20, { fused: peak.inRounds === "fma" }) : null;
  console.log(`SIMD128 peak: ${peak.simd.toFixed(1)} GFLOP/s${peak.relaxedFma ? `, relaxed FMA ${peak.relaxedFma.toFixed(1)} GFLOP/s` : ""}\n`);

  const notes = [];
  const rows = [];
  for (const id of ids) {
    const row = await runModel(id, metas[id], engines, opts, peakLoop, parallelLoop, notes);
    progress(row);
    rows.push(row);
  }
  // Keep the better of two peak measurements, so a slow start does not flatter the percentages.
  const again = await simdPeak();
  peak.simd = Math.max(peak.simd, again.simd);
  if (again.relaxedFma) peak.relaxedFma = Math.max(peak.relaxedFma ?? 0, again.relaxedFma);

  native.close();
  const pytorch = { ...nativeInfo, opset: metas[ids[0]].onnxOpset };
  if (opts.threads) machine.loadEnd = machineInfo().load; // other processes on the cores weigh on threaded figures
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const wasmNnInfo = infos["wasm-nn"]?.info ?? null;
  const ortThreads = infos["ort-web"]?.threads ?? null;
  const { text, targets } = markdown({ rows, peak, machine, versions, pytorch, options: opts, notes, date, wasmNn: wasmNnInfo, ortThreads });
  const cores = wasmNnInfo?.threads ?? threads;
  console.log(`\n${table(rows, peak.simd, { cores, peakName: peak.inRounds === "fma" ? "FMA peak" : "SIMD peak" })}\n`);
  for (const [what, state] of targets.lines) console.log(`${what}: ${state}`);
  if (notes.length) console.log(`\n${notes.join("\n")}`);

  if (opts.write) {
    const resultsPath = join(bench, "RESULTS.md");
    const section = opts.threads ? "models-threads" : "models";
    writeFileSync(resultsPath, replaceSection(existsSync(resultsPath) ? readFileSync(resultsPath, "utf8") : "", section, text));
    const json = { date, machine, versions, wasmNn: wasmNnInfo, pytorch, peak, options: opts, targets: targets.lines, geomean: targets.geomean, rows, notes };
    const jsonName = opts.threads ? "models-threads-results.json" : "models-results.json";
    writeFileSync(join(bench, jsonName), `${JSON.stringify(json, null, 2)}\n`);
    console.log(`\nwrote bench/RESULTS.md (${section} section) and bench/${jsonName}`);
  }
  const total = (performance.now() - started) / 1e3;
  console.log(`bench:models took ${total.toFixed(0)} s (export step ${exportSeconds.toFixed(0)} s)`);
  process.exit(0); // onnxruntime-web keeps handles open
}

main().catch((e) => {
  console.error(e instanceof RangeError ? `bench:models: ${e.message}` : (e?.stack ?? e));
  process.exit(1);
});
