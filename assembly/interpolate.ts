// Interpolation (torch.nn.functional.interpolate): nearest, nearest-exact, linear over one
// to three axes (linear, bilinear, trilinear) and bicubic, as PyTorch 1.13's CPU kernels
// compute them. "area" is adaptive average pooling and runs pool_adaptive.ts.
//
// Layout: `planes` = N*C contiguous planes of inD x inH x inW in, outD x outH x outW out;
// axes that the call does not have (dims < 3) have size 1 and one tap of weight 1.
//
// Separable: every output element is sum_j wD[j] * sum_k wH[k] * sum_l wW[l] * x[d_j, h_k, w_l]
// with 1 (nearest), 2 (linear) or 4 (cubic) taps per axis and the sums nested in that
// order, as PyTorch nests them. So each source row is first interpolated along W once
// (`hrow`, into a small cache of rows keyed by source row) and the cached rows are then
// blended along H and D four outputs at a time. Taps of weight 0 are still multiplied,
// as in PyTorch: 0 * Inf makes a NaN there too.
//
// `hrow` is SIMD along the output row: for each group of four outputs whose taps all lie
// within four consecutive inputs (any upsampling by 1.5 or more), one v128 load of those
// inputs and one i8x16.swizzle per tap put each output's source in its lane; groups that
// spread wider fall back to scalar loads. Indices, weights and swizzle masks are
// computed once per call (interpolate_tables.ts), in f64 like PyTorch's double kernels.

import { InterpolateDesc, INTERP_LINEAR, INTERP_CUBIC } from "./abi";
import { copyF32 } from "./buffers";
import { Tables, layoutTables, fillTables, tablesBytes } from "./interpolate_tables";

/** Scratch bytes interpolate_f32 needs for the call `desc` (an InterpolateDesc) describes. */
export function interpolateScratchBytes(desc: usize): i32 {
  return tablesBytes(changetype<InterpolateDesc>(desc));
}

/**
 * out = interpolate(input) for every plane. scaleD/H/W are the user's scale factors
 * (0 when the output size was given or recomputed), as PyTorch passes them to its kernels.
 * REQUIRES: scratch holds interpolateScratchBytes(desc) bytes; the mode suits `dims`.
 */
export function interpolate_f32(out: usize, input: usize, scratch: usize, scaleD: f64, scaleH: f64, scaleW: f64, desc: usize): void {
  const d = changetype<InterpolateDesc>(desc);
  const t = layoutTables(scratch, d);
  fillTables(t, d, scaleD, scaleH, scaleW);
  if (d.mode == INTERP_LINEAR || d.mode == INTERP_CUBIC) separable(out, input, t, d);
  else nearest(out, input, t, d);
}

// ---------------------------------------------------------------- one row along W

@inline function tap(v: v128, mask: usize, w: usize): v128 {
  return f32x4.mul(i8x16.swizzle(v, v128.load(mask)), v128.load(w));
}

/** Output x of the row (scalar): the taps in PyTorch's order. */
@inline function hpoint(row: usize, t: Tables, x: i32): f32 {
  const q = <usize>x << 2;
  const step = <usize>t.outWp << 2;
  if (t.tapsW == 1) return load<f32>(row + (<usize>load<i32>(t.idxW + q) << 2));
  let acc = load<f32>(row + (<usize>load<i32>(t.idxW + q) << 2)) * load<f32>(t.wW + q);
  for (let k = 1; k < t.tapsW; k++) {
    const o = q + <usize>k * step;
    acc += load<f32>(row + (<usize>load<i32>(t.idxW + o) << 2)) * load<f32>(t.wW + o);
  }
  return acc;
}

/** dst[0, outW) = the source row interpolated along W (a copy of one tap for nearest). */
function hrow(dst: usize, row: usize, t: Tables): void {
  const groups = t.outW >> 2;
  const step = <usize>t.outWp << 2;
  const mstep = <usize>t.groups << 4;
  const taps = t.tapsW;
  for (let g = 0; g < groups; g++) {
    const base = load<i32>(t.baseW + (<usize>g << 2));
    const q = <usize>g << 4;
    if (base < 0) {
      for (let x = g << 2; x < (g << 2) + 4; x++) store<f32>(dst + (<usize>x << 2), hpoint(row, t, x));
      continue;
    }
    const v = v128.load(row + (<usize>base << 2));
    const m = t.masks + q;
    const w = t.wW + q;
    let acc: v128;
    if (taps == 1) {
      acc = i8x16.swizzle(v, v128.load(m));
    } else if (taps == 2) {
      acc = f32x4.add(tap(v, m, w), tap(v, m + mstep, w + step));
    } else {
      acc = f32x4.add(tap(v, m, w), tap(v, m + mstep, w + step));
      acc = f32x4.add(acc, tap(v, m + 2 * mstep, w + 2 * step));
      acc = f32x4.add(acc, tap(v, m + 3 * mstep, w + 3 * step));
    }
    v128.store(dst + q, acc);
  }
  for (let x = groups << 2; x < t.outW; x++) store<f32>(dst + (<usize>x << 2), hpoint(row, t, x));
}

