// The layer gallery: each panel runs one wasm-nn layer on the chosen picture and shows
// input and output with their shapes and the time the layer took.
import { F, image, init, manualSeed, memory, nn, ready, tensor, tidy } from "wasm-nn";
import { showFeatures } from "./features.js";
import { drawPlot } from "./plots.js";
import { setupDigits } from "./digits.js";

const $ = (selector, root = document) => root.querySelector(selector);
const MAX_SIDE = 512;
/** Last render of each panel, for the page's own test: { input, output, ms }. */
const report = {};
/** The picture as a [1, 3, H, W] tensor; replaced when another picture is chosen. */
let source = null;

function shape(t) {
  return `[${t.shape.join(",")}]`;
}

/** Shows a [C,H,W] / [H,W] tensor (C = 1 or 3) on a canvas. */
function show(canvas, t, normalize = "clamp") {
  const img = image.toImageData(t, { normalize });
  canvas.width = img.width;
  canvas.height = img.height;
  // Small outputs (pooling) are enlarged: keep their pixels square; large ones are shrunk smoothly.
  canvas.style.imageRendering = img.width < 256 ? "pixelated" : "auto";
  canvas.getContext("2d").putImageData(img, 0, 0);
}

/**
 * Times one layer call; returns its result and the milliseconds it took. The call runs
 * once before (its result freed by the panel's tidy) so the time is a warm one, not the
 * first call's compilation of the Wasm code.
 */
function timed(fn) {
  fn();
  const start = performance.now();
  const out = fn();
  return [out, performance.now() - start];
}

function caption(el, text, isError = false) {
  el.textContent = text;
  el.classList.toggle("error", isError);
}

/** Blanks a panel's outputs (every canvas but the input's, every caption but the input's). */
function clearOutputs(panel) {
  const canvases = [...panel.querySelectorAll("canvas")];
  for (const canvas of canvases.slice(canvases.length > 1 ? 1 : 0)) canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  const captions = [...panel.querySelectorAll("figcaption, .caption")];
  for (const el of captions.slice(captions.length > 1 ? 1 : 0)) caption(el, "");
}

/** Runs a panel's render inside tidy(); a thrown argument error replaces the panel's output. */
function renderPanel(name, render) {
  const panel = $(`[data-panel="${name}"]`);
  const captions = panel.querySelectorAll("figcaption, .caption");
  try {
    tidy(() => render(panel));
  } catch (e) {
    if (!(e instanceof RangeError || e instanceof TypeError)) throw e;
    clearOutputs(panel);
    caption(captions[captions.length - 1], e.message, true);
    report[name] = { error: e.message };
  }
}

const value = (id) => $(`#${id}`).value;
const int = (id) => Number.parseInt(value(id), 10);

// ---------------------------------------------------------------- panels

/** 3x3 filters applied to the mean of the three colour channels. */
const FILTERS = {
  "sobel-x": [-1, 0, 1, -2, 0, 2, -1, 0, 1],
  "sobel-y": [-1, -2, -1, 0, 0, 0, 1, 2, 1],
  laplacian: [0, 1, 0, 1, -4, 1, 0, 1, 0],
};

function convPanel() {
  renderPanel("conv", (panel) => {
    const kind = value("conv-kernel");
    const padding = value("conv-padding") === "same" ? "same" : int("conv-padding");
    const options = { stride: int("conv-stride"), padding, dilation: int("conv-dilation") };
    let weight;
    let normalize = "minmax";
    if (kind === "blur") {
      // groups = 3: each colour channel blurred on its own (a depthwise convolution).
      weight = tensor(new Float32Array(3 * 25).fill(1 / 25), [3, 1, 5, 5]);
      options.groups = 3;
      normalize = "clamp";
    } else if (kind === "random") {
      manualSeed(int("conv-seed"));
      weight = init.xavierNormal_(tensor(new Float32Array(27 * 3), [3, 3, 3, 3]));
    } else {
      const k = FILTERS[kind].map((v) => v / 3);
      weight = tensor([...k, ...k, ...k], [1, 3, 3, 3]);
    }
    const [out, ms] = timed(() => F.conv2d(source, weight, undefined, options));
    const [inCanvas, outCanvas] = panel.querySelectorAll("canvas");
    const [inCap, outCap] = panel.querySelectorAll("figcaption");
    show(inCanvas, source.select(0, 0));
    show(outCanvas, out.select(0, 0), normalize);
    caption(inCap, `input ${shape(source)} · weight ${shape(weight)}`);
    caption(outCap, `output ${shape(out)} · ${ms.toFixed(1)} ms`);
    report.conv = { input: source.shape, output: out.shape, ms };
  });
}

