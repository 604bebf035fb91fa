// Weights prepared for the kernels are computed once per weight version and never read
// stale: after every kind of write into a weight, a convolution gives exactly what it
// gives for a fresh copy of that weight (which has no cache). Cache memory is counted by
// memory().cacheBytes and freed with the weight.
import { describe, expect, it } from "vitest";
import { CONV_DESC, CONV_POINTWISE, CONV_DEPTHWISE, CONV_GEMM, WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3 } from "../build/abi.js";
import { F, type Tensor, init, manualSeed, memory, nn, randn, tensor } from "../src/index";
import { descriptor, dhw, wasm } from "../src/wasm";

type Conv = (x: Tensor, w: Tensor, b: Tensor | null) => Tensor;

/** The algorithm conv_f32 takes for a 2-D convolution with equal padding and stride. */
function methodOf(x: number[], w: number[], stride: number, padding: number, groups: number): number {
  const out = [1, 2].map((i) => Math.floor((x[i + 1] + 2 * padding - w[i + 1]) / stride) + 1);
  return wasm().convMethodOf(descriptor(CONV_DESC, {
    batch: x[0], inC: x[1], ...dhw("in", [1, x[2], x[3]]), outC: w[0], ...dhw("out", [1, out[0], out[1]]),
    ...dhw("kernel", [1, w[2], w[3]]), ...dhw("stride", [1, stride, stride]), ...dhw("padBefore", [0, padding, padding]),
    ...dhw("padAfter", [0, padding, padding]), ...dhw("dilation", [1, 1, 1]), groups, paddingMode: 0,
    packed: 0, clampMin: -Infinity, clampMax: Infinity,
  }));
}

const bits = (t: Tensor) => Array.from(new Uint32Array((t.toArray() as Float32Array).buffer));

interface Case {
  name: string;
  x: number[];
  w: number[];
  run: Conv;
  /** For a convolution: the method it must take, with its stride, padding and groups. */
  method?: [number, number, number, number];
  /** Prepares weights (the depthwise kernel reads them as they are). */
  caches: boolean;
  /** Bias length when it is not the convolution's output channels. */
  bias?: number;
}

const conv = (stride: number, padding: number, groups = 1): Conv => (x, w, b) => F.conv2d(x, w, b, { stride, padding, groups });
const transposed = (options: object): Conv => (x, w, b) => F.convTranspose2d(x, w, b, options);
const CASES: Case[] = [
  { name: "Winograd F(4x4, 3x3)", x: [1, 32, 24, 24], w: [32, 32, 3, 3], run: conv(1, 1), method: [WINOGRAD_4X4_3X3, 1, 1, 1], caches: true },
  { name: "Winograd F(2x2, 3x3)", x: [1, 64, 6, 6], w: [64, 64, 3, 3], run: conv(1, 1), method: [WINOGRAD_2X2_3X3, 1, 1, 1], caches: true },
  { name: "1x1 GEMM", x: [1, 24, 10, 10], w: [40, 24, 1, 1], run: conv(1, 0), method: [CONV_POINTWISE, 1, 0, 1], caches: true },
  { name: "implicit GEMM (stride 2, groups 2)", x: [2, 8, 11, 11], w: [12, 4, 3, 3], run: conv(2, 1, 2), method: [CONV_GEMM, 2, 1, 2], caches: true },
  { name: "depthwise", x: [1, 16, 9, 9], w: [16, 1, 3, 3], run: conv(1, 1, 16), method: [CONV_DEPTHWISE, 1, 1, 16], caches: false },
  { name: "transposed, GEMM + col2im", x: [1, 16, 5, 5], w: [16, 8, 3, 3], run: transposed({ stride: 2 }), caches: true },
  { name: "transposed, one input pixel", x: [2, 20, 1, 1], w: [20, 12, 4, 4], run: transposed({}), caches: true },
  { name: "linear, 40 rows (packed GEMM)", x: [40, 300], w: [70, 300], run: (x, w, b) => F.linear(x, w, b), method: undefined, caches: true, bias: 70 },
  { name: "transposed, sub-pixel (k4 s2 p1)", x: [1, 32, 12, 12], w: [32, 16, 4, 4], run: transposed({ stride: 2, padding: 1 }), caches: true },
];

