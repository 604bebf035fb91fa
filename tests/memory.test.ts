// Tensors live in the Wasm heap: no leaks, clear failures, and a heap that keeps working.
import { describe, expect, it } from "vitest";
import { F, type Tensor, arange, keep, memory, ones, rand, tensor, tidy, zeros } from "../src/index";

describe("heap accounting", () => {
  it("10,000 create/dispose cycles leave memory() where it started", () => {
    const start = memory();
    for (let i = 0; i < 10_000; i++) {
      const t = zeros(1 + (i % 97), 3);
      const v = t.reshape(-1);
      t.dispose();
      v.dispose();
    }
    const end = memory();
    expect(end.tensors).toBe(start.tensors);
    expect(end.bytes).toBe(start.bytes);
    expect(end.heapBytes).toBe(start.heapBytes);
  });

  it("1,000 tidy scopes leave memory() where it started, and keep what they return", () => {
    const start = memory();
    for (let i = 0; i < 1_000; i++) {
      const kept = tidy(() => {
        const a = ones(8, 8);
        const b = a.add(a).mul(3);
        b.t().contiguous();
        return { sum: b.select(0, 0), list: [a.reshape(64)] };
      });
      expect(kept.sum.toArray()[0]).toBe(6);
      expect(kept.list[0].numel).toBe(64);
      kept.sum.dispose();
      kept.list[0].dispose();
    }
    expect(memory().tensors).toBe(start.tensors);
    expect(memory().bytes).toBe(start.bytes);
  });

  it("nested tidy moves returned tensors to the outer scope; keep() escapes every scope", () => {
    const start = memory();
    let kept: Tensor | null = null;
    const outer = tidy(() => {
      const inner = tidy(() => zeros(4));
      expect(inner.isDisposed).toBe(false);
      kept = keep(ones(2));
      zeros(3);
      return inner.add(1);
    });
    expect(outer.isDisposed).toBe(false);
    expect(kept!.isDisposed).toBe(false);
    expect(memory().tensors).toBe(start.tensors + 2);
    outer.dispose();
    kept!.dispose();
    expect(memory()).toMatchObject({ tensors: start.tensors, bytes: start.bytes });
  });

  it("tidy frees everything when the function throws", () => {
    const start = memory();
    expect(() =>
      tidy(() => {
        zeros(10);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(memory()).toMatchObject({ tensors: start.tensors, bytes: start.bytes });
  });

  it("tidy refuses async functions", () => {
    expect(() => tidy((async () => zeros(1)) as unknown as () => Tensor)).toThrow(TypeError);
  });
});

describe("allocation failures", () => {
  it("an impossible tensor (2^31 floats) throws a RangeError and the heap keeps working", () => {
    const start = memory();
    expect(() => zeros(2 ** 31)).toThrow(RangeError);
    expect(() => zeros(2 ** 31)).toThrow(/zeros: cannot allocate a float32 tensor of shape \[2147483648\]/);
    expect(() => rand([2 ** 16, 2 ** 16])).toThrow(RangeError);
    expect(memory()).toMatchObject({ tensors: start.tensors, bytes: start.bytes });
    const t = arange(10).mul(2);
    expect(Array.from(t.toArray())).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    t.dispose();
  });

  it("running the heap out of room throws a RangeError and frees cleanly afterwards", () => {
    const start = memory();
    const held: Tensor[] = [];
    let error: unknown = null;
    try {
      // Blocks of 512 MiB until the 4 GiB address space is exhausted.
      for (let i = 0; i < 16; i++) held.push(zeros(2 ** 27));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect(String((error as Error).message)).toMatch(/cannot grow that far/);
    // Kernels needing scratch space (softmax along a leading dim: 512 MiB of it here) fail
    // the same way, never with a Wasm trap.
    const wide = held[0].view(2, 2 ** 26);
    for (const f of [F.softmax, F.logSoftmax, F.softmin]) {
      let trap: unknown = null;
      try {
        f(wide, { dim: 0 }).dispose();
      } catch (e) {
        trap = e;
      }
      expect(trap).toBeInstanceOf(RangeError);
      expect(String((trap as Error).message)).toMatch(/^(softmax|logSoftmax|softmin): cannot reserve/);
    }
    wide.dispose();
    for (const t of held) t.dispose();
    expect(memory()).toMatchObject({ tensors: start.tensors, bytes: start.bytes });
    const again = tensor([1, 2, 3]).add(1);
    expect(Array.from(again.toArray())).toEqual([2, 3, 4]);
    again.dispose();
  });
});

describe("disposed tensors", () => {
  it("using a disposed tensor throws a TypeError; disposing twice is harmless", () => {
    const t = zeros(2, 2);
    t.dispose();
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(() => t.toArray()).toThrow(TypeError);
    expect(() => t.toArray()).toThrow(/disposed/);
    expect(() => t.reshape(4)).toThrow(TypeError);
    expect(() => ones(2, 2).add(t)).toThrow(/Tensor.add: other is a disposed tensor/);
    expect(String(t)).toBe("Tensor(disposed)");
  });
});
