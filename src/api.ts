// Everything the package exports except `ready`, which each entry point defines with its
// own default way of finding the Wasm module.

export { Tensor, type DType, type NestedArray } from "./tensor";
export { memory } from "./storage";
export { tensor, empty, zeros, ones, full, rand, randn, arange, type TensorData, type TensorOptions } from "./creation";
export { manualSeed } from "./random";
export { tidy, keep } from "./scope";
export type { ReadyInfo, ReadyOptions, WasmSource } from "./ready";
export { setNumThreads, numThreads } from "./ready";
export * as nn from "./nn/index";
export * as F from "./functional/index";
export * as init from "./init";
export * as image from "./image";
export type { ImageLike, ImageDataLike, ToTensorOptions, ToImageDataOptions } from "./image";
export { loadSafetensors, saveSafetensors, type SaveSafetensorsOptions } from "./safetensors";
export { NotReadyError } from "./errors";
export { add, sub, mul, div, pow, neg, exp, log, sqrt, type AlphaOptions } from "./arithmetic";
export { matmul } from "./matmul";
export { cat, stack } from "./join";
export { sum, mean, amax, argmax, topk, type ReduceOptions, type ArgmaxOptions, type TopkOptions } from "./reduce";
