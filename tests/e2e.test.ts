// End to end: a CNN defined in PyTorch, its weights exported with
// tools/export_safetensors.py, rebuilt as the same nn.Sequential in wasm-nn.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Tensor, loadSafetensors, memory, nn, tidy } from "../src/index";
import { expectClose } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

interface E2ECase {
  file: string;
  keys: string[];
  input: TensorRef;
  expected: TensorRef;
  logits: TensorRef;
}

const fixtures = new Fixtures<E2ECase>("e2e");

function cnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { stride: 1, padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(16 * 4 * 4, 10),
    new nn.Softmax({ dim: 1 }),
  );
}

describe("a PyTorch CNN runs in wasm-nn with PyTorch's weights", () => {
  const c = fixtures.cases[0];

  it("has PyTorch's state_dict keys", () => {
    const model = cnn();
    expect(Object.keys(model.stateDict())).toEqual(c.keys);
    model.dispose();
  });

  it("gives PyTorch's outputs after loadSafetensors + loadStateDict", () => {
    const start = memory();
    const model = cnn();
    const weights = loadSafetensors(readFileSync(new URL(`./golden/fixtures/${c.file}`, import.meta.url)));
    model.loadStateDict(weights);
    for (const t of Object.values(weights)) t.dispose();
    model.eval();
    tidy(() => {
      const x = fixtures.tensor(c.input);
      expectClose(model.forward(x) as Tensor, fixtures.values(c.expected), c.expected.shape, {}, "softmax output");
      // The same layers without the final Softmax: the raw logits, a stricter check.
      const body = new nn.Sequential(...model.children().slice(0, -1));
      expectClose(body.forward(x) as Tensor, fixtures.values(c.logits), c.logits.shape, {}, "logits");
    });
    model.dispose();
    expect(memory()).toMatchObject({ tensors: start.tensors, bytes: start.bytes });
  });
});
