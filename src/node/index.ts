// wasm-nn/node: everything from "wasm-nn" plus PNG/JPEG files. The core entry stays free
// of Node imports so it runs in browsers and edge runtimes unchanged.
export * from "../index";
export { type DecodedImage, decodeImage, encodeJpeg, encodePng, readImage, writeImage } from "./files";
export { loadModelFile } from "./model";
