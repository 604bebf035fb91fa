// torch.nn.init: PyTorch's gains and fans, the distributions each initialiser targets,
// and the deterministic ones (eye_, dirac_) value for value.
import { describe, expect, it } from "vitest";
import { type Tensor, empty, init, manualSeed, tidy, zeros } from "../src/index";
import { expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

type InitCase =
  | { id: string; kind: "gain"; nonlinearity: string; param: number | null; expected: number }
  | { id: string; kind: "fan"; layer: string; shape: number[]; fanIn: number; fanOut: number }
  | { id: string; kind: "target"; fn: string; shape: number[]; options: Record<string, unknown>; bound?: number; std?: number }
  | { id: string; kind: "fanError"; shape: number[] }
  | { id: string; kind: "eye"; shape: number[]; expected: TensorRef }
  | { id: string; kind: "dirac"; shape: number[]; groups: number; expected: TensorRef };

const fixtures = new Fixtures<InitCase>("init");
const cases = <K extends InitCase["kind"]>(kind: K) => fixtures.cases.filter((c): c is Extract<InitCase, { kind: K }> => c.kind === kind);

type Initialiser = (t: Tensor, options?: Record<string, unknown>) => Tensor;

describe("calculateGain matches PyTorch", () => {
  for (const c of cases("gain")) {
    it(`${c.nonlinearity}(${c.param ?? ""}) = ${c.expected}`, () => {
      const gain = init.calculateGain(c.nonlinearity as "relu", c.param ?? undefined);
      expect(gain).toBeCloseTo(c.expected, 14);
    });
  }
  it("accepts camelCase names and rejects unknown ones", () => {
    expect(init.calculateGain("leakyRelu", 0.2)).toBeCloseTo(init.calculateGain("leaky_relu", 0.2), 15);
    expect(init.calculateGain("convTranspose2d")).toBe(1);
    expect(() => init.calculateGain("swish" as "relu")).toThrow(/init.calculateGain: expected nonlinearity one of/);
  });
});

describe("fan in and fan out match PyTorch", () => {
  for (const c of cases("fan")) {
    it(`${c.layer} weight [${c.shape}]: fanIn ${c.fanIn}, fanOut ${c.fanOut}`, () => {
      expect(init.calculateFanInAndFanOut(c.shape)).toEqual([c.fanIn, c.fanOut]);
    });
  }
  for (const c of cases("fanError")) {
    it(`refuses a ${c.shape.length}-D tensor`, () => {
      tidy(() => {
        expect(() => init.xavierNormal_(zeros(c.shape))).toThrow(/fan in and fan out need a tensor with at least 2 dimensions/);
      });
    });
  }
});

describe("random initialisers reach PyTorch's std and bounds", () => {
  // A sample large enough that the sample std lies within 2% of the target (the standard
  // error of a std estimate from n draws is about std / sqrt(2n): 0.7% here; the seed is fixed).
  const SAMPLE = 20_000;
  for (const c of cases("target")) {
    it(`${c.fn} ${JSON.stringify(c.options)} on [${c.shape}]`, () => {
      tidy(() => {
        manualSeed(3);
        const fn = (init as unknown as Record<string, Initialiser>)[c.fn];
        // Same fan as the weight, more elements: initialise many weights of that shape,
        // each a slice of one big tensor, and pool their values.
        const reps = Math.ceil(SAMPLE / c.shape.reduce((a, b) => a * b, 1));
        const batch = empty([reps, ...c.shape]);
        for (let r = 0; r < reps; r++) {
          const t = batch.select(0, r);
          expect(fn(t, c.options)).toBe(t);
        }
        const draws = Array.from(batch.toArray());
        const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
        const std = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length);
        const target = c.std ?? c.bound! / Math.sqrt(3);
        expect(Math.abs(std / target - 1)).toBeLessThan(0.02);
        expect(Math.abs(mean)).toBeLessThan(0.03 * target);
        if (c.bound !== undefined) {
          const max = Math.max(...draws.map(Math.abs));
          expect(max).toBeLessThanOrEqual(c.bound * (1 + 1e-6));
          expect(max).toBeGreaterThan(c.bound * 0.99);
        }
      });
    });
  }
});

