// Normalisation: F.batchNorm, F.layerNorm, F.groupNorm, F.instanceNorm and their modules,
// against the float64 references of tests/helpers/norm-ref.ts. Dropout is in dropout.ts.
import { F, type Tensor, nn } from "../../src/index";
import { batchNormRef, groupNormRef, instanceNormRef, layerNormRef } from "../helpers/norm-ref";
import type { Rng } from "../helpers/random";
import { type ErrorCase, type Host, type OpInfo, type Params, type Ref, host, numel, randHost } from "./core";

type Fwd = nn.Module & { forward: (x: Tensor) => Tensor };
const fwd = (m?: nn.Module) => m as Fwd;

/** [N, C, L] of an input with a batch dimension. */
const ncl = (h: Host): [number, number, number] => [h.shape[0], h.shape[1], numel(h.shape.slice(2))];
const asRef = (data: Float64Array, shape: number[]): Ref => ({ data, shape: shape.slice() });
const positive = (r: Rng, shape: number[]) => randHost(r, shape, 0.3, 2);
const data = (h: Host | undefined | null) => (h ? h.data : null);

function commonErrors(call: (x: unknown) => unknown): ErrorCase[] {
  return [
    { label: "input not a tensor", call: () => call([1, 2, 3]), error: TypeError, message: "expected input a Tensor" },
    { label: "int32 input", inputs: [host([1, 2, 3, 4], [2, 2], "int32")], call: (t) => call(t[0]), error: TypeError, message: "dtype" },
  ];
}

const F_BATCH_NORM: OpInfo = {
  name: "F.batchNorm",
  prefix: "batchNorm",
  variants: ["noncontig", "batch0", "1x1", "extreme", "outlier"],
  samples: (r) => [
    {
      label: "eval [3,4,5,6] weight bias", inputs: [randHost(r, [3, 4, 5, 6]), randHost(r, [4]), positive(r, [4]), randHost(r, [4]), randHost(r, [4])],
      call: (t) => F.batchNorm(t[0], t[1], t[2], { weight: t[3], bias: t[4] }),
      ref: (h) => asRef(batchNormRef(h[0].data, ncl(h[0]), { runningMean: h[1].data, runningVar: h[2].data, weight: h[3].data, bias: h[4].data, training: false, momentum: 0.1, eps: 1e-5 }).out, h[0].shape),
    },
    {
      label: "training [6,5] (rows)", inputs: [randHost(r, [6, 5], 90, 110)], perturb: [0],
      call: (t) => F.batchNorm(t[0], null, null, { training: true, eps: 1e-3 }),
      ref: (h) => asRef(batchNormRef(h[0].data, ncl(h[0]), { training: true, momentum: 0.1, eps: 1e-3 }).out, h[0].shape),
    },
    {
      label: "training [2,3,37] running estimates updated", inputs: [randHost(r, [2, 3, 37]), randHost(r, [3]), positive(r, [3])], perturb: [0],
      call: (t) => [F.batchNorm(t[0], t[1], t[2], { training: true, momentum: 0.3 }), t[1], t[2]],
      ref: (h) => {
        const o = batchNormRef(h[0].data, ncl(h[0]), { runningMean: h[1].data, runningVar: h[2].data, training: true, momentum: 0.3, eps: 1e-5 });
        return [asRef(o.out, h[0].shape), asRef(o.runningMean!, [3]), asRef(o.runningVar!, [3])];
      },
    },
    { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3, 4]), randHost(r, [3]), positive(r, [3])], call: (t) => F.batchNorm(t[0], t[1], t[2], { training: true }), ref: (h) => asRef(new Float64Array(0), h[0].shape) },
    {
      label: "eval 1x1", variant: "1x1", inputs: [randHost(r, [1, 3, 1, 1]), randHost(r, [3]), positive(r, [3])],
      call: (t) => F.batchNorm(t[0], t[1], t[2]),
      ref: (h) => asRef(batchNormRef(h[0].data, ncl(h[0]), { runningMean: h[1].data, runningVar: h[2].data, training: false, momentum: 0.1, eps: 1e-5 }).out, h[0].shape),
    },
  ],
  errors: () => [
    ...commonErrors((x) => F.batchNorm(x as Tensor, null, null, { training: true })),
    { label: "runningMean for another channel count", inputs: [host(new Array(96).fill(1), [2, 3, 4, 4]), host([0, 0, 0, 0], [4]), host([1, 1, 1], [3])], call: (t) => F.batchNorm(t[0], t[1], t[2]), error: RangeError, message: "runningMean with 3 elements" },
    { label: "weight for another channel count", inputs: [host(new Array(12).fill(1), [4, 3]), host([1, 1], [2])], call: (t) => F.batchNorm(t[0], null, null, { training: true, weight: t[1] }), error: RangeError, message: "weight with 3 elements" },
    { label: "eval without running estimates", inputs: [host([1, 2, 3, 4], [2, 2])], call: (t) => F.batchNorm(t[0], null, null), error: TypeError, message: "runningMean and runningVar" },
    { label: "one value per channel in training", inputs: [host([1, 2, 3, 4], [1, 4])], call: (t) => F.batchNorm(t[0], null, null, { training: true }), error: RangeError, message: "more than 1 value per channel" },
    { label: "1-D input", inputs: [host([1, 2, 3], [3])], call: (t) => F.batchNorm(t[0], null, null, { training: true }), error: RangeError, message: "at least 2 dimensions" },
    { label: "momentum 2", inputs: [host([1, 2, 3, 4], [2, 2])], call: (t) => F.batchNorm(t[0], null, null, { training: true, momentum: 2 }), error: RangeError, message: "momentum" },
    { label: "eps negative", inputs: [host([1, 2, 3, 4], [2, 2])], call: (t) => F.batchNorm(t[0], null, null, { training: true, eps: -1 }), error: RangeError, message: "eps" },
    { label: "training not boolean", inputs: [host([1, 2, 3, 4], [2, 2])], call: (t) => F.batchNorm(t[0], null, null, { training: 1 as unknown as boolean }), error: TypeError, message: "training" },
    { label: "int32 runningVar", inputs: [host([1, 2, 3, 4], [2, 2]), host([0, 0], [2]), host([1, 1], [2], "int32")], call: (t) => F.batchNorm(t[0], t[1], t[2]), error: TypeError, message: "runningVar" },
  ],
  withOptions: (t, o) => F.batchNorm(t[0], t[1], t[2], o),
};

