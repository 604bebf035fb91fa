// Dropout: PyTorch fixtures for what is deterministic (eval and p = 0: the input; p = 1:
// input * 0; the kept and dropped values in training, from tests/golden/gen_dropout.py),
// and statistics for what is random (dropped fraction within 6 sigma of p, whole channels
// for the feature variants, the same mask after the same manualSeed), plus every error.
import { describe, expect, it } from "vitest";
import { F, type Tensor, manualSeed, memory, nn, tensor, tidy, zeros } from "../src/index";
import { expectClose, expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";
import { rng } from "./helpers/random";

type Fn = "dropout" | "dropout1d" | "dropout2d" | "dropout3d" | "alphaDropout" | "featureAlphaDropout";
interface ValueCase {
  id: string;
  fn: Fn;
  input: TensorRef;
  options: { p?: number; training: boolean };
  expected: TensorRef;
  trainingDefault: boolean;
}
interface Constants {
  id: string;
  fn: "constants";
  p: number;
  keepFactor: number;
  alphaKeepFactor: number;
  alphaKeepAdd: number;
  alphaDropValue: number;
}

const fixtures = new Fixtures<ValueCase | Constants>("dropout");
const valueCases = fixtures.cases.filter((c): c is ValueCase => c.fn !== "constants");
const constants = fixtures.cases.filter((c): c is Constants => c.fn === "constants");

const MODULES: Record<Fn, string> = {
  dropout: "Dropout", dropout1d: "Dropout1d", dropout2d: "Dropout2d", dropout3d: "Dropout3d",
  alphaDropout: "AlphaDropout", featureAlphaDropout: "FeatureAlphaDropout",
};
type DropFn = (x: Tensor, o?: object) => Tensor;
type Ctor = new (o?: object) => nn.Module & { forward(x: Tensor): Tensor };
const fn = (name: Fn) => F[name] as DropFn;
const ctor = (name: Fn) => (nn as unknown as Record<string, Ctor>)[MODULES[name]];

describe("deterministic cases match PyTorch (F and modules)", () => {
  for (const c of valueCases) {
    it(`${c.id} ${c.fn}([${c.input.shape}], ${JSON.stringify(c.options)})`, () => {
      tidy(() => {
        const x = fixtures.tensor(c.input);
        const want = fixtures.values(c.expected);
        expectExact(fn(c.fn)(x, c.options), want, c.expected.shape, "F");
        // The module: p from the options, training from train()/eval().
        const m = new (ctor(c.fn))(c.options.p === undefined ? {} : { p: c.options.p });
        m.train(c.options.training);
        const y = m.forward(x) as Tensor;
        expectExact(y, want, c.expected.shape, "module");
        if (c.options.p === 1) {
          // x * 0: -0 for negative inputs, as PyTorch.
          const values = y.toArray();
          expect(Object.is(values[2], -0)).toBe(true);
        }
        // Omitting training uses the variant's default (true for dropout*, false for the alpha variants).
        if (c.options.training === c.trainingDefault && c.options.p !== undefined && c.options.p !== 1 && c.options.p !== 0) {
          expectExact(fn(c.fn)(x, { p: c.options.p }), want, c.expected.shape, "default training");
        }
      });
    });
  }
});

/** Checks every value is kept (x * keep + add) or dropped, per unit; returns the dropped fraction of units. */
function droppedUnits(x: Float32Array, y: Float32Array, unitSize: number, keep: (v: number) => number, dropValue: number): number {
  const units = x.length / unitSize;
  let dropped = 0;
  for (let u = 0; u < units; u++) {
    let d = 0;
    for (let j = 0; j < unitSize; j++) {
      const i = u * unitSize + j;
      const k = keep(x[i]);
      const isKept = Math.abs(y[i] - k) <= 1e-5 + 1e-4 * Math.abs(k);
      const isDropped = Math.abs(y[i] - dropValue) <= 1e-5 + 1e-4 * Math.abs(dropValue);
      if (!isKept && !isDropped) throw new Error(`value ${y[i]} at ${i} is neither kept (${k}) nor dropped (${dropValue})`);
      if (isDropped && !isKept) d++;
    }
    if (d !== 0 && d !== unitSize) throw new Error(`unit ${u} is partly dropped (${d} of ${unitSize})`);
    if (d === unitSize) dropped++;
  }
  return dropped / units;
}

/** Inputs away from 0 so a kept value is never mistaken for a dropped one. */
function awayFromZero(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r.bool() ? 1 : -1) * (0.5 + r()));
}

