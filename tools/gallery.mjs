#!/usr/bin/env node
// Serves the repository on 127.0.0.1 with sirv (the gallery imports the built package
// from /dist) and prints the gallery's address. Stop with Ctrl-C.
//
// Every response carries COOP same-origin + COEP require-corp, so the pages are
// cross-origin isolated: SharedArrayBuffer exists and wasm-nn can compute on several
// threads. Everything the pages load is same-origin, which require-corp allows as is.
//
// /examples/gallery/build.json names the current build: a hash of the built package and
// the gallery's own files. The page registers its service worker under that name, so a
// new build gets a new offline cache (and the old one is deleted). It also lists the
// package files a browser may load (every Wasm build and its scripts), for the worker
// to cache before the page goes offline.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import sirv from "sirv";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const HASHED = ["dist", "examples/gallery", "examples/assets/sample.png", "examples/digits"];

/** The headers that make a page cross-origin isolated (and keep its files to its own origin). */
export const ISOLATION_HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};

function files(path) {
  return statSync(path).isDirectory() ? readdirSync(path).sort().flatMap((f) => files(join(path, f))) : [path];
}

/** A short hash of every file the gallery serves from this checkout. */
export function galleryBuild(root = ROOT) {
  const hash = createHash("sha256");
  for (const file of HASHED.flatMap((p) => files(join(root, p)))) hash.update(file.slice(root.length)).update(readFileSync(file));
  return hash.digest("hex").slice(0, 12);
}

/**
 * The files of dist/ that the browser entry may load: its modules and every Wasm build
 * (which one runs is decided in the page, by what the browser supports). The inlined
 * copies, the edge entry and the Node and CommonJS builds are never loaded by the page.
 */
export function browserFiles(root = ROOT) {
  const skip = new Set(["inline.js", "wasm-inline.js", "edge.js"]);
  return readdirSync(join(root, "dist"))
    .filter((f) => (f.endsWith(".js") || f.endsWith(".wasm")) && !skip.has(f) && statSync(join(root, "dist", f)).isFile())
    .sort()
    .map((f) => `/dist/${f}`);
}

/** Starts the server; `build` overrides the build name (tests use it to simulate an update). */
export function serveGallery({ port = 8080, host = "127.0.0.1", build = () => galleryBuild() } = {}) {
  const serveFile = sirv(ROOT, { dev: true });
  const server = createServer((req, res) => {
    // Set before sirv answers: its own headers (content type, length) are merged with these.
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    if (req.url?.split("?")[0] === "/examples/gallery/build.json") {
      res.setHeader("content-type", "application/json");
      res.setHeader("cache-control", "no-store");
      res.end(JSON.stringify({ build: build(), files: browserFiles() }));
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await serveGallery({ port: Number(process.env.PORT ?? 8080) });
  console.log(`\nwasm-nn gallery: ${url}\n`);
}
