// Plain JS helpers: layout changes, an obviously-correct float64 reference of every op
// (the arbiter when wasm-nn cannot run a case, e.g. to tell which peer is wrong), and
// the check that two engines agree.

/** Copies `data` of `shape` into the layout given by `perm` (out dim i = in dim perm[i]). */
export function permute(data, shape, perm) {
  const nd = shape.length;
  const inStrides = new Array(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d];
  }
  const outShape = perm.map((p) => shape[p]);
  const strides = perm.map((p) => inStrides[p]);
  const out = new data.constructor(data.length);
  const idx = new Array(nd).fill(0);
  const last = nd - 1;
  const innerN = outShape[last];
  const innerS = strides[last];
  let o = 0;
  // Walk the output in order; the innermost dimension is a strided run of the input.
  while (o < out.length) {
    let src = 0;
    for (let d = 0; d < last; d++) src += idx[d] * strides[d];
    for (let i = 0; i < innerN; i++) out[o++] = data[src + i * innerS];
    for (let d = last - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Channels-first [N, C, ...] to channels-last [N, ..., C] and back. */
export const toChannelsLast = (data, shape) =>
  permute(data, shape, [0, ...shape.slice(2).map((_, i) => i + 2), 1]);
export const toChannelsFirst = (data, lastShape) =>
  permute(data, lastShape, [0, lastShape.length - 1, ...lastShape.slice(1, -1).map((_, i) => i + 1)]);

/**
 * 2-D max-pool of an NCHW tensor starting from -Infinity, padding never selected, ties
 * to the first position; indices are flat positions within each input plane (PyTorch's).
 */
export function maxPoolReference(x, shape, k, stride, pad) {
  const [n, c, h, w] = shape;
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - k) / stride) + 1;
  const values = new Float32Array(n * c * oh * ow);
  const indices = new Int32Array(values.length);
  let o = 0;
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = -Infinity;
        let at = -1;
        for (let ky = 0; ky < k; ky++) {
          const y = oy * stride - pad + ky;
          if (y < 0 || y >= h) continue;
          for (let kx = 0; kx < k; kx++) {
            const xx = ox * stride - pad + kx;
            if (xx < 0 || xx >= w) continue;
            const v = x[base + y * w + xx];
            if (v > best || at < 0) {
              best = v;
              at = y * w + xx;
            }
          }
        }
        values[o] = best;
        indices[o++] = at;
      }
    }
  }
  return { values, indices };
}

/**
 * Compares `got` to `want`: |got - want| <= rtol * max|want| + atol everywhere (a scale
 * suited to sums of products, whose rounding error grows with the output's magnitude),
 * and exact equality of integer outputs (pooling indices). Returns null when they agree,
 * else a one-line description of the worst difference.
 */
export function disagreement(got, want, { rtol = 1e-3, atol = 1e-6 } = {}) {
  if (got.values.length !== want.values.length) {
    return `output has ${got.values.length} values, expected ${want.values.length}`;
  }
  let scale = 0;
  for (const v of want.values) scale = Math.max(scale, Math.abs(v));
  const tol = rtol * scale + atol;
  let worst = 0;
  let at = -1;
  let nonFinite = -1;
  for (let i = 0; i < want.values.length; i++) {
    const g = got.values[i];
    const e = want.values[i];
    if (Number.isNaN(g) !== Number.isNaN(e) || (!Number.isFinite(e) && g !== e && !Number.isNaN(e))) {
      nonFinite = i;
      break;
    }
    const d = Math.abs(g - e);
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  if (nonFinite >= 0) return `value ${got.values[nonFinite]} at ${nonFinite}, expected ${want.values[nonFinite]}`;
  if (worst > tol) {
    return `max |diff| ${worst.toPrecision(3)} > tol ${tol.toPrecision(3)} (at ${at}: ${got.values[at]} vs ${want.values[at]})`;
  }
  if (want.indices) {
    if (!got.indices) return "no indices output";
    let wrong = 0;
    let first = -1;
    for (let i = 0; i < want.indices.length; i++) {
      if (got.indices[i] !== want.indices[i]) {
        wrong++;
        if (first < 0) first = i;
      }
    }
    if (wrong > 0) {
      return `${wrong} of ${want.indices.length} indices differ (first at ${first}: ${got.indices[first]} vs ${want.indices[first]})`;
    }
  }
  return null;
}

const prod = (a) => a.reduce((p, v) => p * v, 1);

// Pads a channels-first shape to three spatial dims: [N, C, D, H, W].
const as3d = (shape) => [shape[0], shape[1], ...new Array(5 - shape.length).fill(1), ...shape.slice(2)];

/** Convolution of any rank 1-3, cross-correlation as in PyTorch, symmetric zero padding. */
function convReference(c, d) {
  const [n, cin, id, ih, iw] = as3d(c.x);
  const [, cout, od, oh, ow] = as3d(c.outShape);
  const rank = c.x.length - 2;
  const [kd, kh, kw] = [rank >= 3 ? c.k : 1, rank >= 2 ? c.k : 1, c.k];
  const [pd, ph, pw] = [rank >= 3 ? c.pad : 0, rank >= 2 ? c.pad : 0, c.pad];
  const s = c.stride;
  const [sd, sh] = [rank >= 3 ? s : 1, rank >= 2 ? s : 1];
  const cinG = cin / c.groups;
  const coutG = cout / c.groups;
  const out = new Float32Array(prod(c.outShape));
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < cout; oc++) {
      const g = Math.floor(oc / coutG);
      for (let z = 0; z < od; z++) {
        for (let y = 0; y < oh; y++) {
          for (let x = 0; x < ow; x++) {
            let acc = d.b[oc];
            for (let ic = 0; ic < cinG; ic++) {
              const plane = (b * cin + g * cinG + ic) * id;
              const wBase = (oc * cinG + ic) * kd;
              for (let a = 0; a < kd; a++) {
                const zz = z * sd - pd + a;
                if (zz < 0 || zz >= id) continue;
                for (let e = 0; e < kh; e++) {
                  const yy = y * sh - ph + e;
                  if (yy < 0 || yy >= ih) continue;
                  const row = ((plane + zz) * ih + yy) * iw;
                  const wRow = ((wBase + a) * kh + e) * kw;
                  for (let f = 0; f < kw; f++) {
                    const xx = x * s - pw + f;
                    if (xx >= 0 && xx < iw) acc += d.x[row + xx] * d.w[wRow + f];
                  }
                }
              }
            }
            out[o++] = acc;
          }
        }
      }
    }
  }
  return out;
}

