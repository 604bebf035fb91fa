// nn.loadModel: a PyTorch model exported by tools/export_model.py (a JSON graph plus
// safetensors weights, docs/model-format.md) as an ordinary nn.Module.
//
// Everything that can be checked without the Wasm heap is checked first: the graph's
// structure and ops (graph-check.ts), then the weight file's header against the state
// dict the graph's modules will own. Only then are modules built and the weights loaded
// (and if that still fails, everything built so far is freed).

import { checkTensor } from "../args";
import { badType, rangeError, shapeStr, typeError } from "../errors";
import { loadSafetensors } from "../safetensors";
import { Tensor } from "../tensor";
import { LAYER, type Plan, type PlanNode, checkGraph } from "./graph-check";
import { type IndexItem, indexTensor } from "./graph-ops";
import { type Folded, type FoldNorm, type FoldTarget, type Fusion, findFusions, fold, foldKey } from "./graph-fuse";
import { type Clamp, NO_CLAMP } from "../functional/conv";
import { Module } from "./module";

/** A module of the model's tree that only holds children (PyTorch's Sequential or a custom block). */
export class ModelPart extends Module {
  /** @internal */
  addChild(name: string, m: Module): void {
    this.registerModule(name, m);
  }

  forward(): never {
    throw typeError(this.layerName, "a part of a loaded model runs only as part of the model's forward; call the model");
  }
}

const FLOAT_DTYPES = new Set(["F32", "F16", "BF16", "F64"]);
const INT_DTYPES = new Set(["I32", "I64"]);

/** The tensors named in a safetensors header ({name: {dtype, shape}}), or null when the file is malformed. */
function readHeader(data: Uint8Array): Map<string, { dtype: unknown; shape: unknown }> | null {
  if (data.length < 8) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > data.length - 8) return null;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(8, 8 + n)));
  } catch {
    return null;
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) return null;
  const out = new Map<string, { dtype: unknown; shape: unknown }>();
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") continue;
    if (info === null || typeof info !== "object") return null;
    const { dtype, shape } = info as Record<string, unknown>;
    out.set(name, { dtype, shape });
  }
  return out;
}

/** Compares the weight file's tensors with the state dict the graph's modules will own; one error lists every difference. */
function checkWeights(plan: Plan, header: Map<string, { dtype: unknown; shape: unknown }>): void {
  const problems: string[] = [];
  const expected = new Set<string>();
  for (const m of plan.modules) {
    for (const e of m.state) {
      const key = `${m.name}.${e.name}`;
      expected.add(key);
      const got = header.get(key);
      if (got === undefined) {
        problems.push(`missing ${JSON.stringify(key)}`);
        continue;
      }
      const shape = got.shape as number[];
      if (!Array.isArray(shape) || shape.length !== e.shape.length || shape.some((s, i) => s !== e.shape[i])) {
        problems.push(`${JSON.stringify(key)} has shape ${Array.isArray(shape) ? shapeStr(shape) : JSON.stringify(shape)}, but ${m.type} ${JSON.stringify(m.name)} needs ${shapeStr(e.shape)}`);
      } else if (!(e.dtype === "int32" ? INT_DTYPES : FLOAT_DTYPES).has(got.dtype as string)) {
        problems.push(`${JSON.stringify(key)} has dtype ${JSON.stringify(got.dtype)}, but ${m.type} needs ${e.dtype === "int32" ? "an integer (I64 or I32)" : "a float (F32, F16, BF16 or F64)"}`);
      }
    }
  }
  for (const key of header.keys()) if (!expected.has(key)) problems.push(`unexpected ${JSON.stringify(key)}`);
  if (problems.length > 0) {
    const shown = problems.length > 20 ? [...problems.slice(0, 20), `... and ${problems.length - 20} more`] : problems;
    throw rangeError(LAYER, `the weights do not match the graph's modules: ${shown.join("; ")}`);
  }
}

function tensorsIn(value: unknown, into: Tensor[] = []): Tensor[] {
  if (value instanceof Tensor) into.push(value);
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, into);
  return into;
}

/** A convolution module as a fused chain uses it (nn/conv.ts). */
type FusableConv = Module & { weight: Tensor; bias: Tensor | null; groups: number } & { fusedForward(x: Tensor, weight: Tensor, bias: Tensor | null, clamp: Clamp): Tensor };

/**
 * A model loaded from a graph: its modules are children under PyTorch's names (so
 * `stateDict()` has PyTorch's keys), and `forward` runs the graph's nodes in order, freeing
 * every intermediate tensor right after its last reader. Convolution chains (Conv,
 * BatchNorm, ReLU) run as one fused call where the mode allows (graph-fuse.ts).
 */
