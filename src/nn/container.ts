// Containers and reshaping modules: Sequential, ModuleList, Flatten, Unflatten, Identity.
//
// Children are named "0", "1", ... as in PyTorch, so state dict keys ("0.weight",
// "2.bias") match a PyTorch model built the same way.

import { numelOf } from "../shape";
import { checkOptions, checkTensor, normalizeDim } from "../args";
import { badType, badValue, rangeError, shapeStr, typeError } from "../errors";
import { Tensor } from "../tensor";
import { Module } from "./module";

/** The tensors in a module's result: a tensor, or (nested) arrays of them such as [output, indices]. */
function tensorsIn(value: unknown, into: Set<Tensor> = new Set()): Set<Tensor> {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, into);
  return into;
}

/** Disposes the tensors of an intermediate result, except those that also belong to `keep`. */
function disposeIntermediate(value: unknown, ...keep: unknown[]): void {
  const kept = new Set<Tensor>();
  for (const k of keep) tensorsIn(k, kept);
  for (const t of tensorsIn(value)) if (!kept.has(t)) t.dispose();
}

function checkModule(layer: string, index: number, m: unknown): Module {
  if (!(m instanceof Module)) throw badType(layer, `module ${index}`, "an nn.Module", m);
  return m;
}

/** Index in [-length, length) -> [0, length), or throws. */
function indexOf(layer: string, index: unknown, length: number): number {
  if (typeof index !== "number" || !Number.isInteger(index)) throw badType(layer, "index", "an integer", index);
  if (index < -length || index >= length) {
    throw badValue(layer, "index", length === 0 ? "into a non-empty container" : `in [${-length}, ${length - 1}]`, index);
  }
  return index < 0 ? index + length : index;
}

/** Children numbered "0", "1", ... in order: what Sequential and ModuleList share. */
abstract class NumberedModules extends Module {
  readonly #kind: string;

  constructor(kind: string) {
    super();
    this.#kind = kind;
  }

