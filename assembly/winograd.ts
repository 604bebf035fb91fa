// Winograd convolution for stride-1, dilation-1 2-D convolutions (conv_plan.ts decides when
// it pays): F(2x2, 3x3) and F(4x4, 3x3) for 3x3 kernels, and the one-dimensional F(4, 5) for
// 1x5 kernels (conv1d with kernel 5, run along every row).
//
// An output tile of mh x mw comes from an input tile d of (mh + kh - 1) x (mw + kw - 1) as
//   Y = A^T [ sum_ic (G g G^T) .* (B^T d B) ] A
// so the sum over input channels becomes one GEMM per tile position (P of them: 16, 36, 8),
// [OC x IC] x [IC x tiles]. Multiplications per output and channel pair: 4 for F(2x2, 3x3),
// 2.25 for F(4x4, 3x3) (9 directly) and 2 for F(4, 5) (5 directly).
//
// Per group, with the tiles of all samples numbered together:
//   1. tiles are taken in chunks whose transformed input fits in a quarter of L2; the
//      samples a chunk touches are padded into scratch (any padding mode) and extended with
//      zeros to whole tiles, so every tile reads a full window without bounds checks;
//   2. for each chunk, V = B^T d B of every tile and channel goes straight into the GEMM's
//      B panels [position][tile panel][ic][8] (SIMD across four tiles);
//   3. for each panel of 5 output channels: U = G g G^T into the A panel (SIMD across four
//      channel pairs; redone per chunk, where it costs a few % of the GEMM); then for each
//      panel of 8 tiles, one 5x8 micro-kernel pass per position into M [5][position][8],
//      and Y = A^T M A + bias for those 5 x 8 tiles while M is still in L1, written into
//      the output (tiles past the right and bottom edges store only their valid part).
//
// Winograd mixes every input of a tile into every output of it, so a NaN or an infinity
// would spread further than in a direct convolution: the output transforms watch for
// non-finite results (FINITE), and a chunk that had one is recomputed tile by tile with the
// direct method of the accuracy guard, whose result matches PyTorch's (non-finite inputs
// are rare).
//
// Threads (parts.ts) share the tiles in whole tile rows, each thread padding, transforming,
// multiplying and clamping only its own rows of each output plane; or, when there are
// few tile rows (a small image), the panels of output channels: each thread transforms
// every tile but reads and writes only its channels (and their share of the weights).
//
// Accuracy (float32 against float64, on the golden fixtures and on random layers of 3 to
// 512 channels): the worst error was 1% of the tolerance the tests use (1e-5 x the largest
// sum of |terms| + 1e-4 x |y|) for F(2x2, 3x3), 4% for F(4, 5) and 19% for F(4x4, 3x3),
// whose transforms have larger coefficients.
//
// This file is the driver; the transforms are in winograd_3x3.ts and winograd_1d.ts.
//
// Arguments: a ConvDesc (abi.ts) with depth 1. Layouts: input [N,C,H,W],
// weight [OC, C/groups, kh, kw], bias [OC] or 0, out [N,OC,OH,OW].
// REQUIRES: OH = H + ph0 + ph1 - kh + 1 >= 1, OW = W + pw0 + pw1 - kw + 1 >= 1; C and OC
//   divisible by groups; reflect padding < size, circular padding <= size; scratch holds
//   winogradScratchBytes(v, N, C / groups, OH, OW) bytes.


import { ConvDesc } from "./abi";
import { FINITE, LAYOUT, LAYOUT_BYTES } from "./thread_area";
import { partCount, partEnd, partStart } from "./parts";
import { map } from "./map";
import { Clamp } from "./clamp";
import { align16, fillF32 } from "./buffers";
import { padPlanesTo } from "./conv_pad";
import { microSplit, MR, NR } from "./gemm";
import { chunkSamples, SKEW, winogradChunkTiles } from "./winograd_size";
import { inputTile2, inputTile4, outputTiles2, outputTiles4, weightTile } from "./winograd_3x3";
import { channelWeightMax, directTile, magnitudeMap, tileIsAccurate } from "./winograd_guard";
import { inputTile45, outputTiles45, weightTile45 } from "./winograd_1d";
import {
  gather, hi, hi2, lo, lo2, kernelCols, kernelRows, winogradPositions, ZEROS, winogradTileCols, winogradTileRows,
  WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3, WINOGRAD_4_5,
} from "./winograd_common";

