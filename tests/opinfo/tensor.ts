// Tensor methods, creation functions and the memory helpers (tidy, keep, memory, manualSeed).
import { Tensor, arange, empty, full, keep, manualSeed, memory, ones, rand, randn, tensor, tidy, zeros } from "../../src/index";
import { unravel } from "../helpers/allclose";
import type { Rng } from "../helpers/random";
import { type ErrorCase, type Host, type OpInfo, type Ref, type Sample, host, numel, randHost, stridesOf } from "./core";

const same = (x: Host, shape = x.shape): Ref => ({ data: x.data, shape, exact: true, dtype: x.dtype });

function permuteRef(x: Host, order: number[]): Ref {
  const shape = order.map((d) => x.shape[d]);
  const st = stridesOf(x.shape);
  const n = numel(shape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, shape);
    data[i] = x.data[idx.reduce((a, v, k) => a + v * st[order[k]], 0)];
  }
  return { data, shape, exact: true };
}

function sliceRef(x: Host, dim: number, start: number, end: number, step: number, drop = false): Ref {
  const shape = x.shape.slice();
  shape[dim] = Math.max(0, Math.ceil((end - start) / step));
  const st = stridesOf(x.shape);
  const n = numel(shape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, shape);
    idx[dim] = start + idx[dim] * step;
    data[i] = x.data[idx.reduce((a, v, k) => a + v * st[k], 0)];
  }
  if (drop) shape.splice(dim, 1);
  return { data, shape, exact: true };
}

const x234 = (r: Rng) => randHost(r, [2, 3, 4]);
const ones234 = () => host(new Array(24).fill(1), [2, 3, 4]);

interface MethodSpec {
  m: string;
  variants?: OpInfo["variants"];
  samples: (r: Rng) => Sample[];
  errors?: ErrorCase[];
}

