// Plain float64 references of the normalisation layers, written from PyTorch's
// definitions (two-pass mean and variance in float64; running estimates with the unbiased
// variance). Data is [N, C, L] row-major (L = the product of the trailing sizes).

export interface NormRefResult {
  out: Float64Array;
  runningMean?: Float64Array;
  runningVar?: Float64Array;
}

function moments(values: number[]): [number, number] {
  const n = values.length;
  let s = 0;
  for (const v of values) s += v;
  const mean = s / n;
  let q = 0;
  for (const v of values) q += (v - mean) * (v - mean);
  return [mean, q / n];
}

const at = (a: ArrayLike<number> | null | undefined, i: number, fallback: number) => (a ? a[i] : fallback);

/** batch_norm on [N, C, L]: training (batch statistics, running estimates updated) or eval. */
export function batchNormRef(
  x: ArrayLike<number>, [N, C, L]: [number, number, number],
  o: { weight?: ArrayLike<number> | null; bias?: ArrayLike<number> | null; runningMean?: ArrayLike<number> | null; runningVar?: ArrayLike<number> | null; training: boolean; momentum: number; eps: number },
): NormRefResult {
  const out = new Float64Array(N * C * L);
  const rm = o.runningMean ? Float64Array.from(o.runningMean) : undefined;
  const rv = o.runningVar ? Float64Array.from(o.runningVar) : undefined;
  for (let c = 0; c < C; c++) {
    const vals: number[] = [];
    for (let n = 0; n < N; n++) for (let l = 0; l < L; l++) vals.push(x[(n * C + c) * L + l]);
    let mean: number;
    let variance: number;
    if (o.training) {
      [mean, variance] = moments(vals);
      const count = N * L;
      if (rm) rm[c] = (1 - o.momentum) * rm[c] + o.momentum * mean;
      if (rv) rv[c] = (1 - o.momentum) * rv[c] + o.momentum * variance * count / (count - 1);
    } else {
      mean = o.runningMean![c];
      variance = o.runningVar![c];
    }
    const inv = 1 / Math.sqrt(variance + o.eps);
    for (let n = 0; n < N; n++) {
      for (let l = 0; l < L; l++) {
        const i = (n * C + c) * L + l;
        out[i] = (x[i] - mean) * inv * at(o.weight, c, 1) + at(o.bias, c, 0);
      }
    }
  }
  return { out, runningMean: rm, runningVar: rv };
}

/** group_norm on [N, C, L] with G groups (instance norm: G = C); the batch averages of the per-sample statistics for instance norm's running estimates. */
export function groupNormRef(
  x: ArrayLike<number>, [N, C, L]: [number, number, number], G: number,
  o: { weight?: ArrayLike<number> | null; bias?: ArrayLike<number> | null; eps: number },
): { out: Float64Array; means: Float64Array; vars: Float64Array } {
  const out = new Float64Array(N * C * L);
  const per = C / G;
  const means = new Float64Array(N * G);
  const vars = new Float64Array(N * G);
  for (let n = 0; n < N; n++) {
    for (let g = 0; g < G; g++) {
      const first = (n * C + g * per) * L;
      const vals = Array.from({ length: per * L }, (_, k) => x[first + k]);
      const [mean, variance] = moments(vals);
      means[n * G + g] = mean;
      vars[n * G + g] = variance;
      const inv = 1 / Math.sqrt(variance + o.eps);
      for (let k = 0; k < per * L; k++) {
        const c = g * per + Math.floor(k / L);
        out[first + k] = (x[first + k] - mean) * inv * at(o.weight, c, 1) + at(o.bias, c, 0);
      }
    }
  }
  return { out, means, vars };
}

/** instance_norm on [N, C, L]. */
export function instanceNormRef(
  x: ArrayLike<number>, [N, C, L]: [number, number, number],
  o: { weight?: ArrayLike<number> | null; bias?: ArrayLike<number> | null; runningMean?: ArrayLike<number> | null; runningVar?: ArrayLike<number> | null; useInputStats: boolean; momentum: number; eps: number },
): NormRefResult {
  if (!o.useInputStats) {
    // Every plane by its channel's running estimates: batch norm in eval mode.
    return { out: batchNormRef(x, [N, C, L], { ...o, training: false }).out };
  }
  const { out, means, vars } = groupNormRef(x, [N, C, L], C, o);
  const rm = o.runningMean ? Float64Array.from(o.runningMean) : undefined;
  const rv = o.runningVar ? Float64Array.from(o.runningVar) : undefined;
  for (let c = 0; c < C; c++) {
    let m = 0;
    let v = 0;
    for (let n = 0; n < N; n++) {
      m += means[n * C + c];
      v += vars[n * C + c] * L / (L - 1);
    }
    if (rm) rm[c] = (1 - o.momentum) * rm[c] + o.momentum * (m / N);
    if (rv) rv[c] = (1 - o.momentum) * rv[c] + o.momentum * (v / N);
  }
  return { out, runningMean: rm, runningVar: rv };
}

/** layer_norm over rows of M values, elementwise weight and bias [M]. */
export function layerNormRef(x: ArrayLike<number>, rows: number, M: number, o: { weight?: ArrayLike<number> | null; bias?: ArrayLike<number> | null; eps: number }): Float64Array {
  const out = new Float64Array(rows * M);
  for (let r = 0; r < rows; r++) {
    const vals = Array.from({ length: M }, (_, k) => x[r * M + k]);
    const [mean, variance] = moments(vals);
    const inv = 1 / Math.sqrt(variance + o.eps);
    for (let k = 0; k < M; k++) out[r * M + k] = (x[r * M + k] - mean) * inv * at(o.weight, k, 1) + at(o.bias, k, 0);
  }
  return out;
}
