// Error messages in one style: "<layer>: <argument>: expected <what>, got <actual>".
// Each check throws before any work is done, so a failed call changes nothing.

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/**
 * Marks tensors (on Tensor.prototype) with this copy of the package. A tensor carrying a
 * different mark comes from a second copy loaded in the same process (two versions, or a
 * bundle plus node_modules): it cannot be used here, and error messages say so.
 */
export const TENSOR_BRAND = Symbol.for("wasm-nn.tensor");
export const THIS_COPY: object = Object.freeze({ package: "wasm-nn" });

/** A short, readable rendering of any user-supplied value for "got ..." parts of messages. */
export function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.length > 8 ? `an array of ${value.length}` : `[${value.map(describe).join(",")}]`;
  if (typeof value === "function") return "a function";
  const brand = (value as { [TENSOR_BRAND]?: unknown })[TENSOR_BRAND];
  if (brand !== undefined && brand !== THIS_COPY) {
    const t = value as { shape?: readonly number[]; dtype?: string; isDisposed?: boolean };
    const shape = t.isDisposed ? "(disposed)" : `of shape ${shapeStr(t.shape ?? [])}`;
    return (
      `a ${t.dtype} tensor ${shape} from another copy of wasm-nn ` +
      "(two copies of the package are loaded in this process, e.g. two versions, or a bundle and " +
      "node_modules; each has its own Wasm memory, so tensors cannot move between them: load one copy)"
    );
  }
  const ctor = (value as object).constructor?.name;
  if (ctor === "Tensor") {
    const t = value as { shape: readonly number[]; dtype: string; isDisposed: boolean };
    return t.isDisposed ? `a disposed ${t.dtype} tensor` : `a ${t.dtype} tensor of shape ${shapeStr(t.shape)}`;
  }
  return ctor && ctor !== "Object" ? `a ${ctor}` : "an object";
}

export function rangeError(layer: string, message: string): RangeError {
  return new RangeError(`${layer}: ${message}`);
}

export function typeError(layer: string, message: string): TypeError {
  return new TypeError(`${layer}: ${message}`);
}

/** "<layer>: expected <arg> <expected>, got <actual>" as a RangeError. */
export function badValue(layer: string, arg: string, expected: string, actual: unknown): RangeError {
  return rangeError(layer, `expected ${arg} ${expected}, got ${describe(actual)}`);
}

/** "<layer>: expected <arg> <expected>, got <actual>" as a TypeError. */
export function badType(layer: string, arg: string, expected: string, actual: unknown): TypeError {
  return typeError(layer, `expected ${arg} ${expected}, got ${describe(actual)}`);
}

/**
 * Thrown by every function that needs the Wasm kernels when `ready()` has not resolved
 * yet. It is a TypeError (a call made in the wrong state), named "NotReadyError" so it
 * can be told apart: `e instanceof NotReadyError` or `e.name === "NotReadyError"`.
 */
export class NotReadyError extends TypeError {
  constructor() {
    super("wasm-nn is not ready: call `await ready()` once (it loads the Wasm kernels) before creating or using tensors and layers");
    this.name = "NotReadyError";
  }
}
