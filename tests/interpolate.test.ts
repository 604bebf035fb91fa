// Resampling against PyTorch fixtures (tests/golden/gen_resample.py) through F and the
// modules, seeded property tests against the float64 reference of tests/opinfo/resample.ts
// on random shapes and hostile values, every promised error, and a flat heap.
import { describe, expect, it } from "vitest";
import { F, type Tensor, memory, nn, rand, tensor, tidy, zeros } from "../src/index";
import { expectClose, expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";
import { refusals } from "./helpers/refusal";
import { rng } from "./helpers/random";
import { type Mode, interpolateRef, shuffleRef } from "./opinfo/resample";
import { compare } from "./opinfo/runner";

interface ResampleCase {
  id: string;
  fn: "interpolate" | "pixel_shuffle" | "pixel_unshuffle";
  input: TensorRef;
  expected: TensorRef;
  options?: Record<string, unknown>;
  factor?: number;
  kind?: string;
}

const fixtures = new Fixtures<ResampleCase>("resample");

function run(c: ResampleCase, x: Tensor, viaModule: boolean): Tensor {
  if (c.fn === "interpolate") {
    const { recomputeScaleFactor, ...rest } = c.options!;
    // nn.Upsample takes recomputeScaleFactor too; check both spellings of the same call.
    return viaModule ? new nn.Upsample({ ...rest, recomputeScaleFactor: recomputeScaleFactor as boolean | undefined }).forward(x) : F.interpolate(x, c.options!);
  }
  if (c.fn === "pixel_shuffle") return viaModule ? new nn.PixelShuffle(c.factor!).forward(x) : F.pixelShuffle(x, c.factor!);
  return viaModule ? new nn.PixelUnshuffle(c.factor!).forward(x) : F.pixelUnshuffle(x, c.factor!);
}

const isCopy = (c: ResampleCase) => c.fn !== "interpolate" || String(c.options!.mode ?? "nearest").startsWith("nearest");

for (const viaModule of [false, true]) {
  describe(`${viaModule ? "modules" : "F functions"} match PyTorch`, () => {
    for (const c of fixtures.cases) {
      it(`${c.id} ${c.fn}([${c.input.shape}], ${JSON.stringify(c.options ?? c.factor)})${c.kind === "special" ? " with NaN, Inf, -0, 1e30, denormals" : ""}`, () => {
        tidy(() => {
          const x = fixtures.tensor(c.input);
          const before = x.toArray();
          const y = run(c, x, viaModule);
          const want = fixtures.values(c.expected);
          if (isCopy(c)) expectExact(y, want, c.expected.shape, "output");
          else expectClose(y, want, c.expected.shape, { rtol: 1e-4, atol: 1e-5 }, "output");
          expectExact(x, before, c.input.shape, "input after the call");
        });
      });
    }
  });
}

describe("fixtures cover every mode and option", () => {
  it("each mode at each rank PyTorch allows, size and scaleFactor, alignCorners, recomputeScaleFactor", () => {
    const seen = new Set(fixtures.cases.filter((c) => c.fn === "interpolate").map((c) => `${c.options!.mode}/${c.input.shape.length}`));
    for (const m of ["nearest", "nearest-exact", "area"]) for (const r of [3, 4, 5]) expect(seen.has(`${m}/${r}`), `${m}/${r}`).toBe(true);
    for (const k of ["linear/3", "bilinear/4", "bicubic/4", "trilinear/5"]) expect(seen.has(k), k).toBe(true);
    const has = (p: (o: Record<string, unknown>) => boolean) => fixtures.cases.some((c) => c.options && p(c.options));
    expect(has((o) => o.alignCorners === true && o.mode === "bicubic")).toBe(true);
    expect(has((o) => o.recomputeScaleFactor === true)).toBe(true);
    expect(has((o) => Array.isArray(o.scaleFactor))).toBe(true);
    expect(fixtures.cases.some((c) => c.fn === "pixel_unshuffle") && fixtures.cases.some((c) => c.kind === "special")).toBe(true);
  });
});

// ---------------------------------------------------------------- properties

const MODES_BY_RANK: Record<number, Mode[]> = {
  3: ["nearest", "nearest-exact", "linear", "area"],
  4: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
  5: ["nearest", "nearest-exact", "trilinear", "area"],
};

/** Random values with hostile ones mixed in: outliers 1e4..1e30, NaN, +-Inf, denormals, -0, a large mean. */
function hostile(r: ReturnType<typeof rng>, n: number): Float32Array {
  const out = new Float32Array(n);
  const mean = r.bool(0.3) ? 1e4 : 0;
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.03) out[i] = r.pick([NaN, Infinity, -Infinity, -0, 1e-40, -3e-39]);
    else if (u < 0.06) out[i] = r.pick([1e4, -1e8, 1e30, -1e20]);
    else out[i] = mean + r.float() * (r.bool() ? 1 : 1e3);
  }
  return out;
}

