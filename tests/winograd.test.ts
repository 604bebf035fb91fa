// The Winograd paths of convolution (3x3 stride-1 2-D convolutions, conv1d with kernel 5):
// seeded property tests against the plain float64 reference on shapes that take them
// (and shapes around the point where the method changes), wide layers, chunked tiles,
// and NaN/infinity propagation, which must match a direct convolution's.
import { describe, expect, it } from "vitest";
import { F, type Tensor, memory, nn, randn, tensor, tidy } from "../src/index";
import { expectClose } from "./helpers/allclose";
import { type Mode, refConv } from "./helpers/conv-reference";
import { type Rng, rng } from "./helpers/random";

type Nd = 1 | 2;
const F_CONV = { 1: F.conv1d, 2: F.conv2d } as const;
const NN_CONV = { 1: nn.Conv1d, 2: nn.Conv2d } as const;

interface Config {
  nd: Nd;
  N: number;
  C: number;
  OC: number;
  size: number[];
  kernel: number[];
  padding: number[];
  groups: number;
  mode: Mode;
  bias: boolean;
}

/** Uniform values in [-1, 1] from the seeded generator. */
function uniform(r: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => r.float());
}

/** `x` [N, C, ...size] with `p` zeros on both sides of each spatial dimension. */
function zeroPad(x: Float32Array, N: number, C: number, size: number[], p: number[]): { data: Float32Array; size: number[] } {
  const [H, W] = size.length === 2 ? size : [1, size[0]];
  const [ph, pw] = size.length === 2 ? p : [0, p[0]];
  const Hp = H + 2 * ph, Wp = W + 2 * pw;
  const data = new Float32Array(N * C * Hp * Wp);
  for (let plane = 0; plane < N * C; plane++) {
    for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) data[(plane * Hp + y + ph) * Wp + xx + pw] = x[(plane * H + y) * W + xx];
  }
  return { data, size: size.length === 2 ? [Hp, Wp] : [Wp] };
}

/**
 * Runs one configuration through F (zeros padding) or the module (other modes) and compares
 * with the reference. With `multiplyPadding`, the reference multiplies the zeros of the
 * padding as PyTorch does (it matters for infinite weights: infinity x 0 is NaN).
 */
function checkConfig(cfg: Config, x: Float32Array, w: Float32Array, b: Float32Array | null, label: string, multiplyPadding = false): number {
  const { nd, N, C, OC, size, kernel, padding, groups, mode } = cfg;
  const xShape = [N, C, ...size];
  const wShape = [OC, C / groups, ...kernel];
  return tidy(() => {
    const xt = tensor(x, xShape);
    const wt = tensor(w, wShape);
    const bt = b ? tensor(b, [OC]) : null;
    let y: Tensor;
    if (mode === "zeros") {
      y = F_CONV[nd](xt, wt, bt, { padding, groups });
    } else {
      const m = new NN_CONV[nd](C, OC, kernel, { padding, groups, bias: b !== null, paddingMode: mode });
      m.loadStateDict(bt ? { weight: wt, bias: bt } : { weight: wt });
      y = m.forward(xt);
      m.dispose();
    }
    const ones = kernel.map(() => 1);
    const ref = multiplyPadding
      ? (() => {
          const padded = zeroPad(x, N, C, size, padding);
          const zeros = kernel.map(() => 0);
          return refConv(padded.data, [N, C, ...padded.size], w, wShape, b, { stride: ones, before: zeros, after: zeros, dilation: ones, groups, mode });
        })()
      : refConv(x, xShape, w, wShape, b, { stride: ones, before: padding, after: padding, dilation: ones, groups, mode });
    const bound = ref.magnitude.reduce((a, c) => (Number.isFinite(c) ? Math.max(a, c) : a), 0);
    const atol = 1e-5 * Math.max(1, bound);
    // Sum-of-products outputs: atol = 1e-5 x the largest sum of |terms|, as the golden cases.
    expectClose(y, ref.data, ref.shape, { rtol: 1e-4, atol }, label);
    // The worst error as a fraction of the allowed one (for the accuracy report below).
    const got = y.toArray();
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref.data[i]) / (atol + 1e-4 * Math.abs(ref.data[i])));
    return worst;
  });
}

