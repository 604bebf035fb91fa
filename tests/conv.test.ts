// Convolution and transposed convolution (F.conv*, F.convTranspose*, nn.Conv*, nn.ConvTranspose*):
// PyTorch golden fixtures, seeded property tests against a plain reference, the
// tutorial's up-sampling example, module parameters and every promised error.
import { describe, expect, it } from "vitest";
import { F, type Tensor, init, manualSeed, memory, nn, rand, randn, tensor, tidy, zeros } from "../src/index";
import { expectClose } from "./helpers/allclose";
import { type Mode, refConv, refConvTranspose } from "./helpers/conv-reference";
import { rng } from "./helpers/random";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

interface ConvCase {
  id: string;
  kind: "conv" | "convTranspose";
  nd: 1 | 2 | 3;
  api: "F" | "nn";
  inChannels: number;
  outChannels: number;
  kernelSize: number | number[];
  options: Record<string, unknown>;
  bias: boolean;
  paddingMode?: Mode;
  outputSize?: number[] | null;
  note: string;
  input: TensorRef;
  weight: TensorRef;
  biasValues: TensorRef | null;
  expected: TensorRef;
  atol: number;
}

interface TutorialCase {
  id: string;
  kind: "tutorial";
  input: TensorRef;
  weight: TensorRef;
  biasValues: TensorRef;
  expected: TensorRef;
  atol: number;
}

const fixtures = new Fixtures<ConvCase | TutorialCase>("conv");
const convCases = fixtures.cases.filter((c): c is ConvCase => c.kind === "conv" || c.kind === "convTranspose");

const F_CONV = { 1: F.conv1d, 2: F.conv2d, 3: F.conv3d } as const;
const F_CONVT = { 1: F.convTranspose1d, 2: F.convTranspose2d, 3: F.convTranspose3d } as const;
const NN_CONV = { 1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d } as const;
const NN_CONVT = { 1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d } as const;

function describeCase(c: ConvCase): string {
  const opts = JSON.stringify(c.options);
  const mode = c.paddingMode && c.paddingMode !== "zeros" ? ` ${c.paddingMode}` : "";
  return `${c.id} ${c.api}.${c.kind}${c.nd}d ${c.inChannels}->${c.outChannels} k${JSON.stringify(c.kernelSize)} ${opts}${mode} in [${c.input.shape}] (${c.note})`;
}

function runCase(c: ConvCase): Tensor {
  const x = fixtures.tensor(c.input);
  const w = fixtures.tensor(c.weight);
  const b = c.biasValues ? fixtures.tensor(c.biasValues) : undefined;
  if (c.api === "F") {
    const f = c.kind === "conv" ? F_CONV[c.nd] : F_CONVT[c.nd];
    return f(x, w, b, c.options);
  }
  const options = { ...c.options, bias: c.bias, ...(c.kind === "conv" ? { paddingMode: c.paddingMode } : {}) };
  const Cls = c.kind === "conv" ? NN_CONV[c.nd] : NN_CONVT[c.nd];
  const m = new Cls(c.inChannels, c.outChannels, c.kernelSize, options as never);
  try {
    m.loadStateDict(b ? { weight: w, bias: b } : { weight: w });
    return c.kind === "conv" ? m.forward(x) : (m as nn.ConvTranspose2d).forward(x, c.outputSize ?? undefined);
  } finally {
    m.dispose();
  }
}

