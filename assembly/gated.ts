// Activations whose second operand is not one float per element, so that they do not fit
// the elementwise driver (map.ts): PReLU (a weight per channel) and GLU (the gate half of
// the input).
// Layout: contiguous float32 buffers of the stated shapes; the vectors run along the
// contiguous axis, and its last 1-3 floats go through the same vector code (loadTail).
// REQUIRES: buffers of the stated sizes; out equals input or does not overlap it (GLU:
// does not overlap it).

import { loadTail, storeTail } from "./map";
import { sigmoid4 } from "./vmath";

@inline function prelu4(x: v128, w: v128): v128 {
  return v128.bitselect(x, f32x4.mul(x, w), f32x4.gt(x, f32x4.splat(0.0)));
}

/**
 * x > 0 ? x : weight[c] * x over input [outer, channels, inner] with channel index c.
 * REQUIRES: weight holds `channels` floats.
 */
export function prelu_f32(out: usize, input: usize, weight: usize, outer: i32, channels: i32, inner: i32): void {
  if (inner == 1) {
    // [outer, channels]: the weights run along the contiguous axis.
    const rowBytes = <usize>channels << 2;
    const end = <usize>(channels & ~3) << 2;
    const rest = channels & 3;
    for (let b = 0; b < outer; b++) {
      const src = input + <usize>b * rowBytes;
      const dst = out + <usize>b * rowBytes;
      let o: usize = 0;
      for (; o < end; o += 16) v128.store(dst + o, prelu4(v128.load(src + o), v128.load(weight + o)));
      if (rest) storeTail(dst + o, prelu4(loadTail(src + o, rest), loadTail(weight + o, rest)), rest);
    }
    return;
  }
  const planeBytes = <usize>inner << 2;
  const end = <usize>(inner & ~3) << 2;
  const rest = inner & 3;
  let src = input;
  let dst = out;
  for (let b = 0; b < outer; b++) {
    for (let c = 0; c < channels; c++) {
      const w = f32x4.splat(load<f32>(weight + (<usize>c << 2)));
      let o: usize = 0;
      for (; o < end; o += 16) v128.store(dst + o, prelu4(v128.load(src + o), w));
      if (rest) storeTail(dst + o, prelu4(loadTail(src + o, rest), w), rest);
      src += planeBytes;
      dst += planeBytes;
    }
  }
}

// ---- gated ----

/**
 * GLU over input [outer, 2, half] (the halved dimension and everything after it folded
 * into `half`): out[b, j] = input[b, 0, j] * sigmoid(input[b, 1, j]); out is [outer, half].
 */
export function glu_f32(out: usize, input: usize, outer: i32, half: i32): void {
  const halfBytes = <usize>half << 2;
  const end = <usize>(half & ~3) << 2;
  const rest = half & 3;
  for (let b = 0; b < outer; b++) {
    const a = input + (<usize>b * halfBytes << 1);
    const g = a + halfBytes;
    const dst = out + <usize>b * halfBytes;
    let o: usize = 0;
    for (; o < end; o += 16) v128.store(dst + o, f32x4.mul(v128.load(a + o), sigmoid4(v128.load(g + o))));
    if (rest) storeTail(dst + o, f32x4.mul(loadTail(a + o, rest), sigmoid4(loadTail(g + o, rest))), rest);
  }
}
