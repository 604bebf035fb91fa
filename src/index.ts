// Default entry (Node, Deno, browsers, bundlers): the .wasm files sit beside this module.
import { defaultLocation, defaultSource } from "./locate";
import { type BuildName, type ReadyInfo, type ReadyOptions, type WasmSource, compile, readyWith } from "./ready";

export * from "./api";

/**
 * Compiles and instantiates the Wasm kernels; call (and await) once before using
 * tensors. Without an argument the best build this runtime can run is loaded from beside this module;
 * pass a `WebAssembly.Module`, bytes, a `Response` or a URL where that cannot work, or
 * an options object `{ source, threads, relaxedSimd }` (a plain object is always options).
 * Idempotent: later calls resolve to the first result.
 */
export function ready(source?: WasmSource | ReadyOptions): Promise<ReadyInfo> {
  return readyWith(source, loadDefault);
}

async function loadDefault(build: BuildName): Promise<WebAssembly.Module> {
  let where = defaultLocation;
  try {
    const source = await defaultSource(build);
    if (source instanceof URL) where = source.href;
    return await compile(source);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(
      `ready: could not load ${where} (${reason}). A bundler that does not copy ` +
        '`new URL("./wasm-nn.wasm", import.meta.url)` assets (esbuild, Rollup without a plugin) ' +
        'needs `import ... from "wasm-nn/inline"` (the Wasm inside the JavaScript), or serve ' +
        "node_modules/wasm-nn/dist/wasm-nn.wasm yourself and call ready(itsUrl).",
      { cause: e },
    );
  }
}
