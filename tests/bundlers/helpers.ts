// Helpers for the packaging tests: consumer folders inside the project made by setup.ts,
// commands with informative failures, and pages in headless Chromium.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { CHROMIUM, CHROMIUM_FLAGS } from "../runtimes/harness";
import type { Consumer } from "./setup";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FIXTURES = join(ROOT, "tests/bundlers/fixtures");
const SMOKE = readFileSync(join(ROOT, "tests/runtimes/smoke.mjs"), "utf8");

export const consumer = (): Consumer => inject("consumer");

/**
 * A folder of the consumer project holding the given fixtures (plus smoke.mjs/.cjs and
 * report.mjs/.cjs, which every app uses). Returns its path.
 */
export function stage(name: string, fixtures: string[]): string {
  const dir = join(consumer().dir, name);
  mkdirSync(dir, { recursive: true });
  for (const f of fixtures) cpSync(join(FIXTURES, f), join(dir, f), { recursive: true });
  writeFileSync(join(dir, "smoke.mjs"), SMOKE);
  writeFileSync(join(dir, "smoke.cjs"), `${SMOKE.replace(/^export (async )?function/gm, "$1function")}\nmodule.exports = { smoke, sharedConv };\n`);
  const report = readFileSync(join(FIXTURES, "report.mjs"), "utf8");
  writeFileSync(join(dir, "report.mjs"), report);
  writeFileSync(join(dir, "report.cjs"), `${report.replace("export function report", "function report")}\nmodule.exports = { report };\n`);
  return dir;
}

/** A fresh output folder outside the consumer project (no node_modules in reach). */
export function outDir(name: string): string {
  const dir = join(consumer().out, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs a command; on failure the error carries its stdout and stderr. */
export function run(cmd: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    execFile(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 64 << 20, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${cmd} ${args.join(" ")} (in ${options.cwd}) failed: ${error.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
      else ok({ stdout, stderr });
    });
  });
}

/** The last line of stdout, parsed as JSON (what report.mjs prints). */
export function lastJson(stdout: string): unknown {
  const lines = stdout.trim().split("\n");
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    throw new Error(`expected a JSON line at the end of the output, got:\n${stdout}`);
  }
}

/** Runs a Node script and returns its report: {ok, result} or {ok: false, error}. */
export async function node(script: string, cwd: string, args: string[] = []): Promise<{ ok: boolean; result?: unknown; error?: string }> {
  const { stdout } = await run(process.execPath, [...args, script], { cwd });
  return lastJson(stdout) as { ok: boolean; result?: unknown; error?: string };
}

/** Unwraps a report, failing with the consumer's own error message. */
export function resultOf(report: { ok: boolean; result?: unknown; error?: string }, what: string): unknown {
  if (!report.ok) throw new Error(`${what} failed:\n${report.error}`);
  return report.result;
}

/** Serves a folder on 127.0.0.1 (sirv: application/wasm for .wasm). */
export async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const sirv = (await import("sirv")).default;
  const handler = sirv(dir, { dev: true });
  const server = createServer((req, res) =>
    handler(req, res, () => {
      res.statusCode = 404;
      res.end("not found");
    }),
  );
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}

type Browser = import("playwright-core").Browser;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** Opens `url`, waits for window.__result and returns it with console errors and failed requests. */
export async function openPage(
  browser: Browser,
  url: string,
): Promise<{ report: { ok: boolean; result?: unknown; error?: string }; consoleErrors: string[]; failedRequests: string[] }> {
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("response", (r) => {
    if (r.status() >= 400) failedRequests.push(`${r.status()} ${r.url()}`);
  });
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 }).catch((e) => {
      throw new Error(`${url}: the page never reported (${e.message}); console errors: ${JSON.stringify(consoleErrors)}; failed requests: ${JSON.stringify(failedRequests)}`);
    });
    const report = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as {
      ok: boolean;
      result?: unknown;
      error?: string;
    };
    return { report, consoleErrors, failedRequests };
  } finally {
    await page.close();
  }
}
