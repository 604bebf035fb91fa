// Fully connected layers: linear (y = x W^T + b) and bilinear (y = x1^T A x2 + b), both on
// the packed GEMM (a linear layer's weight packed once per version); up to 16 input rows
// take the matrix-vector kernels instead.

import { GEMM_BIAS_COL, GEMM_B_PACKED, GEMM_B_TRANS, GEMM_DESC } from "../../build/abi.js";
import { rangeError, shapeStr } from "../errors";
import { type Tensor, emptyTensor } from "../tensor";
import { descriptor, setField, wasm } from "../wasm";
import { preparedWeights, stamp } from "../weight-cache";
import { floatTensor, optionalBias, reserveScratch, withContiguous } from "./common";
// Up to this many rows, passes of the small-batch kernel beat packing the weight (measured at 1024 x 1024).
const SMALL_ROWS = 16;

/**
 * out[rows, N] = x[rows, K] * w[N, K]^T (+ bias[N]) over contiguous buffers. With `weight`
 * (the tensor w was read from), the GEMM path takes the weight packed once per version.
 */
export function linearRows(layer: string, out: number, x: number, w: number, bias: number, rows: number, N: number, K: number, weight?: Tensor): void {
  const k = wasm();
  if (rows === 0 || N === 0) return;
  // One row, or a few: streaming the weight without packing it beats the GEMM.
  if (rows === 1) {
    k.gemv_f32(out, x, w, bias, N, K);
    return;
  }
  if (rows <= SMALL_ROWS) {
    // Four rows per pass over the weight.
    for (let r = 0; r < rows; r += 4) k.gemvRows_f32(out + 4 * r * N, x + 4 * r * K, w, bias, Math.min(4, rows - r), N, K);
    return;
  }
  const biasFlag = bias !== 0 ? GEMM_BIAS_COL : 0;
  const desc = descriptor(GEMM_DESC, { M: rows, N, K, lda: K, ldb: K, ldc: N, flags: GEMM_B_TRANS | biasFlag });
  const bytes = weight === undefined ? 0 : k.gemmPackedBBytes(desc);
  const packed = bytes > 0 ? preparedWeights(weight!, "linear", `${stamp(weight!)}|bytes ${bytes}`, bytes, (ptr) => k.gemmPackB_f32(ptr, w, desc)) : 0;
  const scratch = reserveScratch(layer, k.gemmScratchBytes(rows, N, K));
  if (packed !== 0) setField(GEMM_DESC, desc, "flags", GEMM_B_PACKED | biasFlag);
  k.gemm_f32(out, x, packed !== 0 ? packed : w, bias, scratch, desc);
}

/** Shared body of F.linear and nn.Linear; `layer` names the caller in errors. */
export function linearForward(layer: string, input: unknown, weight: unknown, bias: unknown): Tensor {
  const x = floatTensor(layer, "input", input);
  const w = floatTensor(layer, "weight", weight);
  if (w.ndim !== 2) throw rangeError(layer, `expected weight with 2 dimensions [outFeatures, inFeatures], got shape ${shapeStr(w.shape)}`);
  const [outFeatures, inFeatures] = w.shape;
  if (x.ndim < 1) throw rangeError(layer, `expected input with at least 1 dimension (..., ${inFeatures}), got a 0-d tensor`);
  const features = x.shape[x.ndim - 1];
  if (features !== inFeatures) {
    throw rangeError(
      layer,
      `expected input with ${inFeatures} features in its last dimension (weight shape ${shapeStr(w.shape)}), got ${features} (input shape ${shapeStr(x.shape)})`,
    );
  }
  const b = optionalBias(layer, bias, outFeatures);
  const rows = x.shape.slice(0, -1).reduce((p, s) => p * s, 1);
  return withContiguous([x, w, b], ([xc, wc, bc]) => {
    const out = emptyTensor([...x.shape.slice(0, -1), outFeatures], "float32", layer);
    try {
      linearRows(layer, out.dataPtr, xc!.dataPtr, wc!.dataPtr, bc === null ? 0 : bc.dataPtr, rows, outFeatures, inFeatures, w);
    } catch (e) {
      out.dispose();
      throw e;
    }
    return out;
  });
}

/** torch.nn.functional.linear: input [..., in], weight [out, in], bias [out] -> [..., out]. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return linearForward("linear", input, weight, bias);
}

/** Shared body of F.bilinear and nn.Bilinear. */
export function bilinearForward(layer: string, input1: unknown, input2: unknown, weight: unknown, bias: unknown): Tensor {
  const x1 = floatTensor(layer, "input1", input1);
  const x2 = floatTensor(layer, "input2", input2);
  const w = floatTensor(layer, "weight", weight);
  if (w.ndim !== 3) {
    throw rangeError(layer, `expected weight with 3 dimensions [outFeatures, in1Features, in2Features], got shape ${shapeStr(w.shape)}`);
  }
  const [outFeatures, in1, in2] = w.shape;
  if (x1.ndim < 1) throw rangeError(layer, `expected input1 with at least 1 dimension, got a 0-d tensor`);
  if (x1.shape[x1.ndim - 1] !== in1) {
    throw rangeError(layer, `expected input1 with ${in1} features in its last dimension (weight shape ${shapeStr(w.shape)}), got ${x1.shape[x1.ndim - 1]} (input1 shape ${shapeStr(x1.shape)})`);
  }
  if (x2.ndim < 1 || x2.shape[x2.ndim - 1] !== in2) {
    throw rangeError(layer, `expected input2 with ${in2} features in its last dimension (weight shape ${shapeStr(w.shape)}), got shape ${shapeStr(x2.shape)}`);
  }
  const lead1 = x1.shape.slice(0, -1);
  const lead2 = x2.shape.slice(0, -1);
  if (lead1.length !== lead2.length || lead1.some((s, i) => s !== lead2[i])) {
    throw rangeError(layer, `expected input1 and input2 with the same leading dimensions, got ${shapeStr(x1.shape)} and ${shapeStr(x2.shape)}`);
  }
  const b = optionalBias(layer, bias, outFeatures);
  const rows = lead1.reduce((p, s) => p * s, 1);
  return withContiguous([x1, x2, w, b], ([c1, c2, wc, bc]) => {
    const out = emptyTensor([...lead1, outFeatures], "float32", layer);
    try {
      if (rows > 0 && outFeatures > 0) {
        const k = wasm();
        const scratch = reserveScratch(layer, k.bilinearScratchBytes(rows, in1, in2));
        k.bilinear_f32(out.dataPtr, c1!.dataPtr, c2!.dataPtr, wc!.dataPtr, bc === null ? 0 : bc.dataPtr, rows, in1, in2, outFeatures, scratch);
      }
    } catch (e) {
      out.dispose();
      throw e;
    }
    return out;
  });
}

/** torch.nn.functional.bilinear: y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o]. */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  return bilinearForward("bilinear", input1, input2, weight, bias);
}
