// The browser gallery in headless Chromium, served by `npm run gallery`'s own server:
// every panel renders, errors clear the output, the unpool panel is readable, the layout
// fits a phone (at most two screens tall at 390 px wide), the page works offline, and a
// new build replaces the offline copy. Screenshots at desktop and phone widths are
// checked for drawn content and kept in $GALLERY_SCREENSHOTS when that is set. The trained
// digit models: a stroke drawn with pointer events gets probabilities that sum to 1 (and
// the right digit), and the generator's grid follows its seed slider.
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

type Result = { panels: Record<string, { output?: number[] | null; error?: string; count?: number; shown?: number[] }>; info: { simd: boolean }; build: string | null };
type DigitsReport = { output: number[] | null; strokes: number; predicted?: number };

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

/**
 * Draws one stroke on the digit pad by dispatching pointer events (pointerdown, moves,
 * pointerup) of the given type; points are fractions of the pad's width and height.
 */
function drawStroke(page: Page, points: [number, number][], pointerType: "mouse" | "touch" | "pen" = "mouse"): Promise<void> {
  return page.$eval(
    "#digit-pad",
    (pad, { points, pointerType }) => {
      const box = pad.getBoundingClientRect();
      const at = ([fx, fy]: [number, number]) => ({ clientX: box.left + fx * box.width, clientY: box.top + fy * box.height });
      const init = { bubbles: true, cancelable: true, pointerId: 7, pointerType, isPrimary: true };
      pad.dispatchEvent(new PointerEvent("pointerdown", { ...init, ...at(points[0]), buttons: 1 }));
      for (const p of points.slice(1)) pad.dispatchEvent(new PointerEvent("pointermove", { ...init, ...at(p), buttons: 1 }));
      pad.dispatchEvent(new PointerEvent("pointerup", { ...init, ...at(points[points.length - 1]), buttons: 0 }));
    },
    { points, pointerType },
  );
}

/** An ellipse (a zero), a vertical line (a one) and a seven's two strokes, as fractions of the pad. */
const ZERO = Array.from({ length: 33 }, (_, k): [number, number] => [0.5 + 0.2 * Math.cos((k / 32) * 2 * Math.PI), 0.5 + 0.35 * Math.sin((k / 32) * 2 * Math.PI)]);
const ONE: [number, number][] = [[0.5, 0.15], [0.5, 0.5], [0.5, 0.85]];
const SEVEN: [number, number][][] = [[[0.25, 0.15], [0.5, 0.15], [0.75, 0.15]], [[0.75, 0.15], [0.6, 0.5], [0.45, 0.85]]];

/** The probability bars as numbers (from each row's data-p), or null for rows with none. */
function bars(page: Page): Promise<(number | null)[]> {
  return page.$$eval("#digit-probs .prob", (rows) => rows.map((r) => ((r as HTMLElement).dataset.p === undefined ? null : Number((r as HTMLElement).dataset.p))));
}

function digitsReport(page: Page): Promise<DigitsReport> {
  return page.evaluate(() => (window as unknown as { __result: { result: { panels: { digits: DigitsReport } } } }).__result.result.panels.digits);
}

function ganPixels(page: Page): Promise<number[]> {
  return page.$eval("#gan-grid", (canvas: HTMLCanvasElement) => Array.from(canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data));
}

async function setSeed(page: Page, seed: number): Promise<void> {
  await page.$eval(
    "#gan-seed",
    (slider: HTMLInputElement, value) => {
      slider.value = String(value);
      slider.dispatchEvent(new Event("input", { bubbles: true }));
    },
    seed,
  );
}

