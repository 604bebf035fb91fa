// Scalar twins of assembly/conv.ts (with depthwise.ts) and assembly/conv_transpose.ts:
// each output element straight from the definition, reading the same descriptors.

import { ConvDesc, ConvTransposeDesc } from "../abi";

/** Source index of padded position i, or -1 for a zero (modes as PAD_* in abi.ts). */
export function source(i: i32, n: i32, mode: i32): i32 {
  if (i >= 0 && i < n) return i;
  if (mode == 0) return -1;
  if (mode == 1) return i < 0 ? -i : 2 * n - 2 - i;
  if (mode == 2) return i < 0 ? 0 : n - 1;
  return i < 0 ? i + n : i - n;
}

export function conv_f32_ref(out: usize, input: usize, weight: usize, bias: usize, desc: usize): void {
  const d = changetype<ConvDesc>(desc);
  const N = d.batch, C = d.inC, D = d.inD, H = d.inH, W = d.inW, OC = d.outC;
  const KD = d.kernelD, KH = d.kernelH, KW = d.kernelW, mode = d.paddingMode;
  const icg = C / d.groups, ocg = OC / d.groups;
  let q: usize = out;
  for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) {
    const g = oc / ocg;
    for (let oz = 0; oz < d.outD; oz++) for (let oy = 0; oy < d.outH; oy++) for (let ox = 0; ox < d.outW; ox++) {
      let s: f32 = 0;
      for (let ic = 0; ic < icg; ic++) for (let kz = 0; kz < KD; kz++) for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
        const iz = source(oz * d.strideD - d.padBeforeD + kz * d.dilationD, D, mode);
        const iy = source(oy * d.strideH - d.padBeforeH + ky * d.dilationH, H, mode);
        const ix = source(ox * d.strideW - d.padBeforeW + kx * d.dilationW, W, mode);
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

export function convTranspose_f32_ref(out: usize, input: usize, weight: usize, bias: usize, desc: usize): void {
  const d = changetype<ConvTransposeDesc>(desc);
  const N = d.batch, C = d.inC, D = d.inD, H = d.inH, W = d.inW, OC = d.outC;
  const KD = d.kernelD, KH = d.kernelH, KW = d.kernelW;
  const sd = d.strideD, sh = d.strideH, sw = d.strideW;
  const icg = C / d.groups, ocg = OC / d.groups;
  let q: usize = out;
  for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) {
    const g = oc / ocg;
    const ocl = oc % ocg;
    for (let oz = 0; oz < d.outD; oz++) for (let oy = 0; oy < d.outH; oy++) for (let ox = 0; ox < d.outW; ox++) {
      let s: f32 = 0;
      // Gather form: input position i contributes when i * stride - padding + k * dilation = o.
      for (let ic = g * icg; ic < (g + 1) * icg; ic++) for (let kz = 0; kz < KD; kz++) for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
        const tz = oz + d.padD - kz * d.dilationD, ty = oy + d.padH - ky * d.dilationH, tx = ox + d.padW - kx * d.dilationW;
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
