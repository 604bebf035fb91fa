// Edge entry (export conditions "workerd" and "edge-light"): Cloudflare Workers and
// Vercel Edge forbid compiling Wasm bytes at run time, so the module is imported and
// handed over already compiled by the platform.
import wasmModule from "./wasm-nn.wasm";
import { type ReadyInfo, type ReadyOptions, type WasmSource, readyWith } from "./ready";

export * from "./api";

/** Instantiates the Wasm kernels (the bundled module unless `source` is given). */
export function ready(source?: WasmSource | ReadyOptions): Promise<ReadyInfo> {
  return readyWith(source, () => wasmModule);
}
