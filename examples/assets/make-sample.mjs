// Draws the demo's sample picture (examples/assets/sample.png): a small synthetic
// landscape with gradients, edges and textures, so the project ships an image it may
// redistribute. Run: node examples/assets/make-sample.mjs
import { writeImage } from "wasm-nn/node";

const W = 512;
const H = 512;
const rgb = new Uint8Array(W * H * 3);

const mix = (a, b, t) => a + (b - a) * t;
function put(x, y, [r, g, b]) {
  const i = (y * W + x) * 3;
  rgb[i] = r;
  rgb[i + 1] = g;
  rgb[i + 2] = b;
}

for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const t = y / H;
    // Sky: deep blue at the top to warm orange at the horizon.
    let c = [mix(40, 250, t * 1.6), mix(70, 170, t * 1.6), mix(160, 90, t * 1.6)].map((v) => Math.min(255, v));
    // Sun with a soft rim.
    const d = Math.hypot(x - 360, y - 170);
    if (d < 60) c = [255, 236, 150];
    else if (d < 75) c = c.map((v, i) => mix([255, 236, 150][i], v, (d - 60) / 15));
    // Two mountain ridges.
    const ridge1 = 300 - 120 * Math.max(0, 1 - Math.abs(x - 150) / 180);
    const ridge2 = 330 - 90 * Math.max(0, 1 - Math.abs(x - 400) / 150);
    if (y > ridge1) c = [70 + (x % 7), 80, 110 - (y - ridge1) / 3];
    if (y > ridge2) c = [50, 95 + ((x + y) % 5), 80];
    // Checkerboard field below the horizon, in perspective.
    if (y > 380) {
      const depth = 1 / ((y - 370) / 140);
      const u = Math.floor(((x - W / 2) * (1 / depth)) / 24);
      const v = Math.floor(depth * 8);
      const dark = (u + v) & 1;
      c = dark ? [60, 120, 40] : [150, 200, 90];
    }
    // A striped flag pole for fine detail.
    if (x >= 60 && x < 64 && y > 200 && y < 390) c = [230, 230, 230];
    if (x >= 64 && x < 124 && y > 200 && y < 240) c = ((y - 200) >> 3) & 1 ? [200, 30, 40] : [245, 245, 245];
    put(x, y, c.map((v) => Math.max(0, Math.min(255, Math.round(v)))));
  }
}

await writeImage(new URL("./sample.png", import.meta.url).pathname, { data: rgb, width: W, height: H, channels: 3 });
console.log("wrote examples/assets/sample.png");