const METHODS: MethodSpec[] = [
  {
    m: "view",
    samples: (r) => [
      { label: "[2,3,4] -> [6,-1]", inputs: [x234(r)], call: (t) => t[0].view(6, -1), ref: (h) => same(h[0], [6, 4]) },
      { label: "as an array", inputs: [x234(r)], call: (t) => t[0].view([4, 6]), ref: (h) => same(h[0], [4, 6]) },
      { label: "batch 0", variant: "batch0", inputs: [randHost(r, [0, 3])], call: (t) => t[0].view(3, 0), ref: (h) => same(h[0], [3, 0]) },
    ],
    variants: ["batch0"],
    errors: [
      { label: "non-contiguous", inputs: [ones234()], layouts: ["permuted"], call: (t) => t[0].view(24), error: RangeError, message: "contiguous" },
      { label: "wrong numel", inputs: [ones234()], call: (t) => t[0].view(5, 5), error: RangeError, message: "" },
      { label: "two -1", inputs: [ones234()], call: (t) => t[0].view(-1, -1), error: RangeError, message: "" },
    ],
  },
  {
    m: "reshape",
    samples: (r) => [
      { label: "[2,3,4] -> [4,-1]", inputs: [x234(r)], call: (t) => t[0].reshape(4, -1), ref: (h) => same(h[0], [4, 6]) },
      { label: "to 0-D", inputs: [randHost(r, [1, 1])], call: (t) => t[0].reshape([]), ref: (h) => same(h[0], []) },
    ],
    errors: [{ label: "wrong numel", inputs: [ones234()], call: (t) => t[0].reshape(7), error: RangeError, message: "" }],
  },
  {
    m: "unsqueeze",
    samples: (r) => [
      { label: "dim 1", inputs: [x234(r)], call: (t) => t[0].unsqueeze(1), ref: (h) => same(h[0], [2, 1, 3, 4]) },
      { label: "dim -1", inputs: [x234(r)], call: (t) => t[0].unsqueeze(-1), ref: (h) => same(h[0], [2, 3, 4, 1]) },
    ],
    errors: [{ label: "dim 5", inputs: [ones234()], call: (t) => t[0].unsqueeze(5), error: RangeError, message: "dim" }],
  },
  {
    m: "squeeze",
    samples: (r) => [
      { label: "all", inputs: [randHost(r, [1, 3, 1, 2])], call: (t) => t[0].squeeze(), ref: (h) => same(h[0], [3, 2]) },
      { label: "dim 2", inputs: [randHost(r, [1, 3, 1, 2])], call: (t) => t[0].squeeze(2), ref: (h) => same(h[0], [1, 3, 2]) },
      { label: "dim of size 3 left alone", inputs: [randHost(r, [1, 3, 1, 2])], call: (t) => t[0].squeeze(1), ref: (h) => same(h[0]) },
    ],
    errors: [{ label: "dim 9", inputs: [ones234()], call: (t) => t[0].squeeze(9), error: RangeError, message: "dim" }],
  },
  {
    m: "flatten",
    samples: (r) => [
      { label: "all", inputs: [x234(r)], call: (t) => t[0].flatten(), ref: (h) => same(h[0], [24]) },
      { label: "1..2", inputs: [x234(r)], call: (t) => t[0].flatten(1), ref: (h) => same(h[0], [2, 12]) },
      { label: "0-D", inputs: [randHost(r, [])], call: (t) => t[0].flatten(), ref: (h) => same(h[0], [1]) },
    ],
    errors: [
      { label: "startDim > endDim", inputs: [ones234()], call: (t) => t[0].flatten(2, 1), error: RangeError, message: "startDim" },
      { label: "endDim 3", inputs: [ones234()], call: (t) => t[0].flatten(0, 3), error: RangeError, message: "endDim" },
    ],
  },
  {
    m: "permute",
    samples: (r) => [
      { label: "2,0,1", inputs: [x234(r)], call: (t) => t[0].permute(2, 0, 1), ref: (h) => permuteRef(h[0], [2, 0, 1]) },
      { label: "[-1,1,0]", inputs: [x234(r)], call: (t) => t[0].permute([-1, 1, 0]), ref: (h) => permuteRef(h[0], [2, 1, 0]) },
    ],
    errors: [
      { label: "repeated dim", inputs: [ones234()], call: (t) => t[0].permute(0, 0, 1), error: RangeError, message: "dims" },
      { label: "too few dims", inputs: [ones234()], call: (t) => t[0].permute(1, 0), error: RangeError, message: "dims" },
    ],
  },
  {
    m: "transpose",
    samples: (r) => [{ label: "0,2", inputs: [x234(r)], call: (t) => t[0].transpose(0, 2), ref: (h) => permuteRef(h[0], [2, 1, 0]) }],
    errors: [{ label: "dim1 3", inputs: [ones234()], call: (t) => t[0].transpose(0, 3), error: RangeError, message: "dim1" }],
  },
  {
    m: "t",
    samples: (r) => [
      { label: "2-D", inputs: [randHost(r, [3, 5])], call: (t) => t[0].t(), ref: (h) => permuteRef(h[0], [1, 0]) },
      { label: "1-D", inputs: [randHost(r, [4])], call: (t) => t[0].t(), ref: (h) => same(h[0]) },
    ],
    errors: [{ label: "3-D", inputs: [ones234()], call: (t) => t[0].t(), error: RangeError, message: "2 dimensions" }],
  },
  {
    m: "slice",
    samples: (r) => [
      { label: "dim 2, 1..4 step 2", inputs: [x234(r)], call: (t) => t[0].slice(2, 1, 4, 2), ref: (h) => sliceRef(h[0], 2, 1, 4, 2) },
      { label: "negative start, clamped end", inputs: [x234(r)], call: (t) => t[0].slice(1, -2, 100), ref: (h) => sliceRef(h[0], 1, 1, 3, 1) },
      { label: "empty", inputs: [x234(r)], call: (t) => t[0].slice(0, 2, 1), ref: (h) => sliceRef(h[0], 0, 2, 2, 1) },
    ],
    errors: [
      { label: "step 0", inputs: [ones234()], call: (t) => t[0].slice(0, 0, 1, 0), error: RangeError, message: "step" },
      { label: "start 0.5", inputs: [ones234()], call: (t) => t[0].slice(0, 0.5), error: RangeError, message: "start" },
    ],
  },
  {
    m: "narrow",
    samples: (r) => [
      { label: "dim 1, 1, 2", inputs: [x234(r)], call: (t) => t[0].narrow(1, 1, 2), ref: (h) => sliceRef(h[0], 1, 1, 3, 1) },
      { label: "negative start", inputs: [x234(r)], call: (t) => t[0].narrow(-1, -3, 3), ref: (h) => sliceRef(h[0], 2, 1, 4, 1) },
    ],
    errors: [
      { label: "length past the end", inputs: [ones234()], call: (t) => t[0].narrow(1, 2, 2), error: RangeError, message: "length" },
      { label: "start past the end", inputs: [ones234()], call: (t) => t[0].narrow(1, 5, 0), error: RangeError, message: "start" },
      { label: "disposed", inputs: [ones234()], call: (t) => disposed(t[0]).narrow(0, 0, 1), error: TypeError, message: "disposed" },
    ],
  },
  {
    m: "select",
    samples: (r) => [
      { label: "dim 1 index 2", inputs: [x234(r)], call: (t) => t[0].select(1, 2), ref: (h) => sliceRef(h[0], 1, 2, 3, 1, true) },
      { label: "index -1", inputs: [x234(r)], call: (t) => t[0].select(0, -1), ref: (h) => sliceRef(h[0], 0, 1, 2, 1, true) },
    ],
    errors: [{ label: "index 3 of 3", inputs: [ones234()], call: (t) => t[0].select(1, 3), error: RangeError, message: "index" }],
  },
  {
    m: "contiguous",
    samples: (r) => [{ label: "[2,3,4]", inputs: [x234(r)], call: (t) => t[0].contiguous(), ref: (h) => same(h[0]) }],
  },
  {
    m: "clone",
    samples: (r) => [
      { label: "[2,3,4]", inputs: [x234(r)], call: (t) => t[0].clone(), ref: (h) => same(h[0]) },
      { label: "int32", inputs: [host([1, -2, 3], [3], "int32")], call: (t) => t[0].clone(), ref: (h) => same(h[0]) },
    ],
  },
  {
    m: "copy_",
    samples: (r) => [
      { label: "from another tensor", inputs: [x234(r), x234(r)], call: (t) => t[0].copy_(t[1]), ref: (h) => same(h[1]) },
      { label: "from its own transpose", inputs: [randHost(r, [3, 3])], call: (t) => tidy(() => t[0].copy_(t[0].t())), ref: (h) => permuteRef(h[0], [1, 0]) },
    ],
    errors: [
      { label: "shape mismatch", inputs: [ones234(), host([1, 2], [2])], call: (t) => t[0].copy_(t[1]), error: RangeError, message: "src" },
      { label: "dtype mismatch", inputs: [host([1, 2], [2]), host([1, 2], [2], "int32")], call: (t) => t[0].copy_(t[1]), error: TypeError, message: "dtype" },
      { label: "src a nested array", inputs: [host([1, 2], [2])], call: (t) => t[0].copy_([1, 2] as unknown as Tensor), error: TypeError, message: "src" },
    ],
  },
  {
    m: "fill_",
    samples: (r) => [
      { label: "2.5", inputs: [x234(r)], call: (t) => t[0].fill_(2.5), ref: (h) => ({ data: new Float64Array(24).fill(2.5), shape: h[0].shape, exact: true }) },
      { label: "-Inf", inputs: [x234(r)], call: (t) => t[0].fill_(-Infinity), ref: (h) => ({ data: new Float64Array(24).fill(-Infinity), shape: h[0].shape, exact: true }) },
    ],
    errors: [{ label: "string value", inputs: [ones234()], call: (t) => t[0].fill_("1" as unknown as number), error: TypeError, message: "value" }],
  },
  {
    m: "toArray",
    samples: (r) => [{ label: "view", inputs: [x234(r)], call: (t) => t[0].toArray(), check: (out, h) => expectArray(out as Float32Array, h[0].data) }],
  },
  {
    m: "toNested",
    samples: (r) => [
      { label: "[2,3,4]", inputs: [x234(r)], call: (t) => t[0].toNested(), check: (out, h) => expectArray((out as number[][][]).flat(2), h[0].data) },
      { label: "0-D", inputs: [randHost(r, [])], call: (t) => t[0].toNested(), check: (out, h) => expectArray([out as number], h[0].data) },
    ],
  },
  {
    m: "item",
    samples: (r) => [{ label: "[1,1]", inputs: [randHost(r, [1, 1])], call: (t) => t[0].item(), check: (out, h) => expectArray([out as number], h[0].data) }],
    errors: [{ label: "3 elements", inputs: [host([1, 2, 3], [3])], call: (t) => t[0].item(), error: RangeError, message: "one element" }],
  },
  {
    m: "size",
    samples: (r) => [
      { label: "all", inputs: [x234(r)], call: (t) => t[0].size(), check: (out) => expectArray(out as number[], [2, 3, 4]) },
      { label: "dim -1", inputs: [x234(r)], call: (t) => t[0].size(-1), check: (out) => expectArray([out as number], [4]) },
    ],
    errors: [{ label: "dim 3", inputs: [ones234()], call: (t) => t[0].size(3), error: RangeError, message: "dim" }],
  },
  {
    m: "isContiguous",
    variants: [],
    samples: (r) => [{ label: "contiguous", inputs: [x234(r)], call: (t) => t[0].isContiguous(), check: (out) => expectArray([Number(out)], [1]) }],
  },
  {
    m: "toString",
    samples: (r) => [{ label: "[2,3,4]", inputs: [x234(r)], call: (t) => t[0].toString(), check: (out) => { if (out !== "Tensor(float32, [2,3,4])") throw new Error(`got ${out}`); } }],
  },
  {
    m: "dispose",
    samples: (r) => [{ label: "twice is harmless", inputs: [x234(r)], call: (t) => { t[0].dispose(); t[0].dispose(); return t[0].isDisposed; }, check: (out) => expectArray([Number(out)], [1]) }],
  },
];

