// Default entry (Node, Deno, browsers, bundlers): the .wasm file sits beside this module.
import { type ReadyInfo, type WasmSource, initialize } from "./wasm";

export * from "./api";

/**
 * Compiles and instantiates the Wasm kernels; call (and await) once before using
 * tensors. Without an argument the `wasm-nn.wasm` file beside this module is loaded;
 * pass a `WebAssembly.Module`, bytes, a `Response` or a URL where that cannot work.
 * Idempotent: later calls resolve to the first result.
 */
export function ready(source?: WasmSource): Promise<ReadyInfo> {
  return initialize(source ?? (() => new URL("./wasm-nn.wasm", import.meta.url)));
}
