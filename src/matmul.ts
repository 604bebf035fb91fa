// matmul with torch.matmul's rules: 1-D x 1-D is a dot product, 2-D x 2-D a matrix
// product, a 1-D operand is a row (left) or a column (right) that is removed again, and
// batch dimensions broadcast. Every product runs on the packed GEMM (gemm_f32): an operand
// whose rows or columns are contiguous is read in place (a transposed view through
// GEMM_A_TRANS / GEMM_B_TRANS), anything else is copied once. When the right operand has no
// batch and the left one's batch is contiguous with its rows, the batch folds into M and
// the whole product is one GEMM call.

import { GEMM_A_TRANS, GEMM_B_TRANS, GEMM_DESC } from "../build/abi.js";
import { checkDtype, checkTensor } from "./args";
import { broadcastShapes, broadcastStrides } from "./arithmetic";
import { rangeError, shapeStr } from "./errors";
import { reserveScratch } from "./functional/common";
import { numelOf } from "./shape";
import { type Tensor, emptyTensor } from "./tensor";
import { descriptor, wasm } from "./wasm";

/** How GEMM reads one matrix operand in place: dense rows (ld = row stride) or transposed (ld = column stride). */
interface MatrixLayout {
  t: Tensor;
  trans: boolean;
  ld: number;
}

/** The in-place layout of the last two dimensions [rows, cols] of t, or null when neither is contiguous. */
function layoutOf(t: Tensor): MatrixLayout | null {
  const nd = t.ndim;
  const [rows, cols] = [t.shape[nd - 2], t.shape[nd - 1]];
  const [rs, cs] = [t.strides[nd - 2], t.strides[nd - 1]];
  if (cs === 1 || cols === 1) return { t, trans: false, ld: rows === 1 ? Math.max(cols, 1) : rs };
  if (rs === 1 || rows === 1) return { t, trans: true, ld: cols === 1 ? Math.max(rows, 1) : cs };
  return null;
}

/** The shared body of matmul and Tensor.matmul. */
export function matmulOp(layer: string, input: unknown, other: unknown): Tensor {
  checkTensor(layer, "input", input);
  checkTensor(layer, "other", other);
  checkDtype(layer, "input", input, "float32");
  checkDtype(layer, "other", other, "float32");
  if (input.ndim === 0 || other.ndim === 0) {
    throw rangeError(layer, `expected input and other with at least 1 dimension, got shapes ${shapeStr(input.shape)} and ${shapeStr(other.shape)}`);
  }
  const views: Tensor[] = [];
  try {
    // A 1-D left operand is a row [1, K], a 1-D right operand a column [K, 1].
    const a = input.ndim === 1 ? input.unsqueeze(0) : input;
    const b = other.ndim === 1 ? other.unsqueeze(1) : other;
    if (a !== input) views.push(a);
    if (b !== other) views.push(b);
    const [M, K] = a.shape.slice(-2);
    const [K2, N] = b.shape.slice(-2);
    if (K !== K2) {
      throw rangeError(layer, `expected input's last dimension to equal other's ${other.ndim === 1 ? "only" : "second-to-last"} dimension, got shapes ${shapeStr(input.shape)} and ${shapeStr(other.shape)} (${K} vs ${K2})`);
    }
    const batch = broadcastShapes(layer, ["input", "other"], a.shape.slice(0, -2), b.shape.slice(0, -2));
    const full = [...batch, M, N];
    const shape = full.filter((_, d) => !((d === batch.length && input.ndim === 1) || (d === batch.length + 1 && other.ndim === 1)));
    const out = emptyTensor(shape, "float32", layer);
    try {
      if (out.numel > 0) product(layer, out, a, b, batch, M, N, K, views);
    } catch (e) {
      out.dispose();
      throw e;
    }
    return out;
  } finally {
    for (const v of views) v.dispose();
  }
}

function product(layer: string, out: Tensor, a: Tensor, b: Tensor, batch: number[], M: number, N: number, K: number, temps: Tensor[]): void {
  const inPlace = (t: Tensor): MatrixLayout => {
    const l = layoutOf(t);
    if (l !== null) return l;
    const c = t.contiguous();
    temps.push(c);
    return layoutOf(c)!;
  };
  const la = inPlace(a);
  const lb = inPlace(b);
  const k = wasm();
  const flags = (la.trans ? GEMM_A_TRANS : 0) | (lb.trans ? GEMM_B_TRANS : 0);
  const aStrides = broadcastStrides(la.t, [...batch, M, K]).slice(0, -2);
  const bStrides = broadcastStrides(lb.t, [...batch, K, N]).slice(0, -2);
  const count = numelOf(batch);
  // Fold the batch into M: B shared by every batch, A dense with its batch contiguous over its rows.
  const rowStride = M === 1 ? K : la.ld;
  let foldable = !la.trans && bStrides.every((s) => s === 0);
  let expect = M * rowStride;
  for (let d = batch.length - 1; d >= 0 && foldable; d--) {
    if (batch[d] === 1) continue;
    foldable = aStrides[d] === expect;
    expect = aStrides[d] * batch[d];
  }
  if (count > 1 && foldable) {
    const rows = count * M;
    const scratch = reserveScratch(layer, k.gemmScratchBytes(rows, N, K));
    k.gemm_f32(out.dataPtr, la.t.dataPtr, lb.t.dataPtr, 0, scratch, descriptor(GEMM_DESC, { M: rows, N, K, lda: rowStride, ldb: lb.ld, ldc: N, flags }));
    return;
  }
  const scratch = reserveScratch(layer, k.gemmScratchBytes(M, N, K));
  for (let i = 0; i < count; i++) {
    let rest = i;
    let ao = 0;
    let bo = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const c = rest % batch[d];
      rest = Math.floor(rest / batch[d]);
      ao += c * aStrides[d];
      bo += c * bStrides[d];
    }
    const desc = descriptor(GEMM_DESC, { M, N, K, lda: la.ld, ldb: lb.ld, ldc: N, flags });
    k.gemm_f32(out.dataPtr + 4 * i * M * N, la.t.dataPtr + 4 * ao, lb.t.dataPtr + 4 * bo, 0, scratch, desc);
  }
}

/** Matrix product with torch.matmul's rules for 1-D operands and broadcast batch dimensions. */
export function matmul(input: Tensor, other: Tensor): Tensor {
  return matmulOp("matmul", input, other);
}
