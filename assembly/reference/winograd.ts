// Scalar twin of assembly/winograd.ts: the same Winograd algorithms written from their
// textbook matrices, one tile, one channel pair and one matrix product at a time.
// Reads a ConvDesc (abi.ts) and the variant numbers of winograd.ts.

import { ConvDesc } from "../abi";
import { source } from "./conv";

// 1-D factors, row-major: A^T (m x a), G (a x r), B^T (a x a).
const AT23: StaticArray<f32> = [1, 1, 1, 0, 0, 1, -1, -1];
const G23: StaticArray<f32> = [1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1];
const BT23: StaticArray<f32> = [1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 0, -1];
const AT43: StaticArray<f32> = [
  1, 1, 1, 1, 1, 0,
  0, 1, -1, 2, -2, 0,
  0, 1, 1, 4, 4, 0,
  0, 1, -1, 8, -8, 1,
];
const G43: StaticArray<f32> = [
  1.0 / 4, 0, 0,
  -1.0 / 6, -1.0 / 6, -1.0 / 6,
  -1.0 / 6, 1.0 / 6, -1.0 / 6,
  1.0 / 24, 1.0 / 12, 1.0 / 6,
  1.0 / 24, -1.0 / 12, 1.0 / 6,
  0, 0, 1,
];
const BT43: StaticArray<f32> = [
  4, 0, -5, 0, 1, 0,
  0, -4, -4, 1, 1, 0,
  0, 4, -4, -1, 1, 0,
  0, -2, -1, 2, 1, 0,
  0, 2, -1, -2, 1, 0,
  0, 4, 0, -5, 0, 1,
];
const AT45: StaticArray<f32> = [
  1, 1, 1, 1, 1, 1, 1, 0,
  0, 1, -1, 2, -2, 0.5, -0.5, 0,
  0, 1, 1, 4, 4, 0.25, 0.25, 0,
  0, 1, -1, 8, -8, 0.125, -0.125, 1,
];
const G45: StaticArray<f32> = [
  -1, 0, 0, 0, 0,
  -2.0 / 9, -2.0 / 9, -2.0 / 9, -2.0 / 9, -2.0 / 9,
  -2.0 / 9, 2.0 / 9, -2.0 / 9, 2.0 / 9, -2.0 / 9,
  1.0 / 90, 2.0 / 90, 4.0 / 90, 8.0 / 90, 16.0 / 90,
  1.0 / 90, -2.0 / 90, 4.0 / 90, -8.0 / 90, 16.0 / 90,
  64.0 / 90, 32.0 / 90, 16.0 / 90, 8.0 / 90, 4.0 / 90,
  64.0 / 90, -32.0 / 90, 16.0 / 90, -8.0 / 90, 4.0 / 90,
  0, 0, 0, 0, 1,
];
const BT45: StaticArray<f32> = [
  -1, 0, 5.25, 0, -5.25, 0, 1, 0,
  0, 1, 1, -4.25, -4.25, 1, 1, 0,
  0, -1, 1, 4.25, -4.25, -1, 1, 0,
  0, 0.5, 0.25, -2.5, -1.25, 2, 1, 0,
  0, -0.5, 0.25, 2.5, -1.25, -2, 1, 0,
  0, 2, 4, -2.5, -5, 0.5, 1, 0,
  0, -2, 4, 2.5, -5, -0.5, 1, 0,
  0, -1, 0, 5.25, 0, -5.25, 0, 1,
];
const ONE: StaticArray<f32> = [1];

// Scratch for one tile (at most 8 x 8 values per stage).
const D = new StaticArray<f32>(64);
const T1 = new StaticArray<f32>(64);
const U = new StaticArray<f32>(64);
const V = new StaticArray<f32>(64);
const M = new StaticArray<f32>(64);

