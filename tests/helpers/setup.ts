// Loads the freshly built kernels before the API tests run from src/. WASM_NN_BUILD picks
// the build (plain, relaxed, threads, relaxed-threads; default: threads) and
// WASM_NN_THREADS the thread count (default 2), so that `npm test` runs the suite in each.
import { readFileSync } from "node:fs";
import { ready } from "../../src/index";

const build = process.env.WASM_NN_BUILD ?? "threads";
const file = build === "plain" ? "wasm-nn.wasm" : `wasm-nn-${build}.wasm`;
const threads = Number(process.env.WASM_NN_THREADS ?? (build.endsWith("threads") ? 2 : 1));
const info = await ready({ source: readFileSync(new URL(`../../build/${file}`, import.meta.url)), threads });
if (info.threads !== threads || info.relaxedSimd !== build.startsWith("relaxed")) {
  throw new Error(`tests/helpers/setup.ts: asked for build ${build} on ${threads} threads, got ${JSON.stringify(info)}`);
}