function convTransposePanel() {
  renderPanel("convTranspose", (panel) => {
    manualSeed(int("convt-seed"));
    const layer = new nn.ConvTranspose2d(3, 1, 3, { stride: int("convt-stride") });
    try {
      init.xavierNormal_(layer.weight);
      const [out, ms] = timed(() => layer.forward(source));
      const [inCanvas, outCanvas] = panel.querySelectorAll("canvas");
      const [inCap, outCap] = panel.querySelectorAll("figcaption");
      show(inCanvas, source.select(0, 0));
      show(outCanvas, out.select(0, 0), "minmax");
      caption(inCap, `input ${shape(source)}`);
      caption(outCap, `output ${shape(out)} · ${ms.toFixed(1)} ms`);
      report.convTranspose = { input: source.shape, output: out.shape, ms };
    } finally {
      layer.dispose();
    }
  });
}

function poolPanel() {
  renderPanel("pool", (panel) => {
    const kernel = int("pool-kernel");
    const stride = value("pool-stride") === "" ? undefined : int("pool-stride");
    const [max, msMax] = timed(() => F.maxPool2d(source, kernel, { stride }));
    const [avg, msAvg] = timed(() => F.avgPool2d(source, kernel, { stride }));
    const [inCanvas, maxCanvas, avgCanvas] = panel.querySelectorAll("canvas");
    const [inCap, maxCap, avgCap] = panel.querySelectorAll("figcaption");
    show(inCanvas, source.select(0, 0));
    show(maxCanvas, max.select(0, 0));
    show(avgCanvas, avg.select(0, 0));
    caption(inCap, `input ${shape(source)}`);
    caption(maxCap, `max ${shape(max)} · ${msMax.toFixed(1)} ms`);
    caption(avgCap, `average ${shape(avg)} · ${msAvg.toFixed(1)} ms`);
    report.pool = { input: source.shape, output: max.shape, ms: msMax + msAvg };
  });
}

function unpoolPanel() {
  renderPanel("unpool", (panel) => {
    const kernel = int("unpool-kernel");
    const [[pooled, indices], msPool] = timed(() => F.maxPool2d(source, kernel, { returnIndices: true }));
    const outputSize = source.shape.slice(2);
    const [restored, msUnpool] = timed(() => F.maxUnpool2d(pooled, indices, kernel, { outputSize }));
    const [inCanvas, poolCanvas, unpoolCanvas] = panel.querySelectorAll("canvas");
    const [inCap, poolCap, unpoolCap] = panel.querySelectorAll("figcaption");
    show(inCanvas, source.select(0, 0));
    show(poolCanvas, pooled.select(0, 0));
    // The unpooled output is zero except at the kept maxima (1 pixel in kernel² per
    // channel): shown whole it reads as a black square. Show its centre instead, at most
    // 64 x 64 pixels, enlarged with square pixels and scaled min-max so the maxima stand out.
    const [, , H, W] = restored.shape;
    const side = Math.min(64, H, W);
    const top = Math.floor((H - side) / 2);
    const left = Math.floor((W - side) / 2);
    show(unpoolCanvas, restored.select(0, 0).narrow(1, top, side).narrow(2, left, side), "minmax");
    unpoolCanvas.style.imageRendering = "pixelated";
    caption(inCap, `input ${shape(source)}`);
    caption(poolCap, `maxPool2d ${shape(pooled)} + indices · ${msPool.toFixed(1)} ms`);
    caption(
      unpoolCap,
      `maxUnpool2d ${shape(restored)} · ${msUnpool.toFixed(1)} ms — each maximum back in its place, zeros elsewhere ` +
        `(1 pixel in ${kernel * kernel}); centre ${side}×${side} shown enlarged, min-max scaled`,
    );
    report.unpool = { input: pooled.shape, output: restored.shape, ms: msUnpool, shown: [side, side] };
  });
}

