// wasm-nn/inline: the Wasm travels inside the JavaScript (gzipped, as base64 text), for
// builds and runtimes with no asset handling (esbuild, Rollup without plugins, single-file
// scripts): 52 kB more in the bundle, no separate .wasm request. Cloudflare Workers forbid
// compiling bytes at run time: they use the default entry's "workerd" condition instead.
import base64 from "./wasm-inline";
import { inlinedWasm } from "./base64";
import { type ReadyInfo, type ReadyOptions, type WasmSource, readyWith } from "./ready";

export * from "./api";

/** Instantiates the Wasm kernels from the inlined bytes (or from `source` when given). */
export function ready(source?: WasmSource | ReadyOptions): Promise<ReadyInfo> {
  return readyWith(source, () => inlinedWasm(base64));
}
