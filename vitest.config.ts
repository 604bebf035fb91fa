import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // as-pect's specs (assembly/__tests__/*.spec.ts) are not vitest files.
    include: ["tests/**/*.test.ts"],
    setupFiles: ["tests/helpers/setup.ts"],
    environment: "node",
    testTimeout: 60_000,
  },
});