const F_LAYER_NORM: OpInfo = {
  name: "F.layerNorm",
  prefix: "layerNorm",
  variants: ["noncontig", "batch0", "1x1", "extreme", "outlier"],
  samples: (r) => [
    {
      label: "[4,37] affine", inputs: [randHost(r, [4, 37]), randHost(r, [37]), randHost(r, [37])],
      call: (t) => F.layerNorm(t[0], [37], { weight: t[1], bias: t[2] }),
      ref: (h) => asRef(layerNormRef(h[0].data, 4, 37, { weight: h[1].data, bias: h[2].data, eps: 1e-5 }), h[0].shape),
    },
    {
      label: "[2,3,4,5] over [4,5] large mean", inputs: [randHost(r, [2, 3, 4, 5], 1e4 - 1, 1e4 + 1)],
      call: (t) => F.layerNorm(t[0], [4, 5], { eps: 1e-3 }),
      ref: (h) => asRef(layerNormRef(h[0].data, 6, 20, { eps: 1e-3 }), h[0].shape),
    },
    { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 5])], call: (t) => F.layerNorm(t[0], 5), ref: (h) => asRef(new Float64Array(0), h[0].shape) },
    { label: "normalized size 1", variant: "1x1", inputs: [randHost(r, [3, 1]), randHost(r, [1]), randHost(r, [1])], call: (t) => F.layerNorm(t[0], [1], { weight: t[1], bias: t[2] }), ref: (h) => asRef(layerNormRef(h[0].data, 3, 1, { weight: h[1].data, bias: h[2].data, eps: 1e-5 }), h[0].shape) },
  ],
  errors: () => [
    ...commonErrors((x) => F.layerNorm(x as Tensor, [2])),
    { label: "shape mismatch", inputs: [host(new Array(24).fill(1), [2, 3, 4])], call: (t) => F.layerNorm(t[0], [3]), error: RangeError, message: "expected input of shape [*,3]" },
    { label: "empty normalizedShape", inputs: [host([1, 2], [2])], call: (t) => F.layerNorm(t[0], []), error: RangeError, message: "normalizedShape" },
    { label: "normalizedShape 2.5", inputs: [host([1, 2], [2])], call: (t) => F.layerNorm(t[0], 2.5), error: TypeError, message: "normalizedShape" },
    { label: "weight of another shape", inputs: [host([1, 2, 3, 4], [2, 2]), host([1, 1, 1, 1], [4])], call: (t) => F.layerNorm(t[0], [2, 2], { weight: t[1] }), error: RangeError, message: "weight of shape [2,2]" },
  ],
  withOptions: (t, o) => F.layerNorm(t[0], [37], o),
};

