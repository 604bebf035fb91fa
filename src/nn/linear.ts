// Fully connected modules (torch.nn.Linear, torch.nn.Bilinear) with PyTorch's parameter
// names, layouts and default initialisation; forward calls F.

import { checkBoolean, checkNonNegativeInt, checkOptions } from "../args";
import { bilinearForward, linearForward } from "../functional/linear";
import { kaimingUniform_, uniform_ } from "../init";
import type { Tensor } from "../tensor";
import { Module } from "./module";

/** torch.nn.Linear: y = x W^T + b over the last dimension; weight [outFeatures, inFeatures]. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    const layer = this.layerName;
    const o = checkOptions(layer, options, ["bias"]) as { bias?: boolean };
    this.inFeatures = checkNonNegativeInt(layer, "inFeatures", inFeatures);
    this.outFeatures = checkNonNegativeInt(layer, "outFeatures", outFeatures);
    const withBias = checkBoolean(layer, "bias", o.bias ?? true);
    this.weight = this.newParameter("weight", [outFeatures, inFeatures]);
    this.bias = withBias ? this.newParameter("bias", [outFeatures]) : this.registerParameter("bias", null);
    // PyTorch's reset_parameters: kaiming_uniform_(a=sqrt(5)), bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    if (inFeatures > 0 && outFeatures > 0) kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
      uniform_(this.bias, { a: -bound, b: bound });
    }
  }

  forward(input: Tensor): Tensor {
    return linearForward(this.layerName, input, this.weight, this.bias);
  }
}

/** torch.nn.Bilinear: y = x1^T A x2 + b; weight [outFeatures, in1Features, in2Features]. */
export class Bilinear extends Module {
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, options: { bias?: boolean } = {}) {
    super();
    const layer = this.layerName;
    const o = checkOptions(layer, options, ["bias"]) as { bias?: boolean };
    this.in1Features = checkNonNegativeInt(layer, "in1Features", in1Features);
    this.in2Features = checkNonNegativeInt(layer, "in2Features", in2Features);
    this.outFeatures = checkNonNegativeInt(layer, "outFeatures", outFeatures);
    const withBias = checkBoolean(layer, "bias", o.bias ?? true);
    this.weight = this.newParameter("weight", [outFeatures, in1Features, in2Features]);
    this.bias = withBias ? this.newParameter("bias", [outFeatures]) : this.registerParameter("bias", null);
    // PyTorch's reset_parameters: U(-1/sqrt(in1), 1/sqrt(in1)) for weight and bias.
    const bound = in1Features > 0 ? 1 / Math.sqrt(in1Features) : 0;
    uniform_(this.weight, { a: -bound, b: bound });
    if (this.bias !== null) uniform_(this.bias, { a: -bound, b: bound });
  }

  forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinearForward(this.layerName, input1, input2, this.weight, this.bias);
  }
}
