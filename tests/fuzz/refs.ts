// Plain float64 references for the fuzzer, one element at a time from the definitions
// (convolution comes from tests/helpers/conv-reference.ts, activations from
// tests/helpers/activation-ref.ts). Values are given row-major for the logical shape.

export const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Row-major iteration over every index of `shape`. */
export function* indicesOf(shape: readonly number[]): Generator<number[]> {
  if (shape.some((s) => s === 0)) return;
  const idx = new Array<number>(shape.length).fill(0);
  for (;;) {
    yield idx.slice();
    let d = shape.length - 1;
    while (d >= 0 && ++idx[d] === shape[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

export const flatIndex = (idx: readonly number[], shape: readonly number[]) => idx.reduce((acc, v, d) => acc * shape[d] + v, 0);

/** PyTorch's pooling output size, ceil mode included. */
export function poolOutSize(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let o = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

export interface PoolGeometry {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  ceil: boolean;
}

/** Max pooling as PyTorch's CPU loop: taps in row-major order, a greater value or a NaN replaces. */
export function refMaxPool(x: readonly number[], planes: number, spatial: number[], g: PoolGeometry): { out: number[]; idx: number[]; shape: number[] } {
  const os = spatial.map((n, i) => poolOutSize(n, g.k[i], g.s[i], g.p[i], g.d[i], g.ceil));
  const inPlane = prod(spatial);
  const out: number[] = [];
  const idx: number[] = [];
  for (let pl = 0; pl < planes; pl++) {
    for (const oi of indicesOf(os)) {
      const start = oi.map((v, i) => v * g.s[i] - g.p[i]);
      const first = start.map((st, i) => (st >= 0 ? st : st + Math.ceil(-st / g.d[i]) * g.d[i]));
      let best = -Infinity;
      let at = flatIndex(first, spatial);
      for (const ki of indicesOf(g.k)) {
        const pos = start.map((st, i) => st + ki[i] * g.d[i]);
        if (pos.some((v, i) => v < 0 || v >= spatial[i])) continue;
        const v = x[pl * inPlane + flatIndex(pos, spatial)];
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = flatIndex(pos, spatial);
        }
      }
      out.push(best);
      idx.push(at);
    }
  }
  return { out, idx, shape: os };
}

/** Average pooling with PyTorch's divisor rules, and the sum of |terms| / |divisor| per output. */
export function refAvgPool(
  x: readonly number[], planes: number, spatial: number[], g: PoolGeometry, includePad: boolean, divisor: number,
): { out: number[]; mag: number[]; shape: number[] } {
  const os = spatial.map((n, i) => poolOutSize(n, g.k[i], g.s[i], g.p[i], 1, g.ceil));
  const inPlane = prod(spatial);
  const out: number[] = [];
  const mag: number[] = [];
  for (let pl = 0; pl < planes; pl++) {
    for (const oi of indicesOf(os)) {
      let lo = oi.map((v, i) => v * g.s[i] - g.p[i]);
      let hi = lo.map((v, i) => Math.min(v + g.k[i], spatial[i] + g.p[i]));
      const padded = prod(hi.map((h, i) => h - lo[i]));
      lo = lo.map((v) => Math.max(v, 0));
      hi = hi.map((v, i) => Math.min(v, spatial[i]));
      const inside = prod(hi.map((h, i) => h - lo[i]));
      let sum = 0;
      let m = 0;
      for (const ki of indicesOf(hi.map((h, i) => h - lo[i]))) {
        const v = x[pl * inPlane + flatIndex(ki.map((v2, i) => v2 + lo[i]), spatial)];
        sum += v;
        m += Math.abs(v);
      }
      const div = divisor !== 0 ? divisor : includePad ? padded : inside;
      out.push(sum / div);
      mag.push(m / Math.abs(div));
    }
  }
  return { out, mag, shape: os };
}

/** Adaptive windows: start floor(i L / O), end ceil((i + 1) L / O). */
export function refAdaptive(x: readonly number[], planes: number, spatial: number[], os: number[], kind: "avg" | "max"): { out: number[]; idx: number[]; mag: number[] } {
  const inPlane = prod(spatial);
  const out: number[] = [];
  const idx: number[] = [];
  const mag: number[] = [];
  for (let pl = 0; pl < planes; pl++) {
    for (const oi of indicesOf(os)) {
      const lo = oi.map((o, i) => Math.floor((o * spatial[i]) / os[i]));
      const hi = oi.map((o, i) => Math.ceil(((o + 1) * spatial[i]) / os[i]));
      let best = -Infinity;
      let at = flatIndex(lo, spatial);
      let sum = 0;
      let m = 0;
      let n = 0;
      for (const ki of indicesOf(hi.map((h, i) => h - lo[i]))) {
        const pos = ki.map((v, i) => v + lo[i]);
        const v = x[pl * inPlane + flatIndex(pos, spatial)];
        sum += v;
        m += Math.abs(v);
        n++;
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = flatIndex(pos, spatial);
        }
      }
      out.push(kind === "avg" ? sum / n : best);
      idx.push(at);
      mag.push(m / n);
    }
  }
  return { out, idx, mag };
}

/** y = x W^T + b over the last dimension, with the sum of |terms|. */
export function refLinear(x: readonly number[], rows: number, K: number, w: readonly number[], N: number, b: readonly number[] | null): { out: number[]; mag: number[] } {
  const out: number[] = [];
  const mag: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let n = 0; n < N; n++) {
      let s = b ? b[n] : 0;
      let m = b ? Math.abs(b[n]) : 0;
      for (let k = 0; k < K; k++) {
        const term = x[r * K + k] * w[n * K + k];
        s += term;
        m += Math.abs(term);
      }
      out.push(s);
      mag.push(m);
    }
  }
  return { out, mag };
}

/** y[k] = (x1^T A[k]) x2 + b[k], in that order (0 x Inf terms then give what the factored product gives). */
export function refBilinear(
  x1: readonly number[], x2: readonly number[], rows: number, I: number, J: number, w: readonly number[], O: number, b: readonly number[] | null,
): { out: number[]; mag: number[] } {
  const out: number[] = [];
  const mag: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < O; o++) {
      let s = b ? b[o] : 0;
      let m = b ? Math.abs(b[o]) : 0;
      for (let j = 0; j < J; j++) {
        let u = 0;
        let um = 0;
        for (let i = 0; i < I; i++) {
          u += x1[r * I + i] * w[(o * I + i) * J + j];
          um += Math.abs(x1[r * I + i] * w[(o * I + i) * J + j]);
        }
        s += u * x2[r * J + j];
        m += um * Math.abs(x2[r * J + j]);
      }
      out.push(s);
      mag.push(m);
    }
  }
  return { out, mag };
}

/** Applies `fn` to every line along `dim` (row-major values of `shape`). */
export function alongDim(x: readonly number[], shape: number[], dim: number, fn: (line: number[]) => number[]): number[] {
  const out = new Array<number>(x.length);
  const inner = prod(shape.slice(dim + 1));
  const size = shape[dim];
  const outer = prod(shape.slice(0, dim));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const line: number[] = [];
      for (let k = 0; k < size; k++) line.push(x[(o * size + k) * inner + i]);
      const res = fn(line);
      for (let k = 0; k < size; k++) out[(o * size + k) * inner + i] = res[k];
    }
  }
  return out;
}

/** The values of a strided view: shape, strides and offset over row-major `x`. */
export function gather(x: readonly number[], shape: number[], strides: number[], offset: number): number[] {
  const out: number[] = [];
  for (const idx of indicesOf(shape)) out.push(x[offset + idx.reduce((a, v, d) => a + v * strides[d], 0)]);
  return out;
}

export const contiguousStrides = (shape: readonly number[]) => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
};
