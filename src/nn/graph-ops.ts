// The functions and tensor methods a model graph may call (docs/model-format.md), each
// with its argument count and option names, which loadModel checks before it builds
// anything, and the wasm-nn call that runs it. The argument values themselves are checked
// by the functions when the model runs, with their usual errors.

import { add, sub, mul, div, pow, neg, exp, log, sqrt } from "../arithmetic";
import { matmul } from "../matmul";
import { cat, stack } from "../join";
import { sum, mean, amax } from "../reduce";
import { typeError } from "../errors";
import { Tensor } from "../tensor";
import * as F from "../functional/index";

type Run = (args: unknown[], options: Record<string, unknown>) => unknown;

export interface OpSpec {
  /** Positional arguments: [fewest, most]. */
  args: [number, number];
  options: readonly string[];
  run: Run;
}

const LAYER = "loadModel";

function tensorArg(what: string, v: unknown): Tensor {
  if (!(v instanceof Tensor)) throw typeError(LAYER, `${what}: expected a tensor, got ${typeof v === "object" ? "a non-tensor value" : JSON.stringify(v)}`);
  return v;
}

const op = (args: [number, number], options: readonly string[], run: Run): OpSpec => ({ args, options, run });
/** A function of (tensor, options), such as F.relu or F.interpolate. */
const unaryF = (f: (x: Tensor, o: never) => unknown, options: readonly string[]) =>
  op([1, 1], options, (a, o) => f(a[0] as Tensor, o as never));
const binary = (f: (a: Tensor, b: Tensor, o?: never) => unknown, options: readonly string[] = []) =>
  op([2, 2], options, (a, o) => (options.length > 0 ? f(a[0] as Tensor, a[1] as Tensor, o as never) : f(a[0] as Tensor, a[1] as Tensor)));
const reduction = (f: (x: Tensor, o: never) => unknown) => op([1, 1], ["dim", "keepdim"], (a, o) => f(a[0] as Tensor, o as never));
/** A function of (tensor, one positional value, options), such as F.maxPool2d(x, kernelSize, options). */
const withArg = (f: (x: Tensor, v: never, o?: never) => unknown, options: readonly string[] = []) =>
  op([2, 2], options, (a, o) => f(a[0] as Tensor, a[1] as never, o as never));

const MAX_POOL = ["stride", "padding", "dilation", "ceilMode", "returnIndices"] as const;
const AVG_POOL = ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"] as const;

/** call_function targets: wasm-nn's top-level functions and F.* */
export const FUNCTIONS: Record<string, OpSpec> = Object.assign(Object.create(null) as Record<string, OpSpec>, {
  add: binary(add, ["alpha"]),
  sub: binary(sub, ["alpha"]),
  mul: binary(mul),
  div: binary(div),
  pow: binary(pow),
  matmul: binary(matmul),
  neg: unaryF(neg, []),
  exp: unaryF(exp, []),
  log: unaryF(log, []),
  sqrt: unaryF(sqrt, []),
  cat: op([1, 2], [], (a) => cat(a[0] as Tensor[], (a[1] ?? 0) as number)),
  stack: op([1, 2], [], (a) => stack(a[0] as Tensor[], (a[1] ?? 0) as number)),
  sum: reduction(sum),
  mean: reduction(mean),
  amax: reduction(amax),
  "F.relu": unaryF(F.relu, []),
  "F.relu6": unaryF(F.relu6, []),
  "F.sigmoid": unaryF(F.sigmoid, []),
  "F.tanh": unaryF(F.tanh, []),
  "F.silu": unaryF(F.silu, []),
  "F.mish": unaryF(F.mish, []),
  "F.selu": unaryF(F.selu, []),
  "F.hardswish": unaryF(F.hardswish, []),
  "F.hardsigmoid": unaryF(F.hardsigmoid, []),
  "F.softsign": unaryF(F.softsign, []),
  "F.logsigmoid": unaryF(F.logsigmoid, []),
  "F.gelu": unaryF(F.gelu, ["approximate"]),
  "F.leakyRelu": unaryF(F.leakyRelu, ["negativeSlope"]),
  "F.elu": unaryF(F.elu, ["alpha"]),
  "F.celu": unaryF(F.celu, ["alpha"]),
  "F.hardtanh": unaryF(F.hardtanh, ["minVal", "maxVal"]),
  "F.softplus": unaryF(F.softplus, ["beta", "threshold"]),
  "F.softmax": unaryF(F.softmax, ["dim"]),
  "F.logSoftmax": unaryF(F.logSoftmax, ["dim"]),
  "F.glu": unaryF(F.glu, ["dim"]),
  "F.interpolate": unaryF(F.interpolate, ["size", "scaleFactor", "mode", "alignCorners", "recomputeScaleFactor"]),
  "F.pad": withArg(F.pad, ["mode", "value"]),
  "F.pixelShuffle": withArg(F.pixelShuffle),
  "F.pixelUnshuffle": withArg(F.pixelUnshuffle),
  "F.adaptiveAvgPool1d": withArg(F.adaptiveAvgPool1d),
  "F.adaptiveAvgPool2d": withArg(F.adaptiveAvgPool2d),
  "F.adaptiveAvgPool3d": withArg(F.adaptiveAvgPool3d),
  "F.adaptiveMaxPool1d": withArg(F.adaptiveMaxPool1d, ["returnIndices"]),
  "F.adaptiveMaxPool2d": withArg(F.adaptiveMaxPool2d, ["returnIndices"]),
  "F.adaptiveMaxPool3d": withArg(F.adaptiveMaxPool3d, ["returnIndices"]),
  "F.maxPool1d": withArg(F.maxPool1d, MAX_POOL),
  "F.maxPool2d": withArg(F.maxPool2d, MAX_POOL),
  "F.maxPool3d": withArg(F.maxPool3d, MAX_POOL),
  "F.avgPool1d": withArg(F.avgPool1d, AVG_POOL.slice(0, 4)),
  "F.avgPool2d": withArg(F.avgPool2d, AVG_POOL),
  "F.avgPool3d": withArg(F.avgPool3d, AVG_POOL),
});

