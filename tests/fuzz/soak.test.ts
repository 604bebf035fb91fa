// Soak: long loops must keep memory() and the heap flat. A small CNN forward 10,000
// times under tidy(); sizes that force the heap to grow, then the same sizes again
// without further growth; two models interleaved across awaits.
import { describe, expect, it } from "vitest";
import { type Tensor, manualSeed, memory, nn, rand, tensor, tidy } from "../../src/index";

function smallCnn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(4, 8, 3),
    new nn.GELU(),
    new nn.AdaptiveAvgPool2d(1),
    new nn.Flatten(),
    new nn.Linear(8, 10),
    new nn.Softmax({ dim: 1 }),
  );
}

const counters = () => {
  const m = memory();
  return { tensors: m.tensors, bytes: m.bytes, heapBytes: m.heapBytes };
};

describe("soak", () => {
  it("a small CNN forward 10,000 times under tidy keeps memory() and the heap flat", () => {
    manualSeed(1);
    const model = smallCnn().eval();
    const x = rand(2, 1, 8, 8);
    const first = tidy(() => (model.forward(x) as Tensor).toArray());
    const start = counters();
    for (let i = 0; i < 10_000; i++) {
      const y = tidy(() => (model.forward(x) as Tensor).toArray());
      if (i % 1000 === 999) {
        // Same input, same answer: nothing was overwritten along the way.
        expect(Array.from(y)).toEqual(Array.from(first));
        expect(counters()).toEqual(start);
      }
    }
    expect(counters()).toEqual(start);
    x.dispose();
    model.dispose();
  });

  it("sizes that force the heap to grow: correct results, and a second pass allocates nothing new", () => {
    const model = new nn.Linear(16, 4);
    const base = counters();
    const pass = () => {
      for (const rows of [1, 1 << 10, 1 << 14, 1 << 16, 3, 1 << 15, 1 << 12, 7, 1 << 16]) {
        tidy(() => {
          const x = tensor(new Float32Array(rows * 16).map((_, i) => (i % 16) - 8), [rows, 16]);
          const y = model.forward(x) as Tensor;
          // Every row is the same; spot-check the first and the last against the first row's values.
          const v = y.toArray();
          const firstRow = Array.from(v.subarray(0, 4));
          expect(Array.from(v.subarray(v.length - 4))).toEqual(firstRow);
          // A big intermediate alongside, so blocks of different sizes interleave.
          rand(rows, 8).dispose();
        });
      }
    };
    pass();
    const afterFirst = counters();
    expect([afterFirst.tensors, afterFirst.bytes]).toEqual([base.tensors, base.bytes]);
    expect(afterFirst.heapBytes).toBeGreaterThan(base.heapBytes);
    for (let i = 0; i < 3; i++) pass();
    expect(counters()).toEqual(afterFirst);
    model.dispose();
  });

  it("two models interleaved with await give the results they give alone, and free everything", async () => {
    manualSeed(2);
    const a = smallCnn().eval();
    const b = new nn.Sequential(new nn.Linear(6, 5), new nn.Tanh(), new nn.Linear(5, 2));
    const xa = rand(1, 1, 6, 6);
    const xb = rand(3, 6);
    const alone = {
      a: tidy(() => Array.from((a.forward(xa) as Tensor).toArray())),
      b: tidy(() => Array.from((b.forward(xb) as Tensor).toArray())),
    };
    const start = counters();
    const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
    const run = async (model: nn.Sequential, x: Tensor, expected: number[], steps: number) => {
      for (let i = 0; i < steps; i++) {
        // Half the steps keep their result across the await, as async code does.
        const kept = i % 2 === 0 ? (model.forward(x) as Tensor) : null;
        await tick();
        const y = tidy(() => Array.from((model.forward(x) as Tensor).toArray()));
        expect(y).toEqual(expected);
        if (kept) {
          expect(Array.from(kept.toArray())).toEqual(expected);
          kept.dispose();
        }
      }
    };
    await Promise.all([run(a, xa, alone.a, 200), run(b, xb, alone.b, 300)]);
    expect(counters()).toEqual(start);
    for (const t of [xa, xb]) t.dispose();
    a.dispose();
    b.dispose();
  });
});
