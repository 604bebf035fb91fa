// Allocation limits: the largest tensor is MAX_TENSOR_BYTES (2^30 - 64 bytes, just under
// 1 GiB: the largest block of the Wasm allocator). Asking for more is a RangeError naming
// the function called, nothing is allocated, and the heap keeps working.
import { describe, expect, it } from "vitest";
import { F, type Tensor, arange, empty, full, memory, nn, ones, rand, randn, tensor, zeros } from "../../src/index";
import { MAX_TENSOR_BYTES, MAX_TENSOR_ELEMENTS } from "../../src/storage";

function refusedBy(fn: string, call: () => unknown): void {
  const before = memory();
  let caught: unknown = null;
  try {
    call();
  } catch (e) {
    caught = e;
  }
  expect(caught, `${fn}: expected a RangeError`).toBeInstanceOf(RangeError);
  expect((caught as Error).message).toMatch(new RegExp(`^${fn}: `));
  const after = memory();
  expect([after.tensors, after.bytes]).toEqual([before.tensors, before.bytes]);
  // The heap still computes.
  const x = tensor([1, -2, 3]);
  const y = F.relu(x);
  expect(Array.from(y.toArray())).toEqual([1, 0, 3]);
  x.dispose();
  y.dispose();
}

describe("allocation limits", () => {
  it("documents the limit: just under 1 GiB", () => {
    expect(MAX_TENSOR_BYTES).toBe(2 ** 30 - 64);
    expect(MAX_TENSOR_ELEMENTS).toBe((2 ** 30 - 64) / 4);
  });

  const over = MAX_TENSOR_ELEMENTS + 1;
  const cases: [string, string, () => unknown][] = [
    ["zeros", "zeros(MAX_TENSOR_ELEMENTS + 1)", () => zeros(over)],
    ["ones", "ones([MAX_TENSOR_ELEMENTS + 1])", () => ones([over])],
    ["empty", "empty(65536, 65536)", () => empty(1 << 16, 1 << 16)],
    ["full", "full([2^20, 2^20], 1)", () => full([2 ** 20, 2 ** 20], 1)],
    ["rand", "rand(2^31)", () => rand(2 ** 31)],
    ["randn", "randn(2^53, 2)", () => randn(2 ** 53, 2)],
    ["zeros", "zeros([2^30, 2^30, 2^30])", () => zeros([2 ** 30, 2 ** 30, 2 ** 30])],
    ["arange", "arange(MAX_TENSOR_ELEMENTS + 1)", () => arange(over)],
    ["arange", "arange(2^31)", () => arange(2 ** 31)],
    ["arange", "arange(0, 1e12)", () => arange(0, 1e12)],
    ["arange", "arange(-1e308, 1e308, 1)", () => arange(-1e308, 1e308, 1)],
    ["arange", "arange(0, 1, 1e-300)", () => arange(0, 1, 1e-300)],
  ];
  for (const [fn, label, call] of cases) it(label, () => refusedBy(fn, call));

  it("layers whose output would be too large", () => {
    const x = zeros(1, 1, 2, 2);
    const w = zeros(1, 1, 1, 1);
    refusedBy("convTranspose2d", () => F.convTranspose2d(x, w, null, { stride: 1 << 16 }));
    refusedBy("conv2d", () => F.conv2d(x, w, null, { padding: 1 << 20 }));
    refusedBy("adaptiveAvgPool2d", () => F.adaptiveAvgPool2d(x, [100_000, 100_000]));
    refusedBy("adaptiveMaxPool2d", () => F.adaptiveMaxPool2d(x, [2 ** 40, 1]));
    x.dispose();
    w.dispose();
  });

  it("a tensor at the limit's scale can still be made after refusals (the heap grows and shrinks back in use)", () => {
    const before = memory();
    refusedBy("zeros", () => zeros(over));
    const big = zeros(1 << 22);
    expect(big.numel).toBe(1 << 22);
    expect(memory().bytes - before.bytes).toBe(4 << 22);
    big.dispose();
    expect(memory().bytes).toBe(before.bytes);
  });

  it("no dimension may exceed the element limit, even in an empty tensor (kernels index with 32-bit integers)", () => {
    const before = memory();
    expect(() => zeros([0, 2 ** 40])).toThrow(RangeError);
    expect(() => zeros([0, 2 ** 40])).toThrow(/zeros: cannot make a float32 tensor of shape \[0,1099511627776\]: a dimension of 1099511627776 is more than/);
    expect(memory()).toEqual(before);
    const t = zeros([0, 2 ** 20]);
    expect(t.numel).toBe(0);
    t.dispose();
  });
});

// Window arguments the fuzzer's absurd mode found trapping or overflowing the kernels'
// 32-bit index arithmetic: now each is a RangeError before any work.
describe("absurd window arguments", () => {
  // [function, what, operands, call]: operands are made before the call, so memory() compares.
  const cases: [string, string, () => Tensor[], (t: Tensor[]) => unknown][] = [
    ["conv1d", "dilation 2^32 + 1", () => [zeros([3, 4]), zeros([3, 3, 4])], ([x, w]) => F.conv1d(x, w, null, { padding: "same", dilation: 2 ** 32 + 1 })],
    ["conv2d", "padding 2^20 on a small input (the padded copy would pass 2^28 elements)", () => [zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3])], ([x, w]) => F.conv2d(x, w, null, { padding: 2 ** 20 })],
    ["convTranspose3d", "stride 2^40 on an empty batch", () => [zeros([0, 4, 3, 3, 1]), zeros([4, 1, 1, 2, 3])], ([x, w]) => F.convTranspose3d(x, w, null, { stride: 2 ** 40, groups: 2 })],
    ["convTranspose1d", "dilation 2^27 and kernel 5 (span past 2^28)", () => [zeros([1, 1, 3]), zeros([1, 1, 5])], ([x, w]) => F.convTranspose1d(x, w, null, { dilation: 2 ** 27 })],
    ["MaxPool1d", "kernel 2^31, padding 2^30, ceil mode", () => [zeros([1, 1, 7])], ([x]) => new nn.MaxPool1d(2 ** 31, { dilation: [2], ceilMode: true, padding: 2 ** 30 }).forward(x)],
    ["maxPool1d", "kernel 2^27, dilation 4 (span past 2^28), ceil mode", () => [zeros([1, 1, 7])], ([x]) => F.maxPool1d(x, 2 ** 27, { dilation: 4, stride: 2 ** 28, ceilMode: true })],
    ["avgPool1d", "kernel 2^30, padding 2^29", () => [zeros([2, 6])], ([x]) => F.avgPool1d(x, 2 ** 30, { stride: [1], padding: 2 ** 29 })],
  ];
  for (const [fn, what, make, call] of cases) {
    it(`${fn}: ${what}`, () => {
      const operands = make();
      refusedBy(fn, () => call(operands));
      for (const t of operands) {
        expect(t.toArray().every((v) => v === 0)).toBe(true);
        t.dispose();
      }
    });
  }
});
