#!/usr/bin/env node
// Installs the benchmark's own dependencies (the peers) from bench/package-lock.json when
// they are missing or older than the lock file.
//
// It runs the npm that started `npm run bench` (npm_execpath) rather than whatever `npm`
// is first on PATH: inside npm scripts that is node_modules/.bin, where a transitive
// dependency installs an old npm that cannot read lockfile v3.
import { execFileSync, execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const bench = dirname(fileURLToPath(import.meta.url));
const lock = join(bench, "package-lock.json");
const installed = join(bench, "node_modules/.package-lock.json");

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log("\n> npm ci in bench/ (tfjs-wasm and onnxruntime-web)");
  const args = ["ci", "--no-audit", "--no-fund"];
  const npm = process.env.npm_execpath;
  if (npm && /\.c?js$/.test(npm)) {
    execFileSync(process.execPath, [npm, ...args], { cwd: bench, stdio: "inherit" });
  } else {
    execSync(`npm ${args.join(" ")}`, { cwd: bench, stdio: "inherit" });
  }
}
