// Where the default ESM entry finds the Wasm: the `wasm-nn.wasm` file beside this module.
// Written as `new URL("./x.wasm", import.meta.url)`, the pattern Vite, webpack 5 and
// Parcel recognise: they copy the file into the build and rewrite the URL.
import type { WasmSource } from "./wasm";

export const defaultLocation = "the wasm-nn.wasm file beside the module";

export function defaultSource(): WasmSource {
  return new URL("./wasm-nn.wasm", import.meta.url);
}
