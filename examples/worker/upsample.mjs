// The tutorial's transposed convolution as a request handler: PNG bytes in, PNG bytes
// out. Shared by the Cloudflare Worker and the Deno server; pure JS plus wasm-nn, so it
// runs anywhere (fast-png decodes and encodes without Node or canvas APIs).
import { decode, encode } from "fast-png";

export class BadImage extends Error {}

/**
 * Up-samples an RGB(A) PNG with ConvTranspose2d(3, 1, 3, stride 2) whose weights are
 * drawn by xavier_normal_ after manualSeed(1), and returns the gray output (min-max
 * scaled) as PNG bytes, twice the input's size plus one.
 */
export async function upsamplePng(api, pngBytes) {
  await api.ready();
  let png;
  try {
    png = decode(pngBytes);
  } catch (e) {
    throw new BadImage(`expected a PNG body: ${e.message}`);
  }
  if (png.channels < 3) throw new BadImage(`expected an RGB or RGBA PNG, got ${png.channels} channel(s)`);
  const data = png.depth === 16 ? Uint8Array.from(png.data, (v) => v >> 8) : png.data;
  const pixels = { data, width: png.width, height: png.height, channels: png.channels };

  api.manualSeed(1);
  const conv = new api.nn.ConvTranspose2d(3, 1, 3, { stride: 2 });
  try {
    api.init.xavierNormal_(conv.weight);
    const out = api.tidy(() => {
      const x = api.image.toTensor(pixels).unsqueeze(0); // [1, 3, H, W]
      const y = conv.forward(x); // [1, 1, 2H+1, 2W+1]
      return api.image.toImageData(y.select(0, 0), { normalize: "minmax" });
    });
    return encode({ width: out.width, height: out.height, data: new Uint8Array(out.data.buffer), channels: 4 });
  } finally {
    conv.dispose();
  }
}

/** The HTTP side shared by both servers: POST a PNG, get a PNG. */
export async function handle(api, request) {
  if (request.method !== "POST") {
    return new Response("POST a PNG image to up-sample it with ConvTranspose2d(3, 1, 3, stride=2)\n", { status: 405, headers: { allow: "POST" } });
  }
  try {
    const body = new Uint8Array(await request.arrayBuffer());
    return new Response(await upsamplePng(api, body), { headers: { "content-type": "image/png" } });
  } catch (e) {
    if (e instanceof BadImage || e instanceof RangeError || e instanceof TypeError) {
      return new Response(`${e.message}\n`, { status: 400 });
    }
    throw e;
  }
}
