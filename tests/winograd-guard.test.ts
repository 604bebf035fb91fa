// Every fast convolution path meets the direct algorithm's tolerance on hostile inputs:
// an outlier placed at every position of a tile's input region, values spanning many
// orders of magnitude between channels, a large mean, denormals and non-finite values.
// The tolerance is per element, as for a direct convolution:
//   |y - exact| <= 1e-5 + 1e-4 * (|exact| + sum of |terms|).
// Each path is pinned: the test asks the kernels which method the shape takes.
import { describe, expect, it } from "vitest";
import { CONV_DESC, WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3, WINOGRAD_4_5 } from "../build/abi.js";
import { F, type Tensor, tensor, tidy } from "../src/index";
import { subpixelPlan } from "../src/functional/subpixel";
import { descriptor, dhw, wasm } from "../src/wasm";
import { refConv, refConvTranspose } from "./helpers/conv-reference";
import { rng } from "./helpers/random";

interface Path {
  name: string;
  method: number;
  C: number;
  OC: number;
  /** Spatial input size: [H, W] (conv2d) or [L] (conv1d). */
  size: number[];
  kernel: number[];
  padding: number[];
  /** Output tile (rows, columns) and the kernel's extent: the input region of a tile is (mh + kh - 1) x (mw + kw - 1). */
  tile: [number, number];
}

/** Which algorithm conv_f32 runs for a stride-1 convolution of this shape (batch 1). */
function methodOf(C: number, OC: number, size: number[], kernel: number[], padding: number[]): number {
  const [H, W] = size.length === 2 ? size : [1, size[0]];
  const [KH, KW] = kernel.length === 2 ? kernel : [1, kernel[0]];
  const [PH, PW] = padding.length === 2 ? padding : [0, padding[0]];
  const desc = descriptor(CONV_DESC, {
    batch: 1, inC: C, ...dhw("in", [1, H, W]), outC: OC, ...dhw("out", [1, H + 2 * PH - KH + 1, W + 2 * PW - KW + 1]),
    ...dhw("kernel", [1, KH, KW]), ...dhw("stride", [1, 1, 1]), ...dhw("padBefore", [0, PH, PW]),
    ...dhw("padAfter", [0, PH, PW]), ...dhw("dilation", [1, 1, 1]), groups: 1, paddingMode: 0, packed: 0, clampMin: -Infinity, clampMax: Infinity,
  });
  return wasm().convMethodOf(desc);
}

const CANDIDATES: Omit<Path, "name" | "method" | "tile">[] = [
  { C: 16, OC: 16, size: [14, 14], kernel: [3, 3], padding: [1, 1] },
  { C: 8, OC: 8, size: [6, 6], kernel: [3, 3], padding: [1, 1] },
  { C: 16, OC: 16, size: [4, 4], kernel: [3, 3], padding: [1, 1] },
  { C: 32, OC: 32, size: [6, 6], kernel: [3, 3], padding: [1, 1] },
  { C: 64, OC: 64, size: [4, 4], kernel: [3, 3], padding: [1, 1] },
  { C: 16, OC: 16, size: [40], kernel: [5], padding: [2] },
];

/** The first candidate shape that takes `method`. */
function pathFor(name: string, method: number, tile: [number, number]): Path {
  const c = CANDIDATES.find((s) => methodOf(s.C, s.OC, s.size, s.kernel, s.padding) === method);
  if (!c) throw new Error(`no candidate shape takes ${name}`);
  return { name, method, tile, ...c };
}

/** The element-wise direct-convolution tolerance; returns a description of the first violation. */
function violation(got: Float32Array, ref: { data: Float64Array; magnitude: Float64Array }): string | null {
  for (let i = 0; i < got.length; i++) {
    const e = ref.data[i];
    if (Number.isNaN(e)) {
      if (!Number.isNaN(got[i])) return `index ${i}: got ${got[i]}, expected NaN`;
      continue;
    }
    if (!Number.isFinite(e)) {
      if (got[i] !== e) return `index ${i}: got ${got[i]}, expected ${e}`;
      continue;
    }
    const tol = 1e-5 + 1e-4 * (Math.abs(e) + ref.magnitude[i]);
    if (!(Math.abs(got[i] - e) <= tol)) return `index ${i}: got ${got[i]}, expected ${e} (sum of |terms| ${ref.magnitude[i]})`;
  }
  return null;
}

