// Elementwise tensor arithmetic (add, sub, mul, div, pow, neg, exp, log, sqrt) with
// PyTorch broadcasting.
//
// Two drivers run the same operation classes (the `simd(x, y, a, b, c)` form of map.ts,
// with a = alpha):
//   - contiguous operands of one shape go through map.ts (`elementwise_f32`,
//     `unary_f32`): one flat loop at memory speed, shared between threads (parts.ts);
//   - everything else (broadcast dimensions, strided views, number operands) goes through
//     `elementwiseStrided_f32`, which walks up to MAX_WALK_DIMS dimensions with a stride
//     per operand (0 for a broadcast dimension) and never materialises a copy. TypeScript
//     merges adjacent dimensions first, so a bias-style add [N,C,H,W] + [1,C,1,1] is C
//     rows of H*W with the bias splatted. Rows whose operands are contiguous or broadcast
//     run 16 floats per step; other rows gather four lanes at a time. Every value goes
//     through the same vector code, so a result never depends on its position.

import {
  ElementwiseDesc, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_ADD_SCALED, OP_NEG, OP_EXP, OP_LOG, OP_SQRT,
} from "./abi";
import { map2Shared, mapShared, storeTail } from "./map";
import { abs4, exp4, logPositive4 } from "./vmath";
import { advanceWalk, cursor, startWalk } from "./walk";

// ---- operations ----

@final @unmanaged class Add {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 { return f32x4.add(x, y); }
}
@final @unmanaged class Sub {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 { return f32x4.sub(x, y); }
}
@final @unmanaged class Mul {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 { return f32x4.mul(x, y); }
}
@final @unmanaged class Div {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 { return f32x4.div(x, y); }
}
/** x + alpha * y, as PyTorch's add/sub with alpha (alpha * y rounded first, no fused multiply-add). */
@final @unmanaged class AddScaled {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 { return f32x4.add(x, f32x4.mul(a, y)); }
}
@final @unmanaged class Pow {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 { return pow4(x, y); }
}
@final @unmanaged class Neg {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 { return f32x4.neg(x); }
}
@final @unmanaged class Exp {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 { return expFull4(x); }
}
@final @unmanaged class Log {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 { return log4(x); }
}
@final @unmanaged class Sqrt {
  @inline simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128 { return f32x4.sqrt(x); }
}

/**
 * e^x up to the largest float (x <= 88.72): exp4 gives +Infinity above 88.376, so larger
 * arguments are computed as 2 e^(x - ln 2) (relative error about 4e-6 there).
 */
@inline export function expFull4(x: v128): v128 {
  const big = f32x4.gt(x, f32x4.splat(88.0));
  const r = exp4(v128.bitselect(f32x4.sub(x, f32x4.splat(0.6931471805599453)), x, big));
  return v128.bitselect(f32x4.add(r, r), r, big);
}

const SMALLEST_NORMAL: f32 = 1.17549435e-38;
// 2^24 and 24 ln 2: subnormals are scaled into the normal range before logPositive4.
const TWO_24: f32 = 16777216.0;
const LN_TWO_24: f32 = 16.635532333438686;

/**
 * Natural log on the whole float range: logPositive4 (relative error about 4e-7) for
 * positive normals, subnormals scaled by 2^24 first; log(0) = -Inf, log(x < 0) = NaN,
 * log(+Inf) = +Inf, NaN stays NaN.
 */
@inline export function log4(x: v128): v128 {
  const zero = f32x4.splat(0);
  const tiny = f32x4.lt(x, f32x4.splat(SMALLEST_NORMAL));
  let r = logPositive4(v128.bitselect(f32x4.mul(x, f32x4.splat(TWO_24)), x, tiny));
  r = v128.bitselect(f32x4.sub(r, f32x4.splat(LN_TWO_24)), r, tiny);
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, zero));
  r = v128.bitselect(f32x4.splat(NaN), r, v128.or(f32x4.lt(x, zero), f32x4.ne(x, x)));
  return v128.bitselect(f32x4.splat(Infinity), r, f32x4.eq(x, f32x4.splat(Infinity)));
}