export {
  winogradPositions, winogradTileCols, winogradTileRows,
  WINOGRAD_NONE, WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3, WINOGRAD_4_5,
} from "./winograd_common";
export { winogradChunkTiles, winogradScratchBytes } from "./winograd_size";

/** The geometry and scratch layout of one winograd() call (kept in LAYOUT during the call). */
@unmanaged class Layout {
  v: i32; P: i32; mh: i32; mw: i32; taps: i32;
  icg: i32; ocg: i32; TX: i32; T: i32; TT: i32; Hq: i32; Wq: i32; tb: i32; panels: i32;
  /** This thread's tiles: [tileStart, tileEnd) of the TT tiles, in whole tile rows. */
  tileStart: i32; tileEnd: i32;
  /** This thread's output channels of each group: [ocStart, ocEnd), in whole panels of MR. */
  ocStart: i32; ocEnd: i32;
  /** Tile panels of the chunk being computed: the last chunk of a share may fill fewer than `panels`. */
  live: i32;
  /** A chunk's tiles, all rows and columns valid: (mh << 8) | mw. */
  whole: i32;
  /** Bytes between positions in V, in U (channels 0-3) and in U (channel 4). */
  posBytes: usize; uStep: usize; u4Step: usize;
  /** Bytes of one padded input plane [Hq][Wq]. */
  planeBytes: usize;
  padBuf: usize; sBuf: usize; wBuf: usize; vBuf: usize; uBuf: usize; u4Buf: usize; mBuf: usize; tmp: usize;
  /** Per tile of the chunk: input offset (floats, in padBuf), output offset, valid rows << 8 | columns. */
  inOff: usize; outOff: usize; valid: usize;
}
// The layout lives in this thread's LAYOUT area (thread_area.ts), which must hold it.
if (offsetof<Layout>() > LAYOUT_BYTES) ERROR("winograd: Layout outgrew LAYOUT_BYTES");

/** The convolution `d` by variant `v` (see the header): this thread's tile rows, clamped to [clampMin, clampMax]. */
export function winograd(out: usize, input: usize, weight: usize, packed: usize, bias: usize, d: ConvDesc, v: i32, scratch: usize): void {
  const L = plan(d, v, scratch);
  if (L.tileStart >= L.tileEnd || L.ocStart >= L.ocEnd) return;
  const N = d.batch, C = d.inC, H = d.inH, W = d.inW;
  const icg = L.icg, T = L.T, tb = L.tb, tileEnd = L.tileEnd;
  const slots = chunkSamples(tb, T, N);
  const plane = L.Hq * L.Wq;
  const groupBytes = packedGroupBytes(L);
  for (let g = 0; g < d.groups; g++) {
    // Prepared weights (winogradPack) hold each group's channel maxima, then its U panels.
    const wmax = packed != 0 ? packed + <usize>g * groupBytes : L.wBuf;
    const panels = packed != 0 ? wmax + maxBytes(icg) : 0;
    if (packed == 0) channelWeightMax(wmax, weight + (<usize>(g * L.ocg * icg * L.taps) << 2), icg, L.ocg, L.taps);
    // Samples padFirst..padLast of this group are padded side by side in padBuf.
    let padFirst = -1, padLast = -1;
    for (let t0 = L.tileStart; t0 < tileEnd; t0 += tb) {
      const n0 = t0 / T, nl = (min(t0 + tb, tileEnd) - 1) / T;
      if (n0 < padFirst || nl > padLast) {
        padFirst = n0;
        padLast = min(N, n0 + slots) - 1;
        for (let n = padFirst; n <= padLast; n++) {
          // Only the rows this thread's tiles of sample n read: their tile rows and the kernel's overlap.
          const first = max(L.tileStart - n * T, 0), last = min(tileEnd - n * T, T);
          if (first >= last) continue;
          const y0 = first / L.TX * L.mh, y1 = min(L.Hq, (last + L.TX - 1) / L.TX * L.mh + kernelRows(v) - 1);
          padPlanesTo(L.padBuf + <usize>((n - padFirst) * icg) * L.planeBytes, input + (<usize>(n * C + g * icg) * H * W << 2),
            icg, H, W, L.Hq, L.Wq, d.padBeforeH, d.padBeforeW, d.padAfterH, d.padAfterW, d.paddingMode, y0, y1);
          magnitudeMap(L.sBuf + (<usize>((n - padFirst) * plane) << 2), L.padBuf + <usize>((n - padFirst) * icg) * L.planeBytes,
            icg, plane, wmax, y0 * L.Wq, y1 * L.Wq);
        }
      }
      L.live = (min(tb, tileEnd - t0) + NR - 1) / NR;
      tileOffsets(L, t0, padFirst, d.outC, d.outH, d.outW);
      inputTransforms(L);
      // A v128 local live across the GEMM would take the micro-kernel's last free register.
      v128.store(FINITE, f32x4.splat(0));
      chunkGemm(L, out, weight, panels, bias, g, d.outW, d.outH * d.outW);
      guardChunk(L, out, weight, bias, g, d.outW, d.outH * d.outW, !allFinite());
    }
  }
  clampRows(out, d, L);
}

