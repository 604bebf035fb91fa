// Activations: PyTorch fixtures (tests/golden/gen_activation.py) through F and nn, seeded
// property tests against plain float64 references, a dense accuracy sweep, RReLU's random
// mode, and every error the family promises.
import { describe, expect, it } from "vitest";
import { F, type Tensor, manualSeed, memory, nn, tensor, tidy } from "../src/index";
import { expectClose, expectExact } from "./helpers/allclose";
import { type Options, activationRef } from "./helpers/activation-ref";
import { rng } from "./helpers/random";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

type ActivationCase =
  | { id: string; kind: "elementwise"; fn: string; module: string; options: Options; args: number[]; input: TensorRef; expected: TensorRef }
  | { id: string; kind: "prelu"; input: TensorRef; weight: TensorRef; expected: TensorRef }
  | { id: string; kind: "glu"; dim: number; input: TensorRef; expected: TensorRef };

const fixtures = new Fixtures<ActivationCase>("activation");
const cases = <K extends ActivationCase["kind"]>(kind: K) =>
  fixtures.cases.filter((c): c is Extract<ActivationCase, { kind: K }> => c.kind === kind);

type AnyFn = (...a: unknown[]) => Tensor;
const Fn = F as unknown as Record<string, AnyFn>;
const Modules = nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>;

/** Piecewise-linear selections that must reproduce PyTorch exactly. */
const EXACT = new Set(["relu", "relu6", "hardtanh", "threshold", "hardshrink"]);

function callF(name: string, x: Tensor, options: Options, args: number[]): Tensor {
  return Object.keys(options).length > 0 ? Fn[name](x, ...args, options) : Fn[name](x, ...args);
}

function makeModule(module: string, options: Options, args: number[]): nn.Module {
  const { training: _ignored, ...moduleOptions } = options;
  const m = Object.keys(moduleOptions).length > 0 ? new Modules[module](...args, moduleOptions) : new Modules[module](...args);
  if (module === "RReLU") m.eval();
  return m;
}

describe("activations match PyTorch (float64 references)", () => {
  for (const c of cases("elementwise")) {
    const label = `${c.fn}(${JSON.stringify(c.options)}${c.args.length ? `, ${c.args}` : ""}) on [${c.input.shape}]`;
    it(`F.${label}`, () => {
      tidy(() => {
        const x = fixtures.tensor(c.input);
        const before = x.toArray();
        const y = callF(c.fn, x, c.options, c.args);
        if (EXACT.has(c.fn)) expectExact(y, fixtures.values(c.expected), c.expected.shape, c.id);
        else expectClose(y, fixtures.values(c.expected), c.expected.shape, {}, c.id);
        expect(x.toArray()).toEqual(before);
      });
    });
    it(`nn.${c.module} ${label}`, () => {
      tidy(() => {
        const m = makeModule(c.module, c.options, c.args);
        const y = m.forward(fixtures.tensor(c.input)) as Tensor;
        expectClose(y, fixtures.values(c.expected), c.expected.shape, {}, c.id);
      });
    });
  }

  it("keeps NaN and infinities where PyTorch does", () => {
    tidy(() => {
      const x = tensor([NaN, Infinity, -Infinity]);
      const pick = (t: Tensor) => Array.from(t.toArray());
      expect(pick(F.relu(x))).toEqual([NaN, Infinity, 0]);
      expect(pick(F.sigmoid(x))).toEqual([NaN, 1, 0]);
      expect(pick(F.tanh(x))).toEqual([NaN, 1, -1]);
      expect(pick(F.gelu(x))).toEqual([NaN, Infinity, NaN]);
      expect(pick(F.silu(x))).toEqual([NaN, Infinity, NaN]);
      expect(pick(F.mish(x))).toEqual([NaN, Infinity, NaN]);
      expect(pick(F.softplus(x))).toEqual([NaN, Infinity, 0]);
      expect(pick(F.logsigmoid(x))).toEqual([NaN, 0, -Infinity]);
      expect(pick(F.softsign(x))).toEqual([NaN, NaN, NaN]);
      expect(pick(F.elu(x))).toEqual([NaN, Infinity, -1]);
      expect(pick(F.softshrink(x))).toEqual([NaN, Infinity, -Infinity]);
    });
  });

  it("offers logSigmoid as an alias of logsigmoid that reports errors under its own name", () => {
    const x = tensor([-30, -1, 0, 2.5, 40]);
    expect(Array.from(F.logSigmoid(x).toArray())).toEqual(Array.from(F.logsigmoid(x).toArray()));
    expect(() => F.logSigmoid([1, 2] as never)).toThrow(/^logSigmoid: expected input a Tensor/);
  });
});

