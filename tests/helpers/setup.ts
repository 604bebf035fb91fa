// Loads the freshly built kernels (build/wasm-nn.wasm) before the API tests run from src/.
import { readFileSync } from "node:fs";
import { ready } from "../../src/index";

await ready(readFileSync(new URL("../../build/wasm-nn.wasm", import.meta.url)));