/** Whether every result since FINITE was zeroed was finite: each lane is a sum of (y - y) terms, 0 or NaN. */
@inline function allFinite(): bool {
  const finite = v128.load(FINITE);
  return f32x4.extract_lane(finite, 0) == 0 && f32x4.extract_lane(finite, 1) == 0 &&
    f32x4.extract_lane(finite, 2) == 0 && f32x4.extract_lane(finite, 3) == 0;
}

/** The fused activation over this thread's outputs: each sample's rows of its tiles, in its channels of every group. */
function clampRows(out: usize, d: ConvDesc, L: Layout): void {
  const lo = d.clampMin, hi = d.clampMax;
  if (lo == -Infinity && hi == Infinity) return;
  const OH = d.outH, OW = d.outW, T = L.T;
  for (let n = L.tileStart / T; n * T < L.tileEnd; n++) {
    const y0 = max(L.tileStart - n * T, 0) / L.TX * L.mh;
    const y1 = min(min(L.tileEnd - n * T, T) / L.TX * L.mh, OH);
    if (y0 >= y1) continue;
    for (let g = 0; g < d.groups; g++) {
      for (let oc = g * L.ocg + L.ocStart; oc < g * L.ocg + L.ocEnd; oc++) {
        const at = out + (<usize>(((n * d.outC + oc) * OH + y0) * OW) << 2);
        map<Clamp>(at, at, (y1 - y0) * OW, lo, hi, 0);
      }
    }
  }
}

/** Bytes of one group's channel maxima in prepared weights (16-byte aligned). */
@inline function maxBytes(icg: i32): usize {
  return (<usize>((icg + 3) & ~3) << 2);
}

/** Bytes of one panel of 5 output channels in prepared weights: U then U4, as chunkGemm reads them. */
@inline function panelBytes(L: Layout): usize {
  return <usize>L.P * (L.uStep + L.u4Step);
}

/** Bytes of one group in prepared weights: channel maxima, then every output-channel panel. */
@inline function packedGroupBytes(L: Layout): usize {
  return maxBytes(L.icg) + <usize>((L.ocg + MR - 1) / MR) * panelBytes(L);
}

/** Bytes of winogradPack's prepared weights for `d` by variant `v` (negative past 2 GiB). */
export function winogradPackedBytes(d: ConvDesc, v: i32): i32 {
  const icg = d.inC / d.groups, ocg = d.outC / d.groups;
  const P = <i64>winogradPositions(v);
  const uStep = (<i64>icg << 4) + SKEW, u4Step = (<i64>((icg + 3) & ~3) << 2) + SKEW;
  const group = <i64>maxBytes(icg) + <i64>((ocg + MR - 1) / MR) * P * (uStep + u4Step);
  const bytes = group * d.groups;
  return bytes > <i64>i32.MAX_VALUE ? -1 : <i32>bytes;
}

/**
 * Prepares the weights once for every later call: per group, each input channel's largest
 * |weight| (the accuracy guard's) and U = G g G^T of every panel of 5 output channels, in
 * the split layout chunkGemm hands the micro-kernel.
 */
