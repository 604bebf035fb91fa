// Scalar twins of assembly/gemm.ts and assembly/bilinear.ts: one output at a time, in order.

import { GemmDesc, GEMM_A_TRANS, GEMM_B_TRANS, GEMM_BIAS_ROW, GEMM_BIAS_COL, GEMM_ACCUMULATE } from "../abi";

/** Same contract as gemm_f32 (a GemmDesc). */
export function gemm_f32_ref(c: usize, a: usize, b: usize, bias: usize, desc: usize): void {
  const d = changetype<GemmDesc>(desc);
  const M = d.M, N = d.N, K = d.K, lda = d.lda, ldb = d.ldb, ldc = d.ldc;
  const aT = (d.flags & GEMM_A_TRANS) != 0;
  const bT = (d.flags & GEMM_B_TRANS) != 0;
  const acc = (d.flags & GEMM_ACCUMULATE) != 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s: f32 = 0;
      for (let k = 0; k < K; k++) {
        const av = load<f32>(a + ((aT ? <usize>k * lda + i : <usize>i * lda + k) << 2));
        const bv = load<f32>(b + ((bT ? <usize>j * ldb + k : <usize>k * ldb + j) << 2));
        s += av * bv;
      }
      if ((d.flags & GEMM_BIAS_ROW) != 0) s += load<f32>(bias + (<usize>i << 2));
      else if ((d.flags & GEMM_BIAS_COL) != 0) s += load<f32>(bias + (<usize>j << 2));
      const cp = c + ((<usize>i * ldc + j) << 2);
      store<f32>(cp, acc ? load<f32>(cp) + s : s);
    }
  }
}

export function gemv_f32_ref(y: usize, x: usize, w: usize, bias: usize, N: i32, K: i32): void {
  for (let n = 0; n < N; n++) {
    let s: f32 = 0;
    for (let k = 0; k < K; k++) s += load<f32>(w + ((<usize>n * K + k) << 2)) * load<f32>(x + (<usize>k << 2));
    if (bias != 0) s += load<f32>(bias + (<usize>n << 2));
    store<f32>(y + (<usize>n << 2), s);
  }
}

export function bilinear_f32_ref(out: usize, x1: usize, x2: usize, weight: usize, bias: usize,
                                 rows: i32, in1: i32, in2: i32, O: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < O; o++) {
      let s: f32 = 0;
      for (let i = 0; i < in1; i++) {
        for (let j = 0; j < in2; j++) {
          s += load<f32>(x1 + ((<usize>r * in1 + i) << 2)) * load<f32>(weight + ((<usize>(o * in1 + i) * in2 + j) << 2)) * load<f32>(x2 + ((<usize>r * in2 + j) << 2));
        }
      }
      if (bias != 0) s += load<f32>(bias + (<usize>o << 2));
      store<f32>(out + ((<usize>r * O + o) << 2), s);
    }
  }
}
