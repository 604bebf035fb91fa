// Padding, the one implementation: F.pad and the pad modules (pad_f32), and the
// convolution inputs the direct, depthwise and Winograd convolutions pad into scratch.
// Every mode (constant/zeros, reflect, replicate, circular) is resolved here, so the
// convolution kernels read whole windows without bounds checks. Negative amounts crop,
// as F.pad's do.

import { PadDesc, PAD_ZEROS, PAD_REFLECT, PAD_REPLICATE } from "./abi";
import { copyF32, fillF32 } from "./buffers";

/** Source index of padded position i (may be negative or >= n), or -1 for a zero. */
@inline export function sourceIndex(i: i32, n: i32, mode: i32): i32 {
  if (i >= 0 && i < n) return i;
  if (mode == PAD_ZEROS) return -1;
  if (mode == PAD_REFLECT) return i < 0 ? -i : 2 * n - 2 - i;
  if (mode == PAD_REPLICATE) return i < 0 ? 0 : n - 1;
  return i < 0 ? i + n : i - n;
}

/**
 * dst[0 .. pw0 + W + pw1) = the row of W floats at `row` padded by pw0 before and pw1
 * after (a negative amount drops that many elements), `value` where PAD_ZEROS pads.
 */
@inline export function padRow(dst: usize, row: usize, W: i32, pw0: i32, pw1: i32, mode: i32, value: f32 = 0): void {
  const Wp = W + pw0 + pw1;
  // [lo, hi): the outputs whose source lies inside the row.
  const lo = min(max(pw0, 0), Wp);
  const hi = max(min(pw0 + W, Wp), lo);
  for (let x = 0; x < lo; x++) {
    const xs = sourceIndex(x - pw0, W, mode);
    store<f32>(dst + (<usize>x << 2), xs < 0 ? value : load<f32>(row + (<usize>xs << 2)));
  }
  copyF32(dst + (<usize>lo << 2), row + (<usize>(lo - pw0) << 2), hi - lo);
  for (let x = hi; x < Wp; x++) {
    const xs = sourceIndex(x - pw0, W, mode);
    store<f32>(dst + (<usize>x << 2), xs < 0 ? value : load<f32>(row + (<usize>xs << 2)));
  }
}

/**
 * Pads `planes` channel volumes [D,H,W] into [D+pd0+pd1, H+ph0+ph1, W+pw0+pw1] (every
 * padded size >= 0; reflect needs amounts < the size, circular amounts <= the size).
 * REQUIRES: dst does not overlap src.
 */
export function padPlanes(dst: usize, src: usize, planes: i32, D: i32, H: i32, W: i32,
                          pd0: i32, pd1: i32, ph0: i32, ph1: i32, pw0: i32, pw1: i32, mode: i32, value: f32 = 0): void {
  const Dp = D + pd0 + pd1;
  const Hp = H + ph0 + ph1;
  const Wp = W + pw0 + pw1;
  let d = dst;
  for (let c = 0; c < planes; c++) {
    const plane = src + (<usize>c * D * H * W << 2);
    for (let zp = 0; zp < Dp; zp++) {
      const zs = sourceIndex(zp - pd0, D, mode);
      for (let yp = 0; yp < Hp; yp++) {
        const ys = sourceIndex(yp - ph0, H, mode);
        if (zs < 0 || ys < 0) fillF32(d, Wp, value);
        else padRow(d, plane + (<usize>(zs * H + ys) * W << 2), W, pw0, pw1, mode, value);
        d += <usize>Wp << 2;
      }
    }
  }
}

/**
 * Pads `planes` planes [H,W] into [Hq][Wq] (Hq, Wq at least the padded size), plus four
 * floats of slack: padding by `mode`, zeros past the padded size (the Winograd
 * convolution's whole tiles).
 */
export function padPlanesTo(dst: usize, src: usize, planes: i32, H: i32, W: i32, Hq: i32, Wq: i32,
                            ph0: i32, pw0: i32, ph1: i32, pw1: i32, mode: i32, yFrom: i32 = 0, yTo: i32 = -1): void {
  const Hp = H + ph0 + ph1, Wp = W + pw0 + pw1;
  // Only rows [yFrom, yTo) of each padded plane are written (a thread's share reads no others).
  if (yTo < 0) yTo = Hq;
  for (let c = 0; c < planes; c++) {
    const plane = src + (<usize>c * H * W << 2);
    let d = dst + (<usize>(c * Hq + yFrom) * Wq << 2);
    for (let yp = yFrom; yp < yTo; yp++) {
      const ys = yp < Hp ? sourceIndex(yp - ph0, H, mode) : -1;
      if (ys < 0) {
        fillF32(d, Wq, 0);
      } else {
        padRow(d, plane + (<usize>ys * W << 2), W, pw0, pw1, mode);
        fillF32(d + (<usize>Wp << 2), Wq - Wp, 0);
      }
      d += <usize>Wq << 2;
    }
  }
  fillF32(dst + (<usize>planes * Hq * Wq << 2), 4, 0);
}

/** F.pad over `planes` volumes, as the PadDesc (abi.ts) describes: one pass, each output written once. */
export function pad_f32(out: usize, input: usize, desc: usize): void {
  const d = changetype<PadDesc>(desc);
  padPlanes(out, input, d.planes, d.inD, d.inH, d.inW, d.padBeforeD, d.padAfterD, d.padBeforeH, d.padAfterH,
    d.padBeforeW, d.padAfterW, d.mode, d.value);
}
