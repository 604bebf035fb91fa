// Scalar twin of assembly/interpolate.ts: the same coordinate tables, every output one
// nested sum at a time (D outermost, W innermost, taps in order), no row cache, no SIMD.
// The kernel must match it bit for bit.

import { InterpolateDesc } from "../abi";
import { layoutTables, fillTables } from "../interpolate_tables";

@inline function tapIdx(table: usize, pad: i32, k: i32, i: i32): i32 { return load<i32>(table + (<usize>(k * pad + i) << 2)); }
@inline function tapW(table: usize, pad: i32, k: i32, i: i32): f32 { return load<f32>(table + (<usize>(k * pad + i) << 2)); }

export function interpolate_f32_ref(out: usize, input: usize, scratch: usize, scaleD: f64, scaleH: f64, scaleW: f64, desc: usize): void {
  const d = changetype<InterpolateDesc>(desc);
  const t = layoutTables(scratch, d);
  fillTables(t, d, scaleD, scaleH, scaleW);
  const copy = t.tapsW == 1;
  let o = out;
  for (let p = 0; p < d.planes; p++) {
    const src = input + (<usize>p * d.inD * d.inH * d.inW << 2);
    for (let z = 0; z < d.outD; z++) {
      for (let y = 0; y < d.outH; y++) {
        for (let x = 0; x < d.outW; x++) {
          let vz: f32 = 0;
          for (let j = 0; j < t.tapsD; j++) {
            let vy: f32 = 0;
            for (let k = 0; k < t.tapsH; k++) {
              const row = src + (<usize>(tapIdx(t.idxD, t.outDp, j, z) * d.inH + tapIdx(t.idxH, t.outHp, k, y)) * d.inW << 2);
              let vx: f32 = 0;
              for (let l = 0; l < t.tapsW; l++) {
                const v = load<f32>(row + (<usize>tapIdx(t.idxW, t.outWp, l, x) << 2));
                if (copy) vx = v;
                else vx = l == 0 ? v * tapW(t.wW, t.outWp, l, x) : vx + v * tapW(t.wW, t.outWp, l, x);
              }
              if (copy) vy = vx;
              else if (t.tapsH == 1) vy = vx;
              else vy = k == 0 ? vx * tapW(t.wH, t.outHp, k, y) : vy + vx * tapW(t.wH, t.outHp, k, y);
            }
            if (copy || t.tapsD == 1) vz = vy;
            else vz = j == 0 ? vy * tapW(t.wD, t.outDp, j, z) : vz + vy * tapW(t.wD, t.outDp, j, z);
          }
          store<f32>(o, vz);
          o += 4;
        }
      }
    }
  }
}
