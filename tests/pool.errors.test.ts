// Every invalid pooling / unpooling call throws a TypeError or RangeError naming the
// layer, the argument, what was expected and what came, before any work: inputs stay
// unchanged, nothing leaks, and the heap keeps working.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { F, type Tensor, memory, nn, ones, rand, tensor, tidy, zeros } from "../src/index";
import { refusals } from "./helpers/refusal";

const r = refusals(() => rand([1, 2, 6, 6]));
const throwsWith = r.throwsWith;

describe("window arguments", () => {
  it("padding larger than half the kernel", () => {
    throwsWith(() => F.maxPool2d(r.x, 2, { padding: 2 }), RangeError, /^maxPool2d: /, /padding at most half the kernel size/, /\[2,2\]/);
    throwsWith(() => F.avgPool2d(r.x, 3, { padding: [1, 2] }), RangeError, /^avgPool2d: /, /allows up to \[1,1\]/, /got \[1,2\]/);
    throwsWith(() => F.maxPool1d(tensor([1, 2, 3, 4], [1, 1, 4]), 3, { padding: 2 }), RangeError, /^maxPool1d: /);
    throwsWith(() => new nn.MaxPool3d(3, { padding: 2 }), RangeError, /^MaxPool3d: /, /padding/);
  });

  it("kernel size, stride and dilation must be positive integers, padding non-negative", () => {
    throwsWith(() => F.maxPool2d(r.x, 0), RangeError, /^maxPool2d: expected kernelSize positive integers, got 0/);
    throwsWith(() => F.maxPool2d(r.x, [2, 2, 2]), TypeError, /kernelSize an integer or an array of 2 integers/);
    throwsWith(() => F.maxPool2d(r.x, 2.5), TypeError, /kernelSize/);
    throwsWith(() => F.avgPool2d(r.x, 2, { stride: 0 }), RangeError, /stride positive integers, got 0/);
    throwsWith(() => F.maxPool2d(r.x, 2, { dilation: [1, 0] }), RangeError, /dilation positive integers/);
    throwsWith(() => F.maxPool2d(r.x, 2, { padding: -1 }), RangeError, /padding integers >= 0/);
    throwsWith(() => F.maxPool2d(r.x, "2" as unknown as number), TypeError, /kernelSize/);
  });

  it("an output size below 1", () => {
    throwsWith(() => F.avgPool2d(rand([1, 1, 2, 2]), 4), RangeError, /^avgPool2d: expected an output size of at least 1/, /got \[0,0\]/, /input size \[2,2\]/);
    throwsWith(() => F.maxPool2d(r.x, [7, 1]), RangeError, /output size of at least 1.*got \[0,6\]/);
    throwsWith(() => F.maxPool1d(tensor([1, 2, 3], [1, 1, 3]), 2, { dilation: 3 }), RangeError, /at least 1/);
  });

  it("option names and types", () => {
    throwsWith(() => F.maxPool2d(r.x, 2, { return_indices: true } as never), TypeError, /unknown option "return_indices" \(did you mean returnIndices\?\)/);
    throwsWith(() => F.avgPool1d(tensor([1, 2, 3, 4], [1, 1, 4]), 2, { divisorOverride: 2 } as never), TypeError, /^avgPool1d: unknown option "divisorOverride"/);
    throwsWith(() => F.maxPool2d(r.x, 2, { ceilMode: 1 as never }), TypeError, /ceilMode true or false, got 1/);
    throwsWith(() => F.avgPool2d(r.x, 2, { countIncludePad: "no" as never }), TypeError, /countIncludePad/);
    throwsWith(() => F.avgPool2d(r.x, 2, { divisorOverride: 0 }), RangeError, /divisorOverride a non-zero integer, got 0/);
    throwsWith(() => F.avgPool3d(rand([1, 1, 2, 2, 2]), 2, { divisorOverride: 1.5 }), TypeError, /divisorOverride/);
    throwsWith(() => F.maxPool2d(r.x, 2, 3 as never), TypeError, /options an options object/);
  });

  it("LPPool normType", () => {
    throwsWith(() => F.lpPool2d(r.x, 0, 2), RangeError, /^lpPool2d: expected normType a non-zero number, got 0/);
    throwsWith(() => F.lpPool1d(tensor([1, 2], [1, 1, 2]), "2" as never, 2), TypeError, /normType a number/);
    throwsWith(() => new nn.LPPool2d(NaN, 2), TypeError, /^LPPool2d: /);
    throwsWith(() => F.lpPool2d(r.x, 2, 2, { padding: 1 } as never), TypeError, /unknown option "padding"/);
  });

  it("adaptive output sizes", () => {
    throwsWith(() => F.adaptiveAvgPool2d(r.x, -1), RangeError, /^adaptiveAvgPool2d: expected outputSize/);
    throwsWith(() => F.adaptiveAvgPool2d(r.x, "2" as never), TypeError, /^adaptiveAvgPool2d: expected outputSize/);
    throwsWith(() => F.adaptiveMaxPool2d(r.x, [2, 2, 2]), TypeError, /outputSize/);
    throwsWith(() => F.adaptiveMaxPool2d(r.x, [2, 1.5]), TypeError, /outputSize/);
    throwsWith(() => new nn.AdaptiveAvgPool3d([1, 2]), TypeError, /^AdaptiveAvgPool3d: /);
    throwsWith(() => F.adaptiveMaxPool1d(r.x.select(0, 0), 2, { return_indices: true } as never), TypeError, /unknown option/);
  });
});

