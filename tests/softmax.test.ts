// softmax, logSoftmax and softmin: PyTorch fixtures (tests/golden/gen_softmax.py) over every
// dim, property tests against a float64 reference, and the required-dim errors.
import { describe, expect, it } from "vitest";
import { F, type Tensor, memory, nn, tensor, tidy } from "../src/index";
import { expectClose } from "./helpers/allclose";
import { softmaxRef } from "./helpers/activation-ref";
import { rng } from "./helpers/random";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

interface SoftmaxCase {
  id: string;
  kind: "softmax";
  fn: "softmax" | "logSoftmax" | "softmin";
  module: "Softmax" | "LogSoftmax" | "Softmin";
  dim: number;
  input: TensorRef;
  expected: TensorRef;
}

const fixtures = new Fixtures<SoftmaxCase>("softmax");

describe("softmax family matches PyTorch", () => {
  for (const c of fixtures.cases) {
    it(`F.${c.fn} and nn.${c.module} over dim ${c.dim} of [${c.input.shape}]`, () => {
      tidy(() => {
        const x = fixtures.tensor(c.input);
        const before = x.toArray();
        expectClose(F[c.fn](x, { dim: c.dim }), fixtures.values(c.expected), c.expected.shape, {}, c.id);
        expectClose(new nn[c.module]({ dim: c.dim }).forward(x), fixtures.values(c.expected), c.expected.shape, {}, c.id);
        expect(x.toArray()).toEqual(before);
      });
    });
  }
});

/** Applies a softmax-like function along `dim` of a row-major array, in float64. */
function reference(kind: string, data: ArrayLike<number>, shape: number[], dim: number): number[] {
  const d = dim < 0 ? dim + shape.length : dim;
  const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const size = shape[d];
  const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
  const out = new Array<number>(data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const idx = Array.from({ length: size }, (_, j) => (o * size + j) * inner + i);
      const r = softmaxRef(kind, idx.map((k) => data[k]));
      idx.forEach((k, j) => (out[k] = r[j]));
    }
  }
  return out;
}

describe("property tests against a float64 reference", () => {
  it("agrees on 300 random shapes, dims and strided views without leaking", () => {
    const rand = rng(4242);
    const start = memory();
    const kinds = ["softmax", "logSoftmax", "softmin"] as const;
    for (let trial = 0; trial < 300; trial++) {
      tidy(() => {
        const ndim = 1 + Math.floor(rand() * 4);
        const shape = Array.from({ length: ndim }, () => 1 + Math.floor(rand() * (trial % 5 === 0 ? 40 : 9)));
        const n = shape.reduce((a, b) => a * b, 1);
        const scale = [1, 10, 200][trial % 3];
        let x: Tensor = tensor(Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale), shape);
        if (ndim >= 2 && trial % 4 === 1) x = x.transpose(0, ndim - 1);
        const dim = Math.floor(rand() * 2 * ndim) - ndim;
        const kind = kinds[trial % 3];
        const y = F[kind](x, { dim });
        expectClose(y, reference(kind, x.toArray(), x.shape.slice(), dim), x.shape, {}, `${kind} dim ${dim} of [${x.shape}]`);
      });
    }
    expect(memory().tensors).toBe(start.tensors);
    expect(memory().bytes).toBe(start.bytes);
  });

  it("long rows and wide inner sizes (several vector blocks plus tails)", () => {
    tidy(() => {
      const rand = rng(7);
      for (const shape of [[3, 4097], [5, 3, 1031], [2, 257, 6]]) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = tensor(Float32Array.from({ length: n }, () => (rand() * 2 - 1) * 50), shape);
        for (const dim of [1, -1]) {
          const values = x.toArray();
          expectClose(F.softmax(x, { dim }), reference("softmax", values, shape, dim), shape);
          expectClose(F.logSoftmax(x, { dim }), reference("logSoftmax", values, shape, dim), shape);
        }
      }
    });
  });
});

describe("dim is required", () => {
  it("F.softmax / F.logSoftmax / F.softmin without dim throw a TypeError", () => {
    tidy(() => {
      const x = tensor([[1, 2], [3, 4]]);
      for (const name of ["softmax", "logSoftmax", "softmin"] as const) {
        const fn = F[name] as (x: Tensor, o?: unknown) => Tensor;
        expect(() => fn(x)).toThrow(TypeError);
        expect(() => fn(x)).toThrow(new RegExp(`^${name}: expected options.dim, the dimension to normalise over`));
        expect(() => fn(x, {})).toThrow(TypeError);
        expect(() => fn(x, { dim: 1.5 })).toThrow(/expected dim an integer, got 1.5/);
        expect(() => fn(x, { dim: 2 })).toThrow(new RegExp(`^${name}: expected dim a dimension in \\[-2, 1\\], got 2`));
        expect(() => fn(x, { dim: 1, dtype: "float64" })).toThrow(/unknown option "dtype"/);
        expect(() => fn(x, 1)).toThrow(new RegExp(`^${name}: expected an options object \\{ dim \\}, got the number 1; write \\{ dim: 1 \\}`));
      }
    });
  });

  it("nn.Softmax / LogSoftmax / Softmin refuse to be built without dim", () => {
    for (const name of ["Softmax", "LogSoftmax", "Softmin"] as const) {
      const Ctor = nn[name] as unknown as new (o?: unknown) => nn.Module;
      expect(() => new Ctor()).toThrow(TypeError);
      expect(() => new Ctor()).toThrow(new RegExp(`^${name}: expected options.dim`));
      expect(() => new Ctor({ dim: null })).toThrow(TypeError);
      expect(() => new Ctor(0)).toThrow(/write \{ dim: 0 \}/);
    }
  });

  it("a dim out of range fails at forward with the module's name", () => {
    tidy(() => {
      expect(() => new nn.Softmin({ dim: -3 }).forward(tensor([[1, 2]]))).toThrow(/^Softmin: expected dim a dimension in \[-2, 1\], got -3/);
    });
  });
});

describe("edge shapes", () => {
  it("0-D inputs normalise to 1 (log: 0); empty inputs give empty outputs", () => {
    tidy(() => {
      expect(F.softmax(tensor(7), { dim: 0 }).toNested()).toBe(1);
      expect(F.logSoftmax(tensor(7), { dim: -1 }).toNested()).toBe(0);
      expect(F.softmax(tensor(new Float32Array(0), [0, 4]), { dim: 1 }).shape).toEqual([0, 4]);
      expect(F.softmin(tensor(new Float32Array(0), [3, 0]), { dim: 1 }).shape).toEqual([3, 0]);
    });
  });
});
