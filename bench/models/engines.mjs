// The two engines of the model benchmark, each running a whole exported model:
// wasm-nn (the built package, nn.loadModel from the graph + safetensors) and
// onnxruntime-web (wasm execution provider, the torch.onnx export), each on the thread
// count that load() is given (one by default).
// prepare() gives { run(), read(out) -> { values, shape }, release(out), dispose() }.

import { readFileSync } from "node:fs";
import { startRuntime } from "../engines/ort.mjs";
import { plainBuild } from "../engines/wasm-nn.mjs";

let W = null;
let ort = null;

export const wasmNn = {
  name: "wasm-nn",
  /** ready({ threads }); the one-thread run loads the plain SIMD build, as earlier results did. */
  async load({ threads = 1 } = {}) {
    W = await import("../../dist/index.js");
    const info = await W.ready(threads === 1 ? { threads, source: plainBuild() } : { threads });
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    return { version: pkg.version, info, detail: `simd ${info.simd}, relaxed SIMD ${info.relaxedSimd}, threads ${info.threads}` };
  },
  /** Heap size and live tensors, to check that timed forwards leave the heap as it was. */
  memoryStats() {
    const m = W.memory();
    return { heapBytes: m.heapBytes, tensors: m.tensors, bytes: m.bytes };
  },
  async prepare(files, input) {
    const graph = readFileSync(files.graph, "utf8");
    const weights = readFileSync(files.weights);
    const model = W.nn.loadModel(graph, new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
    model.eval();
    let x;
    try {
      x = W.tensor(input.values, input.shape);
    } catch (e) {
      model.dispose();
      throw e;
    }
    return {
      run: () => model.forward(x),
      read: (out) => ({ values: out.toArray(), shape: out.shape }),
      release: (out) => out.dispose(),
      dispose() {
        x.dispose();
        model.dispose();
      },
    };
  },
};

export const ortWeb = {
  name: "ort-web",
  async load({ threads = 1 } = {}) {
    ort = await import("onnxruntime-web");
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = "error";
    if (threads > 1) await startRuntime(ort); // reads back the count really in use
    return { version: ort.env.versions.web, threads: ort.env.wasm.numThreads, detail: `wasm EP, numThreads ${ort.env.wasm.numThreads}, proxy ${ort.env.wasm.proxy}` };
  },
  async prepare(files, input) {
    // graphOptimizationLevel "all" is onnxruntime's default for a session: its usual
    // fusions (Conv + BatchNorm, Conv + activation) are part of what it is.
    const session = await ort.InferenceSession.create(readFileSync(files.onnx), {
      executionProviders: ["wasm"],
      graphOptimizationLevel: "all",
    });
    const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", input.values, input.shape) };
    const outName = session.outputNames[0];
    return {
      run: () => session.run(feeds),
      read: (out) => ({ values: out[outName].data, shape: [...out[outName].dims] }),
      release(out) {
        for (const t of Object.values(out)) t.dispose?.();
      },
      async dispose() {
        await session.release();
      },
    };
  },
};

export const ENGINES = [wasmNn, ortWeb];
