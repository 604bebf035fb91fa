// The PNG and JPEG codecs of wasm-nn/node are optional peer dependencies (pngjs, jpeg-js):
// loaded on first use, so the package installs without them and browsers never see them.
// The CommonJS build swaps in ./codecs.cjs.ts (plain `require` calls that bundlers follow).
import { createRequire } from "node:module";
import type * as JpegJs from "jpeg-js";
import type * as PngJs from "pngjs";

const load = createRequire(import.meta.url);

export const requirePng = (): typeof PngJs => load("pngjs") as typeof PngJs;
export const requireJpeg = (): typeof JpegJs => load("jpeg-js") as typeof JpegJs;
