// Node, CommonJS: require() of the package by its name resolves to dist/index.cjs.
const api = require("wasm-nn");

import("./smoke.mjs")
  .then(({ smoke }) => smoke(api))
  .then((result) => console.log(JSON.stringify(result)))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