describe("inputs", () => {
  it("wrong rank, with PyTorch's unbatched shapes named", () => {
    throwsWith(() => F.maxPool2d(rand([6, 6]), 2), RangeError, /^maxPool2d: expected input with 3 \(unbatched\) or 4 \(batched\) dimensions, got 2 \(shape \[6,6\]\)/);
    throwsWith(() => F.avgPool1d(r.x, 2), RangeError, /^avgPool1d: expected input with 2 \(unbatched\) or 3 \(batched\)/);
    throwsWith(() => F.adaptiveAvgPool3d(rand([2, 6, 6]), 1), RangeError, /^adaptiveAvgPool3d: expected input with 4 \(unbatched\) or 5 \(batched\)/);
    throwsWith(() => new nn.MaxPool1d(2).forward(r.x), RangeError, /^MaxPool1d: /);
  });

  it("dtype, type and disposal", () => {
    const asInt = tensor(new Int32Array(16), [1, 1, 4, 4]);
    try {
      throwsWith(() => F.maxPool2d(asInt, 2), TypeError, /^maxPool2d: expected input of dtype float32, got int32/);
      throwsWith(() => F.maxPool2d([1, 2, 3] as never, 2), TypeError, /^maxPool2d: expected input a Tensor/);
      const gone = rand([1, 1, 4, 4]);
      gone.dispose();
      throwsWith(() => F.avgPool2d(gone, 2), TypeError, /disposed/);
    } finally {
      asInt.dispose();
    }
  });

  it("empty channel or spatial sizes; an empty batch gives an empty output", () => {
    const empty = zeros([1, 0, 4, 4]);
    const emptyBatch = zeros([0, 2, 4, 4]);
    try {
      throwsWith(() => F.maxPool2d(empty, 2), RangeError, /non-zero channel and spatial sizes, got shape \[1,0,4,4\]/);
      const [out, idx] = F.maxPool2d(emptyBatch, 2, { returnIndices: true });
      expect(out.shape).toEqual([0, 2, 2, 2]);
      expect(idx.shape).toEqual([0, 2, 2, 2]);
      out.dispose();
      idx.dispose();
    } finally {
      empty.dispose();
      emptyBatch.dispose();
    }
  });
});