describe("deterministic initialisers match PyTorch exactly", () => {
  for (const c of cases("eye")) {
    it(`eye_ [${c.shape}]`, () => {
      tidy(() => expectExact(init.eye_(empty(c.shape)), fixtures.values(c.expected), c.shape));
    });
  }
  for (const c of cases("dirac")) {
    it(`dirac_ [${c.shape}] groups ${c.groups}`, () => {
      tidy(() => expectExact(init.dirac_(empty(c.shape), c.groups), fixtures.values(c.expected), c.shape));
    });
  }
});

describe("other initialisers", () => {
  it("uniform_, normal_, constant_, zeros_, ones_", () => {
    tidy(() => {
      manualSeed(5);
      const u = init.uniform_(empty([20_000]), { a: -2, b: 3 }).toArray();
      expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
      expect(Math.max(...u)).toBeLessThan(3);
      const n = Array.from(init.normal_(empty([20_000]), { mean: 4, std: 0.5 }).toArray());
      const mean = n.reduce((a, b) => a + b, 0) / n.length;
      expect(mean).toBeCloseTo(4, 1);
      expect(Array.from(init.constant_(empty([3]), 0.25).toArray())).toEqual([0.25, 0.25, 0.25]);
      expect(Array.from(init.zeros_(empty([2])).toArray())).toEqual([0, 0]);
      expect(Array.from(init.ones_(empty([2])).toArray())).toEqual([1, 1]);
    });
  });

  it("truncNormal_ stays inside [a, b] with the truncated distribution's mean", () => {
    tidy(() => {
      manualSeed(6);
      const v = Array.from(init.truncNormal_(empty([50_000]), { mean: 1, std: 2, a: 0, b: 3 }).toArray());
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...v)).toBeLessThanOrEqual(3);
      // Mean of N(1, 2^2) truncated to [0, 3]: mu + sigma * (phi(alpha) - phi(beta)) / (Phi(beta) - Phi(alpha)), alpha = -0.5, beta = 1.
      const phi = (x: number) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
      const expected = 1 + 2 * (phi(-0.5) - phi(1)) / (0.8413447460685429 - 0.3085375387259869);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      expect(Math.abs(mean - expected)).toBeLessThan(0.02);
    });
  });

  it("orthogonal_ gives orthonormal rows or columns, scaled by gain", () => {
    for (const shape of [[4, 6], [6, 4], [5, 5], [3, 2, 2]]) {
      tidy(() => {
        manualSeed(9);
        const gain = 1.5;
        const t = init.orthogonal_(empty(shape), { gain });
        const rows = shape[0];
        const cols = t.numel / rows;
        const m = Array.from(t.toArray()).map((v) => v / gain);
        // The smaller Gram matrix (rows x rows when wide, cols x cols when tall) is the identity.
        const wide = rows <= cols;
        const n = wide ? rows : cols;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let dot = 0;
            for (let k = 0; k < (wide ? cols : rows); k++) {
              dot += wide ? m[i * cols + k] * m[j * cols + k] : m[k * cols + i] * m[k * cols + j];
            }
            expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
          }
        }
      });
    }
  });

  it("fills non-contiguous views in place", () => {
    tidy(() => {
      const t = zeros(3, 4);
      init.ones_(t.t().slice(0, 1, 3));
      expect(Array.from(t.toArray())).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
      manualSeed(2);
      const w = zeros(4, 4);
      init.normal_(w.t());
      expect(Array.from(w.toArray()).every((v) => v !== 0)).toBe(true);
    });
  });

  it("rejects bad arguments", () => {
    tidy(() => {
      expect(() => init.uniform_(empty([2]), { a: 2, b: 1 })).toThrow(RangeError);
      expect(() => init.normal_(empty([2]), { std: -1 })).toThrow(/init.normal_: expected std >= 0, got -1/);
      expect(() => init.kaimingUniform_(empty([2, 2]), { mode: "fan_avg" as "fan_in" })).toThrow(/expected mode "fan_in" or "fan_out"/);
      expect(() => init.eye_(empty([2, 2, 2]))).toThrow(RangeError);
      expect(() => init.dirac_(empty([3, 2, 3]), 2)).toThrow(/divisible by groups/);
      expect(() => init.truncNormal_(empty([2]), { a: 1, b: 1 })).toThrow(RangeError);
      expect(() => init.orthogonal_(empty([4]))).toThrow(RangeError);
    });
  });
});
