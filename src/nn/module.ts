// nn.Module: parameters and buffers under PyTorch's names, child modules, state dicts,
// train/eval.

import { sameShape } from "../shape";
import { checkBoolean, checkOptions, checkTensor, optionOr } from "../args";
import { rangeError, shapeStr, typeError } from "../errors";
import { keep } from "../scope";
import { Tensor, emptyTensor } from "../tensor";

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). */
  strict?: boolean;
}

export abstract class Module {
  /** True after `train()` (the default), false after `eval()`. */
  training = true;
  readonly #parameters = new Map<string, Tensor | null>();
  /** State that is not trained (BatchNorm's running statistics): in state dicts, not in parameters(). */
  readonly #buffers = new Map<string, Tensor | null>();
  readonly #children = new Map<string, Module>();

  abstract forward(...args: unknown[]): unknown;

  /** @internal Name used in error messages: the class name, as in PyTorch's repr. */
  get layerName(): string {
    return this.constructor.name;
  }

  /**
   * Registers a parameter (or `null` for an absent one, like PyTorch's `bias=None`).
   * The tensor is kept out of every `tidy()` scope: it lives until `dispose()`.
   */
  protected registerParameter(name: string, value: Tensor | null): Tensor | null {
    if (value !== null) keep(value);
    this.#parameters.set(name, value);
    return value;
  }

  /** A new float32 parameter of `shape`, uninitialised, registered under `name`. */
  protected newParameter(name: string, shape: readonly number[]): Tensor {
    return this.registerParameter(name, emptyTensor(shape, "float32", this.layerName)) as Tensor;
  }

  /**
   * Registers a buffer (PyTorch's register_buffer): a tensor the module keeps and updates
   * itself, saved and loaded with the state dict but not returned by `parameters()`;
   * `null` for an absent one, which the state dict leaves out. Kept out of every `tidy()`
   * scope; freed by `dispose()`.
   */
  protected registerBuffer(name: string, value: Tensor | null): Tensor | null {
    if (value !== null) keep(value);
    this.#buffers.set(name, value);
    return value;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    if (!(module instanceof Module)) throw typeError(this.layerName, `expected child ${name} to be an nn.Module`);
    this.#children.set(name, module);
    return module;
  }

  /** Direct child modules, in registration order. */
  children(): Module[] {
    return [...this.#children.values()];
  }

  namedChildren(): [string, Module][] {
    return [...this.#children.entries()];
  }

  /** Every parameter of this module and its descendants, as `[dotted name, tensor]`. */
  namedParameters(prefix = ""): [string, Tensor][] {
    return this.#named(prefix, (m) => m.#parameters);
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer of this module and its descendants, as `[dotted name, tensor]`. */
  namedBuffers(prefix = ""): [string, Tensor][] {
    return this.#named(prefix, (m) => m.#buffers);
  }

  /** The tensors `own` picks from this module and each descendant, under dotted names (absent ones skipped). */
  #named(prefix: string, own: (m: Module) => Map<string, Tensor | null>): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, t] of own(this)) if (t !== null) out.push([prefix + name, t]);
    for (const [name, child] of this.#children) out.push(...child.#named(`${prefix}${name}.`, own));
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** What the state dict holds, in PyTorch's order: own parameters, own buffers, then each child's. */
  #stateEntries(prefix: string, out: [string, Tensor][]): [string, Tensor][] {
    for (const [name, p] of this.#parameters) if (p !== null) out.push([prefix + name, p]);
    for (const [name, b] of this.#buffers) if (b !== null) out.push([prefix + name, b]);
    for (const [name, child] of this.#children) child.#stateEntries(`${prefix}${name}.`, out);
    return out;
  }

  /**
   * `{ name: tensor }` with PyTorch's keys (`weight`, `0.bias`, `running_mean`, ...), as an
   * object without prototype (every name is a plain key). The tensors are views of the
   * parameters and buffers: reading them sees current values, disposing them does not
   * free the module's own tensors.
   */
  stateDict(): Record<string, Tensor> {
    const dict: Record<string, Tensor> = Object.create(null);
    for (const [name, p] of this.#stateEntries("", [])) dict[name] = p.viewOf(p.shape, p.strides, p.offset);
    return dict;
  }

  /**
   * Copies values from `dict` into the parameters and buffers (the caller keeps its
   * tensors). All or nothing: every missing or unexpected key (when strict) and every
   * shape or dtype mismatch is reported in one RangeError, and then nothing has changed.
   */
  loadStateDict(dict: Record<string, Tensor>, options: LoadStateDictOptions = {}): void {
    const layer = `${this.layerName}.loadStateDict`;
    const strict = optionOr(layer, checkOptions(layer, options, ["strict"]), "strict", true, checkBoolean);
    if (dict === null || typeof dict !== "object") throw typeError(layer, "expected a { name: Tensor } object");
    const own = new Map(this.#stateEntries("", []));
    const problems: string[] = [];
    const pairs: [Tensor, Tensor][] = [];
    // Own keys only: a name such as "__proto__" or "toString" is an ordinary key, and nothing is read from a prototype.
    for (const [name, value] of Object.entries(dict)) {
      const target = own.get(name);
      if (target === undefined) {
        if (strict) problems.push(`unexpected key ${JSON.stringify(name)}`);
        continue;
      }
      try {
        checkTensor(layer, name, value);
      } catch (e) {
        problems.push((e as Error).message.slice(layer.length + 2));
        continue;
      }
      if (!sameShape(target.shape, value.shape)) {
        problems.push(`${name}: expected shape ${shapeStr(target.shape)}, got ${shapeStr(value.shape)}`);
      } else if (value.dtype !== target.dtype) {
        problems.push(`${name}: expected dtype ${target.dtype}, got ${value.dtype}`);
      } else {
        pairs.push([target, value]);
      }
    }
    if (strict) {
      for (const name of own.keys()) if (!Object.hasOwn(dict, name)) problems.push(`missing key ${JSON.stringify(name)}`);
    }
    if (problems.length > 0) {
      throw rangeError(layer, `cannot load the state dict, nothing was changed: ${problems.join("; ")}`);
    }
    for (const [target, value] of pairs) target.copy_(value);
  }

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    checkBoolean(`${this.layerName}.train`, "mode", mode);
    this.training = mode;
    for (const child of this.#children.values()) child.train(mode);
    return this;
  }

  /** Same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Frees every parameter and buffer of this module and its descendants. */
  dispose(): void {
    for (const p of this.#parameters.values()) p?.dispose();
    for (const b of this.#buffers.values()) b?.dispose();
    for (const child of this.#children.values()) child.dispose();
  }
}