/** Every way a weight's memory is written in place. */
const WRITES: [string, (w: Tensor) => void][] = [
  ["fill_", (w) => w.fill_(0.25)],
  ["copy_", (w) => {
    const other = randn([...w.shape]);
    w.copy_(other);
    other.dispose();
  }],
  ["init.normal_", (w) => init.normal_(w)],
  ["init.kaimingUniform_ through a view", (w) => {
    const v = w.reshape([w.shape[0], -1]);
    init.kaimingUniform_(v);
    v.dispose();
  }],
  ["fill_ of one slice (a strided view)", (w) => {
    const v = w.transpose(0, 1);
    v.fill_(-3);
    v.dispose();
  }],
];

describe("weights prepared once per version", () => {
  for (const c of CASES) {
    it(`${c.name}: never reads a stale cache, counts and frees its memory`, () => {
      manualSeed(7);
      if (c.method !== undefined) {
        const [method, stride, padding, groups] = c.method;
        expect(methodOf(c.x, c.w, stride, padding, groups)).toBe(method);
      }
      const before = memory();
      const x = randn(c.x);
      const w = randn(c.w);
      const b = randn([c.bias ?? (c.method === undefined ? c.w[1] : c.w[0])]);
      const first = c.run(x, w, b);
      const cached = memory().cacheBytes - before.cacheBytes;
      if (c.caches) expect(cached).toBeGreaterThan(0);
      else expect(cached).toBe(0);
      // A second call reuses the block: no new cache memory.
      const again = c.run(x, w, b);
      expect(bits(again)).toEqual(bits(first));
      expect(memory().cacheBytes - before.cacheBytes).toBe(cached);
      for (const [what, write] of WRITES) {
        const version = w.version;
        write(w);
        expect(w.version, what).toBeGreaterThan(version);
        const fresh = w.clone();
        const want = c.run(x, fresh, b);
        const got = c.run(x, w, b);
        expect(bits(got), what).toEqual(bits(want));
        expect(bits(got), what).not.toEqual(bits(first));
        for (const t of [fresh, want, got]) t.dispose();
      }
      // A changed bias is read too (the sub-pixel form stacks it with the weights).
      b.fill_(5);
      const withBias = c.run(x, w, b);
      const freshW = w.clone();
      const freshB = b.clone();
      const wantBias = c.run(x, freshW, freshB);
      expect(bits(withBias)).toEqual(bits(wantBias));
      for (const t of [first, again, withBias, wantBias, freshW, freshB]) t.dispose();
      expect(memory().cacheBytes - before.cacheBytes).toBeLessThanOrEqual(cached);
      w.dispose();
      // The weight's caches went with it (the fresh copies' too).
      expect(memory().cacheBytes).toBe(before.cacheBytes);
      x.dispose();
      b.dispose();
      expect(memory().tensors).toBe(before.tensors);
      expect(memory().bytes).toBe(before.bytes);
    });
  }

  it("loadStateDict and a module's own init write new versions", () => {
    manualSeed(3);
    const m = new nn.Conv2d(8, 8, 3, { padding: 1 });
    const x = randn([1, 8, 16, 16]);
    const y0 = m.forward(x);
    const v0 = m.weight.version;
    const other = new nn.Conv2d(8, 8, 3, { padding: 1 });
    m.loadStateDict(other.stateDict());
    expect(m.weight.version).toBeGreaterThan(v0);
    const y1 = m.forward(x);
    const y2 = other.forward(x);
    expect(bits(y1)).toEqual(bits(y2));
    expect(bits(y1)).not.toEqual(bits(y0));
    for (const t of [x, y0, y1, y2]) t.dispose();
    m.dispose();
    other.dispose();
  });

  it("a tensor's version counts every in-place write, as PyTorch's _version does", () => {
    const t = tensor([1, 2, 3, 4]);
    expect(t.version).toBe(0);
    t.fill_(1);
    t.copy_(t);
    const v = t.reshape([2, 2]);
    v.fill_(2);
    expect(t.version).toBe(3);
    expect(v.version).toBe(3);
    const bn = new nn.BatchNorm1d(2);
    const runningBefore = bn.runningMean!.version;
    const batch = randn([4, 2]);
    bn.forward(batch).dispose();
    expect(bn.runningMean!.version).toBeGreaterThan(runningBefore);
    bn.eval();
    const evalVersion = bn.runningMean!.version;
    bn.forward(batch).dispose();
    // Evaluation reads the running estimates without writing them.
    expect(bn.runningMean!.version).toBe(evalVersion);
    for (const u of [t, v, batch]) u.dispose();
    bn.dispose();
  });
});
