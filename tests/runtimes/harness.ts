// Runs a script of tests/runtimes in each runtime and returns what it printed (JSON).
// Every runner works on the built package (dist/), as users get it.
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const HERE = join(ROOT, "tests/runtimes");
// Outside the repository: the workerd runs link node_modules/wasm-nn back to the root,
// a loop that directory walkers (static servers, file watchers) must not meet.
const TMP = join(tmpdir(), "wasm-nn-runtimes");
const run = promisify(execFile);

/** Chromium from Debian's package (apt-get install -y chromium), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

function parseLastLine(stdout: string): unknown {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

export async function runNode(script: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, [join(HERE, script)], { cwd: ROOT, maxBuffer: 64 << 20 });
  return parseLastLine(stdout);
}

export async function runDeno(script: string): Promise<unknown> {
  const deno = join(ROOT, "node_modules/.bin/deno");
  const { stdout } = await run(deno, ["run", "--allow-read", "--no-prompt", join(HERE, script)], {
    cwd: ROOT,
    maxBuffer: 64 << 20,
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  });
  return parseLastLine(stdout);
}

/** Serves the repository root on 127.0.0.1 (sirv sets application/wasm for .wasm files). */
export async function serveRoot(): Promise<{ url: string; close: () => Promise<void> }> {
  const sirv = (await import("sirv")).default;
  const handler = sirv(ROOT, { dev: true, dotfiles: false });
  const server: Server = createServer((req, res) => handler(req, res, () => {
    res.statusCode = 404;
    res.end("not found");
  }));
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}

export interface PageRun {
  result: unknown;
  consoleErrors: string[];
}

/**
 * Opens `path` of the served repository in headless Chromium, waits until the page sets
 * `window.__result = {ok, result | error}`, and returns it with any console errors.
 */
export async function runChromium(
  path: string,
  options: { timeoutMs?: number; screenshot?: string; offlineReload?: boolean } = {},
): Promise<PageRun & { offlineResult?: unknown }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  const { chromium } = await import("playwright-core");
  const server = await serveRoot();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  const consoleErrors: string[] = [];
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    const outcome = async () => {
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, {
        timeout: options.timeoutMs ?? 60_000,
      });
      const r = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as {
        ok: boolean;
        result?: unknown;
        error?: string;
      };
      if (!r.ok) throw new Error(`page ${path} failed: ${r.error}`);
      return r.result;
    };
    await page.goto(server.url + path);
    const result = await outcome();
    if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true });
    if (!options.offlineReload) return { result, consoleErrors };
    // Once the page's service worker has cached everything, it must load with the network off.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await context.setOffline(true);
    await page.reload();
    return { result, consoleErrors, offlineResult: await outcome() };
  } finally {
    await browser.close();
    await server.close();
  }
}

async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((ok) => srv.listen(0, "127.0.0.1", ok));
  const { port } = srv.address() as AddressInfo;
  await new Promise((ok) => srv.close(ok));
  return port;
}

/**
 * Bundles `entry` (a path) as a user's build would for Cloudflare Workers (bare "wasm-nn"
 * resolved from a node_modules link with the "workerd" export condition), runs it in
 * workerd on 127.0.0.1, and returns the worker's answer to `request`.
 */
export async function runWorkerd(
  entry: string,
  request: (url: string) => Promise<Response> = (url) => fetch(url),
): Promise<Response> {
  const dir = join(TMP, `workerd-${entry.replace(/\W/g, "_").slice(-60)}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules/wasm-nn"), "dir");
  const { rollup } = await import("rollup");
  const { nodeResolve } = await import("@rollup/plugin-node-resolve");
  const bundle = await rollup({
    input: resolve(HERE, entry),
    plugins: [
      { name: "wasm-external", resolveId: (s) => (s.endsWith(".wasm") ? { id: "./wasm-nn.wasm", external: true } : null) },
      nodeResolve({
        exportConditions: ["workerd", "worker", "import"],
        preferBuiltins: false,
        modulePaths: [join(dir, "node_modules"), join(ROOT, "node_modules")],
      }),
    ],
    makeAbsoluteExternalsRelative: false,
    onwarn: () => {},
  });
  await bundle.write({ file: join(dir, "worker.js"), format: "es", inlineDynamicImports: true });
  await bundle.close();
  copyFileSync(join(ROOT, "dist/wasm-nn.wasm"), join(dir, "wasm-nn.wasm"));
  writeFileSync(join(dir, "config.capnp"), workerdConfig(["nodejs_compat"]));
  const port = await freePort();
  const proc = spawn(join(ROOT, "node_modules/.bin/workerd"), ["serve", join(dir, "config.capnp"), "--socket-addr", `http=127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  proc.stdout.on("data", (d) => (log += d));
  proc.stderr.on("data", (d) => (log += d));
  try {
    const url = `http://127.0.0.1:${port}/`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(url);
      } catch (e) {
        if (attempt > 100 || proc.exitCode !== null) throw new Error(`workerd did not answer: ${e}\n${log}`);
        await new Promise((ok) => setTimeout(ok, 100));
      }
    }
  } finally {
    proc.kill();
  }
}

/** workerd's config for one worker.js (an ES module) with wasm-nn.wasm beside it, on a free port. */
export function workerdConfig(compatibilityFlags: string[] = []): string {
  const flags = compatibilityFlags.length > 0 ? `\n  compatibilityFlags = [${compatibilityFlags.map((f) => JSON.stringify(f)).join(", ")}],` : "";
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "wasm-nn.wasm", wasm = embed "wasm-nn.wasm"),
  ],
  compatibilityDate = "2024-09-23",${flags}
);
`;
}