// ---------------------------------------------------------------- nearest

/** Nearest modes: each output row is a gather of one source row, or a copy of the row above when both read the same source row. */
function nearest(out: usize, input: usize, t: Tables, d: InterpolateDesc): void {
  const inPlane = <usize>d.inD * d.inH * d.inW << 2;
  const rowBytes = <usize>d.outW << 2;
  let o = out;
  for (let p = 0; p < d.planes; p++) {
    const src = input + <usize>p * inPlane;
    for (let z = 0; z < d.outD; z++) {
      const zs = load<i32>(t.idxD + (<usize>z << 2));
      let last = -1;
      for (let y = 0; y < d.outH; y++) {
        const r = zs * d.inH + load<i32>(t.idxH + (<usize>y << 2));
        if (r == last) copyF32(o, o - rowBytes, d.outW);
        else hrow(o, src + (<usize>r * d.inW << 2), t);
        last = r;
        o += rowBytes;
      }
    }
  }
}

// ---------------------------------------------------------------- linear and cubic

/** The cached row for source row (zs, ys), interpolating it along W first if the slot holds another. */
@inline function cached(src: usize, t: Tables, zs: i32, ys: i32, inH: i32, inW: i32): usize {
  const slot = (zs % t.tapsD) * t.tapsH + ys % t.tapsH;
  const tag = t.tags + (<usize>slot << 2);
  const r = zs * inH + ys;
  const row = t.cache + (<usize>slot * t.outWp << 2);
  if (load<i32>(tag) != r) {
    hrow(row, src + (<usize>r * inW << 2), t);
    store<i32>(tag, r);
  }
  return row;
}

@inline function idxAt(table: usize, pad: i32, k: i32, i: i32): i32 {
  return load<i32>(table + (<usize>(k * pad + i) << 2));
}

@inline function wAt(table: usize, pad: i32, k: i32, i: i32): f32 {
  return load<f32>(table + (<usize>(k * pad + i) << 2));
}

/** Linear (1 to 3 axes) and bicubic: W through the row cache, then H and D four outputs at a time. */
function separable(out: usize, input: usize, t: Tables, d: InterpolateDesc): void {
  const inPlane = <usize>d.inD * d.inH * d.inW << 2;
  const rowBytes = <usize>d.outW << 2;
  const nSlots = t.tapsD * t.tapsH;
  const direct = nSlots == 1;
  let o = out;
  for (let p = 0; p < d.planes; p++) {
    const src = input + <usize>p * inPlane;
    for (let s = 0; s < nSlots; s++) store<i32>(t.tags + (<usize>s << 2), -1);
    for (let z = 0; z < d.outD; z++) {
      for (let y = 0; y < d.outH; y++) {
        if (direct) {
          hrow(o, src + (<usize>(idxAt(t.idxD, t.outDp, 0, z) * d.inH + idxAt(t.idxH, t.outHp, 0, y)) * d.inW << 2), t);
        } else if (t.tapsD == 1) {
          const zs = idxAt(t.idxD, t.outDp, 0, z);
          if (t.tapsH == 2) {
            const r0 = cached(src, t, zs, idxAt(t.idxH, t.outHp, 0, y), d.inH, d.inW);
            const r1 = cached(src, t, zs, idxAt(t.idxH, t.outHp, 1, y), d.inH, d.inW);
            blend2(o, r0, r1, wAt(t.wH, t.outHp, 0, y), wAt(t.wH, t.outHp, 1, y), d.outW);
          } else {
            const r0 = cached(src, t, zs, idxAt(t.idxH, t.outHp, 0, y), d.inH, d.inW);
            const r1 = cached(src, t, zs, idxAt(t.idxH, t.outHp, 1, y), d.inH, d.inW);
            const r2 = cached(src, t, zs, idxAt(t.idxH, t.outHp, 2, y), d.inH, d.inW);
            const r3 = cached(src, t, zs, idxAt(t.idxH, t.outHp, 3, y), d.inH, d.inW);
            blend4(o, r0, r1, r2, r3, t.wH + (<usize>y << 2), <usize>t.outHp << 2, d.outW);
          }
        } else {
          const z0 = idxAt(t.idxD, t.outDp, 0, z);
          const z1 = idxAt(t.idxD, t.outDp, 1, z);
          const y0 = idxAt(t.idxH, t.outHp, 0, y);
          const y1 = idxAt(t.idxH, t.outHp, 1, y);
          const r00 = cached(src, t, z0, y0, d.inH, d.inW);
          const r01 = cached(src, t, z0, y1, d.inH, d.inW);
          const r10 = cached(src, t, z1, y0, d.inH, d.inW);
          const r11 = cached(src, t, z1, y1, d.inH, d.inW);
          blend2x2(o, r00, r01, r10, r11, wAt(t.wH, t.outHp, 0, y), wAt(t.wH, t.outHp, 1, y),
            wAt(t.wD, t.outDp, 0, z), wAt(t.wD, t.outDp, 1, z), d.outW);
        }
        o += rowBytes;
      }
    }
  }
}

