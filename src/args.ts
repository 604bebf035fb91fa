// Normalising user arguments once, at the top of an F function or in a constructor.

import { badType, badValue, rangeError, shapeStr, typeError } from "./errors";
import { type DType, Tensor } from "./tensor";

/** `number | number[]` -> an array of `n` integers, each >= `min` (PyTorch's _single/_pair/_triple). */
export function tuple(layer: string, arg: string, value: unknown, n: number, min: number): number[] {
  const values = typeof value === "number" ? new Array<number>(n).fill(value) : value;
  if (!Array.isArray(values) || (values.length !== n && !(values.length === 1 && n > 1 && typeof values[0] === "number"))) {
    throw badType(layer, arg, `an integer or an array of ${n} integers`, value);
  }
  const out = values.length === n ? values.slice() : new Array<number>(n).fill(values[0]);
  for (const v of out) {
    if (typeof v !== "number" || !Number.isInteger(v)) throw badType(layer, arg, `an integer or an array of ${n} integers`, value);
    if (v < min) throw badValue(layer, arg, min === 1 ? "positive integers" : `integers >= ${min}`, value);
  }
  return out as number[];
}

/** Rejects option names the layer does not know, so `{padding_mode: ...}` is not silently ignored. */
export function checkOptions(layer: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options)) throw badType(layer, "options", "an options object", options);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      const hint = camel !== key && allowed.includes(camel) ? ` (did you mean ${camel}?)` : "";
      throw typeError(layer, `unknown option ${JSON.stringify(key)}${hint}; options are ${allowed.join(", ")}`);
    }
  }
  return options as Record<string, unknown>;
}

export function checkBoolean(layer: string, arg: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw badType(layer, arg, "true or false", value);
  return value;
}

export function checkFiniteNumber(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw badType(layer, arg, "a finite number", value);
  return value;
}

export function checkPositiveInt(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw badValue(layer, arg, "a positive integer", value);
  return value;
}

export function checkChoice<T extends string>(layer: string, arg: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw badValue(layer, arg, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, value);
  return value as T;
}

/**
 * Accepts an input with `spatial` spatial dimensions, batched [N, C, ...] or unbatched
 * [C, ...] as PyTorch does; returns the batched view and whether a batch dimension
 * was added (the caller squeezes its output back).
 */
export function batched(layer: string, arg: string, input: unknown, spatial: number): { x: Tensor; added: boolean } {
  checkTensor(layer, arg, input);
  const rank = spatial + 2;
  if (input.ndim === rank) return { x: input, added: false };
  if (input.ndim === rank - 1) return { x: input.unsqueeze(0), added: true };
  throw rangeError(
    layer,
    `expected ${arg} with ${rank - 1} (unbatched) or ${rank} (batched) dimensions, got ${input.ndim} (shape ${shapeStr(input.shape)})`,
  );
}

/** Removes the batch dimension added by `batched` and frees the temporary view. */
export function unbatched(out: Tensor, added: boolean): Tensor {
  if (!added) return out;
  const squeezed = out.squeeze(0);
  out.dispose();
  return squeezed;
}

/** Throws a TypeError unless `t` is a live Tensor. */
export function checkTensor(layer: string, arg: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw badType(layer, arg, "a Tensor", t);
  if (t.isDisposed) throw typeError(layer, `${arg} is a disposed tensor`);
}

/** Throws a TypeError unless `t` has the dtype `dtype`. */
export function checkDtype(layer: string, arg: string, t: Tensor, dtype: DType): void {
  if (t.dtype !== dtype) throw typeError(layer, `expected ${arg} of dtype ${dtype}, got ${t.dtype} (shape ${shapeStr(t.shape)})`);
}

/** Validates a shape given by the user: non-negative integers. */
export function checkShape(layer: string, arg: string, shape: unknown): number[] {
  if (!Array.isArray(shape)) throw badType(layer, arg, "an array of sizes", shape);
  for (const s of shape) {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 0) {
      throw badValue(layer, arg, "non-negative integer sizes", shape);
    }
  }
  return shape.slice();
}

/** Maps a possibly negative dimension into [0, ndim). */
export function normalizeDim(layer: string, arg: string, dim: unknown, ndim: number): number {
  if (typeof dim !== "number" || !Number.isInteger(dim)) throw badType(layer, arg, "an integer dimension", dim);
  const lo = -Math.max(ndim, 1);
  const hi = Math.max(ndim, 1) - 1;
  if (dim < lo || dim > hi) throw badValue(layer, arg, `a dimension in [${lo}, ${hi}]`, dim);
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}
