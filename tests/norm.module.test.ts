// Module buffers (running_mean, running_var, num_batches_tracked): in stateDict() under
// PyTorch's names and order, loaded all or nothing, not in parameters(), freed with the
// module; a PyTorch-trained model's safetensors file (num_batches_tracked int64) loads and
// matches PyTorch in eval(); and the errors of the normalisation functions and modules.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { F, type Tensor, loadSafetensors, memory, nn, saveSafetensors, tensor, tidy, zeros } from "../src/index";
import { expectClose } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

interface ModelCase { kind: "model"; file: string; keys: string[]; input: TensorRef; expected: TensorRef }
const fixtures = new Fixtures<ModelCase | { kind?: undefined }>("norm");

describe("buffers", () => {
  it("stateDict: parameters then buffers, PyTorch's names and initial values", () => {
    const m = new nn.BatchNorm2d(3);
    tidy(() => {
      const sd = m.stateDict();
      expect(Object.keys(sd)).toEqual(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
      expect(sd.num_batches_tracked.dtype).toBe("int32");
      expect(sd.num_batches_tracked.shape).toEqual([]);
      expect(sd.num_batches_tracked.item()).toBe(0);
      expect([...sd.running_var.toArray()]).toEqual([1, 1, 1]);
      expect(m.parameters().length).toBe(2);
      expect(m.namedBuffers().map(([k]) => k)).toEqual(["running_mean", "running_var", "num_batches_tracked"]);
    });
    m.dispose();
  });

  it("a Sequential nests buffer names and counts batches per module", () => {
    const m = new nn.Sequential(new nn.Conv2d(2, 3, 1), new nn.BatchNorm2d(3), new nn.ReLU(), new nn.BatchNorm2d(3, { affine: false }));
    tidy(() => {
      expect(Object.keys(m.stateDict())).toEqual([
        "0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
        "3.running_mean", "3.running_var", "3.num_batches_tracked",
      ]);
      m.forward(tensor(new Float32Array(2 * 2 * 9).map((_, i) => Math.sin(i)), [2, 2, 3, 3]));
      m.forward(tensor(new Float32Array(2 * 2 * 9).map((_, i) => Math.cos(i)), [2, 2, 3, 3]));
      expect(m.stateDict()["3.num_batches_tracked"].item()).toBe(2);
      m.eval();
      m.forward(zeros([1, 2, 3, 3]));
      expect(m.stateDict()["1.num_batches_tracked"].item()).toBe(2);
    });
    m.dispose();
  });

  it("loadStateDict is all or nothing, buffers included; strict reports missing buffers", () => {
    const m = new nn.BatchNorm1d(2);
    tidy(() => {
      const good = { weight: tensor([2, 3]), bias: tensor([1, 1]), running_mean: tensor([5, 6]), running_var: tensor([4, 9]), num_batches_tracked: tensor(new Int32Array([7]), []) };
      m.loadStateDict(good);
      expect(m.stateDict().num_batches_tracked.item()).toBe(7);
      const before = Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.toArray()]]));
      const bad = { ...good, running_mean: tensor([0, 0]), running_var: tensor([1, 1, 1]) };
      expect(() => m.loadStateDict(bad)).toThrow(/^BatchNorm1d\.loadStateDict: cannot load the state dict, nothing was changed: running_var: expected shape \[2\], got \[3\]$/);
      expect(() => m.loadStateDict({ ...good, num_batches_tracked: tensor([7], []) })).toThrow(/num_batches_tracked: expected dtype int32, got float32/);
      const { running_var: _, ...missing } = good;
      expect(() => m.loadStateDict(missing)).toThrow(/missing key "running_var"/);
      m.loadStateDict(missing, { strict: false });
      const after = Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.toArray()]]));
      expect(after).toEqual(before);
    });
    m.dispose();
  });

  it("trackRunningStats false and affine false leave the absent entries out", () => {
    const a = new nn.BatchNorm2d(3, { trackRunningStats: false });
    const b = new nn.InstanceNorm1d(3);
    const c = new nn.LayerNorm(4, { elementwiseAffine: false });
    tidy(() => {
      expect(Object.keys(a.stateDict())).toEqual(["weight", "bias"]);
      expect(a.runningMean).toBe(null);
      expect(Object.keys(b.stateDict())).toEqual([]);
      expect(Object.keys(c.stateDict())).toEqual([]);
    });
    for (const m of [a, b, c]) m.dispose();
  });

  it("dispose frees parameters and buffers; tidy does not free them", () => {
    const start = memory();
    const m = tidy(() => new nn.BatchNorm3d(4));
    expect(memory().tensors).toBe(start.tensors + 5);
    m.dispose();
    expect(memory()).toEqual({ ...memory(), tensors: start.tensors, bytes: start.bytes });
  });

  it("a failed training forward changes neither the running estimates nor the counter", () => {
    const m = new nn.BatchNorm1d(3, { momentum: null });
    tidy(() => {
      m.forward(tensor([1, 2, 3, 4, 5, 7], [2, 3]));
      const before = Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.toArray()]]));
      expect(() => m.forward(tensor([1, 2, 3], [1, 3]))).toThrow(/^BatchNorm1d: expected more than 1 value per channel when training, got input shape \[1,3\]$/);
      expect(() => m.forward(tensor([1, 2, 3, 4], [2, 2]))).toThrow(/^BatchNorm1d: expected input with 3 channels \(numFeatures\), got 2 \(shape \[2,2\]\)$/);
      expect(Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.toArray()]]))).toEqual(before);
    });
    m.dispose();
  });

  it("saveSafetensors and loadSafetensors round-trip a state dict with its int32 counter", () => {
    const m = new nn.BatchNorm1d(2);
    const m2 = new nn.BatchNorm1d(2);
    tidy(() => {
      m.forward(tensor([1, 2, 3, 5], [2, 2]));
      const bytes = saveSafetensors(m.stateDict());
      m2.loadStateDict(loadSafetensors(bytes));
      expect(m2.stateDict().num_batches_tracked.item()).toBe(1);
      expect([...m2.stateDict().running_mean.toArray()]).toEqual([...m.stateDict().running_mean.toArray()]);
    });
    m.dispose();
    m2.dispose();
  });
});

