// wasm-nn through its public API (the built package in dist/), inputs resident in the
// Wasm heap. A shape whose function is not exported yet reports it as missing.

import { readFileSync } from "node:fs";

let W;
let info;

export const name = "wasm-nn";

/**
 * `threads`: what ready() is asked for; info tells what is really in use. The one-thread
 * run loads the plain SIMD build (dist/wasm-nn.wasm) itself, the build earlier results
 * were measured with; a threaded run lets ready() pick (threads, relaxed SIMD).
 */
export async function load({ threads = 1 } = {}) {
  W = await import("../../dist/index.js");
  info = await W.ready(threads === 1 ? { threads, source: plainBuild() } : { threads });
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  const setNumThreads = typeof W.setNumThreads === "function";
  return { version: pkg.version, info, setNumThreads, detail: `simd ${info.simd}, relaxed SIMD ${info.relaxedSimd}, threads ${info.threads}${setNumThreads ? "" : ", no setNumThreads"}` };
}

/** The bytes of the plain SIMD build: no shared memory, no relaxed SIMD. */
export function plainBuild() {
  return readFileSync(new URL("../../dist/wasm-nn.wasm", import.meta.url));
}

/**
 * Sets the thread count of the calls that follow and returns the count really in use. A
 * build without setNumThreads keeps the count ready() reported.
 */
export function useThreads(n) {
  if (typeof W.setNumThreads === "function") W.setNumThreads(n);
  return typeof W.numThreads === "function" ? W.numThreads() : info.threads;
}

/** Heap statistics for the steady-state allocation check. */
export function memoryStats() {
  const m = W.memory();
  return { heapBytes: m.heapBytes, tensors: m.tensors, bytes: m.bytes };
}

const fn = (name) => (typeof W.F[name] === "function" ? W.F[name] : null);

// The F function each case calls, by op family and rank.
function needed(c) {
  const rank = c.x.length - 2;
  switch (c.op) {
    case "conv":
      return [`conv${rank}d`];
    case "convTranspose":
      return [`convTranspose${rank}d`];
    case "maxPool":
      return ["maxPool2d"];
    case "avgPool":
      return ["avgPool2d"];
    case "linear":
      return ["linear"];
    case "matmul":
      return W.matmul || fn("matmul") ? [] : ["linear"];
    case "unary":
      return [c.fn];
    case "maxUnpool":
      return ["maxUnpool2d"];
    case "interpolate":
      return ["interpolate"];
    case "batchNorm":
      return ["batchNorm"];
    case "layerNorm":
      return ["layerNorm"];
  }
  return [];
}

export async function prepare(c, d) {
  if (c.op === "add" && typeof W.add !== "function") return { missing: "add not exported" };
  const missing = needed(c).filter((n) => !fn(n));
  if (missing.length) return { missing: `F.${missing.join(", F.")} not exported` };

  const resident = [];
  let built;
  try {
    built = build(c, d, (t) => (resident.push(t), t));
  } catch (e) {
    for (const t of resident) t.dispose();
    throw e;
  }
  return {
    ...built,
    read(out) {
      if (Array.isArray(out)) return { values: out[0].toArray(), indices: out[1].toArray(), shape: out[0].shape };
      return { values: out.toArray(), shape: out.shape };
    },
    release(out) {
      if (Array.isArray(out)) for (const t of out) t.dispose();
      else out.dispose();
    },
    dispose() {
      for (const t of resident) t.dispose();
    },
  };
}

// The resident inputs (registered with `keep`) and the call to time.
function build(c, d, keep) {
  const { F, tensor } = W;
  let run;
  let note;
  switch (c.op) {
    case "conv": {
      const x = keep(tensor(d.x, c.x));
      const w = keep(tensor(d.w, d.wShape));
      const b = keep(tensor(d.b, [c.outC]));
      const conv = fn(`conv${c.x.length - 2}d`);
      const opts = { stride: c.stride, padding: c.pad, groups: c.groups, dilation: c.dilation ?? 1 };
      run = () => conv(x, w, b, opts);
      break;
    }
    case "convTranspose": {
      const x = keep(tensor(d.x, c.x));
      const w = keep(tensor(d.w, d.wShape));
      const b = keep(tensor(d.b, [c.outC]));
      const convT = fn(`convTranspose${c.x.length - 2}d`);
      const opts = { stride: c.stride, padding: c.pad, groups: c.groups };
      run = () => convT(x, w, b, opts);
      break;
    }
    case "maxPool": {
      const x = keep(tensor(d.x, c.x));
      const opts = { stride: c.stride, padding: c.pad, returnIndices: c.indices };
      run = () => F.maxPool2d(x, c.k, opts);
      break;
    }
    case "avgPool": {
      const x = keep(tensor(d.x, c.x));
      const opts = { stride: c.stride, padding: c.pad };
      run = () => F.avgPool2d(x, c.k, opts);
      break;
    }
    case "linear": {
      const x = keep(tensor(d.x, c.x));
      const w = keep(tensor(d.w, d.wShape));
      const b = keep(tensor(d.b, [c.outF]));
      run = () => F.linear(x, w, b);
      break;
    }
    case "matmul": {
      const a = keep(tensor(d.x, c.x));
      const matmul = W.matmul ?? fn("matmul");
      if (matmul) {
        const b = keep(tensor(d.bMat, d.bShape));
        run = () => matmul(a, b);
        note = "matmul(a, b)";
      } else {
        // linear(a, w) computes a @ w^T: hand it B transposed once, outside the timing.
        const bT = W.tidy(() => tensor(d.bMat, d.bShape).t().contiguous());
        keep(bT);
        run = () => F.linear(a, bT);
        note = "F.linear(a, B^T)";
      }
      break;
    }
    case "unary": {
      const x = keep(tensor(d.x, c.x));
      const f = fn(c.fn);
      run = () => f(x);
      break;
    }
    case "maxUnpool": {
      const x = keep(tensor(d.pooled, c.pooledShape));
      const idx = keep(tensor(d.indices, c.pooledShape, { dtype: "int32" }));
      const opts = { stride: c.stride, padding: c.pad, outputSize: c.x.slice(2) };
      run = () => F.maxUnpool2d(x, idx, c.k, opts);
      break;
    }
    case "add": {
      const x = keep(tensor(d.x, c.x));
      const y = keep(tensor(d.y, c.y));
      run = () => W.add(x, y);
      note = "add(x, y)";
      break;
    }
    case "interpolate": {
      const x = keep(tensor(d.x, c.x));
      const opts = { scaleFactor: c.scale, mode: c.mode };
      run = () => F.interpolate(x, opts);
      break;
    }
    case "batchNorm": {
      const ch = c.x[1];
      const x = keep(tensor(d.x, c.x));
      const [w, b, mean, variance] = [d.w, d.b, d.mean, d.variance].map((v) => keep(tensor(v, [ch])));
      run = () => F.batchNorm(x, mean, variance, { weight: w, bias: b });
      break;
    }
    case "layerNorm": {
      const last = c.x[c.x.length - 1];
      const x = keep(tensor(d.x, c.x));
      const w = keep(tensor(d.w, [last]));
      const b = keep(tensor(d.b, [last]));
      run = () => F.layerNorm(x, [last], { weight: w, bias: b });
      break;
    }
    default:
      throw new Error(`wasm-nn: no implementation for ${c.op}`);
  }
  return { note, run };
}
