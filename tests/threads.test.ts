// Threads: results on 1 and 2 threads agree bit for bit (every shared kernel splits its
// output, never a sum), a stress run of mixed calls from two async callers loses nothing
// and keeps the heap flat, and a Node process that used threads exits by itself.
// The suite runs in every build (tests/helpers/setup.ts): in one without threads,
// setNumThreads(2) keeps one thread, with one warning.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { F, type Tensor, add, exp, manualSeed, matmul, memory, nn, numThreads, randn, setNumThreads, tidy } from "../src/index";
import { ROOT } from "./runtimes/harness";

const THREADED = (process.env.WASM_NN_BUILD ?? "threads").endsWith("threads");
const THREADS = THREADED ? 2 : 1;

afterAll(() => setNumThreads(THREADS));

/** Every layer family the pool shares, on shapes big enough to be shared. */
function workloads(): [string, () => Tensor][] {
  const x = randn(2, 16, 20, 20);
  const wide = randn(1, 16, 48, 48);
  const rows = randn(64, 200);
  const bn = new nn.BatchNorm2d(16);
  bn.train();
  const layers: [string, nn.Module, Tensor][] = [
    ["conv 3x3 (Winograd)", new nn.Conv2d(16, 16, 3, { padding: 1 }), x],
    ["conv 1x1", new nn.Conv2d(16, 64, 1), x],
    ["conv k5 stride 2 (implicit GEMM)", new nn.Conv2d(16, 24, 5, { stride: 2, padding: 2 }), x],
    ["conv 3x3 dilation 2", new nn.Conv2d(16, 16, 3, { dilation: 2, padding: 2 }), x],
    ["depthwise conv", new nn.Conv2d(16, 16, 3, { padding: 1, groups: 16 }), wide],
    ["conv1d k5 (Winograd F(4,5))", new nn.Conv1d(16, 16, 5, { padding: 2 }), wide.reshape(1, 16, 2304)],
    ["linear (GEMM)", new nn.Linear(200, 100), rows],
    ["linear, one row (matrix-vector)", new nn.Linear(200, 1400), rows.narrow(0, 0, 1)],
    ["maxPool2d", new nn.MaxPool2d(3, { stride: 2, padding: 1 }), wide],
    ["maxPool2d with indices", new nn.MaxPool2d(2, { returnIndices: true }), wide],
    ["avgPool2d", new nn.AvgPool2d(3, { stride: 1, padding: 1 }), wide],
    ["batchNorm2d (training)", bn, x],
    ["groupNorm", new nn.GroupNorm(8, 16), wide],
    ["layerNorm", new nn.LayerNorm(200), randn(400, 200)],
    ["relu", new nn.ReLU(), wide],
    ["gelu", new nn.GELU(), wide],
  ];
  const out: [string, () => Tensor][] = layers.map(([name, layer, input]) => [
    name,
    () => {
      const y = layer.forward(input) as Tensor | Tensor[];
      return Array.isArray(y) ? y[1] : y;
    },
  ]);
  out.push(["matmul", () => matmul(rows, rows.t())]);
  out.push(["batch norm running mean", () => bn.runningMean!.clone()]);
  out.push(["softplus", () => F.softplus(wide, { beta: 2 })]);
  out.push(["add (same shapes)", () => add(wide, wide)]);
  out.push(["exp", () => exp(wide)]);
  return out;
}

describe("threads", () => {
  it(`run ${THREADS} thread${THREADS > 1 ? "s" : ""} in this build, and setNumThreads changes that`, () => {
    expect(numThreads()).toBe(THREADS);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    setNumThreads(1);
    expect(numThreads()).toBe(1);
    setNumThreads(2);
    setNumThreads(2);
    expect(numThreads()).toBe(THREADS);
    // Without threads, asking for two warns once, however often.
    expect(warn).toHaveBeenCalledTimes(THREADED ? 0 : 1);
    warn.mockRestore();
    expect(() => setNumThreads(0)).toThrow(RangeError);
    expect(() => setNumThreads(65)).toThrow("setNumThreads: expected n at most 64, got 65");
    expect(() => setNumThreads(1.5 as number)).toThrow(RangeError);
  });

  it("give bit-identical results on 1 and 2 threads, for every shared kernel", () => {
    // The same seeded layers and inputs for each thread count (the batch norm's running
    // estimates move on every call, so each count gets a fresh one).
    const results = [1, 2].map((threads) =>
      tidy(() => {
        setNumThreads(threads);
        manualSeed(7);
        return workloads().map(([name, run]) => {
          run(); // weights prepared, caches filled
          return [name, Array.from(run().toArray())] as const;
        });
      }),
    );
    for (let i = 0; i < results[0].length; i++) {
      const [name, one] = results[0][i];
      const two = results[1][i][1];
      expect(two.length, name).toBe(one.length);
      const differ = one.findIndex((v, k) => !Object.is(v, two[k]));
      expect(differ, `${name}: first element that differs`).toBe(-1);
    }
    setNumThreads(THREADS);
  });

  it("run 1,000 mixed calls from two async callers with nothing lost and the heap flat", async () => {
    setNumThreads(THREADS);
    manualSeed(8);
    const calls = workloads();
    const expected = calls.map(([, run]) => tidy(() => Array.from(run().toArray())));
    const start = memory();
    let done = 0;
    const caller = async (offset: number) => {
      for (let i = 0; i < 500; i++) {
        const k = (i * 7 + offset) % calls.length;
        const [name, run] = calls[k];
        if (name.startsWith("batch norm")) continue; // its running estimates move with each call
        const got = tidy(() => run().toArray());
        expect(Array.from(got), `${name}, call ${i}`).toEqual(expected[k]);
        done++;
        // Let the other caller in between calls.
        if (i % 3 === offset % 3) await new Promise((r) => setTimeout(r, 0));
        else await Promise.resolve();
      }
    };
    await Promise.all([caller(0), caller(5)]);
    const skipped = 2 * 500 - done;
    expect(done + skipped).toBe(1000);
    expect(done).toBeGreaterThan(900);
    // Earlier tests' unreachable tensors may be collected meanwhile (storage.ts frees them):
    // never more than at the start, and not a byte more of heap.
    const end = memory();
    expect(end.tensors).toBeLessThanOrEqual(start.tensors);
    expect(end.bytes).toBeLessThanOrEqual(start.bytes);
    expect(end.heapBytes).toBe(start.heapBytes);
  });

  it("let a Node process that used threads exit by itself", async () => {
    const run = promisify(execFile);
    const t0 = Date.now();
    const { stdout } = await run(process.execPath, [join(ROOT, "tests/runtimes/threads-exit.mjs")], { cwd: ROOT, timeout: 20_000 });
    const out = JSON.parse(stdout);
    expect(out.threads).toBe(2);
    expect(out.sum).toBeCloseTo(out.expected, 3);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
