// The benchmark shapes of BENCH.md as data, their work (FLOPs or bytes moved) and their
// seeded inputs. Layouts are PyTorch's (NCHW, weights [out, in/groups, ...k]); engines
// that want another layout convert outside the timed region.

import { maxPoolReference } from "./reference.mjs";

/** Compute-bound op families: rows get GFLOP/s and a share of the SIMD peak. */
export const COMPUTE = new Set(["conv", "convTranspose", "linear", "matmul"]);

// id, shape letter, op family, parameters. `cases()` expands J (with and without
// indices) and O (three activations).
const SPECS = [
  { shape: "A", op: "conv", label: "conv2d 3->64 k3 p1", x: [1, 3, 224, 224], outC: 64, k: 3, stride: 1, pad: 1, groups: 1 },
  { shape: "B", op: "conv", label: "conv2d 64->64 k3 p1", x: [1, 64, 56, 56], outC: 64, k: 3, stride: 1, pad: 1, groups: 1 },
  { shape: "C", op: "conv", label: "conv2d 256->256 k3 p1", x: [1, 256, 14, 14], outC: 256, k: 3, stride: 1, pad: 1, groups: 1 },
  { shape: "D", op: "conv", label: "conv2d 1x1 256->1024", x: [1, 256, 14, 14], outC: 1024, k: 1, stride: 1, pad: 0, groups: 1 },
  { shape: "E", op: "conv", label: "depthwise conv2d 128 k3 p1", x: [1, 128, 56, 56], outC: 128, k: 3, stride: 1, pad: 1, groups: 128 },
  { shape: "F", op: "convTranspose", label: "convTranspose2d 3->1 k3 s2", x: [1, 3, 512, 512], outC: 1, k: 3, stride: 2, pad: 0, groups: 1 },
  { shape: "G", op: "convTranspose", label: "convTranspose2d 128->64 k4 s2 p1", x: [1, 128, 16, 16], outC: 64, k: 4, stride: 2, pad: 1, groups: 1 },
  { shape: "H", op: "conv", label: "conv1d 64->64 k5 p2", x: [1, 64, 4096], outC: 64, k: 5, stride: 1, pad: 2, groups: 1 },
  { shape: "I", op: "conv", label: "conv3d 16->32 k3 p1", x: [1, 16, 16, 32, 32], outC: 32, k: 3, stride: 1, pad: 1, groups: 1 },
  { shape: "J", op: "maxPool", label: "maxPool2d k3 s2 p1", x: [1, 64, 112, 112], k: 3, stride: 2, pad: 1, indices: false },
  { shape: "J", id: "J+idx", op: "maxPool", label: "maxPool2d k3 s2 p1, indices", x: [1, 64, 112, 112], k: 3, stride: 2, pad: 1, indices: true },
  { shape: "K", op: "avgPool", label: "avgPool2d k2 s2", x: [1, 64, 112, 112], k: 2, stride: 2, pad: 0 },
  { shape: "L", op: "linear", label: "linear 1024->1024, batch 1", x: [1, 1024], outF: 1024 },
  { shape: "M", op: "linear", label: "linear 1024->1024, batch 64", x: [64, 1024], outF: 1024 },
  { shape: "N", op: "matmul", label: "matmul 1024x1024x1024", x: [1024, 1024], n: 1024 },
  { shape: "O", id: "O-relu", op: "unary", fn: "relu", label: "relu, 1M elements", x: [1024, 1024] },
  { shape: "O", id: "O-sigmoid", op: "unary", fn: "sigmoid", label: "sigmoid, 1M elements", x: [1024, 1024] },
  { shape: "O", id: "O-gelu", op: "unary", fn: "gelu", label: "gelu, 1M elements", x: [1024, 1024] },
  { shape: "P", op: "maxUnpool", label: "maxUnpool2d k3 s2 p1 (J's output)", x: [1, 64, 112, 112], k: 3, stride: 2, pad: 1 },
  // Shapes off the tile grid: odd channel counts and sizes, stride 2 with k5, dilation.
  { shape: "V1", op: "conv", label: "conv2d 37->61 k3 p1, 45x45", x: [1, 37, 45, 45], outC: 61, k: 3, stride: 1, pad: 1, groups: 1 },
  { shape: "V2", op: "conv", label: "conv2d 64->64 k5 s2 p2, 57x57", x: [1, 64, 57, 57], outC: 64, k: 5, stride: 2, pad: 2, groups: 1 },
  { shape: "V3", op: "conv", label: "conv2d 64->64 k3 dilation 2 p2", x: [1, 64, 56, 56], outC: 64, k: 3, stride: 1, pad: 2, groups: 1, dilation: 2 },
  { shape: "V4", op: "conv", label: "conv2d 3->17 k7 s2 p3, 99x99", x: [1, 3, 99, 99], outC: 17, k: 7, stride: 2, pad: 3, groups: 1 },
  // Tensor arithmetic: a bias-style broadcast add and a same-shape add (memory bound).
  { shape: "T", op: "add", label: "add [1,64,112,112] + [1,64,1,1] (broadcast)", x: [1, 64, 112, 112], y: [1, 64, 1, 1] },
  { shape: "U", op: "add", label: "add [1,64,112,112] + [1,64,112,112]", x: [1, 64, 112, 112], y: [1, 64, 112, 112] },
  // Resampling: bilinear upsampling by 2, alignCorners false (half-pixel centres).
  { shape: "S", op: "interpolate", label: "bilinear upsample x2", x: [1, 64, 112, 112], scale: 2, mode: "bilinear" },
  // Normalisation (memory-bound: one read and one write of the activations).
  { shape: "Q", op: "batchNorm", label: "batchNorm2d eval", x: [1, 64, 112, 112] },
  { shape: "R", op: "layerNorm", label: "layerNorm over the last dim 768", x: [64, 197, 768] },
];

