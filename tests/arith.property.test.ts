// Broadcasting arithmetic and matmul against a plain float64 reference on random shapes,
// strided views and hostile values (outliers to 1e30, mixed scales, NaN, +-Inf,
// denormals, -0); errors leave inputs and memory() unchanged.
import { describe, expect, it } from "vitest";
import { type Tensor, add, div, matmul, memory, mul, pow, sub, tensor, tidy } from "../src/index";
import { expectClose } from "./helpers/allclose";
import { rng } from "./helpers/random";

const OPS = {
  add: [add, (x: number, y: number) => x + y],
  sub: [sub, (x: number, y: number) => x - y],
  mul: [mul, (x: number, y: number) => x * y],
  div: [div, (x: number, y: number) => x / y],
} as const;

function rowMajor(shape: number[]): number[] {
  return shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
}

describe("broadcasting properties", () => {
  it("matches float64 on random broadcastable shapes, views and hostile values", () => {
    const r = rng(99);
    for (let trial = 0; trial < 150; trial++) {
      tidy(() => {
        const nd = r.int(0, 5);
        const out = Array.from({ length: nd }, () => r.int(1, 6));
        // Each operand drops some leading dimensions and sets others to 1.
        const operand = () => out.slice(r.int(0, nd)).map((s) => (r.bool(0.3) ? 1 : s));
        const [sa, sb] = [operand(), operand()];
        const value = () => {
          const u = r();
          if (u < 0.05) return r.pick([NaN, Infinity, -Infinity, -0, 1e-40, 1e30, -1e30]);
          return r.float() * r.pick([1, 1e-3, 1e4, 1e20]);
        };
        const da = Float32Array.from({ length: sa.reduce((a, b) => a * b, 1) }, value);
        const db = Float32Array.from({ length: sb.reduce((a, b) => a * b, 1) }, value);
        const a = tensor(da, sa);
        // b as a transposed view when it has 2+ dimensions.
        let b = tensor(db, sb);
        if (sb.length >= 2) {
          const swapped = sb.slice();
          [swapped[0], swapped[1]] = [sb[1], sb[0]];
          const st = rowMajor(sb);
          const stored = new Float32Array(db.length);
          const sst = rowMajor(swapped);
          for (let i = 0; i < db.length; i++) {
            const i0 = Math.floor(i / st[0]) % sb[0];
            const i1 = Math.floor(i / st[1]) % sb[1];
            const rest = i % st[1];
            stored[i1 * sst[0] + i0 * sst[1] + rest] = db[i];
          }
          b = tensor(stored, swapped).transpose(0, 1);
        }
        const name = r.pick(Object.keys(OPS)) as keyof typeof OPS;
        const [fn, f] = OPS[name];
        const L = Math.max(sa.length, sb.length);
        const shape = Array.from({ length: L }, (_, i) => {
          const x = sa[sa.length - L + i] ?? 1;
          const y = sb[sb.length - L + i] ?? 1;
          return x === 1 ? y : x;
        });
        const n = shape.reduce((p, s) => p * s, 1);
        const expected = new Float64Array(n);
        const st = rowMajor(shape);
        const pick = (d: Float32Array, s: number[], i: number) => {
          const lead = shape.length - s.length;
          const sst = rowMajor(s);
          let j = 0;
          for (let q = 0; q < s.length; q++) if (s[q] !== 1) j += (Math.floor(i / st[q + lead]) % shape[q + lead]) * sst[q];
          return d[j];
        };
        for (let i = 0; i < n; i++) expected[i] = Math.fround(f(pick(da, sa, i), pick(db, sb, i)));
        expectClose(fn(a, b), expected, shape, {}, `trial ${trial}: ${name} [${sa}] [${sb}]`);
      });
    }
  });

  it("pow with a tensor exponent follows C's special cases", () => {
    tidy(() => {
      const x = tensor([-2, -2, -0, 0, 1, -1, 2, NaN, Infinity, -Infinity]);
      const e = tensor([3, 0.5, -1, -3, NaN, Infinity, -Infinity, 0, -2, 3]);
      const got = Array.from(pow(x, e).toArray());
      expect(got).toEqual([-8, NaN, -Infinity, Infinity, 1, 1, 0, 1, 0, -Infinity]);
    });
  });

  it("matmul of transposed and sliced views matches float64", () => {
    const r = rng(5);
    for (let trial = 0; trial < 20; trial++) {
      tidy(() => {
        const [M, K, N] = [r.int(1, 40), r.int(1, 40), r.int(1, 40)];
        const da = Float32Array.from({ length: M * K }, () => r.float());
        const db = Float32Array.from({ length: K * N * 2 }, () => r.float());
        const a = tensor(da, [K, M]).t(); // [M, K], column-major
        const b = tensor(db, [K, 2 * N]).slice(1, 0, undefined, 2); // [K, N], every other column
        const expected = new Float64Array(M * N);
        for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += da[k * M + i] * db[k * 2 * N + 2 * j];
          expected[i * N + j] = s;
        }
        expectClose(matmul(a, b), expected, [M, N], { atol: 1e-5 * K }, `trial ${trial}`);
      });
    }
  });
});

describe("arithmetic errors change nothing", () => {
  const cases: [string, (t: Tensor[]) => unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    ["add of [2,3] and [4]", (t) => add(t[0], t[1]), RangeError, /^add: expected input and other to broadcast .*\[2,3\] and \[4\]: size 3 vs 4 at dimension -1/],
    ["Tensor.sub of int32", (t) => t[2].sub(1), TypeError, /^Tensor.sub: expected input of dtype float32, got int32/],
    ["mul of two numbers", () => mul(2 as unknown as Tensor, 3), TypeError, /^mul: expected input or other to be a Tensor/],
    ["add with alpha NaN", (t) => add(t[0], t[0], { alpha: NaN }), TypeError, /^add: expected alpha a number/],
    ["sub with an unknown option", (t) => sub(t[0], t[0], { alfa: 2 } as object), TypeError, /did you mean alpha/],
    ["matmul inner sizes", (t) => matmul(t[0], t[0]), RangeError, /^matmul: expected input's last dimension.*\(3 vs 2\)/],
  ];
  for (const [label, fn, cls, message] of cases) {
    it(label, () => {
      tidy(() => {
        const ts = [tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 2, 3, 4]), tensor([1, 2], null, { dtype: "int32" })];
        const before = memory();
        expect(() => fn(ts)).toThrow(cls);
        expect(() => fn(ts)).toThrow(message);
        expect(memory().tensors).toBe(before.tensors);
        expect(memory().bytes).toBe(before.bytes);
        expect(ts[0].toNested()).toEqual([[1, 2, 3], [4, 5, 6]]);
      });
    });
  }
});
