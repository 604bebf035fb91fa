// The vocabulary of the OpInfo table (see table.ts for how to add an entry): host-side
// tensors in float64, samples with their float64 references, error inputs, variants.
import type { Tensor, nn } from "../../src/index";
import type { Tolerance } from "../helpers/allclose";
import type { Rng } from "../helpers/random";

export type DT = "float32" | "int32";

/** A tensor as plain float64 data, row-major. The runner turns it into a wasm-nn tensor. */
export interface Host {
  data: Float64Array;
  shape: number[];
  dtype?: DT;
}

/** What a reference returns for one output: values (and optionally the per-element sum of |terms|). */
export interface Ref {
  data: ArrayLike<number>;
  shape: number[];
  /** Sum of |terms| per element for accumulations: the tolerance grows by rtol * magnitude. */
  magnitude?: ArrayLike<number>;
  /** Compare bit-for-bit in value (max-pool values, indices, copies): no tolerance. */
  exact?: boolean;
  dtype?: DT;
}

export type Variant =
  | "basic" // ordinary random inputs
  | "noncontig" // every float input given as a permuted and as a strided (sliced) view
  | "noBatch" // an input without the batch dimension, where PyTorch accepts it
  | "batch0" // a batch of 0
  | "1x1" // spatial size 1
  | "kernelEqInput" // the window covers the whole input
  | "extreme" // 0, -0, denormals, +-Inf, NaN, +-1e30 mixed into the inputs
  | "outlier"; // one value of 1e4 or 1e8 at a random position

/** Variants the runner derives from the basic samples by itself. */
export const GENERIC_VARIANTS: readonly Variant[] = ["noncontig", "extreme", "outlier"];

export type Module = nn.Module;
export type Params = Record<string, Host>;

export interface Sample {
  label: string;
  /** Default "basic". Shape variants (noBatch, batch0, 1x1, kernelEqInput) are written by the entry. */
  variant?: Variant;
  inputs: Host[];
  /** Module entries: builds the module (its parameters are read back and handed to ref). */
  module?: () => Module;
  /** Runs the op on tensors made from `inputs` (same order). */
  call(t: Tensor[], m?: Module): unknown;
  /** float64 reference of every output tensor (an array when the op returns an array). */
  ref?(x: Host[], p: Params): Ref | Ref[];
  /** Instead of (or besides) ref: throws when the result is wrong. */
  check?(out: unknown, x: Host[], p: Params): void;
  tol?: Tolerance;
  /** Which inputs the generic variants rewrite (default: every float32 input). */
  perturb?: number[];
  knownIssue?: string;
}

export type ErrorClass = typeof TypeError | typeof RangeError;

export interface ErrorCase {
  label: string;
  inputs?: Host[];
  /** How each input is laid out (default contiguous): "permuted" gives a non-contiguous view. */
  layouts?: ("contiguous" | "permuted" | "sliced")[];
  module?: () => Module;
  call(t: Tensor[], m?: Module): unknown;
  error: ErrorClass;
  /** A fragment the message must contain (after the `prefix:` it must start with). */
  message: string | RegExp;
  /** When the prefix is not the entry's (a module's forward reporting the module name, say). */
  prefix?: string;
  knownIssue?: string;
}

export interface OpInfo {
  /** How the user writes it: "F.conv2d", "nn.Conv2d", "Tensor.narrow", "init.uniform_". */
  name: string;
  /** What every error message starts with, followed by ": ". */
  prefix: string;
  samples(r: Rng): Sample[];
  /** The variants this entry covers; shape variants need samples tagged with them. */
  variants: Variant[];
  errors?(r: Rng): ErrorCase[];
  /** Calls the op with an extra options object (for the `{ bogus: 1 }` check) on the first sample's inputs. */
  withOptions?(t: Tensor[], options: Record<string, unknown>, m?: Module): unknown;
  /** Module entries: PyTorch's stateDict keys for the first sample's module. */
  stateDictKeys?: string[];
  /** Default tolerance of the entry (rtol 1e-4, atol 1e-5 otherwise). */
  tol?: Tolerance;
  /** Why the tolerance is looser than the default (required when it is). */
  tolReason?: string;
  /** How the extreme variant is checked when a float64 reference cannot be exact there. */
  extremeNote?: string;
  /** Skip the nonfinite pattern check (compare finite reference values only), with extremeNote saying why. */
  finiteOnly?: boolean;
  /** Known bugs, by case id ("<variant>" or "<variant>/<label>" or "error/<label>"). */
  knownIssues?: Record<string, string>;
}

// ---- host data ----

export function host(data: ArrayLike<number>, shape: number[], dtype?: DT): Host {
  return { data: Float64Array.from(data, (v) => (dtype === "int32" ? v : Math.fround(v))), shape: shape.slice(), dtype };
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Uniform in [lo, hi), float32-representable. */
export function randHost(r: Rng, shape: number[], lo = -2, hi = 2): Host {
  const n = numel(shape);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = Math.fround(lo + (hi - lo) * r());
  return { data: d, shape: shape.slice() };
}

/** Distinct values (a shuffled ramp with small noise): max-pool windows without ties. */
export function distinctHost(r: Rng, shape: number[]): Host {
  const n = numel(shape);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return { data: Float64Array.from(perm, (p) => Math.fround((p - n / 2) / 8)), shape: shape.slice() };
}

/** Row-major strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** A map over every element of a host tensor (elementwise references). */
export function mapRef(x: Host, f: (v: number) => number): Ref {
  return { data: Float64Array.from(x.data, f), shape: x.shape.slice() };
}

export const rel = (rtol: number, atol: number): Tolerance => ({ rtol, atol });