export function winogradPack(dst: usize, weight: usize, d: ConvDesc, v: i32): void {
  const L = changetype<Layout>(LAYOUT);
  setGeometry(L, d, v);
  const icg = L.icg, ocg = L.ocg, P = L.P;
  for (let g = 0; g < d.groups; g++) {
    const w = weight + (<usize>(g * ocg * icg * L.taps) << 2);
    const wmax = dst + <usize>g * packedGroupBytes(L);
    channelWeightMax(wmax, w, icg, ocg, L.taps);
    let u = wmax + maxBytes(icg);
    for (let o0 = 0; o0 < ocg; o0 += MR) {
      const rows = min(MR, ocg - o0);
      const u4 = u + <usize>P * L.uStep;
      weightPanel(u, L.uStep, u4, L.u4Step, w + (<usize>(o0 * icg * L.taps) << 2), icg, rows, v);
      // A missing fifth channel: zeros, not whatever the block held (see chunkGemm).
      if (rows < MR) for (let p = 0; p < P; p++) fillF32(u4 + <usize>p * L.u4Step, (icg + 3) & ~3, 0);
      u += panelBytes(L);
    }
  }
}

/** The tile geometry and weight-panel strides of `d` by variant `v` (no scratch addresses). */
function setGeometry(L: Layout, d: ConvDesc, v: i32): void {
  const P = winogradPositions(v);
  const icg = d.inC / d.groups;
  L.v = v; L.P = P; L.taps = kernelRows(v) * kernelCols(v);
  L.icg = icg; L.ocg = d.outC / d.groups;
  L.uStep = (<usize>icg << 4) + SKEW;
  L.u4Step = (<usize>((icg + 3) & ~3) << 2) + SKEW;
}

/** The Layout of a call: tiles, chunks and the scratch buffers (as winogradScratchBytes counts them). */
function plan(d: ConvDesc, v: i32, scratch: usize): Layout {
  const L = changetype<Layout>(LAYOUT);
  setGeometry(L, d, v);
  const P = L.P, icg = L.icg;
  const mh = winogradTileRows(v), mw = winogradTileCols(v);
  const TY = (d.outH + mh - 1) / mh, TX = (d.outW + mw - 1) / mw;
  const T = TY * TX;
  // Tiles of all samples are numbered together (sample-major), so that small images
  // still fill the GEMM's panels and share one weight transform per chunk.
  const TT = d.batch * T;
  const Hq = TY * mh + kernelRows(v) - 1, Wq = TX * mw + kernelCols(v) - 1;
  // This thread's share (parts.ts), in whole rows of tiles; its chunks split it evenly.
  const parts = partCount();
  if (parts > 1 && TT / TX < 4 * parts && (L.ocg + MR - 1) / MR >= 2 * parts) {
    L.tileStart = 0; L.tileEnd = TT;
    L.ocStart = partStart(L.ocg, MR); L.ocEnd = partEnd(L.ocg, MR);
  } else {
    L.tileStart = partStart(TT, TX); L.tileEnd = partEnd(TT, TX);
    L.ocStart = 0; L.ocEnd = L.ocg;
  }
  const tb = winogradChunkTiles(v, icg, max(L.tileEnd - L.tileStart, 1));
  const panels = tb / NR;
  L.mh = mh; L.mw = mw;
  L.TX = TX; L.T = T; L.TT = TT; L.Hq = Hq; L.Wq = Wq; L.tb = tb; L.panels = panels;
  L.whole = (mh << 8) | mw;
  const icg4 = (icg + 3) & ~3;
  L.posBytes = (<usize>(panels * icg * NR) << 2) + SKEW;
  L.planeBytes = <usize>(Hq * Wq) << 2;
  L.padBuf = align16(scratch);
  const slots = <usize>chunkSamples(tb, T, d.batch);
  L.sBuf = align16(L.padBuf + ((slots * icg * Hq * Wq + 4) << 2));
  L.wBuf = align16(L.sBuf + ((slots * Hq * Wq + 4) << 2));
  L.vBuf = align16(L.wBuf + (<usize>icg4 << 2));
  L.uBuf = align16(L.vBuf + <usize>P * L.posBytes);
  L.u4Buf = align16(L.uBuf + <usize>P * L.uStep);
  L.mBuf = align16(L.u4Buf + <usize>P * L.u4Step);
  L.tmp = align16(L.mBuf + (<usize>(MR * P * NR) << 2));
  L.inOff = align16(L.tmp + 36 * 16);
  L.outOff = L.inOff + (<usize>tb << 2);
  L.valid = L.outOff + (<usize>tb << 2);
  return L;
}

