import { MAX_WALK_DIMS, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_ADD_SCALED, OP_NEG, OP_EXP, OP_LOG, OP_SQRT, REDUCE_SUM, REDUCE_MAX } from "../abi";
import { elementwise_f32, unary_f32, elementwiseStrided_f32 } from "../broadcast";
import { reduce_f32, argmax_i32 } from "../reduce";
import { topk_f32 } from "../topk";
import { buffer, sameBits, LENGTHS, tricky, freeAll } from "./helpers";

// The strided walker against the flat map driver (the same vector code, so the same bits),
// the scalar definition of each operation, and the reductions' three layouts against each
// other and a float64 sum.

function wave(i: i32): f32 { return <f32>((i * 7919) % 23) * 0.25 - 2.7; }

/** An ElementwiseDesc (abi.ts) for a 1-D walk of n elements with the given strides. */
function elementwiseDesc(op: i32, sizes: i32[], xs: i32[], ys: i32[], alpha: f32 = 1, xScalar: f32 = 0, yScalar: f32 = 0): usize {
  const p = heap.alloc(20 + 3 * 4 * MAX_WALK_DIMS);
  store<i32>(p, op);
  store<i32>(p, sizes.length, 4);
  store<f32>(p, alpha, 8);
  store<f32>(p, xScalar, 12);
  store<f32>(p, yScalar, 16);
  for (let d = 0; d < sizes.length; d++) {
    store<i32>(p + 20 + (<usize>d << 2), sizes[d]);
    store<i32>(p + 20 + (<usize>(MAX_WALK_DIMS + d) << 2), xs[d]);
    store<i32>(p + 20 + (<usize>(2 * MAX_WALK_DIMS + d) << 2), ys[d]);
  }
  return p;
}

/** A ReduceDesc (abi.ts). */
function reduceDesc(op: i32, outer: i32[], outerStrides: i32[], outStrides: i32[], inner: i32[], innerStrides: i32[], k: i32 = 0, largest: i32 = 1, outK: i32 = 0): usize {
  const p = heap.alloc(28 + 5 * 4 * MAX_WALK_DIMS);
  store<i32>(p, op);
  store<i32>(p, outer.length, 4);
  store<i32>(p, inner.length, 8);
  store<i32>(p, k, 12);
  store<i32>(p, largest, 16);
  store<i32>(p, 1, 20);
  store<i32>(p, outK, 24);
  for (let d = 0; d < outer.length; d++) {
    store<i32>(p + 28 + (<usize>d << 2), outer[d]);
    store<i32>(p + 28 + (<usize>(MAX_WALK_DIMS + d) << 2), outerStrides[d]);
    store<i32>(p + 28 + (<usize>(2 * MAX_WALK_DIMS + d) << 2), outStrides[d]);
  }
  for (let d = 0; d < inner.length; d++) {
    store<i32>(p + 28 + (<usize>(3 * MAX_WALK_DIMS + d) << 2), inner[d]);
    store<i32>(p + 28 + (<usize>(4 * MAX_WALK_DIMS + d) << 2), innerStrides[d]);
  }
  return p;
}

function scalarOp(op: i32, x: f32, y: f32): f32 {
  if (op == OP_ADD) return x + y;
  if (op == OP_SUB) return x - y;
  if (op == OP_MUL) return x * y;
  return x / y;
}

/** Every other element of a: a buffer of 2n floats with x at even positions (NaN between). */
function spread(a: usize, n: i32): usize {
  const p = buffer(2 * n, (i: i32): f32 => NaN);
  for (let i = 0; i < n; i++) store<f32>(p + (<usize>(2 * i) << 2), load<f32>(a + (<usize>i << 2)));
  return p;
}

