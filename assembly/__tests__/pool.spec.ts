import { PoolDesc } from "../abi";
import {
  maxPool3d_f32, maxPool3dWithIndices_f32, avgPool3d_f32, lpPool3d_f32,
  adaptiveAvgPool3d_f32, adaptiveMaxPool3d_f32, adaptiveMaxPool3dWithIndices_f32,
  poolScratchBytes, adaptivePoolScratchBytes,
} from "../pool";
import { maxUnpool3d_f32 } from "../unpool";
import { maxPool3d_ref, avgPool3d_ref, lpPool3d_ref, adaptivePool3d_ref, maxUnpool3d_ref } from "../reference/pool";
import { allClose, buffer, freeAll, LENGTHS, poolDesc, tricky } from "./helpers";

function ramp(i: i32): f32 { return <f32>((i * 37) % 23) * 0.25 - 2.0; }
function allNegative(i: i32): f32 { return -1.0 - <f32>((i * 13) % 17); }
function positive(i: i32): f32 { return 0.1 + <f32>((i * 29) % 31) * 0.05; }
function ties(i: i32): f32 { return <f32>((i * 7) % 3); }

/** PyTorch's pooling output size, ceil mode included. */
function outSize(n: i32, k: i32, s: i32, p: i32, d: i32, ceil: bool): i32 {
  const span = n + 2 * p - d * (k - 1) - 1;
  if (span < 0) return 0;
  let o = (ceil ? (span + s - 1) / s : span / s) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

/** Same value: NaN equals NaN, -0 equals +0 (pmax may keep either zero of a tie). */
function sameValues(a: usize, b: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    const x = load<f32>(a + (<usize>i << 2));
    const y = load<f32>(b + (<usize>i << 2));
    if (!(x == y || (isNaN(x) && isNaN(y)))) return false;
  }
  return true;
}

function sameInts(a: usize, b: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    if (load<i32>(a + (<usize>i << 2)) != load<i32>(b + (<usize>i << 2))) return false;
  }
  return true;
}

// Window settings along W (and H): kernel, stride, padding, dilation.
const K: i32[] = [1, 2, 2, 3, 3, 3, 2, 3, 4, 3, 2, 4, 3];
const S: i32[] = [1, 2, 2, 2, 2, 1, 1, 3, 2, 2, 3, 4, 2];
const P: i32[] = [0, 0, 1, 1, 0, 1, 0, 1, 2, 1, 1, 0, 1];
const D: i32[] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 1, 1];
const HEIGHTS: i32[] = [1, 2, 5, 8];

function valuesOf(kind: i32): (i: i32) => f32 {
  if (kind == 0) return tricky;
  if (kind == 1) return allNegative;
  if (kind == 2) return ties;
  return ramp;
}

/** Window config c of K/S/P/D over H and W of planes x iH x iW, output sizes as PyTorch; outW or outH may be < 1. */
function window2d(planes: i32, iH: i32, iW: i32, c: i32, ceil: bool): PoolDesc {
  const k = K[c], s = S[c], p = P[c], d = D[c];
  return poolDesc(planes, [1, iH, iW], [1, outSize(iH, k, s, p, d, ceil), outSize(iW, k, s, p, d, ceil)], [1, k, k], [1, s, s], [0, p, p], [1, d, d]);
}

function inputSize(d: PoolDesc): i32 { return d.planes * d.inD * d.inH * d.inW; }
function outputSize(d: PoolDesc): i32 { return d.planes * d.outD * d.outH * d.outW; }

/** Both max kernels against the twin: values, and indices exactly. */
function checkMax(d: PoolDesc, values: (i: i32) => f32, label: string): void {
  const m = outputSize(d);
  const desc = changetype<usize>(d);
  const input = buffer(inputSize(d), values);
  const out = buffer(m, ramp), idx = buffer(m, ramp), ref = buffer(m, ramp), refIdx = buffer(m, ramp);
  const scratch = heap.alloc(poolScratchBytes(desc));
  maxPool3d_ref(ref, refIdx, input, desc);
  maxPool3d_f32(out, input, scratch, desc);
  expect(sameValues(out, ref, m)).toBe(true, "values " + label);
  maxPool3dWithIndices_f32(out, idx, input, scratch, desc);
  expect(sameValues(out, ref, m)).toBe(true, "values with indices " + label);
  expect(sameInts(idx, refIdx, m)).toBe(true, "indices " + label);
  freeAll([scratch, input, out, idx, ref, refIdx]);
}

