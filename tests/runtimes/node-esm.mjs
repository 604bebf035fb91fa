// Node, ESM: imports the package by its name (resolved through package.json "exports").
import * as api from "wasm-nn";
import { smoke } from "./smoke.mjs";

console.log(JSON.stringify(await smoke(api)));