/** Share of a canvas's opaque pixels darker than mid-grey: the ink of the digit panels. */
function inkShare(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] === 255 && data[i] + data[i + 1] + data[i + 2] < 3 * 128) ink++;
    return ink / (data.length / 4);
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
    expect(Object.keys(result.panels).sort()).toEqual(["activations", "conv", "convTranspose", "digits", "digitsGan", "interpolate", "pool", "unpool"]);
    for (const [name, p] of Object.entries(result.panels)) expect(p.error, name).toBeUndefined();
    expect(result.panels.convTranspose.output).toEqual([1, 1, 1025, 1025]);
    expect(result.panels.activations.count).toBeGreaterThanOrEqual(20);
    expect(result.panels.interpolate.count).toBe(5);
    expect(result.panels.interpolate.output).toEqual([1, 3, 128, 128]);
    expect(result.panels.digits.output).toBeNull(); // nothing drawn yet
    expect(result.panels.digitsGan.output).toEqual([32, 1, 8, 8]);
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

  it("a digit drawn with pointer events gets live probabilities that sum to 1", async () => {
    expect(await bars(page)).toEqual(Array(10).fill(null));
    await drawStroke(page, ZERO);
    const zero = await bars(page);
    expect(zero.every((p) => p !== null && p >= 0 && p <= 1)).toBe(true);
    expect(zero.reduce((a, p) => a! + p!, 0)).toBeCloseTo(1, 5);
    expect((await digitsReport(page)).output).toEqual([1, 10]);
    expect((await digitsReport(page)).predicted).toBe(0);
    expect(await page.getAttribute("#digit-probs .prob.best", "data-digit")).toBe("0");
    // The classifier's 8x8 input and the stroke are drawn: some ink, mostly paper.
    for (const canvas of ["#digit-input", "#digit-pad"]) {
      expect(await inkShare(page, canvas), canvas).toBeGreaterThan(0.05);
      expect(await inkShare(page, canvas), canvas).toBeLessThan(0.6);
    }
    await page.click("#digit-clear");
    expect(await bars(page)).toEqual(Array(10).fill(null));
    expect((await digitsReport(page)).output).toBeNull();
    expect(await inkShare(page, "#digit-pad")).toBe(0);
    // A finger draws a seven in two strokes: the probabilities follow each stroke.
    await drawStroke(page, SEVEN[0], "touch");
    const bar = await bars(page);
    await drawStroke(page, SEVEN[1], "touch");
    const seven = await bars(page);
    expect(seven).not.toEqual(bar);
    expect(seven.reduce((a, p) => a! + p!, 0)).toBeCloseTo(1, 5);
    expect((await digitsReport(page)).strokes).toBe(2);
    expect((await digitsReport(page)).predicted).toBe(7);
    await page.click("#digit-clear");
  });

  it("a real mouse draws too (pointer capture, coalesced moves)", async () => {
    const pad = page.locator("#digit-pad");
    await pad.scrollIntoViewIfNeeded();
    const box = (await pad.boundingBox())!;
    const at = (fx: number, fy: number): [number, number] => [box.x + fx * box.width, box.y + fy * box.height];
    await page.mouse.move(...at(0.5, 0.15));
    await page.mouse.down();
    await page.mouse.move(...at(0.5, 0.85), { steps: 12 });
    await page.mouse.up();
    await page.waitForFunction(() => document.querySelector("#digit-probs .prob.best") !== null);
    expect((await digitsReport(page)).predicted).toBe(1);
    expect((await bars(page)).reduce((a, p) => a! + p!, 0)).toBeCloseTo(1, 5);
    await page.click("#digit-clear");
  });

  it("the generator's grid follows the seed slider, and one seed always makes the same digits", async () => {
    const first = await ganPixels(page);
    // Dark digits on white paper: ink in every cell, but not everywhere.
    expect(await inkShare(page, "#gan-grid")).toBeGreaterThan(0.1);
    expect(await inkShare(page, "#gan-grid")).toBeLessThan(0.6);
    await setSeed(page, 2);
    const second = await ganPixels(page);
    expect(second.length).toBe(first.length);
    expect(second).not.toEqual(first);
    expect(await page.textContent("#gan-seed-value")).toBe("2");
    expect(await page.textContent("#gan-caption")).toMatch(/^manualSeed\(2\); randn\(32, 16, 1, 1\) → generator → \[32,1,8,8\]/);
    expect(await page.textContent("#gan-read")).toMatch(/^The classifier reads them as: (\d( \d){7} \/ ){3}\d( \d){7}$/);
    await setSeed(page, 1);
    expect(await ganPixels(page)).toEqual(first);
  });

  it("works offline once the service worker has cached this build", async () => {
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    expect(await page.evaluate(() => caches.keys())).toEqual(["wasm-nn-gallery-one"]);
    await context.setOffline(true);
    await page.reload();
    const offline = await loaded(page);
    expect(offline.panels.convTranspose.output).toEqual([1, 1, 1025, 1025]);
    expect(offline.panels.digitsGan.output).toEqual([32, 1, 8, 8]); // the trained models came from the cache
    await drawStroke(page, ONE);
    expect((await digitsReport(page)).predicted).toBe(1);
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
      expect(tabs).toEqual(["conv", "convTranspose", "pool", "unpool", "interpolate", "activations", "digits", "digitsGan"]);
      const sizes: Record<string, [number, number]> = {};
      for (const tab of tabs) {
        await page.click(`#tabs button[data-tab="${tab}"]`);
        expect(await page.isVisible(`[data-panel="${tab}"]`)).toBe(true);
        sizes[tab as string] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight] as [number, number]);
        const shot = await page.screenshot({ fullPage: true, path: join(SHOTS, `phone-${tab}.png`) });
        expect(colours(shot), tab).toBeGreaterThan(200);
      }
      // A finger on the pad (the pad does not scroll the page: touch-action none).
      await page.click('#tabs button[data-tab="digits"]');
      expect(await page.$eval("#digit-pad", (pad) => getComputedStyle(pad).touchAction)).toBe("none");
      await drawStroke(page, ZERO, "touch");
      expect((await bars(page)).reduce((a, p) => a! + p!, 0)).toBeCloseTo(1, 5);
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

describe("the model page (README: from a PyTorch module to a page)", () => {
  async function open(query: string): Promise<{ page: Page; errors: string[]; text: string; outputs: string | null }> {
    const page = await browser.newPage();
    const errors = watch(page);
    await page.goto(new URL(`../model-page/${query}`, server.url).href);
    await page.waitForFunction(() => document.body.dataset.state !== undefined, undefined, { timeout: 60_000 });
    const text = (await page.textContent("#report")) ?? "";
    const outputs = await page.getAttribute("#report", "data-outputs");
    return { page, errors, text, outputs };
  }

  it("loads an exported model with nn.loadModel and runs it", async () => {
    const { page, errors, text, outputs } = await open("?model=../digits/digits-cnn");
    expect(errors).toEqual([]);
    expect(outputs).toBe(JSON.stringify([[1, 10]]));
    expect(text).toMatch(/forward: [\d.]+ ms/);
    // The five largest of ten class scores, largest first.
    const scores = [...text.matchAll(/^\s+\d+\s+(-?[\d.e+-]+)$/gm)].map((m) => Number(m[1]));
    expect(scores.length).toBe(5);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    await page.close();
  });

  it("says what is missing when there is no exported model", async () => {
    const { page, text } = await open("?model=does-not-exist");
    expect(text).toContain('Could not load the model "does-not-exist"');
    expect(text).toContain("tools/export_model.py");
    await page.close();
  });
});