function describeConfig(i: number, c: Config): string {
  return `case ${i}: conv${c.nd}d N${c.N} C${c.C} OC${c.OC} g${c.groups} k[${c.kernel}] p[${c.padding}] ${c.mode} size[${c.size}]${c.bias ? "" : " no bias"}`;
}

describe("Winograd paths against a plain reference (seeded)", () => {
  it("conv2d 3x3 stride 1: 150 random configurations with 4-32 channels per group, 1x1 to 24x24", () => {
    const r = rng(31337);
    for (let i = 0; i < 150; i++) {
      const groups = r.pick([1, 1, 1, 2, 3]);
      const C = groups * r.int(4, 32), OC = groups * r.int(4, 32);
      const padding = [r.int(0, 2), r.int(0, 2)];
      const mode = r.pick(["zeros", "zeros", "zeros", "reflect", "replicate", "circular"] as const);
      const size = padding.map((p) => r.int(Math.max(3 - 2 * p, mode === "reflect" ? p + 1 : 1, mode === "circular" ? p : 1), 24));
      const N = r.int(1, 2);
      const cfg: Config = { nd: 2, N, C, OC, size, kernel: [3, 3], padding, groups, mode, bias: r.int(0, 3) > 0 };
      checkConfig(cfg, uniform(r, N * C * size[0] * size[1]), uniform(r, OC * (C / groups) * 9), cfg.bias ? uniform(r, OC) : null, describeConfig(i, cfg));
    }
  });

  it("conv1d kernel 5: 100 random configurations with 4-40 channels per group, lengths 1 to 300", () => {
    const r = rng(4242);
    for (let i = 0; i < 100; i++) {
      const groups = r.pick([1, 1, 2]);
      const C = groups * r.int(4, 40), OC = groups * r.int(4, 40);
      const padding = [r.int(0, 4)];
      const mode = r.pick(["zeros", "zeros", "reflect", "replicate", "circular"] as const);
      const size = [r.int(Math.max(5 - 2 * padding[0], mode === "reflect" ? padding[0] + 1 : 1, mode === "circular" ? padding[0] : 1), 300)];
      const N = r.int(1, 2);
      const cfg: Config = { nd: 1, N, C, OC, size, kernel: [5], padding, groups, mode, bias: r.int(0, 3) > 0 };
      checkConfig(cfg, uniform(r, N * C * size[0]), uniform(r, OC * (C / groups) * 5), cfg.bias ? uniform(r, OC) : null, describeConfig(i, cfg));
    }
  });

  it("wide layers (256 input channels, values in [-1, 1]) stay well inside the tolerance", () => {
    const r = rng(99);
    const cases: Config[] = [
      { nd: 2, N: 1, C: 256, OC: 24, size: [14, 14], kernel: [3, 3], padding: [1, 1], groups: 1, mode: "zeros", bias: true },
      { nd: 2, N: 1, C: 256, OC: 16, size: [7, 7], kernel: [3, 3], padding: [1, 1], groups: 1, mode: "zeros", bias: true },
      { nd: 2, N: 1, C: 256, OC: 8, size: [30, 29], kernel: [3, 3], padding: [1, 1], groups: 1, mode: "zeros", bias: false },
      { nd: 1, N: 1, C: 256, OC: 16, size: [400], kernel: [5], padding: [2], groups: 1, mode: "zeros", bias: true },
    ];
    cases.forEach((cfg, i) => {
      const worst = checkConfig(cfg, uniform(r, cfg.C * cfg.size.reduce((a, s) => a * s, 1)), uniform(r, cfg.OC * cfg.C * cfg.kernel.reduce((a, k) => a * k, 1)),
        cfg.bias ? uniform(r, cfg.OC) : null, describeConfig(i, cfg));
      // Measured: up to about 0.2 of the tolerance for F(4x4, 3x3), 0.01 for F(2x2, 3x3), 0.04 for F(4, 5).
      expect(worst).toBeLessThan(0.5);
    });
  });

  it("images that need several chunks of tiles, and batches whose chunks hold several samples", () => {
    const r = rng(7);
    const cases: Config[] = [
      { nd: 2, N: 1, C: 64, OC: 12, size: [50, 47], kernel: [3, 3], padding: [1, 1], groups: 1, mode: "zeros", bias: true },
      { nd: 2, N: 6, C: 64, OC: 6, size: [9, 17], kernel: [3, 3], padding: [1, 1], groups: 1, mode: "replicate", bias: true },
      { nd: 2, N: 9, C: 48, OC: 16, size: [5, 4], kernel: [3, 3], padding: [1, 1], groups: 2, mode: "zeros", bias: false },
      { nd: 1, N: 7, C: 24, OC: 8, size: [13], kernel: [5], padding: [2], groups: 1, mode: "zeros", bias: true },
      { nd: 2, N: 2, C: 32, OC: 7, size: [61, 58], kernel: [3, 3], padding: [2, 2], groups: 1, mode: "reflect", bias: true },
      { nd: 1, N: 1, C: 64, OC: 9, size: [5003], kernel: [5], padding: [2], groups: 1, mode: "zeros", bias: true },
    ];
    cases.forEach((cfg, i) => {
      checkConfig(cfg, uniform(r, cfg.N * cfg.C * cfg.size.reduce((a, s) => a * s, 1)),
        uniform(r, cfg.OC * (cfg.C / cfg.groups) * cfg.kernel.reduce((a, k) => a * k, 1)), cfg.bias ? uniform(r, cfg.OC) : null, describeConfig(i, cfg));
    });
  });
});

