// Error messages in one style: "<layer>: <argument>: expected <what>, got <actual>".
// Each check throws before any work is done, so a failed call changes nothing.

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** A short, readable rendering of any user-supplied value for "got ..." parts of messages. */
export function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.length > 8 ? `an array of ${value.length}` : `[${value.map(describe).join(",")}]`;
  if (typeof value === "function") return "a function";
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