describe("elementwiseStrided_f32", () => {
  it("gives the map driver's bits on contiguous, gathered and broadcast rows", () => {
    const ops: i32[] = [OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW];
    for (let o = 0; o < ops.length; o++) {
      for (let k = 0; k < LENGTHS.length; k++) {
        const n = LENGTHS[k];
        const a = buffer(n, tricky);
        const b = buffer(n, wave);
        const flat = buffer(n, wave);
        const walked = buffer(n + 1, wave);
        const gathered = buffer(n, wave);
        elementwise_f32(flat, a, b, n, ops[o]);
        store<f32>(walked + (<usize>n << 2), 7.0);
        const d1 = elementwiseDesc(ops[o], [n], [1], [1]);
        elementwiseStrided_f32(walked, a, b, d1);
        expect(sameBits(flat, walked, n)).toBe(true, "contiguous row");
        expect(load<f32>(walked + (<usize>n << 2))).toBe(7.0, "nothing written past the end");
        const a2 = spread(a, n);
        const d2 = elementwiseDesc(ops[o], [n], [2], [1]);
        elementwiseStrided_f32(gathered, a2, b, d2);
        expect(sameBits(flat, gathered, n)).toBe(true, "gathered row");
        freeAll([a, b, flat, walked, gathered, a2, d1, d2]);
      }
    }
  });

  it("matches the scalar definition with a broadcast operand and a number", () => {
    const ops: i32[] = [OP_ADD, OP_SUB, OP_MUL, OP_DIV];
    for (let o = 0; o < ops.length; o++) {
      for (let k = 0; k < LENGTHS.length; k++) {
        const n = LENGTHS[k];
        const rows = 3;
        const a = buffer(rows * n, tricky);
        const bias = buffer(rows, wave);
        const out = buffer(rows * n, wave);
        // [rows, n] op [rows, 1]: the bias-style walk (y stride 0 along the row).
        const d = elementwiseDesc(ops[o], [rows, n], [n, 1], [1, 0]);
        elementwiseStrided_f32(out, a, bias, d);
        let ok = true;
        for (let r = 0; r < rows; r++) {
          for (let i = 0; i < n; i++) {
            const e = scalarOp(ops[o], load<f32>(a + (<usize>(r * n + i) << 2)), load<f32>(bias + (<usize>r << 2)));
            const g = load<f32>(out + (<usize>(r * n + i) << 2));
            if (reinterpret<u32>(e) != reinterpret<u32>(g) && !(isNaN(e) && isNaN(g))) ok = false;
          }
        }
        expect(ok).toBe(true, "bias broadcast");
        // 2.5 op a, the number in the descriptor.
        const ds = elementwiseDesc(ops[o], [rows * n], [0], [1], 1, 2.5);
        elementwiseStrided_f32(out, 0, a, ds);
        for (let i = 0; i < rows * n; i++) {
          const e = scalarOp(ops[o], 2.5, load<f32>(a + (<usize>i << 2)));
          const g = load<f32>(out + (<usize>i << 2));
          if (reinterpret<u32>(e) != reinterpret<u32>(g) && !(isNaN(e) && isNaN(g))) ok = false;
        }
        expect(ok).toBe(true, "number first");
        freeAll([a, bias, out, d, ds]);
      }
    }
  });

  it("adds alpha * y", () => {
    const n = 19;
    const a = buffer(n, wave);
    const b = buffer(n, tricky);
    const out = buffer(n, wave);
    const d = elementwiseDesc(OP_ADD_SCALED, [n], [1], [1], -0.5);
    elementwiseStrided_f32(out, a, b, d);
    let ok = true;
    for (let i = 0; i < n; i++) {
      const e: f32 = load<f32>(a + (<usize>i << 2)) + <f32>-0.5 * load<f32>(b + (<usize>i << 2));
      const g = load<f32>(out + (<usize>i << 2));
      if (reinterpret<u32>(e) != reinterpret<u32>(g) && !(isNaN(e) && isNaN(g))) ok = false;
    }
    expect(ok).toBe(true);
    freeAll([a, b, out, d]);
  });
});

describe("unary operations and pow", () => {
  it("log, exp, sqrt and pow stay within float32 tolerances, special values exact", () => {
    const xs: f32[] = [0.0, -0.0, 1.0, -1.0, 1e-40, 1.4e-45, 3e-39, 0.5, 2.0, 1e30, Infinity, -Infinity, NaN, 88.0, 88.6, -90.0, 123.456];
    const n = xs.length;
    const x = buffer(n, (i: i32): f32 => 0);
    for (let i = 0; i < n; i++) store<f32>(x + (<usize>i << 2), xs[i]);
    const out = buffer(n, wave);
    const ops: i32[] = [OP_LOG, OP_EXP, OP_SQRT, OP_NEG];
    for (let o = 0; o < ops.length; o++) {
      unary_f32(out, x, n, ops[o]);
      for (let i = 0; i < n; i++) {
        const v = <f64>xs[i];
        const e = ops[o] == OP_LOG ? Math.log(v) : ops[o] == OP_EXP ? Math.exp(v) : ops[o] == OP_SQRT ? Math.sqrt(v) : -v;
        const ef = <f32>e;
        const g = <f64>load<f32>(out + (<usize>i << 2));
        // exp above 88 goes through 2 e^(x - ln 2): a few ulps more.
        const rtol: f64 = ops[o] == OP_EXP && v > 88 ? 5e-6 : 1e-6;
        const ok = isNaN(ef) ? isNaN(g) : !isFinite(ef) ? g == <f64>ef : Math.abs(g - <f64>ef) <= rtol * Math.abs(<f64>ef) + 1e-37;
        expect(ok).toBe(true, "unary " + ops[o].toString() + " of " + v.toString() + " gave " + g.toString());
      }
    }
    // pow against C's pow, with the sign and special-case rules.
    const ys: f32[] = [2.0, 3.0, -1.0, 0.5, 0.0, -2.5, Infinity, -Infinity, NaN, 1.0];
    for (let j = 0; j < ys.length; j++) {
      const y = buffer(n, (i: i32): f32 => 0);
      for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), ys[j]);
      elementwise_f32(out, x, y, n, OP_POW);
      for (let i = 0; i < n; i++) {
        const xv = <f64>xs[i];
        const yv = <f64>ys[j];
        let e = Math.pow(xv, yv);
        if (yv == 0 || xv == 1 || (xv == -1 && !isFinite(yv) && !isNaN(yv))) e = 1;
        const ef = <f32>e;
        const g = <f64>load<f32>(out + (<usize>i << 2));
        const ok = isNaN(ef) ? isNaN(g) : !isFinite(ef) ? g == <f64>ef : ef == 0 ? g == 0 && (1 / g == 1 / <f64>ef) : Math.abs(g - <f64>ef) <= 1e-5 * Math.abs(<f64>ef) + 1e-37;
        expect(ok).toBe(true, "pow(" + xv.toString() + ", " + yv.toString() + ") gave " + g.toString() + ", expected " + ef.toString());
      }
      heap.free(y);
    }
    freeAll([x, out]);
  });
});

