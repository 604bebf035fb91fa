// Transposed convolutions computed in their sub-pixel form (one stacked stride-1
// convolution served by the Winograd kernels, then an interleave): random layers that
// take that path, against a plain reference, with output padding, batches, no bias, and
// NaN / infinities (which must spread only as far as in PyTorch).
import { describe, expect, it } from "vitest";
import { F, type Tensor, tensor, tidy } from "../src/index";
import { subpixelPlan } from "../src/functional/subpixel";
import { expectClose } from "./helpers/allclose";
import { refConvTranspose } from "./helpers/conv-reference";
import { type Rng, rng } from "./helpers/random";

interface Layer {
  N: number;
  C: number;
  OC: number;
  k: number[];
  stride: number[];
  padding: number[];
  outputPadding: number[];
  size: number[];
}

const outLength = (L: number, k: number, s: number, p: number, op: number) => (L - 1) * s - 2 * p + k - 1 + op + 1;

/** True when the layer is computed in the sub-pixel form (the kernels' cost model decides). */
function takesSubpixel(l: Layer): boolean {
  const outSize = l.size.map((L, i) => outLength(L, l.k[i], l.stride[i], l.padding[i], l.outputPadding[i]));
  return subpixelPlan(l.N, l.C, l.OC, 1, [1, ...l.size], [1, ...outSize], [1, ...l.k], [1, ...l.stride], [0, ...l.padding], [1, 1, 1]) !== null;
}

function values(r: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => r.float());
}

function check(l: Layer, r: Rng, withBias: boolean, patch?: (x: Float32Array, w: Float32Array) => void): void {
  tidy(() => {
    const xv = values(r, l.N * l.C * l.size[0] * l.size[1]);
    const wv = values(r, l.C * l.OC * l.k[0] * l.k[1]);
    patch?.(xv, wv);
    const bv = withBias ? values(r, l.OC) : null;
    const options = { stride: l.stride, padding: l.padding, outputPadding: l.outputPadding };
    const y = F.convTranspose2d(
      tensor(xv, [l.N, l.C, ...l.size]), tensor(wv, [l.C, l.OC, ...l.k]), bv === null ? undefined : tensor(bv, [l.OC]), options,
    ) as Tensor;
    const ref = refConvTranspose(xv, [l.N, l.C, ...l.size], wv, [l.C, l.OC, ...l.k], bv, { ...options, dilation: [1, 1], groups: 1 });
    const bound = ref.magnitude.reduce((a, c) => (Number.isFinite(c) ? Math.max(a, c) : a), 0);
    expectClose(y, ref.data, ref.shape, { rtol: 1e-4, atol: 1e-5 * Math.max(1, bound) }, JSON.stringify(l));
  });
}

describe("transposed convolution in the sub-pixel form", () => {
  it("the usual up-sampling layer (k4 s2 p1) takes the path once it has enough channels", () => {
    expect(takesSubpixel({ N: 1, C: 128, OC: 64, k: [4, 4], stride: [2, 2], padding: [1, 1], outputPadding: [0, 0], size: [16, 16] })).toBe(true);
    expect(takesSubpixel({ N: 1, C: 3, OC: 1, k: [3, 3], stride: [2, 2], padding: [0, 0], outputPadding: [0, 0], size: [64, 64] })).toBe(false);
    // The PyTorch fixtures of this path (tests/golden/gen_conv.py, subpixel_cases).
    expect(takesSubpixel({ N: 1, C: 64, OC: 32, k: [4, 4], stride: [2, 2], padding: [1, 1], outputPadding: [0, 0], size: [16, 16] })).toBe(true);
    expect(takesSubpixel({ N: 2, C: 64, OC: 16, k: [4, 4], stride: [2, 2], padding: [1, 1], outputPadding: [0, 0], size: [16, 16] })).toBe(true);
    expect(takesSubpixel({ N: 1, C: 64, OC: 32, k: [3, 3], stride: [1, 1], padding: [1, 1], outputPadding: [0, 0], size: [16, 16] })).toBe(true);
  });

  it("matches the reference on 80 random layers that take the path", () => {
    const r = rng(2468);
    let taken = 0;
    for (let attempt = 0; taken < 80 && attempt < 2000; attempt++) {
      const s = [r.int(1, 3), r.int(1, 3)];
      const k = s.map((si) => r.int(si, 3 * si));
      const padding = k.map((ki) => r.int(0, ki - 1));
      const outputPadding = s.map((si) => (r.bool(0.3) ? r.int(0, si - 1) : 0));
      const layer: Layer = {
        N: r.int(1, 2), C: r.pick([16, 24, 32, 48, 64]), OC: r.pick([8, 16, 32, 40]), k, stride: s, padding, outputPadding,
        size: [r.int(4, 20), r.int(4, 20)],
      };
      if (layer.size.some((L, i) => outLength(L, k[i], s[i], padding[i], outputPadding[i]) < 1)) continue;
      if (!takesSubpixel(layer)) continue;
      taken++;
      check(layer, r, r.bool(0.75));
    }
    expect(taken).toBe(80);
  });

  it("NaN and infinities spread only as in PyTorch (the call falls back to the direct method)", () => {
    const r = rng(1357);
    const layer: Layer = { N: 1, C: 96, OC: 32, k: [4, 4], stride: [2, 2], padding: [1, 1], outputPadding: [0, 0], size: [16, 16] };
    expect(takesSubpixel(layer)).toBe(true);
    check(layer, r, true, (x) => {
      x[5] = NaN;
      x[100] = Infinity;
    });
    check(layer, r, false, (_, w) => {
      w[7] = -Infinity;
    });
  });
});
