// A Cloudflare Worker: POST a PNG, get the tutorial's transposed-convolution output back.
// Bundlers for Workers (wrangler, esbuild with the "workerd" condition) pick wasm-nn's edge
// entry, which imports the .wasm as a compiled module: Workers may not compile bytes.
import * as api from "wasm-nn";
import { handle } from "./upsample.mjs";

export default {
  fetch(request) {
    return handle(api, request);
  },
};