describe("reduce_f32", () => {
  it("sums rows, columns and strided rows alike, close to a float64 sum", () => {
    const sizes: i32[] = [1, 3, 4, 5, 16, 17, 33, 100];
    for (let k = 0; k < sizes.length; k++) {
      const n = sizes[k];
      const rows = 6;
      const a = buffer(rows * n, wave);
      // The transpose of a, [n, rows], so dim 0 of it is a column walk.
      const at = buffer(rows * n, wave);
      for (let r = 0; r < rows; r++) for (let i = 0; i < n; i++) store<f32>(at + (<usize>(i * rows + r) << 2), load<f32>(a + (<usize>(r * n + i) << 2)));
      const byRow = buffer(rows, wave);
      const byColumn = buffer(rows, wave);
      const byStride = buffer(rows, wave);
      const d1 = reduceDesc(REDUCE_SUM, [rows], [n], [1], [n], [1]);
      const d2 = reduceDesc(REDUCE_SUM, [rows], [1], [1], [n], [rows]);
      const a2 = spread(a, rows * n);
      const d3 = reduceDesc(REDUCE_SUM, [rows], [2 * n], [1], [n], [2]);
      reduce_f32(byRow, a, d1);
      reduce_f32(byColumn, at, d2);
      reduce_f32(byStride, a2, d3);
      for (let r = 0; r < rows; r++) {
        let s: f64 = 0;
        for (let i = 0; i < n; i++) s += <f64>load<f32>(a + (<usize>(r * n + i) << 2));
        const g = <f64>load<f32>(byRow + (<usize>r << 2));
        expect(Math.abs(g - s) <= 1e-6 * <f64>n).toBe(true, "row sum");
        expect(<f64>load<f32>(byColumn + (<usize>r << 2))).toBe(<f64><f32>s, "column sums are exact in float64");
        expect(<f64>load<f32>(byStride + (<usize>r << 2))).toBe(<f64><f32>s, "strided sums are exact in float64");
      }
      freeAll([a, at, byRow, byColumn, byStride, d1, d2, a2, d3]);
    }
  });

  it("amax and argmax propagate NaN and keep the first maximum", () => {
    for (let k = 0; k < LENGTHS.length; k++) {
      const n = LENGTHS[k];
      const a = buffer(n, (i: i32): f32 => i == 3 ? 5.0 : i == 7 ? 5.0 : <f32>(i % 4) - 1.0);
      const m = buffer(1, wave);
      const am = buffer(1, wave);
      const d = reduceDesc(REDUCE_MAX, [1], [0], [1], [n], [1]);
      reduce_f32(m, a, d);
      argmax_i32(am, a, d);
      let best: f32 = -Infinity;
      let at = 0;
      for (let i = 0; i < n; i++) {
        const v = load<f32>(a + (<usize>i << 2));
        if (v > best) { best = v; at = i; }
      }
      expect(load<f32>(m)).toBe(best);
      expect(load<i32>(am)).toBe(at);
      // A NaN at the end wins both.
      store<f32>(a + (<usize>(n - 1) << 2), NaN);
      reduce_f32(m, a, d);
      argmax_i32(am, a, d);
      expect(isNaN(load<f32>(m))).toBe(true);
      expect(load<i32>(am)).toBe(n - 1);
      freeAll([a, m, am, d]);
    }
  });
});

describe("topk_f32", () => {
  it("returns the k largest in order with their indices, on every row length", () => {
    for (let q = 0; q < LENGTHS.length; q++) {
      const n = LENGTHS[q];
      const a = buffer(n, wave);
      for (let i = 0; i < n; i++) store<f32>(a + (<usize>i << 2), <f32>((i * 37) % n));
      for (let k = 0; k <= n; k += max(1, n / 3)) {
        const v = buffer(max(k, 1), wave);
        const ix = buffer(max(k, 1), wave);
        const scratch = heap.alloc(<usize>max(8 * k, 8));
        const d = reduceDesc(REDUCE_SUM, [1], [0], [0], [n], [1], k, 1, 1);
        topk_f32(v, ix, a, scratch, d);
        for (let j = 0; j < k; j++) {
          expect(load<f32>(v + (<usize>j << 2))).toBe(<f32>(n - 1 - j));
          expect(load<f32>(a + (<usize>load<i32>(ix + (<usize>j << 2)) << 2))).toBe(<f32>(n - 1 - j));
        }
        freeAll([v, ix, scratch, d]);
      }
      heap.free(a);
    }
  });
});
