// Normalisation against plain float64 references (tests/helpers/norm-ref.ts) on seeded
// random shapes and hostile values: large means (1e4 with std 1, where a one-pass float32
// variance loses every digit), mixed scales, outliers from 1e4 to 1e30, NaN, infinities,
// denormals and -0; lengths around the vector width and the kernels' 256-float blocks.
import { describe, expect, it } from "vitest";
import { F, type Tensor, tensor, tidy } from "../src/index";
import { expectClose } from "./helpers/allclose";
import { batchNormRef, groupNormRef, instanceNormRef, layerNormRef } from "./helpers/norm-ref";
import { type Rng, rng } from "./helpers/random";

type Kind = "normal" | "largeMean" | "hugeMean" | "mixed" | "outlier" | "special" | "denormal" | "constant";
const KINDS: Kind[] = ["normal", "largeMean", "hugeMean", "mixed", "outlier", "special", "denormal", "constant"];

/** float32 values of a hostile kind; `planes` of `plane` values (mixed scales vary by plane). */
function values(r: Rng, n: number, kind: Kind, plane: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const g = r.float() + r.float() + r.float();
    const p = Math.floor(i / Math.max(plane, 1));
    switch (kind) {
      case "normal": out[i] = g; break;
      case "largeMean": out[i] = 1e4 + g; break;
      case "hugeMean": out[i] = -3e6 + 10 * g; break;
      case "mixed": out[i] = g * 10 ** ((p % 7) - 3) + 100 * (p % 3); break;
      case "outlier": out[i] = g; break;
      case "special": out[i] = g; break;
      case "denormal": out[i] = g * 1e-39; break;
      case "constant": out[i] = 2.5; break;
    }
  }
  if (kind === "outlier") for (let k = 0; k < 3; k++) out[r.int(0, n - 1)] = r.pick([1e4, -1e8, 1e16, 1e30, -1e30]);
  if (kind === "special" && n > 0) {
    out[r.int(0, n - 1)] = r.pick([NaN, Infinity, -Infinity]);
    out[r.int(0, n - 1)] = -0;
  }
  return out;
}

const LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 255, 256, 257, 513, 1000];

function randomShape(r: Rng, rank: number, minInner = 1): number[] {
  const shape = [r.int(1, 4), r.int(1, 6)];
  for (let d = 2; d < rank; d++) shape.push(d === rank - 1 ? r.pick(LENGTHS.filter((l) => l >= minInner)) : r.int(1, 4));
  return shape;
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const per = (r: Rng, n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * r()));
const maybe = <T>(r: Rng, v: T): T | null => (r.bool(0.6) ? v : null);
/** The default tolerance; NaN must meet NaN and infinities must match exactly. */
const TOL = {};
/** A float64 reference rounded to float32, as the golden fixtures are (a variance of 1e59 is Infinity in float32). */
const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

describe("F.batchNorm against a float64 reference", () => {
  const r = rng(101);
  for (let t = 0; t < 60; t++) {
    const kind = KINDS[t % KINDS.length];
    const rank = r.int(2, 5);
    const shape = randomShape(r, rank);
    const [N, C] = shape;
    const L = prod(shape.slice(2));
    const training = N * L > 1 && r.bool(0.7);
    it(`${kind} [${shape}] ${training ? "training" : "eval"}`, () => {
      tidy(() => {
        const x = values(r, prod(shape), kind, L);
        const w = maybe(r, per(r, C, -2, 2));
        const b = maybe(r, per(r, C, -1, 1));
        const rm = training && r.bool(0.3) ? null : per(r, C, -1, 1);
        const rv = rm === null ? null : per(r, C, 0.2, 3);
        const momentum = r.pick([0.1, 0.5, 1, 0]);
        const eps = r.pick([1e-5, 1e-3]);
        const ref = batchNormRef(x, [N, C, L], { weight: w, bias: b, runningMean: rm, runningVar: rv, training, momentum, eps });
        const rmT = rm && tensor(rm, [C]);
        const rvT = rv && tensor(rv, [C]);
        const out = F.batchNorm(tensor(x, shape), rmT, rvT, {
          weight: w && tensor(w, [C]), bias: b && tensor(b, [C]), training, momentum, eps,
        });
        expectClose(out, f32(ref.out), shape, TOL, "output");
        if (training && rmT) {
          expectClose(rmT, f32(ref.runningMean!), [C], TOL, "runningMean");
          expectClose(rvT!, f32(ref.runningVar!), [C], TOL, "runningVar");
        }
      });
    });
  }
});

describe("F.layerNorm against a float64 reference", () => {
  const r = rng(202);
  for (let t = 0; t < 60; t++) {
    const kind = KINDS[t % KINDS.length];
    const lead = Array.from({ length: r.int(0, 2) }, () => r.int(1, 5));
    const normalized = r.bool(0.7) ? [r.pick(LENGTHS)] : [r.int(1, 5), r.pick(LENGTHS.slice(0, 12))];
    const shape = [...lead, ...normalized];
    it(`${kind} [${shape}] over [${normalized}]`, () => {
      tidy(() => {
        const M = prod(normalized);
        const rows = prod(lead);
        const x = values(r, rows * M, kind, M);
        const w = maybe(r, per(r, M, -2, 2));
        const b = maybe(r, per(r, M, -1, 1));
        const eps = r.pick([1e-5, 1e-2]);
        const ref = layerNormRef(x, rows, M, { weight: w, bias: b, eps });
        const out = F.layerNorm(tensor(x, shape), normalized, { weight: w && tensor(w, normalized), bias: b && tensor(b, normalized), eps });
        expectClose(out, f32(ref), shape, TOL, "output");
      });
    });
  }
});

