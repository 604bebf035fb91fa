// Tensor arithmetic, matmul, cat and stack against PyTorch (tests/golden/gen_arith.py):
// each case as a function and, where there is one, as a Tensor method; transposed views
// where the generator asks for them.
import { describe, expect, it } from "vitest";
import { type Tensor, add, cat, div, exp, log, matmul, memory, mul, neg, pow, sqrt, stack, sub, tidy } from "../src/index";
import { expectClose, expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

interface ArithCase {
  id: string;
  op: string;
  inputs: (TensorRef | { number: number })[];
  options: Record<string, unknown>;
  layouts: string[];
  expected: TensorRef[];
}

const fixtures = new Fixtures<ArithCase>("arith");
const BINARY = { add, sub, mul, div, pow } as Record<string, (a: unknown, b: unknown, o?: unknown) => Tensor>;
const UNARY = { neg, exp, log, sqrt } as Record<string, (a: Tensor) => Tensor>;

function input(c: ArithCase, i: number): Tensor | number {
  const ref = c.inputs[i];
  if ("number" in ref) return ref.number;
  const t = fixtures.tensor(ref);
  return c.layouts[i] === "t" ? t.transpose(-1, -2) : t;
}

function call(c: ArithCase, viaMethod: boolean): Tensor {
  const xs = c.inputs.map((_, i) => input(c, i));
  const opts = Object.keys(c.options).length ? c.options : undefined;
  if (c.op === "cat" || c.op === "stack") return (c.op === "cat" ? cat : stack)(xs as Tensor[], c.options.dim as number);
  if (c.op === "matmul") return viaMethod ? (xs[0] as Tensor).matmul(xs[1] as Tensor) : matmul(xs[0] as Tensor, xs[1] as Tensor);
  if (c.op in UNARY) return viaMethod ? (xs[0] as unknown as Record<string, () => Tensor>)[c.op]() : UNARY[c.op](xs[0] as Tensor);
  if (viaMethod && typeof xs[0] !== "number") return (xs[0] as unknown as Record<string, (b: unknown, o?: unknown) => Tensor>)[c.op](xs[1], opts);
  return BINARY[c.op](xs[0], xs[1], opts);
}

/** GEMM sums K products in float32: allow 1e-5 of the largest sum of |terms|. */
function tolerance(c: ArithCase): { rtol: number; atol: number } {
  if (c.op !== "matmul") return { rtol: 1e-4, atol: 1e-5 };
  const [a, b] = c.inputs.map((r) => fixtures.values(r as TensorRef));
  const K = (c.inputs[0] as TensorRef).shape.at(-1)!;
  const maxAbs = (v: ArrayLike<number>) => Array.from(v).reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  return { rtol: 1e-4, atol: 1e-5 * Math.max(1, K * maxAbs(a) * maxAbs(b)) };
}

describe("arithmetic matches PyTorch", () => {
  for (const c of fixtures.cases) {
    const shapes = c.inputs.map((r) => ("number" in r ? String(r.number) : `[${r.shape}]${c.layouts[c.inputs.indexOf(r)] === "t" ? "^T" : ""}`));
    for (const viaMethod of c.op === "cat" || c.op === "stack" ? [false] : [false, true]) {
      if (viaMethod && "number" in c.inputs[0]) continue;
      it(`${c.id}: ${viaMethod ? "Tensor." : ""}${c.op}(${shapes.join(", ")}) ${JSON.stringify(c.options)}`, () => {
        const before = memory();
        tidy(() => {
          const y = call(c, viaMethod);
          const e = c.expected[0];
          expect(y.dtype).toBe(e.dtype);
          if (e.dtype === "int32" || c.op === "cat" || c.op === "stack" || c.op === "neg") expectExact(y, fixtures.values(e), e.shape, c.id);
          else expectClose(y, fixtures.values(e), e.shape, tolerance(c), c.id);
        });
        expect(memory().tensors).toBe(before.tensors);
      });
    }
  }
});
