// The PyTorch layer tutorial, end to end in wasm-nn: load a picture, turn it into a
// [1,3,H,W] tensor, up-sample it with a transposed convolution whose weights come from
// xavier_normal_, print the shapes before and after, and save both side by side.
//
//   npm run demo                      # the sample picture in examples/assets/
//   npm run demo -- --image my.jpg    # any PNG or JPEG
//   npm run demo -- --out figure.png  # where to write the figure (default examples/demo-figure.png)
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { F, image, init, manualSeed, memory, nn, readImage, ready, tidy, writeImage } from "wasm-nn/node";

const { values: args } = parseArgs({
  options: {
    image: { type: "string", default: new URL("./assets/sample.png", import.meta.url).pathname },
    out: { type: "string", default: new URL("./demo-figure.png", import.meta.url).pathname },
  },
});

const info = await ready();
console.log(`wasm-nn ready (SIMD ${info.simd}, relaxed SIMD ${info.relaxedSimd}, threads ${info.threads})`);

// ================================= load img ==================================
const img = await readImage(args.image);
const imgTensor = tidy(() => image.toTensor(img).unsqueeze(0)); // C*H*W to B*C*H*W (tidy frees the [C,H,W] base)

// ========================= create convolution layer ==========================
manualSeed(1);
const convLayer = new nn.ConvTranspose2d(3, 1, 3, { stride: 2 }); // input:(i, o, size)
init.xavierNormal_(convLayer.weight);

// calculation
const start = performance.now();
const imgConv = convLayer.forward(imgTensor);
const ms = performance.now() - start;

console.log(`size before: [${imgTensor.shape}]\nsize after:  [${imgConv.shape}]`);
console.log(`ConvTranspose2d(3, 1, 3, stride=2) took ${ms.toFixed(1)} ms`);

// ============ show input and output side by side (like plt.subplot) ===========
const panels = tidy(() => {
  const raw = image.toImageData(imgTensor.squeeze(0));
  // The output is twice the input's size: average 2x2 blocks so both panels match,
  // and stretch its range to gray levels (min-max) as imshow(cmap="gray") does.
  const out = F.avgPool2d(imgConv.select(0, 0).slice(0, 0, 1), 2);
  return [raw, image.toImageData(out, { normalize: "minmax" })];
});
const figure = sideBySide(panels, 16);
mkdirSync(dirname(resolve(args.out)), { recursive: true });
await writeImage(args.out, figure);
console.log(`figure written to ${args.out}`);

imgTensor.dispose();
imgConv.dispose();
convLayer.dispose();
console.log(`live tensors at the end: ${memory().tensors}`);

/** Places RGBA images next to each other on a white canvas with a margin. */
function sideBySide(images, margin) {
  const height = Math.max(...images.map((i) => i.height)) + 2 * margin;
  const width = images.reduce((w, i) => w + i.width + margin, margin);
  const data = new Uint8Array(width * height * 4).fill(255);
  let left = margin;
  for (const im of images) {
    for (let y = 0; y < im.height; y++) {
      const row = im.data.subarray(y * im.width * 4, (y + 1) * im.width * 4);
      data.set(row, ((y + margin) * width + left) * 4);
    }
    left += im.width + margin;
  }
  return { data, width, height, channels: 4 };
}
