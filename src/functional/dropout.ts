// Dropout (torch.nn.functional dropout, dropout1d/2d/3d, alpha_dropout,
// feature_alpha_dropout). In training mode each unit (an element, or a whole channel
// plane for the feature variants) is zeroed with probability p and the rest scaled by
// 1 / (1 - p); alpha dropout keeps SELU's mean and variance instead. The draws come from
// the library's seeded generator, so `manualSeed(n)` reproduces a mask. Outside training,
// and with p = 0, the result is a view of the input (PyTorch returns the input itself).

import { checkBoolean, optionOr } from "../args";
import { badType, badValue, rangeError, shapeStr } from "../errors";
import { numelOf } from "../shape";
import { type Tensor, emptyTensor } from "../tensor";
import { wasm } from "../wasm";
import { activationOptions } from "./activation-core";
import { floatTensor, reserveScratch } from "./common";

export interface DropoutOptions {
  /** Probability of dropping a unit, in [0, 1] (default 0.5). */
  p?: number;
  /** Apply dropout; false returns the input unchanged (default true; false for the alpha variants). */
  training?: boolean;
}

/** SELU's negative saturation, -alpha * scale (PyTorch's alpha_dropout constant). */
const SELU_ALPHA = 1.7580993408473766;

/** @internal Which units a variant drops: elements, or channel planes of inputs with `spatial` dimensions. */
export interface DropoutKind {
  /** 0: elementwise; 1-3: the channels of [N, C, ...] or [C, ...] with that many spatial dimensions; "any": channels of [N, C, ...]. */
  spatial: 0 | 1 | 2 | 3 | "any";
  alpha: boolean;
}

/** @internal p: a number in [0, 1]. */
export function checkProbability(layer: string, arg: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw badType(layer, arg, "a number", value);
  if (!(value >= 0 && value <= 1)) throw badValue(layer, arg, "a probability in [0, 1]", value);
  return value;
}

/** @internal The `p` option of a module or F function (PyTorch's `inplace` is refused). */
export function parseDropoutP(layer: string, o: Record<string, unknown>): number {
  return optionOr(layer, o, "p", 0.5, checkProbability);
}

/** Units and floats per unit of `x` for `kind`; throws on a rank the variant does not take. */
function unitsOf(layer: string, x: Tensor, kind: DropoutKind): [number, number] {
  if (kind.spatial === 0) return [x.numel, 1];
  if (kind.spatial === "any") {
    if (x.ndim < 2) throw rangeError(layer, `expected input with at least 2 dimensions [N, C, ...], got ${x.ndim} (shape ${shapeStr(x.shape)})`);
    return [x.shape[0] * x.shape[1], numelOf(x.shape.slice(2))];
  }
  const n = kind.spatial;
  if (x.ndim !== n + 1 && x.ndim !== n + 2) {
    const names = ["L", "H, W", "D, H, W"][n - 1];
    throw rangeError(layer, `expected input with ${n + 1} (unbatched [C, ${names}]) or ${n + 2} (batched [N, C, ${names}]) dimensions, got ${x.ndim} (shape ${shapeStr(x.shape)})`);
  }
  const lead = x.ndim - n;
  return [numelOf(x.shape.slice(0, lead)), numelOf(x.shape.slice(lead))];
}

/** @internal Shared body of the F functions and the modules. */
export function dropoutForward(layer: string, input: unknown, kind: DropoutKind, p: number, training: boolean): Tensor {
  const x = floatTensor(layer, "input", input);
  const [units, unitSize] = unitsOf(layer, x, kind);
  if (!training || p === 0) return x.viewOf(x.shape, x.strides, x.offset);
  const c = x.contiguous();
  const out = emptyTensor(x.shape, "float32", layer);
  try {
    if (x.numel > 0) {
      const draws = p < 1 ? reserveScratch(layer, 4 * units) : 0;
      let keepFactor = 1 / (1 - p);
      let keepAdd = 0;
      let dropAdd = 0;
      if (kind.alpha && p < 1) {
        // PyTorch: a = ((alpha^2 p + 1)(1 - p))^-1/2; kept a x + alpha a p, dropped -alpha a (1 - p).
        keepFactor = 1 / Math.sqrt((SELU_ALPHA * SELU_ALPHA * p + 1) * (1 - p));
        keepAdd = SELU_ALPHA * keepFactor * p;
        dropAdd = -SELU_ALPHA * keepFactor * (1 - p);
      }
      wasm().dropout_f32(out.dataPtr, c.dataPtr, draws, units, unitSize, p, keepFactor, keepAdd, dropAdd, kind.alpha ? 1 : 0);
    }
  } catch (e) {
    out.dispose();
    throw e;
  } finally {
    if (c !== x) c.dispose();
  }
  return out;
}

function parseF(layer: string, options: unknown, trainingDefault: boolean): { p: number; training: boolean } {
  const o = activationOptions(layer, options, ["p", "training"]);
  return { p: parseDropoutP(layer, o), training: optionOr(layer, o, "training", trainingDefault, checkBoolean) };
}

function run(layer: string, input: Tensor, options: DropoutOptions | undefined, kind: DropoutKind, trainingDefault: boolean): Tensor {
  const { p, training } = parseF(layer, options, trainingDefault);
  return dropoutForward(layer, input, kind, p, training);
}

/** torch.nn.functional.dropout: each element zeroed with probability p, the rest scaled by 1 / (1 - p). */
export function dropout(input: Tensor, options?: DropoutOptions): Tensor {
  return run("dropout", input, options, { spatial: 0, alpha: false }, true);
}

/** torch.nn.functional.dropout1d: whole channels of [N, C, L] or [C, L]. */
export function dropout1d(input: Tensor, options?: DropoutOptions): Tensor {
  return run("dropout1d", input, options, { spatial: 1, alpha: false }, true);
}

/**
 * torch.nn.functional.dropout2d: whole channels of [N, C, H, W] or [C, H, W]. (PyTorch 1.13
 * still reads a 3-D input as [N, C, L] with a deprecation warning that it will become
 * [C, H, W]; wasm-nn takes the [C, H, W] reading, as for every other 2-D layer.)
 */
export function dropout2d(input: Tensor, options?: DropoutOptions): Tensor {
  return run("dropout2d", input, options, { spatial: 2, alpha: false }, true);
}

/** torch.nn.functional.dropout3d: whole channels of [N, C, D, H, W] or [C, D, H, W]. */
export function dropout3d(input: Tensor, options?: DropoutOptions): Tensor {
  return run("dropout3d", input, options, { spatial: 3, alpha: false }, true);
}

/** torch.nn.functional.alpha_dropout (for SELU networks): keeps zero mean and unit variance; training defaults to false, as PyTorch. */
export function alphaDropout(input: Tensor, options?: DropoutOptions): Tensor {
  return run("alphaDropout", input, options, { spatial: 0, alpha: true }, false);
}

/** torch.nn.functional.feature_alpha_dropout: alpha dropout of whole channels of [N, C, ...]; training defaults to false. */
export function featureAlphaDropout(input: Tensor, options?: DropoutOptions): Tensor {
  return run("featureAlphaDropout", input, options, { spatial: "any", alpha: true }, false);
}
