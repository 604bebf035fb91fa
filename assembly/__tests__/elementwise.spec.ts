import { fill_f32, copyStrided_32, allFinite_f32 } from "../elementwise";
import { elementwise_f32 } from "../broadcast";
import { OP_ADD, OP_MUL } from "../abi";
import { buffer, sameBits, LENGTHS, tricky, stridedCopyDesc } from "./helpers";
import { fill_f32_ref, add_f32_ref, mul_f32_ref, gather3_ref } from "../reference/elementwise";

function ramp(i: i32): f32 { return <f32>i * 0.5 - 3.0; }
function allNegative(i: i32): f32 { return -1.0 - <f32>i; }

describe("fill_f32", () => {
  it("matches the scalar twin on every length", () => {
    for (let k = 0; k < LENGTHS.length; k++) {
      const n = LENGTHS[k];
      const a = buffer(n + 1, ramp);
      const b = buffer(n + 1, ramp);
      fill_f32(a, n, -1.25);
      fill_f32_ref(b, n, -1.25);
      expect(sameBits(a, b, n + 1)).toBe(true, "the element after n stays untouched");
      heap.free(a);
      heap.free(b);
    }
  });
});

type Binary = (out: usize, a: usize, b: usize, n: i32) => void;

/** kernel vs twin on n elements of a (tricky values) and b; with `alias` the kernel writes over a. */
function matchesTwin(kernel: Binary, twin: Binary, n: i32, alias: bool): bool {
  const a = buffer(n, tricky);
  const b = buffer(n, allNegative);
  const ref = buffer(n + 1, ramp);
  const out = alias ? a : buffer(n + 1, ramp);
  twin(ref, a, b, n);
  kernel(out, a, b, n);
  const ok = sameBits(out, ref, alias ? n : n + 1);
  if (!alias) heap.free(out);
  heap.free(a);
  heap.free(b);
  heap.free(ref);
  return ok;
}

const add = (o: usize, a: usize, b: usize, n: i32): void => elementwise_f32(o, a, b, n, OP_ADD);
const mul = (o: usize, a: usize, b: usize, n: i32): void => elementwise_f32(o, a, b, n, OP_MUL);

describe("elementwise_f32 (add, mul) on contiguous operands", () => {
  it("matches the scalar twins bit for bit, with NaN, infinities and -0, on every length", () => {
    for (let k = 0; k < LENGTHS.length; k++) {
      for (let extra = 0; extra < 2; extra++) {
        const n = LENGTHS[k] + extra * 16;
        expect(matchesTwin(add, add_f32_ref, n, false)).toBe(true, "add");
        expect(matchesTwin(mul, mul_f32_ref, n, false)).toBe(true, "mul");
      }
    }
  });

  it("allows the output to alias an input", () => {
    expect(matchesTwin(add, add_f32_ref, 11, true)).toBe(true);
    expect(matchesTwin(mul, mul_f32_ref, 37, true)).toBe(true);
  });
});

describe("copyStrided_32", () => {
  it("gathers a permuted 3-D view like the scalar twin", () => {
    // input is [4, 5, 6] contiguous; the view is its permutation (2, 0, 1): shape [6, 4, 5], strides [1, 30, 6].
    const input = buffer(120, ramp);
    const out = buffer(120, ramp);
    const ref = buffer(120, ramp);
    const desc = stridedCopyDesc([6, 4, 5], [1, 30, 6], [20, 5, 1]);
    copyStrided_32(out, input, desc);
    heap.free(desc);
    gather3_ref(ref, input, 6, 4, 5, 1, 30, 6);
    expect(sameBits(out, ref, 120)).toBe(true);
    heap.free(input);
    heap.free(out);
    heap.free(ref);
  });

  it("scatters a contiguous row into every other column", () => {
    const input = buffer(4, ramp);
    const out = buffer(8, (i: i32): f32 => 0);
    const desc = stridedCopyDesc([4], [1], [2]);
    copyStrided_32(out, input, desc);
    heap.free(desc);
    for (let i = 0; i < 4; i++) {
      expect(load<f32>(out + (<usize>(2 * i) << 2))).toBe(ramp(i));
      expect(load<f32>(out + (<usize>(2 * i + 1) << 2))).toBe(0);
    }
    heap.free(input);
    heap.free(out);
  });
});

describe("allFinite_f32", () => {
  it("finds a NaN or an infinity at every position of every length, and nothing in finite data", () => {
    for (let k = 0; k < LENGTHS.length; k++) {
      const n = LENGTHS[k];
      const p = buffer(n, ramp);
      expect(allFinite_f32(p, n)).toBe(1);
      for (let i = 0; i < n; i++) {
        const bad: f32[] = [NaN, Infinity, -Infinity];
        for (let j = 0; j < 3; j++) {
          store<f32>(p + (<usize>i << 2), bad[j]);
          expect(allFinite_f32(p, n)).toBe(0);
        }
        store<f32>(p + (<usize>i << 2), ramp(i));
      }
      store<f32>(p, 3.0e38);
      expect(allFinite_f32(p, n)).toBe(1, "large finite values are finite");
      heap.free(p);
    }
  });
});