/** out[r x c] = L[r x k] * X[k x cx] * R^T, R being [c x cx]. */
function sandwich(out: StaticArray<f32>, L: StaticArray<f32>, r: i32, k: i32, X: StaticArray<f32>, cx: i32, R: StaticArray<f32>, c: i32): void {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < cx; j++) {
      let s: f32 = 0;
      for (let q = 0; q < k; q++) s += L[i * k + q] * X[q * cx + j];
      T1[i * cx + j] = s;
    }
  }
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s: f32 = 0;
      for (let q = 0; q < cx; q++) s += T1[i * cx + q] * R[j * cx + q];
      out[i * c + j] = s;
    }
  }
}

/**
 * Winograd convolution of variant v (1: F(2x2,3x3), 2: F(4x4,3x3), 3: F(4,5)) for the
 * convolution `desc` (a ConvDesc). Returns false when a result is not finite, as the kernel.
 */
export function winograd_f32_ref(out: usize, input: usize, weight: usize, bias: usize, v: i32, desc: usize): bool {
  const d = changetype<ConvDesc>(desc);
  const N = d.batch, C = d.inC, H = d.inH, W = d.inW;
  const OC = d.outC, OH = d.outH, OW = d.outW;
  const KH = d.kernelH, KW = d.kernelW;
  const ph = d.padBeforeH, pw = d.padBeforeW;
  const Hp = H + ph + d.padAfterH, Wp = W + pw + d.padAfterW;
  const groups = d.groups, mode = d.paddingMode;
  const icg = C / groups, ocg = OC / groups;
  const mh = v == 1 ? 2 : v == 2 ? 4 : 1;
  const mw = v == 1 ? 2 : 4;
  const ah = mh + KH - 1, aw = mw + KW - 1;
  const ATh = v == 1 ? AT23 : v == 2 ? AT43 : ONE;
  const Gh = v == 1 ? G23 : v == 2 ? G43 : ONE;
  const BTh = v == 1 ? BT23 : v == 2 ? BT43 : ONE;
  const ATw = v == 1 ? AT23 : v == 2 ? AT43 : AT45;
  const Gw = v == 1 ? G23 : v == 2 ? G43 : G45;
  const BTw = v == 1 ? BT23 : v == 2 ? BT43 : BT45;
  const g = new StaticArray<f32>(KH * KW);
  let finite = true;
  for (let n = 0; n < N; n++) {
    for (let oc = 0; oc < OC; oc++) {
      const grp = oc / ocg;
      for (let ty = 0; ty * mh < OH; ty++) {
        for (let tx = 0; tx * mw < OW; tx++) {
          for (let p = 0; p < ah * aw; p++) M[p] = 0;
          for (let ic = 0; ic < icg; ic++) {
            const c = grp * icg + ic;
            for (let i = 0; i < KH * KW; i++) g[i] = load<f32>(weight + (<usize>((oc * icg + ic) * KH * KW + i) << 2));
            sandwich(U, Gh, ah, KH, g, KW, Gw, aw);
            // The input tile; rows and columns past the padded input are zeros.
            for (let i = 0; i < ah; i++) {
              for (let j = 0; j < aw; j++) {
                const yp = ty * mh + i, xp = tx * mw + j;
                const iy = yp < Hp ? source(yp - ph, H, mode) : -1;
                const ix = xp < Wp ? source(xp - pw, W, mode) : -1;
                D[i * aw + j] = iy < 0 || ix < 0 ? 0 : load<f32>(input + (<usize>(((n * C + c) * H + iy) * W + ix) << 2));
              }
            }
            sandwich(V, BTh, ah, ah, D, aw, BTw, aw);
            for (let p = 0; p < ah * aw; p++) M[p] += U[p] * V[p];
          }
          sandwich(D, ATh, mh, ah, M, aw, ATw, mw);
          const b: f32 = bias != 0 ? load<f32>(bias + (<usize>oc << 2)) : 0;
          for (let i = 0; i < mh; i++) {
            for (let j = 0; j < mw; j++) {
              const oy = ty * mh + i, ox = tx * mw + j;
              if (oy >= OH || ox >= OW) continue;
              const y = D[i * mw + j] + b;
              if (!isFinite(y)) finite = false;
              store<f32>(out + (<usize>(((n * OC + oc) * OH + oy) * OW + ox) << 2), y);
            }
          }
        }
      }
    }
  }
  return finite;
}