/** Offsets of each tile of the chunk from tile t0; lanes past the last tile repeat it and store nothing. */
function tileOffsets(L: Layout, t0: i32, padFirst: i32, OC: i32, OH: i32, OW: i32): void {
  const T = L.T, TT = L.tileEnd, TX = L.TX, mh = L.mh, mw = L.mw, Wq = L.Wq;
  const inSample = L.icg * <i32>(L.planeBytes >> 2);
  const outPlane = OH * OW;
  for (let i = 0, n = L.live * NR; i < n; i++) {
    const tt = min(t0 + i, TT - 1);
    const n = tt / T, t = tt - n * T;
    const ty = t / TX, tx = t - ty * TX;
    store<i32>(L.inOff + (<usize>i << 2), (n - padFirst) * inSample + ty * mh * Wq + tx * mw);
    store<i32>(L.outOff + (<usize>i << 2), n * OC * outPlane + ty * mh * OW + tx * mw);
    store<i32>(L.valid + (<usize>i << 2), t0 + i < TT ? (min(mh, OH - ty * mh) << 8) | min(mw, OW - tx * mw) : 0);
  }
}

/** Recomputes directly every tile of the chunk whose Winograd result may be inaccurate (winograd_guard.ts), or all of them. */
function guardChunk(L: Layout, out: usize, weight: usize, bias: usize, g: i32, OW: i32, outPlane: i32, all: bool): void {
  const plane = L.Hq * L.Wq, inSample = L.icg * plane;
  // This thread's output channels of group g.
  const c0 = g * L.ocg + L.ocStart;
  const groupOut = c0 * outPlane;
  const w = weight + (<usize>(c0 * L.icg * L.taps) << 2);
  const b = bias != 0 ? bias + (<usize>c0 << 2) : 0;
  for (let i = 0, n = L.live * NR; i < n; i++) {
    const valid = load<i32>(L.valid + (<usize>i << 2));
    if (valid == 0) continue;
    const inOff = load<i32>(L.inOff + (<usize>i << 2));
    const slot = inOff / inSample;
    const s = L.sBuf + (<usize>(slot * plane + inOff - slot * inSample) << 2);
    if (!all && tileIsAccurate(s, L.Wq, L.v, valid)) continue;
    directTile(out + (<usize>(load<i32>(L.outOff + (<usize>i << 2)) + groupOut) << 2), outPlane, OW,
      L.padBuf + (<usize>inOff << 2), plane, L.Wq, w, b, L.icg, L.ocEnd - L.ocStart, kernelRows(L.v), kernelCols(L.v), valid);
  }
}

/** V = B^T d B of every tile and channel of the chunk, straight into the GEMM's B panels [position][tile panel][ic][8]. */
function inputTransforms(L: Layout): void {
  const v = L.v, icg = L.icg, posBytes = L.posBytes, planeBytes = L.planeBytes, tmp = L.tmp;
  const padBuf = L.padBuf, inOff = L.inOff;
  const rowBytes = <usize>L.Wq << 2;
  for (let i = 0, n = L.live * NR; i < n; i += 4) {
    const s0 = padBuf + (<usize>load<i32>(inOff + (<usize>i << 2)) << 2);
    const s1 = padBuf + (<usize>load<i32>(inOff + (<usize>i << 2), 4) << 2);
    const s2 = padBuf + (<usize>load<i32>(inOff + (<usize>i << 2), 8) << 2);
    const s3 = padBuf + (<usize>load<i32>(inOff + (<usize>i << 2), 12) << 2);
    // Tile i is lane i % 8 of panel i / 8.
    let dst = L.vBuf + (<usize>((i >> 3) * icg * NR + (i & 7)) << 2);
    let src: usize = 0;
    for (let ic = 0; ic < icg; ic++) {
      if (v == WINOGRAD_4X4_3X3) inputTile4(dst, posBytes, s0 + src, s1 + src, s2 + src, s3 + src, rowBytes, tmp);
      else if (v == WINOGRAD_2X2_3X3) inputTile2(dst, posBytes, s0 + src, s1 + src, s2 + src, s3 + src, rowBytes, tmp);
      else inputTile45(dst, posBytes, s0 + src, s1 + src, s2 + src, s3 + src);
      dst += NR * 4;
      src += planeBytes;
    }
  }
}