describe("random shapes, modes and scales against the float64 reference", () => {
  it("200 seeded cases, every mode, up and down, size and scaleFactor, with hostile values", () => {
    const r = rng(1414);
    for (let k = 0; k < 200; k++) {
      const rank = r.int(3, 5);
      const mode = r.pick(MODES_BY_RANK[rank]);
      const sp = Array.from({ length: rank - 2 }, () => r.int(1, rank === 5 ? 5 : 9));
      const shape = [r.int(1, 2), r.int(1, 3), ...sp];
      const linear = mode !== "nearest" && mode !== "nearest-exact" && mode !== "area";
      const options: Record<string, unknown> = { mode };
      if (linear && r.bool()) options.alignCorners = r.bool();
      let outSp: number[];
      let scales = sp.map(() => 0);
      if (r.bool()) {
        outSp = sp.map(() => r.int(1, 13));
        options.size = outSp;
      } else {
        const s = sp.map((v) => {
          const lo = 1 / v;
          return Math.max(lo * 1.01, r.pick([0.5, 0.75, 1, 1.3, 1.5, 2, 2.5, 3]));
        });
        options.scaleFactor = s;
        outSp = sp.map((v, i) => Math.floor(v * s[i]));
        if (mode !== "area" && r.bool(0.3)) options.recomputeScaleFactor = true;
        else if (mode !== "area") scales = s;
      }
      const data = hostile(r, shape.reduce((a, b) => a * b, 1));
      tidy(() => {
        const x = tensor(data, shape);
        const y = F.interpolate(x, options);
        const ref = interpolateRef({ data: Float64Array.from(data), shape }, outSp, mode, options.alignCorners === true, scales);
        const msg = compare(y, ref, { rtol: 1e-4, atol: 1e-5 }, false, `case ${k}: ${JSON.stringify(options)} on [${shape}]`);
        expect(msg).toBeNull();
      });
    }
  });

  it("bilinear rows wide enough for the SIMD path: every scale from 1 to 4 and odd widths (tails)", () => {
    const r = rng(77);
    for (const w of [4, 5, 7, 8, 13, 31]) {
      for (const s of [1, 1.25, 1.5, 1.99, 2, 2.5, 3.7, 4]) {
        const shape = [1, 2, 3, w];
        const data = hostile(r, 6 * w);
        tidy(() => {
          const options = { scaleFactor: [1.5, s], mode: "bilinear" as const };
          const y = F.interpolate(tensor(data, shape), options);
          const ref = interpolateRef({ data: Float64Array.from(data), shape }, [4, Math.floor(w * s)], "bilinear", false, [1.5, s]);
          expect(compare(y, ref, { rtol: 1e-4, atol: 1e-5 }, false, `w ${w} s ${s}`)).toBeNull();
        });
      }
    }
  });

  it("pixel shuffle then unshuffle gives the input back, on strided views too", () => {
    const r = rng(5);
    for (let k = 0; k < 30; k++) {
      const f = r.int(1, 3);
      const shape = [r.int(1, 2), r.int(1, 3) * f * f, r.int(1, 4), r.int(1, 4)];
      const data = hostile(r, shape.reduce((a, b) => a * b, 1));
      tidy(() => {
        const x = tensor(data, shape);
        const up = F.pixelShuffle(x, f);
        expect(compare(up, shuffleRef({ data: Float64Array.from(data), shape }, f, true), {}, false, "shuffle")).toBeNull();
        const back = F.pixelUnshuffle(up.permute(0, 1, 3, 2).contiguous().permute(0, 1, 3, 2), f);
        expect(Array.from(back.toArray(), (v) => Object.is(v, -0) ? "-0" : v)).toEqual(Array.from(data, (v) => Object.is(v, -0) ? "-0" : v));
      });
    }
  });
});