// (variant, input shape, floats per unit)
const SHAPES: [Fn, number[], number][] = [
  ["dropout", [200, 101], 1],
  ["dropout", [7, 3, 5, 11, 13], 1],
  ["dropout1d", [40, 64, 7], 7],
  ["dropout1d", [512, 5], 5],
  ["dropout2d", [16, 64, 3, 5], 15],
  ["dropout2d", [300, 2, 3], 6],
  ["dropout3d", [8, 64, 2, 3, 3], 18],
  ["dropout3d", [128, 2, 1, 3], 6],
  ["alphaDropout", [100, 203], 1],
  ["featureAlphaDropout", [32, 40, 9], 9],
];

describe("training: statistics, scaling and whole channels", () => {
  for (const [name, shape, unitSize] of SHAPES) {
    for (const k of constants) {
      it(`${name}([${shape}], p=${k.p}): kept x ${name.includes("lpha") ? "a + alpha a p" : "/ (1 - p)"}, dropped fraction within 6 sigma`, () => {
        tidy(() => {
          const n = shape.reduce((a, b) => a * b, 1);
          const data = awayFromZero(n, 17 + n);
          const x = tensor(data, shape);
          const alpha = name.includes("lpha");
          const y = fn(name)(x, { p: k.p, training: true }).toArray() as Float32Array;
          const keep = alpha ? (v: number) => v * k.alphaKeepFactor + k.alphaKeepAdd : (v: number) => v * k.keepFactor;
          const frac = droppedUnits(data, y, unitSize, keep, alpha ? k.alphaDropValue : 0);
          const units = n / unitSize;
          expect(Math.abs(frac - k.p)).toBeLessThanOrEqual(6 * Math.sqrt((k.p * (1 - k.p)) / units));
        });
      });
    }
  }

  it("alpha dropout keeps the mean and variance of N(0, 1) inputs", () => {
    tidy(() => {
      const r = rng(5);
      const n = 200_000;
      const data = Float32Array.from({ length: n }, () => {
        // Box-Muller
        const u = 1 - r();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
      });
      const y = F.alphaDropout(tensor(data, [n]), { p: 0.3, training: true }).toArray() as Float32Array;
      const mean = y.reduce((a, b) => a + b, 0) / n;
      const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
      expect(Math.abs(mean)).toBeLessThan(0.02);
      expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    });
  });

  it("manualSeed reproduces a mask; the next draw differs; modules and F share the stream", () => {
    tidy(() => {
      const x = tensor(awayFromZero(4000, 3), [8, 50, 10]);
      for (const name of ["dropout", "dropout1d", "alphaDropout", "featureAlphaDropout"] as Fn[]) {
        manualSeed(1234);
        const a = fn(name)(x, { training: true }).toArray();
        manualSeed(1234);
        const b = fn(name)(x, { training: true }).toArray();
        const c = fn(name)(x, { training: true }).toArray();
        expect(b).toEqual(a);
        expect(c).not.toEqual(a);
        manualSeed(1234);
        const m = new (ctor(name))();
        expect((m.forward(x) as Tensor).toArray()).toEqual(a);
      }
    });
  });

  it("a strided view drops the same as its contiguous copy", () => {
    tidy(() => {
      const base = tensor(awayFromZero(6 * 8 * 5, 9), [6, 8, 5]);
      const view = base.transpose(0, 1);
      manualSeed(7);
      const a = F.dropout1d(view, { p: 0.4 }).toArray();
      manualSeed(7);
      const b = F.dropout1d(view.contiguous(), { p: 0.4 }).toArray();
      expect(a).toEqual(b);
    });
  });

  it("eval() returns a view with the input's values; the input is never modified", () => {
    tidy(() => {
      for (const name of Object.keys(MODULES) as Fn[]) {
        const shape = name === "dropout3d" ? [1, 3, 4, 5] : [3, 4, 5];
        const x = tensor(awayFromZero(60, 1), shape);
        const before = x.toArray();
        const m = new (ctor(name))({ p: 0.7 });
        const y = m.eval().forward(x) as Tensor;
        expectExact(y, before, shape, name);
        m.train().forward(x);
        expectExact(x, before, shape, `${name}: input after train()`);
      }
    });
  });

  it("empty inputs give empty outputs", () => {
    tidy(() => {
      expect(F.dropout(zeros([0, 4]), { p: 0.5 }).shape).toEqual([0, 4]);
      expect(F.dropout2d(zeros([2, 0, 3, 3]), { p: 0.5 }).shape).toEqual([2, 0, 3, 3]);
    });
  });
});

