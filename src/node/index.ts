// wasm-nn/node: Node-only helpers (files). The core entry stays free of Node imports.
export * from "../index";
