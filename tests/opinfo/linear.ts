// Fully connected layers: F.linear, F.bilinear, nn.Linear, nn.Bilinear.
import { F, type Tensor, nn } from "../../src/index";
import { type Host, type OpInfo, type Params, type Ref, type Sample, host, numel, randHost } from "./core";

/** y = x W^T + b over the last dimension, with the sum of |terms| per output. */
export function linearRef(x: Host, w: Host, b: Host | null): Ref {
  const [O, I] = w.shape;
  const rows = numel(x.shape.slice(0, -1));
  const data = new Float64Array(rows * O);
  const mag = new Float64Array(rows * O);
  for (let r = 0; r < rows; r++) for (let o = 0; o < O; o++) {
    let s = b ? b.data[o] : 0;
    let m = b ? Math.abs(b.data[o]) : 0;
    for (let i = 0; i < I; i++) {
      const t = x.data[r * I + i] * w.data[o * I + i];
      s += t;
      m += Math.abs(t);
    }
    data[r * O + o] = s;
    mag[r * O + o] = m;
  }
  return { data, shape: [...x.shape.slice(0, -1), O], magnitude: mag };
}

/** y_o = x1^T A_o x2 + b_o. */
export function bilinearRef(x1: Host, x2: Host, w: Host, b: Host | null): Ref {
  const [O, I, J] = w.shape;
  const rows = numel(x1.shape.slice(0, -1));
  const data = new Float64Array(rows * O);
  const mag = new Float64Array(rows * O);
  for (let r = 0; r < rows; r++) for (let o = 0; o < O; o++) {
    let s = b ? b.data[o] : 0;
    let m = b ? Math.abs(b.data[o]) : 0;
    for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) {
      const t = x1.data[r * I + i] * w.data[(o * I + i) * J + j] * x2.data[r * J + j];
      s += t;
      m += Math.abs(t);
    }
    data[r * O + o] = s;
    mag[r * O + o] = m;
  }
  return { data, shape: [...x1.shape.slice(0, -1), O], magnitude: mag };
}

const fwd = (m?: nn.Module) => m as nn.Module & { forward: (...a: Tensor[]) => Tensor };

