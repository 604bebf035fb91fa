// The browser gallery in headless Chromium, served by `npm run gallery`'s own server:
// every panel renders, errors clear the output, the unpool panel is readable, the layout
// fits a phone (at most two screens tall at 390 px wide), the page works offline, and a
// new build replaces the offline copy. Screenshots at desktop and phone widths are
// checked for drawn content and kept in $GALLERY_SCREENSHOTS when that is set.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveGallery } from "../tools/gallery.mjs";
import { decodeImage } from "../src/node/files";
import { CHROMIUM, CHROMIUM_FLAGS } from "./runtimes/harness";

const SHOTS = process.env.GALLERY_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), "wasm-nn-gallery-"));
mkdirSync(SHOTS, { recursive: true });
let build = "one";
let server: Awaited<ReturnType<typeof serveGallery>>;
let browser: Browser;

type Result = { panels: Record<string, { output?: number[]; error?: string; count?: number; shown?: number[] }>; info: { simd: boolean }; build: string | null };

beforeAll(async () => {
  const { chromium } = await import("playwright-core");
  [server, browser] = await Promise.all([serveGallery({ port: 0, build: () => build }), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS })]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  return errors;
}

async function loaded(page: Page): Promise<Result> {
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 120_000 });
  const r = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as { ok: boolean; result: Result; error?: string };
  if (!r.ok) throw new Error(`the gallery failed: ${r.error}`);
  return r.result;
}

/** Distinct colours in a screenshot (sampled): many means the canvases were drawn. */
function colours(png: Buffer): number {
  const img = decodeImage(png);
  const seen = new Set<number>();
  for (let i = 0; i < img.data.length; i += 4 * 13) seen.add((img.data[i] << 16) | (img.data[i + 1] << 8) | img.data[i + 2]);
  return seen.size;
}

/** Share of a canvas's pixels that are neither transparent nor black. */
function litShare(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    let lit = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] + data[i + 1] + data[i + 2] > 30) lit++;
    return lit / (data.length / 4);
  });
}

