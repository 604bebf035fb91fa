// Reductions and topk against PyTorch (tests/golden/gen_reduce.py) as functions and as
// Tensor methods, then properties against a float64 reference: long sums, large means,
// strided views, NaN, ties.
import { describe, expect, it } from "vitest";
import { type Tensor, amax, argmax, mean, memory, ones, sum, tensor, tidy, topk } from "../src/index";
import { expectClose, expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";
import { rng } from "./helpers/random";

interface ReduceCase {
  id: string;
  op: "sum" | "mean" | "amax" | "argmax" | "topk";
  inputs: TensorRef[];
  options: Record<string, unknown>;
  layout: string;
  expected: TensorRef[];
}

const fixtures = new Fixtures<ReduceCase>("reduce");
const FUNCS = { sum, mean, amax, argmax } as Record<string, (t: Tensor, o?: unknown) => Tensor>;

function call(c: ReduceCase, viaMethod: boolean): Tensor[] {
  let x = fixtures.tensor(c.inputs[0]);
  if (c.layout === "t") x = x.transpose(-1, -2);
  if (c.op === "topk") {
    const { k, ...o } = c.options;
    return viaMethod ? x.topk(k as number, o) : topk(x, k as number, o);
  }
  const opts = Object.keys(c.options).length ? c.options : undefined;
  return [viaMethod ? (x as unknown as Record<string, (o?: unknown) => Tensor>)[c.op](opts) : FUNCS[c.op](x, opts)];
}

describe("reductions match PyTorch", () => {
  for (const c of fixtures.cases) {
    for (const viaMethod of [false, true]) {
      it(`${c.id}: ${viaMethod ? "Tensor." : ""}${c.op}([${c.inputs[0].shape}]${c.layout ? "^T" : ""}) ${JSON.stringify(c.options)}`, () => {
        const before = memory();
        tidy(() => {
          const ys = call(c, viaMethod);
          expect(ys.length).toBe(c.expected.length);
          ys.forEach((y, i) => {
            const e = c.expected[i];
            expect(y.dtype).toBe(e.dtype);
            if (e.dtype === "int32" || c.op === "amax" || c.op === "topk") expectExact(y, fixtures.values(e), e.shape, c.id);
            else expectClose(y, fixtures.values(e), e.shape, {}, c.id);
          });
        });
        expect(memory().tensors).toBe(before.tensors);
      });
    }
  }
});

/** float64 sum / max / argmax over one dimension of a row-major [outer, n, inner] array. */
function reference(data: ArrayLike<number>, shape: number[], dim: number) {
  const outer = shape.slice(0, dim).reduce((a, b) => a * b, 1);
  const n = shape[dim];
  const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
  const sums = new Float64Array(outer * inner);
  const mags = new Float64Array(outer * inner);
  const maxes = new Float64Array(outer * inner);
  const args = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      let m = 0;
      let best = -Infinity;
      let at = 0;
      for (let j = 0; j < n; j++) {
        const v = data[(o * n + j) * inner + i];
        s += v;
        m += Math.abs(v);
        // The first maximum; a NaN beats any number, never an earlier NaN.
        if (j === 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
          best = v;
          at = j;
        }
      }
      sums[o * inner + i] = s;
      mags[o * inner + i] = m;
      maxes[o * inner + i] = best;
      args[o * inner + i] = at;
    }
  }
  return { sums, mags, maxes, args };
}

describe("reduction properties", () => {
  it("the sum of 1e7 ones is exactly 1e7, and their mean exactly 1", () => {
    tidy(() => {
      const x = ones(10_000_000);
      expect(sum(x).item()).toBe(1e7);
      expect(mean(x).item()).toBe(1);
    });
  });

  it("matches float64 on random shapes, dims and views with hostile values", () => {
    const r = rng(1234);
    for (let trial = 0; trial < 60; trial++) {
      tidy(() => {
        const nd = r.int(1, 4);
        const shape = Array.from({ length: nd }, () => r.int(1, trial % 5 === 0 ? 70 : 9));
        const n = shape.reduce((a, b) => a * b, 1);
        const scale = r.pick([1, 1e-20, 1e4, 1e20]);
        const offset = r.pick([0, 0, 1e4]);
        const data = Float32Array.from({ length: n }, () => {
          const u = r();
          if (u < 0.02) return r.pick([NaN, Infinity, -Infinity, 1e30, -0, 1e-42]);
          return offset + scale * r.float();
        });
        const dim = r.int(0, nd - 1);
        // A permuted view holding the same logical values: stored reversed, permuted back.
        const rev = shape.slice().reverse();
        const stored = new Float32Array(n);
        const st = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
        const rst = rev.map((_, d) => rev.slice(d + 1).reduce((a, b) => a * b, 1));
        for (let i = 0; i < n; i++) {
          let rem = i;
          let j = 0;
          for (let d = 0; d < nd; d++) {
            const c = Math.floor(rem / st[d]);
            rem -= c * st[d];
            j += c * rst[nd - 1 - d];
          }
          stored[j] = data[i];
        }
        const views = [tensor(data, shape), tensor(stored, rev).permute(rev.map((_, d) => nd - 1 - d))];
        const ref = reference(data, shape, dim);
        const outShape = shape.filter((_, d) => d !== dim);
        for (const x of views) {
          const label = `trial ${trial} shape [${shape}] dim ${dim} ${x.isContiguous() ? "contiguous" : "permuted"}`;
          const s = sum(x, { dim }).toArray();
          ref.sums.forEach((e, i) => {
            const got = s[i];
            if (Number.isNaN(e)) {
              expect(Number.isNaN(got), label).toBe(true);
              return;
            }
            if (!Number.isFinite(Math.fround(e))) {
              expect(got, label).toBe(Math.fround(e));
              return;
            }
            const lim = 1e-5 + 1e-4 * Math.abs(e) + 1e-6 * ref.mags[i];
            expect(Math.abs(got - e) <= lim, `${label}: sum ${got} vs ${e}`).toBe(true);
          });
          expectExact(amax(x, { dim }), Float64Array.from(ref.maxes, (v) => Math.fround(v)), outShape, `${label}: amax`);
          expectExact(argmax(x, { dim }), ref.args, outShape, `${label}: argmax`);
        }
      });
    }
  });

  it("topk of a row with ties keeps the lower index first, and k = 0 gives empty results", () => {
    tidy(() => {
      const [v, i] = topk(tensor([2, 5, 5, 1, 5]), 3);
      expect(Array.from(v.toArray())).toEqual([5, 5, 5]);
      expect(Array.from(i.toArray())).toEqual([1, 2, 4]);
      const [v0, i0] = topk(tensor([[1, 2], [3, 4]]), 0);
      expect(v0.shape).toEqual([2, 0]);
      expect(i0.dtype).toBe("int32");
    });
  });
});
