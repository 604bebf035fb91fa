// Tensor creation, reading out, views sharing memory, arithmetic and argument errors.
import { describe, expect, it } from "vitest";
import { Tensor, arange, full, memory, ones, tensor, tidy, zeros } from "../src/index";

describe("creation", () => {
  it("infers shapes from nested arrays and keeps dtypes", () => {
    tidy(() => {
      const t = tensor([[1, 2, 3], [4, 5, 6]]);
      expect(t.shape).toEqual([2, 3]);
      expect(t.ndim).toBe(2);
      expect(t.numel).toBe(6);
      expect(t.dtype).toBe("float32");
      expect(Array.from(t.toArray())).toEqual([1, 2, 3, 4, 5, 6]);
      const i = tensor(new Int32Array([3, -1, 7]));
      expect(i.dtype).toBe("int32");
      expect(i.toArray()).toBeInstanceOf(Int32Array);
      expect(tensor(2.5).shape).toEqual([]);
      expect(tensor(2.5).item()).toBe(2.5);
      expect(tensor([], [0]).numel).toBe(0);
    });
  });

  it("honours the byteOffset of typed-array views", () => {
    const backing = new Float32Array([9, 9, 1, 2, 3, 4, 9]);
    const t = tensor(backing.subarray(2, 6), [2, 2]);
    expect(Array.from(t.toArray())).toEqual([1, 2, 3, 4]);
    t.dispose();
  });

  it("makes zeros, ones, full and arange", () => {
    tidy(() => {
      expect(Array.from(zeros(2, 3).toArray())).toEqual([0, 0, 0, 0, 0, 0]);
      expect(zeros([2, 3]).shape).toEqual([2, 3]);
      expect(Array.from(ones([5]).toArray())).toEqual([1, 1, 1, 1, 1]);
      expect(Array.from(full([2, 2], -3.5).toArray())).toEqual([-3.5, -3.5, -3.5, -3.5]);
      expect(Array.from(arange(5).toArray())).toEqual([0, 1, 2, 3, 4]);
      expect(Array.from(arange(1, 2, 0.25).toArray())).toEqual([1, 1.25, 1.5, 1.75]);
      expect(Array.from(arange(3, 0, -1).toArray())).toEqual([3, 2, 1]);
    });
  });

  it("fills every length, including those that are not a multiple of the SIMD width", () => {
    for (const n of [1, 3, 4, 5, 7, 8, 9, 17]) {
      const t = full([n], 2);
      expect(Array.from(t.toArray())).toEqual(new Array(n).fill(2));
      t.dispose();
    }
  });

  it("rejects bad data and shapes with clear errors", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(RangeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/tensor: expected data\[1\] an array of 2/);
    // A sparse array's holes are missing values, not zeros.
    expect(() => tensor(new Array(2))).toThrow(/tensor: expected data\[0\] a number, got undefined/);
    expect(() => tensor([[1, 2], [3, , ]] as unknown as number[][])).toThrow(TypeError);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(/tensor: expected 4 values for shape \[2,2\], got 3/);
    expect(() => tensor(["a"] as unknown as number[])).toThrow(TypeError);
    expect(() => tensor({} as unknown as number[])).toThrow(TypeError);
    expect(() => zeros([2, -1])).toThrow(/zeros: expected shape non-negative integer sizes/);
    expect(() => tensor([1.5], [1], { dtype: "int32" })).toThrow(/int32 data/);
    expect(() => arange(0, 1, 0)).toThrow(RangeError);
  });

  it("refuses `new Tensor()`", () => {
    expect(() => new (Tensor as unknown as new () => Tensor)()).toThrow(TypeError);
  });
});

