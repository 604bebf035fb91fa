// dist/wasm-inline.js (and .cjs): the Wasm module as base64 text, written by rollup.config.mjs.
declare const base64: string;
export default base64;
