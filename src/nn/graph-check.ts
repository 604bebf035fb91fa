// Checks a model graph (docs/model-format.md) as untrusted input and turns it into a plan
// loadModel can run: every structural problem is found here, before anything is
// allocated. Unknown ops are collected and reported together; every other problem is
// reported at the first place it occurs, naming the node or module.

import { rangeError, typeError } from "../errors";
import { FUNCTIONS, METHODS, type OpSpec, indexProblem } from "./graph-ops";
import { type ModuleSpec, type StateEntry, moduleSpec } from "./graph-modules";

export const LAYER = "loadModel";
export const FORMAT = "wasm-nn-graph";
export const VERSION = 1;
/** Generous bounds that keep a hostile graph from exhausting the JS heap before it is rejected. */
const MAX_NODES = 100_000;
const MAX_DEPTH = 32;

export interface PlanModule {
  name: string;
  type: string;
  args: unknown[];
  options: Record<string, unknown>;
  spec: ModuleSpec;
  state: StateEntry[];
}

export interface PlanNode {
  name: string;
  op: "call_module" | "call_function" | "call_method" | "getitem";
  target: string;
  args: unknown[];
  options: Record<string, unknown>;
  /** call_function / call_method only. */
  fn?: OpSpec;
  /** Values no later node or output reads: freed right after this node runs. */
  frees: string[];
}

export interface Plan {
  inputs: { name: string; shape: number[] | null; dtype: string }[];
  outputs: unknown;
  modules: PlanModule[];
  nodes: PlanNode[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const q = JSON.stringify;

function short(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 80)}...` : s;
}

function fields(where: string, v: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) throw typeError(LAYER, `${where}: unknown field ${q(k)}; fields are ${allowed.join(", ")}`);
}

/** Calls `visit` on every node reference ({"node": name}) inside a value; checks literals are plain JSON. */
function walkRefs(where: string, v: unknown, visit: (name: string) => void, depth = 0): void {
  if (depth > MAX_DEPTH) throw rangeError(LAYER, `${where}: values nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) {
    for (const x of v) walkRefs(where, x, visit, depth + 1);
  } else if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1 || keys[0] !== "node" || typeof v.node !== "string") {
      throw typeError(LAYER, `${where}: expected a literal or a reference {"node": name}, got ${short(v)}`);
    }
    visit(v.node);
  } else if (!(v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean")) {
    throw typeError(LAYER, `${where}: expected JSON values, got ${typeof v}`);
  } else if (typeof v === "number" && !Number.isFinite(v)) {
    throw typeError(LAYER, `${where}: expected finite numbers, got ${v}`);
  }
}

function checkModules(raw: unknown, unknown: string[]): PlanModule[] {
  if (!isObject(raw)) throw typeError(LAYER, `expected graph.modules to be an object of { type, args, options }, got ${short(raw)}`);
  const out: PlanModule[] = [];
  for (const [name, m] of Object.entries(raw)) {
    const where = `module ${q(name)}`;
    if (name === "" || name.split(".").some((p) => p === "")) throw rangeError(LAYER, `${where}: expected a dotted name of non-empty parts`);
    if (!isObject(m)) throw typeError(LAYER, `${where}: expected { type, args, options }, got ${short(m)}`);
    fields(where, m, ["type", "args", "options"]);
    const { type, args = [], options = {} } = m;
    if (typeof type !== "string") throw typeError(LAYER, `${where}: expected type to be a string, got ${short(type)}`);
    const spec = moduleSpec(type);
    if (spec === undefined) {
      unknown.push(`module type ${q(type)} (${name})`);
      continue;
    }
    if (!Array.isArray(args)) throw typeError(LAYER, `${where}: expected args to be an array, got ${short(args)}`);
    if (!isObject(options)) throw typeError(LAYER, `${where}: expected options to be an object, got ${short(options)}`);
    walkRefs(where, args, () => {
      throw typeError(LAYER, `${where}: module arguments cannot reference nodes`);
    });
    walkRefs(where, Object.values(options), () => {
      throw typeError(LAYER, `${where}: module options cannot reference nodes`);
    });
    const [lo, hi] = spec.args;
    if (args.length < lo || args.length > hi) {
      throw rangeError(LAYER, `${where} (${type}): expected ${lo === hi ? lo : `${lo} to ${hi}`} arguments, got ${args.length}`);
    }
    for (const k of Object.keys(options)) {
      if (!spec.options.includes(k)) throw typeError(LAYER, `${where} (${type}): unknown option ${q(k)}; options are ${spec.options.join(", ") || "none"}`);
    }
    let state: StateEntry[];
    try {
      state = spec.state(args, options);
    } catch (e) {
      if (typeof e !== "string") throw e;
      throw rangeError(LAYER, `${where} (${type}): ${e}`);
    }
    out.push({ name, type, args, options, spec, state });
  }
  // A module's name must not also be a prefix of another's (a leaf module has no children here).
  const names = new Set(out.map((m) => m.name));
  for (const m of out) {
    const parts = m.name.split(".");
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join(".");
      if (names.has(prefix)) throw rangeError(LAYER, `module ${q(m.name)}: its parent ${q(prefix)} is itself a module of the graph`);
    }
  }
  return out;
}

