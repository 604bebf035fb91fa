// The worker pool of the threaded build: the main thread and its workers run one kernel
// call together, each computing its part (assembly/parts.ts), then the call returns.
//
// Calls stay synchronous, as everywhere else in the API: the main thread writes the job
// into a small shared control block, wakes the workers, and then every thread, the main
// one included, claims parts from an atomic counter until none is left; the main thread
// waits (polling; a browser's main thread may not block) until every part is done. A
// worker the system has not scheduled yet delays nothing: the main thread takes its part. Workers never allocate from the Wasm heap: the main thread allocates each one's
// work-area block before it starts, and reserves scratch space for every part.
// Workers are unref'd in Node, so a process that used threads still exits by itself.

import { ARGC, ARGS_AT, CONTROL_BYTES, DONE, FAILED, KERNEL, MAX_ARGS, NEXT, SEQ, STRIDE, type WorkerStart, workerSource } from "./pool-worker";

/** The raw kernel functions and memory of the main thread's instance. */
export interface PoolKernels {
  alloc(bytes: number): number;
  setPart(index: number, count: number, scratchStride: number): void;
  threadAreaBytes(): number;
}

interface PoolWorker {
  terminate(): unknown;
}

/** Polls of the done counter between checks of the clock while waiting for workers. */
const POLLS = 64;

export class Pool {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private readonly workers: PoolWorker[] = [];
  /** Workers 1..joined have started their loops (their scratch blocks are 1..joined). */
  private joined = 0;
  private readonly ready: boolean[] = [];
  private wanted = 1;
  /** Parts the next scratch-using call may have: set by reserveScratch from what it could reserve. */
  private scratchParts = 1;
  private scratchStride = 0;
  private readonly canBlock: boolean;

  private constructor(
    private readonly kernels: PoolKernels,
    private readonly start: Omit<WorkerStart, "index" | "area">,
    private readonly spawnWorker: (start: WorkerStart, onReady: () => void, onError: (e: unknown) => void) => PoolWorker,
    canBlock: boolean,
  ) {
    const control = start.control;
    this.ctl = new Int32Array(control);
    this.args = new Float64Array(control, ARGS_AT, MAX_ARGS);
    this.canBlock = canBlock;
  }

  /**
   * A pool over `module` (the threaded build) instantiated on `memory` by the main thread,
   * or null where workers cannot be started (no Worker, no worker_threads).
   */
  static async create(kernels: PoolKernels, module: WebAssembly.Module, memory: WebAssembly.Memory, names: string[]): Promise<Pool | null> {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const base = { module, memory, control, names };
    const spawn = await spawner();
    if (spawn === null) return null;
    return new Pool(kernels, base, spawn.start, spawn.canBlock);
  }

  /** Threads in use now: the main thread and the workers that have started, up to the count asked for. */
  get threads(): number {
    return Math.min(this.wanted, 1 + this.joined);
  }

  /** Asks for `n` threads; resolves once that many are running (or as many as could start). */
  setThreads(n: number): Promise<number> {
    this.wanted = n;
    const started: Promise<void>[] = [];
    while (this.workers.length < n - 1) started.push(this.spawn(this.workers.length + 1));
    return Promise.all(started).then(() => this.threads);
  }

  private spawn(index: number): Promise<void> {
    // Allocated here, on the main thread, before the worker exists.
    const area = this.kernels.alloc(this.kernels.threadAreaBytes());
    return new Promise<void>((resolve) => {
      const worker = this.spawnWorker(
        { ...this.start, index, area },
        () => {
          this.ready[index] = true;
          while (this.ready[this.joined + 1] === true) this.joined++;
          resolve();
        },
        () => resolve(),
      );
      this.workers.push(worker);
    });
  }

  /**
   * Scratch reservation for `parts` parts of `bytes` each: the size to reserve and the
   * stride between the parts' blocks. `fits(total)` says whether a total can be had.
   */
  planScratch(bytes: number, fits: (total: number) => boolean): number {
    const stride = Math.ceil(bytes / 64) * 64;
    let parts = this.threads;
    while (parts > 1 && !fits(stride * parts)) parts--;
    this.scratchParts = parts;
    this.scratchStride = stride;
    return parts > 1 ? stride * parts : bytes;
  }