describe("non-finite values propagate as in a direct convolution", () => {
  function withSpecials(r: ReturnType<typeof rng>, n: number, specials: number[]): Float32Array {
    const v = uniform(r, n);
    for (const s of specials) v[r.int(0, n - 1)] = s;
    return v;
  }

  it("NaN and infinities in the input affect only the outputs whose windows hold them", () => {
    const r = rng(5);
    for (const [nd, kernel, size] of [[2, [3, 3], [13, 14]], [1, [5], [90]]] as [Nd, number[], number[]][]) {
      const C = 16, OC = 8;
      const n = C * size.reduce((a, s) => a * s, 1);
      const cfg: Config = { nd, N: 1, C, OC, size, kernel, padding: kernel.map((k) => k >> 1), groups: 1, mode: "zeros", bias: true };
      checkConfig(cfg, withSpecials(r, n, [NaN, Infinity, -Infinity, Infinity]), uniform(r, OC * C * kernel.reduce((a, k) => a * k, 1)), uniform(r, OC), `conv${nd}d special inputs`);
    }
  });

  it("a NaN weight makes its output channel NaN; an infinite one gives infinities, and NaN where it meets padding, as PyTorch", () => {
    const r = rng(6);
    const C = 16, OC = 8;
    const w = uniform(r, OC * C * 9);
    w[3 * C * 9 + 40] = NaN;
    w[6 * C * 9 + 7] = -Infinity;
    const cfg: Config = { nd: 2, N: 1, C, OC, size: [12, 13], kernel: [3, 3], padding: [1, 1], groups: 1, mode: "zeros", bias: true };
    checkConfig(cfg, uniform(r, C * 12 * 13), w, uniform(r, OC), "special weights", true);
  });
});

describe("resources", () => {
  it("repeated calls keep the heap and the scratch arena steady", () => {
    const x = randn([1, 32, 20, 21]);
    const w = randn([16, 32, 3, 3]);
    const x1 = randn([1, 16, 300]);
    const w1 = randn([16, 16, 5]);
    const run = () => {
      F.conv2d(x, w, null, { padding: 1 }).dispose();
      F.conv1d(x1, w1, null, { padding: 2 }).dispose();
    };
    run();
    const before = memory();
    for (let i = 0; i < 5; i++) run();
    const after = memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
    expect(after.scratchBytes).toBe(before.scratchBytes);
    for (const t of [x, w, x1, w1]) t.dispose();
  });

  it("an empty batch gives an empty output", () => {
    tidy(() => {
      expect(F.conv2d(randn([0, 32, 9, 9]), randn([16, 32, 3, 3]), null, { padding: 1 }).shape).toEqual([0, 16, 9, 9]);
      expect(F.conv1d(randn([0, 16, 40]), randn([8, 16, 5]), null, { padding: 2 }).shape).toEqual([0, 8, 40]);
    });
  });
});