function checkNode(where: string, n: Record<string, unknown>, modules: Map<string, PlanModule>, unknown: string[]): PlanNode | null {
  fields(where, n, ["name", "op", "target", "args", "options"]);
  const { op, target, args = [], options = {} } = n;
  if (!Array.isArray(args)) throw typeError(LAYER, `${where}: expected args to be an array, got ${short(args)}`);
  if (!isObject(options)) throw typeError(LAYER, `${where}: expected options to be an object, got ${short(options)}`);
  const node: PlanNode = { name: n.name as string, op: op as PlanNode["op"], target: String(target ?? ""), args, options, frees: [] };
  if (op === "getitem") {
    if (target !== undefined) throw typeError(LAYER, `${where}: a getitem node has no target`);
    if (args.length !== 2 || !isObject(args[0])) throw rangeError(LAYER, `${where}: expected getitem args [{"node": name}, index], got ${short(args)}`);
    const problem = indexProblem(args[1]);
    if (problem !== null) throw rangeError(LAYER, `${where}: ${problem}`);
    if (Object.keys(options).length > 0) throw typeError(LAYER, `${where}: getitem takes no options`);
    return node;
  }
  if (typeof target !== "string") throw typeError(LAYER, `${where}: expected target to be a string, got ${short(target)}`);
  if (op === "call_module") {
    const m = modules.get(target);
    if (m === undefined) throw rangeError(LAYER, `${where}: target ${q(target)} is not a module of the graph`);
    if (args.length !== m.spec.inputs) throw rangeError(LAYER, `${where}: module ${q(target)} (${m.type}) takes ${m.spec.inputs} input(s), got ${args.length}`);
    if (Object.keys(options).length > 0) throw typeError(LAYER, `${where}: a call_module node takes no options`);
    return node;
  }
  if (op !== "call_function" && op !== "call_method") {
    unknown.push(`op ${q(op)} (node ${q(n.name)})`);
    return null;
  }
  const table = op === "call_function" ? FUNCTIONS : METHODS;
  const fn = Object.hasOwn(table, target) ? table[target] : undefined;
  if (fn === undefined) {
    unknown.push(`${op === "call_function" ? "function" : "method"} ${q(target)}`);
    return null;
  }
  const [lo, hi] = fn.args;
  if (args.length < lo || args.length > hi) throw rangeError(LAYER, `${where} (${target}): expected ${lo === hi ? lo : `${lo} to ${hi}`} arguments, got ${args.length}`);
  for (const k of Object.keys(options)) {
    if (!fn.options.includes(k)) throw typeError(LAYER, `${where} (${target}): unknown option ${q(k)}; options are ${fn.options.join(", ") || "none"}`);
  }
  node.fn = fn;
  return node;
}

