// The examples work as documented: the tutorial demo writes its figure, the trained digit
// classifier matches PyTorch's held-out accuracy, the Cloudflare
// Worker (in workerd) and the Deno server answer a posted PNG with the same pixels as
// Node (the browser gallery has its own test, tests/gallery.test.ts).
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import * as api from "../src/index";
import { decodeImage } from "../src/node/files";
import { upsamplePng } from "../examples/worker/upsample.mjs";
import { ROOT, runChromium, runWorkerd } from "./runtimes/harness";

const run = promisify(execFile);
const samplePng = readFileSync(join(ROOT, "examples/assets/sample.png"));
// A smaller picture keeps the servers' round trips quick: the top-left 96x64 of the sample.
const smallPng = await (async () => {
  const { encodePng } = await import("../src/node/files");
  const full = decodeImage(samplePng);
  const w = 96;
  const h = 64;
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) data.set(full.data.subarray(y * full.width * 4, (y * full.width + w) * 4), y * w * 4);
  return encodePng({ data, width: w, height: h, channels: 4 });
})();

const post = (url: string) => fetch(url, { method: "POST", body: smallPng as BodyInit, headers: { "content-type": "image/png" } });

describe("npm run demo", () => {
  it("prints the tutorial's shapes and writes the side-by-side figure", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "wasm-nn-demo-")), "figure.png");
    const { stdout } = await run(process.execPath, [join(ROOT, "examples/demo.mjs"), "--out", out], { cwd: ROOT });
    expect(stdout).toContain("size before: [1,3,512,512]");
    expect(stdout).toContain("size after:  [1,1,1025,1025]");
    expect(stdout).toContain("live tensors at the end: 0");
    const figure = decodeImage(readFileSync(out));
    expect([figure.width, figure.height]).toEqual([16 + 512 + 16 + 512 + 16, 16 + 512 + 16]);
    // The right panel (the up-sampled output) is not flat.
    const levels = new Set<number>();
    for (let y = 16; y < 528; y += 7) for (let x = 544; x < 1056; x += 7) levels.add(figure.data[(y * figure.width + x) * 4]);
    expect(levels.size).toBeGreaterThan(50);
  });
});

describe("node examples/digits.mjs", () => {
  it("classifies the held-out digits with PyTorch's accuracy and exits 0", async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, "examples/digits.mjs")], { cwd: ROOT });
    const reference = JSON.parse(readFileSync(join(ROOT, "examples/digits/reference.json"), "utf8"));
    const wasm = /wasm-nn accuracy: (\d+)\/360 /.exec(stdout);
    const torch = /PyTorch accuracy: (\d+)\/360 /.exec(stdout);
    expect(wasm?.[1], stdout).toBe(String(reference.pytorch.correct));
    expect(torch?.[1], stdout).toBe(String(reference.pytorch.correct));
    expect(stdout).toContain("live tensors at the end: 0");
  });
});

describe("serverless examples answer like Node", () => {
  const expected = async () => decodeImage(await upsamplePng(api, smallPng));

  it("Cloudflare Worker (workerd) returns the transposed convolution's PNG", async () => {
    const response = await runWorkerd("../../examples/worker/worker.mjs", post);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const got = decodeImage(new Uint8Array(await response.arrayBuffer()));
    const want = await expected();
    expect([got.width, got.height]).toEqual([2 * 96 + 1, 2 * 64 + 1]);
    expect(Buffer.from(got.data).equals(Buffer.from(want.data))).toBe(true);
  });

  it("Deno.serve returns the same pixels", async () => {
    const deno = join(ROOT, "node_modules/.bin/deno");
    const proc = spawn(deno, ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", join(ROOT, "examples/deno/server.mjs")], {
      cwd: ROOT,
      env: { ...process.env, PORT: "0", NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const onData = (d: Buffer) => {
          log += d;
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(log);
          if (m) resolve(m[1]);
        };
        proc.stdout.on("data", onData);
        proc.stderr.on("data", onData);
        proc.on("exit", (code) => reject(new Error(`deno exited with ${code}: ${log}`)));
      });
      const response = await post(url);
      expect(response.status, log).toBe(200);
      const got = decodeImage(new Uint8Array(await response.arrayBuffer()));
      const want = await expected();
      expect(Buffer.from(got.data).equals(Buffer.from(want.data))).toBe(true);
      const bad = await fetch(url, { method: "POST", body: "not a png" });
      expect(bad.status).toBe(400);
    } finally {
      proc.kill();
    }
  });
});
