// Normalisation against PyTorch fixtures (tests/golden/gen_norm.py): every F case with its
// options (running estimates compared after training calls, inputs unchanged), and module
// sequences (train steps, eval, loaded state dicts, the state dict at the end, including
// num_batches_tracked as an int32 count).
import { describe, expect, it } from "vitest";
import { F, type Tensor, memory, nn, tidy } from "../src/index";
import { expectClose, expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

type Ref = { $t: string };
interface FCase {
  id: string;
  fn: "batchNorm" | "layerNorm" | "groupNorm" | "instanceNorm";
  input: TensorRef;
  args: (Ref | number | number[] | null)[];
  options: Record<string, unknown>;
  tensors: Record<string, TensorRef>;
  expected: TensorRef;
  after?: Record<string, TensorRef>;
  note?: string;
}
interface ModuleCase {
  id: string;
  module: string;
  args: unknown[];
  options: Record<string, unknown>;
  load?: Record<string, TensorRef>;
  steps: { train: boolean; input: TensorRef; expected: TensorRef }[];
  state: Record<string, TensorRef>;
  note?: string;
}

const fixtures = new Fixtures<FCase | ModuleCase>("norm");
const fCases = fixtures.cases.filter((c): c is FCase => "fn" in c);
const moduleCases = fixtures.cases.filter((c): c is ModuleCase => "module" in c);

const isRef = (v: unknown): v is Ref => typeof v === "object" && v !== null && "$t" in v;

describe("F normalisation matches PyTorch", () => {
  for (const c of fCases) {
    it(`${c.id} ${c.fn}([${c.input.shape}] ${c.note ?? ""}, ${JSON.stringify(c.args)}, ${JSON.stringify(c.options)})`, () => {
      tidy(() => {
        const named: Record<string, Tensor> = {};
        for (const [k, ref] of Object.entries(c.tensors)) named[k] = fixtures.tensor(ref);
        const resolve = (v: unknown) => (isRef(v) ? named[v.$t] : v);
        const input = fixtures.tensor(c.input);
        const before = input.toArray();
        const args = c.args.map(resolve);
        const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, resolve(v)]));
        const f = F[c.fn] as (...a: unknown[]) => Tensor;
        const out = f(input, ...args, options);
        expectClose(out, fixtures.values(c.expected), c.expected.shape, {}, "output");
        expectExact(input, before, c.input.shape, "input after the call");
        for (const [k, ref] of Object.entries(c.after ?? {})) expectClose(named[k], fixtures.values(ref), ref.shape, {}, `${k} after the call`);
        if (!c.after) {
          // Without a training update the running estimates are read only.
          for (const k of ["rm", "rv"]) if (named[k]) expectExact(named[k], fixtures.values(c.tensors[k]), c.tensors[k].shape, `${k} unchanged`);
        }
      });
    });
  }
});

type Ctor = new (...a: unknown[]) => nn.Module & { forward(x: Tensor): Tensor };

describe("normalisation modules match PyTorch", () => {
  for (const c of moduleCases) {
    it(`${c.id} new nn.${c.module}(${JSON.stringify(c.args).slice(1, -1)}, ${JSON.stringify(c.options)}) ${c.steps.map((s) => (s.train ? "train" : "eval")).join(", ")}${c.load ? ", loaded" : ""}${c.note ? ` (${c.note})` : ""}`, () => {
      const Module = (nn as unknown as Record<string, Ctor>)[c.module];
      const m = new Module(...c.args, c.options);
      try {
        tidy(() => {
          if (c.load) {
            const dict: Record<string, Tensor> = {};
            for (const [k, ref] of Object.entries(c.load)) dict[k] = fixtures.tensor(ref);
            m.loadStateDict(dict);
          }
          for (const [i, step] of c.steps.entries()) {
            m.train(step.train);
            const out = m.forward(fixtures.tensor(step.input)) as Tensor;
            expectClose(out, fixtures.values(step.expected), step.expected.shape, {}, `step ${i} output`);
          }
          const sd = m.stateDict();
          expect(Object.keys(sd)).toEqual(Object.keys(c.state));
          for (const [k, ref] of Object.entries(c.state)) {
            expect(sd[k].dtype, k).toBe(ref.dtype);
            if (ref.dtype === "int32") expectExact(sd[k], fixtures.values(ref), ref.shape, k);
            else expectClose(sd[k], fixtures.values(ref), ref.shape, {}, k);
          }
        });
      } finally {
        m.dispose();
      }
    });
  }
});

describe("fixtures cover what the issue asks for", () => {
  it("every function, training and eval, every option, large means", () => {
    const fns = new Set(fCases.map((c) => c.fn));
    expect([...fns].sort()).toEqual(["batchNorm", "groupNorm", "instanceNorm", "layerNorm"]);
    for (const key of ["weight", "bias", "training", "momentum", "eps"]) expect(fCases.some((c) => c.fn === "batchNorm" && key in c.options), key).toBe(true);
    for (const key of ["runningMean", "runningVar", "weight", "bias", "useInputStats", "momentum", "eps"]) {
      expect(fCases.some((c) => c.fn === "instanceNorm" && key in c.options), key).toBe(true);
    }
    for (const fn of ["batchNorm", "layerNorm", "groupNorm", "instanceNorm"]) expect(fCases.some((c) => c.fn === fn && c.note === "large_mean"), fn).toBe(true);
    const modules = new Set(moduleCases.map((c) => c.module));
    for (const m of ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d"]) expect(modules.has(m), m).toBe(true);
  });
});

describe("normalisation leaves the heap as it found it", () => {
  it("a thousand calls of every function and module free what they do not return", () => {
    const x = tidy(() => fixtures.tensor(fCases.find((c) => c.fn === "batchNorm" && c.input.shape.length === 4)!.input));
    const bn = new nn.BatchNorm2d(x.shape[1]);
    const inorm = new nn.InstanceNorm2d(x.shape[1], { trackRunningStats: true });
    const start = memory();
    for (let i = 0; i < 1000; i++) {
      tidy(() => {
        bn.train(i % 2 === 0).forward(x);
        inorm.train(i % 2 === 0).forward(x);
        F.layerNorm(x, x.shape.slice(2) as number[]);
        F.groupNorm(x.transpose(2, 3), 1);
        F.instanceNorm(x);
        bn.stateDict();
      });
    }
    expect(memory().tensors).toBe(start.tensors);
    expect(memory().bytes).toBe(start.bytes);
    bn.dispose();
    inorm.dispose();
    x.dispose();
  });
});
