// Deno with ready()'s defaults: the relaxed-SIMD threaded build, on as many threads as
// cores (at most 4). Prints ready()'s answer and the smoke's shared convolution.
import * as api from "../../dist/index.js";
import { sharedConv } from "./smoke.mjs";

const info = await api.ready();
console.log(JSON.stringify({ info, shared: sharedConv(api) }));
