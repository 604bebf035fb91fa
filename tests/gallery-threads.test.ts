// The gallery in headless Chromium, as to threads: `npm run gallery`'s server sends
// COOP/COEP on every response, so the page is cross-origin isolated (SharedArrayBuffer)
// online and offline (the service worker keeps the headers, and adds them to a cached
// page that lacks them); nothing comes from another origin; the page shows what ready()
// resolved to; and a forward pass on the page gives the same numbers on every thread
// count. The same page from a server without the headers runs on one thread and says so.
import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserFiles, serveGallery } from "../tools/gallery.mjs";
import { CHROMIUM, CHROMIUM_FLAGS, serveRoot } from "./runtimes/harness";

type Info = { simd: boolean; relaxedSimd: boolean; threads: number; isolated: boolean; canChangeThreads: boolean };
type Features = { text: string; shownThreads: string | undefined; threads: string | undefined; relaxedSimd: string | undefined; isolated: string | undefined };

const ISOLATION = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" };
/** The Wasm builds the package ships (dist/); which ones exist decides what ready() can report. */
const FILES = browserFiles();
const HAS_THREADED_BUILD = FILES.some((f) => /threads\.wasm$/.test(f));
const HAS_RELAXED_BUILD = FILES.includes("/dist/wasm-nn-relaxed.wasm");

let server: Awaited<ReturnType<typeof serveGallery>>;
let browser: Browser;

beforeAll(async () => {
  const { chromium } = await import("playwright-core");
  [server, browser] = await Promise.all([serveGallery({ port: 0, build: () => "isolated" }), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS })]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function watch(page: Page): { errors: string[]; warnings: string[] } {
  const seen = { errors: [] as string[], warnings: [] as string[] };
  page.on("console", (m) => {
    if (m.type() === "error") seen.errors.push(m.text());
    if (m.type() === "warning") seen.warnings.push(m.text());
  });
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  return seen;
}

/** Waits for the page's own report and returns ready()'s answer as the page shows it. */
async function loaded(page: Page): Promise<Info> {
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 120_000 });
  const r = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as { ok: boolean; result: { info: Info }; error?: string };
  if (!r.ok) throw new Error(`the gallery failed: ${r.error}`);
  return r.result.info;
}

function features(page: Page): Promise<Features> {
  return page.$eval("#features", (el) => {
    const { threads, relaxedSimd, isolated } = (el as HTMLElement).dataset;
    const text = el.textContent ?? "";
    // The count as a reader sees it: the selector's value, or the number in the text.
    const shownThreads = el.querySelector("select")?.value ?? /threads: (\d+)/.exec(text)?.[1];
    return { text, shownThreads, threads, relaxedSimd, isolated };
  });
}

type Package = typeof import("../src/index") & { setNumThreads?: (n: number) => void; numThreads?: () => number };

/**
 * Puts the page's own wasm-nn module (the one its import map names, the instance the
 * gallery uses) on window.__wasmnn, through a module script: an import() written in this
 * file's page functions would be rewritten by the test runner's transform.
 */
async function exposePackage(page: Page): Promise<void> {
  await page.addScriptTag({ type: "module", content: 'import * as m from "wasm-nn"; window.__wasmnn = m;' });
  await page.waitForFunction(() => (window as unknown as { __wasmnn?: unknown }).__wasmnn !== undefined);
}

/** Whether this browser validates a module with f32x4.relaxed_madd (what ready() asks). */
function validatesRelaxedSimd(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const v128 = [0xfd, 0x0c, ...Array(16).fill(0)];
    const body = [0x00, ...v128, ...v128, ...v128, 0xfd, 0x85, 0x02, 0x0b];
    const code = [0x01, body.length, ...body];
    const header = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00];
    return WebAssembly.validate(new Uint8Array([...header, 0x0a, code.length, ...code]));
  });
}

/**
 * A small CNN's forward pass on the page (convolutions, batch norm, pooling, linear: the
 * layers a thread pool splits), run on the thread count in use and again on one thread
 * when the package can change it. Returns both outputs and the counts they ran on.
 */
async function forwardOnThreads(page: Page): Promise<{ many: number[]; one: number[]; threads: [number, number] }> {
  await exposePackage(page);
  return page.evaluate(async () => {
    const m = (window as unknown as { __wasmnn: Package }).__wasmnn;
    const info = await m.ready();
    const inUse = () => (typeof m.numThreads === "function" ? m.numThreads() : info.threads);
    const { nn } = m;
    m.manualSeed(7);
    const model = new nn.Sequential(
      new nn.Conv2d(3, 24, 3, { padding: 1 }),
      new nn.BatchNorm2d(24),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Conv2d(24, 32, 5, { padding: 2 }),
      new nn.ReLU(),
      new nn.AvgPool2d(2),
      new nn.Flatten(),
      new nn.Linear(32 * 16 * 16, 64),
      new nn.Sigmoid(),
    );
    model.eval();
    const input = m.randn(2, 3, 64, 64);
    const run = () => m.tidy(() => Array.from(model.forward(input).toArray()));
    const threads = inUse();
    const many = run();
    if (typeof m.setNumThreads === "function") m.setNumThreads(1);
    const single = inUse();
    const one = run();
    if (typeof m.setNumThreads === "function") m.setNumThreads(threads);
    input.dispose();
    model.dispose();
    return { many, one, threads: [threads, single] as [number, number] };
  });
}