describe("PReLU matches PyTorch", () => {
  for (const c of cases("prelu")) {
    it(`F.prelu on [${c.input.shape}] with ${c.weight.shape[0]} weight(s)`, () => {
      tidy(() => {
        const y = F.prelu(fixtures.tensor(c.input), fixtures.tensor(c.weight));
        expectClose(y, fixtures.values(c.expected), c.expected.shape, {}, c.id);
      });
    });
    it(`nn.PReLU({numParameters: ${c.weight.shape[0]}}) on [${c.input.shape}] after loadStateDict`, () => {
      tidy(() => {
        const m = new nn.PReLU({ numParameters: c.weight.shape[0] });
        m.loadStateDict({ weight: fixtures.tensor(c.weight) });
        expectClose(m.forward(fixtures.tensor(c.input)), fixtures.values(c.expected), c.expected.shape, {}, c.id);
        m.dispose();
      });
    });
  }

  it("has PyTorch's parameter: weight [numParameters] filled with init (0.25 by default)", () => {
    const a = new nn.PReLU();
    const b = new nn.PReLU({ numParameters: 3, init: -0.1 });
    expect(a.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([["weight", [1]]]);
    expect(Array.from(a.weight.toArray())).toEqual([0.25]);
    expect(Array.from(b.weight.toArray())).toEqual(Array(3).fill(Math.fround(-0.1)));
    a.dispose();
    b.dispose();
  });

  it("accepts a 0-D weight and a strided weight view", () => {
    tidy(() => {
      const x = tensor([[-1, 2, -3], [4, -5, 6]]);
      expect(Array.from(F.prelu(x, tensor(0.5)).toArray())).toEqual([-0.5, 2, -1.5, 4, -2.5, 6]);
      const w = tensor([0.1, 9, 0.2, 9, 0.3, 9]).slice(0, 0, 6, 2); // [0.1, 0.2, 0.3], stride 2
      expectClose(F.prelu(x, w), [-0.1, 2, -0.9, 4, -1, 6], [2, 3]);
    });
  });
});

describe("GLU matches PyTorch", () => {
  for (const c of cases("glu")) {
    it(`F.glu(dim ${c.dim}) and nn.GLU on [${c.input.shape}]`, () => {
      tidy(() => {
        const x = fixtures.tensor(c.input);
        const opts = c.dim === -1 ? undefined : { dim: c.dim };
        expectClose(F.glu(x, opts), fixtures.values(c.expected), c.expected.shape, {}, c.id);
        expectClose(new nn.GLU(opts).forward(x), fixtures.values(c.expected), c.expected.shape, {}, c.id);
      });
    });
  }
});

// ---- property tests against the float64 references ----

const PROPERTY_FNS: [string, () => Options][] = [
  ["relu", () => ({})],
  ["relu6", () => ({})],
  ["leakyRelu", () => ({ negativeSlope: 0.3 })],
  ["rrelu", () => ({ lower: 0.1, upper: 0.2 })],
  ["elu", () => ({ alpha: 1.3 })],
  ["selu", () => ({})],
  ["celu", () => ({ alpha: 0.6 })],
  ["gelu", () => ({})],
  ["gelu", () => ({ approximate: "tanh" })],
  ["silu", () => ({})],
  ["mish", () => ({})],
  ["sigmoid", () => ({})],
  ["tanh", () => ({})],
  ["hardtanh", () => ({ minVal: -0.7, maxVal: 2 })],
  ["hardsigmoid", () => ({})],
  ["hardswish", () => ({})],
  ["softplus", () => ({ beta: 1.5, threshold: 4 })],
  ["softsign", () => ({})],
  ["softshrink", () => ({ lambd: 0.8 })],
  ["hardshrink", () => ({ lambd: 0.3 })],
  ["tanhshrink", () => ({})],
  ["logsigmoid", () => ({})],
];

describe("property tests: random shapes, strided views and options against float64 references", () => {
  it("agrees on 264 random cases (12 per activation), inputs untouched, nothing leaked", () => {
    const rand = rng(20240611);
    const start = memory();
    for (const [name, makeOptions] of PROPERTY_FNS) {
      for (let trial = 0; trial < 12; trial++) {
        tidy(() => {
          const ndim = 1 + Math.floor(rand() * 4);
          const shape = Array.from({ length: ndim }, () => 1 + Math.floor(rand() * 9));
          const n = shape.reduce((a, b) => a * b, 1);
          const scale = [1, 5, 40][trial % 3];
          const data = Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
          let x = tensor(data, shape);
          if (ndim >= 2 && trial % 2 === 1) x = x.transpose(0, ndim - 1); // a strided view
          const flat = x.toArray();
          const options = makeOptions();
          const y = callF(name, x, options, []);
          const ref = activationRef(name, options);
          expect(y.shape).toEqual(x.shape);
          expectClose(y, Array.from(flat, (v) => ref(v)), x.shape, {}, `${name} ${JSON.stringify(options)} [${shape}]`);
          expect(x.toArray()).toEqual(flat);
        });
      }
    }
    const end = memory();
    expect(end.tensors).toBe(start.tensors);
    expect(end.bytes).toBe(start.bytes);
  });

  it("threshold and PReLU against references on random shapes", () => {
    const rand = rng(99);
    for (let trial = 0; trial < 60; trial++) {
      tidy(() => {
        const ndim = 1 + Math.floor(rand() * 4);
        const shape = Array.from({ length: ndim }, () => 1 + Math.floor(rand() * 7));
        const n = shape.reduce((a, b) => a * b, 1);
        const data = Float32Array.from({ length: n }, () => (rand() * 2 - 1) * 5);
        const x = tensor(data, shape);
        const th = Math.fround(rand() * 2 - 1);
        const value = Math.fround(rand() * 10 - 5);
        expectExact(F.threshold(x, th, value), Array.from(data, (v) => (v <= th ? value : v)), shape);
        const channels = ndim >= 2 ? shape[1] : 1;
        const count = trial % 2 === 0 ? 1 : channels;
        const w = Float32Array.from({ length: count }, () => rand() * 2 - 1);
        const inner = ndim >= 2 ? shape.slice(2).reduce((a, b) => a * b, 1) : n;
        const expected = Array.from(data, (v, i) => (v > 0 ? v : v * w[count === 1 ? 0 : Math.floor(i / inner) % channels]));
        expectClose(F.prelu(x, tensor(w)), expected, shape);
      });
    }
  });
});

// ---- accuracy over the whole float range ----

describe("accuracy sweep: 2^20 points per function over [-30, 30] and magnitudes 1e-40..3e38", () => {
  const N = 1 << 20;
  const xs = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const u = i / N;
    if (i % 2 === 0) xs[i] = -30 + 60 * u;
    else {
      const m = 10 ** (-40 + 78.5 * u);
      xs[i] = i % 4 === 1 ? m : -m;
    }
  }
  const SWEEP: [string, Options][] = [
    ["sigmoid", {}], ["tanh", {}], ["silu", {}], ["mish", {}], ["gelu", {}], ["gelu", { approximate: "tanh" }],
    ["elu", {}], ["selu", {}], ["celu", { alpha: 0.5 }], ["softplus", {}], ["softplus", { beta: 0.5, threshold: 30 }],
    ["logsigmoid", {}], ["tanhshrink", {}], ["softsign", {}], ["hardswish", {}],
  ];
  for (const [name, options] of SWEEP) {
    it(`${name} ${JSON.stringify(options)}: within tolerance everywhere, relative error < 2e-6 where |y| > 1e-3`, () => {
      tidy(() => {
        const y = callF(name, tensor(xs), options, []).toArray();
        const ref = activationRef(name, options);
        let worst = 0;
        let worstAt = 0;
        const expected = new Float64Array(N);
        for (let i = 0; i < N; i++) {
          const e = ref(xs[i]);
          expected[i] = e;
          if (Math.abs(e) > 1e-3 && Number.isFinite(e)) {
            const rel = Math.abs(y[i] - e) / Math.abs(e);
            if (rel > worst) {
              worst = rel;
              worstAt = xs[i];
            }
          }
        }
        expectClose(y, expected, [N], {}, name);
        expect(worst, `worst relative error ${worst} at x = ${worstAt}`).toBeLessThan(2e-6);
      });
    });
  }
});

