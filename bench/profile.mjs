#!/usr/bin/env node
// Where wasm-nn's time goes on benchmark shapes: runs each case in a loop under V8's
// sampling profiler and sums the self time of every function, Wasm kernels by name.
//
//   node bench/profile.mjs --only G,N [--ms 1500] [--json]
//
// The kernels are rebuilt with a name section (asc --debug on the release settings, so
// the code is the same optimised code) into bench/.build/, because the shipped .wasm
// carries no function names.

import { readFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as wasmNn from "./engines/wasm-nn.mjs";
import { cases, makeData } from "./shapes.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

async function buildWithNames() {
  const asc = await import("assemblyscript/asc");
  const out = join(here, ".build/wasm-nn.names.wasm");
  const { error, stderr } = await asc.main(
    ["--config", join(root, "asconfig.json"), "--target", "release", "--debug", "-o", out, "--textFile", join(here, ".build/wasm-nn.names.wat"), "--bindings", "none"],
    { stdout: asc.createMemoryStream(), stderr: asc.createMemoryStream() },
  );
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  return readFile(out);
}

/** Self time per function over `ms` of repeated calls: [{ name, ms, share }], largest first. */
async function profile(impl, ms) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  // Run the loop from a fresh task, not inside the inspector's message dispatch, so that
  // no profiler frame sits under the samples.
  await new Promise((resolve) =>
    setTimeout(() => {
      const end = performance.now() + ms;
      while (performance.now() < end) impl.release(impl.run());
      resolve();
    }, 0),
  );
  const { profile: p } = await session.post("Profiler.stop");
  session.disconnect();
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const frame = nodes.get(id).callFrame;
    // Kernels keep their AssemblyScript names; everything else is the JS side of a call
    // (argument checks, allocation, bindings) or the engine itself.
    const fnName = frame.functionName;
    // The inspector's own message handling, before and after the measured loop.
    if (fnName === "dispatch" || fnName === "post") return;
    const name = fnName.startsWith("assembly/") ? fnName.replace(/^assembly\//, "") : fnName.startsWith("~lib/") || fnName.startsWith("(") ? fnName : `JS ${fnName}`;
    self.set(name, (self.get(name) ?? 0) + dt);
    total += dt;
  });
  return [...self]
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }))
    .sort((a, b) => b.ms - a.ms);
}

async function main() {
  const args = process.argv.slice(2);
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",") : null;
  const ms = args.includes("--ms") ? Number(args[args.indexOf("--ms") + 1]) : 1500;
  const W = await import("../dist/index.js");
  await W.ready(await buildWithNames());
  await wasmNn.load();
  const result = {};
  for (const c of cases(only)) {
    const impl = await wasmNn.prepare(c, makeData(c));
    if (impl.missing) continue;
    for (let i = 0; i < 3; i++) impl.release(impl.run());
    result[c.id] = (await profile(impl, ms)).filter((f) => f.share >= 0.01);
    impl.dispose();
  }
  if (args.includes("--json")) {
    console.log(JSON.stringify(result));
  } else {
    for (const [id, fns] of Object.entries(result)) {
      console.log(`\n${id}`);
      for (const f of fns) console.log(`  ${(100 * f.share).toFixed(1).padStart(5)}%  ${f.name}`);
    }
  }
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exit(1);
});
