// View and shape operations against PyTorch (tests/golden/gen_shape_ops.py).
import { describe, expect, it } from "vitest";
import { type Tensor, tidy } from "../src/index";
import { expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

interface ShapeCase {
  id: string;
  chain: [string, (number | null)[]][];
  input: TensorRef;
  expected: TensorRef;
}

const fixtures = new Fixtures<ShapeCase>("shape_ops");

function apply(x: Tensor, op: string, args: (number | null)[]): Tensor {
  const a = args as number[];
  switch (op) {
    case "slice":
      return x.slice(a[0], a[1] ?? undefined, a[2] ?? undefined, a[3] ?? undefined);
    case "squeeze":
      return a.length ? x.squeeze(a[0]) : x.squeeze();
    case "flatten":
      return x.flatten(...a);
    case "transpose":
      return x.transpose(a[0], a[1]);
    case "select":
      return x.select(a[0], a[1]);
    case "narrow":
      return x.narrow(a[0], a[1], a[2]);
    case "unsqueeze":
      return x.unsqueeze(a[0]);
    case "t":
      return x.t();
    case "contiguous":
      return x.contiguous();
    case "clone":
      return x.clone();
    default:
      return (x as unknown as Record<string, (...v: number[]) => Tensor>)[op](...a);
  }
}

describe("shape ops match PyTorch", () => {
  for (const c of fixtures.cases) {
    const label = c.chain.map(([op, args]) => `${op}(${args.join(",")})`).join(".");
    it(`${c.id}: [${c.input.shape}].${label}`, () => {
      tidy(() => {
        let y = fixtures.tensor(c.input);
        for (const [op, args] of c.chain) y = apply(y, op, args);
        expectExact(y, fixtures.values(c.expected), c.expected.shape, c.id);
        // toNested agrees with toArray in row-major order.
        expect(y.toNested()).toEqual(nest(Array.from(fixtures.values(c.expected)), c.expected.shape));
      });
    });
  }
});

function nest(flat: number[], shape: number[]): unknown {
  if (shape.length === 0) return flat[0];
  const [n, ...rest] = shape;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => nest(flat.slice(i * size, (i + 1) * size), rest));
}