// ---- RReLU's random mode ----

describe("RReLU", () => {
  const data = Float32Array.from({ length: 4099 }, (_, i) => (i % 3 === 0 ? 1 + i : -1 - (i % 17)));

  it("draws a slope in [lower, upper] per negative element in training mode, reproducibly after manualSeed", () => {
    tidy(() => {
      const x = tensor(data);
      manualSeed(7);
      const a = F.rrelu(x, { lower: 0.1, upper: 0.3, training: true }).toArray();
      manualSeed(7);
      const b = new nn.RReLU({ lower: 0.1, upper: 0.3 }).forward(x).toArray();
      expect(Array.from(b)).toEqual(Array.from(a));
      let sum = 0;
      let count = 0;
      for (let i = 0; i < data.length; i++) {
        if (data[i] > 0) expect(a[i]).toBe(data[i]);
        else {
          const slope = a[i] / data[i];
          expect(slope).toBeGreaterThanOrEqual(0.1 - 1e-6);
          expect(slope).toBeLessThanOrEqual(0.3 + 1e-6);
          sum += slope;
          count++;
        }
      }
      expect(sum / count).toBeCloseTo(0.2, 2);
      const c = F.rrelu(x, { lower: 0.1, upper: 0.3, training: true }).toArray();
      expect(Array.from(c)).not.toEqual(Array.from(a));
    });
  });

  it("uses the mean slope (lower + upper) / 2 in eval mode and for F.rrelu by default", () => {
    tidy(() => {
      const x = tensor(data);
      const expected = Array.from(data, (v) => (v > 0 ? v : v * 0.2));
      const m = new nn.RReLU({ lower: 0.1, upper: 0.3 });
      expect(m.training).toBe(true);
      m.eval();
      expectClose(m.forward(x), expected, [data.length]);
      expectClose(F.rrelu(x, { lower: 0.1, upper: 0.3 }), expected, [data.length]);
      expect(m.lower).toBe(0.1);
      expect(m.upper).toBe(0.3);
    });
  });
});

