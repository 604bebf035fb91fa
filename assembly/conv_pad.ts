// Padding of convolution inputs into scratch, shared by the direct, depthwise and Winograd
// convolutions: every padding mode (zeros, reflect, replicate, circular) is resolved here,
// so the kernels read whole windows without bounds checks.

import { PAD_ZEROS, PAD_REFLECT, PAD_REPLICATE } from "./abi";
import { copyF32, fillF32 } from "./buffers";

/** Source index of padded position i (may be negative or >= n), or -1 for a zero. */
@inline export function sourceIndex(i: i32, n: i32, mode: i32): i32 {
  if (i >= 0 && i < n) return i;
  if (mode == PAD_ZEROS) return -1;
  if (mode == PAD_REFLECT) return i < 0 ? -i : 2 * n - 2 - i;
  if (mode == PAD_REPLICATE) return i < 0 ? 0 : n - 1;
  return i < 0 ? i + n : i - n;
}

/** dst[0 .. pw0 + W + pw1) = the row of W floats at `row` padded by pw0 before and pw1 after. */
@inline export function padRow(dst: usize, row: usize, W: i32, pw0: i32, pw1: i32, mode: i32): void {
  for (let x = 0; x < pw0; x++) {
    const xs = sourceIndex(x - pw0, W, mode);
    store<f32>(dst + (<usize>x << 2), xs < 0 ? 0 : load<f32>(row + (<usize>xs << 2)));
  }
  copyF32(dst + (<usize>pw0 << 2), row, W);
  const Wp = W + pw0 + pw1;
  for (let x = pw0 + W; x < Wp; x++) {
    const xs = sourceIndex(x - pw0, W, mode);
    store<f32>(dst + (<usize>x << 2), xs < 0 ? 0 : load<f32>(row + (<usize>xs << 2)));
  }
}

/**
 * Pads `planes` channel volumes [D,H,W] into [D+pd0+pd1, H+ph0+ph1, W+pw0+pw1].
 * REQUIRES: dst does not overlap src.
 */
export function padPlanes(dst: usize, src: usize, planes: i32, D: i32, H: i32, W: i32,
                          pd0: i32, pd1: i32, ph0: i32, ph1: i32, pw0: i32, pw1: i32, mode: i32): void {
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
        if (zs < 0 || ys < 0) fillF32(d, Wp, 0);
        else padRow(d, plane + (<usize>(zs * H + ys) * W << 2), W, pw0, pw1, mode);
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
                            ph0: i32, pw0: i32, ph1: i32, pw1: i32, mode: i32): void {
  const Hp = H + ph0 + ph1, Wp = W + pw0 + pw1;
  let d = dst;
  for (let c = 0; c < planes; c++) {
    const plane = src + (<usize>c * H * W << 2);
    for (let yp = 0; yp < Hq; yp++) {
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
  fillF32(d, 4, 0);
}
