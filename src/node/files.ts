// Reading and writing PNG and JPEG files in Node, with the pngjs and jpeg-js codecs
// (optional peer dependencies: installed by the user, loaded on first use).
// Kept out of the core entry so browsers and edge runtimes never load Node modules.

import { readFile, writeFile } from "node:fs/promises";
import { badType, badValue, rangeError } from "../errors";
import type { ImageLike } from "../image";
import { requireJpeg, requirePng } from "./codecs";

/** The codec, or an error naming the function, the package and the command to install it. */
function codec<T>(fn: string, pkg: "pngjs" | "jpeg-js", load: () => T): T {
  try {
    return load();
  } catch (e) {
    const code = (e as { code?: string } | null)?.code;
    if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") throw e;
    const what = pkg === "pngjs" ? "PNG" : "JPEG";
    throw new Error(`${fn}: ${what} files need the optional package ${pkg}, which is not installed: run \`npm install ${pkg}\``, { cause: e });
  }
}

/** Decoded pixels: RGBA bytes, row-major. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 4;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

/** Decodes PNG or JPEG bytes (recognised by their signature) to RGBA. */
export function decodeImage(bytes: Uint8Array | ArrayBuffer): DecodedImage {
  return decode("decodeImage", bytes);
}

function decode(fn: string, bytes: Uint8Array | ArrayBuffer): DecodedImage {
  const buf = Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes);
  if (startsWith(buf, PNG_SIGNATURE)) {
    const png = codec(fn, "pngjs", requirePng).PNG.sync.read(buf);
    return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length), width: png.width, height: png.height, channels: 4 };
  }
  if (startsWith(buf, JPEG_SIGNATURE)) {
    const img = codec(fn, "jpeg-js", requireJpeg).decode(buf, { useTArray: true, formatAsRGBA: true });
    return { data: img.data, width: img.width, height: img.height, channels: 4 };
  }
  throw rangeError(fn, "expected PNG or JPEG bytes, got an unrecognised signature");
}

/** Reads a PNG or JPEG file to RGBA pixels; pass the result to `image.toTensor`. */
export async function readImage(path: string | URL): Promise<DecodedImage> {
  return decode("readImage", await readFile(path));
}

/** RGBA bytes from any ImageLike (1 to 4 channels, 8-bit or float in [0, 1]). */
function toRgba(layer: string, img: ImageLike): Uint8Array {
  if (img === null || typeof img !== "object" || !img.data) throw badType(layer, "img", "an object with data, width and height", img);
  const { data, width, height } = img;
  if (!Number.isInteger(width) || width < 1) throw badValue(layer, "img.width", "a positive integer", width);
  if (!Number.isInteger(height) || height < 1) throw badValue(layer, "img.height", "a positive integer", height);
  const pixels = width * height;
  const channels = img.channels ?? data.length / pixels;
  if (![1, 2, 3, 4].includes(channels) || data.length !== pixels * channels) {
    throw rangeError(layer, `expected img.data to hold ${width} x ${height} pixels of 1 to 4 channels, got ${data.length} values`);
  }
  const scale = data instanceof Float32Array || data instanceof Float64Array ? 255 : 1;
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    const src = p * channels;
    const gray = channels <= 2;
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = data[src + (gray ? 0 : c)] * scale;
    rgba[p * 4 + 3] = channels === 2 || channels === 4 ? data[src + channels - 1] * scale : 255;
  }
  return new Uint8Array(rgba.buffer);
}

/** Encodes an image (e.g. from `image.toImageData`) as PNG bytes. */
export function encodePng(img: ImageLike): Uint8Array {
  const rgba = toRgba("encodePng", img);
  const { PNG } = codec("encodePng", "pngjs", requirePng);
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(rgba);
  return new Uint8Array(PNG.sync.write(png));
}

/** Encodes an image as JPEG bytes (quality 1-100, default 90). */
export function encodeJpeg(img: ImageLike, { quality = 90 }: { quality?: number } = {}): Uint8Array {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw badValue("encodeJpeg", "quality", "an integer in [1, 100]", quality);
  const rgba = toRgba("encodeJpeg", img);
  const out = codec("encodeJpeg", "jpeg-js", requireJpeg).encode({ data: rgba, width: img.width, height: img.height }, quality);
  return new Uint8Array(out.data);
}

/** Writes a PNG or JPEG file, chosen by the extension (.png, .jpg, .jpeg). */
export async function writeImage(path: string, img: ImageLike, options: { quality?: number } = {}): Promise<void> {
  const lower = path.toLowerCase();
  if (lower.endsWith(".png")) await writeFile(path, encodePng(img));
  else if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) await writeFile(path, encodeJpeg(img, options));
  else throw badValue("writeImage", "path", "a name ending in .png, .jpg or .jpeg", path);
}