// ---- errors ----

describe("errors are clear TypeErrors/RangeErrors and change nothing", () => {
  const throwsLike = (fn: () => unknown, type: typeof TypeError | typeof RangeError, message: RegExp) => {
    expect(fn).toThrow(type);
    expect(fn).toThrow(message);
  };

  it("leaves no tensor behind and the inputs intact when a call fails", () => {
    tidy(() => {
      const x = tensor(new Float32Array(24).map((_, i) => i - 12), [2, 3, 4]);
      const odd = tensor([[1, 2, 3]]).transpose(0, 1); // a strided view: the failed call must not leak its copy
      const w = tensor([1, 2]);
      const before = memory();
      for (let i = 0; i < 3; i++) {
        expect(() => F.prelu(x, w)).toThrow(RangeError);
        expect(() => F.glu(odd, { dim: 0 })).toThrow(RangeError);
        expect(() => F.softshrink(x, { lambd: -1 })).toThrow(RangeError);
        expect(() => F.softmax(x, { dim: 3 })).toThrow(RangeError);
      }
      const after = memory();
      expect(after.tensors).toBe(before.tensors);
      expect(after.bytes).toBe(before.bytes);
      expect(Array.from(x.toArray())).toEqual(Array.from({ length: 24 }, (_, i) => i - 12));
      expect(Array.from(w.toArray())).toEqual([1, 2]);
    });
  });

  it("rejects bad parameters", () => {
    tidy(() => {
      const x = tensor([1, -2, 3, -4]);
      throwsLike(() => F.softshrink(x, { lambd: -1 }), RangeError, /^softshrink: expected lambd >= 0, got -1/);
      throwsLike(() => new nn.Hardshrink({ lambd: -0.5 }), RangeError, /^Hardshrink: expected lambd >= 0, got -0.5/);
      throwsLike(() => F.celu(x, { alpha: 0 }), RangeError, /^celu: expected alpha non-zero/);
      throwsLike(() => F.softplus(x, { beta: 0 }), RangeError, /^softplus: expected beta non-zero/);
      throwsLike(() => F.hardtanh(x, { minVal: 2, maxVal: 1 }), RangeError, /^hardtanh: expected minVal <= maxVal, got minVal 2 and maxVal 1/);
      throwsLike(() => new nn.RReLU({ lower: 0.5, upper: 0.1 }), RangeError, /^RReLU: expected lower <= upper/);
      throwsLike(() => F.gelu(x, { approximate: "fast" as "tanh" }), RangeError, /^gelu: expected approximate one of "none", "tanh", got "fast"/);
      throwsLike(() => F.leakyRelu(x, { negativeSlope: NaN }), TypeError, /^leakyRelu: expected negativeSlope a finite number, got NaN/);
      throwsLike(() => F.threshold(x, "1" as unknown as number, 0), TypeError, /^threshold: expected threshold a number, got "1"/);
      throwsLike(() => new nn.PReLU({ numParameters: 0 }), RangeError, /^PReLU: expected numParameters a positive integer, got 0/);
      throwsLike(() => F.rrelu(x, { training: 1 as unknown as boolean }), TypeError, /^rrelu: expected training true or false/);
    });
  });

  it("rejects unknown options (with a camelCase hint) and PyTorch's inplace flag", () => {
    tidy(() => {
      const x = tensor([1, -2]);
      throwsLike(
        () => F.leakyRelu(x, { negative_slope: 0.1 } as never),
        TypeError,
        /^leakyRelu: unknown option "negative_slope" \(did you mean negativeSlope\?\)/,
      );
      throwsLike(() => F.relu(x, { inplace: true }), TypeError, /^relu: the inplace option is not supported/);
      throwsLike(() => new nn.ReLU({ inplace: true } as never), TypeError, /^ReLU: the inplace option is not supported/);
      throwsLike(() => new nn.ELU({ alpha: 1, inplace: false } as never), TypeError, /^ELU: the inplace option is not supported/);
    });
  });

  it("rejects GLU on an odd or missing dimension", () => {
    tidy(() => {
      throwsLike(() => F.glu(tensor([[1, 2, 3, 4, 5]])), RangeError, /^glu: expected an even size along dim -1 \(it is split into two halves\), got 5 \(input shape \[1,5\]\)/);
      throwsLike(() => new nn.GLU({ dim: 0 }).forward(tensor([[1, 2]])), RangeError, /^GLU: expected an even size along dim 0/);
      throwsLike(() => F.glu(tensor(3)), RangeError, /^glu: expected an input with at least one dimension/);
      throwsLike(() => F.glu(tensor([1, 2]), { dim: 1 }), RangeError, /^glu: expected dim a dimension in \[-1, 0\], got 1/);
    });
  });

  it("rejects PReLU weights that do not fit the input's channels", () => {
    tidy(() => {
      const x = tensor(new Float32Array(24), [2, 3, 4]);
      throwsLike(() => F.prelu(x, tensor([1, 2])), RangeError, /^prelu: expected weight with 1 or 3 elements \(dimension 1 of input shape \[2,3,4\]\), got 2/);
      throwsLike(() => new nn.PReLU({ numParameters: 4 }).forward(x), RangeError, /^PReLU: expected weight with 1 or 3 elements/);
      throwsLike(() => F.prelu(tensor([1, 2, 3]), tensor([1, 2, 3])), RangeError, /^prelu: expected weight with 1 or 1 elements \(an input of shape \[3\] has one channel\), got 3/);
      throwsLike(() => F.prelu(x, tensor([[0.1, 0.2, 0.3]])), RangeError, /^prelu: expected weight to be a 0-D or 1-D tensor, got shape \[1,3\]/);
    });
  });

  it("rejects inputs that are not live float32 tensors", () => {
    tidy(() => {
      throwsLike(() => F.relu([1, 2] as unknown as Tensor), TypeError, /^relu: expected input a Tensor, got \[1,2\]/);
      throwsLike(() => new nn.Sigmoid().forward(tensor(new Int32Array([1]))), TypeError, /^Sigmoid: expected input of dtype float32, got int32/);
      const x = tensor([1]);
      x.dispose();
      throwsLike(() => F.gelu(x), TypeError, /^gelu: input is a disposed tensor/);
    });
  });
});

describe("shapes", () => {
  it("handles 0-D and empty inputs", () => {
    tidy(() => {
      expect(F.sigmoid(tensor(0)).toNested()).toBe(0.5);
      expect(F.relu(tensor(new Float32Array(0), [2, 0])).shape).toEqual([2, 0]);
      expect(F.glu(tensor(new Float32Array(0), [0, 4])).shape).toEqual([0, 2]);
      expect(F.prelu(tensor(new Float32Array(0), [0, 3]), tensor([1, 2, 3])).shape).toEqual([0, 3]);
    });
  });
});
