// The packed tarball itself: what is in it, its types under every TypeScript module
// resolution (checked with the repository's tsc against the installed package), and the
// two package linters, publint and @arethetypeswrong/cli.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, consumer, run, stage } from "./helpers";

const tsc = join(ROOT, "node_modules/typescript/bin/tsc");

describe("contents", () => {
  it("ships the builds, the types and the Wasm; no sources, no source maps, no runtime dependencies", async () => {
    const { files, tarball } = consumer();
    expect(files.filter((f) => f.endsWith(".map") || f.startsWith("src/"))).toEqual([]);
    for (const f of ["dist/index.js", "dist/index.cjs", "dist/node-esm/index.js", "dist/inline.js", "dist/edge.js", "dist/node.cjs", "dist/wasm-nn.wasm", "dist/wasm-nn-relaxed.wasm", "dist/wasm-nn-threads.wasm", "dist/wasm-nn-relaxed-threads.wasm", "dist/index.d.ts", "dist/index.d.cts"]) {
      expect(files, f).toContain(f);
    }
    const manifest = JSON.parse((await run("tar", ["-xzOf", tarball, "package/package.json"], { cwd: ROOT })).stdout);
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependenciesMeta).toEqual({ pngjs: { optional: true }, "jpeg-js": { optional: true } });
  });
});

describe.concurrent("types of every entry", () => {
  const dir = () => stage("types", ["types"]);
  const modes: Record<string, { file: string; options: Record<string, unknown> }> = {
    bundler: { file: "types/use.ts", options: { module: "esnext", moduleResolution: "bundler" } },
    "node16 (ESM)": { file: "types/use.ts", options: { module: "node16", moduleResolution: "node16" } },
    "node16 (CommonJS)": { file: "types/use.cts", options: { module: "node16", moduleResolution: "node16" } },
    node10: { file: "types/use.ts", options: { module: "commonjs", moduleResolution: "node10" } },
  };
  for (const [mode, { file, options }] of Object.entries(modes)) {
    it(`${mode}: strict type check of the installed package`, async () => {
      const cwd = dir();
      const config = join(cwd, `tsconfig.${mode.replace(/\W+/g, "-")}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          compilerOptions: { ...options, target: "es2022", lib: ["es2022", "dom"], types: [], strict: true, noEmit: true, skipLibCheck: false, ignoreDeprecations: "6.0" },
          files: [file],
        }),
      );
      await run(process.execPath, [tsc, "-p", config], { cwd });
    });
  }
});

describe("package linters", () => {
  it("publint (strict, every suggestion) finds nothing", async () => {
    const { stdout } = await run(join(ROOT, "node_modules/.bin/publint"), ["run", consumer().tarball, "--strict"], { cwd: ROOT });
    expect(stdout).toContain("All good!");
  });

  it("@arethetypeswrong/cli finds no problem in any entry", async () => {
    const { tarball } = consumer();
    // The .wasm subpath is an asset, not a module with types.
    await run(join(ROOT, "node_modules/.bin/attw"), [tarball, "--exclude-entrypoints", "./wasm-nn.wasm", "./wasm-nn-relaxed.wasm", "./wasm-nn-threads.wasm", "./wasm-nn-relaxed-threads.wasm", "--format", "table-flipped"], { cwd: ROOT });
  });
});