function runConv(p: Path, x: Float32Array, w: Float32Array, b: Float32Array): string | null {
  const nd = p.size.length;
  return tidy(() => {
    const xt = tensor(x, [1, p.C, ...p.size]);
    const wt = tensor(w, [p.OC, p.C, ...p.kernel]);
    const bt = tensor(b, [p.OC]);
    const y: Tensor = nd === 2 ? F.conv2d(xt, wt, bt, { padding: p.padding }) : F.conv1d(xt, wt, bt, { padding: p.padding });
    const ones = p.kernel.map(() => 1);
    const ref = refConv(x, [1, p.C, ...p.size], w, [p.OC, p.C, ...p.kernel], b,
      { stride: ones, before: p.padding, after: p.padding, dilation: ones, groups: 1, mode: "zeros" });
    return violation(y.toArray() as Float32Array, ref);
  });
}

const uniform = (r: ReturnType<typeof rng>, n: number, scale = 1) => Float32Array.from({ length: n }, () => r.float() * scale);

/** Input positions (row, column) covering the input region of one interior tile, and its neighbours' overlap. */
function regionPositions(p: Path): [number, number][] {
  const [mh, mw] = p.tile;
  const [kh, kw] = p.kernel.length === 2 ? p.kernel : [1, p.kernel[0]];
  const [H, W] = p.size.length === 2 ? p.size : [1, p.size[0]];
  const [ph, pw] = p.padding.length === 2 ? p.padding : [0, p.padding[0]];
  // Tile (1, 1) where it exists, else tile (0, 0); its region in input coordinates.
  const ty = H + 2 * ph - kh + 1 > mh ? 1 : 0, tx = W + 2 * pw - kw + 1 > mw ? 1 : 0;
  const out: [number, number][] = [];
  for (let i = 0; i < mh + kh - 1; i++) {
    for (let j = 0; j < mw + kw - 1; j++) {
      const y = ty * mh + i - ph, xx = tx * mw + j - pw;
      if (y >= 0 && y < H && xx >= 0 && xx < W) out.push([y, xx]);
    }
  }
  return out;
}

const PATHS: [string, () => Path][] = [
  ["F(4x4, 3x3)", () => pathFor("F(4x4, 3x3)", WINOGRAD_4X4_3X3, [4, 4])],
  ["F(2x2, 3x3)", () => pathFor("F(2x2, 3x3)", WINOGRAD_2X2_3X3, [2, 2])],
  ["F(4, 5)", () => pathFor("F(4, 5)", WINOGRAD_4_5, [1, 4])],
];

