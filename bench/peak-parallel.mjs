// The peak loop of bench/peak.ts on N threads at once (the calling thread and N - 1
// worker_threads, each with its own instance): what N cores of this machine give right
// now to code that shares nothing. A threaded run times it beside each row, as it times
// the one-thread loop, so a row's N-thread speedup can be read against the speedup the
// machine itself allowed in the same rounds (other processes on the cores lower both).

import { Worker } from "node:worker_threads";
import { FLOPS_PER_ITERATION, peakBinary, peakRunner } from "./peak.mjs";

// The workers wait for a go (GO counts calls), run the loop, and count themselves DONE.
const GO = 0;
const DONE = 1;

const workerSource = `
const { workerData, parentPort } = require("node:worker_threads");
const { bytes, ctl: buffer, fused, iterations } = workerData;
const ctl = new Int32Array(buffer);
WebAssembly.instantiate(bytes, { env: { abort() {} } }).then(({ instance }) => {
  const loop = fused ? instance.exports.fusedMulAdd : instance.exports.mulAdd;
  loop(1 << 12, 0.5, 1); // compiled before the first timed call
  parentPort.postMessage("ready");
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, ${GO}, seen);
    seen = Atomics.load(ctl, ${GO});
    loop(iterations, 0.5, 1);
    Atomics.add(ctl, ${DONE}, 1);
    Atomics.notify(ctl, ${DONE});
  }
});
`;

/**
 * { run() -> ms, flops, threads, close() }: one run is the loop of about `ms` milliseconds
 * (sized on one thread) on every thread at once; flops counts all of them.
 */
export async function parallelPeakRunner(threads, ms = 20, { fused = false } = {}) {
  const single = await peakRunner(ms, { fused });
  const iterations = single.flops / FLOPS_PER_ITERATION;
  const bytes = await peakBinary(fused);
  const ctl = new Int32Array(new SharedArrayBuffer(8));
  const workers = [];
  await Promise.all(
    Array.from({ length: threads - 1 }, () => new Promise((resolve, reject) => {
      const w = new Worker(workerSource, { eval: true, workerData: { bytes, ctl: ctl.buffer, fused, iterations } });
      w.unref(); // a finished run exits without closing them
      w.once("message", resolve);
      w.once("error", reject);
      workers.push(w);
    })),
  );
  return {
    threads,
    flops: single.flops * threads,
    run() {
      Atomics.store(ctl, DONE, 0);
      const t0 = performance.now();
      Atomics.add(ctl, GO, 1);
      Atomics.notify(ctl, GO);
      single.run();
      for (let done; (done = Atomics.load(ctl, DONE)) < threads - 1; ) Atomics.wait(ctl, DONE, done);
      return performance.now() - t0;
    },
    close() {
      for (const w of workers) w.terminate();
    },
  };
}
