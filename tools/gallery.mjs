#!/usr/bin/env node
// Serves the repository on 127.0.0.1 (the gallery imports the built package from /dist)
// and prints the gallery's address. Stop with Ctrl-C.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.PORT ?? "8080";
console.log(`\nwasm-nn gallery: http://127.0.0.1:${port}/examples/gallery/\n`);
spawn(join(root, "node_modules/.bin/sirv"), [root, "--host", "127.0.0.1", "--port", port, "--quiet"], { stdio: "inherit" })
  .on("exit", (code) => process.exit(code ?? 0));
