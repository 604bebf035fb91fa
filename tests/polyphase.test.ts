// Convolutions rewritten as 3x3 (Winograd) convolutions over phases of the input
// against the float64 definition, on shapes the planner sends down those paths (checked):
// dilated 3x3 (src/functional/polyphase.ts: odd sizes that leave partial phases, groups,
// unequal dilations, batches, a fused ReLU), and stride 2 with 5x5 or 6x6 kernels
// (assembly/conv_s2d.ts: the phases stacked as channels).
import { describe, expect, it } from "vitest";
import { CONV_DESC, CONV_SPACE_TO_DEPTH } from "../build/abi.js";
import { F, type Tensor, nn, randn, tensor } from "../src/index";
import { descriptor, dhw, wasm } from "../src/wasm";
import { expectClose } from "./helpers/allclose";
import { refConv } from "./helpers/conv-reference";

interface Case { N: number; C: number; OC: number; H: number; W: number; dilation: [number, number]; padding: [number, number]; groups: number }

const CASES: Case[] = [
  { N: 1, C: 32, OC: 32, H: 30, W: 30, dilation: [2, 2], padding: [2, 2], groups: 1 },
  { N: 2, C: 24, OC: 40, H: 29, W: 23, dilation: [2, 2], padding: [2, 2], groups: 1 },
  { N: 1, C: 64, OC: 48, H: 52, W: 57, dilation: [3, 2], padding: [1, 4], groups: 1 },
  { N: 1, C: 128, OC: 128, H: 46, W: 51, dilation: [2, 3], padding: [0, 3], groups: 2 },
  { N: 2, C: 48, OC: 48, H: 44, W: 45, dilation: [4, 4], padding: [4, 4], groups: 1 },
];

/** The planner's descriptor of a 2-D convolution with zero padding. */
function desc(N: number, C: number, OC: number, H: number, W: number, k: number[], stride: number, padding: number[], dilation: number[], groups: number): number {
  const out = [0, 1].map((i) => Math.floor(([H, W][i] + 2 * padding[i] - dilation[i] * (k[i] - 1) - 1) / stride) + 1);
  return descriptor(CONV_DESC, {
    batch: N, inC: C, ...dhw("in", [1, H, W]), outC: OC, ...dhw("out", [1, ...out]), ...dhw("kernel", [1, ...k]),
    ...dhw("stride", [1, stride, stride]), ...dhw("padBefore", [0, ...padding]), ...dhw("padAfter", [0, ...padding]),
    ...dhw("dilation", [1, ...dilation]), groups, paddingMode: 0, packed: 0, clampMin: -Infinity, clampMax: Infinity,
  });
}

function usesPolyphase(c: Case): boolean {
  return wasm().convUsePolyphase(desc(c.N, c.C, c.OC, c.H, c.W, [3, 3], 1, c.padding, c.dilation, c.groups)) === 1;
}

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + seed) * (1 + (i % 7) / 7));
}

describe("convolutions by phases", () => {
  CASES.forEach((c, i) => {
    it(`case ${i}: N${c.N} C${c.C}->${c.OC} ${c.H}x${c.W} dilation [${c.dilation}] padding [${c.padding}] groups ${c.groups}`, () => {
      expect(usesPolyphase(c)).toBe(true);
      const xv = values(c.N * c.C * c.H * c.W, i), wv = values(c.OC * (c.C / c.groups) * 9, 10 + i), bv = values(c.OC, 20 + i);
      const x = tensor(xv, [c.N, c.C, c.H, c.W]), w = tensor(wv, [c.OC, c.C / c.groups, 3, 3]), b = tensor(bv, [c.OC]);
      const y: Tensor = F.conv2d(x, w, b, { padding: c.padding, dilation: c.dilation, groups: c.groups });
      const ref = refConv(xv, [c.N, c.C, c.H, c.W], wv, [c.OC, c.C / c.groups, 3, 3], bv, {
        stride: [1, 1], before: c.padding, after: c.padding, dilation: c.dilation, groups: c.groups, mode: "zeros",
      });
      const bound = ref.magnitude.reduce((a, m) => Math.max(a, m), 0);
      expectClose(y, ref.data, ref.shape, { rtol: 1e-4, atol: 1e-5 * Math.max(1, bound) }, `case ${i}`);
      [x, w, b, y].forEach((t) => t.dispose());
    });
  });

  it("a fused ReLU (a loaded model's Conv-ReLU) clamps every phase: the same as the module, then F.relu", () => {
    const conv = new nn.Conv2d(32, 32, 3, { padding: 2, dilation: 2 });
    const x = randn(1, 32, 30, 30);
    const separate = F.relu(conv.forward(x)).toArray();
    const fused = conv.fusedForward(x, conv.weight, conv.bias, { min: 0, max: Infinity }).toArray();
    expect(Array.from(fused)).toEqual(Array.from(separate));
    expect(separate.some((v) => v > 0) && separate.some((v) => v === 0)).toBe(true);
  });

  // [N, C, OC, H, W, k, padding]
  const STRIDED = [[1, 64, 64, 57, 57, 5, 2], [2, 16, 24, 30, 31, 6, 2], [1, 32, 40, 41, 40, 5, 0], [1, 24, 48, 33, 35, 5, 1]];
  STRIDED.forEach(([N, C, OC, H, W, k, p], i) => {
    it(`stride 2, ${k}x${k} kernel, as a 3x3 one over the phases stacked as channels: N${N} C${C}->${OC} ${H}x${W} padding ${p}`, () => {
      expect(wasm().convMethodOf(desc(N, C, OC, H, W, [k, k], 2, [p, p], [1, 1], 1))).toBe(CONV_SPACE_TO_DEPTH);
      const xv = values(N * C * H * W, 30 + i), wv = values(OC * C * k * k, 40 + i), bv = values(OC, 50 + i);
      const y = F.conv2d(tensor(xv, [N, C, H, W]), tensor(wv, [OC, C, k, k]), tensor(bv, [OC]), { stride: 2, padding: p });
      const ref = refConv(xv, [N, C, H, W], wv, [OC, C, k, k], bv, { stride: [2, 2], before: [p, p], after: [p, p], dilation: [1, 1], groups: 1, mode: "zeros" });
      const bound = ref.magnitude.reduce((a, m) => Math.max(a, m), 0);
      expectClose(y, ref.data, ref.shape, { rtol: 1e-4, atol: 1e-5 * Math.max(1, bound) }, `strided case ${i}`);
      y.dispose();
    });
  });
});
