#!/usr/bin/env node
// Makes a fresh clone ready for `npm test` / `npm run demo`: installs dependencies when
// node_modules is missing or older than package-lock.json, builds the Wasm and the
// bundles, and (with --browser) makes sure Chromium is there for the browser tests.
import { execFileSync, execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const step = (msg) => console.log(`\n> ${msg}`);
const sh = (cmd) => execSync(cmd, { cwd: root, stdio: "inherit" });
// The npm that started this script (inside npm scripts, node_modules/.bin may shadow
// the user's npm with an old copy pulled in by a test dependency).
const npm = process.env.npm_execpath ? `"${process.execPath}" "${process.env.npm_execpath}"` : "npm";

const lock = join(root, "package-lock.json");
const installed = join(root, "node_modules/.package-lock.json");
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  step("npm ci (dependencies are missing or out of date)");
  sh(`${npm} ci --no-audit --no-fund`);
}

step("npm run build");
sh(`${npm} run build --silent`);

if (process.argv.includes("--browser")) {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(chromium)) {
    const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
    const hasApt = (() => {
      try {
        execFileSync("apt-get", ["--version"], { stdio: "ignore" });
        return true;
      } catch {
        return false;
      }
    })();
    if (!isRoot || !hasApt) {
      console.error(`\nThe browser tests need Chromium at ${chromium}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
      process.exit(1);
    }
    step("apt-get install -y chromium (for the browser tests)");
    execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium", { stdio: "inherit" });
  }
}
