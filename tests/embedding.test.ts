// F.embedding and nn.Embedding against PyTorch (tests/golden/gen_embedding.py), PyTorch's
// initialisation, and every error: bad indices (named with their position, nothing
// allocated), float indices, bad paddingIdx, bad weights.
import { describe, expect, it } from "vitest";
import { F, type Tensor, memory, nn, tensor, tidy } from "../src/index";
import { expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

interface EmbeddingCase {
  id: string;
  rows: number;
  dim: number;
  paddingIdx: number | null;
  input: TensorRef;
  weight: TensorRef;
  expected: TensorRef;
}

const fixtures = new Fixtures<EmbeddingCase>("embedding");

describe("embedding matches PyTorch", () => {
  for (const c of fixtures.cases) {
    it(`${c.id}: F.embedding([${c.input.shape}], [${c.rows},${c.dim}], paddingIdx ${c.paddingIdx})`, () => {
      tidy(() => {
        const idx = tensor(fixtures.values(c.input), c.input.shape, { dtype: "int32" });
        const w = fixtures.tensor(c.weight);
        expectExact(F.embedding(idx, w, { paddingIdx: c.paddingIdx }), fixtures.values(c.expected), c.expected.shape, c.id);
        // A transposed weight view gives the same rows.
        const wt = w.t().contiguous().t();
        expectExact(F.embedding(idx, wt), fixtures.values(c.expected), c.expected.shape, `${c.id} (strided weight)`);
      });
    });
    it(`${c.id}: nn.Embedding with the loaded weight`, () => {
      const m = new nn.Embedding(c.rows, c.dim, { paddingIdx: c.paddingIdx });
      try {
        tidy(() => {
          m.loadStateDict({ weight: fixtures.tensor(c.weight) });
          const idx = tensor(fixtures.values(c.input), c.input.shape, { dtype: "int32" });
          expectExact(m.forward(idx), fixtures.values(c.expected), c.expected.shape, c.id);
        });
      } finally {
        m.dispose();
      }
    });
  }
});

describe("nn.Embedding", () => {
  it("draws N(0, 1) and zeroes the padding row (negative paddingIdx counts from the end)", () => {
    const m = new nn.Embedding(200, 50, { paddingIdx: -1 });
    try {
      expect(m.paddingIdx).toBe(199);
      const w = m.weight.toArray();
      const rest = Array.from(w.subarray(0, 199 * 50));
      const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
      const sd = Math.sqrt(rest.reduce((a, b) => a + (b - mean) ** 2, 0) / rest.length);
      expect(Math.abs(mean)).toBeLessThan(0.05);
      expect(Math.abs(sd - 1)).toBeLessThan(0.05);
      expect(Array.from(w.subarray(199 * 50))).toEqual(new Array(50).fill(0));
      expect(Object.keys(m.stateDict())).toEqual(["weight"]);
    } finally {
      m.dispose();
    }
  });
});

describe("embedding errors", () => {
  const i32 = (v: number[], shape: number[]) => tensor(v, shape, { dtype: "int32" });
  const w10 = () => tensor(new Float32Array(30), [10, 3]);
  // [label, inputs made before the heap is measured, the failing call, class, message]
  const cases: [string, () => unknown[], (a: unknown[]) => unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    ["index past the end", () => [i32([1, 10], [2]), w10()], (a) => F.embedding(a[0] as Tensor, a[1] as Tensor), RangeError, /^embedding: expected indices in \[0, 9\].*got 10 at position \[1\]/],
    ["negative index", () => [i32([0, 1, -1, 2], [2, 2]), w10()], (a) => F.embedding(a[0] as Tensor, a[1] as Tensor), RangeError, /got -1 at position \[1,0\]/],
    ["bad index in a strided view", () => [i32([0, 1, 11, 2], [2, 2]).t(), w10()], (a) => F.embedding(a[0] as Tensor, a[1] as Tensor), RangeError, /got 11 at position \[0,1\]/],
    ["float indices", () => [tensor([1, 2]), w10()], (a) => F.embedding(a[0] as Tensor, a[1] as Tensor), TypeError, /^embedding: expected input an int32 tensor/],
    ["1-D weight", () => [i32([1], [1]), tensor(new Float32Array(3), [3])], (a) => F.embedding(a[0] as Tensor, a[1] as Tensor), RangeError, /weight with 2 dimensions/],
    ["int32 weight", () => [i32([1], [1]), i32([1, 2], [1, 2])], (a) => F.embedding(a[0] as Tensor, a[1] as Tensor), TypeError, /weight of dtype float32/],
    ["paddingIdx out of range", () => [i32([1], [1]), tensor(new Float32Array(6), [2, 3])], (a) => F.embedding(a[0] as Tensor, a[1] as Tensor, { paddingIdx: 2 }), RangeError, /paddingIdx in \[-2, 1\]/],
    ["unknown option", () => [i32([1], [1]), tensor(new Float32Array(6), [2, 3])], (a) => F.embedding(a[0] as Tensor, a[1] as Tensor, { padding_idx: 0 } as object), TypeError, /did you mean paddingIdx/],
    ["module paddingIdx = numEmbeddings", () => [], () => new nn.Embedding(5, 3, { paddingIdx: 5 }), RangeError, /^Embedding: expected paddingIdx in \[-5, 4\]/],
    ["module paddingIdx 1.5", () => [], () => new nn.Embedding(5, 3, { paddingIdx: 1.5 }), TypeError, /paddingIdx/],
    ["module numEmbeddings -1", () => [], () => new nn.Embedding(-1, 3), RangeError, /numEmbeddings/],
  ];
  for (const [label, setup, fn, cls, message] of cases) {
    it(label, () => {
      tidy(() => {
        const args = setup();
        const before = memory();
        let err: unknown = null;
        try {
          fn(args);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(cls);
        expect((err as Error).message).toMatch(message);
        expect(memory().tensors).toBe(before.tensors);
        expect(memory().bytes).toBe(before.bytes);
      });
    });
  }
  it("a module's forward names the module and leaves the weight unchanged", () => {
    const m = new nn.Embedding(4, 2);
    try {
      const w = m.weight.toArray();
      tidy(() => {
        expect(() => m.forward(tensor([4], [1], { dtype: "int32" }) as Tensor)).toThrow(/^Embedding: expected indices in \[0, 3\]/);
      });
      expect(m.weight.toArray()).toEqual(w);
    } finally {
      m.dispose();
    }
  });
});