  /**
   * Runs kernel `index` (of the names the workers were given) as one part per thread over
   * the pool, `call` running a part here. `scratch`: whether the kernel takes a scratch
   * block (its parts are then limited to the threads planScratch reserved blocks for).
   */
  run(index: number, args: readonly number[], call: () => void, scratch: boolean): void {
    const parts = scratch ? Math.min(this.threads, this.scratchParts) : this.threads;
    if (parts <= 1 || args.length > MAX_ARGS) {
      call();
      return;
    }
    const ctl = this.ctl;
    ctl[KERNEL] = index;
    ctl[STRIDE] = scratch ? this.scratchStride : 0;
    ctl[ARGC] = args.length;
    ctl[FAILED] = 0;
    for (let i = 0; i < args.length; i++) this.args[i] = args[i];
    Atomics.store(ctl, DONE, 0);
    // Opening the counter publishes the job (it carries the part count, so a claim left
    // over from the last job can never be taken for this one); the bump wakes the workers.
    Atomics.store(ctl, NEXT, parts << 8);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
    try {
      // The main thread's scratch block is the first one.
      for (let claim = Atomics.add(ctl, NEXT, 1); (claim & 255) < parts; claim = Atomics.add(ctl, NEXT, 1)) {
        this.kernels.setPart(claim & 255, parts, 0);
        try {
          call();
        } finally {
          Atomics.add(ctl, DONE, 1);
        }
      }
    } finally {
      this.kernels.setPart(0, 1, 0);
      // Whatever happened here, the workers are writing into memory the caller owns: wait.
      this.waitFor(parts);
    }
    if (ctl[FAILED] !== 0) throw new Error("wasm-nn: a kernel failed on a pool thread");
  }

  private waitFor(parts: number): void {
    const ctl = this.ctl;
    for (;;) {
      for (let i = 0; i < POLLS; i++) if (Atomics.load(ctl, DONE) >= parts) return;
      const done = Atomics.load(ctl, DONE);
      if (done >= parts) return;
      // Node's and Deno's main threads may sleep until a worker reports; a page's may not.
      if (this.canBlock) Atomics.wait(ctl, DONE, done, 1);
    }
  }
}

interface Spawner {
  start: (start: WorkerStart, onReady: () => void, onError: (e: unknown) => void) => PoolWorker;
  canBlock: boolean;
}

/**
 * How this runtime starts a worker from source text; null when it cannot. Node and Deno
 * (whose Node compatibility has worker_threads) use worker_threads: its workers can be
 * unref'd, and Deno's Web Workers would keep the process alive.
 */
async function spawner(): Promise<Spawner | null> {
  const hasNodeWorkers = typeof process === "object" && process !== null && typeof process.versions?.node === "string";
  if (hasNodeWorkers) {
    // A variable specifier keeps browser bundlers from resolving a Node module.
    const name = "node:worker_threads";
    const wt = (await import(/* @vite-ignore */ /* webpackIgnore: true */ name)) as typeof import("node:worker_threads");
    const source = workerSource(true);
    return {
      canBlock: true,
      start: (start, onReady, onError) => {
        const w = new wt.Worker(source, { eval: true });
        // Referenced until it is ready (ready() waits for it), then never again: an idle
        // pool must not keep the process alive.
        w.once("message", () => {
          w.unref();
          onReady();
        });
        w.once("error", (e) => {
          w.unref();
          onError(e);
        });
        w.postMessage(start);
        return w;
      },
    };
  }
  if (typeof Worker !== "function" || typeof Blob !== "function" || typeof URL.createObjectURL !== "function") return null;
  const url = URL.createObjectURL(new Blob([workerSource(false)], { type: "text/javascript" }));
  return {
    // A page's main thread may not block in Atomics.wait.
    canBlock: false,
    start: (start, onReady, onError) => {
      const w = new Worker(url, { type: "module" });
      w.onmessage = () => onReady();
      w.onerror = (e) => onError(e);
      w.postMessage(start);
      return w;
    },
  };
}
