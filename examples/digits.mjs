// A model trained in PyTorch, run by wasm-nn: the digit classifier of examples/digits/
// (trained by tools/train_digits.py) reads the 360 held-out digits in one batch. The
// accuracy must be PyTorch's on the same split, or the script exits with status 1.
//
//   node examples/digits.mjs
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { F, loadModelFile, loadSafetensors, memory, ready, tidy } from "wasm-nn/node";

const dir = fileURLToPath(new URL("./digits/", import.meta.url));
await ready();
const reference = JSON.parse(await readFile(`${dir}reference.json`, "utf8"));
const heldout = loadSafetensors(await readFile(`${dir}heldout.safetensors`));
const model = await loadModelFile(`${dir}digits-cnn`);

const start = performance.now();
const { predicted, labels } = tidy(() => {
  // The classifier was trained on pixel / 16 (pixels are ink counts 0..16): the same here.
  const probabilities = F.softmax(model.forward(heldout.inputs.div(16)), { dim: 1 });
  return { predicted: probabilities.argmax({ dim: 1 }).toArray(), labels: heldout.labels.toArray() };
});
const ms = performance.now() - start;

const mistakes = [];
for (let i = 0; i < labels.length; i++) if (predicted[i] !== labels[i]) mistakes.push(`#${i}: a ${labels[i]} read as ${predicted[i]}`);
const correct = labels.length - mistakes.length;
const accuracy = (n) => `${n}/${labels.length} = ${((100 * n) / labels.length).toFixed(2)}%`;

console.log(`held-out digits: ${labels.length} (${reference.split})`);
console.log(`wasm-nn accuracy: ${accuracy(correct)} (one batch of ${heldout.inputs.shape.join("x")}, ${ms.toFixed(1)} ms)`);
console.log(`PyTorch accuracy: ${accuracy(reference.pytorch.correct)}`);
if (mistakes.length > 0) console.log(`mistakes: ${mistakes.join(", ")}`);

for (const t of Object.values(heldout)) t.dispose();
model.dispose();
console.log(`live tensors at the end: ${memory().tensors}`);

if (correct !== reference.pytorch.correct) {
  console.error("wasm-nn and PyTorch disagree on the held-out accuracy");
  process.exit(1);
}
