// Scalar twins of assembly/pool.ts and assembly/unpool.ts: PyTorch's CPU loops written
// out one output and one tap at a time, obviously correct and slow. Same layouts and
// arguments as the kernels (no scratch).

import { PoolDesc } from "../abi";

@inline
function ld(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

@inline
function st(p: usize, i: i32, v: f32): void {
  store<f32>(p + (<usize>i << 2), v);
}

/** First tap at or after 0 of a window starting at `start` with spacing `step`. */
function firstTap(start: i32, step: i32): i32 {
  let t = start;
  while (t < 0) t += step;
  return t;
}

/** Window size along one dimension for the divisor, as PyTorch's avg_pool. */
function count(o: i32, s: i32, k: i32, pad: i32, n: i32, includePad: bool): i32 {
  const start = o * s - pad;
  const end = min(start + k, n + pad);
  return includePad ? end - start : min(end, n) - max(start, 0);
}

const MAX = 0;
const AVG = 1;
const LP = 2;

/**
 * Max pooling (MAX), average (AVG) or PyTorch's lp_pool (LP: padding 0) over every
 * window's taps in PyTorch's order; indices may be 0 (values only).
 */
function windowPool_ref(out: usize, indices: usize, input: usize, d: PoolDesc, mode: i32): void {
  const iD = d.inD, iH = d.inH, iW = d.inW;
  const plane = iD * iH * iW;
  const lp = mode == LP;
  const includePad = d.countIncludePad != 0 || lp;
  const divisorOverride = lp ? 0 : d.divisorOverride;
  const norm = d.normType;
  let o = 0;
  for (let p = 0; p < d.planes; p++) {
    const src = input + (<usize>(p * plane) << 2);
    for (let od = 0; od < d.outD; od++) {
      for (let oh = 0; oh < d.outH; oh++) {
        for (let ow = 0; ow < d.outW; ow++) {
          const d0 = od * d.strideD - d.padD;
          const h0 = oh * d.strideH - d.padH;
          const w0 = ow * d.strideW - d.padW;
          let best: f32 = -Infinity;
          let bestAt = (firstTap(d0, d.dilationD) * iH + firstTap(h0, d.dilationH)) * iW + firstTap(w0, d.dilationW);
          let sum: f64 = 0;
          for (let kd = 0; kd < d.kernelD; kd++) {
            const id = d0 + kd * d.dilationD;
            if (id < 0 || id >= iD) continue;
            for (let kh = 0; kh < d.kernelH; kh++) {
              const ih = h0 + kh * d.dilationH;
              if (ih < 0 || ih >= iH) continue;
              for (let kw = 0; kw < d.kernelW; kw++) {
                const iw = w0 + kw * d.dilationW;
                if (iw < 0 || iw >= iW) continue;
                const at = (id * iH + ih) * iW + iw;
                const v = ld(src, at);
                sum += lp ? Math.pow(<f64>v, <f64>norm) : <f64>v;
                if (v > best || isNaN(v)) {
                  best = v;
                  bestAt = at;
                }
              }
            }
          }
          if (mode == MAX) {
            st(out, o, best);
            if (indices != 0) store<i32>(indices + (<usize>o << 2), bestAt);
          } else {
            const divisor = divisorOverride != 0
              ? divisorOverride
              : count(od, d.strideD, d.kernelD, d.padD, iD, includePad) * count(oh, d.strideH, d.kernelH, d.padH, iH, includePad) *
                count(ow, d.strideW, d.kernelW, d.padW, iW, includePad);
            const avg = sum / <f64>divisor;
            st(out, o, lp ? <f32>Math.pow(avg * <f64>(d.kernelD * d.kernelH * d.kernelW), 1.0 / <f64>norm) : <f32>avg);
          }
          o++;
        }
      }
    }
  }
}

/** Max pooling with PyTorch's visiting order; indices may be 0 (values only). */
export function maxPool3d_ref(out: usize, indices: usize, input: usize, desc: usize): void {
  windowPool_ref(out, indices, input, changetype<PoolDesc>(desc), MAX);
}

/** Average pooling, as avgPool3d_f32. */
export function avgPool3d_ref(out: usize, input: usize, desc: usize): void {
  windowPool_ref(out, 0, input, changetype<PoolDesc>(desc), AVG);
}

/** PyTorch's lp_pool, as lpPool3d_f32. */
export function lpPool3d_ref(out: usize, input: usize, desc: usize): void {
  windowPool_ref(out, 0, input, changetype<PoolDesc>(desc), LP);
}

/** Adaptive average (isMax false) or max pooling; indices may be 0. desc as the kernels: planes, in and out sizes. */
export function adaptivePool3d_ref(out: usize, indices: usize, input: usize, desc: usize, isMax: bool): void {
  const d = changetype<PoolDesc>(desc);
  const iD = d.inD, iH = d.inH, iW = d.inW, oD = d.outD, oH = d.outH, oW = d.outW;
  const plane = iD * iH * iW;
  let o = 0;
  for (let p = 0; p < d.planes; p++) {
    const src = input + (<usize>(p * plane) << 2);
    for (let od = 0; od < oD; od++) {
      const d0 = (od * iD) / oD;
      const d1 = ((od + 1) * iD + oD - 1) / oD;
      for (let oh = 0; oh < oH; oh++) {
        const h0 = (oh * iH) / oH;
        const h1 = ((oh + 1) * iH + oH - 1) / oH;
        for (let ow = 0; ow < oW; ow++) {
          const w0 = (ow * iW) / oW;
          const w1 = ((ow + 1) * iW + oW - 1) / oW;
          let best: f32 = -Infinity;
          let bestAt = (d0 * iH + h0) * iW + w0;
          let sum: f64 = 0;
          for (let id = d0; id < d1; id++) {
            for (let ih = h0; ih < h1; ih++) {
              for (let iw = w0; iw < w1; iw++) {
                const at = (id * iH + ih) * iW + iw;
                const v = ld(src, at);
                sum += v;
                if (v > best || isNaN(v)) {
                  best = v;
                  bestAt = at;
                }
              }
            }
          }
          st(out, o, isMax ? best : <f32>(sum / <f64>((d1 - d0) * (h1 - h0) * (w1 - w0))));
          if (indices != 0) store<i32>(indices + (<usize>o << 2), bestAt);
          o++;
        }
      }
    }
  }
}

/** Unpooling: -1, or the first position of an index outside [0, outPlane) (then nothing is written). */
export function maxUnpool3d_ref(out: usize, input: usize, indices: usize, planes: i32, inPlane: i32, outPlane: i32): i32 {
  for (let i = 0; i < planes * inPlane; i++) {
    const at = load<i32>(indices + (<usize>i << 2));
    if (at < 0 || at >= outPlane) return i;
  }
  for (let i = 0; i < planes * outPlane; i++) st(out, i, 0);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < inPlane; i++) {
      const at = load<i32>(indices + (<usize>(p * inPlane + i) << 2));
      st(out, p * outPlane + at, ld(input, p * inPlane + i));
    }
  }
  return -1;
}
