import { INTERP_NEAREST, INTERP_NEAREST_EXACT, INTERP_LINEAR, INTERP_CUBIC } from "../abi";
import { interpolate_f32, interpolateScratchBytes } from "../interpolate";
import { interpolate_f32_ref } from "../reference/interpolate";
import { buffer, freeAll, GUARD, i32Desc, tricky, wave } from "./helpers";

/** Same bits element by element, except that any NaN equals any NaN (vector and scalar code may pick different NaN payloads). */
function sameValues(a: usize, b: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    const x = load<f32>(a + (<usize>i << 2));
    const y = load<f32>(b + (<usize>i << 2));
    if (isNaN(x) && isNaN(y)) continue;
    if (load<u32>(a + (<usize>i << 2)) != load<u32>(b + (<usize>i << 2))) return false;
  }
  return true;
}

// Widths around the vector width and the swizzle path's limits (inputs >= 4, groups of 4).
const IN_W: i32[] = [1, 2, 3, 4, 5, 7, 9, 16];
const OUT_W: i32[] = [1, 3, 4, 5, 8, 11, 17, 33];

/** Runs kernel and twin on one geometry; true when the outputs agree bit for bit and the guard after the output is intact. */
function agree(mode: i32, dims: i32, planes: i32, inS: i32[], outS: i32[], align: i32, shortcuts: i32, scales: f64[], values: (i: i32) => f32): bool {
  const desc = i32Desc([planes, inS[0], inS[1], inS[2], outS[0], outS[1], outS[2], mode, align, dims, shortcuts]);
  const nIn = planes * inS[0] * inS[1] * inS[2];
  const nOut = planes * outS[0] * outS[1] * outS[2];
  const x = buffer(nIn, values);
  const y = buffer(nOut + 4, (i: i32): f32 => GUARD);
  const r = buffer(nOut, (i: i32): f32 => 0);
  const bytes = <usize>interpolateScratchBytes(desc);
  const s1 = heap.alloc(bytes);
  const s2 = heap.alloc(bytes);
  interpolate_f32(y, x, s1, scales[0], scales[1], scales[2], desc);
  interpolate_f32_ref(r, x, s2, scales[0], scales[1], scales[2], desc);
  let ok = sameValues(y, r, nOut);
  for (let i = 0; i < 4; i++) if (load<f32>(y + (<usize>(nOut + i) << 2)) != GUARD) ok = false;
  freeAll([desc, x, y, r, s1, s2]);
  return ok;
}

describe("interpolate_f32 vs its scalar twin", () => {
  it("nearest and nearest-exact along W at every width pair, with and without shortcuts", () => {
    for (let a = 0; a < IN_W.length; a++) {
      for (let b = 0; b < OUT_W.length; b++) {
        for (let m = 0; m < 2; m++) {
          const mode = m == 0 ? INTERP_NEAREST : INTERP_NEAREST_EXACT;
          expect(agree(mode, 2, 2, [1, 3, IN_W[a]], [1, 5, OUT_W[b]], 0, 1, [0, 0, 0], tricky)).toBe(true);
          expect(agree(mode, 1, 3, [1, 1, IN_W[a]], [1, 1, OUT_W[b]], 0, 0, [0, 0, 1.7], tricky)).toBe(true);
        }
      }
    }
  });

  it("linear and bicubic rows: SIMD groups, scalar groups and tails", () => {
    for (let a = 0; a < IN_W.length; a++) {
      for (let b = 0; b < OUT_W.length; b++) {
        for (let al = 0; al < 2; al++) {
          expect(agree(INTERP_LINEAR, 1, 2, [1, 1, IN_W[a]], [1, 1, OUT_W[b]], al, 0, [0, 0, 0], tricky)).toBe(true);
          expect(agree(INTERP_LINEAR, 2, 2, [1, 4, IN_W[a]], [1, 7, OUT_W[b]], al, 0, [0, 0, 0], wave)).toBe(true);
          expect(agree(INTERP_CUBIC, 2, 1, [1, 3, IN_W[a]], [1, 6, OUT_W[b]], al, 0, [0, 0, 0], wave)).toBe(true);
          expect(agree(INTERP_CUBIC, 2, 1, [1, 3, IN_W[a]], [1, 6, OUT_W[b]], al, 0, [0, 0, 0], tricky)).toBe(true);
        }
      }
    }
  });

  it("scale factors passed on, up and down, and trilinear", () => {
    expect(agree(INTERP_LINEAR, 2, 3, [1, 5, 9], [1, 10, 18], 0, 0, [0, 2, 2], wave)).toBe(true);
    expect(agree(INTERP_LINEAR, 2, 1, [1, 12, 16], [1, 5, 6], 0, 0, [0, 0.45, 0.4], tricky)).toBe(true);
    expect(agree(INTERP_CUBIC, 2, 2, [1, 6, 8], [1, 13, 19], 0, 0, [0, 2.2, 2.4], wave)).toBe(true);
    expect(agree(INTERP_LINEAR, 3, 2, [3, 4, 5], [6, 8, 10], 0, 0, [2, 2, 2], tricky)).toBe(true);
    expect(agree(INTERP_LINEAR, 3, 1, [4, 5, 9], [2, 7, 4], 1, 0, [0, 0, 0], wave)).toBe(true);
    expect(agree(INTERP_NEAREST, 3, 2, [3, 4, 5], [7, 2, 11], 0, 0, [0, 0, 0], tricky)).toBe(true);
  });
});
