// The trained digit models of examples/digits/ (tools/train_digits.py): wasm-nn gives
// PyTorch's answers. The classifier agrees with PyTorch's class on every held-out digit
// and its probabilities are PyTorch's within the whole-model tolerance; the DCGAN
// generator draws PyTorch's images from the committed noise vectors; and the gallery's
// drawing pad turns strokes into inputs shaped like the training data.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { F, type Tensor, loadSafetensors, memory, tensor, tidy } from "../src/index";
import { loadModelFile } from "../src/node/model";
import type { LoadedModel } from "../src/nn/load-model";
import { PEN_RADIUS, SIDE, strokesToBitmap } from "../examples/gallery/digit-strokes.js";
import { worstMismatch } from "./helpers/allclose";

const DIR = fileURLToPath(new URL("../examples/digits/", import.meta.url));
const WHOLE_MODEL = { rtol: 1e-3, atol: 1e-4 };
const reference = JSON.parse(readFileSync(join(DIR, "reference.json"), "utf8"));

let classifier: LoadedModel;
let generator: LoadedModel;
let heldout: Record<string, Tensor>;
let samples: Record<string, Tensor>;
let before: ReturnType<typeof memory>;

beforeAll(async () => {
  before = memory();
  [classifier, generator] = await Promise.all([loadModelFile(join(DIR, "digits-cnn")), loadModelFile(join(DIR, "digits-gan"))]);
  heldout = loadSafetensors(readFileSync(join(DIR, "heldout.safetensors")));
  samples = loadSafetensors(readFileSync(join(DIR, "gan-samples.safetensors")));
});

afterAll(() => {
  for (const t of [...Object.values(heldout), ...Object.values(samples)]) t.dispose();
  classifier.dispose();
  generator.dispose();
  expect(memory().tensors).toBe(before.tensors);
});

/** The classifier's probabilities for [N,1,8,8] inputs in the training scale (pixel / 16). */
function probabilities(inputs: Tensor): Float32Array {
  return tidy(() => F.softmax(classifier.forward(inputs) as Tensor, { dim: 1 }).toArray() as Float32Array);
}

function argmaxRows(p: ArrayLike<number>, classes = 10): number[] {
  const out: number[] = [];
  for (let i = 0; i < p.length; i += classes) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[i + c] > p[i + best]) best = c;
    out.push(best);
  }
  return out;
}

describe("the committed held-out split", () => {
  it("is the documented split: 360 digits of every class, pixels 0..16, PyTorch over 97% right", () => {
    expect(heldout.inputs.shape).toEqual([360, 1, 8, 8]);
    expect(heldout.probabilities.shape).toEqual([360, 10]);
    expect(reference.heldout).toBe(360);
    const pixels = heldout.inputs.toArray();
    expect(pixels.every((v) => Number.isInteger(v) && v >= 0 && v <= 16)).toBe(true);
    const labels = Array.from(heldout.labels.toArray());
    // stratified: each class has 36 (or 35, 37) of the 360
    for (let c = 0; c < 10; c++) expect(Math.abs(labels.filter((l) => l === c).length - 36)).toBeLessThanOrEqual(1);
    const pytorch = Array.from(heldout.predictions.toArray());
    expect(pytorch).toEqual(argmaxRows(heldout.probabilities.toArray()));
    expect(pytorch.filter((p, i) => p === labels[i]).length).toBe(reference.pytorch.correct);
    expect(reference.pytorch.accuracy).toBeGreaterThan(0.97);
  });
});

describe("the classifier", () => {
  it("picks PyTorch's class for every held-out digit, in one batch, with PyTorch's probabilities", () => {
    const got = tidy(() => probabilities(heldout.inputs.div(16)));
    const want = heldout.probabilities.toArray();
    const mismatch = worstMismatch(got, want, [360, 10], WHOLE_MODEL);
    expect(mismatch, JSON.stringify(mismatch)).toBeNull();
    const predicted = argmaxRows(got);
    expect(predicted).toEqual(Array.from(heldout.predictions.toArray()));
    const labels = heldout.labels.toArray();
    expect(predicted.filter((p, i) => p === labels[i]).length).toBe(reference.pytorch.correct);
  });

  it("gives the same answers one digit at a time as in the batch", () => {
    const want = heldout.probabilities.toArray();
    for (const i of [0, 1, 100, 359]) {
      const got = tidy(() => probabilities(heldout.inputs.narrow(0, i, 1).div(16)));
      expect(worstMismatch(got, want.subarray(i * 10, i * 10 + 10), [1, 10], WHOLE_MODEL), `digit ${i}`).toBeNull();
    }
  });

  it("the comparison notices a wrong input scaling (pixels not divided by 16)", () => {
    const got = tidy(() => probabilities(heldout.inputs.div(15)));
    expect(worstMismatch(got, heldout.probabilities.toArray(), [360, 10], WHOLE_MODEL)).not.toBeNull();
  });
});