describe("Winograd paths meet the direct tolerance on hostile inputs", () => {
  for (const [name, make] of PATHS) {
    it(`${name}: one outlier at every position of a tile, in every channel position, 1e3 to 1e30`, () => {
      const p = make();
      const r = rng(p.method * 101);
      const [H, W] = p.size.length === 2 ? p.size : [1, p.size[0]];
      const base = uniform(r, p.C * H * W);
      const w = uniform(r, p.OC * p.C * p.kernel.reduce((a, k) => a * k, 1), 0.5);
      const b = uniform(r, p.OC, 0.5);
      const failures: string[] = [];
      let runs = 0;
      for (const [y, xx] of regionPositions(p)) {
        for (const big of [1e3, -1e4, 1e8, -1e15, 1e30]) {
          const x = base.slice();
          const c = runs % p.C;
          x[(c * H + y) * W + xx] = big;
          const bad = runConv(p, x, w, b);
          if (bad) failures.push(`${p.name}: ${big} at channel ${c}, (${y}, ${xx}): ${bad}`);
          runs++;
        }
      }
      expect(runs).toBeGreaterThanOrEqual(5 * 8);
      expect(failures.slice(0, 5)).toEqual([]);
    });
  }

  for (const [name, make] of PATHS) {
    it(`${name}: mixed scales between channels, a large mean, denormals, and NaN or infinity at every position of a tile`, () => {
      const p = make();
      const r = rng(p.method * 7 + 3);
      const [H, W] = p.size.length === 2 ? p.size : [1, p.size[0]];
      const plane = H * W;
      const w = uniform(r, p.OC * p.C * p.kernel.reduce((a, k) => a * k, 1), 0.5);
      const b = uniform(r, p.OC, 0.5);
      const inputs: [string, Float32Array][] = [
        ["channels 1e-6 .. 1e6", Float32Array.from({ length: p.C * plane }, (_, i) => r.float() * 10 ** ((Math.floor(i / plane) % 13) - 6))],
        ["mean 1e4, spread 1", Float32Array.from({ length: p.C * plane }, () => 1e4 + r.float())],
        ["denormals among ones", Float32Array.from({ length: p.C * plane }, (_, i) => (i % 3 === 0 ? 1e-40 * r.float() : r.float()))],
        ["zeros beside 1e3", Float32Array.from({ length: p.C * plane }, (_, i) => ((i % W) < W / 2 ? 0 : 1e3 * r.float()))],
      ];
      const failures: string[] = [];
      for (const [label, x] of inputs) {
        const bad = runConv(p, x, w, b);
        if (bad) failures.push(`${p.name} ${label}: ${bad}`);
      }
      const base = uniform(r, p.C * plane);
      for (const [y, xx] of regionPositions(p)) {
        for (const special of [NaN, Infinity, -Infinity]) {
          const x = base.slice();
          x[(1 * H + y) * W + xx] = special;
          const bad = runConv(p, x, w, b);
          if (bad) failures.push(`${p.name}: ${special} at (${y}, ${xx}): ${bad}`);
        }
      }
      expect(failures.slice(0, 5)).toEqual([]);
    });
  }

  it("the sub-pixel transposed convolution (a 4x4 kernel, stride 2, padding 1, run as a Winograd convolution) with outliers", () => {
    const takesSubpixel = ([C, OC, H]: number[]) =>
      subpixelPlan(1, C, OC, 1, [1, H, H], [1, 2 * H, 2 * H], [1, 4, 4], [1, 2, 2], [0, 1, 1], [1, 1, 1]) !== null;
    const shape = [[16, 16, 16], [32, 16, 16], [32, 32, 16], [64, 32, 16]].find(takesSubpixel);
    expect(shape, "a shape that takes the sub-pixel form").toBeDefined();
    const [C, OC, H] = shape as number[];
    const W = H;
    const r = rng(77);
    const base = uniform(r, C * H * W);
    const w = uniform(r, C * OC * 16, 0.5);
    const b = uniform(r, OC, 0.5);
    const failures: string[] = [];
    // A 6x6 block of input positions: every position of a tile of the stacked convolution.
    for (let y = 4; y < 10; y++) {
      for (let xx = 4; xx < 10; xx++) {
        const x = base.slice();
        x[((y + xx) % C * H + y) * W + xx] = y % 2 ? -1e8 : 1e5;
        const bad = tidy(() => {
          const out = F.convTranspose2d(tensor(x, [1, C, H, W]), tensor(w, [C, OC, 4, 4]), tensor(b, [OC]), { stride: 2, padding: 1 });
          const ref = refConvTranspose(x, [1, C, H, W], w, [C, OC, 4, 4], b, { stride: [2, 2], padding: [1, 1], outputPadding: [0, 0], dilation: [1, 1], groups: 1 });
          return violation(out.toArray() as Float32Array, ref);
        });
        if (bad) failures.push(`outlier at (${y}, ${xx}): ${bad}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
