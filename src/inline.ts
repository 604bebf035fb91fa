// wasm-nn/inline: the Wasm travels inside the JavaScript (base64), for builds and runtimes
// with no asset handling (esbuild, Rollup without plugins, single-file scripts). About
// 45 kB more to download (gzipped) than the default entry; compiling bytes at run time is
// forbidden on Cloudflare Workers, which use the default entry's "workerd" condition.
import base64 from "./wasm-inline";
import { fromBase64 } from "./base64";
import { type ReadyInfo, type WasmSource, initialize } from "./wasm";

export * from "./api";

/** Instantiates the Wasm kernels from the inlined bytes (or from `source` when given). */
export function ready(source?: WasmSource): Promise<ReadyInfo> {
  return initialize(source ?? (() => fromBase64(base64)));
}