describe("the DCGAN generator", () => {
  it("draws PyTorch's images from the committed noise vectors", () => {
    expect(samples.z.shape).toEqual([8, reference.nz, 1, 1]);
    const got = tidy(() => (generator.forward(samples.z) as Tensor).toArray() as Float32Array);
    const want = samples.images.toArray();
    expect(samples.images.shape).toEqual([8, 1, 8, 8]);
    // Real images: both ink (near +1) and paper (near -1), and eight different ones.
    expect(Math.max(...want)).toBeGreaterThan(0.5);
    expect(Math.min(...want)).toBeLessThan(-0.5);
    expect(new Set(Array.from({ length: 8 }, (_, n) => want.subarray(n * 64, n * 64 + 64).join())).size).toBe(8);
    const mismatch = worstMismatch(got, want, [8, 1, 8, 8], WHOLE_MODEL);
    expect(mismatch, JSON.stringify(mismatch)).toBeNull();
  });

  it("the comparison notices other noise", () => {
    const got = tidy(() => (generator.forward(samples.z.mul(0.9)) as Tensor).toArray());
    expect(worstMismatch(got, samples.images.toArray(), [8, 1, 8, 8], WHOLE_MODEL)).not.toBeNull();
  });
});

describe("the gallery's drawing pad (examples/gallery/digit-strokes.js)", () => {
  const ellipse = [Array.from({ length: 41 }, (_, k) => ({ x: 140 + 50 * Math.cos((k / 40) * 2 * Math.PI), y: 140 + 90 * Math.sin((k / 40) * 2 * Math.PI) }))];
  const line = [[{ x: 70, y: 30 }, { x: 70, y: 250 }]];
  /** What the classifier reads: 4x4 block averages of the 32x32 bitmap (ink count / 16). */
  const reduce = (bitmap: Float32Array) => tidy(() => F.avgPool2d(tensor(bitmap, [1, 1, SIDE, SIDE]), 4).toArray() as Float32Array);

  it("makes ink counts 0..16 per 4x4 block, filling the height and centred, like the data", () => {
    const counts = Array.from(reduce(strokesToBitmap(ellipse)), (v) => v * 16);
    expect(counts.every((v) => Number.isInteger(v) && v >= 0 && v <= 16)).toBe(true);
    const rows = Array.from({ length: 8 }, (_, r) => counts.slice(r * 8, r * 8 + 8));
    expect(rows.every((row) => row.some((v) => v > 0))).toBe(true); // every row has ink
    expect(rows.every((row) => row[0] === 0 && row[7] === 0)).toBe(true); // taller than wide: side columns empty
    for (const row of rows) expect(row).toEqual([...row].reverse()); // centred: symmetric left to right
  });

  it("the same drawing anywhere on the pad, at any size, gives the same input", () => {
    const moved = ellipse.map((s) => s.map(({ x, y }) => ({ x: 3 * x + 500, y: 3 * y - 40 })));
    expect(strokesToBitmap(moved)).toEqual(strokesToBitmap(ellipse));
  });

  it("nothing drawn is blank paper; a tap is a dot of the pen's size", () => {
    expect(strokesToBitmap([]).every((v) => v === 0)).toBe(true);
    const dot = strokesToBitmap([[{ x: 10, y: 10 }]]);
    const ink = dot.reduce((a, v) => a + v, 0);
    expect(ink).toBeGreaterThan(Math.PI * PEN_RADIUS * PEN_RADIUS * 0.7);
    expect(ink).toBeLessThan(Math.PI * PEN_RADIUS * PEN_RADIUS * 1.5);
  });

  it("the classifier reads a drawn ellipse as 0 and a vertical line as 1", () => {
    const read = (strokes: { x: number; y: number }[][]) => argmaxRows(tidy(() => probabilities(tensor(reduce(strokesToBitmap(strokes)), [1, 1, 8, 8]))))[0];
    expect(read(ellipse)).toBe(0);
    expect(read(line)).toBe(1);
  });
});
