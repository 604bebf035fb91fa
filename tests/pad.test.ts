// Padding against PyTorch fixtures (tests/golden/gen_pad.py), every case also through its
// module class where one exists; seeded property tests against the float64 reference of
// tests/opinfo/resample.ts (random ranks, amounts, negative crops, hostile values, views);
// every promised error; a flat heap.
import { describe, expect, it } from "vitest";
import { F, type Tensor, memory, nn, rand, tensor, tidy } from "../src/index";
import { expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";
import { refusals } from "./helpers/refusal";
import { rng } from "./helpers/random";
import { padRef } from "./opinfo/resample";
import { compare } from "./opinfo/runner";

interface PadCase {
  id: string;
  fn?: "pad";
  module?: string;
  args?: unknown[];
  input: TensorRef;
  pad?: number[];
  options?: { mode?: "constant" | "reflect" | "replicate" | "circular"; value?: number | "Infinity" };
  expected: TensorRef;
}

const fixtures = new Fixtures<PadCase>("pad");
type PadCtor = new (...args: unknown[]) => { forward(x: Tensor): Tensor };
const MODULE_OF = { constant: "ConstantPad", reflect: "ReflectionPad", replicate: "ReplicationPad", circular: "CircularPad" } as const;

function optionsOf(c: PadCase): { mode?: "constant" | "reflect" | "replicate" | "circular"; value?: number } {
  const o = { ...c.options } as { mode?: "constant" | "reflect" | "replicate" | "circular"; value?: number | "Infinity" };
  if (o.value === "Infinity") o.value = Infinity;
  return o as { mode?: "constant" | "reflect" | "replicate" | "circular"; value?: number };
}

describe("F.pad and the pad modules match PyTorch", () => {
  for (const c of fixtures.cases) {
    const what = c.module ? `nn.${c.module}(${JSON.stringify(c.args)})` : `F.pad(${JSON.stringify(c.pad)}, ${JSON.stringify(c.options)})`;
    it(`${c.id} ${what} on [${c.input.shape}]`, () => {
      tidy(() => {
        const x = fixtures.tensor(c.input);
        const before = x.toArray();
        const want = fixtures.values(c.expected);
        if (c.module) {
          const Ctor = (nn as unknown as Record<string, PadCtor>)[c.module];
          expectExact(new Ctor(...c.args!).forward(x), want, c.expected.shape, "module output");
        } else {
          const o = optionsOf(c);
          expectExact(F.pad(x, c.pad!, o), want, c.expected.shape, "F.pad output");
          // The module of the same mode and dimension count gives the same answer.
          const k = c.pad!.length / 2;
          const mode = o.mode ?? "constant";
          const rankOk = mode === "constant" || (x.ndim >= k + 1 && x.ndim <= k + 2);
          if (k <= 3 && rankOk) {
            const Ctor = (nn as unknown as Record<string, PadCtor>)[`${MODULE_OF[mode]}${k}d`];
            const m = mode === "constant" ? new Ctor(c.pad, o.value ?? 0) : new Ctor(c.pad);
            expectExact(m.forward(x), want, c.expected.shape, "module output");
          }
        }
        expectExact(x, before, c.input.shape, "input after the call");
      });
    });
  }

  it("the fixtures cover every mode, 1 to 4 padded dimensions, crops and unbatched inputs", () => {
    const fs = fixtures.cases.filter((c) => c.fn === "pad");
    for (const m of ["reflect", "replicate", "circular"]) {
      for (const k of [1, 2, 3]) expect(fs.some((c) => c.options?.mode === m && c.pad!.length === 2 * k), `${m} ${k}`).toBe(true);
    }
    expect(fs.some((c) => c.pad!.length === 8)).toBe(true);
    expect(fs.some((c) => c.pad!.some((v) => v < 0) && (c.options?.mode ?? "constant") === "constant")).toBe(true);
    expect(fs.some((c) => c.pad!.some((v) => v < 0) && c.options?.mode === "reflect")).toBe(true);
  });
});

function hostile(r: ReturnType<typeof rng>, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r.bool(0.1) ? r.pick([NaN, Infinity, -Infinity, -0, 1e-40, 1e30]) : r.float() * 100;
  return out;
}

describe("random shapes and amounts against the float64 reference", () => {
  it("300 seeded cases: every mode, 1 to 3 padded dimensions, crops, strided inputs", () => {
    const r = rng(2024);
    let ran = 0;
    for (let k = 0; k < 300; k++) {
      const mode = r.pick(["constant", "reflect", "replicate", "circular"] as const);
      const n = r.int(1, 3);
      const rank = mode === "constant" ? r.int(n, 5) : n + r.int(1, 2);
      const shape = Array.from({ length: rank }, (_, d) => (d >= rank - n ? r.int(1, 6) : r.int(1, 3)));
      const pad: number[] = [];
      for (let i = 0; i < n; i++) {
        const size = shape[rank - 1 - i];
        const lim = mode === "reflect" ? size - 1 : mode === "circular" ? size : 4;
        for (let s = 0; s < 2; s++) pad.push(r.bool(0.2) ? -r.int(0, Math.max(0, size - 1)) : r.int(0, lim));
      }
      const value = mode === "constant" ? r.pick([0, 1.5, -Infinity]) : 0;
      const data = hostile(r, shape.reduce((a, b) => a * b, 1));
      const strided = r.bool(0.3);
      tidy(() => {
        let x = tensor(data, shape);
        if (strided && rank >= 2) x = x.transpose(rank - 1, rank - 2).contiguous().transpose(rank - 1, rank - 2);
        const wrapsTwice = mode === "circular" && pad.some((v, j) => {
          const i = j >> 1;
          const cropped = shape[rank - 1 - i] + Math.min(pad[2 * i], 0) + Math.min(pad[2 * i + 1], 0);
          return v > cropped;
        });
        if (wrapsTwice) {
          expect(() => F.pad(x, pad, { mode, value })).toThrow(/wrap around more than once/);
          return;
        }
        let ref;
        try {
          ref = padRef({ data: Float64Array.from(data), shape }, pad, mode, value);
        } catch {
          return;
        }
        // PyTorch refuses outputs emptied by reflect/replicate crops; the reference does not check.
        if (ref.shape.some((s) => s < (mode === "constant" || mode === "circular" ? 0 : 1))) {
          expect(() => F.pad(x, pad, { mode, value })).toThrow(RangeError);
          return;
        }
        const y = F.pad(x, pad, { mode, value });
        expect(compare(y, ref, {}, false, `case ${k}: ${mode} ${JSON.stringify(pad)} on [${shape}]`)).toBeNull();
        ran++;
      });
    }
    expect(ran).toBeGreaterThan(250);
  });
});

describe("errors", () => {
  const r = refusals(() => rand([1, 1, 3, 3]));
  const throwsWith = r.throwsWith;

  it("the pad list", () => {
    throwsWith(() => F.pad(r.x, [1, 2, 3]), RangeError, /^pad: expected pad an even number of values/, /got \[1,2,3\]/);
    throwsWith(() => F.pad(r.x, new Array(10).fill(1)), RangeError, /at most 8 pad values .* shape \[1,1,3,3\], got 10/);
    throwsWith(() => F.pad(r.x, [1.5, 1]), TypeError, /^pad: expected pad an array of integers/);
    throwsWith(() => F.pad(r.x, 2 as never), TypeError, /pad an array of integers/);
    throwsWith(() => F.pad(r.x, [-2, -2]), RangeError, /crops more than the input of shape \[1,1,3,3\] holds \(output shape \[1,1,3,-1\]\)/);
  });

  it("modes and their limits", () => {
    throwsWith(() => F.pad(r.x, [1, 1], { mode: "wrap" as never }), RangeError, /^pad: expected mode one of "constant", "reflect", "replicate", "circular", got "wrap"/);
    throwsWith(() => F.pad(r.x, [3, 3, 3, 3], { mode: "reflect" }), RangeError, /reflect padding must be less than the size of the dimension it pads, got padding \(3, 3\) for dimension 3 of size 3/);
    throwsWith(() => F.pad(r.x.reshape(1, 3, 3), [4, 0], { mode: "circular" }), RangeError, /would wrap around more than once/);
    throwsWith(() => F.pad(r.x.reshape(1, 3, 3), [3, -1], { mode: "circular" }), RangeError, /after cropping \(it would wrap around more than once\), got padding \(3, -1\)/);
    throwsWith(() => F.pad(r.x, [-2, -1, 0, 0], { mode: "replicate" }), RangeError, /leaves no element of dimension 3/);
    throwsWith(() => F.pad(r.x, [1, 1], { mode: "reflect" }), RangeError, /pads the last 1, 2 or 3 dimensions of an input with 2 or 3 dimensions/);
    throwsWith(() => F.pad(r.x, [1, 1], { mode: "reflect", value: 2 }), RangeError, /mode "reflect" takes no value, got value 2/);
    throwsWith(() => F.pad(r.x, [1, 1], { value: "1" as never }), TypeError, /expected value a number/);
    throwsWith(() => F.pad(tensor([1], [1, 1, 1], { dtype: "int32" }), [1, 1]), TypeError, /dtype float32/);
    throwsWith(() => F.pad(r.x, [1, 1], { Mode: "reflect" } as never), TypeError, /unknown option "Mode" \(did you mean mode\?\)/);
  });

  it("modules name themselves and check their padding", () => {
    throwsWith(() => new nn.ReflectionPad2d(4).forward(r.x), RangeError, /^ReflectionPad2d: reflect padding must be less than/);
    throwsWith(() => new nn.ZeroPad2d([1, 2, 3]), TypeError, /^ZeroPad2d: expected padding an integer or an array of 4 integers, got \[1,2,3\]/);
    throwsWith(() => new nn.ConstantPad1d(1, "x" as never), TypeError, /^ConstantPad1d: expected value a number/);
    throwsWith(() => new nn.CircularPad3d(1).forward(r.x.reshape(1, 3, 3)), RangeError, /^CircularPad3d: mode "circular" pads/);
  });
});

describe("the heap", () => {
  it("a thousand pads of every mode free what they do not return", () => {
    const x = rand([2, 3, 5, 6]);
    const calls = [
      () => F.pad(x, [1, 2, 3, 0]),
      () => F.pad(x, [2, 2, 1, 1], { mode: "reflect" }),
      () => F.pad(x, [3, 1, 0, 2], { mode: "replicate" }),
      () => F.pad(x, [1, 5, 0, 1], { mode: "circular" }),
      () => F.pad(x, [1, 1, 1, 1, 1, 1, 1, 1], { value: 2 }),
    ];
    for (const c of calls) c().dispose();
    const start = memory();
    for (let i = 0; i < 1000; i++) calls[i % calls.length]().dispose();
    const end = memory();
    expect([end.tensors, end.bytes, end.heapBytes]).toEqual([start.tensors, start.bytes, start.heapBytes]);
    x.dispose();
  });
});