describe("conv3d over a single depth slice with depth padding", () => {
  it("writes every output plane (the 2-D Winograd path must not take it): matches the reference on a dirty heap", () => {
    // Leave non-zero values in freed heap memory, so an unwritten output would show them.
    tensor(new Float32Array(1 << 20).fill(7)).dispose();
    for (const [inC, size, pad] of [[3, [1, 4, 1], [2, 2, 2]], [4, [1, 8, 8], [1, 1, 1]], [8, [1, 16, 16], [2, 1, 1]]] as const) {
      const x = randn(2, inC, ...size);
      const w = randn(5, inC, 1, 3, 3);
      const b = randn(5);
      const y = F.conv3d(x, w, b, { padding: [...pad] });
      const ref = refConv(x.toArray(), [2, inC, ...size], w.toArray(), [5, inC, 1, 3, 3], b.toArray(), {
        stride: [1, 1, 1], before: [...pad], after: [...pad], dilation: [1, 1, 1], groups: 1, mode: "zeros",
      });
      expect(y.shape).toEqual(ref.shape);
      expectClose(y, ref.data, ref.shape);
      for (const t of [x, w, b, y]) t.dispose();
    }
  });
});

describe("golden fixtures from PyTorch", () => {
  it("cover at least 150 configurations across 1-D/2-D/3-D in both directions", () => {
    expect(convCases.length).toBeGreaterThanOrEqual(150);
    for (const nd of [1, 2, 3]) {
      expect(convCases.filter((c) => c.kind === "conv" && c.nd === nd).length).toBeGreaterThan(10);
      expect(convCases.filter((c) => c.kind === "convTranspose" && c.nd === nd).length).toBeGreaterThan(5);
    }
  });
  for (const c of convCases) {
    it(describeCase(c), () => {
      tidy(() => {
        const y = runCase(c);
        // Sum-of-products outputs: atol = 1e-5 x the largest sum of |terms| (stored per case).
        expectClose(y, fixtures.values(c.expected), c.expected.shape, { rtol: 1e-4, atol: c.atol });
      });
    });
  }
});

describe("the tutorial's up-sampling layer", () => {
  const t = fixtures.cases.find((c): c is TutorialCase => c.kind === "tutorial")!;

  it("gives PyTorch's output with PyTorch's xavier-normal weights", () => {
    tidy(() => {
      const conv = new nn.ConvTranspose2d(3, 1, 3, { stride: 2 });
      conv.loadStateDict({ weight: fixtures.tensor(t.weight), bias: fixtures.tensor(t.biasValues) });
      const y = conv.forward(fixtures.tensor(t.input));
      expectClose(y, fixtures.values(t.expected), t.expected.shape, { rtol: 1e-4, atol: t.atol });
      conv.dispose();
    });
  });

  it("manualSeed(1), ConvTranspose2d(3, 1, 3, {stride: 2}), xavierNormal_ on [1,3,512,512] -> [1,1,1025,1025]", () => {
    tidy(() => {
      manualSeed(1);
      const conv = new nn.ConvTranspose2d(3, 1, 3, { stride: 2 });
      init.xavierNormal_(conv.weight);
      const img = rand([1, 3, 512, 512]);
      const y = conv.forward(img);
      expect(y.shape).toEqual([1, 1, 1025, 1025]);
      const ref = refConvTranspose(img.toArray(), [1, 3, 512, 512], conv.weight.toArray(), [3, 1, 3, 3], conv.bias!.toArray(), {
        stride: [2, 2], padding: [0, 0], outputPadding: [0, 0], dilation: [1, 1], groups: 1,
      });
      const bound = ref.magnitude.reduce((a, b) => Math.max(a, b), 0);
      expectClose(y, ref.data, ref.shape, { rtol: 1e-4, atol: 1e-5 * Math.max(1, bound) });
      conv.dispose();
    });
  });
});

// ---- property tests ----

function randomTensor(shape: number[]): { t: Tensor; v: Float32Array } {
  const t = randn(shape);
  return { t, v: t.toArray() as Float32Array };
}

