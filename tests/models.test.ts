// nn.loadModel round trips: real PyTorch models exported by tools/export_model.py
// (fixtures from tests/models/gen.py) match PyTorch's float64 answer.
import { describe, expect, it } from "vitest";
import { type Tensor, memory, nn } from "../src/index";
import { modelInput, modelWeights, readModelFixture } from "./helpers/model-fill";

const MODELS = ["ops", "mlp", "dcgan", "unet", "squeezenet1_1", "mobilenet_v2", "resnet18"];

function maxError(got: Float32Array, want: Float32Array): { abs: number; worst: number } {
  let abs = 0;
  let worst = 0; // the largest |got - want| / (atol + rtol |want|): at most 1 passes
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    abs = Math.max(abs, d);
    worst = Math.max(worst, Number.isNaN(d) ? Infinity : d / (1e-4 + 1e-3 * Math.abs(want[i])));
  }
  return { abs, worst };
}

describe("round trip", () => {
  for (const name of MODELS) {
    it(`${name} matches PyTorch`, () => {
      const { graph, meta, expected } = readModelFixture(name);
      const before = memory();
      const model = nn.loadModel(graph, modelWeights(meta));
      const x = modelInput(name, meta.input);
      const t0 = performance.now();
      const out = model.forward(x);
      const ms = performance.now() - t0;
      const outs = (meta.tuple ? out : [out]) as Tensor[];
      expect(outs.length).toBe(expected.length);
      outs.forEach((o, i) => {
        expect(o.shape).toEqual(meta.outputs[i]);
        const { abs, worst } = maxError(o.toArray() as Float32Array, expected[i]);
        console.log(`${name}[${i}]: max abs error ${abs.toExponential(2)}, worst/tol ${worst.toFixed(3)}, forward ${ms.toFixed(1)} ms`);
        expect(worst).toBeLessThanOrEqual(1);
        o.dispose();
      });
      x.dispose();
      model.dispose();
      expect(memory().tensors).toBe(before.tensors);
      expect(memory().bytes).toBe(before.bytes);
    });
  }
});