// ---------------------------------------------------------------- errors

describe("errors", () => {
  const r = refusals(() => rand([1, 2, 4, 4]));
  const throwsWith = r.throwsWith;

  it("size and scaleFactor: exactly one, of the right kind and length", () => {
    throwsWith(() => F.interpolate(r.x, { size: [4, 4], scaleFactor: 2 }), TypeError, /^interpolate: expected only one of size and scaleFactor, got both/);
    throwsWith(() => F.interpolate(r.x, { mode: "bilinear" }), TypeError, /^interpolate: expected size or scaleFactor, got neither/);
    throwsWith(() => F.interpolate(r.x, undefined as never), TypeError, /neither/);
    throwsWith(() => F.interpolate(r.x, { size: [4, 4, 4] }), TypeError, /expected size with 2 values for a 4-D input/, /got \[4,4,4\]/);
    throwsWith(() => F.interpolate(r.x, { scaleFactor: [2] }), TypeError, /scaleFactor with 2 values/);
    throwsWith(() => F.interpolate(r.x, { size: 0 }), RangeError, /expected size a positive integer/, /got 0/);
    throwsWith(() => F.interpolate(r.x, { size: 2.5 }), RangeError, /size a positive integer/);
    throwsWith(() => F.interpolate(r.x, { size: "4" as never }), TypeError, /size/);
    throwsWith(() => F.interpolate(r.x, { scaleFactor: 0 }), RangeError, /scaleFactor a positive number/);
    throwsWith(() => F.interpolate(r.x, { scaleFactor: NaN }), RangeError, /scaleFactor/);
    throwsWith(() => F.interpolate(r.x, { scaleFactor: Infinity }), RangeError, /scaleFactor/);
    throwsWith(() => F.interpolate(r.x, { scaleFactor: 0.2 }), RangeError, /output size of at least 1 in every dimension, got \[0,0\] for input size \[4,4\]/);
    throwsWith(() => F.interpolate(r.x, { size: 3, recomputeScaleFactor: true }), RangeError, /recomputeScaleFactor is not meaningful with an explicit size/);
  });

  it("modes, alignCorners and the input rank", () => {
    throwsWith(() => F.interpolate(r.x, { scaleFactor: 2, mode: "cubic" as never }), RangeError, /^interpolate: expected mode one of "nearest", .*"area", got "cubic"/);
    throwsWith(() => F.interpolate(r.x, { scaleFactor: 2, alignCorners: true }), RangeError, /alignCorners can only be set with the interpolating modes/, /"nearest"/);
    throwsWith(() => F.interpolate(r.x, { scaleFactor: 2, mode: "area", alignCorners: false }), RangeError, /alignCorners/);
    throwsWith(() => F.interpolate(r.x, { scaleFactor: 2, mode: "bilinear", alignCorners: 1 as never }), TypeError, /alignCorners true or false/);
    throwsWith(() => F.interpolate(tensor([1, 2, 3], [1, 1, 3]), { size: 5, mode: "bilinear" }), RangeError, /mode "bilinear" needs a 4-D input, got 3-D/);
    throwsWith(() => F.interpolate(r.x, { size: 5, mode: "linear" }), RangeError, /mode "linear" needs a 3-D input, got 4-D/);
    throwsWith(() => F.interpolate(r.x, { size: 5, mode: "trilinear" }), RangeError, /needs a 5-D input/);
    throwsWith(() => F.interpolate(tensor([1, 2], [1, 2]), { size: 5 }), RangeError, /3-D, 4-D or 5-D input/);
    throwsWith(() => F.interpolate(zeros([1, 2, 0]), { size: 5 }), RangeError, /non-zero channel and spatial sizes/);
    throwsWith(() => F.interpolate(tensor([1, 2], [1, 1, 2], { dtype: "int32" }), { size: 5 }), TypeError, /input of dtype float32, got int32/);
    throwsWith(() => F.interpolate([1, 2] as never, { size: 5 }), TypeError, /^interpolate: expected input a Tensor/);
    throwsWith(() => F.interpolate(r.x, { scaleFactor: 2, scale_factor: 2 } as never), TypeError, /unknown option "scale_factor" \(did you mean scaleFactor\?\)/);
  });

  it("modules name themselves, and Upsample() without a size is refused when built", () => {
    throwsWith(() => new nn.Upsample(), TypeError, /^Upsample: expected size or scaleFactor, got neither/);
    throwsWith(() => new nn.Upsample({ size: 3, mode: "bicubic" }).forward(r.x.select(0, 0)), RangeError, /^Upsample: mode "bicubic" needs a 4-D input/);
    throwsWith(() => new nn.PixelShuffle(0), RangeError, /^PixelShuffle: expected upscaleFactor a positive integer, got 0/);
    throwsWith(() => new nn.PixelUnshuffle(2).forward(rand([1, 2, 5, 4])), RangeError, /^PixelUnshuffle: expected the height \(size\(-2\) = 5\) divisible by downscaleFactor 2/);
  });

  it("pixel shuffle and unshuffle sizes", () => {
    throwsWith(() => F.pixelShuffle(rand([1, 5, 4, 4]), 2), RangeError, /^pixelShuffle: expected the channel dimension \(size\(-3\) = 5\) divisible by upscaleFactor squared \(4\)/);
    throwsWith(() => F.pixelUnshuffle(rand([1, 2, 4, 5]), 2), RangeError, /width \(size\(-1\) = 5\)/);
    throwsWith(() => F.pixelShuffle(rand([4, 4]), 2), RangeError, /at least 3 dimensions/);
    throwsWith(() => F.pixelShuffle(r.x, 1.5), RangeError, /upscaleFactor a positive integer, got 1.5/);
  });
});

describe("the heap", () => {
  it("a thousand calls of every mode free what they do not return", () => {
    const x = rand([1, 2, 5, 6]);
    const x5 = rand([1, 1, 3, 4, 5]);
    const x4s = rand([1, 4, 5, 3]);
    const calls = [
      () => F.interpolate(x, { scaleFactor: 2 }),
      () => F.interpolate(x, { size: [7, 3], mode: "bicubic", alignCorners: true }),
      () => F.interpolate(x, { scaleFactor: 1.5, mode: "bilinear" }),
      () => F.interpolate(x5, { scaleFactor: 2, mode: "trilinear" }),
      () => F.interpolate(x, { size: [3, 3], mode: "area" }),
      () => F.pixelShuffle(x4s, 2),
    ];
    for (const c of calls) c().dispose();
    const start = memory();
    for (let i = 0; i < 1000; i++) calls[i % calls.length]().dispose();
    const end = memory();
    expect(end.tensors).toBe(start.tensors);
    expect(end.bytes).toBe(start.bytes);
    expect(end.heapBytes).toBe(start.heapBytes);
    x.dispose();
    x5.dispose();
    x4s.dispose();
  });
});
