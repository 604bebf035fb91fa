import { ConvDesc } from "../abi";
import { conv_f32, convScratchBytes } from "../conv";
import { winograd, winogradScratchBytes, winogradChunkTiles, WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3, WINOGRAD_4_5 } from "../winograd";
import { conv_f32_ref } from "../reference/conv";
import { winograd_f32_ref } from "../reference/winograd";
import { buffer, closeScaled, convDesc, tricky, wave, wave2 } from "./helpers";

/**
 * Variant v on [N,C,H,W] -> OC channels with padding (top, left, bottom, right) and groups:
 * the kernel against its scalar twin (same algorithm, tight tolerance) and against the
 * direct reference (the tests' tolerance for sums of products).
 */
function check(v: i32, N: i32, C: i32, H: i32, W: i32, OC: i32, pt: i32, pl: i32, pb: i32, pr: i32,
               groups: i32, mode: i32, withBias: bool = true): bool {
  const KH = v == WINOGRAD_4_5 ? 1 : 3, KW = v == WINOGRAD_4_5 ? 5 : 3;
  const OH = H + pt + pb - KH + 1, OW = W + pl + pr - KW + 1;
  const desc = convDesc([N, C, 1, H, W, OC, 1, OH, OW, 1, KH, KW, 1, 1, 1, 0, pt, pl, 0, pb, pr, 1, 1, 1, groups, mode]);
  const icg = C / groups;
  const outN = N * OC * OH * OW;
  const x = buffer(N * C * H * W, wave);
  const w = buffer(OC * icg * KH * KW, wave2);
  const bias = withBias ? buffer(OC, wave) : 0;
  const y = buffer(outN, wave);
  const t = buffer(outN, wave);
  const r = buffer(outN, wave);
  const scratch = heap.alloc(<usize>winogradScratchBytes(v, N, icg, OH, OW));
  winograd(y, x, w, 0, bias, changetype<ConvDesc>(desc), v, scratch);
  const twinFinite = winograd_f32_ref(t, x, w, bias, v, desc);
  conv_f32_ref(r, x, w, bias, desc);
  const scale = <f32>(icg * KH * KW) * 1.5;
  const ok = twinFinite && closeScaled(y, t, outN, scale, 2e-6) && closeScaled(y, r, outN, scale, 1e-5);
  heap.free(x); heap.free(w); if (withBias) heap.free(bias); heap.free(y); heap.free(t); heap.free(r); heap.free(scratch); heap.free(desc);
  return ok;
}

/** Variant v on an input with NaN and infinities: the kernel recomputes those tiles directly, and both it and conv_f32 match the direct reference. */
function nonFinite(v: i32, C: i32, H: i32, W: i32, OC: i32): bool {
  const KH = v == WINOGRAD_4_5 ? 1 : 3, KW = v == WINOGRAD_4_5 ? 5 : 3;
  const ph = KH / 2, pw = KW / 2;
  const desc = convDesc([1, C, 1, H, W, OC, 1, H, W, 1, KH, KW, 1, 1, 1, 0, ph, pw, 0, ph, pw, 1, 1, 1, 1, 0]);
  const n = C * H * W;
  const x = buffer(n, wave);
  // A few non-finite values among ordinary ones.
  for (let i = 0; i < n; i += 37) store<f32>(x + (<usize>i << 2), tricky(i % 3));
  const w = buffer(OC * C * KH * KW, wave2);
  const bias = buffer(OC, wave);
  const y = buffer(OC * H * W, wave);
  const r = buffer(OC * H * W, wave);
  const scratch = heap.alloc(<usize>max(winogradScratchBytes(v, 1, C, H, W), convScratchBytes(desc)));
  conv_f32_ref(r, x, w, bias, desc);
  const scale = <f32>(C * KH * KW) * 1.5;
  winograd(y, x, w, 0, bias, changetype<ConvDesc>(desc), v, scratch);
  let ok = closeScaled(y, r, OC * H * W, scale, 1e-5);
  conv_f32(y, x, w, bias, scratch, desc);
  ok = ok && closeScaled(y, r, OC * H * W, scale, 1e-5);
  heap.free(x); heap.free(w); heap.free(bias); heap.free(y); heap.free(r); heap.free(scratch); heap.free(desc);
  return ok;
}

const VARIANTS: i32[] = [WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3];

