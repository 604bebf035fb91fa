// Loads the built package in a fresh process with one kind of `ready(source)` argument
// (given on the command line) and prints what a small computation returned. The kind
// "no-shared-memory" first removes SharedArrayBuffer, as a page that is not cross-origin
// isolated (or workerd) has none.
import { readFileSync } from "node:fs";

const kind = process.argv[2];
if (kind === "no-shared-memory") delete globalThis.SharedArrayBuffer;
const api = await import("../../dist/index.js");
const wasmUrl = new URL("../../dist/wasm-nn.wasm", import.meta.url);
const bytes = readFileSync(wasmUrl);

let before;
let beforeIsTypeError = false;
try {
  api.zeros(2);
  before = "no error";
} catch (e) {
  before = `${e.name}: ${e.message}`;
  beforeIsTypeError = e instanceof TypeError && e instanceof api.NotReadyError;
}

const sources = {
  default: () => undefined,
  url: () => wasmUrl,
  string: () => wasmUrl.href,
  bytes: () => new Uint8Array(bytes),
  arraybuffer: () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  module: () => new WebAssembly.Module(bytes),
  response: () => new Response(bytes, { headers: { "content-type": "application/wasm" } }),
  "response-octet-stream": () => new Response(bytes, { headers: { "content-type": "application/octet-stream" } }),
  "promise-of-response": () => Promise.resolve(new Response(bytes, { headers: { "content-type": "application/wasm" } })),
  // An options object, never mistaken for a source.
  "options-empty": () => ({}),
  "options-source": () => ({ source: wasmUrl, relaxedSimd: false }),
  "options-threads": () => ({ threads: 2 }),
  "options-null-prototype": () => Object.assign(Object.create(null), { source: new Uint8Array(bytes) }),
  "options-plain": () => ({ relaxedSimd: false }),
  "no-shared-memory": () => ({ threads: 2 }),
};
const warnings = [];
console.warn = (...args) => warnings.push(args.join(" "));
const refused = [];
for (const bad of [{ thread: 2 }, { threads: 0 }, { threads: 1.5 }, { threads: 65 }, { relaxedSimd: "no" }]) {
  try {
    await api.ready(bad);
    refused.push("accepted");
  } catch (e) {
    refused.push(`${e.name}: ${e.message}`);
  }
}
const info = await api.ready(sources[kind]());
const again = await api.ready(); // idempotent: the first source stays
const sum = Array.from(api.arange(4).add(1).toArray());
const threadsNow = api.numThreads();
const later = await api.ready({ threads: 3 }); // a later request applies its thread count
const later2 = await api.ready({ threads: 3 }); // and, without threads, warns no more
api.setNumThreads(1);
const afterSet = api.numThreads();
console.log(JSON.stringify({ before, beforeIsTypeError, info, same: info === again, sum, threadsNow, later, later2, afterSet, warnings, refused }));