/**
 * x^y with C's pow special cases: |x|^y = exp(y log|x|), negative for a negative x and an
 * odd integer y, NaN for a finite negative x and a non-integer y, 1 when y = 0 or x = 1
 * (even with NaN on the other side), and (-1)^(+-Inf) = 1. Relative error about
 * 4e-7 * (1 + |y log x|).
 */
@inline export function pow4(x: v128, y: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1.0);
  const ax = abs4(x);
  let r = expFull4(f32x4.mul(y, log4(ax)));
  const yInt = f32x4.eq(f32x4.nearest(y), y);
  const half = f32x4.mul(y, f32x4.splat(0.5));
  const yOdd = v128.and(yInt, f32x4.ne(f32x4.nearest(half), half));
  // exp4 gives a non-negative result, so or-ing the sign bit negates it.
  r = v128.or(r, v128.and(v128.and(x, i32x4.splat(0x80000000)), yOdd));
  const negFinite = v128.and(f32x4.lt(x, zero), f32x4.ne(x, f32x4.splat(-Infinity)));
  r = v128.bitselect(f32x4.splat(NaN), r, v128.andnot(negFinite, yInt));
  const minusOneInf = v128.and(f32x4.eq(x, f32x4.splat(-1.0)), f32x4.eq(abs4(y), f32x4.splat(Infinity)));
  return v128.bitselect(one, r, v128.or(v128.or(f32x4.eq(y, zero), f32x4.eq(x, one)), minusOneInf));
}

// ---- contiguous operands of one shape: the map.ts driver ----

/** out[i] = op(x[i], y[i]) for i < n (OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW): this thread's share. out may alias x or y. */
export function elementwise_f32(out: usize, x: usize, y: usize, n: i32, op: i32): void {
  switch (op) {
    case OP_ADD: map2Shared<Add>(out, x, y, n); break;
    case OP_SUB: map2Shared<Sub>(out, x, y, n); break;
    case OP_MUL: map2Shared<Mul>(out, x, y, n); break;
    case OP_DIV: map2Shared<Div>(out, x, y, n); break;
    case OP_POW: map2Shared<Pow>(out, x, y, n); break;
    default: unreachable();
  }
}

/** out[i] = op(x[i]) for i < n (OP_NEG, OP_EXP, OP_LOG, OP_SQRT): this thread's share. out may alias x. */
export function unary_f32(out: usize, x: usize, n: i32, op: i32): void {
  switch (op) {
    case OP_NEG: mapShared<Neg>(out, x, n, 0, 0, 0); break;
    case OP_EXP: mapShared<Exp>(out, x, n, 0, 0, 0); break;
    case OP_LOG: mapShared<Log>(out, x, n, 0, 0, 0); break;
    case OP_SQRT: mapShared<Sqrt>(out, x, n, 0, 0, 0); break;
    default: unreachable();
  }
}

// ---- broadcast and strided operands ----

/** Up to four floats from p, p + step, ...; lanes past `count` repeat the first one. */
@inline function gather4(p: usize, step: isize, count: i32): v128 {
  let v = v128.load32_splat(p);
  if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(p + step));
  if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * step));
  if (count > 3) v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * step));
  return v;
}

/** Four floats at p + o, or the splat value v when the operand is one broadcast value. */
@inline function operand(p: usize, o: usize, splat: bool, v: v128): v128 {
  return splat ? v : v128.load(p + o);
}

/** Results 0 .. (n rounded down to 16) of a row whose operands are contiguous or splat; returns where it stopped. */
@inline function block16<Op>(out: usize, x: usize, xSplat: bool, y: usize, ySplat: bool, n: i32, a: v128): i32 {
  const op = changetype<Op>(0);
  const z = f32x4.splat(0);
  const xv = v128.load32_splat(x), yv = v128.load32_splat(y);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    v128.store(out + o, op.simd(operand(x, o, xSplat, xv), operand(y, o, ySplat, yv), a, z, z));
    v128.store(out + o, op.simd(operand(x, o + 16, xSplat, xv), operand(y, o + 16, ySplat, yv), a, z, z), 16);
    v128.store(out + o, op.simd(operand(x, o + 32, xSplat, xv), operand(y, o + 32, ySplat, yv), a, z, z), 32);
    v128.store(out + o, op.simd(operand(x, o + 48, xSplat, xv), operand(y, o + 48, ySplat, yv), a, z, z), 48);
  }
  return i;
}

