// Adaptive average and max pooling: output i along a dimension covers the input bin
// [floor(i*in/out), ceil((i+1)*in/out)), so bins vary in size and may overlap.
//
// Average and max without indices reduce the bin's rows column by column into a scratch
// row (reduceRows of pool_rows.ts, fast max with the exact max for rows with a NaN),
// then each output reduces its segment of that row. Max with indices scans every bin in
// PyTorch's order instead (first maximum in row-major bin order, or the last NaN).

import { PoolDesc } from "./abi";
import { hsum } from "./simd";
import { LANES } from "./thread_area";
import { EXACT_MAX, FAST_MAX, NEG_INF, SUM, at, combine, combine1, reduceRows, rowBytes, suspicious, takes } from "./pool_rows";

// The third mode of adaptiveBody next to SUM and FAST_MAX: max with indices.
const ARGMAX = 3;

// LANES (thread_area.ts): the argmax merge, 4 floats then 4 int32.

// Bin rows at least this wide are scanned four lanes at a time (and the lanes merged);
// narrower ones one element at a time.
const LANE_SCAN_MIN = 8;

@inline
function binStart(i: i32, n: i32, out: i32): i32 {
  return <i32>((<i64>i * n) / out);
}

@inline
function binEnd(i: i32, n: i32, out: i32): i32 {
  return <i32>((<i64>(i + 1) * n + out - 1) / out);
}

/** Scratch bytes adaptiveAvgPool3d_f32 and adaptiveMaxPool3d_f32 need for the call `desc` (a PoolDesc) describes. */
export function adaptivePoolScratchBytes(desc: usize): usize {
  const d = changetype<PoolDesc>(desc);
  return rowBytes(d.inW) + (<usize>(d.inD * d.inH + 4) << 2);
}

/** Offsets of the rows [d0, d1) x [h0, h1) at rows[1..]; returns their count. */
@inline
function binRows(rows: usize, d0: i32, d1: i32, h0: i32, h1: i32, iH: i32, iW: i32): i32 {
  let n = 0;
  for (let d = d0; d < d1; d++) {
    for (let h = h0; h < h1; h++) {
      n++;
      store<i32>(at(rows, n), (d * iH + h) * iW);
    }
  }
  return n;
}

/** Max (NaN-propagating) or sum of p[0, n). */
@inline
function reduceSegment(p: usize, n: i32, op: i32): f32 {
  let i = 0;
  let acc: f32 = op == SUM ? 0 : NEG_INF;
  if (n >= 8) {
    let v = v128.load(p);
    for (i = 4; i + 4 <= n; i += 4) v = combine(v, v128.load(at(p, i)), op);
    if (op == SUM) {
      acc = hsum(v);
    } else {
      const h = combine(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1), op);
      acc = f32x4.extract_lane(combine(h, v128.shuffle<f32>(h, h, 1, 0, 3, 2), op), 0);
    }
  }
  for (; i < n; i++) acc = combine1(acc, load<f32>(at(p, i)), op);
  return acc;
}

/** One output row of adaptive average (SUM) or max (FAST_MAX) pooling from the `nr` bin rows listed at `rows`. */
@inline
function binRow(o: usize, row: usize, src: usize, rows: usize, nr: i32, iW: i32, oW: i32, op: i32): void {
  if (op == SUM) {
    reduceRows(row, src, rows, nr, iW, SUM);
    for (let ow = 0; ow < oW; ow++) {
      const w0 = binStart(ow, iW, oW);
      const w1 = binEnd(ow, iW, oW);
      store<f32>(at(o, ow), reduceSegment(at(row, w0), w1 - w0, SUM) / <f32>(nr * (w1 - w0)));
    }
  } else if (!suspicious(reduceRows(row, src, rows, nr, iW, FAST_MAX))) {
    for (let ow = 0; ow < oW; ow++) {
      const w0 = binStart(ow, iW, oW);
      store<f32>(at(o, ow), reduceSegment(at(row, w0), binEnd(ow, iW, oW) - w0, FAST_MAX));
    }
  } else {
    // A NaN (or both infinities) in these rows: the exact max for the whole row.
    reduceRows(row, src, rows, nr, iW, EXACT_MAX);
    for (let ow = 0; ow < oW; ow++) {
      const w0 = binStart(ow, iW, oW);
      store<f32>(at(o, ow), reduceSegment(at(row, w0), binEnd(ow, iW, oW) - w0, EXACT_MAX));
    }
  }
}

/**
 * PyTorch's choice among src[w] for w in [w0, w0 + 4*floor((w1 - w0)/4)): the last NaN,
 * else the first maximum; -1 when every value is -inf. Lane l scans w0+l, w0+l+4, ...
 * keeping its own first maximum / last NaN; the lanes are then merged as a sequential
 * scan would pick.
 */
