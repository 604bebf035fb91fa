// Normalising user arguments once, at the top of an F function or in a constructor.

import { badType, badValue, rangeError, shapeStr, typeError } from "./errors";
import { type DType, Tensor } from "./tensor";

/**
 * The largest kernel size, stride, padding, dilation or output padding: a tensor dimension
 * can be no longer (see MAX_TENSOR_ELEMENTS in storage.ts), and kernels do their index
 * arithmetic in 32-bit integers, which sums and products of larger values would overflow.
 */
export const MAX_WINDOW = 2 ** 28;

/** `number | number[]` -> an array of `n` integers, each >= `min` and <= MAX_WINDOW (PyTorch's _single/_pair/_triple). */
export function tuple(layer: string, arg: string, value: unknown, n: number, min: number): number[] {
  const values = typeof value === "number" ? new Array<number>(n).fill(value) : value;
  if (!Array.isArray(values) || (values.length !== n && !(values.length === 1 && n > 1 && typeof values[0] === "number"))) {
    throw badType(layer, arg, `an integer or an array of ${n} integers`, value);
  }
  const out = values.length === n ? values.slice() : new Array<number>(n).fill(values[0]);
  for (const v of out) {
    if (typeof v !== "number" || !Number.isInteger(v)) throw badType(layer, arg, `an integer or an array of ${n} integers`, value);
    if (v < min) throw badValue(layer, arg, min === 1 ? "positive integers" : `integers >= ${min}`, value);
    if (v > MAX_WINDOW) throw badValue(layer, arg, `integers at most ${MAX_WINDOW}`, value);
  }
  return out as number[];
}

/**
 * Refuses a window whose extent, dilation * (kernel - 1) + 1, exceeds MAX_WINDOW in some
 * dimension (the kernels' 32-bit index arithmetic could not represent it).
 */
export function checkWindowSpan(layer: string, kernel: readonly number[], dilation: readonly number[]): void {
  kernel.forEach((k, i) => {
    const span = dilation[i] * (k - 1) + 1;
    if (span > MAX_WINDOW) {
      throw rangeError(layer, `expected dilation * (kernelSize - 1) + 1 at most ${MAX_WINDOW}, got ${dilation[i]} * (${k} - 1) + 1 = ${span} in spatial dimension ${i}`);
    }
  });
}

/**
 * Checks an options object against the keys the function knows: anything but a plain
 * object (or undefined/null for "no options") is a TypeError, and so is an unknown key,
 * named with the known keys and the closest one (`{padding_mode}` -> paddingMode,
 * `{strictt}` -> strict), so a misspelt option is never silently ignored.
 */
export function checkOptions(layer: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object" || Array.isArray(options) || ArrayBuffer.isView(options) || isTensorLike(options)) {
    throw badType(layer, "options", "an options object", options);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const near = closest(key, allowed);
      const hint = near === null ? "" : ` (did you mean ${near}?)`;
      const known = allowed.length === 0 ? "it takes no options" : `options are ${allowed.join(", ")}`;
      throw typeError(layer, `unknown option ${JSON.stringify(key)}${hint}; ${known}`);
    }
  }
  return options as Record<string, unknown>;
}

/** `options[key]`, or `fallback` when it is absent (undefined), otherwise checked by `check`. */
export function optionOr<T>(layer: string, options: Record<string, unknown>, key: string, fallback: T, check: (layer: string, arg: string, v: unknown) => T): T {
  const v = options[key];
  return v === undefined ? fallback : check(layer, key, v);
}

function isTensorLike(v: object): boolean {
  return v instanceof Tensor;
}

/** The known key closest to `key`: its camelCase form, or one within half its length in edits. */
function closest(key: string, allowed: readonly string[]): string | null {
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  if (camel !== key && allowed.includes(camel)) return camel;
  let best: string | null = null;
  let bestDistance = Math.floor(key.length / 2) + 1;
  for (const candidate of allowed) {
    const d = editDistance(camel.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

export function checkBoolean(layer: string, arg: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw badType(layer, arg, "true or false", value);
  return value;
}

/** Any number, infinities included, but not NaN. */
export function checkNumber(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw badType(layer, arg, "a number", value);
  return value;
}

export function checkFiniteNumber(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw badType(layer, arg, "a finite number", value);
  return value;
}

/** A size that may be zero (features, embeddings): an integer >= 0. */
export function checkNonNegativeInt(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw badValue(layer, arg, "a non-negative integer", value);
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

/** A dtype name the library supports: "float32" or "int32". */
export function checkDtypeName(layer: string, arg: string, value: unknown): DType {
  if (value !== "float32" && value !== "int32") throw badValue(layer, arg, `"float32" or "int32"`, value);
  return value;
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
