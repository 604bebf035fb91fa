// Dilated 3x3 convolutions that run as one undilated (Winograd) convolution over the
// dilation phases of the input (src/functional/polyphase.ts): against the float64
// definition, on shapes the planner sends down that path (checked), with odd sizes that
// leave partial phases, groups, unequal dilations, batches, and a fused ReLU.
import { describe, expect, it } from "vitest";
import { CONV_DESC } from "../build/abi.js";
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

function usesPolyphase(c: Case): boolean {
  const OH = c.H + 2 * c.padding[0] - 2 * c.dilation[0], OW = c.W + 2 * c.padding[1] - 2 * c.dilation[1];
  const desc = descriptor(CONV_DESC, {
    batch: c.N, inC: c.C, ...dhw("in", [1, c.H, c.W]), outC: c.OC, ...dhw("out", [1, OH, OW]), ...dhw("kernel", [1, 3, 3]),
    ...dhw("stride", [1, 1, 1]), ...dhw("padBefore", [0, ...c.padding]), ...dhw("padAfter", [0, ...c.padding]),
    ...dhw("dilation", [1, ...c.dilation]), groups: c.groups, paddingMode: 0, packed: 0, clampMin: -Infinity, clampMax: Infinity,
  });
  return wasm().convUsePolyphase(desc) === 1;
}

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731 + seed) * (1 + (i % 7) / 7));
}

describe("dilated convolution by phases", () => {
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
});
