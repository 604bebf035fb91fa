#!/usr/bin/env node
// Serves the repository on 127.0.0.1 with sirv (the gallery imports the built package
// from /dist) and prints the gallery's address. Stop with Ctrl-C.
//
// /examples/gallery/build.json names the current build: a hash of the built package and
// the gallery's own files. The page registers its service worker under that name, so a
// new build gets a new offline cache (and the old one is deleted).
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import sirv from "sirv";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const HASHED = ["dist", "examples/gallery", "examples/assets/sample.png", "examples/digits"];

function files(path) {
  return statSync(path).isDirectory() ? readdirSync(path).sort().flatMap((f) => files(join(path, f))) : [path];
}

/** A short hash of every file the gallery serves from this checkout. */
export function galleryBuild(root = ROOT) {
  const hash = createHash("sha256");
  for (const file of HASHED.flatMap((p) => files(join(root, p)))) hash.update(file.slice(root.length)).update(readFileSync(file));
  return hash.digest("hex").slice(0, 12);
}

/** Starts the server; `build` overrides the build name (tests use it to simulate an update). */
export function serveGallery({ port = 8080, host = "127.0.0.1", build = () => galleryBuild() } = {}) {
  const serveFile = sirv(ROOT, { dev: true });
  const server = createServer((req, res) => {
    if (req.url?.split("?")[0] === "/examples/gallery/build.json") {
      res.setHeader("content-type", "application/json");
      res.setHeader("cache-control", "no-store");
      res.end(JSON.stringify({ build: build() }));
      return;
    }
    serveFile(req, res, () => {
      res.statusCode = 404;
      res.end("not found");
    });
  });
  return new Promise((ok) =>
    server.listen(port, host, () => {
      const url = `http://${host}:${server.address().port}/examples/gallery/`;
      ok({ url, close: () => new Promise((done) => server.close(() => done())) });
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await serveGallery({ port: Number(process.env.PORT ?? 8080) });
  console.log(`\nwasm-nn gallery: ${url}\n`);
}
