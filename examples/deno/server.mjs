// The same endpoint on Deno.serve: POST a PNG to http://127.0.0.1:8000/ and get the
// up-sampled PNG back.
//   deno run --allow-net=127.0.0.1 --allow-read --allow-env examples/deno/server.mjs
// Outside this repository, import "npm:wasm-nn" and "npm:fast-png" instead.
import * as api from "wasm-nn";
import { handle } from "../worker/upsample.mjs";

const port = Number(Deno.env.get("PORT") ?? 8000);
await api.ready();
Deno.serve({ hostname: "127.0.0.1", port, onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}/`) }, (request) =>
  handle(api, request),
);
