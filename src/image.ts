// Images in and out: torchvision's ToTensor, and the way back to displayable pixels.

import { checkBoolean, checkChoice, checkDtype, checkOptions, checkTensor, optionOr } from "./args";
import { badType, badValue, rangeError, shapeStr } from "./errors";
import { type Tensor, emptyTensor } from "./tensor";
import { writeF32 } from "./wasm";

/** Anything with pixels: a browser ImageData, a decoded PNG/JPEG, or raw bytes. */
export interface ImageLike {
  data: ArrayLike<number>;
  width: number;
  height: number;
  /** Channels per pixel in `data` (1 gray, 2 gray + alpha, 3 RGB, 4 RGBA). Inferred from the length when absent. */
  channels?: number;
}

export interface ToTensorOptions {
  /** Keep the alpha channel of 2- or 4-channel images (default false: alpha is dropped, as torchvision's ToTensor after convert("RGB")). */
  alpha?: boolean;
}

/** Pixels as a browser-compatible ImageData: RGBA bytes, row-major. */
export interface ImageDataLike {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface ToImageDataOptions {
  /**
   * "clamp" (default): value * 255, rounded and clamped to [0, 255] — values outside
   * [0, 1] saturate, they never wrap around. "minmax": the tensor's range is stretched
   * to [0, 255] (a constant tensor gives black).
   */
  normalize?: "clamp" | "minmax";
}

/**
 * A [C, H, W] float32 tensor from an image (torchvision's ToTensor): 8-bit data is
 * scaled to [0, 1], float data is taken as is; channels become planes.
 */
export function toTensor(img: ImageLike, options: ToTensorOptions = {}): Tensor {
  const layer = "image.toTensor";
  const alpha = optionOr(layer, checkOptions(layer, options, ["alpha"]), "alpha", false, checkBoolean);
  if (img === null || typeof img !== "object") {
    throw badType(layer, "img", "an object with data, width and height (an ImageData, a decoded image)", img);
  }
  // Typed arrays or arrays of numbers only: a string or an array-like object would give NaN pixels.
  const isPixelArray = ArrayBuffer.isView(img.data) && !(img.data instanceof DataView) && !(img.data instanceof BigInt64Array) && !(img.data instanceof BigUint64Array);
  if (!isPixelArray && !(Array.isArray(img.data) && img.data.every((v) => typeof v === "number"))) {
    throw badType(layer, "img.data", "a typed array or an array of numbers", img.data);
  }
  const { data, width, height } = img;
  for (const [name, v] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(v) || v < 1) throw badValue(layer, `img.${name}`, "a positive integer", v);
  }
  const pixels = width * height;
  const channels = img.channels ?? data.length / pixels;
  if (![1, 2, 3, 4].includes(channels) || data.length !== pixels * channels) {
    throw rangeError(
      layer,
      `expected img.data to hold width x height x channels = ${width} x ${height} x ${img.channels ?? "(1, 2, 3 or 4)"} values, got ${data.length}`,
    );
  }
  const hasAlpha = channels === 2 || channels === 4;
  const outChannels = hasAlpha && !alpha ? channels - 1 : channels;
  const scale = data instanceof Float32Array || data instanceof Float64Array ? 1 : 1 / 255;
  // Allocated first: an image past the tensor size limit is a RangeError before any work.
  const out = emptyTensor([outChannels, height, width], "float32", layer);
  try {
    const planes = new Float32Array(outChannels * pixels);
    for (let c = 0; c < outChannels; c++) {
      const plane = c * pixels;
      for (let p = 0; p < pixels; p++) planes[plane + p] = data[p * channels + c] * scale;
    }
    writeF32(out.dataPtr, planes);
  } catch (e) {
    out.dispose();
    throw e;
  }
  return out;
}

/**
 * RGBA pixels from a [C, H, W] (C = 1 or 3) or [H, W] tensor, as a browser ImageData
 * when the runtime has one (ready for `putImageData`), otherwise a plain object with the
 * same fields.
 */
export function toImageData(t: Tensor, options: ToImageDataOptions = {}): ImageDataLike {
  const layer = "image.toImageData";
  checkTensor(layer, "tensor", t);
  checkDtype(layer, "tensor", t, "float32");
  const opts = checkOptions(layer, options, ["normalize"]) as ToImageDataOptions;
  const normalize = checkChoice(layer, "normalize", opts.normalize ?? "clamp", ["clamp", "minmax"] as const);
  let channels: number;
  if (t.ndim === 2) channels = 1;
  else if (t.ndim === 3 && (t.shape[0] === 1 || t.shape[0] === 3)) channels = t.shape[0];
  else throw rangeError(layer, `expected a tensor of shape [C,H,W] with C = 1 or 3, or [H,W], got ${shapeStr(t.shape)}`);
  const [height, width] = t.shape.slice(-2);
  const values = t.toArray();
  const pixels = width * height;
  let offset = 0;
  let scale = 255;
  if (normalize === "minmax") {
    let min = Infinity;
    let max = -Infinity;
    for (const v of values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    offset = Number.isFinite(min) ? min : 0;
    scale = max > min && Number.isFinite(max - min) ? 255 / (max - min) : 0;
  }
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      const v = values[(channels === 1 ? 0 : c) * pixels + p];
      // Uint8ClampedArray rounds half to even and clamps; NaN becomes 0.
      rgba[p * 4 + c] = (v - offset) * scale;
    }
    rgba[p * 4 + 3] = 255;
  }
  if (typeof ImageData === "function") return new ImageData(rgba, width, height);
  return { data: rgba, width, height };
}
