// Max unpooling (torch.nn.functional.max_unpool1d/2d/3d): the partial inverse of max
// pooling. Each value goes back to the position its index names within its output
// plane; every other output element is zero.

import { sameShape } from "../shape";
import { checkDtype, checkOptions, checkTensor } from "../args";
import { badType, rangeError, shapeStr } from "../errors";
import { type Tensor } from "../tensor";
import { readI32, wasm } from "../wasm";
import { type Size, type WindowShape, checkOutputSizes, parseWindowShape, planInput, runPlan, windowShapeStr } from "./pool";

type Spatial = 1 | 2 | 3;

export interface MaxUnpoolOptions {
  /** Stride of the pooling being inverted; default (and `null`) = kernelSize. */
  stride?: Size | null;
  /** Padding of the pooling being inverted. */
  padding?: Size;
  /** Output spatial sizes (optionally with N and C in front), to undo a pooling that rounded down. */
  outputSize?: number[] | null;
}

/**
 * PyTorch's _unpool_output_size: (in - 1) * stride + kernel - 2 * padding per dimension,
 * or the requested size, which must lie strictly between default - stride and
 * default + stride (the sizes a pooling with this stride could have come from).
 */
function unpoolOutputSize(layer: string, w: WindowShape, outputSize: unknown): (spatial: number[]) => number[] {
  return (spatial) => {
    const n = spatial.length;
    const defaults = spatial.map((s, i) => (s - 1) * w.stride[i] + w.kernel[i] - 2 * w.padding[i]);
    let size = defaults;
    if (outputSize !== undefined && outputSize !== null) {
      const valid = Array.isArray(outputSize) && (outputSize.length === n || outputSize.length === n + 2) &&
        outputSize.every((v) => typeof v === "number" && Number.isInteger(v));
      if (!valid) throw badType(layer, "outputSize", `an array of ${n} (or ${n + 2}) integers`, outputSize);
      size = (outputSize as number[]).slice(outputSize.length - n);
      size.forEach((s, i) => {
        const lo = defaults[i] - w.stride[i];
        const hi = defaults[i] + w.stride[i];
        if (!(s > lo && s < hi)) {
          throw rangeError(
            layer,
            `expected outputSize[${i}] between ${lo} and ${hi} (exclusive) for input size ${shapeStr(spatial)}, ` +
              `kernelSize ${shapeStr(w.kernel)}, stride ${shapeStr(w.stride)} and padding ${shapeStr(w.padding)}, got ${shapeStr(size)}`,
          );
        }
      });
    }
    return checkOutputSizes(layer, size, spatial, windowShapeStr(w));
  };
}

/** @internal */
export function maxUnpoolForward(layer: string, n: Spatial, input: unknown, indices: unknown, window: WindowShape, outputSize: unknown): Tensor {
  checkTensor(layer, "input", input);
  checkTensor(layer, "indices", indices);
  checkDtype(layer, "indices", indices, "int32");
  if (!sameShape(indices.shape, input.shape)) {
    throw rangeError(layer, `expected indices of the input's shape ${shapeStr(input.shape)}, got ${shapeStr(indices.shape)}`);
  }
  const plan = planInput(layer, n, input, unpoolOutputSize(layer, window, outputSize));
  const inPlane = plan.in3[0] * plan.in3[1] * plan.in3[2];
  const outPlane = plan.out3[0] * plan.out3[1] * plan.out3[2];
  return runPlan(plan, layer, ["float32"], (src, [out]) => {
    const idx = indices.contiguous();
    try {
      const bad = wasm().maxUnpool3d_f32(out, src, idx.dataPtr, plan.planes, inPlane, outPlane);
      if (bad >= 0) {
        const value = readI32(idx.dataPtr + 4 * bad, 1)[0];
        const position: number[] = [];
        for (let d = indices.ndim - 1, rest = bad; d >= 0; d--) {
          position.unshift(rest % indices.shape[d]);
          rest = Math.floor(rest / indices.shape[d]);
        }
        throw rangeError(
          layer,
          `expected indices in [0, ${outPlane}) (positions within each ${plan.out3.slice(3 - n).join("x")} output plane), ` +
            `got ${value} at position ${shapeStr(position)} of indices`,
        );
      }
    } finally {
      if (idx !== indices) idx.dispose();
    }
  })[0];
}

/** torch.nn.functional.max_unpool1d: input and indices [N, C, L] or [C, L]. */
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: Size, options?: MaxUnpoolOptions): Tensor {
  return unpool("maxUnpool1d", 1, input, indices, kernelSize, options);
}

/** torch.nn.functional.max_unpool2d: input and indices [N, C, H, W] or [C, H, W]. */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: Size, options?: MaxUnpoolOptions): Tensor {
  return unpool("maxUnpool2d", 2, input, indices, kernelSize, options);
}

/** torch.nn.functional.max_unpool3d: input and indices [N, C, D, H, W] or [C, D, H, W]. */
export function maxUnpool3d(input: Tensor, indices: Tensor, kernelSize: Size, options?: MaxUnpoolOptions): Tensor {
  return unpool("maxUnpool3d", 3, input, indices, kernelSize, options);
}

function unpool(layer: string, n: Spatial, input: Tensor, indices: Tensor, kernelSize: Size, options: MaxUnpoolOptions | undefined): Tensor {
  const o = checkOptions(layer, options, ["stride", "padding", "outputSize"]);
  return maxUnpoolForward(layer, n, input, indices, parseWindowShape(layer, n, kernelSize, o), o.outputSize);
}