describe("property tests against a plain reference (seeded)", () => {
  it("conv1d/2d/3d: 300 random configurations", () => {
    const r = rng(20240601);
    for (let i = 0; i < 300; i++) {
      const nd = r.int(1, 3);
      const groups = r.pick([1, 1, 1, 2, 3, "dw"] as const);
      const g = groups === "dw" ? r.int(2, 9) : groups;
      const icg = groups === "dw" ? 1 : r.int(1, 5);
      const ocg = groups === "dw" ? r.int(1, 2) : r.int(1, 6);
      const C = icg * g, OC = ocg * g;
      const k = Array.from({ length: nd }, () => r.int(1, [5, 4, 3][nd - 1]));
      const stride = Array.from({ length: nd }, () => (r.int(0, 3) === 0 ? r.int(2, 3) : 1));
      const dilation = Array.from({ length: nd }, () => (r.int(0, 4) === 0 ? r.int(2, 3) : 1));
      const mode = r.pick(["zeros", "zeros", "reflect", "replicate", "circular"] as const);
      const useSame = stride.every((s) => s === 1) && r.int(0, 5) === 0;
      const pad = k.map((kk, j) => r.int(0, Math.floor((dilation[j] * (kk - 1)) / 2) + 1));
      const before = useSame ? k.map((kk, j) => Math.floor((dilation[j] * (kk - 1)) / 2)) : pad;
      const after = useSame ? k.map((kk, j) => dilation[j] * (kk - 1) - before[j]) : pad;
      const size = k.map((kk, j) => {
        const span = dilation[j] * (kk - 1) + 1;
        const lo = Math.max(1, span - before[j] - after[j], mode === "reflect" ? Math.max(before[j], after[j]) + 1 : 0, mode === "circular" ? Math.max(before[j], after[j]) : 0);
        return r.int(lo, lo + [20, 9, 5][nd - 1]);
      });
      const N = r.int(1, 2);
      const withBias = r.int(0, 3) > 0;
      tidy(() => {
        const x = randomTensor([N, C, ...size]);
        const w = randomTensor([OC, icg, ...k]);
        const b = withBias ? randomTensor([OC]) : null;
        const options = { stride, padding: useSame ? ("same" as const) : pad, dilation, groups: g };
        let y: Tensor;
        if (mode === "zeros") {
          y = F_CONV[nd as 1 | 2 | 3](x.t, w.t, b?.t, options);
        } else {
          const m = new NN_CONV[nd as 1 | 2 | 3](C, OC, k, { ...options, bias: withBias, paddingMode: mode });
          m.loadStateDict(b ? { weight: w.t, bias: b.t } : { weight: w.t });
          y = m.forward(x.t);
          m.dispose();
        }
        const ref = refConv(x.v, [N, C, ...size], w.v, [OC, icg, ...k], b?.v ?? null, { stride, before, after, dilation, groups: g, mode });
        const bound = ref.magnitude.reduce((a, c) => Math.max(a, c), 0);
        expectClose(y, ref.data, ref.shape, { rtol: 1e-4, atol: 1e-5 * Math.max(1, bound) },
          `case ${i}: ${nd}d C${C} OC${OC} g${g} k[${k}] s[${stride}] d[${dilation}] p[${before}|${after}] ${mode} size[${size}]`);
      });
    }
  });

  it("convTranspose1d/2d/3d: 200 random configurations (both the direct and the GEMM path)", () => {
    const r = rng(777);
    for (let i = 0; i < 200; i++) {
      const nd = r.int(1, 3);
      const g = r.pick([1, 1, 2, 3]);
      const icg = r.int(0, 2) === 0 ? r.int(9, 14) : r.int(1, 4);
      const ocg = r.int(1, 4);
      const C = icg * g, OC = ocg * g;
      const k = Array.from({ length: nd }, () => r.int(1, [5, 4, 3][nd - 1]));
      const stride = Array.from({ length: nd }, () => r.int(1, 3));
      const dilation = Array.from({ length: nd }, () => (r.int(0, 3) === 0 ? 2 : 1));
      const padding = k.map((kk, j) => r.int(0, dilation[j] * (kk - 1)));
      const outputPadding = stride.map((s, j) => (r.int(0, 2) === 0 ? r.int(0, Math.max(s, dilation[j]) - 1) : 0));
      // Some long rows with few input channels take the direct method.
      const long = icg <= 8 && r.int(0, 3) === 0;
      const size = k.map((kk, j) => {
        let lo = 1;
        while ((lo - 1) * stride[j] - 2 * padding[j] + dilation[j] * (kk - 1) + outputPadding[j] + 1 < 1) lo++;
        if (long && j === nd - 1) return r.int(64 * stride[j], 64 * stride[j] + 40);
        return r.int(lo, lo + (long ? [0, 2, 1][nd - 1] : [12, 6, 3][nd - 1]));
      });
      const N = r.int(1, 2);
      const withBias = r.int(0, 3) > 0;
      tidy(() => {
        const x = randomTensor([N, C, ...size]);
        const w = randomTensor([C, ocg, ...k]);
        const b = withBias ? randomTensor([OC]) : null;
        const options = { stride, padding, outputPadding, dilation, groups: g };
        const y = F_CONVT[nd as 1 | 2 | 3](x.t, w.t, b?.t, options);
        const ref = refConvTranspose(x.v, [N, C, ...size], w.v, [C, ocg, ...k], b?.v ?? null, options);
        const bound = ref.magnitude.reduce((a, c) => Math.max(a, c), 0);
        expectClose(y, ref.data, ref.shape, { rtol: 1e-4, atol: 1e-5 * Math.max(1, bound) },
          `case ${i}: ${nd}d C${C} OC${OC} g${g} k[${k}] s[${stride}] d[${dilation}] p[${padding}] op[${outputPadding}] size[${size}]`);
      });
    }
  });
});

