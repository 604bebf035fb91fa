// Loaded models run Conv + BatchNorm (+ ReLU/ReLU6) as one convolution with the
// normalisation folded into its weights (eval mode only) and the activation in its
// epilogue; folded weights follow every change of the tensors they come from; a warm
// forward pass calls no allocator. (Agreement with PyTorch: models.test.ts.)
import { describe, expect, it } from "vitest";
import { type Tensor, memory, nn } from "../src/index";
import { allocatorCalls } from "../src/storage";
import { modelInput, modelWeights, readModelFixture } from "./helpers/model-fill";

function load(name: string) {
  const { graph, meta } = readModelFixture(name);
  return { model: nn.loadModel(graph, modelWeights(meta)), x: modelInput(name, meta.input), graph, meta };
}

const values = (t: unknown) => Array.from((t as Tensor).toArray());

describe("fused convolution chains", () => {
  it("eval() folds; train() runs node by node and updates the statistics; a later eval() refolds them", () => {
    const before = memory();
    const a = load("dcgan");
    const b = load("dcgan");
    // Folded weights are tensors of the model, made at load time (eval mode).
    expect(memory().tensors).toBeGreaterThan(before.tensors);
    const y0 = a.model.forward(a.x) as Tensor;
    a.model.train();
    const yTrain = a.model.forward(a.x) as Tensor;
    expect(values(yTrain)).not.toEqual(values(y0));
    a.model.eval();
    const y1 = a.model.forward(a.x) as Tensor;
    // The running estimates moved: the model's eval output moved with them...
    expect(values(y1)).not.toEqual(values(y0));
    // ...to exactly what a fresh model with the new state gives.
    const state = a.model.stateDict();
    b.model.loadStateDict(state);
    for (const t of Object.values(state)) t.dispose();
    const y2 = b.model.forward(b.x) as Tensor;
    expect(values(y1)).toEqual(values(y2));
    for (const t of [y0, yTrain, y1, y2, a.x, b.x]) t.dispose();
    a.model.dispose();
    b.model.dispose();
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    expect(memory().cacheBytes).toBe(before.cacheBytes);
  });

  it("a BatchNorm parameter written in place is folded again before the next forward", () => {
    const m = load("mobilenet_v2");
    const y0 = m.model.forward(m.x) as Tensor;
    // The first BatchNorm's weight (the stem's Conv2dNormActivation: features.0.1).
    const [, gamma] = m.model.namedParameters().find(([k]) => k === "features.0.1.weight")!;
    gamma.fill_(0.5);
    const y1 = m.model.forward(m.x) as Tensor;
    const fresh = load("mobilenet_v2");
    const state = m.model.stateDict();
    fresh.model.loadStateDict(state);
    for (const t of Object.values(state)) t.dispose();
    const y2 = fresh.model.forward(fresh.x) as Tensor;
    expect(values(y1)).not.toEqual(values(y0));
    expect(values(y1)).toEqual(values(y2));
    for (const t of [y0, y1, y2, m.x, fresh.x]) t.dispose();
    m.model.dispose();
    fresh.model.dispose();
  });

  it("a fused ReLU6 keeps NaN, as the module does", () => {
    const m = load("mobilenet_v2");
    m.x.fill_(Number.NaN);
    const y = m.model.forward(m.x) as Tensor;
    expect(values(y).every(Number.isNaN)).toBe(true);
    y.dispose();
    m.x.dispose();
    m.model.dispose();
  });
});

describe("allocation-free forward passes", () => {
  for (const name of ["dcgan", "unet", "mobilenet_v2"]) {
    it(`${name}: after the first call, a forward pass calls no allocator and the heap stays flat`, () => {
      const m = load(name);
      (m.model.forward(m.x) as Tensor).dispose();
      const calls = allocatorCalls();
      const heap = memory().heapBytes;
      for (let i = 0; i < 3; i++) (m.model.forward(m.x) as Tensor).dispose();
      expect(allocatorCalls()).toBe(calls);
      expect(memory().heapBytes).toBe(heap);
      m.x.dispose();
      m.model.dispose();
    });
  }
});
