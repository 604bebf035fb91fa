// Scalar twins of assembly/pool.ts and assembly/unpool.ts: PyTorch's CPU loops written
// out one output and one tap at a time, obviously correct and slow. Same layouts and
// arguments as the kernels (no scratch).

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

/** Max pooling with PyTorch's visiting order; indices may be 0 (values only). */
export function maxPool3d_ref(
  out: usize, indices: usize, input: usize, planes: i32,
  iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32,
  kD: i32, kH: i32, kW: i32, sD: i32, sH: i32, sW: i32,
  pD: i32, pH: i32, pW: i32, dD: i32, dH: i32, dW: i32,
): void {
  const plane = iD * iH * iW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const src = input + (<usize>(p * plane) << 2);
    for (let od = 0; od < oD; od++) {
      for (let oh = 0; oh < oH; oh++) {
        for (let ow = 0; ow < oW; ow++) {
          const d0 = od * sD - pD;
          const h0 = oh * sH - pH;
          const w0 = ow * sW - pW;
          let best: f32 = -Infinity;
          let bestAt = (firstTap(d0, dD) * iH + firstTap(h0, dH)) * iW + firstTap(w0, dW);
          for (let kd = 0; kd < kD; kd++) {
            const id = d0 + kd * dD;
            if (id < 0 || id >= iD) continue;
            for (let kh = 0; kh < kH; kh++) {
              const ih = h0 + kh * dH;
              if (ih < 0 || ih >= iH) continue;
              for (let kw = 0; kw < kW; kw++) {
                const iw = w0 + kw * dW;
                if (iw < 0 || iw >= iW) continue;
                const at = (id * iH + ih) * iW + iw;
                const v = ld(src, at);
                if (v > best || isNaN(v)) {
                  best = v;
                  bestAt = at;
                }
              }
            }
          }
          st(out, o, best);
          if (indices != 0) store<i32>(indices + (<usize>o << 2), bestAt);
          o++;
        }
      }
    }
  }
}

/** Window size along one dimension for the divisor, as PyTorch's avg_pool. */
function count(o: i32, s: i32, k: i32, pad: i32, n: i32, includePad: bool): i32 {
  const start = o * s - pad;
  const end = min(start + k, n + pad);
  return includePad ? end - start : min(end, n) - max(start, 0);
}

/** Average pooling (lp = false) or PyTorch's lp_pool (lp = true, padding 0). */
export function avgPool3d_ref(
  out: usize, input: usize, planes: i32,
  iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32,
  kD: i32, kH: i32, kW: i32, sD: i32, sH: i32, sW: i32,
  pD: i32, pH: i32, pW: i32, countIncludePad: i32, divisorOverride: i32,
  lp: bool, norm: f32,
): void {
  const plane = iD * iH * iW;
  const includePad = countIncludePad != 0 || lp;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const src = input + (<usize>(p * plane) << 2);
    for (let od = 0; od < oD; od++) {
      for (let oh = 0; oh < oH; oh++) {
        for (let ow = 0; ow < oW; ow++) {
          let sum: f64 = 0;
          for (let kd = 0; kd < kD; kd++) {
            const id = od * sD - pD + kd;
            if (id < 0 || id >= iD) continue;
            for (let kh = 0; kh < kH; kh++) {
              const ih = oh * sH - pH + kh;
              if (ih < 0 || ih >= iH) continue;
              for (let kw = 0; kw < kW; kw++) {
                const iw = ow * sW - pW + kw;
                if (iw < 0 || iw >= iW) continue;
                const v = <f64>ld(src, (id * iH + ih) * iW + iw);
                sum += lp ? Math.pow(v, <f64>norm) : v;
              }
            }
          }
          const divisor = divisorOverride != 0
            ? divisorOverride
            : count(od, sD, kD, pD, iD, includePad) * count(oh, sH, kH, pH, iH, includePad) * count(ow, sW, kW, pW, iW, includePad);
          const avg = sum / <f64>divisor;
          st(out, o++, lp ? <f32>Math.pow(avg * <f64>(kD * kH * kW), 1.0 / <f64>norm) : <f32>avg);
        }
      }
    }
  }
}

/** Adaptive average (isMax false) or max pooling; indices may be 0. */
export function adaptivePool3d_ref(out: usize, indices: usize, input: usize, planes: i32, iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32, isMax: bool): void {
  const plane = iD * iH * iW;
  let o = 0;
  for (let p = 0; p < planes; p++) {
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
          for (let d = d0; d < d1; d++) {
            for (let h = h0; h < h1; h++) {
              for (let w = w0; w < w1; w++) {
                const at = (d * iH + h) * iW + w;
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
