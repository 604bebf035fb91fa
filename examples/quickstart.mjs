// A first look at wasm-nn: tensors in the Wasm heap, views, seeded random init.
// Run with `npm run demo` (installs and builds first) or `node examples/quickstart.mjs`.
import { arange, init, manualSeed, memory, ready, tidy, zeros } from "wasm-nn";

const info = await ready();
console.log("wasm-nn ready:", info);

tidy(() => {
  const x = arange(12).reshape(3, 4);
  console.log("x =", x.toNested());
  console.log("x.t() =", x.t().toNested());
  console.log("x * 0.5 + 1 =", x.mul(0.5).add(1).toNested());

  manualSeed(1);
  const w = init.xavierNormal_(zeros(1, 3, 3, 3));
  console.log("xavierNormal_ weight [1,3,3,3], first row:", Array.from(w.select(0, 0).select(0, 0).select(0, 0).toArray()));
  console.log("live tensors inside tidy:", memory().tensors);
});
console.log("live tensors after tidy:", memory().tensors);