/**
 * For each panel of 5 output channels of group g: U = G g G^T into the A panel (redone
 * per chunk, where it costs a few % of the GEMM); then for each panel of 8 tiles, one
 * micro-kernel pass per position into M [5][position][8], and Y = A^T M A + bias for
 * those 5 x 8 tiles while M is still in L1, written into the output.
 */
function chunkGemm(L: Layout, out: usize, weight: usize, panels: usize, bias: usize, g: i32, OW: i32, outPlane: i32): void {
  const v = L.v, P = L.P, icg = L.icg, ocg = L.ocg, whole = L.whole, tmp = L.tmp;
  const uStep = L.uStep, u4Step = L.u4Step;
  const vBuf = L.vBuf, posBytes = L.posBytes, mBuf = L.mBuf, outOff = L.outOff, valid = L.valid;
  for (let o0 = L.ocStart; o0 < L.ocEnd; o0 += MR) {
    const rows = min(MR, ocg - o0);
    const oc = g * ocg + o0;
    let uBuf = L.uBuf, u4Buf = L.u4Buf;
    if (panels != 0) {
      // Prepared once per weight version (winogradPack).
      uBuf = panels + <usize>(o0 / MR) * panelBytes(L);
      u4Buf = uBuf + <usize>P * uStep;
    } else {
      const w = weight + (<usize>(oc * icg * L.taps) << 2);
      weightPanel(uBuf, uStep, u4Buf, u4Step, w, icg, rows, v);
      // A missing fifth channel: its GEMM row is not stored, but stale scratch there could
      // hold subnormal floats, whose multiplications are many times slower.
      if (rows < MR) for (let p = 0; p < P; p++) fillF32(u4Buf + <usize>p * u4Step, (icg + 3) & ~3, 0);
    }
    for (let j = 0; j < L.live; j++) {
      const vj = vBuf + (<usize>(j * icg * NR) << 2);
      for (let p = 0; p < P; p++) {
        microSplit(uBuf + <usize>p * uStep, u4Buf + <usize>p * u4Step, vj + <usize>p * posBytes, icg,
          mBuf + (<usize>(p * NR) << 2), P * NR, rows);
      }
      for (let r = 0; r < rows; r++) {
        const b: f32 = bias != 0 ? load<f32>(bias + (<usize>(oc + r) << 2)) : 0;
        const y = out + (<usize>((oc + r) * outPlane) << 2);
        const mr = mBuf + (<usize>(r * P * NR) << 2);
        for (let h = 0; h < NR; h += 4) {
          const i = j * NR + h;
          const mi = mr + (<usize>h << 2), oo = outOff + (<usize>i << 2), vv = valid + (<usize>i << 2);
          if (v == WINOGRAD_4X4_3X3) outputTiles4(y, mi, NR * 4, b, OW, oo, vv, whole, tmp);
          else if (v == WINOGRAD_2X2_3X3) outputTiles2(y, mi, NR * 4, b, OW, oo, vv, whole, tmp);
          else outputTiles45(y, mi, NR * 4, b, oo, vv, whole);
        }
      }
    }
  }
}

/**
 * U = G g G^T of `rows` (1..5) output channels (weights at w, [rows][icg][taps]) into
 * the split A panel of the micro-kernel (microSplit): channels 0-3 as [position][icg][4]
 * at u (lanes = channels, one store per position), channel 4 as [position][icg rounded up
 * to 4] at u4 (lanes = four input channels). Missing channels 1-3 read zeros; a missing
 * channel 4 is left to the caller.
 */