const F_GROUP_NORM: OpInfo = {
  name: "F.groupNorm",
  prefix: "groupNorm",
  variants: ["noncontig", "batch0", "1x1", "extreme", "outlier"],
  samples: (r) => [
    {
      label: "[2,6,5,3] 3 groups affine", inputs: [randHost(r, [2, 6, 5, 3]), randHost(r, [6]), randHost(r, [6])],
      call: (t) => F.groupNorm(t[0], 3, { weight: t[1], bias: t[2] }),
      ref: (h) => asRef(groupNormRef(h[0].data, ncl(h[0]), 3, { weight: h[1].data, bias: h[2].data, eps: 1e-5 }).out, h[0].shape),
    },
    { label: "[3,4,17] 1 group", inputs: [randHost(r, [3, 4, 17])], call: (t) => F.groupNorm(t[0], 1, { eps: 1e-2 }), ref: (h) => asRef(groupNormRef(h[0].data, ncl(h[0]), 1, { eps: 1e-2 }).out, h[0].shape) },
    { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 4, 3])], call: (t) => F.groupNorm(t[0], 2), ref: (h) => asRef(new Float64Array(0), h[0].shape) },
    { label: "[4,6,1,1] 3 groups", variant: "1x1", inputs: [randHost(r, [4, 6, 1, 1])], call: (t) => F.groupNorm(t[0], 3), ref: (h) => asRef(groupNormRef(h[0].data, ncl(h[0]), 3, { eps: 1e-5 }).out, h[0].shape) },
  ],
  errors: () => [
    ...commonErrors((x) => F.groupNorm(x as Tensor, 1)),
    { label: "channels not divisible", inputs: [host(new Array(48).fill(1), [2, 6, 4])], call: (t) => F.groupNorm(t[0], 4), error: RangeError, message: "divisible by numGroups 4" },
    { label: "numGroups 0", inputs: [host([1, 2, 3, 4], [2, 2])], call: (t) => F.groupNorm(t[0], 0), error: RangeError, message: "numGroups" },
    { label: "bias for another channel count", inputs: [host([1, 2, 3, 4], [2, 2]), host([1, 1, 1], [3])], call: (t) => F.groupNorm(t[0], 1, { bias: t[1] }), error: RangeError, message: "bias with 2 elements" },
  ],
  withOptions: (t, o) => F.groupNorm(t[0], 3, o),
};

