import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // as-pect's specs (assembly/__tests__/*.spec.ts) are not vitest files.
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/helpers/setup.ts"],
    // Packs the package once per run for the consumer projects of tests/bundlers/.
    globalSetup: ["tests/bundlers/setup.ts"],
    environment: "node",
    testTimeout: 60_000,
  },
});
