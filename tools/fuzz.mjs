#!/usr/bin/env node
// Long fuzz runs against the built package (dist/): `npm run fuzz -- --seed N --minutes M`.
//
// The harness and its generators live in tests/fuzz/ (TypeScript, shared with the bounded
// run inside `npm test`); this script compiles them to a temporary directory with the
// TypeScript compiler, loads dist/index.js, and runs every generator entry in turn until
// the time is up. Each failure is shrunk and printed as a runnable script.
//
//   --seed N        run seed (default 1); --seeds 1,2,3 runs several, sharing the time
//   --minutes M     total time (default 1)
//   --entry NAME    only this generator entry (see tests/fuzz/entries.ts)
//   --keep-going    keep fuzzing after a failure (default: stop at the first one)
//   --absurd        also try kernel sizes, strides, paddings near 2^31 (see settings in entries.ts)
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    seed: { type: "string", default: "1" },
    seeds: { type: "string" },
    minutes: { type: "string", default: "1" },
    entry: { type: "string" },
    "keep-going": { type: "boolean", default: false },
    absurd: { type: "boolean", default: false },
  },
});
const seeds = (args.seeds ?? args.seed).split(",").map((s) => Number(s.trim()));
const minutes = Number(args.minutes);
if (seeds.some((s) => !Number.isInteger(s)) || !(minutes > 0)) {
  console.error("usage: npm run fuzz -- --seed N --minutes M [--seeds 1,2,3] [--entry NAME] [--keep-going]");
  process.exit(2);
}

// Compile tests/fuzz and the helpers it uses to .mjs files with the same layout.
const out = mkdtempSync(join(tmpdir(), "wasm-nn-fuzz-"));
const sources = [
  ...readdirSync(join(root, "tests/fuzz")).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).map((f) => `tests/fuzz/${f}`),
  ...readdirSync(join(root, "tests/helpers")).filter((f) => f.endsWith(".ts")).map((f) => `tests/helpers/${f}`),
];
for (const src of sources) {
  const code = readFileSync(join(root, src), "utf8");
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    fileName: src,
  }).outputText.replace(/(from\s+["'])(\.{1,2}\/[^"']+)(["'])/g, (_, a, path, b) => `${a}${path}.mjs${b}`);
  const dest = join(out, src.replace(/\.ts$/, ".mjs"));
  mkdirSync(dirname(dest), { recursive: true });
  writeFileSync(dest, js);
}

const api = await import(pathToFileURL(join(root, "dist/index.js")).href);
await api.ready();
const { fuzz } = await import(pathToFileURL(join(out, "tests/fuzz/harness.mjs")).href);
const { entries, settings } = await import(pathToFileURL(join(out, "tests/fuzz/entries.mjs")).href);
settings.absurd = args.absurd;
const chosen = args.entry ? entries.filter((e) => e.name === args.entry) : entries;
if (chosen.length === 0) {
  console.error(`no entry ${args.entry}; entries are ${entries.map((e) => e.name).join(", ")}`);
  process.exit(2);
}

const msPerSeed = (minutes * 60_000) / seeds.length;
let total = 0;
let failures = 0;
let poisoned = false;
const known = {};
const started = Date.now();
for (const seed of seeds) {
  const t0 = Date.now();
  // Run in slices so progress shows during long runs.
  let done = 0;
  let offset = 0;
  const slice = 30_000;
  while (Date.now() - t0 < msPerSeed) {
    const stats = fuzz(api, chosen, {
      seed,
      ms: Math.min(slice, msPerSeed - (Date.now() - t0)),
      start: offset,
      stopAtFirst: !args["keep-going"],
      importFrom: "wasm-nn",
      onFailure(r) {
        console.log(`\n--- FAIL seed ${seed}, entry ${r.entry} (case seed ${r.seed}) ---\n${r.code}\n`);
      },
    });
    offset += stats.cases;
    done += stats.cases;
    failures += stats.failures.length;
    for (const [k, v] of Object.entries(stats.known)) known[k] = (known[k] ?? 0) + v;
    console.log(`seed ${seed}: ${done} cases, ${((Date.now() - t0) / 1000).toFixed(0)} s, failures so far ${failures}`);
    poisoned ||= stats.poisoned === true;
    if (stats.poisoned) console.log("the Wasm instance may be unusable after this trap: stopping");
    if ((stats.failures.length > 0 && !args["keep-going"]) || poisoned) break;
  }
  total += done;
  if ((failures > 0 && !args["keep-going"]) || poisoned) break;
}
rmSync(out, { recursive: true, force: true });
console.log(`\n${total} cases over seeds ${seeds.join(", ")} in ${((Date.now() - started) / 60_000).toFixed(1)} min (${relative(process.cwd(), join(root, "dist")) || "dist"}), ${failures} failure(s)`);
if (Object.keys(known).length > 0) console.log(`known open issues hit (not failures): ${JSON.stringify(known)}`);
process.exit(failures > 0 ? 1 : 0);