/** o = r0 * w0 + r1 * w1. */
function blend2(o: usize, r0: usize, r1: usize, w0: f32, w1: f32, n: i32): void {
  const v0 = f32x4.splat(w0), v1 = f32x4.splat(w1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = <usize>i << 2;
    v128.store(o + q, f32x4.add(f32x4.mul(v128.load(r0 + q), v0), f32x4.mul(v128.load(r1 + q), v1)));
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    store<f32>(o + q, load<f32>(r0 + q) * w0 + load<f32>(r1 + q) * w1);
  }
}

/** o = ((r0 * w0 + r1 * w1) + r2 * w2) + r3 * w3, the weights at w, w + step, ... */
function blend4(o: usize, r0: usize, r1: usize, r2: usize, r3: usize, w: usize, step: usize, n: i32): void {
  const w0 = load<f32>(w), w1 = load<f32>(w + step), w2 = load<f32>(w + 2 * step), w3 = load<f32>(w + 3 * step);
  const v0 = f32x4.splat(w0), v1 = f32x4.splat(w1), v2 = f32x4.splat(w2), v3 = f32x4.splat(w3);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = <usize>i << 2;
    let acc = f32x4.add(f32x4.mul(v128.load(r0 + q), v0), f32x4.mul(v128.load(r1 + q), v1));
    acc = f32x4.add(acc, f32x4.mul(v128.load(r2 + q), v2));
    v128.store(o + q, f32x4.add(acc, f32x4.mul(v128.load(r3 + q), v3)));
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    store<f32>(o + q, ((load<f32>(r0 + q) * w0 + load<f32>(r1 + q) * w1) + load<f32>(r2 + q) * w2) + load<f32>(r3 + q) * w3);
  }
}

/** o = (r00 * h0 + r01 * h1) * d0 + (r10 * h0 + r11 * h1) * d1 (trilinear). */
function blend2x2(o: usize, r00: usize, r01: usize, r10: usize, r11: usize, h0: f32, h1: f32, d0: f32, d1: f32, n: i32): void {
  const vh0 = f32x4.splat(h0), vh1 = f32x4.splat(h1), vd0 = f32x4.splat(d0), vd1 = f32x4.splat(d1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const q = <usize>i << 2;
    const a = f32x4.add(f32x4.mul(v128.load(r00 + q), vh0), f32x4.mul(v128.load(r01 + q), vh1));
    const b = f32x4.add(f32x4.mul(v128.load(r10 + q), vh0), f32x4.mul(v128.load(r11 + q), vh1));
    v128.store(o + q, f32x4.add(f32x4.mul(a, vd0), f32x4.mul(b, vd1)));
  }
  for (; i < n; i++) {
    const q = <usize>i << 2;
    const a = load<f32>(r00 + q) * h0 + load<f32>(r01 + q) * h1;
    const b = load<f32>(r10 + q) * h0 + load<f32>(r11 + q) * h1;
    store<f32>(o + q, a * d0 + b * d1);
  }
}
