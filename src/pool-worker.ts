// The code a pool worker runs, kept as one self-contained function so that it can be
// started from a string (Node's `eval` workers, a Blob URL in browsers and Deno): no
// separate file to locate, copy or bundle.
//
// A worker instantiates the threaded module on the shared memory, points its small work
// areas at the block the main thread allocated for it (it never allocates: the Wasm
// allocator is not thread-safe), says "ready", then loops: wait for a new job number in
// the control block, then claim parts of the job (an atomic counter) and run them until
// none is left. Parts go to whichever thread is free: a worker that the system has not
// scheduled yet holds nobody up, the caller takes its part.

/** Int32 slots of the control block (a SharedArrayBuffer), shared with src/pool.ts. */
export const SEQ = 0; // job number; bumped for every job
export const DONE = 1; // parts of the current job finished
export const KERNEL = 2; // index into the kernel names the workers were given
export const STRIDE = 4; // scratch bytes per thread
export const ARGC = 5; // number of arguments
export const FAILED = 6; // set when a part threw
export const NEXT = 8; // (parts << 8) | the next part nobody has claimed yet
/** Byte offset of the job's arguments (float64: pointers, sizes and float scalars all fit). */
export const ARGS_AT = 64;
export const MAX_ARGS = 12;
export const CONTROL_BYTES = ARGS_AT + 8 * MAX_ARGS;

/** What the main thread sends a new worker. */
export interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** The worker's part index (1, 2, ...) and its work-area block. */
  index: number;
  area: number;
  names: string[];
}

interface Port {
  postMessage(m: unknown): void;
  on?(event: "message", f: (m: unknown) => void): void;
  onmessage?: ((e: { data: unknown }) => void) | null;
}

/** The worker's whole program. Must not use anything outside its own body (it runs from its source text). */
function workerMain(port: Port): void {
  // Slots and offsets repeated here on purpose: the function travels as text.
  const SEQ = 0, DONE = 1, KERNEL = 2, STRIDE = 4, ARGC = 5, FAILED = 6, NEXT = 8, ARGS_AT = 64, MAX_ARGS = 12;
  // Iterations of polling before sleeping in Atomics.wait: calls that follow each other
  // closely (the layers of a model) find the worker awake, an idle pool costs no CPU.
  const SPINS = 20000;
  const start = (msg: unknown): void => {
    const m = msg as WorkerStart;
    const imports = { env: { memory: m.memory, abort: () => { throw new Error("wasm-nn: a kernel aborted"); } } };
    const k = new WebAssembly.Instance(m.module, imports).exports as Record<string, (...a: number[]) => unknown>;
    k.useThreadArea(m.area);
    const kernels = m.names.map((n) => k[n]);
    const ctl = new Int32Array(m.control);
    const args = new Float64Array(m.control, ARGS_AT, MAX_ARGS);
    let seen = Atomics.load(ctl, SEQ);
    port.postMessage("ready");
    for (;;) {
      for (let spin = 0; Atomics.load(ctl, SEQ) === seen; spin++) {
        if (spin >= SPINS) {
          Atomics.wait(ctl, SEQ, seen);
          spin = 0;
        }
      }
      seen = Atomics.load(ctl, SEQ);
      // A job's fields are written before its counter opens, and the counter carries the
      // job's part count: a claim below it is a part of the job those fields describe.
      for (let claim = Atomics.add(ctl, NEXT, 1); (claim & 255) < claim >> 8; claim = Atomics.add(ctl, NEXT, 1)) {
        try {
          k.setPart(claim & 255, claim >> 8, m.index * ctl[STRIDE]);
          const argc = ctl[ARGC];
          const a: number[] = [];
          for (let i = 0; i < argc; i++) a.push(args[i]);
          kernels[ctl[KERNEL]](...a);
        } catch {
          Atomics.store(ctl, FAILED, 1);
        }
        k.setPart(0, 1, 0);
        Atomics.add(ctl, DONE, 1);
        Atomics.notify(ctl, DONE);
      }
    }
  };
  if (port.on) port.on("message", start);
  else port.onmessage = (e) => start(e.data);
}

/** Source text of a worker: Node's worker_threads (eval) or a module worker (browsers, Deno). */
export function workerSource(node: boolean): string {
  const port = node ? 'require("node:worker_threads").parentPort' : "self";
  return `(${workerMain.toString()})(${port});\n`;
}