describe("winograd (3x3)", () => {
  it("output sizes around whole tiles (partial right and bottom tiles)", () => {
    for (let i = 0; i < VARIANTS.length; i++) {
      const v = VARIANTS[i];
      for (let s = 1; s <= 10; s++) {
        expect(check(v, 1, 4, s, s + 3, 6, 1, 1, 1, 1, 1, 0)).toBe(true);
        expect(check(v, 1, 3, s + 2, s + 2, 5, 0, 0, 0, 0, 1, 0)).toBe(true);
      }
    }
  });

  it("output channels around the 5-row panels, input channels around multiples of 4", () => {
    for (let i = 0; i < VARIANTS.length; i++) {
      const v = VARIANTS[i];
      for (let oc = 1; oc <= 11; oc++) expect(check(v, 1, 3, 7, 9, oc, 1, 1, 1, 1, 1, 0)).toBe(true);
      for (let ic = 1; ic <= 9; ic++) expect(check(v, 1, ic, 6, 6, 5, 1, 1, 1, 1, 1, 0)).toBe(true);
    }
  });

  it("padding 0, 1, 2, asymmetric, every padding mode, groups, batch, no bias", () => {
    for (let i = 0; i < VARIANTS.length; i++) {
      const v = VARIANTS[i];
      expect(check(v, 1, 5, 9, 11, 7, 2, 2, 2, 2, 1, 0)).toBe(true);
      expect(check(v, 1, 5, 9, 11, 7, 0, 1, 2, 0, 1, 0)).toBe(true);
      for (let mode = 1; mode < 4; mode++) expect(check(v, 1, 6, 8, 7, 5, 1, 2, 1, 2, 1, mode)).toBe(true);
      expect(check(v, 2, 12, 9, 10, 10, 1, 1, 1, 1, 2, 0)).toBe(true);
      expect(check(v, 2, 9, 5, 13, 6, 1, 1, 1, 1, 3, 1, false)).toBe(true);
    }
  });

  it("several chunks of tiles", () => {
    // 64 input channels: a chunk holds about a hundred 6x6 tiles, or two hundred 4x4 ones.
    expect(winogradChunkTiles(WINOGRAD_4X4_3X3, 64, 121)).toBeLessThan(121);
    expect(check(WINOGRAD_4X4_3X3, 1, 64, 44, 43, 6, 1, 1, 1, 1, 1, 0)).toBe(true);
    expect(winogradChunkTiles(WINOGRAD_2X2_3X3, 64, 400)).toBeLessThan(400);
    expect(check(WINOGRAD_2X2_3X3, 1, 64, 40, 39, 6, 1, 1, 1, 1, 1, 0)).toBe(true);
  });

  it("samples share chunks: small images in one chunk, a chunk boundary inside a sample", () => {
    expect(check(WINOGRAD_4X4_3X3, 5, 3, 5, 6, 7, 1, 1, 1, 1, 1, 0)).toBe(true);
    expect(check(WINOGRAD_2X2_3X3, 7, 4, 3, 2, 6, 1, 1, 1, 1, 2, 1)).toBe(true);
    // 15 tiles per sample, 48 per chunk: the first chunk ends inside the fourth sample.
    expect(winogradChunkTiles(WINOGRAD_4X4_3X3, 64, 6 * 15)).toBe(48);
    expect(check(WINOGRAD_4X4_3X3, 6, 64, 9, 17, 6, 1, 1, 1, 1, 1, 2)).toBe(true);
  });

  it("reports NaN and infinities; conv_f32 then matches the direct reference", () => {
    expect(nonFinite(WINOGRAD_2X2_3X3, 8, 9, 10, 6)).toBe(true);
    expect(nonFinite(WINOGRAD_4X4_3X3, 8, 9, 10, 6)).toBe(true);
  });
});

describe("winograd F(4, 5) (1-D)", () => {
  it("lengths around whole tiles, channels around panels and vectors", () => {
    for (let s = 1; s <= 13; s++) expect(check(WINOGRAD_4_5, 1, 3, 1, s, 6, 0, 2, 0, 2, 1, 0)).toBe(true);
    for (let oc = 1; oc <= 11; oc++) expect(check(WINOGRAD_4_5, 1, 5, 1, 21, oc, 0, 2, 0, 2, 1, 0)).toBe(true);
    for (let ic = 1; ic <= 9; ic++) expect(check(WINOGRAD_4_5, 1, ic, 1, 22, 5, 0, 2, 0, 2, 1, 0)).toBe(true);
  });

  it("padding, modes, groups, batch, rows of a 2-D input, several chunks", () => {
    expect(check(WINOGRAD_4_5, 1, 4, 1, 30, 4, 0, 0, 0, 0, 1, 0)).toBe(true);
    expect(check(WINOGRAD_4_5, 1, 4, 1, 30, 4, 0, 4, 0, 1, 1, 0)).toBe(true);
    for (let mode = 1; mode < 4; mode++) expect(check(WINOGRAD_4_5, 2, 6, 1, 17, 6, 0, 3, 0, 3, 2, mode)).toBe(true);
    expect(check(WINOGRAD_4_5, 2, 6, 4, 19, 9, 0, 2, 0, 2, 3, 0, false)).toBe(true);
    expect(check(WINOGRAD_4_5, 1, 3, 5, 9, 5, 2, 2, 1, 2, 1, 2)).toBe(true);
    expect(winogradChunkTiles(WINOGRAD_4_5, 64, 1000)).toBeLessThan(1000);
    expect(check(WINOGRAD_4_5, 1, 64, 1, 4001, 6, 0, 2, 0, 2, 1, 0)).toBe(true);
    expect(check(WINOGRAD_4_5, 9, 5, 1, 7, 4, 0, 2, 0, 2, 1, 0)).toBe(true);
  });

  it("reports NaN and infinities; conv_f32 then matches the direct reference", () => {
    expect(nonFinite(WINOGRAD_4_5, 8, 1, 40, 6)).toBe(true);
  });
});