const F_INSTANCE_NORM: OpInfo = {
  name: "F.instanceNorm",
  prefix: "instanceNorm",
  variants: ["noncontig", "batch0", "extreme", "outlier"],
  samples: (r) => [
    {
      label: "[2,3,5,7] affine", inputs: [randHost(r, [2, 3, 5, 7]), randHost(r, [3]), randHost(r, [3])],
      call: (t) => F.instanceNorm(t[0], { weight: t[1], bias: t[2] }),
      ref: (h) => asRef(instanceNormRef(h[0].data, ncl(h[0]), { weight: h[1].data, bias: h[2].data, useInputStats: true, momentum: 0.1, eps: 1e-5 }).out, h[0].shape),
    },
    {
      label: "[3,2,19] running estimates updated", inputs: [randHost(r, [3, 2, 19]), randHost(r, [2]), positive(r, [2])], perturb: [0],
      call: (t) => [F.instanceNorm(t[0], { runningMean: t[1], runningVar: t[2], momentum: 0.4 }), t[1], t[2]],
      ref: (h) => {
        const o = instanceNormRef(h[0].data, ncl(h[0]), { runningMean: h[1].data, runningVar: h[2].data, useInputStats: true, momentum: 0.4, eps: 1e-5 });
        return [asRef(o.out, h[0].shape), asRef(o.runningMean!, [2]), asRef(o.runningVar!, [2])];
      },
    },
    {
      label: "[2,3,4] running estimates used", inputs: [randHost(r, [2, 3, 4]), randHost(r, [3]), positive(r, [3])],
      call: (t) => F.instanceNorm(t[0], { runningMean: t[1], runningVar: t[2], useInputStats: false }),
      ref: (h) => asRef(instanceNormRef(h[0].data, ncl(h[0]), { runningMean: h[1].data, runningVar: h[2].data, useInputStats: false, momentum: 0.1, eps: 1e-5 }).out, h[0].shape),
    },
    { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3, 4])], call: (t) => F.instanceNorm(t[0]), ref: (h) => asRef(new Float64Array(0), h[0].shape) },
  ],
  errors: () => [
    ...commonErrors((x) => F.instanceNorm(x as Tensor)),
    { label: "one spatial element", inputs: [host([1, 2, 3, 4], [2, 2, 1])], call: (t) => F.instanceNorm(t[0]), error: RangeError, message: "more than 1 spatial element" },
    { label: "useInputStats false without estimates", inputs: [host([1, 2, 3, 4], [1, 2, 2])], call: (t) => F.instanceNorm(t[0], { useInputStats: false }), error: TypeError, message: "runningMean and runningVar" },
    { label: "weight for another channel count", inputs: [host(new Array(8).fill(1), [1, 2, 4]), host([1, 1, 1], [3])], call: (t) => F.instanceNorm(t[0], { weight: t[1] }), error: RangeError, message: "weight with 2 elements" },
    { label: "momentum null", inputs: [host([1, 2, 3, 4], [1, 2, 2])], call: (t) => F.instanceNorm(t[0], { momentum: null as unknown as number }), error: TypeError, message: "momentum" },
  ],
  withOptions: (t, o) => F.instanceNorm(t[0], o),
};

// ---- modules ----

const bnEval = (h: Host[], p: Params) => asRef(batchNormRef(h[0].data, ncl(h[0]), { weight: data(p.weight), bias: data(p.bias), runningMean: new Float64Array(h[0].shape[1]), runningVar: new Float64Array(h[0].shape[1]).fill(1), training: false, momentum: 0.1, eps: 1e-5 }).out, h[0].shape);
const bnTrain = (h: Host[], p: Params) => asRef(batchNormRef(h[0].data, ncl(h[0]), { weight: data(p.weight), bias: data(p.bias), training: true, momentum: 0.1, eps: 1e-5 }).out, h[0].shape);

