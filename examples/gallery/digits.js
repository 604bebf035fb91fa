// The trained-model panels: a digit classifier and a DCGAN generator, trained in PyTorch on
// scikit-learn's 8x8 handwritten digits (tools/train_digits.py) and loaded here with
// nn.loadModel from the files in examples/digits/. This file holds the drawing pad and the
// classifier's live probabilities; digits-gan.js the generator's grid.
import { F, nn, tensor, tidy } from "wasm-nn";
import { SIDE, strokesToBitmap } from "./digit-strokes.js";
import { setupGenerator } from "./digits-gan.js";

const $ = (selector) => document.querySelector(selector);
const MODELS = new URL("../digits/", import.meta.url);

async function download(name, as) {
  const response = await fetch(new URL(name, MODELS));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  return as === "text" ? response.text() : new Uint8Array(await response.arrayBuffer());
}

/** A model exported by tools/export_model.py: its graph (for the input shape) and the built module. */
async function fetchModel(prefix) {
  const [graph, weights] = await Promise.all([download(`${prefix}.json`, "text"), download(`${prefix}.safetensors`)]);
  return { graph: JSON.parse(graph), model: nn.loadModel(graph, weights) };
}

/** The classifier on a 32x32 bitmap: the 8x8 input it reads and its ten probabilities. */
function classify(classifier, bitmap) {
  return tidy(() => {
    // Average of each 4x4 block = ink count / 16: the training data's pixel / 16.
    const input = F.avgPool2d(tensor(bitmap, [1, 1, SIDE, SIDE]), 4);
    const start = performance.now();
    const logits = classifier.forward(input);
    const ms = performance.now() - start;
    const probabilities = F.softmax(logits, { dim: 1 });
    return { input: input.toArray(), shape: logits.shape, probabilities: Array.from(probabilities.toArray()), ms };
  });
}

/** Ten rows (digit, bar, percentage), made once. */
function makeBars(container) {
  container.replaceChildren();
  for (let d = 0; d < 10; d++) {
    const row = document.createElement("div");
    row.className = "prob";
    row.dataset.digit = String(d);
    const label = document.createElement("span");
    label.textContent = String(d);
    const track = document.createElement("span");
    track.className = "track";
    track.append(document.createElement("span"));
    track.firstChild.className = "fill";
    const value = document.createElement("output");
    row.append(label, track, value);
    container.append(row);
  }
}

function showProbabilities(container, probabilities) {
  const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
  for (const row of container.children) {
    const d = Number(row.dataset.digit);
    const p = probabilities?.[d];
    row.querySelector(".fill").style.width = p === undefined ? "0" : `${(100 * p).toFixed(2)}%`;
    row.querySelector("output").textContent = p === undefined ? "" : `${(100 * p).toFixed(1)}%`;
    if (p === undefined) delete row.dataset.p;
    else row.dataset.p = String(p);
    row.classList.toggle("best", d === best);
  }
}

/** The 8x8 input, enlarged with square pixels: ink dark on white paper, as drawn. */
function showInput(canvas, input) {
  const img = new ImageData(8, 8);
  for (let p = 0; p < 64; p++) {
    const level = 255 * (1 - (input ? input[p] : 0));
    img.data.set([level, level, level, 255], p * 4);
  }
  canvas.getContext("2d").putImageData(img, 0, 0);
}

function drawStrokes(pad, strokes) {
  const ctx = pad.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, pad.width, pad.height);
  ctx.strokeStyle = "#111";
  ctx.fillStyle = "#111";
  ctx.lineWidth = pad.width / 14;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  for (const stroke of strokes) {
    ctx.beginPath();
    ctx.moveTo(stroke[0].x, stroke[0].y);
    for (const { x, y } of stroke.slice(1)) ctx.lineTo(x, y);
    if (stroke.length === 1) ctx.lineTo(stroke[0].x + 0.01, stroke[0].y); // a tap leaves a dot
    ctx.stroke();
  }
}

/** Drawing with a mouse, a pen or a finger (pointer events); `changed` runs once per frame while drawing. */
function wirePad(pad, strokes, changed) {
  let drawing = false;
  let frame = 0;
  const point = (e) => {
    const box = pad.getBoundingClientRect();
    return { x: ((e.clientX - box.left) * pad.width) / box.width, y: ((e.clientY - box.top) * pad.height) / box.height };
  };
  const soon = () => {
    if (!frame) frame = requestAnimationFrame(() => {
      frame = 0;
      changed();
    });
  };
  pad.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    drawing = true;
    try {
      pad.setPointerCapture(e.pointerId); // keep the stroke when the pointer leaves the pad
    } catch {
      // a synthetic event has no active pointer to capture
    }
    strokes.push([point(e)]);
    soon();
  });
  pad.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    const events = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
    for (const each of events.length > 0 ? events : [e]) strokes[strokes.length - 1].push(point(each));
    soon();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    cancelAnimationFrame(frame);
    frame = 0;
    changed();
  };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
}

function setupClassifier(classifier, report) {
  const pad = $("#digit-pad");
  const inputCanvas = $("#digit-input");
  const bars = $("#digit-probs");
  const caption = $("#digit-caption");
  const strokes = [];
  makeBars(bars);
  const render = () => {
    drawStrokes(pad, strokes);
    if (strokes.length === 0) {
      showInput(inputCanvas, null);
      showProbabilities(bars, null);
      caption.textContent = "Draw a digit, 0 to 9, in the white box.";
      report.digits = { input: [1, 1, 8, 8], output: null, strokes: 0 };
      return;
    }
    const { input, shape, probabilities, ms } = classify(classifier, strokesToBitmap(strokes));
    showInput(inputCanvas, input);
    showProbabilities(bars, probabilities);
    const best = probabilities.indexOf(Math.max(...probabilities));
    caption.textContent = `F.avgPool2d(32x32 bitmap, 4) → [1,1,8,8] → classifier → softmax [${shape.join(",")}] · ${ms.toFixed(2)} ms · reads ${best}`;
    report.digits = { input: [1, 1, 8, 8], output: shape, strokes: strokes.length, predicted: best, probabilities, ms };
  };
  wirePad(pad, strokes, render);
  $("#digit-clear").addEventListener("click", () => {
    strokes.length = 0;
    render();
  });
  render();
}

/** Loads both models and wires both panels; a failure shows in the panels instead. */
export async function setupDigits(report) {
  try {
    const [classifier, generator, reference] = await Promise.all([fetchModel("digits-cnn"), fetchModel("digits-gan"), download("reference.json", "text")]);
    const { heldout, pytorch } = JSON.parse(reference);
    $("#digit-accuracy").textContent = `${pytorch.correct} of ${heldout} held-out digits right, ${(100 * pytorch.accuracy).toFixed(1)}%`;
    setupClassifier(classifier.model, report);
    setupGenerator(generator.model, generator.graph.inputs[0].shape[1], classifier.model, report);
  } catch (e) {
    for (const [name, id] of [["digits", "#digit-caption"], ["digitsGan", "#gan-caption"]]) {
      $(id).textContent = `Could not load the model: ${e.message}`;
      $(id).classList.add("error");
      report[name] = { error: String(e.message) };
    }
  }
}
