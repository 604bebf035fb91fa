// CommonJS build of ./codecs.ts: literal `require` calls inside try blocks, which webpack
// and esbuild treat as optional when the package is not installed (files.ts turns the
// error into one naming the install command).
import type * as JpegJs from "jpeg-js";
import type * as PngJs from "pngjs";

declare const require: (id: string) => unknown;

export function requirePng(): typeof PngJs {
  try {
    return require("pngjs") as typeof PngJs;
  } catch (e) {
    throw e;
  }
}

export function requireJpeg(): typeof JpegJs {
  try {
    return require("jpeg-js") as typeof JpegJs;
  } catch (e) {
    throw e;
  }
}