const prod = (a) => a.reduce((p, v) => p * v, 1);

function convOut(size, k, stride, pad, dilation = 1) {
  return Math.floor((size + 2 * pad - dilation * (k - 1) - 1) / stride) + 1;
}

function convTransposeOut(size, k, stride, pad) {
  return (size - 1) * stride - 2 * pad + k;
}

/** Output shape, FLOPs (2 x MACs) or bytes moved of one case. */
function work(c) {
  const [n, ch, ...sp] = c.x;
  switch (c.op) {
    case "conv": {
      const out = sp.map((s) => convOut(s, c.k, c.stride, c.pad, c.dilation));
      const macs = n * c.outC * prod(out) * (ch / c.groups) * c.k ** sp.length;
      return { outShape: [n, c.outC, ...out], flops: 2 * macs };
    }
    case "convTranspose": {
      const out = sp.map((s) => convTransposeOut(s, c.k, c.stride, c.pad));
      const macs = n * ch * prod(sp) * (c.outC / c.groups) * c.k ** sp.length;
      return { outShape: [n, c.outC, ...out], flops: 2 * macs };
    }
    case "linear":
      return { outShape: [c.x[0], c.outF], flops: 2 * c.x[0] * c.x[1] * c.outF };
    case "matmul":
      return { outShape: [c.x[0], c.n], flops: 2 * c.x[0] * c.x[1] * c.n };
    case "maxPool":
    case "avgPool": {
      const outShape = [n, ch, ...sp.map((s) => convOut(s, c.k, c.stride, c.pad))];
      // Input read once, output (and the int32 indices) written once.
      const bytes = 4 * prod(c.x) + 4 * prod(outShape) * (c.indices ? 2 : 1);
      return { outShape, bytes };
    }
    case "unary":
      return { outShape: c.x, bytes: 8 * prod(c.x) };
    case "maxUnpool": {
      // Input: J's output and its int32 indices; output: the zero-filled unpooled plane.
      const pooled = [n, ch, ...sp.map((s) => convOut(s, c.k, c.stride, c.pad))];
      return { outShape: c.x, pooledShape: pooled, bytes: 8 * prod(pooled) + 4 * prod(c.x) };
    }
    case "add":
      // Both inputs read once, the output written once.
      return { outShape: c.x, bytes: 4 * (2 * prod(c.x) + prod(c.y)) };
    case "interpolate": {
      // Input read once, output written once.
      const outShape = [n, ch, ...sp.map((s) => Math.floor(s * c.scale))];
      return { outShape, bytes: 4 * prod(c.x) + 4 * prod(outShape) };
    }
    case "batchNorm":
    case "layerNorm":
      // Input read once, output written once (the per-channel or per-feature vectors are noise).
      return { outShape: c.x, bytes: 8 * prod(c.x) };
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

/** All cases, optionally filtered by shape letters or case ids (`["A", "J+idx", "O-gelu"]`). */
export function cases(only) {
  const all = SPECS.map((s) => ({ ...s, id: s.id ?? s.shape, ...work(s) }));
  if (!only || only.length === 0) return all;
  const wanted = new Set(only.map((s) => s.trim()).filter(Boolean));
  const unknown = [...wanted].filter((w) => !all.some((c) => c.id === w || c.shape === w));
  if (unknown.length) throw new RangeError(`--only: unknown shape ${unknown.join(", ")} (known: ${[...new Set(all.map((c) => c.id))].join(", ")})`);
  return all.filter((c) => wanted.has(c.id) || wanted.has(c.shape));
}

/** mulberry32: small, fast, and identical on every engine since data is made here once. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(next, n, bound) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * next() - 1) * bound;
  return out;
}

function seedOf(id) {
  let h = 2166136261;
  for (const ch of id) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

/**
 * The inputs of one case, the same for every engine: x in [-1, 1); weights and bias in
 * +-1/sqrt(fan_in) like PyTorch's default init, so outputs stay near unit magnitude.
 */
export function makeData(c) {
  const next = rng(seedOf(c.id));
  const x = uniform(next, prod(c.x), 1);
  const ch = c.x[1];
  switch (c.op) {
    case "conv": {
      const wShape = [c.outC, ch / c.groups, ...c.x.slice(2).map(() => c.k)];
      const bound = 1 / Math.sqrt(prod(wShape.slice(1)));
      return { x, w: uniform(next, prod(wShape), bound), wShape, b: uniform(next, c.outC, bound) };
    }
    case "convTranspose": {
      const wShape = [ch, c.outC / c.groups, ...c.x.slice(2).map(() => c.k)];
      const bound = 1 / Math.sqrt(prod(wShape.slice(1)));
      return { x, w: uniform(next, prod(wShape), bound), wShape, b: uniform(next, c.outC, bound) };
    }
    case "linear": {
      const wShape = [c.outF, c.x[1]];
      const bound = 1 / Math.sqrt(c.x[1]);
      return { x, w: uniform(next, prod(wShape), bound), wShape, b: uniform(next, c.outF, bound) };
    }
    case "matmul": {
      const bShape = [c.x[1], c.n];
      return { x, bMat: uniform(next, prod(bShape), 1), bShape };
    }
    case "maxUnpool": {
      // P's input is J's output: max-pool x here so every engine unpools the same data.
      const { values, indices } = maxPoolReference(x, c.x, c.k, c.stride, c.pad);
      return { x, pooled: values, indices };
    }
    case "add":
      return { x, y: uniform(next, prod(c.y), 1) };
    case "batchNorm":
      // Per-channel weight, bias, running mean and a positive running variance.
      return { x, w: uniform(next, ch, 1), b: uniform(next, ch, 1), mean: uniform(next, ch, 0.5), variance: uniform(next, ch, 0.5).map((v) => v + 1) };
    case "layerNorm": {
      const d = c.x[c.x.length - 1];
      return { x, w: uniform(next, d, 1), b: uniform(next, d, 1) };
    }
    default:
      return { x };
  }
}