export const LINEAR: OpInfo[] = [
  {
    name: "F.linear",
    prefix: "linear",
    variants: ["noncontig", "noBatch", "batch0", "1x1", "extreme", "outlier"],
    samples: (r) => [
      { label: "[5,7] -> 4 with bias", inputs: [randHost(r, [5, 7]), randHost(r, [4, 7], -0.5, 0.5), randHost(r, [4])], perturb: [0], call: (t) => F.linear(t[0], t[1], t[2]), ref: (h) => linearRef(h[0], h[1], h[2]) },
      { label: "[2,3,33] -> 17 no bias", inputs: [randHost(r, [2, 3, 33]), randHost(r, [17, 33], -0.5, 0.5)], perturb: [0], call: (t) => F.linear(t[0], t[1]), ref: (h) => linearRef(h[0], h[1], null) },
      { label: "1-D input", variant: "noBatch", inputs: [randHost(r, [6]), randHost(r, [3, 6]), randHost(r, [3])], call: (t) => F.linear(t[0], t[1], t[2]), ref: (h) => linearRef(h[0], h[1], h[2]) },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 6]), randHost(r, [3, 6]), randHost(r, [3])], call: (t) => F.linear(t[0], t[1], t[2]), ref: (h) => linearRef(h[0], h[1], h[2]) },
      { label: "1 -> 1", variant: "1x1", inputs: [randHost(r, [4, 1]), randHost(r, [1, 1]), randHost(r, [1])], call: (t) => F.linear(t[0], t[1], t[2]), ref: (h) => linearRef(h[0], h[1], h[2]) },
    ],
    errors: () => [
      { label: "feature mismatch", inputs: [host([1, 2, 3], [1, 3]), host([1, 2, 3, 4], [2, 2])], call: (t) => F.linear(t[0], t[1]), error: RangeError, message: "" },
      { label: "bias of the wrong size", inputs: [host([1, 2], [1, 2]), host([1, 2], [1, 2]), host([1, 2], [2])], call: (t) => F.linear(t[0], t[1], t[2]), error: RangeError, message: "bias" },
      { label: "1-D weight", inputs: [host([1, 2], [1, 2]), host([1, 2], [2])], call: (t) => F.linear(t[0], t[1]), error: RangeError, message: "weight" },
      { label: "0-D input", inputs: [host([1], []), host([1], [1, 1])], call: (t) => F.linear(t[0], t[1]), error: RangeError, message: "input" },
      { label: "input a nested array", inputs: [host([1, 2], [1, 2])], call: (t) => F.linear([[1, 2]] as unknown as Tensor, t[0]), error: TypeError, message: "input" },
      { label: "int32 weight", inputs: [host([1, 2], [1, 2]), host([1, 2], [1, 2], "int32")], call: (t) => F.linear(t[0], t[1]), error: TypeError, message: "dtype" },
    ],
  },
  {
    name: "nn.Linear",
    prefix: "Linear",
    variants: ["noncontig", "noBatch", "batch0", "extreme"],
    samples: (r) => [
      { label: "7 -> 4", inputs: [randHost(r, [5, 7])], module: () => new nn.Linear(7, 4), call: (t, m) => fwd(m).forward(t[0]), ref: (h, p: Params) => linearRef(h[0], p.weight, p.bias) },
      { label: "9 -> 3 no bias", inputs: [randHost(r, [2, 2, 9])], module: () => new nn.Linear(9, 3, { bias: false }), call: (t, m) => fwd(m).forward(t[0]), ref: (h, p: Params) => linearRef(h[0], p.weight, null) },
      { label: "1-D input", variant: "noBatch", inputs: [randHost(r, [7])], module: () => new nn.Linear(7, 2), call: (t, m) => fwd(m).forward(t[0]), ref: (h, p: Params) => linearRef(h[0], p.weight, p.bias) },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 7])], module: () => new nn.Linear(7, 2), call: (t, m) => fwd(m).forward(t[0]), ref: (h, p: Params) => linearRef(h[0], p.weight, p.bias) },
    ],
    errors: () => [
      { label: "inFeatures -1", call: () => new nn.Linear(-1, 2), error: RangeError, message: "inFeatures" },
      { label: "outFeatures 2.5", call: () => new nn.Linear(2, 2.5), error: RangeError, message: "outFeatures" },
      { label: "bias not a boolean", call: () => new nn.Linear(2, 2, { bias: 1 as unknown as boolean }), error: TypeError, message: "bias" },
      { label: "forward: feature mismatch", inputs: [host([1, 2, 3], [1, 3])], module: () => new nn.Linear(2, 2), call: (t, m) => fwd(m).forward(t[0]), error: RangeError, message: "" },
    ],
    withOptions: (_t, o) => new nn.Linear(2, 2, o),
    stateDictKeys: ["weight", "bias"],
  },
  {
    name: "F.bilinear",
    prefix: "bilinear",
    finiteOnly: true,
    extremeNote:
      "where infinities of both inputs meet, whether an output is NaN or +-Inf depends on the association order ((x1^T W) x2 vs. the reference's term-by-term sum), as it does between PyTorch's CPU and GPU kernels; so only outputs whose reference is finite are compared",
    variants: ["noncontig", "batch0", "extreme", "outlier"],
    samples: (r) => [
      { label: "[4,3]x[4,5] -> 2", inputs: [randHost(r, [4, 3]), randHost(r, [4, 5]), randHost(r, [2, 3, 5], -0.5, 0.5), randHost(r, [2])], perturb: [0], call: (t) => F.bilinear(t[0], t[1], t[2], t[3]), ref: (h) => bilinearRef(h[0], h[1], h[2], h[3]) },
      { label: "[2,3,4]x[2,3,2] -> 3 no bias", inputs: [randHost(r, [2, 3, 4]), randHost(r, [2, 3, 2]), randHost(r, [3, 4, 2], -0.5, 0.5)], perturb: [0, 1], call: (t) => F.bilinear(t[0], t[1], t[2]), ref: (h) => bilinearRef(h[0], h[1], h[2], null) },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3]), randHost(r, [0, 2]), randHost(r, [2, 3, 2]), randHost(r, [2])], call: (t) => F.bilinear(t[0], t[1], t[2], t[3]), ref: (h) => bilinearRef(h[0], h[1], h[2], h[3]) },
    ],
    errors: () => [
      { label: "batch mismatch", inputs: [host([1, 2, 3, 4], [2, 2]), host([1, 2], [1, 2]), host(new Array(8).fill(1), [2, 2, 2])], call: (t) => F.bilinear(t[0], t[1], t[2]), error: RangeError, message: "" },
      { label: "weight not 3-D", inputs: [host([1, 2], [1, 2]), host([1, 2], [1, 2]), host([1, 2, 3, 4], [2, 2])], call: (t) => F.bilinear(t[0], t[1], t[2]), error: RangeError, message: "weight" },
      { label: "input2 not a tensor", inputs: [host([1, 2], [1, 2]), host(new Array(8).fill(1), [2, 2, 2])], call: (t) => F.bilinear(t[0], null as unknown as Tensor, t[1]), error: TypeError, message: "input2" },
    ],
  },
  {
    name: "nn.Bilinear",
    prefix: "Bilinear",
    finiteOnly: true,
    extremeNote: "as F.bilinear: only outputs whose reference is finite are compared (the association order decides NaN vs +-Inf); only input1 is perturbed, so products stay within float32",
    variants: ["noncontig", "batch0", "extreme"],
    samples: (r) => [
      { label: "3,5 -> 2", inputs: [randHost(r, [4, 3]), randHost(r, [4, 5])], perturb: [0], module: () => new nn.Bilinear(3, 5, 2), call: (t, m) => fwd(m).forward(t[0], t[1]), ref: (h, p: Params) => bilinearRef(h[0], h[1], p.weight, p.bias) },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3]), randHost(r, [0, 5])], module: () => new nn.Bilinear(3, 5, 2), call: (t, m) => fwd(m).forward(t[0], t[1]), ref: (h, p: Params) => bilinearRef(h[0], h[1], p.weight, p.bias) },
    ] as Sample[],
    errors: () => [
      { label: "in2Features -1", call: () => new nn.Bilinear(2, -1, 2), error: RangeError, message: "in2Features" },
      { label: "forward: feature mismatch", inputs: [host([1, 2], [1, 2]), host([1, 2, 3], [1, 3])], module: () => new nn.Bilinear(2, 2, 2), call: (t, m) => fwd(m).forward(t[0], t[1]), error: RangeError, message: "" },
    ],
    withOptions: (_t, o) => new nn.Bilinear(2, 2, 2, o),
    stateDictKeys: ["weight", "bias"],
  },
];
