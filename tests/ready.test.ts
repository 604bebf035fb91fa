// ready(source?) in fresh processes: every kind of source it accepts, the error before
// it resolved, and idempotence.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./runtimes/harness";

const run = promisify(execFile);

async function load(kind: string) {
  const { stdout } = await run(process.execPath, [join(ROOT, "tests/runtimes/ready-source.mjs"), kind], { cwd: ROOT });
  return JSON.parse(stdout);
}

describe("ready(source)", () => {
  const OPTIONS = ["options-empty", "options-source", "options-threads", "options-null-prototype"];
  for (const kind of ["default", "url", "string", "bytes", "arraybuffer", "module", "response", "response-octet-stream", "promise-of-response", ...OPTIONS]) {
    it(`loads the kernels from ${kind === "default" ? "the .wasm beside the module" : `a ${kind}`}`, async () => {
      const out = await load(kind);
      expect(out.info).toEqual({ simd: true, relaxedSimd: false, threads: 1 });
      expect(out.same).toBe(true);
      expect(out.sum).toEqual([1, 2, 3, 4]);
      // Threads asked for: one warning, however often; this build reports the one thread it uses.
      expect(out.warnings).toEqual(kind === "options-threads"
        ? ["wasm-nn: ready({ threads: 2 }): this build computes on one thread; ready() reports threads: 1"]
        : ["wasm-nn: ready({ threads: 3 }): this build computes on one thread; ready() reports threads: 1"]);
    });
  }

  it("checks an options object's keys and values, and rejects (nothing is loaded)", async () => {
    const out = await load("default");
    expect(out.refused).toEqual([
      'TypeError: ready: unknown option "thread" (did you mean threads?); options are source, threads, relaxedSimd',
      "RangeError: ready: expected threads a positive integer, got 0",
      "RangeError: ready: expected threads a positive integer, got 1.5",
      'TypeError: ready: expected relaxedSimd true or false, got "no"',
    ]);
  });

  it("using tensors before ready() resolved throws a NotReadyError (a TypeError) that says how to fix it", async () => {
    const out = await load("default");
    expect(out.before).toMatch(/^NotReadyError: wasm-nn is not ready: call `await ready\(\)` once .* before creating or using tensors and layers$/);
    expect(out.beforeIsTypeError).toBe(true);
  });
});