/** Transposed convolution (2-D), written as the scatter it is defined by. */
function convTransposeReference(c, d) {
  const [n, cin, ih, iw] = c.x;
  const [, cout, oh, ow] = c.outShape;
  const { k, stride: s, pad: p } = c;
  const coutG = cout / c.groups;
  const cinG = cin / c.groups;
  const acc = new Float64Array(prod(c.outShape));
  for (let b = 0; b < n; b++) {
    for (let ic = 0; ic < cin; ic++) {
      const g = Math.floor(ic / cinG);
      for (let y = 0; y < ih; y++) {
        for (let x = 0; x < iw; x++) {
          const v = d.x[((b * cin + ic) * ih + y) * iw + x];
          for (let j = 0; j < coutG; j++) {
            const oc = g * coutG + j;
            for (let e = 0; e < k; e++) {
              const yy = y * s - p + e;
              if (yy < 0 || yy >= oh) continue;
              for (let f = 0; f < k; f++) {
                const xx = x * s - p + f;
                if (xx < 0 || xx >= ow) continue;
                acc[((b * cout + oc) * oh + yy) * ow + xx] += v * d.w[((ic * coutG + j) * k + e) * k + f];
              }
            }
          }
        }
      }
    }
  }
  const plane = oh * ow;
  for (let i = 0; i < acc.length; i++) acc[i] += d.b[Math.floor(i / plane) % cout];
  return Float32Array.from(acc);
}

/** a [m, k] times b [k, n] (b given as rows of length n), float64 accumulation. */
function matmulReference(a, b, m, k, n) {
  const out = new Float32Array(m * n);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p];
      const bRow = p * n;
      for (let j = 0; j < n; j++) row[j] += v * b[bRow + j];
    }
    out.set(row, i * n);
  }
  return out;
}

/** Average pool with count_include_pad semantics (padding counted in the divisor). */
function avgPoolReference(c, d) {
  const [n, ch, h, w] = c.x;
  const [, , oh, ow] = c.outShape;
  const { k, stride: s, pad: p } = c;
  const out = new Float32Array(prod(c.outShape));
  let o = 0;
  for (let plane = 0; plane < n * ch; plane++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const y0 = y * s - p;
        const x0 = x * s - p;
        const count = (Math.min(y0 + k, h + p) - y0) * (Math.min(x0 + k, w + p) - x0);
        let sum = 0;
        for (let yy = Math.max(y0, 0); yy < Math.min(y0 + k, h); yy++) {
          for (let xx = Math.max(x0, 0); xx < Math.min(x0 + k, w); xx++) sum += d.x[(plane * h + yy) * w + xx];
        }
        out[o++] = sum / count;
      }
    }
  }
  return out;
}

// erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): enough for a 1e-3 check.
function erf(x) {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

const UNARY = {
  relu: (v) => (v > 0 ? v : 0),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  gelu: (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
};

/** The expected output of a case, { values, indices? }, computed in plain JS. */
export function referenceOutput(c, d) {
  switch (c.op) {
    case "conv":
      return { values: convReference(c, d) };
    case "convTranspose":
      return { values: convTransposeReference(c, d) };
    case "linear": {
      const wT = permute(d.w, d.wShape, [1, 0]);
      const values = matmulReference(d.x, wT, c.x[0], c.x[1], c.outF);
      for (let i = 0; i < values.length; i++) values[i] += d.b[i % c.outF];
      return { values };
    }
    case "matmul":
      return { values: matmulReference(d.x, d.bMat, c.x[0], c.x[1], c.n) };
    case "maxPool": {
      const r = maxPoolReference(d.x, c.x, c.k, c.stride, c.pad);
      return c.indices ? r : { values: r.values };
    }
    case "avgPool":
      return { values: avgPoolReference(c, d) };
    case "unary":
      return { values: Float32Array.from(d.x, UNARY[c.fn]) };
    case "maxUnpool": {
      const values = new Float32Array(prod(c.outShape));
      const plane = c.outShape[2] * c.outShape[3];
      const pooledPlane = c.pooledShape[2] * c.pooledShape[3];
      for (let i = 0; i < d.pooled.length; i++) values[Math.floor(i / pooledPlane) * plane + d.indices[i]] = d.pooled[i];
      return { values };
    }
  }
  throw new Error(`no reference for ${c.op}`);
}
