import { softmax_f32, logSoftmax_f32 } from "../softmax";
import { softmax_f32_ref } from "../reference/activation";
import { GUARD, allClose, buffer } from "./helpers";

function spread(i: i32): f32 {
  return <f32>((i * 7919) % 101) * 0.37 - 18.0;
}

function huge(i: i32): f32 {
  return i % 2 ? <f32>1000.0 - <f32>i : <f32>(-1000.0) + <f32>i * 3.0;
}

/** Rows with -Infinity, a NaN, +Infinity, and an all -Infinity row, along the last dim. */
function special(i: i32): f32 {
  const row = i / 7;
  const col = i % 7;
  if (row == 0) return col % 2 ? -Infinity : <f32>col;
  if (row == 1) return col == 3 ? NaN : <f32>col;
  if (row == 2) return col == 5 ? Infinity : <f32>col;
  if (row == 3) return -Infinity;
  return spread(i);
}

function check(outer: i32, dim: i32, inner: i32, sign: f32, isLog: bool, fill: (i: i32) => f32): bool {
  const n = outer * dim * inner;
  const x = buffer(n, fill);
  const out = buffer(n + 1, (i: i32): f32 => GUARD);
  const ref = buffer(n, (i: i32): f32 => GUARD);
  const scratch = heap.alloc(<usize>(inner * 8 + 16));
  if (isLog) logSoftmax_f32(out, x, scratch, outer, dim, inner, sign);
  else softmax_f32(out, x, scratch, outer, dim, inner, sign);
  softmax_f32_ref(ref, x, outer, dim, inner, sign, isLog);
  // A float32 sum near 1 is off by up to half an ulp of 1 (6e-8), and so is its log: the
  // log-softmax of the largest entries carries that absolute error (as PyTorch's does).
  const ok = allClose(out, ref, n, 2e-6, isLog ? 1e-6 : 1e-7) && load<f32>(out + (<usize>n << 2)) == GUARD;
  heap.free(x);
  heap.free(out);
  heap.free(ref);
  heap.free(scratch);
  return ok;
}

describe("softmax_f32 / logSoftmax_f32 against the float64 twin", () => {
  it("contiguous rows (inner 1) of lengths around the vector width", () => {
    const dims: i32[] = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 100];
    for (let k = 0; k < dims.length; k++) {
      expect(check(3, dims[k], 1, 1.0, false, spread)).toBe(true);
      expect(check(3, dims[k], 1, 1.0, true, spread)).toBe(true);
      expect(check(2, dims[k], 1, -1.0, false, spread)).toBe(true);
    }
  });

  it("vectorised along inner sizes 2, 3, 4, 5, 9 and 16", () => {
    const inners: i32[] = [2, 3, 4, 5, 9, 16];
    const dims: i32[] = [1, 2, 5, 8];
    for (let a = 0; a < inners.length; a++) {
      for (let b = 0; b < dims.length; b++) {
        expect(check(2, dims[b], inners[a], 1.0, false, spread)).toBe(true);
        expect(check(2, dims[b], inners[a], 1.0, true, spread)).toBe(true);
        expect(check(2, dims[b], inners[a], -1.0, false, spread)).toBe(true);
      }
    }
  });

  it("magnitudes of 1000 do not overflow", () => {
    expect(check(2, 13, 1, 1.0, false, huge)).toBe(true);
    expect(check(2, 13, 1, 1.0, true, huge)).toBe(true);
    expect(check(2, 5, 6, 1.0, false, huge)).toBe(true);
    expect(check(2, 5, 6, -1.0, true, huge)).toBe(true);
  });

  it("-Infinity entries give 0, rows with NaN or +Infinity and all -Infinity rows give NaN", () => {
    expect(check(5, 7, 1, 1.0, false, special)).toBe(true);
    expect(check(5, 7, 1, 1.0, true, special)).toBe(true);
    // The same values along a strided dim: [1, 5, 7] reduced over 5 with inner 7.
    expect(check(1, 5, 7, 1.0, false, special)).toBe(true);
    expect(check(1, 5, 7, 1.0, true, special)).toBe(true);
  });
});
