// Bundles, all into dist/:
// - ESM (browsers, bundlers, Deno, edge): index.js, edge.js, inline.js over one core.js;
// - CommonJS (Node's require, and webpack/esbuild targeting Node): index.cjs, node.cjs,
//   inline.cjs, edge.cjs over one core.cjs;
// - node-esm/*.js: Node's `import` of the package, thin ESM wrappers over the CommonJS
//   build, so `import` and `require` in one process share one module and one Wasm instance;
// - types: *.d.ts (ESM) and *.d.cts (CommonJS) for every entry;
// - the four builds (wasm-nn.wasm, wasm-nn-relaxed.wasm, wasm-nn-threads.wasm,
//   wasm-nn-relaxed-threads.wasm: tools/build-wasm.mjs), and wasm-inline.js / .cjs (the plain
//   build gzipped, as base64 text, for the inline entry and for CommonJS bundles that have
//   no .wasm beside them).
// No source maps: the output is unminified, commented JavaScript that reads as it runs.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { constants, gzipSync } from "node:zlib";
import typescript from "@rollup/plugin-typescript";
import { dts } from "rollup-plugin-dts";

const WASM = "build/wasm-nn.wasm";
const BUILDS = ["wasm-nn.wasm", "wasm-nn-relaxed.wasm", "wasm-nn-threads.wasm", "wasm-nn-relaxed-threads.wasm"];

// Imports kept verbatim in the output: the .wasm (edge entry) and the inlined base64.
const keepExternal = (format) => ({
  name: "keep-external",
  resolveId(source) {
    if (source.endsWith(".wasm")) return { id: "./wasm-nn.wasm", external: true };
    if (source === "./wasm-inline") return { id: format === "cjs" ? "./wasm-inline.cjs" : "./wasm-inline.js", external: true };
    return null;
  },
});

// The CommonJS build uses `X.cjs.ts` in place of `X.ts` where one exists (how the Wasm and
// the image codecs are found differs between the two module systems).
const cjsVariants = {
  name: "cjs-variants",
  async resolveId(source, importer) {
    if (!importer || !source.startsWith(".")) return null;
    const variant = join(dirname(importer), `${source}.cjs.ts`);
    return existsSync(variant) ? variant : null;
  },
};

// The first build starts from an empty dist/ (no stale files from older layouts get packed).
const cleanDist = {
  name: "clean-dist",
  buildStart() {
    rmSync("dist", { recursive: true, force: true });
  },
};

const emitWasm = {
  name: "emit-wasm",
  generateBundle() {
    const bytes = readFileSync(WASM);
    const base64 = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).toString("base64");
    const note = "// The wasm-nn kernels (wasm-nn.wasm), gzipped, as base64 text: for builds without asset handling.\n";
    for (const file of BUILDS) this.emitFile({ type: "asset", fileName: file, source: readFileSync(`build/${file}`) });
    this.emitFile({ type: "asset", fileName: "wasm-inline.js", source: `${note}export default "${base64}";\n` });
    this.emitFile({ type: "asset", fileName: "wasm-inline.cjs", source: `${note}module.exports = "${base64}";\n` });
  },
};

// node-esm/<entry>.js for each CommonJS entry: the same exports, by name.
const nodeEsmWrappers = {
  name: "node-esm-wrappers",
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== "chunk" || !chunk.isEntry || chunk.name === "edge") continue;
      const names = chunk.exports.filter((n) => n !== "default");
      this.emitFile({
        type: "asset",
        fileName: `node-esm/${chunk.name}.js`,
        source:
          `// Node's \`import\` of wasm-nn${chunk.name === "index" ? "" : `/${chunk.name}`}: the CommonJS build, so that \`import\` and \`require\`\n` +
          "// in one process share one module (one Wasm instance, one Tensor class).\n" +
          `import api from "../${chunk.fileName}";\n\n` +
          `export const {\n${names.map((n) => `  ${n},\n`).join("")}} = api;\n`,
      });
    }
  },
};

// *.d.cts beside every *.d.ts, importing each other as .cjs: TypeScript reads .d.cts files
// as CommonJS, which is what `require` gets.
const ctsTypes = {
  name: "cts-types",
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== "chunk") continue;
      this.emitFile({
        type: "asset",
        fileName: chunk.fileName.replace(/\.d\.ts$/, ".d.cts"),
        source: chunk.code.replace(/(from\s+["']\.\/[\w.-]+)\.js(["'])/g, "$1.cjs$2"),
      });
    }
  },
};

const ts = () => typescript({ tsconfig: "./tsconfig.build.json", declaration: false, declarationMap: false, sourceMap: false, noEmitOnError: true });
// Node built-ins and the optional image codecs of wasm-nn/node stay imports; nothing else is external.
const external = (id) => id.startsWith("node:") || id === "pngjs" || id === "jpeg-js";
// One shared chunk holds the library, so every entry (and wasm-nn/node) uses one Wasm instance.
const ENTRIES = /[\\/]src[\\/](index|edge|inline|node[\\/]index)\.ts$/;
const manualChunks = (id) => (ENTRIES.test(id) || id.includes("/src/node/") ? undefined : "core");

export default [
  {
    input: { index: "src/index.ts", edge: "src/edge.ts", inline: "src/inline.ts" },
    output: { dir: "dist", format: "es", chunkFileNames: "[name].js", manualChunks },
    makeAbsoluteExternalsRelative: false,
    external,
    plugins: [cleanDist, keepExternal("es"), ts(), emitWasm],
  },
  {
    input: { index: "src/index.ts", node: "src/node/index.ts", inline: "src/inline.ts", edge: "src/edge.ts" },
    output: {
      dir: "dist",
      format: "cjs",
      entryFileNames: "[name].cjs",
      chunkFileNames: "[name].cjs",
      manualChunks,
      interop: "default",
      dynamicImportInCjs: true,
    },
    makeAbsoluteExternalsRelative: false,
    external,
    plugins: [keepExternal("cjs"), cjsVariants, ts(), nodeEsmWrappers],
  },
  {
    input: { index: "src/index.ts", node: "src/node/index.ts", edge: "src/edge.ts", inline: "src/inline.ts" },
    output: { dir: "dist", format: "es", entryFileNames: "[name].d.ts", chunkFileNames: "core.d.ts" },
    external: (id) => id.endsWith(".wasm") || id.endsWith("wasm-inline"),
    plugins: [dts({ tsconfig: "./tsconfig.build.json" }), ctsTypes],
  },
];