/** The 2-D modes of F.interpolate, side by side on the centre of the picture. */
const INTERPOLATE_MODES = ["nearest", "nearest-exact", "bilinear", "bicubic", "area"];

function interpolatePanel() {
  renderPanel("interpolate", (panel) => {
    const [, , H, W] = source.shape;
    const side = Math.min(int("interp-crop"), H, W);
    const crop = source.narrow(2, Math.floor((H - side) / 2), side).narrow(3, Math.floor((W - side) / 2), side);
    const scaleFactor = int("interp-scale");
    const align = $("#interp-align").checked;
    const grid = $("#interp-modes");
    const entries = [["input (crop)", crop, null], ...INTERPOLATE_MODES.map((mode) => [mode, null, mode])];
    while (grid.children.length < entries.length) {
      const fig = document.createElement("figure");
      fig.append(document.createElement("canvas"), document.createElement("figcaption"));
      grid.append(fig);
    }
    let total = 0;
    let output = null;
    entries.forEach(([label, t, mode], i) => {
      const [canvas, cap] = grid.children[i].children;
      if (mode === null) {
        show(canvas, t.select(0, 0));
        canvas.style.imageRendering = "pixelated";
        caption(cap, `${label} ${shape(t)}`);
        return;
      }
      const linear = mode === "bilinear" || mode === "bicubic";
      const options = { scaleFactor, mode, ...(linear ? { alignCorners: align } : {}) };
      const [out, ms] = timed(() => F.interpolate(crop, options));
      total += ms;
      output = out.shape;
      // Bicubic overshoots [0, 1] near edges: clamp, as an image viewer would.
      show(canvas, out.select(0, 0));
      caption(cap, `${mode}${linear && align ? " (alignCorners)" : ""} ${shape(out)} · ${ms.toFixed(2)} ms`);
    });
    report.interpolate = { input: crop.shape, output, ms: total, count: INTERPOLATE_MODES.length };
  });
}

/** Every elementwise activation of torch.nn.functional, with the page's parameters. */
function activations(p) {
  return [
    ["relu", (x) => F.relu(x)],
    ["relu6", (x) => F.relu6(x)],
    [`leakyRelu(${p.negativeSlope})`, (x) => F.leakyRelu(x, { negativeSlope: p.negativeSlope })],
    ["prelu(0.25)", (x) => F.prelu(x, tensor([0.25]))],
    ["rrelu (eval)", (x) => F.rrelu(x)],
    [`elu(${p.alpha})`, (x) => F.elu(x, { alpha: p.alpha })],
    ["selu", (x) => F.selu(x)],
    [`celu(${p.alpha})`, (x) => F.celu(x, { alpha: p.alpha })],
    ["gelu", (x) => F.gelu(x)],
    ["gelu (tanh)", (x) => F.gelu(x, { approximate: "tanh" })],
    ["silu", (x) => F.silu(x)],
    ["mish", (x) => F.mish(x)],
    ["sigmoid", (x) => F.sigmoid(x)],
    ["tanh", (x) => F.tanh(x)],
    [`hardtanh(${p.minVal}, ${p.maxVal})`, (x) => F.hardtanh(x, { minVal: p.minVal, maxVal: p.maxVal })],
    ["hardsigmoid", (x) => F.hardsigmoid(x)],
    ["hardswish", (x) => F.hardswish(x)],
    [`softplus(β=${p.beta})`, (x) => F.softplus(x, { beta: p.beta })],
    ["softsign", (x) => F.softsign(x)],
    [`softshrink(${p.lambd})`, (x) => F.softshrink(x, { lambd: p.lambd })],
    [`hardshrink(${p.lambd})`, (x) => F.hardshrink(x, { lambd: p.lambd })],
    ["tanhshrink", (x) => F.tanhshrink(x)],
    [`threshold(${p.threshold}, ${p.value})`, (x) => F.threshold(x, p.threshold, p.value)],
    ["logsigmoid", (x) => F.logsigmoid(x)],
  ];
}