function batchNormModule(n: 1 | 2 | 3): OpInfo {
  const Ctor = [nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d][n - 1];
  const name = `BatchNorm${n}d`;
  const shape = [[5, 3, 7], [4, 3, 5, 6], [2, 3, 3, 4, 5]][n - 1];
  const bad = [[2, 3, 4, 4], [2, 3, 4], [2, 3, 4, 4]][n - 1];
  return {
    name: `nn.${name}`,
    prefix: name,
    variants: ["noncontig", "batch0", "extreme", "outlier"],
    samples: (r) => [
      { label: "train", inputs: [randHost(r, shape)], module: () => new Ctor(3), call: (t, m) => fwd(m).forward(t[0]), ref: bnTrain },
      { label: "eval (running estimates 0 and 1)", inputs: [randHost(r, shape)], module: () => new Ctor(3).eval(), call: (t, m) => fwd(m).forward(t[0]), ref: bnEval },
      ...(n === 1 ? [{ label: "train [N, C]", inputs: [randHost(r, [9, 3])], module: () => new Ctor(3, { affine: false }), call: (t: Tensor[], m?: nn.Module) => fwd(m).forward(t[0]), ref: bnTrain }] : []),
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, ...shape.slice(1)])], module: () => new Ctor(3), call: (t, m) => fwd(m).forward(t[0]), ref: (h) => asRef(new Float64Array(0), h[0].shape) },
    ],
    errors: () => [
      { label: "numFeatures 0", call: () => new Ctor(0), error: RangeError, message: "numFeatures" },
      { label: "momentum a string", call: () => new Ctor(3, { momentum: "0.1" as unknown as number }), error: TypeError, message: "momentum" },
      { label: "affine not boolean", call: () => new Ctor(3, { affine: 1 as unknown as boolean }), error: TypeError, message: "affine" },
      { label: "forward: wrong rank", inputs: [host(new Array(bad.reduce((a, b) => a * b, 1)).fill(1), bad)], module: () => new Ctor(3), call: (t, m) => fwd(m).forward(t[0]), error: RangeError, message: "dimensions" },
      { label: "forward: channel mismatch", inputs: [host(new Array(shape.reduce((a, b) => a * b, 1) / 3 * 4).fill(1), [shape[0], 4, ...shape.slice(2)])], module: () => new Ctor(3), call: (t, m) => fwd(m).forward(t[0]), error: RangeError, message: "expected input with 3 channels (numFeatures), got 4" },
    ],
    withOptions: (_t, o) => new Ctor(3, o),
    stateDictKeys: ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"],
  };
}

function instanceNormModule(n: 1 | 2 | 3): OpInfo {
  const Ctor = [nn.InstanceNorm1d, nn.InstanceNorm2d, nn.InstanceNorm3d][n - 1];
  const name = `InstanceNorm${n}d`;
  const shape = [[3, 2, 9], [2, 2, 4, 5], [2, 2, 3, 3, 4]][n - 1];
  const inRef = (h: Host[], p: Params) => {
    const batched = h[0].shape.length === n + 2;
    const s = batched ? h[0].shape : [1, ...h[0].shape];
    return asRef(instanceNormRef(h[0].data, [s[0], s[1], numel(s.slice(2))], { weight: data(p.weight), bias: data(p.bias), useInputStats: true, momentum: 0.1, eps: 1e-5 }).out, h[0].shape);
  };
  return {
    name: `nn.${name}`,
    prefix: name,
    variants: ["noncontig", "noBatch", "batch0", "extreme", "outlier"],
    samples: (r) => [
      { label: "affine", inputs: [randHost(r, shape)], module: () => new Ctor(2, { affine: true }), call: (t, m) => fwd(m).forward(t[0]), ref: inRef },
      { label: "eval without tracked estimates", inputs: [randHost(r, shape)], module: () => new Ctor(2).eval(), call: (t, m) => fwd(m).forward(t[0]), ref: inRef },
      { label: "unbatched", variant: "noBatch", inputs: [randHost(r, shape.slice(1))], module: () => new Ctor(2, { affine: true }), call: (t, m) => fwd(m).forward(t[0]), ref: inRef },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, ...shape.slice(1)])], module: () => new Ctor(2), call: (t, m) => fwd(m).forward(t[0]), ref: (h) => asRef(new Float64Array(0), h[0].shape) },
    ],
    errors: () => [
      { label: "numFeatures 1.5", call: () => new Ctor(1.5), error: TypeError, message: "numFeatures" },
      { label: "forward: affine channel mismatch", inputs: [host(new Array(numel(shape) / 2 * 3).fill(1), [shape[0], 3, ...shape.slice(2)])], module: () => new Ctor(2, { affine: true }), call: (t, m) => fwd(m).forward(t[0]), error: RangeError, message: "expected input with 2 channels (numFeatures), got 3" },
      { label: "forward: wrong rank", inputs: [host([1, 2], [2])], module: () => new Ctor(2), call: (t, m) => fwd(m).forward(t[0]), error: RangeError, message: "dimensions" },
    ],
    withOptions: (_t, o) => new Ctor(2, o),
    // The first sample's module is affine (no running estimates by default, as PyTorch).
    stateDictKeys: ["weight", "bias"],
  };
}