@inline
function laneArgmax(src: usize, w0: i32, w1: i32): i32 {
  let lv = f32x4.splat(NEG_INF);
  let li = i32x4.splat(0);
  let cand = i32x4.add(i32x4.splat(w0), i32x4(0, 1, 2, 3));
  const four = i32x4.splat(4);
  for (let w = w0; w + 4 <= w1; w += 4) {
    const v = v128.load(at(src, w));
    const take = takes(v, lv);
    lv = v128.bitselect(v, lv, take);
    li = v128.bitselect(cand, li, take);
    cand = i32x4.add(cand, four);
  }
  // The last NaN if any, else the largest value at its smallest position (lanes that
  // never took a value still hold -inf and are skipped).
  v128.store(LANES, lv);
  v128.store(LANES, li, 16);
  let nanAt = -1;
  let mv = NEG_INF;
  let mi = -1;
  for (let l = 0; l < 4; l++) {
    const v = load<f32>(at(LANES, l));
    const i = load<i32>(at(LANES, l + 4));
    if (v != v) {
      if (i > nanAt) nanAt = i;
    } else if (v > mv || (v == mv && v > NEG_INF && i < mi)) {
      mv = v;
      mi = i;
    }
  }
  return nanAt >= 0 ? nanAt : mi;
}

/** One output row of adaptive max pooling with indices: each bin scanned in PyTorch's order. */
@inline
function argmaxBinRow(o: usize, x: usize, src: usize, d0: i32, d1: i32, h0: i32, h1: i32, iH: i32, iW: i32, oW: i32): void {
  for (let ow = 0; ow < oW; ow++) {
    const w0 = binStart(ow, iW, oW);
    const w1 = binEnd(ow, iW, oW);
    // The running choice lives in lane 0 of vectors (a bit select, not a branch).
    let bestV = f32x4.splat(NEG_INF);
    let bestAtV = i32x4.splat((d0 * iH + h0) * iW + w0);
    for (let d = d0; d < d1; d++) {
      for (let h = h0; h < h1; h++) {
        const base = (d * iH + h) * iW;
        let w = w0;
        if (w1 - w0 >= LANE_SCAN_MIN) {
          const c = laneArgmax(src, base + w0, base + w1);
          if (c >= 0) {
            const v = v128.load32_splat(at(src, c));
            const take = takes(v, bestV);
            bestV = v128.bitselect(v, bestV, take);
            bestAtV = v128.bitselect(i32x4.splat(c), bestAtV, take);
          }
          w += (w1 - w0) & ~3;
        }
        for (; w < w1; w++) {
          const v = v128.load32_splat(at(src, base + w));
          const take = takes(v, bestV);
          bestV = v128.bitselect(v, bestV, take);
          bestAtV = v128.bitselect(i32x4.splat(base + w), bestAtV, take);
        }
      }
    }
    store<f32>(at(o, ow), f32x4.extract_lane(bestV, 0));
    store<i32>(at(x, ow), i32x4.extract_lane(bestAtV, 0));
  }
}

/** The loop over output rows of every adaptive kernel; `op` is SUM, FAST_MAX or ARGMAX. */
@inline
function adaptiveBody(out: usize, indices: usize, input: usize, scratch: usize, d: PoolDesc, op: i32): void {
  const planes = d.planes, iD = d.inD, iH = d.inH, iW = d.inW, oD = d.outD, oH = d.outH, oW = d.outW;
  const row = scratch;
  const rows = scratch + rowBytes(iW);
  const plane = iD * iH * iW;
  let o = out;
  let x = indices;
  for (let p = 0; p < planes; p++) {
    const src = input + (<usize>p * <usize>plane << 2);
    for (let od = 0; od < oD; od++) {
      const d0 = binStart(od, iD, oD);
      const d1 = binEnd(od, iD, oD);
      for (let oh = 0; oh < oH; oh++) {
        const h0 = binStart(oh, iH, oH);
        const h1 = binEnd(oh, iH, oH);
        if (op == ARGMAX) {
          argmaxBinRow(o, x, src, d0, d1, h0, h1, iH, iW, oW);
          x = at(x, oW);
        } else {
          binRow(o, row, src, rows, binRows(rows, d0, d1, h0, h1, iH, iW), iW, oW, op);
        }
        o = at(o, oW);
      }
    }
  }
}

/**
 * Adaptive average pooling: output (od, oh, ow) averages the bin
 * [floor(i*in/out), ceil((i+1)*in/out)) along each dimension. desc: a PoolDesc, of
 * which planes and the in and out sizes are read.
 * REQUIRES: all sizes >= 1; scratch of adaptivePoolScratchBytes(desc).
 */
export function adaptiveAvgPool3d_f32(out: usize, input: usize, scratch: usize, desc: usize): void {
  adaptiveBody(out, 0, input, scratch, changetype<PoolDesc>(desc), SUM);
}

/**
 * Adaptive max pooling without indices (bins as adaptiveAvgPool3d_f32; NaN wins).
 * REQUIRES: as adaptiveAvgPool3d_f32.
 */
export function adaptiveMaxPool3d_f32(out: usize, input: usize, scratch: usize, desc: usize): void {
  adaptiveBody(out, 0, input, scratch, changetype<PoolDesc>(desc), FAST_MAX);
}

/**
 * Adaptive max pooling with indices: flat positions within each input plane, chosen as
 * PyTorch does (first maximum in row-major bin order, or the last NaN; a bin of -inf
 * points at its first element). Each bin row is scanned four lanes at a time when wide;
 * lanes keep the same rule, and are merged so the result is the sequential one.
 * REQUIRES: all sizes >= 1 (desc as adaptiveAvgPool3d_f32); no scratch.
 */
export function adaptiveMaxPool3dWithIndices_f32(out: usize, indices: usize, input: usize, desc: usize): void {
  adaptiveBody(out, indices, input, 0, changetype<PoolDesc>(desc), ARGMAX);
}
