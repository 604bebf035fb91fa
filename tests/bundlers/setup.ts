// Global setup for the packaging tests (tests/bundlers/*.test.ts): packs the package once
// per run (`npm pack`, what users install) and installs the tarball into one throw-away
// consumer project outside the repository. The tests give each bundler and runtime its
// own folder of sources in that project.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface Consumer {
  /** The consumer project (package.json, node_modules/wasm-nn from the tarball). */
  dir: string;
  /** Where bundles are written: outside the project, so no node_modules is in reach. */
  out: string;
  tarball: string;
  /** `npm pack`'s sizes, in bytes. */
  size: number;
  unpackedSize: number;
  files: string[];
}

declare module "vitest" {
  export interface ProvidedContext {
    consumer: Consumer;
  }
}

/** The real npm: the one running this (`npm test`), else the one installed beside node. */
export function npmCommand(): [string, string[]] {
  const execpath = process.env.npm_execpath;
  if (execpath && /npm-cli\.js$/.test(execpath) && !execpath.includes(`${ROOT}/node_modules`)) return [process.execPath, [execpath]];
  const beside = join(dirname(process.execPath), "../lib/node_modules/npm/bin/npm-cli.js");
  if (existsSync(beside)) return [process.execPath, [beside]];
  return ["npm", []];
}

function npm(args: string[], cwd: string): string {
  const [cmd, pre] = npmCommand();
  return execFileSync(cmd, [...pre, ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_loglevel: "error" } });
}

export default function setup(project: TestProject): () => void {
  if (!existsSync(join(ROOT, "dist/index.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does) before the packaging tests");
  const base = join(tmpdir(), `wasm-nn-consumers-${process.pid}`);
  rmSync(base, { recursive: true, force: true });
  const dir = join(base, "app");
  const out = join(base, "out");
  mkdirSync(dir, { recursive: true });
  mkdirSync(out, { recursive: true });
  const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", base], ROOT)) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  const tarball = join(base, packed.filename);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "consumer", private: true, type: "module" }, null, 2)}\n`);
  // The tarball has no dependencies: the install needs no registry.
  npm(["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", tarball], dir);
  project.provide("consumer", {
    dir,
    out,
    tarball,
    size: packed.size,
    unpackedSize: packed.unpackedSize,
    files: packed.files.map((f) => f.path),
  });
  return () => {
    if (!process.env.KEEP_CONSUMERS) rmSync(base, { recursive: true, force: true });
  };
}
