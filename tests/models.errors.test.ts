// nn.loadModel with untrusted graphs: every kind of bad graph or weight file is one clear
// TypeError/RangeError "loadModel: ..." and allocates nothing; the loaded model frees its
// intermediates (flat memory over many calls, and after a failing call); PyTorch's state
// dict keys; hand-written graphs for getitem, chunk, tuples and inputs passed through.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Tensor, arange, memory, nn, randn, saveSafetensors, tensor } from "../src/index";
import { loadModelFile } from "../src/node/index";
import { modelInput, modelWeights, readModelFixture } from "./helpers/model-fill";

type Graph = Record<string, unknown>;

/** A small valid graph: Linear(4, 3) -> relu -> add input slice; weights to match. */
function small(): Graph {
  return {
    format: "wasm-nn-graph",
    version: 1,
    inputs: [{ name: "x", shape: [2, 4], dtype: "float32" }],
    outputs: { node: "out" },
    modules: {
      "body.fc": { type: "Linear", args: [4, 3], options: { bias: true } },
      "body.bn": { type: "BatchNorm1d", args: [3], options: {} },
    },
    nodes: [
      { name: "fc", op: "call_module", target: "body.fc", args: [{ node: "x" }] },
      { name: "bn", op: "call_module", target: "body.bn", args: [{ node: "fc" }] },
      { name: "r", op: "call_function", target: "F.relu", args: [{ node: "bn" }] },
      { name: "out", op: "call_function", target: "add", args: [{ node: "r" }, 1], options: { alpha: 2 } },
    ],
  };
}

function weightsFor(entries: Record<string, number[] | Tensor>): Uint8Array {
  const dict: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(entries)) dict[k] = Array.isArray(v) ? randn(v) : v;
  try {
    return saveSafetensors(dict);
  } finally {
    for (const t of Object.values(dict)) t.dispose();
  }
}

const SMALL_WEIGHTS = (): Record<string, number[] | Tensor> => ({
  "body.fc.weight": [3, 4],
  "body.fc.bias": [3],
  "body.bn.weight": [3],
  "body.bn.bias": [3],
  "body.bn.running_mean": [3],
  "body.bn.running_var": [3],
  "body.bn.num_batches_tracked": tensor(Int32Array.of(5), []),
});

