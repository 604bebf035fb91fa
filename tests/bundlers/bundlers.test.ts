// The packed tarball in a consumer project, built by each bundler with no configuration
// beyond entry and output (no plugins, no asset rules), then run: browser bundles in
// headless Chromium, Node bundles by Node from a folder with no node_modules in reach.
// Every build must give the bit-identical numbers of tests/runtimes/smoke.mjs.
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, node, openPage, outDir, resultOf, serve, stage } from "./helpers";

let reference: unknown;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let src: string;

beforeAll(async () => {
  src = stage("bundlers", ["app.mjs", "app.cjs", "app-inline.mjs", "index.html"]);
  [reference, browser] = await Promise.all([node("app.mjs", src).then((r) => resultOf(r, "Node ESM consumer")), launchChromium()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** Serves `dir`, opens `page` in Chromium and returns the consumer's result. */
async function inChromium(dir: string, what: string, page = "index.html") {
  const server = await serve(dir);
  try {
    const { report, consoleErrors, failedRequests } = await openPage(browser, server.url + page);
    expect(failedRequests, `${what}: failed requests`).toEqual([]);
    expect(consoleErrors, `${what}: console errors`).toEqual([]);
    return resultOf(report, what);
  } finally {
    await server.close();
  }
}

/** A page loading one bundle (as a classic or a module script). */
function page(dir: string, script: string, type: "module" | "classic"): void {
  const attr = type === "module" ? ' type="module"' : "";
  writeFileSync(join(dir, "index.html"), `<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<script${attr} src="./${script}"></script>\n`);
}

async function webpackBuild(entry: string, target: "web" | "node", out: string): Promise<void> {
  const webpack = (await import("webpack")).default;
  const stats = await new Promise<import("webpack").Stats>((ok, fail) =>
    webpack(
      {
        mode: "production",
        context: src,
        entry: `./${entry}`,
        target,
        devtool: false,
        output: { path: out, filename: target === "node" ? "main.cjs" : "main.js", chunkFilename: target === "node" ? "[id].cjs" : "[id].js" },
        infrastructureLogging: { level: "error" },
      },
      (err, s) => (err || !s ? fail(err ?? new Error("webpack: no stats")) : ok(s)),
    ),
  );
  if (stats.hasErrors()) throw new Error(`webpack (${entry}, target ${target}) failed:\n${stats.toString("errors-only")}`);
}

describe("Vite", () => {
  it("vite build + vite preview: the .wasm is emitted as an asset and loads in Chromium", async () => {
    const vite = await import("vite");
    const out = outDir("vite");
    await vite.build({ root: src, configFile: false, logLevel: "silent", build: { outDir: out, emptyOutDir: true } });
    expect(readdirSync(join(out, "assets")).some((f) => f.endsWith(".wasm"))).toBe(true);
    const server = await vite.preview({ root: src, configFile: false, logLevel: "silent", build: { outDir: out }, preview: { host: "127.0.0.1", port: 0, strictPort: false } });
    try {
      const url = server.resolvedUrls?.local[0];
      if (!url) throw new Error("vite preview: no local URL");
      const { report, consoleErrors, failedRequests } = await openPage(browser, url);
      expect(failedRequests).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(resultOf(report, "Vite build")).toEqual(reference);
    } finally {
      await server.close();
    }
  });

  it("vite dev server: the page works unbundled, with dependency pre-bundling", async () => {
    const vite = await import("vite");
    const server = await vite.createServer({
      root: src,
      configFile: false,
      logLevel: "silent",
      cacheDir: join(outDir("vite-dev"), ".vite"),
      server: { host: "127.0.0.1", port: 0, strictPort: false, hmr: false, watch: null },
    });
    await server.listen();
    try {
      const url = server.resolvedUrls?.local[0];
      if (!url) throw new Error("vite dev: no local URL");
      const { report, consoleErrors, failedRequests } = await openPage(browser, url);
      expect(failedRequests).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(resultOf(report, "Vite dev server")).toEqual(reference);
    } finally {
      await server.close();
    }
  });
});

describe("webpack 5", () => {
  it("ESM for the browser (import): the .wasm is emitted as an asset", async () => {
    const out = outDir("webpack-web-esm");
    await webpackBuild("app.mjs", "web", out);
    expect(readdirSync(out).some((f) => f.endsWith(".wasm"))).toBe(true);
    page(out, "main.js", "classic");
    expect(await inChromium(out, "webpack ESM (web)")).toEqual(reference);
  });

  it("CommonJS for the browser (require): resolves to the ESM build, no Node modules needed", async () => {
    const out = outDir("webpack-web-cjs");
    await webpackBuild("app.cjs", "web", out);
    page(out, "main.js", "classic");
    expect(await inChromium(out, "webpack CommonJS (web)")).toEqual(reference);
  });

  it("ESM for Node (target node): the bundle runs without node_modules", async () => {
    const out = outDir("webpack-node-esm");
    await webpackBuild("app.mjs", "node", out);
    expect(resultOf(await node("main.cjs", out), "webpack ESM (node)")).toEqual(reference);
  });

  it("CommonJS for Node (target node): the bundle runs without node_modules", async () => {
    const out = outDir("webpack-node-cjs");
    await webpackBuild("app.cjs", "node", out);
    expect(resultOf(await node("main.cjs", out), "webpack CommonJS (node)")).toEqual(reference);
  });
});

describe("Rollup (no asset handling)", () => {
  it("wasm-nn/inline with @rollup/plugin-node-resolve, one output file, in Chromium", async () => {
    const { rollup } = await import("rollup");
    const { nodeResolve } = await import("@rollup/plugin-node-resolve");
    const out = outDir("rollup");
    const bundle = await rollup({ input: join(src, "app-inline.mjs"), plugins: [nodeResolve({ browser: true })], onwarn: () => {} });
    await bundle.write({ file: join(out, "main.js"), format: "es" });
    await bundle.close();
    page(out, "main.js", "module");
    expect(await inChromium(out, "Rollup + wasm-nn/inline")).toEqual(reference);
  });
});

describe("esbuild (no asset handling)", () => {
  const esbuild = () => import("esbuild");

  it("browser: wasm-nn/inline, one output file, in Chromium", async () => {
    const out = outDir("esbuild-browser");
    await (await esbuild()).build({ absWorkingDir: src, entryPoints: ["app-inline.mjs"], bundle: true, format: "esm", platform: "browser", outfile: join(out, "main.js"), logLevel: "silent" });
    page(out, "main.js", "module");
    expect(await inChromium(out, "esbuild (browser) + wasm-nn/inline")).toEqual(reference);
  });

  it("browser: plain 'wasm-nn' fails with an error that names wasm-nn/inline", async () => {
    const out = outDir("esbuild-browser-default");
    await (await esbuild()).build({ absWorkingDir: src, entryPoints: ["app.mjs"], bundle: true, format: "iife", platform: "browser", outfile: join(out, "main.js"), logLevel: "silent" });
    page(out, "main.js", "classic");
    const server = await serve(out);
    try {
      const { report } = await openPage(browser, `${server.url}index.html`);
      expect(report.ok).toBe(false);
      expect(report.error).toMatch(/^Error: ready: could not load .*"wasm-nn\/inline"/);
    } finally {
      await server.close();
    }
  });

  for (const [entry, format] of [["app.mjs", "esm"], ["app.cjs", "cjs"]] as const) {
    it(`Node, ${format} output of ${entry}: plain 'wasm-nn', the bundle runs without node_modules`, async () => {
      const out = outDir(`esbuild-node-${format}`);
      const file = join(out, format === "esm" ? "main.mjs" : "main.cjs");
      await (await esbuild()).build({ absWorkingDir: src, entryPoints: [entry], bundle: true, format, platform: "node", outfile: file, logLevel: "silent" });
      expect(existsSync(join(out, "wasm-nn.wasm"))).toBe(false);
      expect(resultOf(await node(file, out), `esbuild (node, ${format})`)).toEqual(reference);
    });
  }
});

describe("no bundler", () => {
  it("a plain <script type=module> importing dist/index.js from node_modules", async () => {
    // Serve the consumer project itself: the page imports the package by its path.
    writeFileSync(
      join(src, "plain.html"),
      `<!doctype html>\n<meta charset="utf-8">\n<link rel="icon" href="data:,">\n<script type="importmap">{"imports":{"wasm-nn":"../node_modules/wasm-nn/dist/index.js"}}</script>\n<script type="module" src="./app.mjs"></script>\n`,
    );
    const server = await serve(join(src, ".."));
    try {
      const { report, consoleErrors, failedRequests } = await openPage(browser, `${server.url}bundlers/plain.html`);
      expect(failedRequests).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(resultOf(report, "plain module script")).toEqual(reference);
    } finally {
      await server.close();
    }
  });
});
