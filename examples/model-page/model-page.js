// A page for any model exported by tools/export_model.py: fetch the graph and the weights,
// build the module with nn.loadModel, and run it on a random input of the traced shape (or
// on a picture, for models that take [N, 3, H, W]). The report shows the output's shape, its
// largest values and the time of a warm forward pass.
import { F, image, manualSeed, nn, randn, ready, tidy } from "wasm-nn";

const prefix = new URLSearchParams(location.search).get("model") ?? "model";
const report = document.querySelector("#report");
const runButton = document.querySelector("#run");
document.querySelector("#prefix").textContent = prefix;

function show(lines, isError = false) {
  report.textContent = lines.join("\n");
  report.className = isError ? "error" : "";
  document.body.dataset.state = isError ? "error" : "done";
}

/** The five largest values of a flat output, with their indices. */
function top(values, k = 5) {
  return Array.from(values, (v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, k);
}

async function load() {
  const info = await ready();
  const [graph, weights] = await Promise.all([
    fetch(`${prefix}.json`).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${prefix}.json: HTTP ${r.status}`)))),
    fetch(`${prefix}.safetensors`).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(`${prefix}.safetensors: HTTP ${r.status}`)))),
  ]);
  return { info, graph: JSON.parse(graph), model: nn.loadModel(graph, weights) };
}

function run({ info, graph, model }, makeInput, source) {
  const lines = [`${prefix}: ${model.parameters().reduce((n, p) => n + p.numel, 0).toLocaleString("en")} parameters, SIMD ${info.simd}`];
  tidy(() => {
    const inputs = graph.inputs.map((spec) => makeInput(spec.shape));
    model.forward(...inputs);
    const t0 = performance.now();
    const out = model.forward(...inputs);
    const ms = performance.now() - t0;
    const outputs = Array.isArray(out) ? out : [out];
    lines.push(`input: ${source} ${graph.inputs.map((s) => `[${s.shape}]`).join(", ")}`, `forward: ${ms.toFixed(1)} ms`);
    outputs.forEach((y, i) => {
      lines.push(`output ${i}: shape [${y.shape}]`);
      for (const [v, at] of top(y.toArray())) lines.push(`  ${String(at).padStart(6)}  ${v.toPrecision(5)}`);
    });
    report.dataset.outputs = JSON.stringify(outputs.map((y) => y.shape));
  });
  show(lines);
}

try {
  const loaded = await load();
  const random = () => {
    manualSeed(0);
    run(loaded, (shape) => randn(shape), "random normal, seed 0,");
  };
  random();
  runButton.disabled = false;
  runButton.addEventListener("click", random);
  document.querySelector("#picture").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const bitmap = await createImageBitmap(file);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext("2d").drawImage(bitmap, 0, 0);
    const pixels = canvas.getContext("2d").getImageData(0, 0, bitmap.width, bitmap.height);
    try {
      run(loaded, (shape) => {
        if (shape.length !== 4 || shape[1] !== 3) throw new TypeError(`this model's input is [${shape}], not a picture [N, 3, H, W]`);
        const x = image.toTensor(pixels).unsqueeze(0);
        return F.interpolate(x, { size: shape.slice(2), mode: "bilinear" });
      }, `${file.name} resized to`);
    } catch (err) {
      show([String(err)], true);
    }
  });
} catch (err) {
  show([`Could not load the model "${prefix}": ${err.message}`, "Export one with tools/export_model.py (see the README)."], true);
}