function disposed(t: Tensor): Tensor {
  const c = t.clone();
  c.dispose();
  return c;
}

function expectArray(a: ArrayLike<number>, e: ArrayLike<number>): void {
  if (a.length !== e.length) throw new Error(`length ${a.length}, expected ${e.length}`);
  for (let i = 0; i < e.length; i++) {
    if (!Object.is(a[i], Math.fround(e[i])) && !(a[i] === e[i])) throw new Error(`element ${i}: ${a[i]} vs ${e[i]}`);
  }
}

const methodEntries: OpInfo[] = METHODS.map((s) => ({
  name: `Tensor.${s.m}`,
  prefix: `Tensor.${s.m}`,
  variants: s.variants ?? ["noncontig"],
  samples: s.samples,
  errors: s.errors ? () => s.errors! : undefined,
}));

// ---- creation ----

const creation: OpInfo[] = [
  {
    name: "tensor",
    prefix: "tensor",
    variants: ["batch0", "extreme"],
    samples: (r) => {
      const x = randHost(r, [2, 3]);
      const nested = [Array.from(x.data.slice(0, 3)), Array.from(x.data.slice(3))];
      return [
        { label: "nested array", inputs: [x], perturb: [], call: () => tensor(nested), ref: () => same(x) },
        { label: "typed array with shape", inputs: [x], call: (t) => tensor(t[0].toArray(), [3, 2]), ref: (h) => same(h[0], [3, 2]) },
        { label: "number", inputs: [], call: () => tensor(2.5), ref: () => ({ data: [2.5], shape: [], exact: true }) },
        { label: "int32 dtype", inputs: [], call: () => tensor([1, -2], null, { dtype: "int32" }), ref: () => ({ data: [1, -2], shape: [2], exact: true, dtype: "int32" }) },
        { label: "empty", variant: "batch0", inputs: [], call: () => tensor([], [0, 3]), ref: () => ({ data: [], shape: [0, 3], exact: true }) },
      ];
    },
    errors: () => [
      { label: "strings", call: () => tensor(["a", "b"] as unknown as number[]), error: TypeError, message: "data" },
      { label: "ragged", call: () => tensor([[1, 2], [3]]), error: RangeError, message: "data" },
      { label: "shape mismatch", call: () => tensor([1, 2, 3], [2, 2]), error: RangeError, message: "" },
      { label: "dtype float64", call: () => tensor([1], null, { dtype: "float64" as "float32" }), error: RangeError, message: "dtype" },
      { label: "int32 with 1.5", call: () => tensor([1.5], null, { dtype: "int32" }), error: RangeError, message: "int32" },
      { label: "null data", call: () => tensor(null as unknown as number[]), error: TypeError, message: "data" },
    ],
    withOptions: (_t, o) => tensor([1], null, o),
  },
  ...(["zeros", "ones", "empty"] as const).map((name): OpInfo => {
    const fn = { zeros, ones, empty }[name];
    const value = { zeros: 0, ones: 1, empty: NaN }[name];
    return {
      name,
      prefix: name,
      variants: ["batch0"],
      samples: () => [
        { label: "(2, 3)", inputs: [], call: () => fn(2, 3), ref: () => ({ data: new Float64Array(6).fill(value), shape: [2, 3], exact: true }), check: name === "empty" ? () => undefined : undefined },
        { label: "[4]", inputs: [], call: () => fn([4]), ref: () => ({ data: new Float64Array(4).fill(value), shape: [4], exact: true }) },
        { label: "[0, 2]", variant: "batch0", inputs: [], call: () => fn([0, 2]), ref: () => ({ data: [], shape: [0, 2], exact: true }) },
      ].map((s) => (name === "empty" ? { ...s, ref: undefined, check: (out: unknown) => { if (!((out as Tensor).numel === numel((out as Tensor).shape))) throw new Error("bad"); } } : s)) as Sample[],
      errors: () => [
        { label: "negative size", call: () => fn(-1), error: RangeError, message: "shape" },
        { label: "size 1.5", call: () => fn([1.5]), error: RangeError, message: "shape" },
        { label: "huge", call: () => fn(2 ** 20, 2 ** 20), error: RangeError, message: "" },
      ],
    };
  }),
  {
    name: "full",
    prefix: "full",
    variants: ["batch0"],
    samples: () => [
      { label: "[2,2] 7", inputs: [], call: () => full([2, 2], 7), ref: () => ({ data: [7, 7, 7, 7], shape: [2, 2], exact: true }) },
      { label: "int32", inputs: [], call: () => full([3], -4, { dtype: "int32" }), ref: () => ({ data: [-4, -4, -4], shape: [3], exact: true, dtype: "int32" }) },
      { label: "[0]", variant: "batch0", inputs: [], call: () => full([0], 1), ref: () => ({ data: [], shape: [0], exact: true }) },
    ],
    errors: () => [
      { label: "dtype float64", call: () => full([1], 1, { dtype: "float64" as "float32" }), error: RangeError, message: "dtype" },
      { label: "value a string", call: () => full([1], "1" as unknown as number), error: TypeError, message: "value" },
      { label: "shape a number", call: () => full(3 as unknown as number[], 1), error: TypeError, message: "shape" },
    ],
    withOptions: (_t, o) => full([1], 1, o),
  },
  ...(["rand", "randn"] as const).map((name): OpInfo => {
    const fn = { rand, randn }[name];
    return {
      name,
      prefix: name,
      variants: ["batch0"],
      samples: () => [
        {
          label: "seeded, reproducible",
          inputs: [],
          call: () => {
            manualSeed(7);
            const a = fn(64);
            manualSeed(7);
            const b = fn([64]);
            return [a, b];
          },
          check: (out) => {
            const [a, b] = (out as Tensor[]).map((t) => t.toArray());
            expectArray(a, b);
            if (name === "rand" && a.some((v) => !(v >= 0 && v < 1))) throw new Error("rand outside [0, 1)");
            if (a.some((v) => !Number.isFinite(v))) throw new Error("non-finite draw");
          },
        },
        { label: "[0]", variant: "batch0", inputs: [], call: () => fn(0), ref: () => ({ data: [], shape: [0], exact: true }) },
      ],
      errors: () => [{ label: "negative size", call: () => fn(-2), error: RangeError, message: "shape" }],
    };
  }),
  {
    name: "arange",
    prefix: "arange",
    variants: ["batch0"],
    samples: () => [
      { label: "5", inputs: [], call: () => arange(5), ref: () => ({ data: [0, 1, 2, 3, 4], shape: [5], exact: true }) },
      { label: "1, 2, 0.25", inputs: [], call: () => arange(1, 2, 0.25), ref: () => ({ data: [1, 1.25, 1.5, 1.75], shape: [4], exact: true }) },
      { label: "3, 0, -1", inputs: [], call: () => arange(3, 0, -1), ref: () => ({ data: [3, 2, 1], shape: [3], exact: true }) },
      { label: "0", variant: "batch0", inputs: [], call: () => arange(0), ref: () => ({ data: [], shape: [0], exact: true }) },
    ],
    errors: () => [
      { label: "step 0", call: () => arange(0, 1, 0), error: RangeError, message: "step" },
      { label: "wrong direction", call: () => arange(0, 5, -1), error: RangeError, message: "" },
      { label: "NaN end", call: () => arange(NaN), error: RangeError, message: "end" },
      { label: "huge", call: () => arange(1e12), error: RangeError, message: "arange: " },
    ],
  },
];