// ---- modules ----

describe("modules", () => {
  it("hold PyTorch's parameter names and layouts", () => {
    tidy(() => {
      const c = new nn.Conv2d(6, 4, [3, 5], { groups: 2 });
      expect(Object.keys(c.stateDict())).toEqual(["weight", "bias"]);
      expect(c.weight.shape).toEqual([4, 3, 3, 5]);
      expect(c.bias!.shape).toEqual([4]);
      const t = new nn.ConvTranspose3d(4, 6, 2, { groups: 2, bias: false });
      expect(Object.keys(t.stateDict())).toEqual(["weight"]);
      expect(t.weight.shape).toEqual([4, 3, 2, 2, 2]);
      expect(t.bias).toBeNull();
      const d = new nn.Conv1d(3, 5, 4);
      expect(d.weight.shape).toEqual([5, 3, 4]);
      for (const m of [c, t, d]) m.dispose();
    });
  });

  it("initialise as PyTorch: weight and bias within +-1/sqrt(fanIn), spread over the range", () => {
    tidy(() => {
      manualSeed(5);
      const cases: [nn.Module & { weight: Tensor; bias: Tensor | null }, number][] = [
        [new nn.Conv2d(16, 32, 3), 16 * 9],
        [new nn.Conv1d(8, 4, 5, { groups: 4 }), 2 * 5],
        [new nn.ConvTranspose2d(16, 8, 4, { stride: 2 }), 8 * 16],
        [new nn.Conv3d(2, 4, [1, 2, 3]), 2 * 6],
      ];
      for (const [m, fanIn] of cases) {
        const bound = 1 / Math.sqrt(fanIn);
        const w = m.weight.toArray();
        const maxAbs = Array.from(w).reduce((a, v) => Math.max(a, Math.abs(v)), 0);
        expect(maxAbs).toBeLessThanOrEqual(bound + 1e-7);
        expect(maxAbs).toBeGreaterThan(0.8 * bound);
        const b = m.bias!.toArray();
        expect(b.every((v) => Math.abs(v) <= bound + 1e-7)).toBe(true);
        m.dispose();
      }
    });
  });

  it("keep their normalised options", () => {
    const c = new nn.Conv2d(2, 2, 3, { stride: [1, 2], padding: 1, dilation: 2, paddingMode: "reflect" });
    expect(c.kernelSize).toEqual([3, 3]);
    expect(c.stride).toEqual([1, 2]);
    expect(c.padding).toEqual([1, 1]);
    expect(c.dilation).toEqual([2, 2]);
    expect(c.paddingMode).toBe("reflect");
    c.dispose();
    const t = new nn.ConvTranspose1d(2, 4, 3, { stride: 2, outputPadding: 1 });
    expect(t.outputPadding).toEqual([1]);
    t.dispose();
  });

  it("ConvTranspose accepts paddingMode \"zeros\" only, as PyTorch", () => {
    new nn.ConvTranspose2d(2, 2, 3, { paddingMode: "zeros" }).dispose();
    expect(() => new nn.ConvTranspose2d(2, 2, 3, { paddingMode: "reflect" as "zeros" })).toThrow(/ConvTranspose2d: expected paddingMode one of "zeros", got "reflect"/);
  });

  it("run repeatedly without leaking tensors or growing the scratch arena", () => {
    const m = new nn.Conv2d(8, 16, 3, { padding: 1 });
    const t = new nn.ConvTranspose2d(16, 8, 4, { stride: 2, padding: 1 });
    const x = randn([1, 8, 20, 20]);
    const warm = m.forward(x);
    t.forward(warm).dispose();
    warm.dispose();
    const before = memory();
    for (let i = 0; i < 10; i++) {
      const y = m.forward(x);
      t.forward(y).dispose();
      y.dispose();
    }
    const after = memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
    expect(after.scratchBytes).toBe(before.scratchBytes);
    x.dispose();
    m.dispose();
    t.dispose();
  });
});

