#!/usr/bin/env node
// Serves the repository on 127.0.0.1 with sirv (the gallery imports the built package
// from /dist) and prints the gallery's address. Stop with Ctrl-C.
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import sirv from "sirv";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 8080);
const files = sirv(root, { dev: true });
createServer((req, res) =>
  files(req, res, () => {
    res.statusCode = 404;
    res.end("not found");
  }),
).listen(port, "127.0.0.1", () => console.log(`\nwasm-nn gallery: http://127.0.0.1:${port}/examples/gallery/\n`));
