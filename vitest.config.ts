import { defineConfig } from "vitest/config";

// The relaxed-SIMD builds (WASM_NN_BUILD=relaxed...) need V8's flag on Node 20.
const relaxedFlag = process.env.WASM_NN_BUILD?.startsWith("relaxed") && Number(process.versions.node.split(".")[0]) < 22;

export default defineConfig({
  test: {
    // as-pect's specs (assembly/__tests__/*.spec.ts) are not vitest files.
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/helpers/setup.ts"],
    // Packs the package once per run for the consumer projects of tests/bundlers/.
    globalSetup: ["tests/bundlers/setup.ts"],
    environment: "node",
    testTimeout: 60_000,
    execArgv: relaxedFlag ? ["--experimental-wasm-relaxed-simd"] : [],
  },
});