describe("inputs of every layout and size", () => {
  it("strided views (permuted input and weight) give the same result as contiguous copies", () => {
    tidy(() => {
      const x = randn([1, 5, 6, 3]).permute(0, 3, 1, 2);
      const w = randn([3, 4, 2, 2]).permute(1, 0, 2, 3);
      const b = randn([8]).slice(0, 0, 8, 2);
      const y = F.conv2d(x, w, b);
      expectClose(y, F.conv2d(x.contiguous(), w.contiguous(), b.contiguous()).toArray(), [1, 4, 4, 5], { rtol: 0, atol: 0 });
      const wt = randn([4, 3, 2, 2]).permute(1, 0, 2, 3);
      const t = F.convTranspose2d(x, wt, undefined, { stride: 2 });
      expectClose(t, F.convTranspose2d(x.contiguous(), wt.contiguous(), undefined, { stride: 2 }).toArray(), [1, 4, 10, 12], { rtol: 0, atol: 0 });
    });
  });

  it("layers large enough to cross every GEMM block (M > 120, K > 256, N > 512)", () => {
    tidy(() => {
      // A 3x2 kernel: a 3x3 one with stride 1 would take the Winograd path instead.
      const x = randn([1, 45, 24, 25]);
      const w = randn([130, 45, 3, 2]);
      const b = randn([130]);
      const y = F.conv2d(x, w, b, { padding: 1 });
      const ref = refConv(x.toArray(), [1, 45, 24, 25], w.toArray(), [130, 45, 3, 2], b.toArray(), {
        stride: [1, 1], before: [1, 1], after: [1, 1], dilation: [1, 1], groups: 1, mode: "zeros",
      });
      const bound = ref.magnitude.reduce((a, c) => Math.max(a, c), 0);
      expectClose(y, ref.data, ref.shape, { rtol: 1e-4, atol: 1e-5 * bound });
      const xt = randn([1, 260, 8, 7]);
      const wt = randn([260, 16, 3, 3]);
      const t = F.convTranspose2d(xt, wt, b.slice(0, 0, 16), { stride: 2, padding: 1 });
      const reft = refConvTranspose(xt.toArray(), [1, 260, 8, 7], wt.toArray(), [260, 16, 3, 3], b.slice(0, 0, 16).toArray(), {
        stride: [2, 2], padding: [1, 1], outputPadding: [0, 0], dilation: [1, 1], groups: 1,
      });
      const boundT = reft.magnitude.reduce((a, c) => Math.max(a, c), 0);
      expectClose(t, reft.data, reft.shape, { rtol: 1e-4, atol: 1e-5 * boundT });
    });
  });

  it("an empty batch gives an empty output of the right shape", () => {
    tidy(() => {
      expect(F.conv2d(randn([0, 3, 5, 5]), randn([4, 3, 3, 3]), randn([4]), { padding: 1 }).shape).toEqual([0, 4, 5, 5]);
      expect(F.convTranspose2d(randn([0, 3, 5, 5]), randn([3, 4, 3, 3]), null, { stride: 2 }).shape).toEqual([0, 4, 11, 11]);
    });
  });
});

