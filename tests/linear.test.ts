// Linear and Bilinear (F.linear, F.bilinear, nn.Linear, nn.Bilinear): PyTorch golden
// fixtures, seeded property tests against a plain reference, modules and errors.
import { describe, expect, it } from "vitest";
import { F, type Tensor, manualSeed, memory, nn, randn, tidy } from "../src/index";
import { expectClose } from "./helpers/allclose";
import { rng } from "./helpers/random";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

type LinearCase =
  | { id: string; kind: "linear"; api: "F" | "nn"; inFeatures: number; outFeatures: number; bias: boolean; input: TensorRef; weight: TensorRef; biasValues: TensorRef | null; expected: TensorRef; atol: number }
  | { id: string; kind: "bilinear"; api: "F" | "nn"; in1Features: number; in2Features: number; outFeatures: number; bias: boolean; input1: TensorRef; input2: TensorRef; weight: TensorRef; biasValues: TensorRef | null; expected: TensorRef; atol: number };

const fixtures = new Fixtures<LinearCase>("linear");

describe("golden fixtures from PyTorch", () => {
  it("cover 1-D, 2-D and 3-D inputs of both layers, with and without bias", () => {
    for (const kind of ["linear", "bilinear"]) {
      for (const rank of [1, 2, 3]) {
        const found = fixtures.cases.filter((c) => c.kind === kind && (c.kind === "linear" ? c.input : c.input1).shape.length === rank);
        expect(found.some((c) => c.bias)).toBe(true);
        expect(found.some((c) => !c.bias)).toBe(true);
      }
    }
  });
  for (const c of fixtures.cases) {
    const shape = c.kind === "linear" ? c.input.shape : c.input1.shape;
    it(`${c.id} ${c.api}.${c.kind} ${c.kind === "linear" ? `${c.inFeatures}->${c.outFeatures}` : `${c.in1Features}x${c.in2Features}->${c.outFeatures}`} input [${shape}] bias ${c.bias}`, () => {
      tidy(() => {
        const w = fixtures.tensor(c.weight);
        const b = c.biasValues ? fixtures.tensor(c.biasValues) : null;
        let y: Tensor;
        if (c.kind === "linear") {
          const x = fixtures.tensor(c.input);
          if (c.api === "F") {
            y = F.linear(x, w, b);
          } else {
            const m = new nn.Linear(c.inFeatures, c.outFeatures, { bias: c.bias });
            m.loadStateDict(b ? { weight: w, bias: b } : { weight: w });
            y = m.forward(x);
            m.dispose();
          }
        } else {
          const x1 = fixtures.tensor(c.input1);
          const x2 = fixtures.tensor(c.input2);
          if (c.api === "F") {
            y = F.bilinear(x1, x2, w, b);
          } else {
            const m = new nn.Bilinear(c.in1Features, c.in2Features, c.outFeatures, { bias: c.bias });
            m.loadStateDict(b ? { weight: w, bias: b } : { weight: w });
            y = m.forward(x1, x2);
            m.dispose();
          }
        }
        // Sum-of-products outputs: atol = 1e-5 x the largest sum of |terms| (stored per case).
        expectClose(y, fixtures.values(c.expected), c.expected.shape, { rtol: 1e-4, atol: c.atol });
      });
    });
  }
});

function refLinear(x: Float32Array, rows: number, K: number, w: Float32Array, N: number, b: Float32Array | null) {
  const out = new Float64Array(rows * N);
  let bound = 0;
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < N; n++) {
      let s = b ? b[n] : 0;
      let m = b ? Math.abs(b[n]) : 0;
      for (let k = 0; k < K; k++) {
        s += x[r * K + k] * w[n * K + k];
        m += Math.abs(x[r * K + k] * w[n * K + k]);
      }
      out[r * N + n] = s;
      bound = Math.max(bound, m);
    }
  }
  return { out, bound };
}