// ---- scopes and bookkeeping ----

const bookkeeping: OpInfo[] = [
  {
    name: "tidy",
    prefix: "tidy",
    variants: [],
    samples: () => [
      {
        label: "frees temporaries, keeps the result",
        inputs: [],
        call: () => {
          const before = memory().tensors;
          const out = tidy(() => {
            zeros(3);
            return ones(2);
          });
          const after = memory().tensors;
          return [out, tensor([after - before])];
        },
        check: (out) => {
          if ((out as Tensor[])[1].item() !== 1) throw new Error("tidy left a temporary");
        },
      },
    ],
    errors: () => [
      { label: "not a function", call: () => tidy(3 as unknown as () => void), error: TypeError, message: "function" },
      { label: "async function", call: () => tidy((async () => zeros(1)) as unknown as () => Tensor), error: TypeError, message: "synchronous" },
    ],
  },
  {
    name: "keep",
    prefix: "keep",
    variants: [],
    samples: () => [
      {
        label: "a kept tensor survives tidy",
        inputs: [],
        call: () => {
          let kept: Tensor | null = null;
          tidy(() => {
            kept = keep(ones(2));
          });
          return kept;
        },
        ref: () => ({ data: [1, 1], shape: [2], exact: true }),
      },
    ],
    errors: () => [{ label: "not a tensor", call: () => keep(3 as unknown as Tensor), error: TypeError, message: "keep: expected tensor" }],
  },
  {
    name: "memory",
    prefix: "memory",
    variants: [],
    samples: () => [
      {
        label: "counts a tensor and its bytes",
        inputs: [],
        call: () => {
          const a = memory();
          const t = zeros(10);
          const b = memory();
          t.dispose();
          return [b.tensors - a.tensors, b.bytes - a.bytes];
        },
        check: (out) => expectArray(out as number[], [1, 40]),
      },
    ],
  },
  {
    name: "manualSeed",
    prefix: "manualSeed",
    variants: [],
    samples: () => [
      {
        label: "bigint seed reproduces",
        inputs: [],
        call: () => {
          manualSeed(3n);
          const a = rand(4);
          manualSeed(3);
          const b = rand(4);
          return [a, b];
        },
        check: (out) => expectArray((out as Tensor[])[0].toArray(), (out as Tensor[])[1].toArray()),
      },
    ],
    errors: () => [
      { label: "string seed", call: () => manualSeed("1" as unknown as number), error: TypeError, message: "seed" },
      { label: "NaN seed", call: () => manualSeed(NaN), error: RangeError, message: "seed" },
    ],
  },
];

export const TENSOR: OpInfo[] = [...methodEntries, ...creation, ...bookkeeping];
void Tensor;
