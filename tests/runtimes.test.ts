// The built package computes the same numbers in every runtime it supports: Node (ESM
// import and CommonJS require), Deno, headless Chromium and Cloudflare's workerd.
import { availableParallelism } from "node:os";
import { beforeAll, describe, expect, it } from "vitest";
import { runChromium, runDeno, runNode, runWorkerd } from "./runtimes/harness";

let reference: Record<string, unknown>;

beforeAll(async () => {
  reference = (await runNode("node-esm.mjs")) as Record<string, unknown>;
}, 120_000);

describe("every runtime gives the same numbers from the same build", () => {
  it("Node ESM (import 'wasm-nn') ran the smoke computation", () => {
    expect(reference.info).toEqual({ simd: true, relaxedSimd: false });
    expect((reference.uniform as number[]).length).toBe(5);
  });

  it("Node CommonJS (require('wasm-nn'))", async () => {
    expect(await runNode("node-cjs.cjs")).toEqual(reference);
  });

  it("Deno", async () => {
    expect(await runDeno("deno.mjs")).toEqual(reference);
  });

  it("Deno by default: relaxed SIMD and threads, on the same graph within float32 tolerance; the process exits by itself", async () => {
    const out = (await runDeno("deno-default.mjs")) as { info: Record<string, unknown>; shared: number[] };
    expect(out.info).toEqual({ simd: true, relaxedSimd: true, threads: Math.min(availableParallelism(), 4) });
    const plain = reference.shared as number[];
    expect(out.shared).toHaveLength(plain.length);
    // Fused multiply-adds round once where the plain build rounds twice.
    out.shared.forEach((v, i) => expect(Math.abs(v - plain[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(plain[i]))));
  });

  it("headless Chromium", async () => {
    const { result, consoleErrors } = await runChromium("/tests/runtimes/browser.html");
    expect(consoleErrors).toEqual([]);
    expect(result).toEqual(reference);
  });

  it("workerd (Cloudflare Workers), through the edge entry", async () => {
    const response = await runWorkerd("worker.mjs");
    const body = await response.text();
    expect(response.status, body).toBe(200);
    expect(JSON.parse(body)).toEqual(reference);
  });
});
