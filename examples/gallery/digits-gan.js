// The DCGAN generator's panel: a grid of digits made from seeded noise. Transposed
// convolutions up-sample each noise vector z [NZ, 1, 1] to an 8x8 digit (1 -> 2 -> 4 -> 8
// pixels); the seed slider picks the noise (wasm-nn's manualSeed + randn), and the
// classifier of the other panel says which digit it reads in each.
import { manualSeed, randn, tidy } from "wasm-nn";

const $ = (selector) => document.querySelector(selector);
const COLS = 8;
const ROWS = 4;
const CELL = 8;

/** The images ([N,1,8,8], values in the generator's Tanh range [-1, 1]) side by side, 1-pixel gaps. */
function drawGrid(canvas, images) {
  canvas.width = COLS * (CELL + 1) + 1;
  canvas.height = ROWS * (CELL + 1) + 1;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#c8c8c8";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  for (let n = 0; n < COLS * ROWS; n++) {
    const left = 1 + (n % COLS) * (CELL + 1);
    const top = 1 + Math.floor(n / COLS) * (CELL + 1);
    for (let p = 0; p < CELL * CELL; p++) {
      // Training drew ink as +1 and paper as -1 (pixel / 8 - 1): ink dark, paper white.
      const level = (255 * (1 - images[n * CELL * CELL + p])) / 2;
      const at = ((top + Math.floor(p / CELL)) * canvas.width + left + (p % CELL)) * 4;
      img.data.set([level, level, level, 255], at);
    }
  }
  ctx.putImageData(img, 0, 0);
}

/** Wires the seed slider and draws the first grid. `nz`: the length of the generator's noise vector. */
export function setupGenerator(generator, nz, classifier, report) {
  const slider = $("#gan-seed");
  const seedLabel = $("#gan-seed-value");
  const canvas = $("#gan-grid");
  const caption = $("#gan-caption");
  const readAs = $("#gan-read");
  const n = COLS * ROWS;
  const render = () => {
    const seed = Number(slider.value);
    seedLabel.textContent = String(seed);
    const { images, labels, shape, ms } = tidy(() => {
      manualSeed(seed);
      const z = randn(n, nz, 1, 1);
      const start = performance.now();
      const out = generator.forward(z);
      const time = performance.now() - start;
      // The classifier reads pixel / 16 in [0, 1]; the generator writes pixel / 8 - 1 in [-1, 1].
      const read = classifier.forward(out.add(1).div(2)).argmax({ dim: 1 });
      return { images: out.toArray(), labels: Array.from(read.toArray()), shape: out.shape, ms: time };
    });
    drawGrid(canvas, images);
    caption.textContent = `manualSeed(${seed}); randn(${n}, ${nz}, 1, 1) → generator → [${shape.join(",")}] · ${ms.toFixed(2)} ms`;
    const rows = Array.from({ length: ROWS }, (_, r) => labels.slice(r * COLS, (r + 1) * COLS).join(" "));
    readAs.textContent = `The classifier reads them as: ${rows.join(" / ")}`;
    report.digitsGan = { seed, input: [n, nz, 1, 1], output: shape, ms, labels };
  };
  slider.addEventListener("input", render);
  render();
}
