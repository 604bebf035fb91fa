// Compiles peak.ts with asc and measures the SIMD128 arithmetic peak (GFLOP/s) and the
// copy bandwidth (GB/s). The relaxed-SIMD FMA variant runs only when Node was started with
// --experimental-wasm-relaxed-simd (Node 20 rejects relaxed SIMD otherwise).

import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const FLOPS_PER_ITERATION = 96;

const compiled = new Map(); // relaxed -> exports of one instance
const binaries = new Map(); // relaxed -> the .wasm bytes, for instances in other threads

async function compile(relaxed) {
  if (!compiled.has(relaxed)) compiled.set(relaxed, compileOnce(relaxed));
  return compiled.get(relaxed);
}

/** The compiled peak module's bytes (plain, or with relaxed SIMD). */
export async function peakBinary(relaxed) {
  await compile(relaxed);
  return binaries.get(relaxed);
}

export { FLOPS_PER_ITERATION };

async function compileOnce(relaxed) {
  const asc = await import("assemblyscript/asc");
  const out = `.build/${relaxed ? "peak-relaxed" : "peak"}.wasm`;
  const features = relaxed ? "simd,relaxed-simd" : "simd";
  // baseDir keeps asc from picking up the package's own asconfig.json.
  const { error, stderr } = await asc.main(
    ["peak.ts", "--baseDir", here, "--enable", features, "-O3", "--noAssert", "--runtime", "stub", "-o", out],
    { stdout: asc.createMemoryStream(), stderr: asc.createMemoryStream() },
  );
  if (error) throw new Error(`asc failed on bench/peak.ts: ${error.message}\n${stderr.toString()}`);
  const bytes = await readFile(join(here, out));
  binaries.set(relaxed, bytes);
  const { instance } = await WebAssembly.instantiate(bytes, { env: { abort() {} } });
  return instance.exports;
}

/** Best GFLOP/s of several runs of about `ms` each, after the function has tiered up. */
function measure(kernel, ms = 60, runs = 7) {
  let iterations = 1 << 16;
  // Warm up (V8 moves hot Wasm from its baseline to its optimising compiler) and size a run.
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    kernel(iterations, 0.5, 1);
    const dt = performance.now() - t0;
    if (dt > ms / 4 && i >= 3) {
      iterations = Math.max(1, Math.round((iterations * ms) / dt));
      break;
    }
    if (dt < ms / 4) iterations *= 2;
  }
  let best = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    kernel(iterations, 0.5, 1);
    const dt = performance.now() - t0;
    best = Math.max(best, (iterations * FLOPS_PER_ITERATION) / (dt * 1e6));
  }
  return best;
}

export function relaxedFlagPresent() {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return flags.some((f) => f.includes("experimental-wasm-relaxed-simd"));
}

/**
 * A peak-loop call of about `ms` milliseconds, for timing beside a case in the same rounds
 * (so a slow spell of the machine lowers both alike): { run() -> ms, flops per run }.
 * `fused`: the relaxed-SIMD FMA loop (Node must run with the relaxed-SIMD flag).
 */
export async function peakRunner(ms = 20, { fused = false } = {}) {
  const exports = await compile(fused);
  const mulAdd = fused ? exports.fusedMulAdd : exports.mulAdd;
  let iterations = 1 << 14;
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    mulAdd(iterations, 0.5, 1);
    const dt = performance.now() - t0;
    if (dt >= ms / 2 && i >= 5) {
      iterations = Math.max(1, Math.round((iterations * ms) / dt));
      break;
    }
    if (dt < ms / 2) iterations *= 2;
  }
  return {
    flops: iterations * FLOPS_PER_ITERATION,
    run() {
      const t0 = performance.now();
      mulAdd(iterations, 0.5, 1);
      return performance.now() - t0;
    },
  };
}

/** { simd: GFLOP/s, relaxedFma: GFLOP/s | null } */
export async function simdPeak() {
  const plain = await compile(false);
  const simd = measure(plain.mulAdd);
  let relaxedFma = null;
  if (relaxedFlagPresent()) {
    const fused = await compile(true);
    relaxedFma = measure(fused.fusedMulAdd);
  }
  return { simd, relaxedFma };
}

/**
 * Copy bandwidth in GB/s, counting each byte read and written once (as the memory-bound
 * rows count theirs), best of `runs` after a warm-up: { memoryCopy, vectorCopy }.
 * 4 MiB is relu's input in the benchmark (1M float32).
 */
export async function copyBandwidth(bytes = 4 << 20, runs = 9) {
  const { memoryCopy, vectorCopy } = await compile(false);
  const rate = (copy) => {
    const reps = 8;
    for (let i = 0; i < 3; i++) copy(bytes, reps);
    let best = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      copy(bytes, reps);
      best = Math.max(best, (2 * bytes * reps) / ((performance.now() - t0) * 1e6));
    }
    return best;
  };
  return { memoryCopy: rate(memoryCopy), vectorCopy: rate(vectorCopy), bytes };
}