describe("F.groupNorm and F.instanceNorm against float64 references", () => {
  const r = rng(303);
  for (let t = 0; t < 50; t++) {
    const kind = KINDS[t % KINDS.length];
    const rank = r.int(2, 5);
    const shape = randomShape(r, rank);
    const C = shape[1];
    const divisors = Array.from({ length: C }, (_, i) => i + 1).filter((g) => C % g === 0);
    const G = r.pick(divisors);
    const L = prod(shape.slice(2));
    if (shape[0] * (C / G) * L === 1) shape[0] = 2;
    it(`groupNorm ${kind} [${shape}] groups ${G}`, () => {
      tidy(() => {
        const x = values(r, prod(shape), kind, L);
        const w = maybe(r, per(r, C, -2, 2));
        const b = maybe(r, per(r, C, -1, 1));
        const ref = groupNormRef(x, [shape[0], C, L], G, { weight: w, bias: b, eps: 1e-5 });
        expectClose(F.groupNorm(tensor(x, shape), G, { weight: w && tensor(w, [C]), bias: b && tensor(b, [C]) }), f32(ref.out), shape, TOL, "output");
      });
    });
  }
  for (let t = 0; t < 50; t++) {
    const kind = KINDS[t % KINDS.length];
    const shape = randomShape(r, r.int(3, 5), 2);
    const [N, C] = shape;
    const L = prod(shape.slice(2));
    const useInputStats = r.bool(0.75);
    it(`instanceNorm ${kind} [${shape}] ${useInputStats ? "input statistics" : "running estimates"}`, () => {
      tidy(() => {
        const x = values(r, prod(shape), kind, L);
        const w = maybe(r, per(r, C, -2, 2));
        const b = maybe(r, per(r, C, -1, 1));
        const rm = useInputStats && r.bool(0.4) ? null : per(r, C, -1, 1);
        const rv = rm === null ? null : per(r, C, 0.2, 3);
        const momentum = r.pick([0.1, 0.7]);
        const ref = instanceNormRef(x, [N, C, L], { weight: w, bias: b, runningMean: rm, runningVar: rv, useInputStats, momentum, eps: 1e-5 });
        const rmT = rm && tensor(rm, [C]);
        const rvT = rv && tensor(rv, [C]);
        const out = F.instanceNorm(tensor(x, shape), {
          runningMean: rmT, runningVar: rvT, weight: w && tensor(w, [C]), bias: b && tensor(b, [C]), useInputStats, momentum,
        });
        expectClose(out, f32(ref.out), shape, TOL, "output");
        if (useInputStats && rmT) {
          expectClose(rmT, f32(ref.runningMean!), [C], TOL, "runningMean");
          expectClose(rvT!, f32(ref.runningVar!), [C], TOL, "runningVar");
        }
      });
    });
  }
});

describe("the issue's large-mean case: mean 1e4, std 1", () => {
  it("batchNorm, layerNorm, groupNorm and instanceNorm stay within rtol 1e-4 / atol 1e-5", () => {
    tidy(() => {
      const r = rng(7);
      const shape = [4, 3, 32, 32];
      const x = values(r, prod(shape), "largeMean", 1024);
      const t = tensor(x, shape);
      expectClose(F.batchNorm(t, null, null, { training: true }), batchNormRef(x, [4, 3, 1024], { training: true, momentum: 0.1, eps: 1e-5 }).out, shape, {}, "batchNorm");
      expectClose(F.layerNorm(t, [32, 32]), layerNormRef(x, 12, 1024, { eps: 1e-5 }), shape, {}, "layerNorm");
      expectClose(F.groupNorm(t, 3), groupNormRef(x, [4, 3, 1024], 3, { eps: 1e-5 }).out, shape, {}, "groupNorm");
      expectClose(F.instanceNorm(t), groupNormRef(x, [4, 3, 1024], 3, { eps: 1e-5 }).out, shape, {}, "instanceNorm");
    });
  });

  it("strided inputs and running estimates give the same results as contiguous ones", () => {
    tidy(() => {
      const r = rng(8);
      const base = tensor(values(r, 5 * 4 * 6, "largeMean", 6), [5, 4, 6]);
      const view = base.transpose(0, 1); // [4, 5, 6], C = 5
      const stats = tensor(per(r, 10, 0.5, 2), [5, 2]);
      const rm = stats.select(1, 0);
      const rv = stats.select(1, 1);
      const rmC = rm.contiguous();
      const rvC = rv.contiguous();
      const a = F.batchNorm(view, rm, rv, { training: true }).toArray();
      const b = F.batchNorm(view.contiguous(), rmC, rvC, { training: true }).toArray();
      expect(a).toEqual(b);
      expect(rm.toArray()).toEqual(rmC.toArray());
      expect(rv.toArray()).toEqual(rvC.toArray());
    });
  });
});

// Keeps the imports used when a describe block is skipped by a filter.
export type { Tensor };
