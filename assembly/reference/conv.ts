// Scalar twins of assembly/conv.ts (with depthwise.ts) and assembly/conv_transpose.ts:
// each output element straight from the definition, reading the same params area.

import { params_ptr } from "../memory";

@inline function param(i: i32): i32 {
  return load<i32>(params_ptr() + (<usize>i << 2));
}

function source(i: i32, n: i32, mode: i32): i32 {
  if (i >= 0 && i < n) return i;
  if (mode == 0) return -1;
  if (mode == 1) return i < 0 ? -i : 2 * n - 2 - i;
  if (mode == 2) return i < 0 ? 0 : n - 1;
  return i < 0 ? i + n : i - n;
}

export function conv_f32_ref(out: usize, input: usize, weight: usize, bias: usize): void {
  const N = param(0), C = param(1), D = param(2), H = param(3), W = param(4);
  const OC = param(5), OD = param(6), OH = param(7), OW = param(8);
  const KD = param(9), KH = param(10), KW = param(11);
  const sd = param(12), sh = param(13), sw = param(14);
  const pd = param(15), ph = param(16), pw = param(17);
  const dd = param(21), dh = param(22), dw = param(23);
  const groups = param(24), mode = param(25);
  const icg = C / groups, ocg = OC / groups;
  let q: usize = out;
  for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) {
    const g = oc / ocg;
    for (let oz = 0; oz < OD; oz++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
      let s: f32 = 0;
      for (let ic = 0; ic < icg; ic++) for (let kz = 0; kz < KD; kz++) for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
        const iz = source(oz * sd - pd + kz * dd, D, mode);
        const iy = source(oy * sh - ph + ky * dh, H, mode);
        const ix = source(ox * sw - pw + kx * dw, W, mode);
        if (iz < 0 || iy < 0 || ix < 0) continue;
        const xv = load<f32>(input + (<usize>((((n * C + g * icg + ic) * D + iz) * H + iy) * W + ix) << 2));
        const wv = load<f32>(weight + (<usize>((((oc * icg + ic) * KD + kz) * KH + ky) * KW + kx) << 2));
        s += xv * wv;
      }
      if (bias != 0) s += load<f32>(bias + (<usize>oc << 2));
      store<f32>(q, s);
      q += 4;
    }
  }
}

export function conv_transpose_f32_ref(out: usize, input: usize, weight: usize, bias: usize): void {
  const N = param(0), C = param(1), D = param(2), H = param(3), W = param(4);
  const OC = param(5), OD = param(6), OH = param(7), OW = param(8);
  const KD = param(9), KH = param(10), KW = param(11);
  const sd = param(12), sh = param(13), sw = param(14);
  const pd = param(15), ph = param(16), pw = param(17);
  const dd = param(18), dh = param(19), dw = param(20);
  const groups = param(21);
  const icg = C / groups, ocg = OC / groups;
  let q: usize = out;
  for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) {
    const g = oc / ocg;
    const ocl = oc % ocg;
    for (let oz = 0; oz < OD; oz++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
      let s: f32 = 0;
      // Gather form: input position i contributes when i * stride - padding + k * dilation = o.
      for (let ic = g * icg; ic < (g + 1) * icg; ic++) for (let kz = 0; kz < KD; kz++) for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
        const tz = oz + pd - kz * dd, ty = oy + ph - ky * dh, tx = ox + pw - kx * dw;
        if (tz < 0 || ty < 0 || tx < 0 || tz % sd != 0 || ty % sh != 0 || tx % sw != 0) continue;
        const iz = tz / sd, iy = ty / sh, ix = tx / sw;
        if (iz >= D || iy >= H || ix >= W) continue;
        const xv = load<f32>(input + (<usize>((((n * C + ic) * D + iz) * H + iy) * W + ix) << 2));
        const wv = load<f32>(weight + (<usize>((((ic * ocg + ocl) * KD + kz) * KH + ky) * KW + kx) << 2));
        s += xv * wv;
      }
      if (bias != 0) s += load<f32>(bias + (<usize>oc << 2));
      store<f32>(q, s);
      q += 4;
    }
  }
}
