// Bundles: ESM (default, edge and node entries), CommonJS (default and node entries),
// bundled .d.ts types, and the .wasm copied beside them.
import { readFileSync } from "node:fs";
import typescript from "@rollup/plugin-typescript";
import { dts } from "rollup-plugin-dts";

const WASM = "build/wasm-nn.wasm";

// The edge entry imports the .wasm as a module: keep that import verbatim in the output.
const wasmImportStaysExternal = {
  name: "wasm-import-stays-external",
  resolveId(source) {
    return source.endsWith(".wasm") ? { id: "./wasm-nn.wasm", external: true } : null;
  },
};

const copyWasm = {
  name: "copy-wasm",
  generateBundle() {
    this.emitFile({ type: "asset", fileName: "wasm-nn.wasm", source: readFileSync(WASM) });
  },
};

const ts = () => typescript({ tsconfig: "./tsconfig.build.json", declaration: false, declarationMap: false, noEmitOnError: true });
// Node built-ins and the image codecs of wasm-nn/node stay imports; the core bundles nothing else.
const external = (id) => id.startsWith("node:") || id === "pngjs" || id === "jpeg-js";
// One shared chunk holds the library, so every entry (and wasm-nn/node) uses one Wasm instance.
const ENTRIES = /[\\/]src[\\/](index|edge|node[\\/]index)\.ts$/;
const manualChunks = (id) => (ENTRIES.test(id) || id.includes("/src/node/") ? undefined : "core");

export default [
  {
    input: { index: "src/index.ts", edge: "src/edge.ts", node: "src/node/index.ts" },
    output: { dir: "dist", format: "es", chunkFileNames: "[name].js", manualChunks, sourcemap: true },
    makeAbsoluteExternalsRelative: false,
    external,
    plugins: [wasmImportStaysExternal, ts(), copyWasm],
  },
  {
    input: { index: "src/index.ts", node: "src/node/index.ts" },
    output: { dir: "dist", format: "cjs", entryFileNames: "[name].cjs", chunkFileNames: "[name].cjs", manualChunks, sourcemap: true },
    external,
    plugins: [ts()],
  },
  {
    input: { index: "src/index.ts", node: "src/node/index.ts" },
    output: { dir: "dist", format: "es", entryFileNames: "[name].d.ts", chunkFileNames: "[name].d.ts" },
    plugins: [dts({ tsconfig: "./tsconfig.build.json" })],
  },
];
