// ready(source?) in fresh processes: every kind of source it accepts, the error before
// it resolved, and idempotence.
import { execFile } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./runtimes/harness";

const run = promisify(execFile);

async function load(kind: string) {
  const { stdout } = await run(process.execPath, [join(ROOT, "tests/runtimes/ready-source.mjs"), kind], { cwd: ROOT });
  return JSON.parse(stdout);
}

// The default lookup picks the threaded build where SharedArrayBuffer exists (Node does),
// on as many threads as cores, at most 4; relaxed SIMD needs a flag on Node 20.
const CORES = Math.min(availableParallelism(), 4);
const RELAXED_BY_DEFAULT = Number(process.versions.node.split(".")[0]) >= 22;
const PLAIN_WARNING = "wasm-nn: 3 threads asked for, but the loaded build has no threads: computing on one thread (results are the same)";

describe("ready(source)", () => {
  const GIVEN_PLAIN = ["url", "string", "bytes", "arraybuffer", "module", "response", "response-octet-stream", "promise-of-response", "options-source", "options-null-prototype"];
  for (const kind of ["default", "options-empty", "options-threads", "options-plain", ...GIVEN_PLAIN]) {
    it(`loads the kernels from ${kind === "default" ? "the .wasm files beside the module" : `a ${kind}`}`, async () => {
      const out = await load(kind);
      expect(out.same).toBe(true);
      expect(out.sum).toEqual([1, 2, 3, 4]);
      if (GIVEN_PLAIN.includes(kind)) {
        // The plain build, given: one thread, and asking for more warns once, however often.
        expect(out.info).toEqual({ simd: true, relaxedSimd: false, threads: 1 });
        expect(out.later).toEqual(out.info);
        expect(out.warnings).toEqual([PLAIN_WARNING]);
        expect(out.afterSet).toBe(1);
      } else {
        const threads = kind === "options-threads" ? 2 : CORES;
        expect(out.info).toEqual({ simd: true, relaxedSimd: kind !== "options-plain" && RELAXED_BY_DEFAULT, threads });
        expect(out.threadsNow).toBe(threads);
        expect(out.later).toEqual({ ...out.info, threads: 3 });
        expect(out.afterSet).toBe(1);
        expect(out.warnings).toEqual([]);
      }
    });
  }

  it("runs on one thread where SharedArrayBuffer is missing, with one warning because threads were asked for", async () => {
    const out = await load("no-shared-memory");
    expect(out.info).toEqual({ simd: true, relaxedSimd: RELAXED_BY_DEFAULT, threads: 1 });
    expect(out.sum).toEqual([1, 2, 3, 4]);
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatch(/^wasm-nn: 2 threads asked for, but SharedArrayBuffer is not available here .*: computing on one thread/);
  });

  it("checks an options object's keys and values, and rejects (nothing is loaded)", async () => {
    const out = await load("default");
    expect(out.refused).toEqual([
      'TypeError: ready: unknown option "thread" (did you mean threads?); options are source, threads, relaxedSimd',
      "RangeError: ready: expected threads a positive integer, got 0",
      "RangeError: ready: expected threads a positive integer, got 1.5",
      "RangeError: ready: expected threads at most 64, got 65",
      'TypeError: ready: expected relaxedSimd true or false, got "no"',
    ]);
  });

  it("using tensors before ready() resolved throws a NotReadyError (a TypeError) that says how to fix it", async () => {
    const out = await load("default");
    expect(out.before).toMatch(/^NotReadyError: wasm-nn is not ready: call `await ready\(\)` once .* before creating or using tensors and layers$/);
    expect(out.beforeIsTypeError).toBe(true);
  });
});
