// Timing parts both benchmarks share (bench/run.mjs per layer, bench/models/run.mjs per model).

/** One call of an engine: run, wait if it is asynchronous, and return [ms, output]; an engine that times itself (PyTorch native) says its own ms. */
export async function call(impl) {
  const t0 = performance.now();
  let out = impl.run();
  if (out && typeof out.then === "function") out = await out;
  const ms = performance.now() - t0;
  return [impl.timeOf ? impl.timeOf(out) : ms, out];
}

/** Untimed warm-up calls: at least `min`, then more while within `budgetMs`, at most `max`; returns their times. */
export async function warmUp(impl, min, budgetMs, max) {
  const warm = [];
  const start = performance.now();
  while (warm.length < min || (performance.now() - start < budgetMs && warm.length < max)) {
    const [ms, out] = await call(impl);
    impl.release(out);
    warm.push(ms);
  }
  return warm;
}

/** How wasm-nn's heap changed over the timed calls (memory() before and after). */
export function heapGrowth(before, after) {
  return {
    afterWarmup: before.heapBytes,
    afterReps: after.heapBytes,
    grewBytes: after.heapBytes - before.heapBytes,
    tensorsLeaked: after.tensors - before.tensors,
    bytesLeaked: after.bytes - before.bytes,
  };
}
