// Containers, state dicts and PyTorch models exported with tools/export_safetensors.py
// (tests/golden/gen_container.py).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Tensor, loadSafetensors, memory, nn, tensor, tidy, zeros } from "../src/index";
import { expectClose, expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

type ContainerCase =
  | { id: string; kind: "model"; name: string; file: string; keys: string[]; input: TensorRef; expected: TensorRef }
  | { id: string; kind: "keys"; keys: Record<string, number[]> }
  | { id: string; kind: "dtypes" | "overflow" };

const fixtures = new Fixtures<ContainerCase>("container");
const fixtureFile = (name: string) => readFileSync(new URL(`./golden/fixtures/${name}`, import.meta.url));

/** The JS twins of the PyTorch models in gen_container.py. */
const MODELS: Record<string, () => nn.Module> = {
  prelu_stack: () =>
    new nn.Sequential(
      new nn.PReLU({ numParameters: 4 }),
      new nn.Softplus({ beta: 2, threshold: 3 }),
      new nn.Sequential(new nn.PReLU(), new nn.GELU({ approximate: "tanh" })),
      new nn.Flatten(),
      new nn.LogSoftmax({ dim: 1 }),
    ),
  reshape_stack: () =>
    new nn.Sequential(
      new nn.Flatten({ startDim: 0, endDim: -1 }),
      new nn.Unflatten(0, [-1, 6]),
      new nn.PReLU({ numParameters: 6, init: 0.1 }),
      new nn.Identity(),
      new nn.Unflatten(1, [2, 3]),
      new nn.Hardtanh({ minVal: -0.5, maxVal: 0.5 }),
      new nn.Softmax({ dim: -1 }),
    ),
};

describe("PyTorch models exported to safetensors load and run with PyTorch's results", () => {
  for (const c of fixtures.cases) {
    if (c.kind !== "model") continue;
    it(`${c.name}: keys ${c.keys.join(", ")}`, () => {
      const start = memory();
      tidy(() => {
        const model = MODELS[c.name]();
        expect(Object.keys(model.stateDict())).toEqual(c.keys);
        const dict = loadSafetensors(fixtureFile(c.file));
        expect(Object.keys(dict).sort()).toEqual(c.keys.slice().sort());
        model.loadStateDict(dict);
        model.eval();
        const y = model.forward(fixtures.tensor(c.input)) as Tensor;
        expectClose(y, fixtures.values(c.expected), c.expected.shape, {}, c.id);
        model.dispose();
      });
      expect(memory().tensors).toBe(start.tensors);
      expect(memory().bytes).toBe(start.bytes);
    });
  }

  it("nested Sequential / ModuleList name their parameters as PyTorch does", () => {
    const c = fixtures.cases.find((k) => k.kind === "keys") as Extract<ContainerCase, { kind: "keys" }>;
    const model = new nn.Sequential(
      new nn.PReLU({ numParameters: 3 }),
      new nn.ModuleList([new nn.PReLU(), new nn.Sequential(new nn.Identity(), new nn.PReLU({ numParameters: 2 })), new nn.ReLU()]),
      new nn.Sequential(new nn.Sequential(new nn.PReLU({ numParameters: 5 }))),
      new nn.Flatten(),
    );
    const got = Object.fromEntries(model.namedParameters().map(([k, p]) => [k, p.shape]));
    expect(got).toEqual(c.keys);
    model.dispose();
  });
});

describe("Sequential", () => {
  it("frees everything earlier modules made when a later one throws, [output, indices] included", () => {
    const x = zeros(1, 1, 4, 4);
    const seq = new nn.Sequential(new nn.ReLU(), new nn.MaxPool2d(2, { returnIndices: true }), new nn.ReLU());
    const before = memory();
    // ReLU cannot take the [output, indices] pair the pooling layer returns.
    expect(() => seq.forward(x)).toThrow(TypeError);
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    expect(x.isDisposed).toBe(false);
    x.dispose();
    seq.dispose();
  });

  it("chains forward, names children 0, 1, ... and disposes its intermediate tensors", () => {
    tidy(() => {
      const seq = new nn.Sequential(new nn.ReLU(), new nn.Hardtanh({ minVal: 0, maxVal: 2 }), new nn.Flatten(), new nn.Identity());
      expect(seq.namedChildren().map(([n]) => n)).toEqual(["0", "1", "2", "3"]);
      expect(seq.length).toBe(4);
      expect(seq.at(-1)).toBeInstanceOf(nn.Identity);
      expect([...seq].length).toBe(4);
      const x = tensor([[[-1, 3], [0.5, 1]]]);
      const before = memory().tensors;
      const y = seq.forward(x) as Tensor;
      expect(memory().tensors).toBe(before + 1); // only the output survives
      expect(y.shape).toEqual([1, 4]);
      expectExact(y, [0, 2, 0.5, 1], [1, 4]);
      expectExact(x, [-1, 3, 0.5, 1], [1, 2, 2]);
      // The input and output are the caller's: disposing one leaves the other.
      y.dispose();
      expect(x.toArray()[1]).toBe(3);
    });
  });

  it("returns a tensor the caller owns even when every module is a view (Identity, Flatten)", () => {
    tidy(() => {
      const x = tensor([1, 2, 3, 4], [2, 2]);
      const y = new nn.Sequential(new nn.Identity(), new nn.Flatten({ startDim: 0 })).forward(x) as Tensor;
      expect(y.shape).toEqual([4]);
      y.dispose();
      expect(Array.from(x.toArray())).toEqual([1, 2, 3, 4]);
    });
  });

  it("an empty Sequential returns its input", () => {
    tidy(() => {
      const x = tensor([1]);
      expect(new nn.Sequential().forward(x)).toBe(x);
    });
  });

  it("frees intermediates when a later module fails", () => {
    tidy(() => {
      const seq = new nn.Sequential(new nn.Sigmoid(), new nn.GLU());
      const x = tensor([1, 2, 3]);
      const before = memory();
      expect(() => seq.forward(x)).toThrow(/^GLU: expected an even size along dim -1/);
      expect(memory().tensors).toBe(before.tensors);
      expect(memory().bytes).toBe(before.bytes);
    });
  });

  it("append, parameters, train/eval and dispose reach every descendant", () => {
    const inner = new nn.Sequential(new nn.PReLU({ numParameters: 2 }), new nn.RReLU());
    const seq = new nn.Sequential(new nn.PReLU()).append(inner);
    expect(seq.namedParameters().map(([n]) => n)).toEqual(["0.weight", "1.0.weight"]);
    expect(seq.parameters().map((p) => p.shape)).toEqual([[1], [2]]);
    expect(seq.children()).toEqual([seq.at(0), inner]);
    seq.eval();
    expect([seq.training, inner.training, inner.at(1).training]).toEqual([false, false, false]);
    seq.train();
    expect(inner.at(1).training).toBe(true);
    const before = memory();
    seq.dispose();
    expect(memory().tensors).toBe(before.tensors - 2);
    expect(() => seq.parameters()[0].toArray()).toThrow(/disposed/);
  });

  it("rejects what is not a module, and bad indices", () => {
    expect(() => new nn.Sequential(new nn.ReLU(), (() => 1) as unknown as nn.Module)).toThrow(TypeError);
    expect(() => new nn.Sequential(new nn.ReLU(), (() => 1) as unknown as nn.Module)).toThrow(/^Sequential: expected module 1 an nn.Module, got a function/);
    expect(() => new nn.Sequential(new nn.ReLU()).at(1)).toThrow(/^Sequential: expected index in \[-1, 0\], got 1/);
    expect(() => new nn.Sequential().at(0)).toThrow(RangeError);
  });
});

describe("ModuleList", () => {
  it("holds modules under 0, 1, ... with append, extend, at, length and iteration", () => {
    const list = new nn.ModuleList([new nn.PReLU()]);
    list.append(new nn.ReLU()).extend([new nn.PReLU({ numParameters: 3 })]);
    expect(list.length).toBe(3);
    expect(list.at(-1)).toBeInstanceOf(nn.PReLU);
    expect([...list].map((m) => m.constructor.name)).toEqual(["PReLU", "ReLU", "PReLU"]);
    expect(Object.keys(list.stateDict())).toEqual(["0.weight", "2.weight"]);
    expect(() => list.forward()).toThrow(/^ModuleList: has no forward\(\)/);
    expect(() => new nn.ModuleList(3 as unknown as nn.Module[])).toThrow(TypeError);
    list.dispose();
  });
});

describe("stateDict / loadStateDict", () => {
  it("stateDict gives views of the parameters under PyTorch's names", () => {
    tidy(() => {
      const model = new nn.Sequential(new nn.PReLU({ numParameters: 2 }), new nn.PReLU());
      const dict = model.stateDict();
      expect(Object.keys(dict)).toEqual(["0.weight", "1.weight"]);
      model.loadStateDict({ "0.weight": tensor([1, 2]), "1.weight": tensor([3]) });
      expect(Array.from(dict["0.weight"].toArray())).toEqual([1, 2]);
      dict["0.weight"].dispose();
      expect(Array.from(model.stateDict()["0.weight"].toArray())).toEqual([1, 2]);
      model.dispose();
    });
  });

  it("strict loading lists every missing key, unexpected key and shape mismatch in one error, and changes nothing", () => {
    tidy(() => {
      const model = new nn.Sequential(new nn.PReLU({ numParameters: 2 }), new nn.PReLU(), new nn.PReLU({ numParameters: 3 }));
      const before = model.parameters().map((p) => Array.from(p.toArray()));
      const bad = { "0.weight": tensor([9, 9]), "1.weight": tensor([1, 2]), "3.weight": tensor([0]) };
      let message = "";
      try {
        model.loadStateDict(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        message = (e as Error).message;
      }
      expect(message).toMatch(/^Sequential.loadStateDict: cannot load the state dict, nothing was changed/);
      expect(message).toContain("1.weight: expected shape [1], got [2]");
      expect(message).toContain('unexpected key "3.weight"');
      expect(message).toContain('missing key "2.weight"');
      expect(model.parameters().map((p) => Array.from(p.toArray()))).toEqual(before);
      // Non-strict: missing and unexpected keys are fine, shape mismatches still are not.
      expect(() => model.loadStateDict(bad, { strict: false })).toThrow(/1.weight: expected shape \[1\], got \[2\]/);
      model.loadStateDict({ "0.weight": tensor([9, 9]), "3.weight": tensor([0]) }, { strict: false });
      expect(Array.from(model.stateDict()["0.weight"].toArray())).toEqual([9, 9]);
      model.dispose();
    });
  });
});

describe("Flatten, Unflatten, Identity", () => {
  it("Flatten merges startDim..endDim (1..-1 by default), also for strided inputs", () => {
    tidy(() => {
      const x = zeros([2, 3, 4, 5]);
      expect(new nn.Flatten().forward(x).shape).toEqual([2, 60]);
      expect(new nn.Flatten({ startDim: 1, endDim: 2 }).forward(x).shape).toEqual([2, 12, 5]);
      expect(new nn.Flatten({ startDim: -2 }).forward(x).shape).toEqual([2, 3, 20]);
      expect(new nn.Flatten({ startDim: 0, endDim: -1 }).forward(tensor(3)).shape).toEqual([1]);
      const t = tensor([1, 2, 3, 4, 5, 6], [1, 2, 3]).transpose(1, 2);
      expectExact(new nn.Flatten().forward(t), [1, 4, 2, 5, 3, 6], [1, 6]);
    });
  });

  it("Unflatten splits one dimension, inferring a -1", () => {
    tidy(() => {
      const x = zeros([2, 12]);
      expect(new nn.Unflatten(1, [3, 4]).forward(x).shape).toEqual([2, 3, 4]);
      expect(new nn.Unflatten(-1, [2, -1, 3]).forward(x).shape).toEqual([2, 2, 2, 3]);
      expect(new nn.Unflatten(0, [1, 2]).forward(x).shape).toEqual([1, 2, 12]);
    });
  });

  it("Identity returns a new tensor over the same data and ignores constructor arguments", () => {
    tidy(() => {
      const x = tensor([1, 2]);
      const y = new nn.Identity(54, { unused: true }).forward(x);
      expect(y).not.toBe(x);
      y.dispose();
      expect(Array.from(x.toArray())).toEqual([1, 2]);
    });
  });

  it("report bad arguments clearly", () => {
    tidy(() => {
      const x = zeros([2, 12]);
      expect(() => new nn.Flatten().forward(tensor([1, 2]))).toThrow(/^Flatten: expected startDim a dimension in \[-1, 0\], got 1/);
      expect(() => new nn.Flatten({ startDim: 2, endDim: 1 }).forward(zeros([2, 2, 2]))).toThrow(/^Flatten: expected startDim <= endDim/);
      expect(() => new nn.Flatten({ start_dim: 1 } as never)).toThrow(/^Flatten: unknown option "start_dim" \(did you mean startDim\?\)/);
      expect(() => new nn.Unflatten(1, [5, 3]).forward(x)).toThrow(/^Unflatten: expected sizes whose product is 12 \(dimension 1 of input shape \[2,12\]\), got \[5,3\]/);
      expect(() => new nn.Unflatten(1, [5, -1]).forward(x)).toThrow(/^Unflatten: cannot split dimension 1 of size 12 into \[5,-1\]/);
      expect(() => new nn.Unflatten(1, [-1, -1])).toThrow(/^Unflatten: expected sizes at most one -1/);
      expect(() => new nn.Unflatten(1, [])).toThrow(TypeError);
      expect(() => new nn.Unflatten(2, [2, 6]).forward(x)).toThrow(/^Unflatten: expected dim a dimension in \[-2, 1\], got 2/);
    });
  });
});
