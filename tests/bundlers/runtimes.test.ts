// The packed tarball, installed into a consumer project, run as users run it: Node ESM and
// CommonJS (and both in one process), wasm-nn/node with and without its optional codecs,
// Deno with an npm: specifier, and a Cloudflare Worker in workerd. Every runtime must give
// the bit-identical numbers of the shared smoke computation (tests/runtimes/smoke.mjs).
import { spawn } from "node:child_process";
import { copyFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, consumer, lastJson, node, outDir, resultOf, run, stage } from "./helpers";
import { workerdConfig } from "../runtimes/harness";

let reference: unknown;
let app: string;

beforeAll(async () => {
  app = stage("node", ["app.mjs", "app.cjs", "mixed.mjs", "images.mjs", "images.cjs"]);
  reference = resultOf(await node("app.mjs", app), "Node ESM consumer");
}, 120_000);

describe("Node 20 (the installed tarball)", () => {
  it("ESM: import 'wasm-nn' runs the smoke computation", () => {
    expect((reference as { info: unknown }).info).toEqual({ simd: true, relaxedSimd: false });
  });

  it("CommonJS: require('wasm-nn') gives the same numbers", async () => {
    expect(resultOf(await node("app.cjs", app), "Node CommonJS consumer")).toEqual(reference);
  });

  it("import and require in one process share one module and one Wasm instance", async () => {
    const { stdout } = await run(process.execPath, ["mixed.mjs"], { cwd: app });
    expect(lastJson(stdout)).toEqual({
      sameTensorClass: true,
      cjsReadyWithoutCall: true,
      sum: [1, 2, 3, 4],
      out: [1, 2],
      tensors: [8, 8], // one count: zeros, arange, ones, the sum, its view, weight, bias, output
    });
  });

  it("wasm-nn/node without the optional codecs: an error naming the install command", async () => {
    for (const script of ["images.mjs", "images.cjs"]) {
      const { stdout } = await run(process.execPath, [script], { cwd: app });
      expect(lastJson(stdout), script).toEqual({
        ok: false,
        name: "Error",
        message: "encodePng: PNG files need the optional package pngjs, which is not installed: run `npm install pngjs`",
      });
    }
  });

  it("wasm-nn/node with pngjs installed: PNG round trip from ESM and CommonJS", async () => {
    const link = join(consumer().dir, "node_modules/pngjs");
    symlinkSync(join(ROOT, "node_modules/pngjs"), link, "dir");
    try {
      for (const script of ["images.mjs", "images.cjs"]) {
        const { stdout } = await run(process.execPath, [script], { cwd: app });
        expect(lastJson(stdout), script).toEqual({ ok: true, size: [2, 2], red: [0, 128, 255, 64] });
      }
    } finally {
      rmSync(link);
    }
  });
});

describe("Deno (npm: specifier)", () => {
  const deno = join(ROOT, "node_modules/.bin/deno");
  const env = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(consumer().out, "deno-dir") };

  it("deno run --allow-read gives the same numbers", async () => {
    const dir = stage("deno", ["app-deno.mjs"]);
    const { stdout } = await run(deno, ["run", "--allow-read", "--no-prompt", "app-deno.mjs"], { cwd: dir, env });
    expect(resultOf(lastJson(stdout) as never, "Deno consumer")).toEqual(reference);
  });

  it("without --allow-read it still runs (the Wasm inlined in the package is used)", async () => {
    const dir = stage("deno", ["app-deno.mjs"]);
    const { stdout } = await run(deno, ["run", "--no-prompt", "app-deno.mjs"], { cwd: dir, env });
    expect(resultOf(lastJson(stdout) as never, "Deno consumer without --allow-read")).toEqual(reference);
  });
});

describe("Cloudflare Workers (workerd)", () => {
  it("a worker bundled as wrangler bundles it answers with the same numbers", async () => {
    const dir = stage("worker", ["worker.mjs"]);
    const out = outDir("worker");
    const esbuild = await import("esbuild");
    // wrangler's settings: these conditions, ESM output, .wasm imports left to the platform.
    await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ["worker.mjs"],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["browser", "module", "main"],
      external: ["*.wasm"],
      outfile: join(out, "worker.js"),
      logLevel: "silent",
    });
    copyFileSync(join(consumer().dir, "node_modules/wasm-nn/dist/wasm-nn.wasm"), join(out, "wasm-nn.wasm"));
    writeFileSync(join(out, "config.capnp"), workerdConfig());
    const port = await new Promise<number>((ok) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => ok(p));
      });
    });
    const proc = spawn(join(ROOT, "node_modules/.bin/workerd"), ["serve", join(out, "config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    proc.stdout.on("data", (d) => (log += d));
    proc.stderr.on("data", (d) => (log += d));
    try {
      let response: Response | undefined;
      for (let attempt = 0; !response; attempt++) {
        try {
          response = await fetch(`http://127.0.0.1:${port}/`);
        } catch (e) {
          if (attempt > 100 || proc.exitCode !== null) throw new Error(`workerd did not answer: ${e}\n${log}`);
          await new Promise((ok) => setTimeout(ok, 100));
        }
      }
      const body = await response.text();
      expect(response.status, `${body}\n${log}`).toBe(200);
      expect(JSON.parse(body)).toEqual(reference);
    } finally {
      proc.kill();
    }
  });
});