/** avgPool3d_f32 (lp false) or lpPool3d_f32 against the twin. */
function checkAverage(d: PoolDesc, values: (i: i32) => f32, lp: bool, label: string): void {
  const m = outputSize(d);
  const desc = changetype<usize>(d);
  const input = buffer(inputSize(d), values);
  const out = buffer(m, ramp), ref = buffer(m, ramp);
  const scratch = heap.alloc(poolScratchBytes(desc));
  if (lp) {
    lpPool3d_ref(ref, input, desc);
    lpPool3d_f32(out, input, scratch, desc);
  } else {
    avgPool3d_ref(ref, input, desc);
    avgPool3d_f32(out, input, scratch, desc);
  }
  expect(allClose(out, ref, m, 1e-5, 1e-5)).toBe(true, label);
  freeAll([scratch, input, out, ref]);
}

describe("maxPool3d_f32 and maxPool3dWithIndices_f32", () => {
  it("match the scalar twin on widths around the vector width, every window shape, NaN and infinities", () => {
    let checked = 0;
    for (let wi = 0; wi < LENGTHS.length; wi++) {
      for (let c = 0; c < K.length; c++) {
        for (let hi = 0; hi < HEIGHTS.length; hi++) {
          for (let ceil = 0; ceil < 2; ceil++) {
            for (let kind = 0; kind < 4; kind++) {
              const d = window2d(1 + (kind & 1), HEIGHTS[hi], LENGTHS[wi], c, ceil == 1);
              if (d.outW >= 1 && d.outH >= 1) {
                const label = "iW=" + d.inW.toString() + " iH=" + d.inH.toString() + " config " + c.toString() + " ceil " + ceil.toString() + " kind " + kind.toString();
                checkMax(d, valuesOf(kind), label);
                checked++;
              }
              heap.free(changetype<usize>(d));
            }
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("match the twin in 3-D with a window in every dimension", () => {
    const iD = 4, iH = 5, iW = 19, k = 3, s = 2, p = 1;
    const out3 = [outSize(iD, k, s, p, 1, true), outSize(iH, k, s, p, 1, true), outSize(iW, k, s, p, 1, true)];
    const d = poolDesc(3, [iD, iH, iW], out3, [k, k, k], [s, s, s], [p, p, p], [1, 1, 1]);
    checkMax(d, tricky, "3-D");
    heap.free(changetype<usize>(d));
  });
});

describe("avgPool3d_f32 and lpPool3d_f32", () => {
  it("match the scalar twin (countIncludePad both ways, divisorOverride, ceil mode)", () => {
    for (let wi = 0; wi < LENGTHS.length; wi++) {
      for (let c = 0; c < K.length; c++) {
        if (D[c] != 1) continue;
        for (let hi = 0; hi < HEIGHTS.length; hi++) {
          for (let mode = 0; mode < 6; mode++) {
            const d = window2d(2, HEIGHTS[hi], LENGTHS[wi], c, mode >= 3);
            d.countIncludePad = mode % 3 == 0 ? 1 : 0;
            d.divisorOverride = mode % 3 == 2 ? 3 : 0;
            if (d.outW >= 1 && d.outH >= 1) {
              const label = "avg iW=" + d.inW.toString() + " iH=" + d.inH.toString() + " config " + c.toString() + " mode " + mode.toString();
              checkAverage(d, mode == 1 ? tricky : ramp, false, label);
            }
            heap.free(changetype<usize>(d));
          }
        }
      }
    }
  });

  it("LPPool matches the twin for p = 1, 2, 3 and 1.5", () => {
    const norms: f32[] = [1, 2, 3, 1.5];
    for (let wi = 0; wi < LENGTHS.length; wi++) {
      for (let c = 0; c < K.length; c++) {
        if (D[c] != 1) continue;
        for (let q = 0; q < norms.length; q++) {
          const k = K[c], s = S[c], iH = 5, iW = LENGTHS[wi];
          const ceil = (c & 1) == 1;
          const d = poolDesc(1, [1, iH, iW], [1, outSize(iH, k, s, 0, 1, ceil), outSize(iW, k, s, 0, 1, ceil)], [1, k, k], [1, s, s], [0, 0, 0], [1, 1, 1]);
          d.normType = norms[q];
          if (d.outW >= 1 && d.outH >= 1) checkAverage(d, positive, true, "lp iW=" + iW.toString() + " config " + c.toString() + " p index " + q.toString());
          heap.free(changetype<usize>(d));
        }
      }
    }
  });
});

describe("adaptive pooling", () => {
  it("matches the twin for output sizes below, at and above the input size", () => {
    for (let wi = 0; wi < LENGTHS.length; wi++) {
      const iW = LENGTHS[wi];
      for (let oW = 1; oW <= iW + 3; oW += 1 + iW / 5) {
        for (let kind = 0; kind < 3; kind++) {
          const d = poolDesc(2, [2, 3, iW], [2, 2, oW], [1, 1, 1], [1, 1, 1], [0, 0, 0], [1, 1, 1]);
          const desc = changetype<usize>(d);
          const m = outputSize(d);
          const input = buffer(inputSize(d), valuesOf(kind));
          const out = buffer(m, ramp), idx = buffer(m, ramp), ref = buffer(m, ramp), refIdx = buffer(m, ramp);
          const scratch = heap.alloc(adaptivePoolScratchBytes(desc));
          const label = "iW=" + iW.toString() + " oW=" + oW.toString() + " kind " + kind.toString();
          adaptivePool3d_ref(ref, refIdx, input, desc, true);
          adaptiveMaxPool3d_f32(out, input, scratch, desc);
          expect(sameValues(out, ref, m)).toBe(true, "max " + label);
          adaptiveMaxPool3dWithIndices_f32(out, idx, input, desc);
          expect(sameValues(out, ref, m)).toBe(true, "max with indices " + label);
          expect(sameInts(idx, refIdx, m)).toBe(true, "indices " + label);
          adaptivePool3d_ref(ref, 0, input, desc, false);
          adaptiveAvgPool3d_f32(out, input, scratch, desc);
          expect(allClose(out, ref, m, 1e-5, 1e-5)).toBe(true, "avg " + label);
          freeAll([scratch, input, out, idx, ref, refIdx, desc]);
        }
      }
    }
  });
});

describe("maxUnpool3d_f32", () => {
  it("scatters like the twin, duplicates keeping the last write, on plane sizes around the vector width", () => {
    for (let li = 0; li < LENGTHS.length; li++) {
      const inPlane = LENGTHS[li];
      const outPlane = inPlane * 2 + 1;
      const planes = 3;
      const input = buffer(planes * inPlane, tricky);
      const indices = heap.alloc(<usize>(planes * inPlane) << 2);
      for (let i = 0; i < planes * inPlane; i++) store<i32>(indices + (<usize>i << 2), (i * 7 + (i >> 2)) % outPlane);
      const out = buffer(planes * outPlane, ramp), ref = buffer(planes * outPlane, ramp);
      expect(maxUnpool3d_f32(out, input, indices, planes, inPlane, outPlane)).toBe(-1);
      expect(maxUnpool3d_ref(ref, input, indices, planes, inPlane, outPlane)).toBe(-1);
      expect(sameValues(out, ref, planes * outPlane)).toBe(true);
      freeAll([input, indices, out, ref]);
    }
  });

  it("reports the first index outside the plane and writes nothing", () => {
    for (let li = 0; li < LENGTHS.length; li++) {
      const inPlane = LENGTHS[li];
      const outPlane = inPlane + 2;
      const planes = 2;
      const total = planes * inPlane;
      const input = buffer(total, ramp);
      const indices = heap.alloc(<usize>total << 2);
      for (let i = 0; i < total; i++) store<i32>(indices + (<usize>i << 2), i % outPlane);
      const bad = total - 1 - (total / 3);
      store<i32>(indices + (<usize>bad << 2), bad % 2 == 0 ? outPlane : -3);
      const out = buffer(planes * outPlane, ramp), untouched = buffer(planes * outPlane, ramp);
      expect(maxUnpool3d_f32(out, input, indices, planes, inPlane, outPlane)).toBe(bad);
      expect(sameValues(out, untouched, planes * outPlane)).toBe(true);
      freeAll([input, indices, out, untouched]);
    }
  });
});