/** The graph (parsed JSON or its text) checked and planned; throws TypeError/RangeError "loadModel: ...". */
export function checkGraph(graph: unknown): Plan {
  if (typeof graph === "string") {
    try {
      graph = JSON.parse(graph);
    } catch (e) {
      throw rangeError(LAYER, `the graph is not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObject(graph)) throw typeError(LAYER, `expected graph to be a model graph object or its JSON text, got ${short(graph)}`);
  if (graph.format !== FORMAT) throw rangeError(LAYER, `expected graph.format ${q(FORMAT)}, got ${short(graph.format)}`);
  if (graph.version !== VERSION) {
    throw rangeError(LAYER, `unknown graph version ${short(graph.version)}: this wasm-nn reads version ${VERSION} (export the model again with this version's tools/export_model.py, or upgrade wasm-nn)`);
  }
  fields("graph", graph, ["format", "version", "inputs", "outputs", "modules", "nodes"]);
  const unknown: string[] = [];
  const modules = checkModules(graph.modules ?? {}, unknown);
  const byName = new Map(modules.map((m) => [m.name, m]));

  const { inputs, nodes, outputs } = graph;
  if (!Array.isArray(inputs) || inputs.length === 0) throw typeError(LAYER, `expected graph.inputs to be a non-empty array of { name, shape, dtype }, got ${short(inputs)}`);
  if (!Array.isArray(nodes)) throw typeError(LAYER, `expected graph.nodes to be an array, got ${short(nodes)}`);
  if (nodes.length > MAX_NODES) throw rangeError(LAYER, `expected at most ${MAX_NODES} nodes, got ${nodes.length}`);
  const defined = new Set<string>();
  const planInputs: Plan["inputs"] = [];
  for (const [i, inp] of inputs.entries()) {
    if (!isObject(inp) || typeof inp.name !== "string") throw typeError(LAYER, `graph.inputs[${i}]: expected { name, shape, dtype }, got ${short(inp)}`);
    fields(`graph.inputs[${i}]`, inp, ["name", "shape", "dtype"]);
    if (defined.has(inp.name)) throw rangeError(LAYER, `graph.inputs[${i}]: the name ${q(inp.name)} is used twice`);
    const dtype = inp.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "int32") throw rangeError(LAYER, `graph.inputs[${i}]: expected dtype "float32" or "int32", got ${short(dtype)}`);
    const shape = inp.shape ?? null;
    if (shape !== null && !(Array.isArray(shape) && shape.every((s) => Number.isInteger(s) && s >= 0))) {
      throw typeError(LAYER, `graph.inputs[${i}]: expected shape to be an array of non-negative integers, got ${short(shape)}`);
    }
    defined.add(inp.name);
    planInputs.push({ name: inp.name, shape, dtype });
  }

  const planNodes: PlanNode[] = [];
  const lastUse = new Map<string, number>();
  for (const [i, n] of nodes.entries()) {
    if (!isObject(n) || typeof n.name !== "string" || n.name === "") throw typeError(LAYER, `graph.nodes[${i}]: expected { name, op, target, args, options } with a non-empty name, got ${short(n)}`);
    const where = `node ${q(n.name)}`;
    if (defined.has(n.name)) throw rangeError(LAYER, `${where}: the name is used twice`);
    const node = checkNode(where, n, byName, unknown);
    const visit = (ref: string) => {
      if (!defined.has(ref)) {
        throw rangeError(LAYER, `${where}: references ${q(ref)}, which is ${ref === n.name ? "the node itself" : "not an input or an earlier node"}`);
      }
      lastUse.set(ref, i);
    };
    // A getitem's index may hold {"slice": ...} items: only its first argument is a value.
    walkRefs(where, node?.op === "getitem" ? [node.args[0]] : (n.args ?? []), visit);
    if (isObject(n.options)) walkRefs(where, Object.values(n.options), visit);
    defined.add(n.name);
    if (node !== null) planNodes.push(node);
  }
  if (unknown.length > 0) {
    throw rangeError(LAYER, `the graph uses ${unknown.length} op(s) this wasm-nn does not know: ${[...new Set(unknown)].join(", ")}`);
  }
  if (outputs === undefined) throw typeError(LAYER, "expected graph.outputs (a reference {\"node\": name} or an array of them)");
  const kept = new Set<string>();
  walkRefs("graph.outputs", outputs, (ref) => {
    if (!defined.has(ref)) throw rangeError(LAYER, `graph.outputs: references ${q(ref)}, which is not an input or a node`);
    kept.add(ref);
  });
  const inputNames = new Set(planInputs.map((p) => p.name));
  for (const [ref, i] of lastUse) if (!kept.has(ref) && !inputNames.has(ref)) planNodes[i].frees.push(ref);
  // A node nobody reads is freed right after it runs.
  for (const node of planNodes) if (!lastUse.has(node.name) && !kept.has(node.name)) node.frees.push(node.name);
  return { inputs: planInputs, outputs, modules, nodes: planNodes };
}
