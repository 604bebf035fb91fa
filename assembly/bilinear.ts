// Bilinear layer: y[r, o] = sum_ij x1[r, i] * W[o, i, j] * x2[r, j] + b[o].
// For each output feature o, T = x1 * W[o] is one GEMM over a band of rows; then each
// y[r, o] is the dot product of T's row r with x2's row r.
//
// Layouts: out [rows, O], x1 [rows, in1], x2 [rows, in2], weight [O, in1, in2], bias [O] or 0.
// REQUIRES: scratch holds bilinearScratchBytes(rows, in1, in2) bytes.

import { align16 } from "./buffers";
import { gemm, gemmScratchBytes, A_DENSE, B_DENSE, BIAS_NONE } from "./gemm";
import { hsum } from "./simd";

const BAND: i32 = 256;

export function bilinearScratchBytes(rows: i32, in1: i32, in2: i32): i32 {
  const band = min(rows, BAND);
  return (band * in2 + 16) * 4 + gemmScratchBytes(band, in2, in1) + 64;
}

export function bilinear_f32(out: usize, x1: usize, x2: usize, weight: usize, bias: usize,
                             rows: i32, in1: i32, in2: i32, O: i32, scratch: usize): void {
  const t = align16(scratch);
  const gemmScratch = t + (<usize>(min(rows, BAND) * in2 + 4) << 2);
  const in2Bytes = <usize>in2 << 2;
  for (let r0 = 0; r0 < rows; r0 += BAND) {
    const nr = min(BAND, rows - r0);
    for (let o = 0; o < O; o++) {
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>o << 2)) : 0;
      gemm(t, in2, x1 + (<usize>(r0 * in1) << 2), in1, A_DENSE,
        weight + (<usize>(o * in1) * in2 << 2), in2, B_DENSE, 0, 0, 0, BIAS_NONE, 0, nr, in2, in1, gemmScratch);
      for (let r = 0; r < nr; r++) {
        const tr = t + <usize>r * in2Bytes;
        const xr = x2 + <usize>(r0 + r) * in2Bytes;
        let acc = f32x4.splat(0);
        let j = 0;
        for (; j + 4 <= in2; j += 4) {
          const q = <usize>j << 2;
          acc = f32x4.add(acc, f32x4.mul(v128.load(tr + q), v128.load(xr + q)));
        }
        let s = hsum(acc);
        for (; j < in2; j++) s += load<f32>(tr + (<usize>j << 2)) * load<f32>(xr + (<usize>j << 2));
        store<f32>(out + (<usize>((r0 + r) * O + o) << 2), s + b);
      }
    }
  }
}
