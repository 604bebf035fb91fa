// Pooling and unpooling against PyTorch fixtures (tests/golden/gen_pool.py): every case
// through its F function and through the module class, values and indices exact for
// max pooling and unpooling, within tolerance for averages.
import { describe, expect, it } from "vitest";
import { F, type Tensor, memory, nn, tidy } from "../src/index";
import { expectClose, expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

type Size = number | number[];
interface PoolCase {
  id: string;
  fn: string;
  input: TensorRef;
  expected: TensorRef;
  /** Expected argmax for max pooling; the indices argument for unpooling. */
  indices?: TensorRef;
  kernelSize?: Size;
  normType?: number | "Infinity";
  outputSize?: number | (number | null)[];
  options: Record<string, unknown>;
  tol?: { rtol: number; atol: number };
  kind?: string;
  note?: string;
}

const fixtures = new Fixtures<PoolCase>("pool");

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** torch.nn class name of a functional name: max_pool2d -> MaxPool2d, lp_pool1d -> LPPool1d. */
const moduleName = (fn: string) => {
  const c = camel(fn);
  return c.startsWith("lpPool") ? `LP${c.slice(2)}` : c[0].toUpperCase() + c.slice(1);
};
const normType = (c: PoolCase) => (c.normType === "Infinity" ? Infinity : (c.normType as number));

type Fn = (...args: unknown[]) => Tensor | [Tensor, Tensor];
type ModuleCtor = new (...args: unknown[]) => { forward(...args: unknown[]): Tensor | [Tensor, Tensor] };

/** Calls the case through F (`viaModule` false) or through its module. */
function run(c: PoolCase, input: Tensor, viaModule: boolean, indices?: Tensor): Tensor | [Tensor, Tensor] {
  const fnName = camel(c.fn);
  const o = c.options;
  if (!viaModule) {
    const f = (F as unknown as Record<string, Fn>)[fnName];
    if (fnName.startsWith("maxUnpool")) return f(input, indices, c.kernelSize, o);
    if (fnName.startsWith("lpPool")) return f(input, normType(c), c.kernelSize, o);
    if (fnName.startsWith("adaptive")) return f(input, c.outputSize, o);
    return f(input, c.kernelSize, o);
  }
  const Ctor = (nn as unknown as Record<string, ModuleCtor>)[moduleName(c.fn)];
  if (fnName.startsWith("maxUnpool")) {
    const { outputSize, ...rest } = o;
    return new Ctor(c.kernelSize, rest).forward(input, indices, outputSize);
  }
  if (fnName.startsWith("lpPool")) return new Ctor(normType(c), c.kernelSize, o).forward(input);
  if (fnName.startsWith("adaptiveMax")) return new Ctor(c.outputSize, o).forward(input);
  if (fnName.startsWith("adaptiveAvg")) return new Ctor(c.outputSize).forward(input);
  return new Ctor(c.kernelSize, o).forward(input);
}

function describeCase(c: PoolCase): string {
  const args = c.fn.includes("adaptive") ? JSON.stringify(c.outputSize) : `${c.normType !== undefined ? `p=${c.normType} ` : ""}k=${JSON.stringify(c.kernelSize)}`;
  return `${c.id} ${c.fn}(${c.kind ?? "normal"} [${c.input.shape}], ${args}, ${JSON.stringify(c.options)})${c.note ? ` ${c.note}` : ""}`;
}

for (const viaModule of [false, true]) {
  describe(`${viaModule ? "modules" : "F functions"} match PyTorch`, () => {
    for (const c of fixtures.cases) {
      it(describeCase(c), () => {
        tidy(() => {
          const input = fixtures.tensor(c.input);
          const before = input.toArray();
          const unpooling = c.fn.startsWith("max_unpool");
          const indicesIn = unpooling ? fixtures.tensor(c.indices!) : undefined;
          const result = run(c, input, viaModule, indicesIn);
          const expected = fixtures.values(c.expected);
          const exact = c.fn.includes("max");
          if (!unpooling && c.indices !== undefined) {
            expect(Array.isArray(result)).toBe(true);
            const [out, idx] = result as [Tensor, Tensor];
            expectExact(out, expected, c.expected.shape, "output");
            expect(idx.dtype).toBe("int32");
            expectExact(idx, fixtures.values(c.indices), c.indices.shape, "indices");
          } else {
            expect(Array.isArray(result)).toBe(false);
            if (exact) expectExact(result as Tensor, expected, c.expected.shape, "output");
            else expectClose(result as Tensor, expected, c.expected.shape, c.tol ?? {}, "output");
          }
          // Inputs are never modified.
          expectExact(input, before, c.input.shape, "input after the call");
        });
      });
    }
  });
}

describe("fixtures cover what the issue asks for", () => {
  it("at least 120 configurations across every family", () => {
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(120);
    const fns = new Set(fixtures.cases.map((c) => c.fn));
    for (const family of ["max_pool", "avg_pool", "adaptive_avg_pool", "adaptive_max_pool", "max_unpool"]) {
      for (const d of [1, 2, 3]) expect(fns.has(`${family}${d}d`)).toBe(true);
    }
    expect(fns.has("lp_pool1d") && fns.has("lp_pool2d")).toBe(true);
  });

  it("ceil mode, dilation with padding, NaN and -inf, unpool with and without outputSize", () => {
    const has = (pred: (c: PoolCase) => boolean) => fixtures.cases.some(pred);
    expect(has((c) => c.options.ceilMode === true && c.fn.startsWith("max"))).toBe(true);
    expect(has((c) => c.options.ceilMode === true && c.fn.startsWith("avg"))).toBe(true);
    expect(has((c) => c.options.dilation !== undefined && c.options.padding !== undefined)).toBe(true);
    expect(has((c) => c.kind === "nan" && c.indices !== undefined)).toBe(true);
    expect(has((c) => c.kind === "allneginf")).toBe(true);
    expect(has((c) => c.fn.startsWith("max_unpool") && c.options.outputSize !== undefined)).toBe(true);
    expect(has((c) => c.fn.startsWith("max_unpool") && c.options.outputSize === undefined)).toBe(true);
  });
});

describe("pooling leaves the heap as it found it", () => {
  it("a thousand calls of every family free what they do not return", () => {
    const x = tidy(() => fixtures.tensor(fixtures.cases.find((c) => c.fn === "max_pool2d")!.input));
    const start = memory();
    for (let i = 0; i < 1000; i++) {
      tidy(() => {
        const [p, idx] = F.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
        F.maxUnpool2d(p, idx, 3, { stride: 2, padding: 1, outputSize: x.shape.slice(2) });
        F.avgPool2d(x, 2, { ceilMode: true });
        F.lpPool2d(x, 2, 2);
        F.adaptiveAvgPool2d(x, [3, 5]);
        F.adaptiveMaxPool2d(x, [3, 5], { returnIndices: true });
        F.maxPool2d(x.transpose(2, 3), 2);
      });
    }
    expect(memory().tensors).toBe(start.tensors);
    expect(memory().bytes).toBe(start.bytes);
    x.dispose();
  });
});
