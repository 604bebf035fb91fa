// Plain, obviously-correct convolutions in float64 for property tests: one output element
// at a time, straight from the definitions in PyTorch's documentation. Shapes are
// [N, C, ...spatial] with 1 to 3 spatial dimensions (handled as 3-D with leading 1s).

export interface RefResult {
  data: Float64Array;
  shape: number[];
  /** Per output element, the sum of |terms| (for the accumulation-error tolerance). */
  magnitude: Float64Array;
}

function as3(v: number[], fill: number): number[] {
  return [...new Array<number>(3 - v.length).fill(fill), ...v];
}

export type Mode = "zeros" | "reflect" | "replicate" | "circular";

function source(i: number, n: number, mode: Mode): number {
  if (i >= 0 && i < n) return i;
  if (mode === "zeros") return -1;
  if (mode === "reflect") return i < 0 ? -i : 2 * n - 2 - i;
  if (mode === "replicate") return i < 0 ? 0 : n - 1;
  return ((i % n) + n) % n;
}

export function refConv(
  x: ArrayLike<number>, xShape: number[], w: ArrayLike<number>, wShape: number[], b: ArrayLike<number> | null,
  o: { stride: number[]; before: number[]; after: number[]; dilation: number[]; groups: number; mode: Mode },
): RefResult {
  const nd = xShape.length - 2;
  const [N, C] = xShape;
  const [D, H, W] = as3(xShape.slice(2), 1);
  const [OC, icg] = wShape;
  const [KD, KH, KW] = as3(wShape.slice(2), 1);
  const [sd, sh, sw] = as3(o.stride, 1);
  const [pd, ph, pw] = as3(o.before, 0);
  const [pd1, ph1, pw1] = as3(o.after, 0);
  const [dd, dh, dw] = as3(o.dilation, 1);
  const size = (n: number, p0: number, p1: number, k: number, d: number, s: number) => Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
  const OD = size(D, pd, pd1, KD, dd, sd), OH = size(H, ph, ph1, KH, dh, sh), OW = size(W, pw, pw1, KW, dw, sw);
  const ocg = OC / o.groups;
  const data = new Float64Array(N * OC * OD * OH * OW);
  const magnitude = new Float64Array(data.length);
  let q = 0;
  for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) {
    const g = Math.floor(oc / ocg);
    for (let oz = 0; oz < OD; oz++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
      let s = b ? b[oc] : 0;
      let m = b ? Math.abs(b[oc]) : 0;
      for (let ic = 0; ic < icg; ic++) for (let kz = 0; kz < KD; kz++) for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
        const iz = source(oz * sd - pd + kz * dd, D, o.mode), iy = source(oy * sh - ph + ky * dh, H, o.mode), ix = source(ox * sw - pw + kx * dw, W, o.mode);
        if (iz < 0 || iy < 0 || ix < 0) continue;
        const xv = x[((((n * C + g * icg + ic) * D + iz) * H + iy) * W) + ix];
        const wv = w[(((oc * icg + ic) * KD + kz) * KH + ky) * KW + kx];
        s += xv * wv;
        m += Math.abs(xv * wv);
      }
      data[q] = s;
      magnitude[q++] = m;
    }
  }
  return { data, shape: [N, OC, ...[OD, OH, OW].slice(3 - nd)], magnitude };
}

export function refConvTranspose(
  x: ArrayLike<number>, xShape: number[], w: ArrayLike<number>, wShape: number[], b: ArrayLike<number> | null,
  o: { stride: number[]; padding: number[]; outputPadding: number[]; dilation: number[]; groups: number },
): RefResult {
  const nd = xShape.length - 2;
  const [N, C] = xShape;
  const [D, H, W] = as3(xShape.slice(2), 1);
  const ocg = wShape[1];
  const OC = ocg * o.groups;
  const icg = C / o.groups;
  const [KD, KH, KW] = as3(wShape.slice(2), 1);
  const [sd, sh, sw] = as3(o.stride, 1);
  const [pd, ph, pw] = as3(o.padding, 0);
  const [od, oh, ow] = as3(o.outputPadding, 0);
  const [dd, dh, dw] = as3(o.dilation, 1);
  const size = (n: number, s: number, p: number, d: number, k: number, op: number) => (n - 1) * s - 2 * p + d * (k - 1) + op + 1;
  const OD = size(D, sd, pd, dd, KD, od), OH = size(H, sh, ph, dh, KH, oh), OW = size(W, sw, pw, dw, KW, ow);
  const data = new Float64Array(N * OC * OD * OH * OW);
  const magnitude = new Float64Array(data.length);
  const at = (n: number, oc: number, z: number, y: number, xx: number) => (((n * OC + oc) * OD + z) * OH + y) * OW + xx;
  for (let n = 0; n < N; n++) for (let oc = 0; oc < OC; oc++) for (let i = 0; i < OD * OH * OW; i++) {
    data[at(n, oc, 0, 0, 0) + i] = b ? b[oc] : 0;
    magnitude[at(n, oc, 0, 0, 0) + i] = b ? Math.abs(b[oc]) : 0;
  }
  // The scatter form of the definition: each input element adds weight x value into its window.
  for (let n = 0; n < N; n++) for (let ic = 0; ic < C; ic++) {
    const g = Math.floor(ic / icg);
    for (let iz = 0; iz < D; iz++) for (let iy = 0; iy < H; iy++) for (let ix = 0; ix < W; ix++) {
      const xv = x[(((n * C + ic) * D + iz) * H + iy) * W + ix];
      for (let ocl = 0; ocl < ocg; ocl++) for (let kz = 0; kz < KD; kz++) for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
        const z = iz * sd - pd + kz * dd, y = iy * sh - ph + ky * dh, xx = ix * sw - pw + kx * dw;
        if (z < 0 || z >= OD || y < 0 || y >= OH || xx < 0 || xx >= OW) continue;
        const wv = w[(((ic * ocg + ocl) * KD + kz) * KH + ky) * KW + kx];
        const idx = at(n, g * ocg + ocl, z, y, xx);
        data[idx] += xv * wv;
        magnitude[idx] += Math.abs(xv * wv);
      }
    }
  }
  return { data, shape: [N, OC, ...[OD, OH, OW].slice(3 - nd)], magnitude };
}