// ---- errors ----

/** Expects `fn` to throw `type` matching `pattern`, leaving the given tensors' values and the live-tensor count unchanged. */
function expectThrowUntouched(fn: () => unknown, type: typeof RangeError | typeof TypeError, pattern: RegExp, tensors: Tensor[]): void {
  const values = tensors.map((t) => t.toArray());
  const live = memory().tensors;
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type);
  expect((error as Error).message).toMatch(pattern);
  expect(memory().tensors).toBe(live);
  tensors.forEach((t, i) => expect(t.toArray()).toEqual(values[i]));
}

describe("invalid configurations throw before any work", () => {
  it("channel mismatch names layer, expected and actual channels and the input shape", () => {
    const x = randn([1, 4, 8, 8]);
    const w = randn([2, 3, 3, 3]);
    expectThrowUntouched(() => F.conv2d(x, w), RangeError, /^conv2d: expected input with 3 channels, got 4 \(input shape \[1,4,8,8\]\)/, [x, w]);
    const m = new nn.Conv2d(3, 2, 3);
    expectThrowUntouched(() => m.forward(x), RangeError, /^Conv2d: expected input with 3 channels, got 4 \(input shape \[1,4,8,8\]\)/, [x, m.weight, m.bias!]);
    const wt = randn([3, 2, 3, 3]);
    expectThrowUntouched(() => F.convTranspose2d(x, wt), RangeError, /^convTranspose2d: expected input with 3 channels, got 4/, [x, wt]);
    for (const t of [x, w, wt]) t.dispose();
    m.dispose();
  });

  it("groups not dividing the channels", () => {
    const x = randn([2, 5, 9]);
    const w = randn([4, 2, 3]);
    expectThrowUntouched(() => F.conv1d(x, w, undefined, { groups: 2 }), RangeError, /conv1d: expected input channels \(5\) to be divisible by groups 2/, [x, w]);
    const w2 = randn([3, 5, 3]);
    const x2 = randn([1, 10, 9]);
    expectThrowUntouched(() => F.conv1d(x2, w2, undefined, { groups: 2 }), RangeError, /out channels \(3.*divisible by groups 2/, [x2, w2]);
    expect(() => new nn.Conv2d(6, 4, 3, { groups: 4 })).toThrow(/Conv2d: expected inChannels \(6\) to be divisible by groups 4/);
    expect(() => new nn.ConvTranspose2d(4, 6, 3, { groups: 4 })).toThrow(/ConvTranspose2d: expected outChannels \(6\) to be divisible by groups 4/);
    for (const t of [x, w, w2, x2]) t.dispose();
  });

  it("a kernel larger than the padded input", () => {
    const x = randn([1, 1, 3, 3]);
    const w = randn([1, 1, 5, 5]);
    expectThrowUntouched(() => F.conv2d(x, w), RangeError, /conv2d: expected the kernel \(size 5, dilation 1: span 5\) to fit in the padded input \(size 3/, [x, w]);
    const x3 = randn([1, 1, 4, 4, 4]);
    const w3 = randn([1, 1, 3, 3, 3]);
    expectThrowUntouched(() => F.conv3d(x3, w3, undefined, { dilation: 2 }), RangeError, /span 5\) to fit in the padded input \(size 4/, [x3, w3]);
    expect(F.conv2d(x, w, undefined, { padding: 1 }).shape).toEqual([1, 1, 1, 1]);
    for (const t of [x, w, x3, w3]) t.dispose();
  });

  it("non-positive stride, dilation or kernel size", () => {
    tidy(() => {
      const x = randn([1, 2, 6, 6]);
      const w = randn([2, 2, 3, 3]);
      expectThrowUntouched(() => F.conv2d(x, w, undefined, { stride: 0 }), RangeError, /conv2d: expected stride positive integers, got 0/, [x, w]);
      expectThrowUntouched(() => F.conv2d(x, w, undefined, { stride: [1, -1] }), RangeError, /stride positive integers/, [x, w]);
      expectThrowUntouched(() => F.conv2d(x, w, undefined, { dilation: 0 }), RangeError, /conv2d: expected dilation positive integers/, [x, w]);
      expectThrowUntouched(() => F.conv2d(x, w, undefined, { padding: -1 }), RangeError, /conv2d: expected padding integers >= 0/, [x, w]);
      expectThrowUntouched(() => F.convTranspose2d(x, w, undefined, { stride: 0 }), RangeError, /convTranspose2d: expected stride positive integers/, [x, w]);
      const w0 = zeros([2, 2, 0, 3]);
      expectThrowUntouched(() => F.conv2d(x, w0), RangeError, /positive kernel sizes/, [x, w0]);
      expect(() => new nn.Conv2d(2, 2, 0)).toThrow(/Conv2d: expected kernelSize positive integers, got 0/);
      expect(() => new nn.Conv1d(2, 2, 3, { dilation: -2 })).toThrow(/Conv1d: expected dilation positive integers/);
      expect(() => new nn.Conv2d(2, 2, [3, 1.5])).toThrow(TypeError);
    });
  });

  it("outputPadding not smaller than stride or dilation", () => {
    tidy(() => {
      const x = randn([1, 2, 4, 4]);
      const w = randn([2, 3, 3, 3]);
      expectThrowUntouched(() => F.convTranspose2d(x, w, undefined, { stride: 2, outputPadding: 2 }), RangeError,
        /convTranspose2d: expected outputPadding smaller than stride or dilation, got outputPadding \[2,2\] with stride \[2,2\] and dilation \[1,1\]/, [x, w]);
      const x1 = randn([1, 2, 5]);
      const w1 = randn([2, 1, 3]);
      expectThrowUntouched(() => F.convTranspose1d(x1, w1, undefined, { outputPadding: 1 }), RangeError, /outputPadding smaller than stride or dilation/, [x1, w1]);
      expect(F.convTranspose1d(x1, w1, undefined, { outputPadding: 1, dilation: 2 }).shape).toEqual([1, 1, 10]);
      expect(() => new nn.ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: [1, 2] })).toThrow(/ConvTranspose2d: expected outputPadding smaller/);
      const m = new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1 });
      expectThrowUntouched(() => m.forward(x, [9, 9]), RangeError, /ConvTranspose2d: expected outputSize\[0\] between 7 and 8/, [x, m.weight]);
      expect(m.forward(x, [8, 7]).shape).toEqual([1, 3, 8, 7]);
      m.dispose();
    });
  });

  it('"same" padding with stride > 1, unknown padding strings and options', () => {
    tidy(() => {
      const x = randn([1, 2, 6, 6]);
      const w = randn([2, 2, 3, 3]);
      expectThrowUntouched(() => F.conv2d(x, w, undefined, { stride: 2, padding: "same" }), RangeError, /conv2d: padding "same" needs stride 1 in every dimension, got stride \[2,2\]/, [x, w]);
      expect(() => new nn.Conv2d(2, 2, 3, { stride: [1, 2], padding: "same" })).toThrow(/Conv2d: padding "same" needs stride 1/);
      expect(() => F.conv2d(x, w, undefined, { padding: "full" as "same" })).toThrow(/conv2d: expected padding a non-negative integer/);
      expect(() => F.conv2d(x, w, undefined, { padding_mode: "reflect" } as never)).toThrow(TypeError);
      expect(() => F.conv2d(x, w, undefined, { paddingMode: "reflect" } as never)).toThrow(/unknown option "paddingMode"/);
      expect(() => new nn.Conv2d(2, 2, 3, { paddingMode: "mirror" as "reflect" })).toThrow(/Conv2d: expected paddingMode one of "zeros", "reflect", "replicate", "circular"/);
    });
  });

  it("wrong input rank, weight rank or bias shape", () => {
    tidy(() => {
      const w = randn([2, 3, 3, 3]);
      const x2 = randn([6, 6]);
      expectThrowUntouched(() => F.conv2d(x2, w), RangeError, /conv2d: expected input with 3 \(unbatched\) or 4 \(batched\) dimensions, got 2 \(shape \[6,6\]\)/, [x2, w]);
      const x5 = randn([1, 3, 2, 6, 6]);
      expectThrowUntouched(() => F.conv2d(x5, w), RangeError, /expected input with 3 \(unbatched\) or 4 \(batched\) dimensions, got 5/, [x5, w]);
      const m = new nn.Conv1d(3, 2, 3);
      const x4 = randn([1, 3, 8, 8]);
      expectThrowUntouched(() => m.forward(x4), RangeError, /Conv1d: expected input with 2 \(unbatched\) or 3 \(batched\) dimensions, got 4/, [m.weight]);
      m.dispose();
      const x = randn([1, 3, 6, 6]);
      const w3 = randn([2, 3, 3]);
      const b3 = randn([3]);
      expectThrowUntouched(() => F.conv2d(x, w3), RangeError, /conv2d: expected weight with 4 dimensions \[outC, inC\/groups, kH, kW\], got shape \[2,3,3\]/, [x, w3]);
      expectThrowUntouched(() => F.conv2d(x, w, b3), RangeError, /conv2d: expected bias of shape \[2\], got \[3\]/, [x, w]);
      expect(() => F.conv2d(x, w, [1, 2] as never)).toThrow(TypeError);
      expect(() => F.conv2d(x, tensor([1, 2, 3], [1, 3, 1, 1], { dtype: "int32" }))).toThrow(/conv2d: expected weight of dtype float32, got int32/);
    });
  });

  it("padding modes that cannot reach: reflect >= size, circular > size", () => {
    tidy(() => {
      const m = new nn.Conv2d(1, 1, 3, { padding: 3, paddingMode: "reflect" });
      const x = randn([1, 1, 3, 3]);
      expectThrowUntouched(() => m.forward(x), RangeError, /Conv2d: expected reflect padding smaller than the input size \(3 in spatial dimension 0\), got padding 3/, [x, m.weight]);
      const c = new nn.Conv2d(1, 1, 3, { padding: 4, paddingMode: "circular" });
      expectThrowUntouched(() => c.forward(x), RangeError, /Conv2d: expected circular padding at most the input size/, [x, c.weight]);
      m.dispose();
      c.dispose();
    });
  });

  it("a transposed convolution whose output would be empty", () => {
    tidy(() => {
      const x = randn([1, 2, 1, 1]);
      const w = randn([2, 2, 2, 2]);
      expectThrowUntouched(() => F.convTranspose2d(x, w, undefined, { padding: 1 }), RangeError, /convTranspose2d: expected a positive output size, got \[0,0\]/, [x, w]);
    });
  });

  it("the heap still works after errors", () => {
    tidy(() => {
      const x = randn([1, 3, 5, 5]);
      const w = randn([4, 3, 3, 3]);
      expect(() => F.conv2d(x, w, undefined, { groups: 2 })).toThrow(RangeError);
      const y = F.conv2d(x, w, undefined, { padding: 1 });
      expect(y.shape).toEqual([1, 4, 5, 5]);
      const ref = refConv(x.toArray(), [1, 3, 5, 5], w.toArray(), [4, 3, 3, 3], null, { stride: [1, 1], before: [1, 1], after: [1, 1], dilation: [1, 1], groups: 1, mode: "zeros" });
      expectClose(y, ref.data, ref.shape, { atol: 1e-4 });
    });
  });
});
