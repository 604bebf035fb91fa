// torch.nn.Embedding: a lookup table of numEmbeddings rows of embeddingDim floats.

import { checkNonNegativeInt, checkOptions } from "../args";
import { type EmbeddingOptions, embeddingForward, parsePaddingIdx } from "../functional/embedding";
import { normal_ } from "../init";
import type { Tensor } from "../tensor";
import { Module } from "./module";

/** torch.nn.Embedding: weight [numEmbeddings, embeddingDim] drawn from N(0, 1), the paddingIdx row zeroed. */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding row, normalised to [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;
  readonly weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    const layer = this.layerName;
    const o = checkOptions(layer, options, ["paddingIdx"]);
    this.numEmbeddings = checkNonNegativeInt(layer, "numEmbeddings", numEmbeddings);
    this.embeddingDim = checkNonNegativeInt(layer, "embeddingDim", embeddingDim);
    this.paddingIdx = parsePaddingIdx(layer, o.paddingIdx, numEmbeddings);
    this.weight = this.newParameter("weight", [numEmbeddings, embeddingDim]);
    // PyTorch's reset_parameters: normal_(0, 1), then the padding row filled with zeros.
    if (this.weight.numel > 0) normal_(this.weight);
    if (this.paddingIdx !== null) {
      const row = this.weight.select(0, this.paddingIdx);
      row.fill_(0);
      row.dispose();
    }
  }

  forward(input: Tensor): Tensor {
    return embeddingForward(this.layerName, input, this.weight, this.paddingIdx);
  }
}
