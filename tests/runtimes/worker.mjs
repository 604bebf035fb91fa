// Cloudflare Workers: the package is resolved with the "workerd" export condition (its
// edge entry), which imports the .wasm as a module instead of compiling bytes.
import * as api from "wasm-nn";
import { smoke } from "./smoke.mjs";

export default {
  async fetch() {
    try {
      return Response.json(await smoke(api));
    } catch (e) {
      return new Response(String(e && e.stack || e), { status: 500 });
    }
  },
};