function activationPanel() {
  renderPanel("activations", () => {
    const params = {};
    for (const input of document.querySelectorAll("#act-params [data-param]")) params[input.dataset.param] = Number(input.value);
    const x = tensor(Float32Array.from({ length: 481 }, (_, i) => -6 + i * 0.025));
    const xs = x.toArray();
    const plots = $("#plots");
    const list = activations(params);
    while (plots.children.length < list.length) {
      const fig = document.createElement("figure");
      fig.append(document.createElement("canvas"));
      plots.append(fig);
    }
    let total = 0;
    list.forEach(([name, fn], i) => {
      const [y, ms] = timed(() => fn(x));
      total += ms;
      drawPlot(plots.children[i].firstChild, xs, y.toArray(), name);
    });
    caption($("#act-caption"), `${list.length} activations on ${shape(x)} · ${total.toFixed(2)} ms in all`);
    report.activations = { input: x.shape, output: x.shape, ms: total, count: list.length };
  });
}

function renderAll() {
  convPanel();
  convTransposePanel();
  poolPanel();
  unpoolPanel();
  interpolatePanel();
  activationPanel();
}

// ---------------------------------------------------------------- the picture

async function setPicture(blob, label) {
  const bitmap = await createImageBitmap(blob);
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = $("#source-canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const ctx = canvas.getContext("2d");
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
  source?.dispose();
  source = tidy(() => image.toTensor(pixels).unsqueeze(0));
  caption($("#source-caption"), `${label}: image.toTensor(...).unsqueeze(0) → ${shape(source)}`);
  renderAll();
}

async function useSample() {
  const response = await fetch(new URL("../assets/sample.png", import.meta.url));
  await setPicture(await response.blob(), "sample picture");
}

function wireControls() {
  const panels = { conv: convPanel, convTranspose: convTransposePanel, pool: poolPanel, unpool: unpoolPanel, interpolate: interpolatePanel, activations: activationPanel };
  for (const [name, render] of Object.entries(panels)) {
    for (const control of document.querySelectorAll(`[data-panel="${name}"] select, [data-panel="${name}"] input`)) {
      control.addEventListener("change", () => source && render());
    }
  }
  $("#use-sample").addEventListener("click", useSample);
  $("#file").addEventListener("change", (e) => e.target.files[0] && setPicture(e.target.files[0], e.target.files[0].name));
  document.addEventListener("dragover", (e) => {
    e.preventDefault();
    document.body.classList.add("dragging");
  });
  document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    document.body.classList.remove("dragging");
    const file = e.dataTransfer.files[0];
    if (file) setPicture(file, file.name);
  });
}

// ---------------------------------------------------------------- tabs (narrow screens)

/** On narrow screens one layer panel shows at a time, chosen in the tab bar. */
function wireTabs() {
  const nav = $("#tabs");
  const panels = [...document.querySelectorAll("[data-panel]")];
  const select = (name) => {
    for (const p of panels) p.classList.toggle("active", p.dataset.panel === name);
    for (const b of nav.querySelectorAll("button")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  };
  for (const p of panels) {
    const button = document.createElement("button");
    button.type = "button";
    button.role = "tab";
    button.dataset.tab = p.dataset.panel;
    button.textContent = p.dataset.title;
    button.addEventListener("click", () => select(p.dataset.panel));
    nav.append(button);
  }
  select(panels[0].dataset.panel);
}

// ---------------------------------------------------------------- offline + updates

/**
 * Registers the service worker under the current build's name (build.json, fetched from
 * the network first). A new build means a new worker URL, so the browser installs it
 * with a fresh cache; when it takes over a page that an older build was serving, the
 * page reloads once to show the new build.
 */
async function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !location.protocol.startsWith("http")) return null;
  try {
    const { build } = await (await fetch(new URL("./build.json", import.meta.url), { cache: "no-store" })).json();
    const previous = navigator.serviceWorker.controller;
    if (previous && !previous.scriptURL.endsWith(`build=${build}`)) {
      navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(), { once: true });
    }
    await navigator.serviceWorker.register(new URL(`./sw.js?build=${encodeURIComponent(build)}`, import.meta.url));
    return build;
  } catch {
    return null; // no offline copy; the page itself works
  }
}

async function main() {
  const info = showFeatures(await ready(), () => source && renderAll());
  wireControls();
  wireTabs();
  await useSample();
  await setupDigits(report);
  const build = await registerServiceWorker();
  return { info, panels: report, liveTensors: memory().tensors, build };
}

main().then(
  (result) => {
    window.__result = { ok: true, result };
  },
  (error) => {
    $("#features").textContent = `Error: ${error.message}`;
    window.__result = { ok: false, error: String(error && error.stack || error) };
  },
);