describe("the gallery from its own server (COOP/COEP)", () => {
  let context: BrowserContext;
  let page: Page;
  let seen: ReturnType<typeof watch>;
  const responses: Response[] = [];
  let info: Info;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    seen = watch(page);
    page.on("response", (r) => responses.push(r));
    await page.goto(server.url);
    info = await loaded(page);
  }, 150_000);

  afterAll(async () => {
    await context?.close();
  });

  it("every response carries COOP same-origin + COEP require-corp; the Wasm stays application/wasm; nothing comes from another origin", async () => {
    const origin = new URL(server.url).origin;
    expect(responses.length).toBeGreaterThan(10);
    for (const r of responses) {
      const url = new URL(r.url());
      if (url.protocol === "data:") continue;
      expect(url.origin, r.url()).toBe(origin);
      // The pool's worker scripts are blob: URLs made by the page: they take its policy, not headers.
      if (url.protocol === "blob:") continue;
      const headers = await r.allHeaders();
      for (const [name, value] of Object.entries(ISOLATION)) expect(headers[name], `${name} of ${r.url()}`).toBe(value);
    }
    const wasm = responses.filter((r) => r.url().endsWith(".wasm"));
    expect(wasm.length).toBeGreaterThanOrEqual(1);
    for (const r of wasm) expect(r.headers()["content-type"], r.url()).toBe("application/wasm");
    const document = responses.find((r) => r.url() === server.url)!;
    expect(document.status()).toBe(200);
    expect(await page.evaluate(() => [globalThis.crossOriginIsolated, typeof SharedArrayBuffer])).toEqual([true, "function"]);
  });

  it("shows what ready() resolved to: threads, relaxed SIMD (FMA), cross-origin isolation", async () => {
    await exposePackage(page);
    const again = await page.evaluate(() => (window as unknown as { __wasmnn: Package }).__wasmnn.ready());
    expect({ simd: info.simd, relaxedSimd: info.relaxedSimd, threads: info.threads }).toEqual(again);
    expect(info.isolated).toBe(true);
    // What ready() must choose here: every core up to 4 where a threaded build ships (this
    // page is isolated), relaxed SIMD where a relaxed build ships and Chromium validates it.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(info.threads).toBe(HAS_THREADED_BUILD ? Math.min(4, cores) : 1);
    if (HAS_THREADED_BUILD && cores >= 2) expect(info.threads).toBeGreaterThanOrEqual(2);
    expect(info.relaxedSimd).toBe(HAS_RELAXED_BUILD && (await validatesRelaxedSimd(page)));
    const shown = await features(page);
    expect(shown).toMatchObject({ shownThreads: String(info.threads), threads: String(info.threads), relaxedSimd: String(info.relaxedSimd), isolated: "true" });
    expect(shown.text).toContain(`relaxed SIMD (FMA): ${info.relaxedSimd ? "in use" : "not used"}`);
    expect(shown.text).toContain("cross-origin isolated");
    expect(shown.text).not.toContain("not cross-origin isolated");
    // The thread selector is there exactly when the package can change its thread count.
    expect(await page.locator("#threads").count()).toBe(info.canChangeThreads ? 1 : 0);
    expect(seen.errors).toEqual([]);
    expect(seen.warnings.filter((w) => w.includes("wasm-nn"))).toEqual([]);
  });

  it("a forward pass gives the same numbers on the threads in use and on one thread", async () => {
    const { many, one, threads } = await forwardOnThreads(page);
    expect(threads[0]).toBe(info.threads);
    expect(threads[1]).toBe(info.canChangeThreads ? 1 : info.threads);
    expect(many.length).toBe(2 * 64);
    expect(many.every(Number.isFinite)).toBe(true);
    // float32 tolerance: a split may change the order of the long sums (the outputs are in (0, 1)).
    for (let i = 0; i < many.length; i++) expect(Math.abs(many[i] - one[i]), `output ${i}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(one[i]));
    // Back on the count it had: the page still reports it.
    expect((await features(page)).threads).toBe(String(info.threads));
  }, 60_000);

  it("the thread selector changes the count in use and re-renders the panels", async () => {
    if (!info.canChangeThreads) {
      // A package without setNumThreads: nothing to select, and the page says one thread.
      expect(await page.locator("#threads").count()).toBe(0);
      expect(info.threads).toBe(1);
      return;
    }
    // Each render replaces a panel's entry in the page's report: a marked entry that is
    // gone afterwards means the panels ran again.
    type Panels = { __result: { result: { panels: Record<string, { stale?: boolean; output?: number[] }> } } };
    const markPanels = () => page.evaluate(() => Object.values((window as unknown as Panels).__result.result.panels).forEach((p) => (p.stale = true)));
    const rerendered = () => page.evaluate(() => ["conv", "convTranspose", "pool", "unpool", "interpolate", "activations"].map((n) => (window as unknown as Panels).__result.result.panels[n].stale !== true));
    const numThreads = () => page.evaluate(() => (window as unknown as { __wasmnn: Required<Package> }).__wasmnn.numThreads());
    await exposePackage(page);
    await markPanels();
    await page.selectOption("#threads", "1");
    expect(await features(page)).toMatchObject({ shownThreads: "1", threads: "1" });
    expect(await numThreads()).toBe(1);
    expect(await rerendered()).toEqual(Array(6).fill(true));
    expect(await page.textContent('[data-panel="conv"] figure:nth-child(2) figcaption')).toMatch(/^output \[.*\] · [\d.]+ ms$/);
    await markPanels();
    await page.selectOption("#threads", String(info.threads));
    expect(await features(page)).toMatchObject({ shownThreads: String(info.threads), threads: String(info.threads) });
    expect(await numThreads()).toBe(info.threads);
    expect(await rerendered()).toEqual(Array(6).fill(true));
    expect(seen.errors).toEqual([]);
  });

  /** Reloads the page offline: served by the service worker with the headers, still isolated, same threads. */
  async function reloadOffline(): Promise<Awaited<ReturnType<typeof loaded>>> {
    await context.setOffline(true);
    try {
      const document = (await page.reload())!;
      expect(document.fromServiceWorker()).toBe(true);
      for (const [name, value] of Object.entries(ISOLATION)) expect((await document.allHeaders())[name], name).toBe(value);
      const offline = await loaded(page);
      expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
      expect(offline.threads).toBe(info.threads);
      return offline;
    } finally {
      await context.setOffline(false);
    }
  }

  it("offline, the service worker serves the page still cross-origin isolated, with every Wasm build cached", async () => {
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cached = await page.evaluate(async () => (await (await caches.open("wasm-nn-gallery-isolated")).keys()).map((r) => new URL(r.url).pathname));
    for (const file of FILES) expect(cached, file).toContain(file);
    const offline = await reloadOffline();
    expect(offline.relaxedSimd).toBe(info.relaxedSimd);
    expect((await features(page)).isolated).toBe("true");
  }, 150_000);

  it("a cached page without the headers is served with them added", async () => {
    // As a cache filled by a server that did not send them would hold the page.
    await page.evaluate(async (url) => {
      const cache = await caches.open("wasm-nn-gallery-isolated");
      const html = await (await cache.match(url))!.text();
      await cache.put(url, new Response(html, { headers: { "content-type": "text/html;charset=utf-8" } }));
      const bare = await cache.match(url);
      if (bare!.headers.has("cross-origin-opener-policy")) throw new Error("the cached page still has its headers");
    }, server.url);
    await reloadOffline();
    expect(seen.errors).toEqual([]);
  }, 150_000);
});

describe("the same page from a server without COOP/COEP", () => {
  it("is not cross-origin isolated, runs on one thread with no warning, and says so", async () => {
    const plain = await serveRoot();
    const context = await browser.newContext({ serviceWorkers: "block" });
    try {
      const page = await context.newPage();
      const seen = watch(page);
      const document = (await page.goto(`${plain.url}/examples/gallery/`))!;
      expect((await document.allHeaders())["cross-origin-opener-policy"]).toBeUndefined();
      const info = await loaded(page);
      expect(await page.evaluate(() => [globalThis.crossOriginIsolated, typeof SharedArrayBuffer])).toEqual([false, "undefined"]);
      expect(info).toMatchObject({ simd: true, threads: 1, isolated: false, canChangeThreads: false });
      const shown = await features(page);
      expect(shown).toMatchObject({ shownThreads: "1", threads: "1", isolated: "false" });
      expect(shown.text).toContain("not cross-origin isolated");
      expect(await page.locator("#threads").count()).toBe(0);
      // ready() was not asked for threads: one thread is the quiet fallback.
      expect(seen.warnings.filter((w) => w.includes("wasm-nn"))).toEqual([]);
      expect(seen.errors.filter((e) => !e.includes("404"))).toEqual([]);
    } finally {
      await context.close();
      await plain.close();
    }
  }, 150_000);
});
