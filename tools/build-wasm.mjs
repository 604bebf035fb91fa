#!/usr/bin/env node
// Compiles assembly/ into the four builds the package ships, two at a time:
//   build/wasm-nn.wasm                  WebAssembly SIMD (runs everywhere wasm-nn runs)
//   build/wasm-nn-relaxed.wasm          + relaxed SIMD (fused multiply-add in the GEMM and convolution loops)
//   build/wasm-nn-threads.wasm          + threads: imported shared memory, for the worker pool
//   build/wasm-nn-relaxed-threads.wasm  both
// The threaded builds import their memory (shared, at most 4 GiB) and assume it starts
// zeroed, so their data segments hold constants only: a worker instantiating the module
// on the live memory rewrites those with the same bytes and touches nothing else.
// `node tools/build-wasm.mjs plain` builds only the first (what the kernel specs need).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const THREADS = ["--enable", "threads", "--importMemory", "--sharedMemory", "--maximumMemory", "65536", "--zeroFilledMemory"];
const RELAXED = ["--enable", "relaxed-simd"];
export const BUILDS = {
  plain: [],
  relaxed: RELAXED,
  threads: THREADS,
  "relaxed-threads": [...RELAXED, ...THREADS],
};

function compile(name) {
  const file = name === "plain" ? "wasm-nn" : `wasm-nn-${name}`;
  const args = ["asc", "--config", "asconfig.json", "--target", "release", "-o", `build/${file}.wasm`, "-t", `build/${file}.wat`, ...BUILDS[name]];
  return new Promise((resolve, reject) => {
    const child = spawn("npx", args, { cwd: root, stdio: ["ignore", "inherit", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => {
      // Binaryen's note that its optimiser stopped converging is not an error.
      const text = d.toString().replace(/^.*Last converge was suboptimal\.\s*$/gm, "");
      err += text;
      process.stderr.write(text);
    });
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`asc (${name}) failed with code ${code}\n${err}`))));
  });
}

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(BUILDS);
for (const name of wanted) if (!(name in BUILDS)) throw new Error(`build-wasm: unknown build "${name}" (${Object.keys(BUILDS).join(", ")})`);
// Two compilers at a time: asc is single-threaded, and CI machines have two cores.
const queue = [...wanted];
await Promise.all([0, 1].map(async () => {
  while (queue.length) await compile(queue.shift());
}));
