// Where the CommonJS build finds the Wasm (swapped in for ./locate.ts by rollup.config.mjs).
// Node: the build's .wasm file beside this module. Inside a bundle (webpack or esbuild
// targeting Node) the files are not beside the output, so the plain build comes from
// `wasm-inline.cjs` instead: a plain `require` of a relative file, which every bundler
// follows, and which Node only loads when the file is missing.
import type { BuildName, WasmSource } from "./ready";
import { inlinedWasm } from "./base64";

declare const __dirname: string | undefined;
declare const require: (id: string) => unknown;

export const defaultLocation = "the wasm-nn .wasm files beside the module";

export async function defaultSource(build: BuildName): Promise<WasmSource> {
  if (typeof __dirname !== "string") return inlined();
  try {
    // Dynamic imports keep the CommonJS build free of static Node imports.
    const [{ readFile }, { join }] = await Promise.all([import("node:fs/promises"), import("node:path")]);
    return await readFile(join(__dirname, build === "plain" ? "wasm-nn.wasm" : `wasm-nn-${build}.wasm`));
  } catch {
    return inlined();
  }
}

function inlined(): Promise<ArrayBuffer> {
  return inlinedWasm(require("./wasm-inline.cjs") as string);
}
