// Embedding lookup (torch.nn.functional.embedding): rows of a weight matrix gathered by
// int32 indices. Every index is checked before anything is allocated.

import { checkOptions, checkTensor, optionOr } from "../args";
import { badType, badValue, rangeError, shapeStr } from "../errors";
import { type Tensor, emptyTensor } from "../tensor";
import { readI32, wasm } from "../wasm";
import { floatTensor, withContiguous } from "./common";

export interface EmbeddingOptions {
  /**
   * A row index (negative counts from the end) whose row gets no gradient in PyTorch; in a
   * forward pass it changes nothing (nn.Embedding zeroes that row at construction).
   */
  paddingIdx?: number | null;
}

/** The multi-index of flat position i in a row-major shape. */
function unravelIndex(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** paddingIdx normalised into [0, rows), or null; PyTorch accepts [-rows, rows). */
export function parsePaddingIdx(layer: string, value: unknown, rows: number): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value)) throw badType(layer, "paddingIdx", "an integer or null", value);
  if (value < -rows || value >= rows) throw badValue(layer, "paddingIdx", `in [${-rows}, ${rows - 1}] (numEmbeddings is ${rows})`, value);
  return value < 0 ? value + rows : value;
}

/** Shared body of F.embedding and nn.Embedding: input int32 [...], weight [rows, dim] -> [..., dim]. */
export function embeddingForward(layer: string, input: unknown, weight: unknown, paddingIdx: unknown): Tensor {
  checkTensor(layer, "input", input);
  if (input.dtype !== "int32") {
    throw badType(layer, "input", "an int32 tensor of indices", input);
  }
  const w = floatTensor(layer, "weight", weight);
  if (w.ndim !== 2) throw rangeError(layer, `expected weight with 2 dimensions [numEmbeddings, embeddingDim], got shape ${shapeStr(w.shape)}`);
  const [rows, dim] = w.shape;
  parsePaddingIdx(layer, paddingIdx, rows);
  return withContiguous([input, w], ([ic, wc]) => {
    const k = wasm();
    const n = input.numel;
    const bad = k.embeddingCheck_i32(ic!.dataPtr, n, rows);
    if (bad >= 0) {
      const value = readI32(ic!.dataPtr + 4 * bad, 1)[0];
      const at = input.ndim === 0 ? "" : ` at position [${unravelIndex(bad, input.shape)}]`;
      throw rangeError(layer, `expected indices in [0, ${rows - 1}] (weight has ${rows} rows), got ${value}${at} of input (shape ${shapeStr(input.shape)})`);
    }
    const out = emptyTensor([...input.shape, dim], "float32", layer);
    if (out.numel > 0) k.embedding_f32(out.dataPtr, ic!.dataPtr, wc!.dataPtr, n, dim);
    return out;
  });
}

/** Rows of `weight` [numEmbeddings, embeddingDim] at the int32 indices of `input`: output [...input.shape, embeddingDim]. */
export function embedding(input: Tensor, weight: Tensor, options?: EmbeddingOptions): Tensor {
  const o = checkOptions("embedding", options, ["paddingIdx"]);
  return embeddingForward("embedding", input, weight, optionOr("embedding", o, "paddingIdx", null, (_l, _a, v) => v));
}
