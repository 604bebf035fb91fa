// Deno: imports the built ESM entry, which reads the .wasm beside it (--allow-read).
import * as api from "../../dist/index.js";
import { smoke } from "./smoke.mjs";

console.log(JSON.stringify(await smoke(api)));
