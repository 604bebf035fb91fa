// The elementwise driver: the one loop behind every kernel that maps each float of a
// contiguous buffer (or each pair of floats of two buffers) to one float, plus the tail
// loads and stores the other vector kernels of the family share.
//
// An operation is an `@final @unmanaged` class with one `@inline` method
//     simd(x: v128, y: v128, a: v128, b: v128, c: v128): v128
// giving four results from four lanes of the input x (and of the second input y, for
// `map2`), with up to three scalar parameters a, b, c splatted once per call. The class is
// never instantiated: the driver calls the method on `changetype<Op>(0)`, and since the
// method is inlined each kernel compiles to one loop with the operation's instructions in
// it, no call and no branch per element (checked in build/wasm-nn.wat). A kernel is then
// one line: `export function relu_f32(out: usize, input: usize, n: i32): void { mapShared<Relu>(out, input, n, 0, 0, 0); }`
// (`mapShared`: the share of the elements of the thread running it, parts.ts).
//
// The loop works on blocks of 16 floats, loading all four vectors of a block before
// storing any: that keeps several independent exp/div chains in flight and keeps the
// stores from stalling the next loads when the input and output addresses differ by a
// multiple of 4 KiB. The last 1-15 floats are copied into a 16-float block and run through
// the same code, so a value's result never depends on its position and there is no scalar
// version of an operation to keep bit-identical with its vector one.
// REQUIRES: n >= 0; out equals an input or does not overlap it.

import { BLOCK, BLOCK_Y, TAIL } from "./thread_area";
import { partEnd, partStart } from "./parts";

// BLOCK and BLOCK_Y (thread_area.ts): 16-float blocks for the last 1-15 elements (first and second input).
const BLOCK_FLOATS: i32 = 16;

/** Copies `count` (1-15) floats from src into the scratch block and returns the block. */
@inline function blockIn(block: usize, src: usize, count: i32): usize {
  memory.copy(block, src, <usize>count << 2);
  return block;
}

/** Runs Op over whole 16-float blocks: `end` bytes of x (and y when `binary`) into out. */
@inline function blocks<Op>(out: usize, x: usize, y: usize, end: usize, a: v128, b: v128, c: v128, binary: bool): void {
  const op = changetype<Op>(0);
  for (let o: usize = 0; o < end; o += 64) {
    const x0 = v128.load(x + o);
    const x1 = v128.load(x + o, 16);
    const x2 = v128.load(x + o, 32);
    const x3 = v128.load(x + o, 48);
    const y0 = binary ? v128.load(y + o) : x0;
    const y1 = binary ? v128.load(y + o, 16) : x1;
    const y2 = binary ? v128.load(y + o, 32) : x2;
    const y3 = binary ? v128.load(y + o, 48) : x3;
    v128.store(out + o, op.simd(x0, y0, a, b, c));
    v128.store(out + o, op.simd(x1, y1, a, b, c), 16);
    v128.store(out + o, op.simd(x2, y2, a, b, c), 32);
    v128.store(out + o, op.simd(x3, y3, a, b, c), 48);
  }
}

/** out[i] = Op(x[i]; a, b, c) for i < n. */
export function map<Op>(out: usize, x: usize, n: i32, a: f32, b: f32, c: f32): void {
  const end = <usize>(n & ~15) << 2;
  blocks<Op>(out, x, 0, end, f32x4.splat(a), f32x4.splat(b), f32x4.splat(c), false);
  const rest = n & 15;
  if (rest) {
    map<Op>(BLOCK, blockIn(BLOCK, x + end, rest), BLOCK_FLOATS, a, b, c);
    memory.copy(out + end, BLOCK, <usize>rest << 2);
  }
}

/** out[i] = Op(x[i], y[i]) for i < n. */
export function map2<Op>(out: usize, x: usize, y: usize, n: i32): void {
  const end = <usize>(n & ~15) << 2;
  const zero = f32x4.splat(0.0);
  blocks<Op>(out, x, y, end, zero, zero, zero, true);
  const rest = n & 15;
  if (rest) {
    map2<Op>(BLOCK, blockIn(BLOCK, x + end, rest), blockIn(BLOCK_Y, y + end, rest), BLOCK_FLOATS);
    memory.copy(out + end, BLOCK, <usize>rest << 2);
  }
}

/** `map` over this thread's share of the n elements (parts.ts), in whole 16-float blocks: the exported kernels' form. */
@inline export function mapShared<Op>(out: usize, x: usize, n: i32, a: f32, b: f32, c: f32): void {
  const i0 = partStart(n, BLOCK_FLOATS), i1 = partEnd(n, BLOCK_FLOATS);
  map<Op>(out + (<usize>i0 << 2), x + (<usize>i0 << 2), i1 - i0, a, b, c);
}

/** `map2` over this thread's share of the n elements. */
@inline export function map2Shared<Op>(out: usize, x: usize, y: usize, n: i32): void {
  const i0 = partStart(n, BLOCK_FLOATS), i1 = partEnd(n, BLOCK_FLOATS);
  map2<Op>(out + (<usize>i0 << 2), x + (<usize>i0 << 2), y + (<usize>i0 << 2), i1 - i0);
}

// ---- tails of the kernels that do not fit `map` (per-channel weights, gates, softmax rows) ----


/** Loads `count` (1-3) floats into the low lanes of a vector; the other lanes hold leftovers. */
@inline export function loadTail(src: usize, count: i32): v128 {
  memory.copy(TAIL, src, <usize>count << 2);
  return v128.load(TAIL);
}

/** Stores the low `count` (1-3) lanes of `v`. */
@inline export function storeTail(dst: usize, v: v128, count: i32): void {
  v128.store(TAIL, v);
  memory.copy(dst, TAIL, <usize>count << 2);
}