/** PyTorch's chunk: pieces of ceil(size / chunks) along dim (fewer pieces when that divides unevenly). */
function chunk(x: Tensor, chunks: unknown, dim: unknown): Tensor[] {
  if (typeof chunks !== "number" || !Number.isInteger(chunks) || chunks < 1) throw typeError(LAYER, `chunk: expected chunks to be a positive integer, got ${JSON.stringify(chunks)}`);
  const size = x.size(dim as number);
  return split(x, Math.max(1, Math.ceil(size / chunks)), dim);
}

/** PyTorch's split: pieces of `sizes` (a number: equal pieces, the last one smaller) along dim. */
function split(x: Tensor, sizes: unknown, dim: unknown): Tensor[] {
  const total = x.size(dim as number);
  let list: number[];
  if (typeof sizes === "number" && Number.isInteger(sizes) && sizes > 0) {
    list = [];
    for (let s = 0; s < total || (total === 0 && list.length === 0); s += sizes) list.push(Math.min(sizes, total - s));
  } else if (Array.isArray(sizes) && sizes.every((s) => Number.isInteger(s) && s >= 0) && sizes.reduce((a, b) => a + b, 0) === total) {
    list = sizes as number[];
  } else {
    throw typeError(LAYER, `split: expected a positive piece size or sizes summing to ${total}, got ${JSON.stringify(sizes)}`);
  }
  const out: Tensor[] = [];
  let start = 0;
  for (const n of list) {
    out.push(x.narrow(dim as number, start, n));
    start += n;
  }
  return out;
}

/** call_method targets: Tensor methods (views and reshapes) plus chunk/split. */
export const METHODS: Record<string, OpSpec> = Object.assign(Object.create(null) as Record<string, OpSpec>, {
  view: op([2, 2], [], (a) => tensorArg("view", a[0]).view(a[1] as number[])),
  reshape: op([2, 2], [], (a) => tensorArg("reshape", a[0]).reshape(a[1] as number[])),
  permute: op([2, 2], [], (a) => tensorArg("permute", a[0]).permute(a[1] as number[])),
  flatten: op([1, 3], [], (a) => tensorArg("flatten", a[0]).flatten((a[1] ?? 0) as number, (a[2] ?? -1) as number)),
  transpose: op([3, 3], [], (a) => tensorArg("transpose", a[0]).transpose(a[1] as number, a[2] as number)),
  unsqueeze: op([2, 2], [], (a) => tensorArg("unsqueeze", a[0]).unsqueeze(a[1] as number)),
  squeeze: op([1, 2], [], (a) => tensorArg("squeeze", a[0]).squeeze(a[1] as number | undefined)),
  contiguous: op([1, 1], [], (a) => tensorArg("contiguous", a[0]).contiguous()),
  chunk: op([2, 3], [], (a) => chunk(tensorArg("chunk", a[0]), a[1], a[2] ?? 0)),
  split: op([2, 3], [], (a) => split(tensorArg("split", a[0]), a[1], a[2] ?? 0)),
});

export type IndexItem = number | null | "..." | { slice: [number | null, number | null, number | null] };

/** Checks a tensor subscript from a graph (the format's getitem index); returns a message when malformed. */
export function indexProblem(index: unknown): string | null {
  if (typeof index === "number") return Number.isInteger(index) ? null : `expected an integer index, got ${index}`;
  if (!Array.isArray(index)) return `expected an integer or a list of index items, got ${JSON.stringify(index)}`;
  let ellipses = 0;
  for (const item of index) {
    if (item === null || (typeof item === "number" && Number.isInteger(item))) continue;
    if (item === "...") {
      ellipses++;
      continue;
    }
    const s = (item as { slice?: unknown })?.slice;
    const keys = item !== null && typeof item === "object" ? Object.keys(item) : [];
    if (keys.length === 1 && Array.isArray(s) && s.length === 3 && s.every((v) => v === null || Number.isInteger(v)) && (s[2] === null || s[2] > 0)) continue;
    return `expected index items to be integers, null, "..." or {"slice": [start, stop, step > 0]}, got ${JSON.stringify(item)}`;
  }
  return ellipses > 1 ? `expected at most one "..." in an index, got ${ellipses}` : null;
}

/** x[index] for a tensor: integers select, slices narrow, null inserts a dimension (a view). */
export function indexTensor(x: Tensor, items: IndexItem[]): Tensor {
  const consumed = items.filter((i) => i !== null && i !== "...").length;
  const expanded: IndexItem[] = [];
  for (const item of items) {
    if (item === "...") for (let i = consumed; i < x.ndim; i++) expanded.push({ slice: [null, null, null] });
    else expanded.push(item);
  }
  let t = x.viewOf(x.shape, x.strides, x.offset);
  let d = 0;
  try {
    for (const item of expanded) {
      let next: Tensor;
      if (item === null) next = t.unsqueeze(d++);
      else if (typeof item === "number") next = t.select(d, item);
      else if (item !== "...") {
        const [start, stop, step] = item.slice;
        next = t.slice(d++, start ?? 0, stop ?? undefined, step ?? 1);
      } else continue;
      t.dispose();
      t = next;
    }
    return t;
  } catch (e) {
    t.dispose();
    throw e;
  }
}