export class LoadedModel extends Module {
  readonly #plan: Plan;
  readonly #modules = new Map<string, Module>();
  /** Chains by convolution node, and the nodes they skip (with the chain's convolution node). */
  readonly #fusions: Map<string, Fusion>;
  readonly #skippedBy = new Map<string, string>();
  /** BatchNorm folded into a convolution, per convolution node, kept per version of its inputs. */
  readonly #folded = new Map<string, Folded>();

  /** @internal Use nn.loadModel. */
  constructor(plan: Plan) {
    super();
    this.#plan = plan;
    const parts = new Map<string, ModelPart>();
    const parentOf = (path: string[]): { addChild(name: string, m: Module): void } => {
      if (path.length === 0) return { addChild: (name, m) => this.registerModule(name, m) };
      const key = path.join(".");
      let part = parts.get(key);
      if (part === undefined) {
        part = new ModelPart();
        parentOf(path.slice(0, -1)).addChild(path[path.length - 1], part);
        parts.set(key, part);
      }
      return part;
    };
    try {
      for (const m of plan.modules) {
        let module: Module;
        try {
          module = m.spec.make(m.args.slice(), { ...m.options });
        } catch (e) {
          // The constructor's own check (an option value out of range, say), named after the graph's module.
          if (e instanceof TypeError || e instanceof RangeError) {
            throw new (e.constructor as typeof TypeError)(`${LAYER}: module ${JSON.stringify(m.name)} (${m.type}): ${e.message}`);
          }
          throw e;
        }
        const path = m.name.split(".");
        parentOf(path.slice(0, -1)).addChild(path[path.length - 1], module);
        this.#modules.set(m.name, module);
      }
    } catch (e) {
      this.dispose();
      for (const module of this.#modules.values()) module.dispose();
      throw e;
    }
    const tracking = new Set(plan.modules.filter((m) => (this.#modules.get(m.name) as { runningMean?: unknown }).runningMean instanceof Tensor).map((m) => m.name));
    this.#fusions = findFusions(plan, tracking);
    for (const [conv, f] of this.#fusions) for (const name of f.skipped) this.#skippedBy.set(name, conv);
  }

  /** Whether the chain of a convolution node runs fused now: always for an activation alone, in eval mode with a BatchNorm. */
  #active(f: Fusion): boolean {
    return f.bn === null || !this.training;
  }

  /** The BatchNorm of `f` folded into the convolution `conv`, recomputed when any tensor it reads has changed. */
  #foldedFor(node: string, conv: FusableConv, f: Fusion): Folded {
    const bn = this.#modules.get(f.bn!) as unknown as FoldNorm;
    const target: FoldTarget = { weight: conv.weight, bias: conv.bias, groups: conv.groups, transposed: f.transposed };
    const current = this.#folded.get(node);
    if (current !== undefined && current.key === foldKey(target, bn)) return current;
    if (current !== undefined) {
      current.weight.dispose();
      current.bias.dispose();
      this.#folded.delete(node);
    }
    const folded = fold(target, bn);
    this.#folded.set(node, folded);
    return folded;
  }

  /** eval() folds every BatchNorm of a chain at once, so the first forward finds them ready. */
  override train(mode = true): this {
    super.train(mode);
    if (!mode && this.#fusions !== undefined) {
      for (const [node, f] of this.#fusions) {
        if (f.bn !== null) this.#foldedFor(node, this.#modules.get(f.conv) as FusableConv, f);
      }
    }
    return this;
  }

  override dispose(): void {
    for (const f of this.#folded.values()) {
      f.weight.dispose();
      f.bias.dispose();
    }
    this.#folded.clear();
    super.dispose();
  }


  /** The names of the traced inputs, in the order forward takes them. */
  get inputNames(): string[] {
    return this.#plan.inputs.map((i) => i.name);
  }

  forward(...inputs: unknown[]): Tensor | unknown[] {
    const layer = `${this.layerName}.forward`;
    const plan = this.#plan;
    if (inputs.length !== plan.inputs.length) {
      throw typeError(layer, `expected ${plan.inputs.length} input(s) (${this.inputNames.join(", ")}), got ${inputs.length}`);
    }
    const values = new Map<string, unknown>();
    const live = new Set<Tensor>();
    plan.inputs.forEach((spec, i) => {
      const t = inputs[i];
      checkTensor(layer, spec.name, t);
      if (spec.shape !== null && t.ndim !== spec.shape.length) {
        throw rangeError(layer, `expected ${spec.name} to have ${spec.shape.length} dimensions (traced with shape ${shapeStr(spec.shape)}), got shape ${shapeStr(t.shape)}`);
      }
      if (t.dtype !== spec.dtype) throw badType(layer, spec.name, `a ${spec.dtype} tensor`, t);
      values.set(spec.name, t);
      live.add(t);
    });
    const inputSet = new Set(live);
    const resolve = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(resolve);
      if (v !== null && typeof v === "object") return values.get((v as { node: string }).node);
      return v;
    };
    /** A tensor another value already holds becomes a view of its own, so each value can be freed alone. */
    const own = (v: unknown): unknown => {
      if (v instanceof Tensor) {
        const t = live.has(v) ? v.viewOf(v.shape, v.strides, v.offset) : v;
        live.add(t);
        return t;
      }
      return Array.isArray(v) ? v.map(own) : v;
    };
    const release = (name: string) => {
      for (const t of tensorsIn(values.get(name))) {
        live.delete(t);
        t.dispose();
      }
      values.delete(name);
    };
    try {
      for (const node of plan.nodes) {
        let out: unknown;
        try {
          out = this.#run(node, resolve);
        } catch (e) {
          if (e instanceof Error) e.message = `node ${JSON.stringify(node.name)}: ${e.message}`;
          throw e;
        }
        values.set(node.name, own(out));
        for (const name of node.frees) release(name);
      }
      const result = resolve(plan.outputs);
      // An input returned as an output is handed back as a view, which the caller may dispose.
      const fresh = (v: unknown): unknown => (v instanceof Tensor && inputSet.has(v) ? v.viewOf(v.shape, v.strides, v.offset) : Array.isArray(v) ? v.map(fresh) : v);
      return fresh(result) as Tensor | unknown[];
    } catch (e) {
      for (const name of [...values.keys()]) if (!plan.inputs.some((i) => i.name === name)) release(name);
      throw e;
    }
  }

  #run(node: PlanNode, resolve: (v: unknown) => unknown): unknown {
    const args = resolve(node.args) as unknown[];
    const chain = this.#skippedBy.get(node.name);
    // A node a fused convolution already did: its value is its argument's.
    if (chain !== undefined && this.#active(this.#fusions.get(chain)!)) return args[0];
    const fusion = this.#fusions.get(node.name);
    if (fusion !== undefined && this.#active(fusion)) {
      const conv = this.#modules.get(node.target) as FusableConv;
      const { weight, bias } = fusion.bn === null ? conv : this.#foldedFor(node.name, conv, fusion);
      return conv.fusedForward(args[0] as Tensor, weight, bias, fusion.clamp ?? NO_CLAMP);
    }
    switch (node.op) {
      case "call_module":
        return (this.#modules.get(node.target) as Module).forward(...args);
      case "getitem": {
        const [base, index] = [args[0], node.args[1]];
        if (Array.isArray(base)) {
          if (typeof index !== "number" || index < -base.length || index >= base.length) {
            throw rangeError(LAYER, `getitem: index ${JSON.stringify(index)} out of range for ${base.length} values`);
          }
          return base[index < 0 ? index + base.length : index];
        }
        if (!(base instanceof Tensor)) throw typeError(LAYER, "getitem: expected a tensor or a tuple of tensors to index");
        return indexTensor(base, (typeof index === "number" ? [index] : index) as IndexItem[]);
      }
      default: {
        const options: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(node.options)) options[k] = resolve(v);
        return node.fn!.run(args, options);
      }
    }
  }
}

/**
 * Builds the model that tools/export_model.py exported: `graph` is the parsed prefix.json
 * (or its text), `weights` the bytes of prefix.safetensors. The graph is checked as
 * untrusted input (format and version, unknown ops listed together, references, argument
 * counts and options, weight names, shapes and dtypes against the modules) before
 * anything is allocated; each problem is a TypeError or RangeError "loadModel: ...".
 * Returns the model in eval mode; `forward` takes the traced inputs in order and returns
 * a tensor, or an array for a model that returns a tuple.
 */
export function loadModel(graph: unknown, weights: Uint8Array | ArrayBuffer): LoadedModel {
  const plan = checkGraph(graph);
  let bytes: Uint8Array;
  if (weights instanceof ArrayBuffer) bytes = new Uint8Array(weights);
  else if (weights instanceof Uint8Array) bytes = weights;
  else throw badType(LAYER, "weights", "the bytes of a .safetensors file (a Uint8Array or an ArrayBuffer)", weights);
  const header = readHeader(bytes);
  // A malformed file: loadSafetensors names the problem (and allocates nothing for one).
  if (header === null) {
    try {
      for (const t of Object.values(loadSafetensors(bytes))) t.dispose();
    } catch (e) {
      if (e instanceof RangeError || e instanceof TypeError) throw new (e.constructor as typeof RangeError)(`${LAYER}: weights: ${e.message}`);
      throw e;
    }
    throw rangeError(LAYER, "weights: not a readable safetensors file");
  }
  checkWeights(plan, header);
  const model = new LoadedModel(plan);
  try {
    const dict = loadSafetensors(bytes);
    try {
      model.loadStateDict(dict);
    } finally {
      for (const t of Object.values(dict)) t.dispose();
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model.eval();
}
