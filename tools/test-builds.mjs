#!/usr/bin/env node
// `npm test` runs the whole vitest suite on the threaded build (2 threads); this runs the
// numeric suites (PyTorch goldens, property tests, kernels through the API, errors,
// memory, threads) again on each other build: plain SIMD, relaxed SIMD, and relaxed SIMD
// with threads. Packaging, runtimes, bundlers, examples and the gallery load the
// package as users do and are not build-specific, so they run once.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ONCE = ["tests/bundlers/**", "tests/runtimes.test.ts", "tests/ready.test.ts", "tests/gallery*.test.ts", "tests/examples.test.ts", "tests/bench-models.test.ts"];
const builds = process.argv.slice(2).length ? process.argv.slice(2) : ["plain", "relaxed", "relaxed-threads"];
const vitest = join(root, "node_modules/vitest/vitest.mjs");
for (const build of builds) {
  console.log(`\n> vitest on the ${build} build`);
  const args = [vitest, "run", ...ONCE.flatMap((g) => ["--exclude", g])];
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit", env: { ...process.env, WASM_NN_BUILD: build } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