describe("property tests against a plain reference (seeded)", () => {
  it("linear: 300 random shapes, 1 to 4 dimensions, with and without bias", () => {
    const r = rng(4242);
    for (let i = 0; i < 300; i++) {
      const lead = Array.from({ length: r.int(0, 3) }, () => r.int(1, i % 10 === 0 ? 70 : 6));
      const K = r.int(1, i % 7 === 0 ? 300 : 40);
      const N = r.int(1, 40);
      const withBias = r.int(0, 2) > 0;
      tidy(() => {
        const x = randn([...lead, K]);
        const w = randn([N, K]);
        const b = withBias ? randn([N]) : null;
        const y = F.linear(x, w, b);
        const rows = lead.reduce((p, s) => p * s, 1);
        const ref = refLinear(x.toArray() as Float32Array, rows, K, w.toArray() as Float32Array, N, b ? (b.toArray() as Float32Array) : null);
        expectClose(y, ref.out, [...lead, N], { rtol: 1e-4, atol: 1e-5 * Math.max(1, ref.bound) }, `case ${i}: [${lead}] ${K}->${N}`);
      });
    }
  });

  it("bilinear: 100 random shapes", () => {
    const r = rng(99);
    for (let i = 0; i < 100; i++) {
      const lead = Array.from({ length: r.int(0, 2) }, () => r.int(1, 5));
      const in1 = r.int(1, 12), in2 = r.int(1, 12), O = r.int(1, 9);
      const withBias = r.int(0, 2) > 0;
      tidy(() => {
        const x1 = randn([...lead, in1]);
        const x2 = randn([...lead, in2]);
        const w = randn([O, in1, in2]);
        const b = withBias ? randn([O]) : null;
        const y = F.bilinear(x1, x2, w, b);
        const a1 = x1.toArray(), a2 = x2.toArray(), wa = w.toArray(), ba = b?.toArray();
        const rows = lead.reduce((p, s) => p * s, 1);
        const out = new Float64Array(rows * O);
        let bound = 0;
        for (let q = 0; q < rows; q++) {
          for (let o = 0; o < O; o++) {
            let s = ba ? ba[o] : 0;
            let m = ba ? Math.abs(ba[o]) : 0;
            for (let p = 0; p < in1; p++) {
              for (let j = 0; j < in2; j++) {
                const t = a1[q * in1 + p] * wa[(o * in1 + p) * in2 + j] * a2[q * in2 + j];
                s += t;
                m += Math.abs(t);
              }
            }
            out[q * O + o] = s;
            bound = Math.max(bound, m);
          }
        }
        expectClose(y, out, [...lead, O], { rtol: 1e-4, atol: 1e-5 * Math.max(1, bound) }, `case ${i}`);
      });
    }
  });
});

describe("modules", () => {
  it("Linear: PyTorch's names, layout and default initialisation", () => {
    tidy(() => {
      manualSeed(11);
      const m = new nn.Linear(100, 30);
      expect(Object.keys(m.stateDict())).toEqual(["weight", "bias"]);
      expect(m.weight.shape).toEqual([30, 100]);
      expect(m.bias!.shape).toEqual([30]);
      // kaiming_uniform_(a=sqrt(5)) gives U(-1/sqrt(in), 1/sqrt(in)); the bias uses the same bound.
      const bound = 1 / Math.sqrt(100);
      const w = m.weight.toArray();
      const maxAbs = Array.from(w).reduce((a, v) => Math.max(a, Math.abs(v)), 0);
      expect(maxAbs).toBeLessThanOrEqual(bound + 1e-7);
      expect(maxAbs).toBeGreaterThan(0.95 * bound);
      expect(m.bias!.toArray().every((v) => Math.abs(v) <= bound + 1e-7)).toBe(true);
      const nb = new nn.Linear(4, 2, { bias: false });
      expect(Object.keys(nb.stateDict())).toEqual(["weight"]);
      expect(nb.bias).toBeNull();
      m.dispose();
      nb.dispose();
    });
  });

  it("Bilinear: PyTorch's names, layout and U(-1/sqrt(in1), 1/sqrt(in1)) initialisation", () => {
    tidy(() => {
      manualSeed(12);
      const m = new nn.Bilinear(16, 5, 7);
      expect(Object.keys(m.stateDict())).toEqual(["weight", "bias"]);
      expect(m.weight.shape).toEqual([7, 16, 5]);
      const bound = 1 / 4;
      for (const t of [m.weight, m.bias!]) {
        const v = t.toArray();
        expect(v.every((q) => Math.abs(q) <= bound + 1e-7)).toBe(true);
      }
      expect(Array.from(m.weight.toArray()).reduce((a, v) => Math.max(a, Math.abs(v)), 0)).toBeGreaterThan(0.9 * bound);
      m.dispose();
    });
  });

  it("run repeatedly without leaking", () => {
    const m = new nn.Linear(64, 32);
    const x = randn([10, 64]);
    m.forward(x).dispose();
    const before = memory();
    for (let i = 0; i < 10; i++) m.forward(x).dispose();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    expect(memory().scratchBytes).toBe(before.scratchBytes);
    x.dispose();
    m.dispose();
  });
});

