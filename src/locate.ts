// Where the default ESM entry finds each build: the .wasm files beside this module.
// Written as `new URL("./x.wasm", import.meta.url)`, the pattern Vite, webpack 5 and
// Parcel recognise: they copy the files into the build and rewrite the URLs (one literal
// per build, so that each is seen).
import type { BuildName, WasmSource } from "./ready";

export const defaultLocation = "the wasm-nn .wasm files beside the module";

export function defaultSource(build: BuildName): WasmSource {
  if (build === "relaxed-threads") return new URL("./wasm-nn-relaxed-threads.wasm", import.meta.url);
  if (build === "threads") return new URL("./wasm-nn-threads.wasm", import.meta.url);
  if (build === "relaxed") return new URL("./wasm-nn-relaxed.wasm", import.meta.url);
  return new URL("./wasm-nn.wasm", import.meta.url);
}
