// Convolution chains of a loaded model that run as one convolution call:
//   Conv -> BatchNorm (eval)            the normalisation folded into the weights and bias;
//   Conv [-> BatchNorm] -> ReLU/ReLU6   the activation done by the convolution's epilogue.
// A chain only forms where each link's output has no other reader, so nothing else could
// see the values it skips. Folding holds only while the BatchNorm uses its running
// estimates (eval mode); in train mode such a chain runs node by node.
//
// Folding, per output channel c: s = gamma / sqrt(running_var + eps) (in float64), then
// W'[c] = W[c] * s and b'[c] = (b[c] - running_mean) * s + beta. It differs from running
// the two layers only by float32 rounding. Folded tensors are kept per version of the six
// tensors they come from (fold()), so a changed weight or statistic is never missed.

import { mul } from "../arithmetic";
import { keep } from "../scope";
import { tensor } from "../creation";
import type { Tensor } from "../tensor";
import { stamp } from "../weight-cache";
import type { Clamp } from "../functional/conv";
import type { Plan, PlanNode } from "./graph-check";

/** One chain: the convolution node, its BatchNorm module (or null), its activation, and the nodes it makes redundant. */
export interface Fusion {
  /** The convolution module (the node's target). */
  conv: string;
  /** The convolution is transposed (its weights are [inC, outC/groups, ...]). */
  transposed: boolean;
  bn: string | null;
  clamp: Clamp | null;
  /** Nodes whose value is the chain's output once the convolution has run fused. */
  skipped: string[];
}

const CONV_TYPES = new Set(["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]);
const BATCH_NORM_TYPES = new Set(["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]);
const RELU: Clamp = { min: 0, max: Infinity };
const RELU6: Clamp = { min: 0, max: 6 };

/** Every node name `value` refers to ({node: name}, in arrays and objects). */
function refsIn(value: unknown, into: string[]): string[] {
  if (Array.isArray(value)) for (const v of value) refsIn(v, into);
  else if (value !== null && typeof value === "object") {
    const node = (value as { node?: unknown }).node;
    if (typeof node === "string") into.push(node);
    else for (const v of Object.values(value)) refsIn(v, into);
  }
  return into;
}

/** The clamp a node applies when it is a plain ReLU or ReLU6 of its one argument, else null. */
function activationOf(node: PlanNode, typeOf: Map<string, string>): Clamp | null {
  if (node.args.length !== 1) return null;
  if (node.op === "call_module") {
    const type = typeOf.get(node.target);
    return type === "ReLU" ? RELU : type === "ReLU6" ? RELU6 : null;
  }
  if (node.op !== "call_function" && node.op !== "call_method") return null;
  if (Object.keys(node.options).length !== 0) return null;
  return node.target === "F.relu" ? RELU : node.target === "F.relu6" ? RELU6 : null;
}

/**
 * The chains of `plan`, by convolution node name. `trackingNorms` names the BatchNorm
 * modules that keep running estimates (the others normalise by batch statistics even in
 * eval mode and cannot be folded).
 */
export function findFusions(plan: Plan, trackingNorms: Set<string>): Map<string, Fusion> {
  const typeOf = new Map(plan.modules.map((m) => [m.name, m.type]));
  const readers = new Map<string, PlanNode[]>();
  const outputs = new Set(refsIn(plan.outputs, []));
  for (const node of plan.nodes) {
    for (const ref of refsIn([node.args, node.options], [])) {
      const list = readers.get(ref) ?? [];
      if (!list.includes(node)) list.push(node);
      readers.set(ref, list);
    }
  }
  /** The one node that reads `name`'s value, when it reads it as its only argument. */
  const soleReader = (name: string): PlanNode | null => {
    const list = readers.get(name) ?? [];
    if (outputs.has(name) || list.length !== 1) return null;
    const next = list[0];
    const args = next.args as { node?: string }[];
    return args.length === 1 && args[0]?.node === name && Object.keys(next.options).length === 0 ? next : null;
  };
  const fusions = new Map<string, Fusion>();
  for (const node of plan.nodes) {
    if (node.op !== "call_module" || !CONV_TYPES.has(typeOf.get(node.target) ?? "")) continue;
    if (node.args.length !== 1 || Object.keys(node.options).length !== 0) continue;
    let last = node.name;
    let bn: string | null = null;
    const skipped: string[] = [];
    const next = soleReader(last);
    if (next !== null && next.op === "call_module" && BATCH_NORM_TYPES.has(typeOf.get(next.target) ?? "") && trackingNorms.has(next.target)) {
      bn = next.target;
      skipped.push(next.name);
      last = next.name;
    }
    const act = soleReader(last);
    const clamp = act === null ? null : activationOf(act, typeOf);
    if (clamp !== null) skipped.push(act!.name);
    const transposed = typeOf.get(node.target)!.startsWith("ConvTranspose");
    if (skipped.length > 0) fusions.set(node.name, { conv: node.target, transposed, bn, clamp, skipped });
  }
  return fusions;
}

/** What a convolution module needs folded: its weight and bias, and their output-channel layout. */
export interface FoldTarget {
  weight: Tensor;
  bias: Tensor | null;
  groups: number;
  /** Transposed convolutions hold weights as [inC, outC/groups, ...]. */
  transposed: boolean;
}

/** What a BatchNorm contributes. */
export interface FoldNorm {
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: Tensor;
  runningVar: Tensor;
  eps: number;
}

/** Folded weight and bias with the key of what they were computed from. */
export interface Folded {
  key: string;
  weight: Tensor;
  bias: Tensor;
}

/** The key of a fold: every tensor it reads, at its current version, and eps. */
export function foldKey(c: FoldTarget, n: FoldNorm): string {
  return [c.weight, c.bias, n.weight, n.bias, n.runningMean, n.runningVar].map(stamp).join("|") + `|eps ${n.eps}`;
}

/** Folds the BatchNorm `n` into the convolution `c` (see the header); the results live outside tidy scopes. */
export function fold(c: FoldTarget, n: FoldNorm): Folded {
  const key = foldKey(c, n);
  const mean = n.runningMean.toArray();
  const variance = n.runningVar.toArray();
  const gamma = n.weight?.toArray();
  const beta = n.bias?.toArray();
  const bias = c.bias?.toArray();
  const C = mean.length;
  const scale = new Array<number>(C);
  const shift = new Array<number>(C);
  for (let i = 0; i < C; i++) {
    scale[i] = (gamma === undefined ? 1 : gamma[i]) / Math.sqrt(variance[i] + n.eps);
    shift[i] = ((bias === undefined ? 0 : bias[i]) - mean[i]) * scale[i] + (beta === undefined ? 0 : beta[i]);
  }
  // Output channel c of a transposed convolution is column c % (C / groups) of group c / (C / groups).
  const w = c.weight;
  const spatial = w.shape.slice(2).map(() => 1);
  const ocg = C / c.groups;
  const [wView, sShape] = c.transposed
    ? [w.reshape([c.groups, w.shape[0] / c.groups, ocg, ...w.shape.slice(2)]), [c.groups, 1, ocg, ...spatial]]
    : [w, [C, 1, ...spatial]];
  const scaleFlat = tensor(scale);
  const s = scaleFlat.reshape(sShape);
  scaleFlat.dispose();
  let weight: Tensor | null = null;
  try {
    const product = mul(wView, s);
    weight = product.reshape(w.shape);
    product.dispose();
    return { key, weight: keep(weight), bias: keep(tensor(shift)) };
  } catch (e) {
    weight?.dispose();
    throw e;
  } finally {
    s.dispose();
    if (wView !== w) wView.dispose();
  }
}