describe("gallery at desktop width (1280 x 800)", () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let result: Result;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    errors = watch(page);
    await page.goto(server.url);
    result = await loaded(page);
  }, 150_000);

  afterAll(async () => {
    await context?.close();
  });

  it("renders every panel with no console errors; the screenshot shows drawn canvases", async () => {
    expect(errors).toEqual([]);
    expect(result.info.simd).toBe(true);
    expect(Object.keys(result.panels).sort()).toEqual(["activations", "conv", "convTranspose", "interpolate", "pool", "unpool"]);
    for (const [name, p] of Object.entries(result.panels)) expect(p.error, name).toBeUndefined();
    expect(result.panels.convTranspose.output).toEqual([1, 1, 1025, 1025]);
    expect(result.panels.activations.count).toBeGreaterThanOrEqual(20);
    expect(result.panels.interpolate.count).toBe(5);
    expect(result.panels.interpolate.output).toEqual([1, 3, 128, 128]);
    const shot = await page.screenshot({ fullPage: true, path: join(SHOTS, "desktop.png") });
    expect(colours(shot)).toBeGreaterThan(2000);
  });

  it("the unpool output is shown enlarged and scaled, with a caption saying so", async () => {
    expect(result.panels.unpool.shown).toEqual([64, 64]);
    const caption = await page.textContent('[data-panel="unpool"] figure:nth-child(3) figcaption');
    expect(caption).toMatch(/zeros elsewhere .*shown enlarged, min-max scaled/);
    // 1 pixel in 16 holds a maximum (kernel 4): far from the black square it used to be.
    expect(await litShare(page, '[data-panel="unpool"] figure:nth-child(3) canvas')).toBeGreaterThan(1 / 32);
  });

  it("the interpolation panel draws the crop and every mode, and follows its controls", async () => {
    const figures = '[data-panel="interpolate"] #interp-modes figure';
    expect(await page.$$eval(figures, (fs) => fs.length)).toBe(6);
    for (let i = 1; i <= 6; i++) expect(await litShare(page, `${figures}:nth-child(${i}) canvas`)).toBeGreaterThan(0.1);
    const captions = await page.$$eval(`${figures} figcaption`, (cs) => cs.map((c) => c.textContent));
    expect(captions.slice(1).map((c) => c!.split(" ")[0])).toEqual(["nearest", "nearest-exact", "bilinear", "bicubic", "area"]);
    await page.selectOption("#interp-scale", "2");
    await page.check("#interp-align");
    const bilinear = await page.textContent(`${figures}:nth-child(4) figcaption`);
    expect(bilinear).toMatch(/^bilinear \(alignCorners\) \[1,3,64,64\]/);
  });

  it("an argument error clears the output and shows the message", async () => {
    const output = '[data-panel="conv"] figure:nth-child(2) canvas';
    expect(await litShare(page, output)).toBeGreaterThan(0.1);
    await page.selectOption("#conv-padding", "same");
    await page.selectOption("#conv-stride", "2");
    const message = await page.textContent('[data-panel="conv"] figure:nth-child(2) figcaption');
    expect(message).toMatch(/^conv2d: .*same/);
    expect(await page.$eval('[data-panel="conv"] figure:nth-child(2) figcaption', (el) => el.classList.contains("error"))).toBe(true);
    expect(await litShare(page, output)).toBe(0);
    await page.selectOption("#conv-stride", "1");
    expect(await litShare(page, output)).toBeGreaterThan(0.1);
  });

  it("works offline once the service worker has cached this build", async () => {
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    expect(await page.evaluate(() => caches.keys())).toEqual(["wasm-nn-gallery-one"]);
    await context.setOffline(true);
    await page.reload();
    const offline = await loaded(page);
    expect(offline.panels.convTranspose.output).toEqual([1, 1, 1025, 1025]);
    await context.setOffline(false);
  }, 150_000);

  it("a new build reaches a returning visitor: new cache, old one deleted, the page reloads into it", async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    build = "two";
    await page.reload();
    await page.waitForFunction(
      async () => {
        const names = await caches.keys();
        return names.length === 1 && names[0] === "wasm-nn-gallery-two" && navigator.serviceWorker.controller?.scriptURL.endsWith("build=two") === true;
      },
      null,
      { timeout: 60_000, polling: 200 },
    );
    expect((await loaded(page)).panels.conv.error).toBeUndefined();
    expect(errors).toEqual([]);
  }, 150_000);
});

describe("gallery at phone width (390 x 844)", () => {
  it("one panel at a time behind tabs; every tab fits in two screens, nothing overflows sideways", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, serviceWorkers: "block" });
    try {
      const page = await context.newPage();
      const errors = watch(page);
      await page.goto(server.url);
      await loaded(page);
      const tabs = await page.$$eval("#tabs button", (bs) => bs.map((b) => (b as HTMLElement).dataset.tab));
      expect(tabs).toEqual(["conv", "convTranspose", "pool", "unpool", "interpolate", "activations"]);
      const sizes: Record<string, [number, number]> = {};
      for (const tab of tabs) {
        await page.click(`#tabs button[data-tab="${tab}"]`);
        expect(await page.isVisible(`[data-panel="${tab}"]`)).toBe(true);
        sizes[tab as string] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight] as [number, number]);
        const shot = await page.screenshot({ fullPage: true, path: join(SHOTS, `phone-${tab}.png`) });
        expect(colours(shot), tab).toBeGreaterThan(200);
      }
      for (const [tab, [width, height]] of Object.entries(sizes)) {
        expect(width, `${tab}: page width`).toBeLessThanOrEqual(390);
        expect(height, `${tab}: page height`).toBeLessThanOrEqual(2 * 844);
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 150_000);
});