function weightPanel(u: usize, uStep: usize, u4: usize, u4Step: usize, w: usize, icg: i32, rows: i32, v: i32): void {
  if (v == WINOGRAD_4X4_3X3) weightPanelOf(WINOGRAD_4X4_3X3, u, uStep, u4, u4Step, w, icg, rows);
  else if (v == WINOGRAD_2X2_3X3) weightPanelOf(WINOGRAD_2X2_3X3, u, uStep, u4, u4Step, w, icg, rows);
  else weightPanelOf(WINOGRAD_4_5, u, uStep, u4, u4Step, w, icg, rows);
}

/** weightPanel for a constant variant v (inlined once per variant, so the transform folds). */
@inline function weightPanelOf(v: i32, u: usize, uStep: usize, u4: usize, u4Step: usize, w: usize, icg: i32, rows: i32): void {
  const tapBytes: usize = v == WINOGRAD_4_5 ? 20 : 36;
  const n = v == WINOGRAD_4X4_3X3 ? 6 : 4;
  const chBytes = <usize>icg * tapBytes;
  const w1 = rows > 1 ? w + chBytes : ZEROS;
  const w2 = rows > 2 ? w + 2 * chBytes : ZEROS;
  const w3 = rows > 3 ? w + 3 * chBytes : ZEROS;
  const ic1: usize = rows > 1 ? tapBytes : 0, ic2: usize = rows > 2 ? tapBytes : 0, ic3: usize = rows > 3 ? tapBytes : 0;
  for (let ic = 0; ic < icg; ic++) {
    const q0 = w + <usize>ic * tapBytes, q1 = w1 + <usize>ic * ic1, q2 = w2 + <usize>ic * ic2, q3 = w3 + <usize>ic * ic3;
    // Four kernels -> one vector per tap with lanes = channels.
    const a0 = v128.load(q0), a1 = v128.load(q1), a2 = v128.load(q2), a3 = v128.load(q3);
    let t0 = lo(a0, a1), t1 = lo(a2, a3), t2 = hi(a0, a1), t3 = hi(a2, a3);
    const g0 = lo2(t0, t1), g1 = hi2(t0, t1), g2 = lo2(t2, t3), g3 = hi2(t2, t3);
    const dst = u + (<usize>ic << 4);
    if (v == WINOGRAD_4_5) {
      weightTile45(g0, g1, g2, g3, gather(q0, q1, q2, q3, 16), dst, uStep);
    } else {
      const b0 = v128.load(q0, 16), b1 = v128.load(q1, 16), b2 = v128.load(q2, 16), b3 = v128.load(q3, 16);
      t0 = lo(b0, b1); t1 = lo(b2, b3); t2 = hi(b0, b1); t3 = hi(b2, b3);
      weightTile(n, g0, g1, g2, g3, lo2(t0, t1), hi2(t0, t1), lo2(t2, t3), hi2(t2, t3), gather(q0, q1, q2, q3, 32), dst, uStep);
    }
  }
  if (rows == MR) {
    const w4 = w + 4 * chBytes;
    for (let ic = 0; ic < icg; ic += 4) {
      // Lanes past the last input channel repeat it; they land in the row's padding.
      const m = min(4, icg - ic);
      const q0 = w4 + <usize>ic * tapBytes;
      const q1 = q0 + (m > 1 ? tapBytes : 0), q2 = q0 + (m > 2 ? 2 * tapBytes : 0), q3 = q0 + (m > 3 ? 3 * tapBytes : 0);
      const dst = u4 + (<usize>ic << 2);
      const g0 = gather(q0, q1, q2, q3, 0), g1 = gather(q0, q1, q2, q3, 4), g2 = gather(q0, q1, q2, q3, 8);
      const g3 = gather(q0, q1, q2, q3, 12), g4 = gather(q0, q1, q2, q3, 16);
      if (v == WINOGRAD_4_5) {
        weightTile45(g0, g1, g2, g3, g4, dst, u4Step);
      } else {
        weightTile(n, g0, g1, g2, g3, g4, gather(q0, q1, q2, q3, 20), gather(q0, q1, q2, q3, 24),
          gather(q0, q1, q2, q3, 28), gather(q0, q1, q2, q3, 32), dst, u4Step);
      }
    }
  }
}