/** One innermost row of n results into contiguous out; x and y advance sx, sy bytes per element (0: broadcast). */
@inline function row<Op>(out: usize, x: usize, sx: isize, y: usize, sy: isize, n: i32, a: v128): void {
  const op = changetype<Op>(0);
  const z = f32x4.splat(0);
  let i = 0;
  // Sixteen at a time where each operand is contiguous or one broadcast value; the
  // constant flags fold away after inlining, leaving three specialised loops.
  if (sx == 4 && sy == 4) i = block16<Op>(out, x, false, y, false, n, a);
  else if (sx == 4 && sy == 0) i = block16<Op>(out, x, false, y, true, n, a);
  else if (sx == 0 && sy == 4) i = block16<Op>(out, x, true, y, false, n, a);
  // Strided rows, and the last 1-15 elements of the others: four gathered lanes at a time.
  for (; i < n; i += 4) {
    const count = min(4, n - i);
    const r = op.simd(gather4(x + <usize>(<isize>i * sx), sx, count), gather4(y + <usize>(<isize>i * sy), sy, count), a, z, z);
    if (count == 4) v128.store(out + (<usize>i << 2), r);
    else storeTail(out + (<usize>i << 2), r, count);
  }
}

/** Walks the outer dimensions with an odometer (the last fastest), one row per step. */
@inline function walk<Op>(out: usize, x: usize, y: usize, d: ElementwiseDesc): void {
  const ndim = d.ndim;
  const last = ndim - 1;
  const n = d.size(last);
  const sx = <isize>d.xStride(last) << 2;
  const sy = <isize>d.yStride(last) << 2;
  const a = f32x4.splat(d.alpha);
  const outer = startWalk(x, y, last, d.sizesAt());
  const rowBytes = <usize>n << 2;
  for (let o = 0; o < outer; o++) {
    row<Op>(out, cursor.a, sx, cursor.b, sy, n, a);
    out += rowBytes;
    advanceWalk(last, d.sizesAt(), d.xStridesAt(), d.yStridesAt());
  }
}


/**
 * out = op(x, y) (op(x) for unary codes) over a contiguous output of the desc's sizes, x
 * and y read through their own strides (0 for broadcast dimensions); a null x or y reads
 * the desc's xScalar / yScalar.
 * REQUIRES: 1 <= ndim <= MAX_WALK_DIMS, every size >= 1; out does not overlap x or y
 * unless it is the same contiguous buffer.
 */
export function elementwiseStrided_f32(out: usize, x: usize, y: usize, desc: usize): void {
  const d = changetype<ElementwiseDesc>(desc);
  if (x == 0) x = desc + offsetof<ElementwiseDesc>("xScalar");
  if (y == 0) y = desc + offsetof<ElementwiseDesc>("yScalar");
  switch (d.op) {
    case OP_ADD: walk<Add>(out, x, y, d); break;
    case OP_SUB: walk<Sub>(out, x, y, d); break;
    case OP_MUL: walk<Mul>(out, x, y, d); break;
    case OP_DIV: walk<Div>(out, x, y, d); break;
    case OP_POW: walk<Pow>(out, x, y, d); break;
    case OP_ADD_SCALED: walk<AddScaled>(out, x, y, d); break;
    case OP_NEG: walk<Neg>(out, x, y, d); break;
    case OP_EXP: walk<Exp>(out, x, y, d); break;
    case OP_LOG: walk<Log>(out, x, y, d); break;
    case OP_SQRT: walk<Sqrt>(out, x, y, d); break;
    default: unreachable();
  }
}