describe("a PyTorch-trained model", () => {
  const c = fixtures.cases.find((k): k is ModelCase => k.kind === "model")!;
  it("loads from safetensors (num_batches_tracked int64) and matches PyTorch in eval()", () => {
    const net = new nn.Sequential(
      new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(),
      new nn.Conv2d(8, 8, 3, { padding: 1 }), new nn.GroupNorm(2, 8), new nn.ReLU(),
      new nn.InstanceNorm2d(8, { affine: true, trackRunningStats: true }), new nn.Dropout2d({ p: 0.3 }),
      new nn.Flatten({ startDim: 2 }), new nn.LayerNorm(36), new nn.Dropout(),
    );
    try {
      tidy(() => {
        const weights = loadSafetensors(readFileSync(new URL(`./golden/fixtures/${c.file}`, import.meta.url)));
        expect(Object.keys(net.stateDict())).toEqual(c.keys);
        net.loadStateDict(weights);
        expect(net.stateDict()["1.num_batches_tracked"].item()).toBe(3);
        net.eval();
        const out = net.forward(fixtures.tensor(c.input)) as Tensor;
        expectClose(out, fixtures.values(c.expected), c.expected.shape, {}, "output");
      });
    } finally {
      net.dispose();
    }
  });
});

describe("errors name the function, the argument, expected and actual", () => {
  const x = () => tensor(new Float32Array(2 * 3 * 4).map((_, i) => i), [2, 3, 4]);
  /** Operands made before the heap is measured. */
  interface Extra { z4: Tensor; z3: Tensor; z12: Tensor; flat: Tensor; bn2: nn.BatchNorm2d; in3: nn.InstanceNorm3d }
  const cases: [string, (t: Tensor, e: Extra) => unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    ["runningMean size", (t, e) => F.batchNorm(t, e.z4, e.z3), RangeError, /^batchNorm: expected runningMean with 3 elements \(one per channel of input \[2,3,4\]\), got 4 \(shape \[4\]\)$/],
    ["eval without estimates", (t) => F.batchNorm(t, null, null), TypeError, /^batchNorm: expected runningMean and runningVar tensors when training is false/],
    ["momentum", (t) => F.batchNorm(t, null, null, { training: true, momentum: 1.5 }), RangeError, /^batchNorm: expected momentum in \[0, 1\], got 1\.5$/],
    ["eps", (t) => F.layerNorm(t, 4, { eps: -1 }), RangeError, /^layerNorm: expected eps a finite number >= 0, got -1$/],
    ["eps type", (t) => F.groupNorm(t, 3, { eps: "1e-5" as unknown as number }), TypeError, /^groupNorm: expected eps a number, got "1e-5"$/],
    ["unknown option", (t) => F.layerNorm(t, 4, { elementwise_affine: false } as object), TypeError, /^layerNorm: unknown option "elementwise_affine"/],
    ["normalizedShape", (t) => F.layerNorm(t, [3]), RangeError, /^layerNorm: expected input of shape \[\*,3\] \(normalizedShape \[3\]\), got \[2,3,4\]$/],
    ["layerNorm bias shape", (t, e) => F.layerNorm(t, [3, 4], { bias: e.z12 }), RangeError, /^layerNorm: expected bias of shape \[3,4\] \(normalizedShape\), got \[12\]$/],
    ["groups", (t) => F.groupNorm(t, 2), RangeError, /^groupNorm: expected the input's 3 channels to be divisible by numGroups 2 \(input shape \[2,3,4\]\)$/],
    ["numGroups type", (t) => F.groupNorm(t, 1.5), TypeError, /^groupNorm: expected numGroups a positive integer, got 1\.5$/],
    ["instanceNorm spatial 1", (_t, e) => F.instanceNorm(e.flat), RangeError, /^instanceNorm: expected more than 1 spatial element when useInputStats is true, got input shape \[2,12,1\]$/],
    ["instanceNorm useInputStats", (t) => F.instanceNorm(t, { useInputStats: "no" as unknown as boolean }), TypeError, /^instanceNorm: expected useInputStats true or false, got "no"$/],
    ["BatchNorm2d rank", (t, e) => e.bn2.forward(t), RangeError, /^BatchNorm2d: expected input with 4 dimensions \(\[N, C, H, W\]\), got 3 \(shape \[2,3,4\]\)$/],
    ["InstanceNorm3d rank", (t, e) => e.in3.forward(t), RangeError, /^InstanceNorm3d: expected input with 4 or 5 dimensions/],
    ["GroupNorm ctor", () => new nn.GroupNorm(4, 6), RangeError, /^GroupNorm: expected numChannels divisible by numGroups, got numChannels 6 and numGroups 4$/],
    ["LayerNorm option", () => new nn.LayerNorm(4, { affine: true } as object), TypeError, /^LayerNorm: unknown option "affine"/],
    ["BatchNorm1d numFeatures", () => new nn.BatchNorm1d(-2), RangeError, /^BatchNorm1d: expected numFeatures a positive integer, got -2$/],
  ];
  for (const [label, call, cls, message] of cases) {
    it(`${label}: ${cls.name}, input unchanged, nothing allocated`, () => {
      const extra: Extra = { z4: zeros([4]), z3: zeros([3]), z12: zeros([12]), flat: zeros([2, 12, 1]), bn2: new nn.BatchNorm2d(3), in3: new nn.InstanceNorm3d(3) };
      tidy(() => {
        const t = x();
        const values = [...t.toArray()];
        const before = memory();
        let error: unknown;
        try {
          call(t, extra);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(cls);
        expect((error as Error).message).toMatch(message);
        expect(memory().tensors).toBe(before.tensors);
        expect(memory().bytes).toBe(before.bytes);
        expect([...t.toArray()]).toEqual(values);
      });
      for (const v of Object.values(extra)) v.dispose();
    });
  }

  it("running estimates are not touched when a training call fails", () => {
    tidy(() => {
      const rm = tensor([1, 2, 3]);
      const rv = tensor([1, 1, 1]);
      expect(() => F.batchNorm(zeros([1, 3]), rm, rv, { training: true })).toThrow(RangeError);
      expect(() => F.instanceNorm(zeros([2, 3, 4]), { runningMean: rm, runningVar: rv, weight: zeros([2]) })).toThrow(RangeError);
      expect([...rm.toArray()]).toEqual([1, 2, 3]);
      expect([...rv.toArray()]).toEqual([1, 1, 1]);
    });
  });
});