function expectRefused(graph: unknown, weights: Uint8Array, cls: typeof TypeError | typeof RangeError, message: RegExp | string): void {
  const before = memory();
  let error: unknown;
  try {
    nn.loadModel(graph, weights);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(cls);
  expect((error as Error).message.startsWith("loadModel: ")).toBe(true);
  expect((error as Error).message).toMatch(message);
  expect(memory().tensors).toBe(before.tensors);
  expect(memory().bytes).toBe(before.bytes);
}

const edit = (f: (g: Graph & { nodes: Graph[]; modules: Record<string, Graph> }) => void): Graph => {
  const g = small() as Graph & { nodes: Graph[]; modules: Record<string, Graph> };
  f(g);
  return g;
};

describe("loadModel checks the graph before allocating", () => {
  const w = weightsFor(SMALL_WEIGHTS());

  it("accepts the valid graph, as an object or as JSON text", () => {
    for (const g of [small(), JSON.stringify(small())]) {
      const m = nn.loadModel(g, w);
      expect(m.training).toBe(false);
      expect(Object.keys(m.stateDict())).toEqual(Object.keys(SMALL_WEIGHTS()));
      m.dispose();
    }
  });

  it("format, version, JSON, shape of the document", () => {
    expectRefused(42, w, TypeError, /expected graph to be a model graph object/);
    expectRefused("{nope", w, RangeError, /not valid JSON/);
    expectRefused(edit((g) => (g.format = "onnx")), w, RangeError, /expected graph.format "wasm-nn-graph", got "onnx"/);
    expectRefused(edit((g) => (g.version = 2)), w, RangeError, /unknown graph version 2: this wasm-nn reads version 1/);
    expectRefused(edit((g) => (g.extra = 1)), w, TypeError, /unknown field "extra"/);
    expectRefused(edit((g) => (g.nodes = {} as never)), w, TypeError, /expected graph.nodes to be an array/);
    expectRefused(edit((g) => (g.inputs = [])), w, TypeError, /graph.inputs to be a non-empty array/);
  });

  it("unknown ops are listed together in one error", () => {
    const g = edit((g) => {
      g.modules.rnn = { type: "LSTM", args: [4, 4], options: {} };
      g.nodes.push({ name: "a", op: "call_function", target: "torch.cumsum", args: [{ node: "out" }] });
      g.nodes.push({ name: "b", op: "call_method", target: "sort", args: [{ node: "a" }] });
      g.nodes.push({ name: "c", op: "call_weird", target: "x", args: [] });
    });
    expectRefused(g, w, RangeError, /uses 4 op\(s\) this wasm-nn does not know: module type "LSTM" \(rnn\), function "torch.cumsum", method "sort", op "call_weird" \(node "c"\)/);
  });

  it("bad references and names", () => {
    expectRefused(edit((g) => (g.nodes[0].args = [{ node: "bn" }])), w, RangeError, /node "fc": references "bn", which is not an input or an earlier node/);
    expectRefused(edit((g) => (g.nodes[0].args = [{ node: "fc" }])), w, RangeError, /references "fc", which is the node itself/);
    expectRefused(edit((g) => (g.outputs = [{ node: "out" }, { node: "nope" }])), w, RangeError, /graph.outputs: references "nope"/);
    expectRefused(edit((g) => (g.nodes[1].name = "fc")), w, RangeError, /node "fc": the name is used twice/);
    expectRefused(edit((g) => (g.nodes[0].target = "body.conv")), w, RangeError, /target "body.conv" is not a module of the graph/);
    expectRefused(edit((g) => (g.nodes[2].args = [{ node: "bn", extra: 1 }])), w, TypeError, /expected a literal or a reference \{"node": name\}/);
    expectRefused(edit((g) => (g.modules.body = { type: "Identity", args: [], options: {} })), w, RangeError, /its parent "body" is itself a module/);
  });

  it("wrong arity and options", () => {
    expectRefused(edit((g) => (g.nodes[3].args = [{ node: "r" }])), w, RangeError, /node "out" \(add\): expected 2 arguments, got 1/);
    expectRefused(edit((g) => (g.nodes[3].options = { alpah: 2 })), w, TypeError, /node "out" \(add\): unknown option "alpah"; options are alpha/);
    expectRefused(edit((g) => (g.nodes[0].args = [{ node: "x" }, { node: "x" }])), w, RangeError, /module "body.fc" \(Linear\) takes 1 input\(s\), got 2/);
    expectRefused(edit((g) => (g.modules["body.fc"].args = [4])), w, RangeError, /module "body.fc" \(Linear\): expected 2 arguments, got 1/);
    expectRefused(edit((g) => (g.modules["body.fc"].options = { bais: true })), w, TypeError, /unknown option "bais"; options are bias/);
    expectRefused(edit((g) => (g.modules["body.fc"].args = [4, -3])), w, RangeError, /expected args\[1\] \(outFeatures\) to be a non-negative integer, got -3/);
    expectRefused(edit((g) => (g.nodes[0] = { ...g.nodes[0], op: "getitem", target: undefined, args: [{ node: "x" }, [{ slice: [0, 1, -1] }]] })), w, RangeError, /slice/);
  });

  it("weights that do not match the modules: every difference in one error", () => {
    const bad = SMALL_WEIGHTS();
    delete bad["body.fc.bias"];
    bad["body.fc.weight"] = [4, 3];
    bad["body.extra"] = [2];
    bad["body.bn.num_batches_tracked"] = [];
    expectRefused(
      small(),
      weightsFor(bad),
      RangeError,
      /"body.fc.weight" has shape \[4,3\], but Linear "body.fc" needs \[3,4\]; missing "body.fc.bias".*"body.bn.num_batches_tracked" has dtype "F32", but BatchNorm1d needs an integer.*unexpected "body.extra"/,
    );
    expectRefused(small(), w.subarray(0, 20), RangeError, /loadModel: weights: loadSafetensors: .*truncated/);
    expectRefused(small(), "weights" as never, TypeError, /expected weights the bytes of a .safetensors file/);
  });

  it("a module argument its constructor rejects: nothing is left allocated", () => {
    expectRefused(edit((g) => (g.modules["body.bn"].options = { eps: -1 })), w, RangeError, /module "body.bn" \(BatchNorm1d\): BatchNorm1d: .*eps/);
  });
});

describe("the loaded model", () => {
  it("returns PyTorch's state dict keys and frees every intermediate (flat memory over many calls)", () => {
    const { graph, meta } = readModelFixture("unet");
    const model = nn.loadModel(graph, modelWeights(meta));
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(meta.state));
    const x = modelInput("unet", meta.input);
    const base = memory();
    for (let i = 0; i < 10; i++) {
      const y = model.forward(x) as Tensor;
      expect(memory().tensors).toBe(base.tensors + 1);
      y.dispose();
      expect(memory().bytes).toBe(base.bytes);
    }
    x.dispose();
    model.dispose();
  });

  it("a tuple result is an array; a failing call frees what it made and names the node", () => {
    const { graph, meta } = readModelFixture("mlp");
    const model = nn.loadModel(graph, modelWeights(meta));
    const x = modelInput("mlp", meta.input);
    const base = memory();
    const out = model.forward(x) as Tensor[];
    expect(out.map((t) => t.shape)).toEqual([[4, 10], [4]]);
    for (const t of out) t.dispose();
    const wrong = randn([4, 4, 6]);
    const before = memory();
    expect(() => model.forward(wrong)).toThrow(/node "fc1": Linear: expected input with 32 features/);
    expect(memory()).toEqual(before);
    expect(() => model.forward(x, x)).toThrow(/expected 1 input\(s\) \(x\), got 2/);
    wrong.dispose();
    const flat = randn([4, 32]);
    expect(() => model.forward(flat)).toThrow(/expected x to have 3 dimensions/);
    flat.dispose();
    expect(memory().tensors).toBe(base.tensors);
    x.dispose();
    model.dispose();
  });

  it("getitem on tensors and tuples, chunk and split, and an input returned as it is", () => {
    const graph = {
      format: "wasm-nn-graph",
      version: 1,
      inputs: [{ name: "x", shape: [2, 3, 4] }],
      outputs: [{ node: "a" }, { node: "b" }, { node: "c" }, { node: "x" }, { node: "s1" }],
      modules: {},
      nodes: [
        { name: "a", op: "getitem", args: [{ node: "x" }, ["...", { slice: [1, null, 2] }]] },
        { name: "b", op: "getitem", args: [{ node: "x" }, [1, null, { slice: [-2, null, null] }]] },
        { name: "ch", op: "call_method", target: "chunk", args: [{ node: "x" }, 2, -1] },
        { name: "c", op: "getitem", args: [{ node: "ch" }, -1] },
        { name: "sp", op: "call_method", target: "split", args: [{ node: "x" }, [1, 2], 1] },
        { name: "s1", op: "getitem", args: [{ node: "sp" }, 1] },
      ],
    };
    const model = nn.loadModel(graph, saveSafetensors({}));
    const x = arange(24).reshape([2, 3, 4]);
    const base = memory().tensors;
    const [a, b, c, same, s1] = model.forward(x) as Tensor[];
    expect(a.toNested()).toEqual([[[1, 3], [5, 7], [9, 11]], [[13, 15], [17, 19], [21, 23]]]);
    expect(b.toNested()).toEqual([[[16, 17, 18, 19], [20, 21, 22, 23]]]);
    expect(c.toNested()).toEqual([[[2, 3], [6, 7], [10, 11]], [[14, 15], [18, 19], [22, 23]]]);
    expect(s1.shape).toEqual([2, 2, 4]);
    for (const t of [a, b, c, same, s1]) t.dispose();
    expect(x.isDisposed).toBe(false);
    expect(memory().tensors).toBe(base);
    x.dispose();
    model.dispose();
  });

  it("loadModelFile reads prefix.json and prefix.safetensors", async () => {
    const { graph, meta } = readModelFixture("dcgan");
    const dir = mkdtempSync(join(tmpdir(), "wasm-nn-model-"));
    writeFileSync(join(dir, "g.json"), graph);
    writeFileSync(join(dir, "g.safetensors"), modelWeights(meta));
    const model = await loadModelFile(join(dir, "g"));
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(meta.state));
    model.dispose();
    await expect(loadModelFile(join(dir, "missing"))).rejects.toThrow(/ENOENT/);
  });
});