describe("errors", () => {
  const x3 = () => tensor(new Float32Array(24), [2, 3, 4]);
  const ofShape = (shape: number[], dtype: "float32" | "int32" = "float32") => () =>
    tensor(dtype === "int32" ? new Int32Array(shape.reduce((a, b) => a * b, 1)) : new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  const cases: [string, () => Tensor, (t: Tensor) => unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    ["p above 1", x3, (t) => F.dropout(t, { p: 1.5 }), RangeError, /^dropout: expected p a probability in \[0, 1\], got 1\.5$/],
    ["p below 0", x3, (t) => F.alphaDropout(t, { p: -0.1 }), RangeError, /^alphaDropout: expected p a probability in \[0, 1\], got -0\.1$/],
    ["p NaN", x3, (t) => F.dropout2d(t, { p: NaN }), TypeError, /^dropout2d: expected p a number, got NaN$/],
    ["p a string", x3, (t) => F.dropout(t, { p: "0.5" } as object), TypeError, /^dropout: expected p a number, got "0\.5"$/],
    ["training not boolean", x3, (t) => F.dropout(t, { training: 1 } as object), TypeError, /^dropout: expected training true or false, got 1$/],
    ["unknown option", x3, (t) => F.dropout(t, { prob: 0.5 } as object), TypeError, /^dropout: unknown option "prob".*options are p, training$/],
    ["inplace", x3, (t) => F.dropout(t, { inplace: true } as object), TypeError, /^dropout: the inplace option is not supported/],
    ["module p", x3, () => new nn.Dropout({ p: 2 }), RangeError, /^Dropout: expected p a probability in \[0, 1\], got 2$/],
    ["module option", x3, () => new nn.Dropout2d({ q: 1 } as object), TypeError, /^Dropout2d: unknown option "q"/],
    ["dropout1d rank", ofShape([2, 2, 2, 2]), (t) => F.dropout1d(t), RangeError, /^dropout1d: expected input with 2 \(unbatched \[C, L\]\) or 3 \(batched \[N, C, L\]\) dimensions, got 4 \(shape \[2,2,2,2\]\)$/],
    ["dropout2d rank", ofShape([4]), (t) => F.dropout2d(t), RangeError, /^dropout2d: expected input with 3 .* or 4 .* dimensions, got 1/],
    ["Dropout3d rank", x3, (t) => new nn.Dropout3d().forward(t), RangeError, /^Dropout3d: expected input with 4 .* or 5 .* dimensions, got 3/],
    ["feature alpha rank", ofShape([4]), (t) => F.featureAlphaDropout(t, { training: true }), RangeError, /^featureAlphaDropout: expected input with at least 2 dimensions/],
    ["int32 input", ofShape([4], "int32"), (t) => F.dropout(t), TypeError, /^dropout: expected input of dtype float32, got int32/],
    ["not a tensor", x3, () => F.dropout([1, 2, 3] as unknown as Tensor), TypeError, /^dropout: expected input a Tensor, got \[1,2,3\]$/],
    ["disposed", x3, (t) => (t.dispose(), F.dropout(t)), TypeError, /^dropout: input is a disposed tensor$/],
  ];
  for (const [label, make, call, cls, message] of cases) {
    it(`${label}: ${cls.name}, nothing allocated, input unchanged`, () => {
      tidy(() => {
        const t = make();
        const values = t.toArray();
        const before = memory();
        let error: unknown;
        try {
          call(t);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(cls);
        expect((error as Error).message).toMatch(message);
        if (!t.isDisposed) {
          expect(memory()).toEqual(before);
          expect(t.toArray()).toEqual(values);
        }
      });
    });
  }
});

describe("dropout leaves the heap as it found it", () => {
  it("a thousand calls free what they do not return", () => {
    const x = tensor(awayFromZero(2 * 8 * 16, 2), [2, 8, 16]);
    const start = memory();
    for (let i = 0; i < 1000; i++) {
      tidy(() => {
        F.dropout(x, { p: 0.3 });
        F.dropout1d(x.transpose(1, 2));
        F.alphaDropout(x, { training: true });
        F.featureAlphaDropout(x, { training: true, p: 1 });
        new nn.Dropout2d().eval().forward(x);
      });
    }
    expect(memory().tensors).toBe(start.tensors);
    expect(memory().bytes).toBe(start.bytes);
    x.dispose();
  });
});