describe("errors", () => {
  it("feature-size mismatch: a RangeError naming both sizes", () => {
    tidy(() => {
      const x = randn([2, 5]);
      const w = randn([3, 4]);
      const live = memory().tensors;
      expect(() => F.linear(x, w)).toThrow(RangeError);
      expect(() => F.linear(x, w)).toThrow(/^linear: expected input with 4 features in its last dimension \(weight shape \[3,4\]\), got 5 \(input shape \[2,5\]\)/);
      expect(memory().tensors).toBe(live);
      const m = new nn.Linear(4, 3);
      const before = m.weight.toArray();
      expect(() => m.forward(x)).toThrow(/^Linear: expected input with 4 features/);
      expect(m.weight.toArray()).toEqual(before);
      m.dispose();
    });
  });

  it("weight rank, bias shape, 0-d input, non-tensors", () => {
    tidy(() => {
      const x = randn([2, 4]);
      expect(() => F.linear(x, randn([4]))).toThrow(/linear: expected weight with 2 dimensions \[outFeatures, inFeatures\], got shape \[4\]/);
      expect(() => F.linear(x, randn([3, 4]), randn([4]))).toThrow(/linear: expected bias of shape \[3\], got \[4\]/);
      expect(() => F.linear(randn([]), randn([3, 1]))).toThrow(/linear: expected input with at least 1 dimension/);
      expect(() => F.linear([1, 2] as never, randn([3, 2]))).toThrow(TypeError);
      expect(() => new nn.Linear(-1, 2)).toThrow(/Linear: expected inFeatures a non-negative integer, got -1/);
      expect(() => new nn.Linear(2, 2, { bais: false } as never)).toThrow(/unknown option "bais"/);
    });
  });

  it("bilinear: feature mismatch and different leading dimensions", () => {
    tidy(() => {
      const w = randn([2, 3, 5]);
      expect(() => F.bilinear(randn([4, 3]), randn([4, 6]), w)).toThrow(/bilinear: expected input2 with 5 features/);
      expect(() => F.bilinear(randn([4, 2]), randn([4, 5]), w)).toThrow(/bilinear: expected input1 with 3 features in its last dimension \(weight shape \[2,3,5\]\), got 2/);
      expect(() => F.bilinear(randn([4, 3]), randn([3, 5]), w)).toThrow(/bilinear: expected input1 and input2 with the same leading dimensions, got \[4,3\] and \[3,5\]/);
      expect(() => F.bilinear(randn([4, 3]), randn([4, 5]), randn([2, 15]))).toThrow(/expected weight with 3 dimensions/);
      const m = new nn.Bilinear(3, 5, 2);
      expect(() => m.forward(randn([4, 3]), randn([4, 4]))).toThrow(/^Bilinear: expected input2 with 5 features/);
      m.dispose();
    });
  });
});