export const NORM: OpInfo[] = [
  F_BATCH_NORM, F_LAYER_NORM, F_GROUP_NORM, F_INSTANCE_NORM,
  batchNormModule(1), batchNormModule(2), batchNormModule(3),
  instanceNormModule(1), instanceNormModule(2), instanceNormModule(3),
  {
    name: "nn.LayerNorm",
    prefix: "LayerNorm",
    variants: ["noncontig", "batch0", "extreme", "outlier"],
    samples: (r) => [
      { label: "[3,5,16] over 16", inputs: [randHost(r, [3, 5, 16])], module: () => new nn.LayerNorm(16), call: (t, m) => fwd(m).forward(t[0]), ref: (h, p) => asRef(layerNormRef(h[0].data, 15, 16, { weight: p.weight.data, bias: p.bias.data, eps: 1e-5 }), h[0].shape) },
      { label: "[2,3,4] over [3,4] no affine", inputs: [randHost(r, [2, 3, 4])], module: () => new nn.LayerNorm([3, 4], { elementwiseAffine: false }), call: (t, m) => fwd(m).forward(t[0]), ref: (h) => asRef(layerNormRef(h[0].data, 2, 12, { eps: 1e-5 }), h[0].shape) },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 4])], module: () => new nn.LayerNorm(4, { bias: false }), call: (t, m) => fwd(m).forward(t[0]), ref: (h) => asRef(new Float64Array(0), h[0].shape) },
    ],
    errors: () => [
      { label: "normalizedShape 0", call: () => new nn.LayerNorm(0), error: RangeError, message: "normalizedShape" },
      { label: "forward: last dimension mismatch", inputs: [host(new Array(12).fill(1), [3, 4])], module: () => new nn.LayerNorm(3), call: (t, m) => fwd(m).forward(t[0]), error: RangeError, message: "[*,3]" },
    ],
    withOptions: (_t, o) => new nn.LayerNorm(16, o),
    stateDictKeys: ["weight", "bias"],
  },
  {
    name: "nn.GroupNorm",
    prefix: "GroupNorm",
    variants: ["noncontig", "batch0", "extreme", "outlier"],
    samples: (r) => [
      { label: "2 groups of 3 channels", inputs: [randHost(r, [2, 6, 4, 3])], module: () => new nn.GroupNorm(2, 6), call: (t, m) => fwd(m).forward(t[0]), ref: (h, p) => asRef(groupNormRef(h[0].data, ncl(h[0]), 2, { weight: p.weight.data, bias: p.bias.data, eps: 1e-5 }).out, h[0].shape) },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 4, 3])], module: () => new nn.GroupNorm(2, 4, { affine: false }), call: (t, m) => fwd(m).forward(t[0]), ref: (h) => asRef(new Float64Array(0), h[0].shape) },
    ],
    errors: () => [
      { label: "numChannels not divisible", call: () => new nn.GroupNorm(4, 6), error: RangeError, message: "divisible" },
      { label: "forward: channel mismatch", inputs: [host(new Array(8).fill(1), [2, 4])], module: () => new nn.GroupNorm(2, 6), call: (t, m) => fwd(m).forward(t[0]), error: RangeError, message: "expected input with 6 channels (numChannels), got 4" },
    ],
    withOptions: (_t, o) => new nn.GroupNorm(2, 6, o),
    stateDictKeys: ["weight", "bias"],
  },
];