  get length(): number {
    return this.children().length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): Module {
    const children = this.children();
    return children[indexOf(this.#kind, index, children.length)];
  }

  /** Adds a module at the end; returns this. */
  append(module: Module): this {
    const n = this.length;
    this.registerModule(String(n), checkModule(this.#kind, n, module));
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/**
 * Runs its modules in order, each on the previous one's output. Intermediate tensors are
 * disposed as soon as the next module has consumed them; the input and the final output
 * are the caller's. `forward` returns a Tensor; when the last module returns something
 * else (e.g. `[values, indices]` from a pool with `returnIndices`), name it:
 * `new nn.Sequential<[Tensor, Tensor]>(...)`.
 */
export class Sequential<Out = Tensor> extends NumberedModules {
  constructor(...modules: Module[]) {
    super("Sequential");
    for (const m of modules) this.append(m);
  }



  forward(input: Tensor): Out {
    let current: unknown = input;
    try {
      for (const m of this.children()) {
        const next = m.forward(current);
        // What a module returns may hold its input again (Identity, [x, indices]): keep those.
        disposeIntermediate(current, input, next);
        current = next;
      }
    } catch (e) {
      // Everything made by earlier modules is ours to free; the input stays the caller's.
      disposeIntermediate(current, input);
      throw e;
    }
    return current as Out;
  }
}

/** Holds modules (registered as "0", "1", ...) without a forward of its own. */
export class ModuleList extends NumberedModules {
  constructor(modules: Iterable<Module> = []) {
    super("ModuleList");
    if (modules === null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== "function") {
      throw badType("ModuleList", "modules", "an array (or iterable) of nn.Module", modules);
    }
    for (const m of modules) this.append(m);
  }


  /** Appends every module of an iterable; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }


  forward(): never {
    throw typeError("ModuleList", "has no forward(); iterate over it and call each module");
  }
}

/** Returns its input unchanged (as a new tensor object over the same data, which the caller may dispose independently). */
export class Identity extends Module {
  // PyTorch's Identity accepts and ignores any arguments, so that it can stand in for any layer.
  constructor(..._ignored: unknown[]) {
    super();
  }

  forward(input: Tensor): Tensor {
    checkTensor("Identity", "input", input);
    return input.viewOf(input.shape, input.strides, input.offset);
  }
}

/** Merges dimensions startDim..endDim (default 1..-1) into one: [N, C, H, W] -> [N, C*H*W]. */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(options?: { startDim?: number; endDim?: number }) {
    super();
    const o = checkOptions("Flatten", options, ["startDim", "endDim"]);
    const start = o.startDim ?? 1;
    const end = o.endDim ?? -1;
    if (typeof start !== "number" || !Number.isInteger(start)) throw badType("Flatten", "startDim", "an integer", start);
    if (typeof end !== "number" || !Number.isInteger(end)) throw badType("Flatten", "endDim", "an integer", end);
    this.startDim = start;
    this.endDim = end;
  }

  forward(input: Tensor): Tensor {
    checkTensor("Flatten", "input", input);
    // A 0-D tensor behaves as a 1-D tensor of one element, as in torch.flatten.
    const shape = input.ndim === 0 ? [1] : input.shape;
    const s = normalizeDim("Flatten", "startDim", this.startDim, shape.length);
    const e = normalizeDim("Flatten", "endDim", this.endDim, shape.length);
    if (s > e) {
      throw rangeError("Flatten", `expected startDim <= endDim, got startDim ${this.startDim} and endDim ${this.endDim} for input shape ${shapeStr(input.shape)}`);
    }
    const out = [...shape.slice(0, s), numelOf(shape.slice(s, e + 1)), ...shape.slice(e + 1)];
    return input.reshape(out);
  }
}

/** Splits dimension `dim` into `sizes` (one of them may be -1): [N, 12] -> [N, 3, 4]. */
export class Unflatten extends Module {
  readonly dim: number;
  readonly sizes: readonly number[];
  constructor(dim: number, sizes: readonly number[]) {
    super();
    if (typeof dim !== "number" || !Number.isInteger(dim)) throw badType("Unflatten", "dim", "an integer", dim);
    if (!Array.isArray(sizes) || sizes.length === 0) throw badType("Unflatten", "sizes", "a non-empty array of sizes", sizes);
    let inferred = 0;
    for (const s of sizes) {
      if (typeof s !== "number" || !Number.isInteger(s) || s < -1) throw badValue("Unflatten", "sizes", "non-negative integers (one may be -1)", sizes);
      if (s === -1) inferred++;
    }
    if (inferred > 1) throw badValue("Unflatten", "sizes", "at most one -1", sizes);
    this.dim = dim;
    this.sizes = Object.freeze(sizes.slice());
  }

  forward(input: Tensor): Tensor {
    checkTensor("Unflatten", "input", input);
    const d = normalizeDim("Unflatten", "dim", this.dim, input.ndim);
    const size = input.ndim === 0 ? 1 : input.shape[d];
    const known = numelOf(this.sizes.filter((s) => s !== -1));
    let sizes = this.sizes.slice();
    if (sizes.includes(-1)) {
      if (known === 0 || size % known !== 0) {
        throw rangeError("Unflatten", `cannot split dimension ${d} of size ${size} into ${shapeStr(this.sizes)} (input shape ${shapeStr(input.shape)})`);
      }
      sizes = sizes.map((s) => (s === -1 ? size / known : s));
    } else if (known !== size) {
      throw rangeError("Unflatten", `expected sizes whose product is ${size} (dimension ${d} of input shape ${shapeStr(input.shape)}), got ${shapeStr(this.sizes)}`);
    }
    const shape = input.ndim === 0 ? sizes : [...input.shape.slice(0, d), ...sizes, ...input.shape.slice(d + 1)];
    return input.reshape(shape);
  }
}