describe("views share memory with their base", () => {
  it("sees writes through a view and keeps the block alive until the last view is disposed", () => {
    const before = memory();
    const base = zeros(2, 3);
    const view = base.reshape(3, 2);
    const row = base.select(0, 1);
    row.fill_(7);
    expect(Array.from(view.toArray())).toEqual([0, 0, 0, 7, 7, 7]);
    base.dispose();
    expect(Array.from(view.toArray())).toEqual([0, 0, 0, 7, 7, 7]);
    view.dispose();
    expect(memory().bytes).toBe(before.bytes + 24);
    row.dispose();
    expect(memory()).toMatchObject({ tensors: before.tensors, bytes: before.bytes });
  });

  it("copies into strided views with copy_ and handles overlapping views", () => {
    tidy(() => {
      const m = tensor([[1, 2], [3, 4]]);
      m.copy_(m.t());
      expect(Array.from(m.toArray())).toEqual([1, 3, 2, 4]);
      const big = zeros(3, 4);
      big.slice(1, 1, 3).copy_(tensor([[1, 2], [3, 4], [5, 6]]));
      expect(Array.from(big.toArray())).toEqual([0, 1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 0]);
    });
  });

  it("contiguous() returns the same tensor when already contiguous, a copy otherwise", () => {
    tidy(() => {
      const x = arange(6).reshape(2, 3);
      expect(x.contiguous()).toBe(x);
      const t = x.t();
      expect(t.isContiguous()).toBe(false);
      const c = t.contiguous();
      expect(c).not.toBe(t);
      expect(c.isContiguous()).toBe(true);
      expect(Array.from(c.toArray())).toEqual([0, 3, 1, 4, 2, 5]);
    });
  });

  it("view() refuses non-contiguous tensors; reshape() copies them", () => {
    tidy(() => {
      const t = arange(6).reshape(2, 3).t();
      expect(() => t.view(6)).toThrow(/Tensor.view: expected a contiguous tensor/);
      expect(Array.from(t.reshape(6).toArray())).toEqual([0, 3, 1, 4, 2, 5]);
    });
  });
});

describe("shape op errors", () => {
  it("names the op, the argument, expected and actual", () => {
    tidy(() => {
      const x = zeros(2, 3, 4);
      expect(() => x.reshape(5, 5)).toThrow(/Tensor.reshape: shape \[5,5\] is invalid for a tensor of 24 elements/);
      expect(() => x.permute(0, 0, 1)).toThrow(/Tensor.permute: expected dims a permutation of 0..2, got \[0,0,1\]/);
      expect(() => x.permute(0, 1)).toThrow(RangeError);
      expect(() => x.transpose(0, 3)).toThrow(/Tensor.transpose: expected dim1 a dimension in \[-3, 2\], got 3/);
      expect(() => x.select(1, 3)).toThrow(/Tensor.select: expected index in \[-3, 2\]/);
      expect(() => x.unsqueeze(4)).toThrow(RangeError);
      expect(() => x.flatten(2, 1)).toThrow(RangeError);
      expect(() => x.t()).toThrow(RangeError);
      expect(() => x.slice(0, 0, 2, 0)).toThrow(/step/);
      expect(() => x.size(5)).toThrow(RangeError);
    });
  });
});

describe("elementwise add and mul", () => {
  it("adds and multiplies tensors and numbers on SIMD and tail lengths", () => {
    for (const n of [1, 3, 4, 5, 8, 13]) {
      tidy(() => {
        const a = arange(n);
        const b = full([n], 0.5);
        const expectSum = Array.from({ length: n }, (_, i) => i + 0.5);
        expect(Array.from(a.add(b).toArray())).toEqual(expectSum);
        expect(Array.from(a.mul(b).toArray())).toEqual(Array.from({ length: n }, (_, i) => i * 0.5));
        expect(Array.from(a.add(2).toArray())).toEqual(Array.from({ length: n }, (_, i) => i + 2));
        expect(Array.from(a.mul(-1).toArray())).toEqual(Array.from({ length: n }, (_, i) => i * -1));
      });
    }
  });

  it("works on strided views and propagates NaN and infinities", () => {
    tidy(() => {
      const a = tensor([[1, NaN], [Infinity, -2]]).t();
      const b = tensor([[1, 1], [1, 1]]);
      expect(Array.from(a.add(b).toArray())).toEqual([2, Infinity, NaN, -1]);
    });
  });

  it("broadcasts as PyTorch does, and rejects shapes that do not broadcast and int32", () => {
    tidy(() => {
      expect(zeros(2, 3).add(tensor([[1], [2]])).toNested()).toEqual([[1, 1, 1], [2, 2, 2]]);
      expect(() => zeros(2, 3).add(zeros(3, 2))).toThrow(/Tensor.add: expected input and other to broadcast.*\[2,3\] and \[3,2\]/);
      expect(() => zeros(2).mul(tensor(new Int32Array([1, 2])))).toThrow(TypeError);
    });
  });
});
