// `import m from "./x.wasm"` gives a compiled WebAssembly.Module on edge platforms.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