describe("max unpooling", () => {
  let pooled: Tensor;
  let indices: Tensor;
  beforeEach(() => {
    [pooled, indices] = F.maxPool2d(r.x, 2, { returnIndices: true });
  });
  afterEach(() => {
    pooled.dispose();
    indices.dispose();
  });

  it("indices of another shape or dtype", () => {
    const [pb, ib] = F.maxPool2d(r.x, 3, { returnIndices: true });
    const asFloat = ones([1, 2, 3, 3]);
    try {
      throwsWith(() => F.maxUnpool2d(pooled, ib, 2), RangeError, /^maxUnpool2d: expected indices of the input's shape \[1,2,3,3\], got \[1,2,2,2\]/);
      throwsWith(() => F.maxUnpool2d(pooled, asFloat, 2), TypeError, /^maxUnpool2d: expected indices of dtype int32, got float32/);
      throwsWith(() => F.maxUnpool2d(pooled, [0, 1] as never, 2), TypeError, /expected indices a Tensor/);
      throwsWith(() => new nn.MaxUnpool2d(2).forward(pb, indices), RangeError, /^MaxUnpool2d: /);
    } finally {
      pb.dispose();
      ib.dispose();
      asFloat.dispose();
    }
  });

  it("an index outside the output plane names the index and its position; nothing is half-written", () => {
    const bad = indices.clone();
    try {
      const values = Array.from(indices.toArray());
      values[13] = 36;
      tidy(() => bad.copy_(tensor(Int32Array.from(values), indices.shape)));
      throwsWith(() => F.maxUnpool2d(pooled, bad, 2), RangeError, /^maxUnpool2d: expected indices in \[0, 36\)/, /6x6 output plane/, /got 36 at position \[0,1,1,1\] of indices/);
      values[13] = -1;
      tidy(() => bad.copy_(tensor(Int32Array.from(values), indices.shape)));
      throwsWith(() => F.maxUnpool2d(pooled, bad, 2), RangeError, /got -1 at position \[0,1,1,1\]/);
      // A smaller output size turns valid indices into invalid ones.
      throwsWith(() => F.maxUnpool2d(pooled, indices, 2, { outputSize: [5, 5] }), RangeError, /expected indices in \[0, 25\)/);
    } finally {
      bad.dispose();
    }
  });

  it("outputSize outside PyTorch's range, of the wrong length, or an empty default size", () => {
    throwsWith(() => F.maxUnpool2d(pooled, indices, 2, { outputSize: [8, 6] }), RangeError, /^maxUnpool2d: expected outputSize\[0\] between 4 and 8 \(exclusive\)/, /got \[8,6\]/);
    throwsWith(() => F.maxUnpool2d(pooled, indices, 2, { outputSize: [4, 6] }), RangeError, /outputSize\[0\] between 4 and 8/);
    throwsWith(() => F.maxUnpool2d(pooled, indices, 2, { outputSize: [6] }), TypeError, /outputSize an array of 2 \(or 4\) integers/);
    throwsWith(() => F.maxUnpool2d(pooled, indices, 1, { padding: 2 }), RangeError, /output size of at least 1.*got \[-1,-1\]/);
    throwsWith(() => new nn.MaxUnpool2d(2).forward(pooled, indices, [9, 9]), RangeError, /^MaxUnpool2d: expected outputSize/);
    throwsWith(() => new nn.MaxUnpool2d(2, { outputSize: [6, 6] } as never), TypeError, /^MaxUnpool2d: unknown option "outputSize"/);
  });

  it("the benchmark's unpooling needs outputSize, as in PyTorch", () => {
    const big = rand([1, 2, 12, 12]);
    try {
      const [p, i] = F.maxPool2d(big, 3, { stride: 2, padding: 1, returnIndices: true });
      const mark = memory();
      expect(() => F.maxUnpool2d(p, i, 3, { stride: 2, padding: 1 })).toThrow(/expected indices in \[0, 121\)/);
      expect(memory().tensors).toBe(mark.tensors);
      const y = F.maxUnpool2d(p, i, 3, { stride: 2, padding: 1, outputSize: [12, 12] });
      expect(y.shape).toEqual([1, 2, 12, 12]);
      [p, i, y].forEach((t) => t.dispose());
    } finally {
      big.dispose();
    }
  });
});

describe("the heap works after every error", () => {
  it("a valid call right after failed ones gives the right answer", () => {
    for (let i = 0; i < 20; i++) {
      expect(() => F.maxPool2d(r.x, 2, { padding: 3 })).toThrow(RangeError);
      expect(() => F.maxUnpool2d(r.x, r.x, 2)).toThrow(TypeError);
    }
    const t = tensor([1, 5, 2, 4, 3, 6, 0, 7], [1, 1, 2, 4]);
    const [y, idx] = F.maxPool2d(t, 2, { returnIndices: true });
    expect(Array.from(y.toArray())).toEqual([6, 7]);
    expect(Array.from(idx.toArray())).toEqual([5, 7]);
    [t, y, idx].forEach((v) => v.dispose());
  });
});
