// Winograd convolution for stride-1, dilation-1 2-D convolutions (conv_f32 decides when it
// pays): F(2x2, 3x3) and F(4x4, 3x3) for 3x3 kernels, and the one-dimensional F(4, 5) for
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
// would spread further than in a direct convolution: the output transform watches for
// non-finite results and winograd() then returns false; the caller recomputes with the
// direct method, whose result matches PyTorch's (non-finite inputs are rare).
//
// Accuracy (float32 against float64, on the golden fixtures and on random layers of 3 to
// 512 channels): the worst error was 1% of the tolerance the tests use (1e-5 x the largest
// sum of |terms| + 1e-4 x |y|) for F(2x2, 3x3), 4% for F(4, 5) and 19% for F(4x4, 3x3),
// whose transforms have larger coefficients.
//
// Layouts: input [N,C,H,W], weight [OC, C/groups, kh, kw], bias [OC] or 0, out [N,OC,OH,OW].
// REQUIRES: OH = H + ph0 + ph1 - kh + 1 >= 1, OW = W + pw0 + pw1 - kw + 1 >= 1; C and OC
//   divisible by groups; reflect padding < size, circular padding <= size; scratch holds
//   winogradScratchBytes(v, N, C / groups, OH, OW) bytes.

import { sourceIndex } from "./conv";

/**
 * Bytes of transformed input (and weights) per chunk of tiles. A quarter of a 2 MiB L2
 * measured faster than a half (by 5-8% on 64 channels at 56x56 and 3 channels at 224x224)
 * and than an eighth; the weight transform repeated per chunk costs less than that.
 */
const CHUNK_BUDGET: i32 = 1 << 19;

// The GEMM tile: 5 output channels x 8 tiles (as the micro-kernel of gemm.ts, whose
// register budget it shares).
const MR: i32 = 5;
const NR: i32 = 8;

// Padding added to the distance between tile positions in V and U: without it, a
// distance that is a multiple of 4 KiB puts all 36 positions in one L1 set.
const SKEW: usize = 64;

// Sum of (y - y) over every result so far: stays zero while all are finite.
const FINITE: usize = memory.data(16, 16);

// Nine zeros: the weights of a missing output channel in the last panel.
const ZEROS: usize = memory.data(48, 16);

@inline function align16(x: usize): usize {
  return (x + 15) & ~(<usize>15);
}

// The variants: output tile (rows x columns), kernel (rows x columns).
export const WINOGRAD_NONE: i32 = 0;
/** F(2x2, 3x3): 4x4 input tiles, 16 positions. */
export const WINOGRAD_2X2_3X3: i32 = 1;
/** F(4x4, 3x3): 6x6 input tiles, 36 positions. */
export const WINOGRAD_4X4_3X3: i32 = 2;
/** F(4, 5), one-dimensional: 8-wide input tiles, 8 positions. */
export const WINOGRAD_4_5: i32 = 3;

@inline export function winogradTileRows(v: i32): i32 { return v == WINOGRAD_2X2_3X3 ? 2 : v == WINOGRAD_4X4_3X3 ? 4 : 1; }
@inline export function winogradTileCols(v: i32): i32 { return v == WINOGRAD_2X2_3X3 ? 2 : 4; }
@inline function kernelRows(v: i32): i32 { return v == WINOGRAD_4_5 ? 1 : 3; }
@inline function kernelCols(v: i32): i32 { return v == WINOGRAD_4_5 ? 5 : 3; }
/** Tile positions: the GEMMs per chunk. */
export function winogradPositions(v: i32): i32 {
  return (winogradTileRows(v) + kernelRows(v) - 1) * (winogradTileCols(v) + kernelCols(v) - 1);
}

/** Tiles per chunk (of N samples' T tiles): a multiple of 8, the GEMM's panel width, near CHUNK_BUDGET. */
export function winogradChunkTiles(v: i32, icg: i32, T: i32): i32 {
  const perTile = winogradPositions(v) * (icg + MR) * 4;
  let most = (CHUNK_BUDGET / perTile) & ~7;
  if (most < 16) most = 16;
  // Equal chunks: a short last one would still pay for a whole chunk's panels.
  const chunks = (T + most - 1) / most;
  return ((T + chunks - 1) / chunks + 7) & ~7;
}

/** Samples a chunk of tb tiles can touch: their inputs are padded into scratch together. */
@inline function chunkSamples(tb: i32, T: i32, N: i32): i32 {
  return min(N, (tb + T - 2) / T + 1);
}

/** Bytes of scratch winograd() needs. */
export function winogradScratchBytes(v: i32, N: i32, icg: i32, OH: i32, OW: i32): i32 {
  const P = winogradPositions(v);
  const mh = winogradTileRows(v), mw = winogradTileCols(v);
  const TY = (OH + mh - 1) / mh, TX = (OW + mw - 1) / mw;
  const Hq = TY * mh + kernelRows(v) - 1, Wq = TX * mw + kernelCols(v) - 1;
  const tb = winogradChunkTiles(v, icg, N * TY * TX);
  const icg4 = (icg + 3) & ~3;
  const pad = <i64>chunkSamples(tb, TY * TX, N) * icg * Hq * Wq + 4;
  const floats = pad + <i64>(P * icg * tb + P * icg * 4 + P * icg4 + MR * P * NR + 36 * 4 + 3 * tb);
  const bytes = floats * 4 + 3 * P * <i32>SKEW + 7 * 16;
  // A size past 2 GiB comes back negative: the caller reports it.
  return bytes > <i64>i32.MAX_VALUE ? -1 : <i32>bytes;
}

/**
 * The convolution of one call (see the header) by variant `v`. Returns false, with the
 * output partly written, when a result is not finite: the caller then recomputes it directly.
 */
export function winograd(out: usize, input: usize, weight: usize, bias: usize,
                         N: i32, C: i32, H: i32, W: i32, OC: i32, OH: i32, OW: i32,
                         ph0: i32, pw0: i32, ph1: i32, pw1: i32, groups: i32, mode: i32,
                         v: i32, scratch: usize): bool {
  const P = winogradPositions(v);
  const mh = winogradTileRows(v), mw = winogradTileCols(v);
  const taps = kernelRows(v) * kernelCols(v);
  const icg = C / groups, ocg = OC / groups;
  const TY = (OH + mh - 1) / mh, TX = (OW + mw - 1) / mw;
  const T = TY * TX;
  // Tiles of all samples are numbered together (sample-major), so that small images
  // still fill the GEMM's panels and share one weight transform per chunk.
  const TT = N * T;
  const Hq = TY * mh + kernelRows(v) - 1, Wq = TX * mw + kernelCols(v) - 1;
  const tb = winogradChunkTiles(v, icg, TT);
  const panels = tb / NR;
  // A chunk's tiles, all rows and columns valid.
  const whole = (mh << 8) | mw;

  const icg4 = (icg + 3) & ~3;
  const posBytes = (<usize>(panels * icg * NR) << 2) + SKEW; // between positions in V
  const uStep = (<usize>icg << 4) + SKEW; // between positions in U (channels 0-3)
  const u4Step = (<usize>icg4 << 2) + SKEW; // between positions in U (channel 4)
  const padBuf = align16(scratch);
  const vBuf = align16(padBuf + ((<usize>chunkSamples(tb, T, N) * icg * Hq * Wq + 4) << 2));
  const uBuf = align16(vBuf + <usize>P * posBytes);
  const u4Buf = align16(uBuf + <usize>P * uStep);
  const mBuf = align16(u4Buf + <usize>P * u4Step);
  const tmp = align16(mBuf + (<usize>(MR * P * NR) << 2));
  const inOff = align16(tmp + 36 * 16);
  const outOff = inOff + (<usize>tb << 2);
  const valid = outOff + (<usize>tb << 2);

  const planeBytes = <usize>(Hq * Wq) << 2;
  const rowBytes = <usize>Wq << 2;
  const outPlane = OH * OW;
  // A v128 local live across the GEMM would take the micro-kernel's last free register.
  v128.store(FINITE, f32x4.splat(0));

  const slots = chunkSamples(tb, T, N);
  for (let g = 0; g < groups; g++) {
    // Samples padFirst..padLast of this group are padded side by side in padBuf.
    let padFirst = -1, padLast = -1;
    for (let t0 = 0; t0 < TT; t0 += tb) {
      const n0 = t0 / T, nl = (min(t0 + tb, TT) - 1) / T;
      if (n0 < padFirst || nl > padLast) {
        padFirst = n0;
        padLast = min(N, n0 + slots) - 1;
        for (let n = padFirst; n <= padLast; n++) {
          padInput(padBuf + (<usize>((n - padFirst) * icg) * Hq * Wq << 2), input + (<usize>(n * C + g * icg) * H * W << 2),
            icg, H, W, Hq, Wq, ph0, pw0, ph1, pw1, mode);
        }
      }
      // Offsets of each tile of the chunk; lanes past the last tile repeat it and store nothing.
      for (let i = 0; i < tb; i++) {
        const tt = min(t0 + i, TT - 1);
        const n = tt / T, t = tt - n * T;
        const ty = t / TX, tx = t - ty * TX;
        store<i32>(inOff + (<usize>i << 2), (n - padFirst) * icg * Hq * Wq + ty * mh * Wq + tx * mw);
        store<i32>(outOff + (<usize>i << 2), n * OC * outPlane + ty * mh * OW + tx * mw);
        store<i32>(valid + (<usize>i << 2), t0 + i < TT ? (min(mh, OH - ty * mh) << 8) | min(mw, OW - tx * mw) : 0);
      }
      for (let i = 0; i < tb; i += 4) {
        const s0 = padBuf + (<usize>load<i32>(inOff + (<usize>i << 2)) << 2);
        const s1 = padBuf + (<usize>load<i32>(inOff + (<usize>i << 2), 4) << 2);
        const s2 = padBuf + (<usize>load<i32>(inOff + (<usize>i << 2), 8) << 2);
        const s3 = padBuf + (<usize>load<i32>(inOff + (<usize>i << 2), 12) << 2);
        // Tile i is lane i % 8 of panel i / 8.
        let dst = vBuf + (<usize>((i >> 3) * icg * NR + (i & 7)) << 2);
        let src: usize = 0;
        for (let ic = 0; ic < icg; ic++) {
          if (v == WINOGRAD_4X4_3X3) inputTile4(dst, posBytes, s0 + src, s1 + src, s2 + src, s3 + src, rowBytes, tmp);
          else if (v == WINOGRAD_2X2_3X3) inputTile2(dst, posBytes, s0 + src, s1 + src, s2 + src, s3 + src, rowBytes, tmp);
          else inputTile45(dst, posBytes, s0 + src, s1 + src, s2 + src, s3 + src);
          dst += NR * 4;
          src += planeBytes;
        }
      }

      for (let o0 = 0; o0 < ocg; o0 += MR) {
        const rows = min(MR, ocg - o0);
        const oc = g * ocg + o0;
        const w = weight + (<usize>(oc * icg * taps) << 2);
        if (v == WINOGRAD_4_5) weights45(uBuf, uStep, u4Buf, u4Step, w, icg, rows);
        else weights(uBuf, uStep, u4Buf, u4Step, w, icg, rows, v);
        // A missing fifth channel: its GEMM row is not stored, but stale scratch there could
        // hold subnormal floats, whose multiplications are many times slower.
        if (rows < MR) for (let p = 0; p < P; p++) fillZero(u4Buf + <usize>p * u4Step, icg4);
        // One tile panel at a time: its M ([5][position][8], a few KiB) is transformed
        // while still in L1.
        for (let j = 0; j < panels; j++) {
          const vj = vBuf + (<usize>(j * icg * NR) << 2);
          for (let p = 0; p < P; p++) {
            micro(uBuf + <usize>p * uStep, u4Buf + <usize>p * u4Step, vj + <usize>p * posBytes, icg,
              mBuf + (<usize>(p * NR) << 2), P * NR, rows);
          }
          for (let r = 0; r < rows; r++) {
            const b = bias != 0 ? f32x4.splat(load<f32>(bias + (<usize>(oc + r) << 2))) : f32x4.splat(0);
            const y = out + (<usize>((oc + r) * outPlane) << 2);
            const mr = mBuf + (<usize>(r * P * NR) << 2);
            for (let h = 0; h < NR; h += 4) {
              const i = j * NR + h;
              const mi = mr + (<usize>h << 2), oo = outOff + (<usize>i << 2), vv = valid + (<usize>i << 2);
              let bad: v128;
              if (v == WINOGRAD_4X4_3X3) bad = outputTiles4(y, mi, NR * 4, b, OW, oo, vv, whole, tmp);
              else if (v == WINOGRAD_2X2_3X3) bad = outputTiles2(y, mi, NR * 4, b, OW, oo, vv, whole, tmp);
              else bad = outputTiles45(y, mi, NR * 4, b, oo, vv, whole);
              v128.store(FINITE, f32x4.add(v128.load(FINITE), bad));
            }
          }
        }
      }
    }
  }
  // Every lane is a sum of (y - y) terms: 0 when all were finite, NaN otherwise.
  const finite = v128.load(FINITE);
  return f32x4.extract_lane(finite, 0) == 0 && f32x4.extract_lane(finite, 1) == 0 &&
    f32x4.extract_lane(finite, 2) == 0 && f32x4.extract_lane(finite, 3) == 0;
}

/**
 * Pads `planes` planes [H,W] into [Hq][Wq] (Hq, Wq at least the padded size), plus four
 * floats of slack: padding by `mode`, zeros past the padded size (whole tiles).
 */
function padInput(dst: usize, src: usize, planes: i32, H: i32, W: i32, Hq: i32, Wq: i32,
                  ph0: i32, pw0: i32, ph1: i32, pw1: i32, mode: i32): void {
  const Hp = H + ph0 + ph1, Wp = W + pw0 + pw1;
  let d = dst;
  for (let c = 0; c < planes; c++) {
    const plane = src + (<usize>c * H * W << 2);
    for (let yp = 0; yp < Hq; yp++) {
      const ys = yp < Hp ? sourceIndex(yp - ph0, H, mode) : -1;
      if (ys < 0) {
        fillZero(d, Wq);
      } else {
        const row = plane + (<usize>ys * W << 2);
        for (let x = 0; x < pw0; x++) {
          const xs = sourceIndex(x - pw0, W, mode);
          store<f32>(d + (<usize>x << 2), xs < 0 ? 0 : load<f32>(row + (<usize>xs << 2)));
        }
        copyRow(d + (<usize>pw0 << 2), row, W);
        for (let x = pw0 + W; x < Wp; x++) {
          const xs = sourceIndex(x - pw0, W, mode);
          store<f32>(d + (<usize>x << 2), xs < 0 ? 0 : load<f32>(row + (<usize>xs << 2)));
        }
        fillZero(d + (<usize>Wp << 2), Wq - Wp);
      }
      d += <usize>Wq << 2;
    }
  }
  fillZero(d, 4);
}

@inline function copyRow(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline function fillZero(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

// ---- 4x4 transposes (lanes = tiles <-> lanes = columns) ----

@inline function lo(a: v128, b: v128): v128 { return v128.shuffle<f32>(a, b, 0, 4, 1, 5); }
@inline function hi(a: v128, b: v128): v128 { return v128.shuffle<f32>(a, b, 2, 6, 3, 7); }
@inline function lo2(a: v128, b: v128): v128 { return v128.shuffle<f32>(a, b, 0, 1, 4, 5); }
@inline function hi2(a: v128, b: v128): v128 { return v128.shuffle<f32>(a, b, 2, 3, 6, 7); }

@inline function k(x: f32): v128 { return f32x4.splat(x); }
@inline function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline function sub(a: v128, b: v128): v128 { return f32x4.sub(a, b); }
@inline function mul(a: v128, b: v128): v128 { return f32x4.mul(a, b); }

// ---- F(4x4, 3x3) ----
//
// B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
// G   = D G',  G' = [1 0 0; 1 1 1; 1 -1 1; 1 2 4; 1 -2 4; 0 0 1],  D = diag(1/4, -1/6, -1/6, 1/24, 1/24, 1)
// A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
// The weights are transformed with the integer G' (fewer operations where wide layers
// spend the most) and D moves into the input transform, whose scaled rows cost fewer extra
// operations than the output transform's would: with U = D U' D,
// sum U .* V = sum U' .* (D V D) = sum U' .* ((D B^T) d (B D)).

/** (D B^T) x for six vectors; `j` picks the output. Called with constant j, so it folds. */
@inline function bt4(j: i32, d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128): v128 {
  if (j == 0) return add(sub(d0, mul(d2, k(1.25))), mul(d4, k(0.25)));
  if (j == 1) return add(sub(mul(d2, k(2.0 / 3)), mul(d4, k(1.0 / 6))), sub(mul(d1, k(2.0 / 3)), mul(d3, k(1.0 / 6))));
  if (j == 2) return sub(sub(mul(d2, k(2.0 / 3)), mul(d4, k(1.0 / 6))), sub(mul(d1, k(2.0 / 3)), mul(d3, k(1.0 / 6))));
  if (j == 3) return add(mul(sub(d4, d2), k(1.0 / 24)), mul(sub(d3, d1), k(1.0 / 12)));
  if (j == 4) return sub(mul(sub(d4, d2), k(1.0 / 24)), mul(sub(d3, d1), k(1.0 / 12)));
  return add(sub(mul(d1, k(4)), mul(d3, k(5))), d5);
}

/**
 * V = (D B^T) d (B D) for four 6x6 tiles (rows of `rowBytes` at s0..s3) of one channel;
 * position (i, j) goes to dst + (6i + j) * posBytes as four floats (lanes = tiles).
 */
function inputTile4(dst: usize, posBytes: usize, s0: usize, s1: usize, s2: usize, s3: usize, rowBytes: usize, tmp: usize): void {
  // Rows: e[r][j] = (d[r] B)_j with lanes = tiles, kept in tmp.
  for (let r = 0; r < 6; r++) {
    const o = <usize>r * rowBytes;
    const a0 = v128.load(s0 + o), a1 = v128.load(s1 + o), a2 = v128.load(s2 + o), a3 = v128.load(s3 + o);
    let t0 = lo(a0, a1), t1 = lo(a2, a3), t2 = hi(a0, a1), t3 = hi(a2, a3);
    const d0 = lo2(t0, t1), d1 = hi2(t0, t1), d2 = lo2(t2, t3), d3 = hi2(t2, t3);
    const b0 = v128.load(s0 + o, 16), b1 = v128.load(s1 + o, 16), b2 = v128.load(s2 + o, 16), b3 = v128.load(s3 + o, 16);
    t0 = lo(b0, b1);
    t1 = lo(b2, b3);
    const d4 = lo2(t0, t1), d5 = hi2(t0, t1);
    const e = tmp + <usize>(r * 6) * 16;
    v128.store(e, bt4(0, d0, d1, d2, d3, d4, d5));
    v128.store(e, bt4(1, d0, d1, d2, d3, d4, d5), 16);
    v128.store(e, bt4(2, d0, d1, d2, d3, d4, d5), 32);
    v128.store(e, bt4(3, d0, d1, d2, d3, d4, d5), 48);
    v128.store(e, bt4(4, d0, d1, d2, d3, d4, d5), 64);
    v128.store(e, bt4(5, d0, d1, d2, d3, d4, d5), 80);
  }
  // Columns: V[i][j] = (B^T e)[i][j].
  for (let j = 0; j < 6; j++) {
    const e = tmp + <usize>j * 16;
    const d0 = v128.load(e), d1 = v128.load(e, 96), d2 = v128.load(e, 192);
    const d3 = v128.load(e, 288), d4 = v128.load(e, 384), d5 = v128.load(e, 480);
    const v = dst + <usize>j * posBytes;
    v128.store(v, bt4(0, d0, d1, d2, d3, d4, d5));
    v128.store(v + 6 * posBytes, bt4(1, d0, d1, d2, d3, d4, d5));
    v128.store(v + 12 * posBytes, bt4(2, d0, d1, d2, d3, d4, d5));
    v128.store(v + 18 * posBytes, bt4(3, d0, d1, d2, d3, d4, d5));
    v128.store(v + 24 * posBytes, bt4(4, d0, d1, d2, d3, d4, d5));
    v128.store(v + 30 * posBytes, bt4(5, d0, d1, d2, d3, d4, d5));
  }
}

/** G' x for three vectors; `i` picks the output (constant, folds). */
@inline function g4(i: i32, a: v128, b: v128, c: v128): v128 {
  if (i == 0) return a;
  if (i == 1) return add(add(a, c), b);
  if (i == 2) return sub(add(a, c), b);
  if (i == 3) return add(add(a, mul(c, k(4))), add(b, b));
  if (i == 4) return sub(add(a, mul(c, k(4))), add(b, b));
  return c;
}

/** Row i of U' = G' g G'^T (g row-major in g0..g8): positions 6i..6i+5 to dst + p * step. */
@inline function weightRow4(i: i32, g0: v128, g1: v128, g2: v128, g3: v128, g4_: v128, g5: v128,
                            g6: v128, g7: v128, g8: v128, dst: usize, step: usize): void {
  const t0 = g4(i, g0, g3, g6), t1 = g4(i, g1, g4_, g7), t2 = g4(i, g2, g5, g8);
  const base = dst + <usize>(i * 6) * step;
  v128.store(base, g4(0, t0, t1, t2));
  v128.store(base + step, g4(1, t0, t1, t2));
  v128.store(base + 2 * step, g4(2, t0, t1, t2));
  v128.store(base + 3 * step, g4(3, t0, t1, t2));
  v128.store(base + 4 * step, g4(4, t0, t1, t2));
  v128.store(base + 5 * step, g4(5, t0, t1, t2));
}

@inline function weightTile4(g0: v128, g1: v128, g2: v128, g3: v128, g4_: v128, g5: v128,
                             g6: v128, g7: v128, g8: v128, dst: usize, step: usize): void {
  weightRow4(0, g0, g1, g2, g3, g4_, g5, g6, g7, g8, dst, step);
  weightRow4(1, g0, g1, g2, g3, g4_, g5, g6, g7, g8, dst, step);
  weightRow4(2, g0, g1, g2, g3, g4_, g5, g6, g7, g8, dst, step);
  weightRow4(3, g0, g1, g2, g3, g4_, g5, g6, g7, g8, dst, step);
  weightRow4(4, g0, g1, g2, g3, g4_, g5, g6, g7, g8, dst, step);
  weightRow4(5, g0, g1, g2, g3, g4_, g5, g6, g7, g8, dst, step);
}

/** A^T x for six vectors; `o` picks the output (constant, folds). */
@inline function at4(o: i32, m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128): v128 {
  if (o == 0) return add(add(m0, add(m1, m2)), add(m3, m4));
  if (o == 1) { const d = sub(m3, m4); return add(sub(m1, m2), add(d, d)); }
  if (o == 2) return add(add(m1, m2), mul(add(m3, m4), k(4)));
  return add(add(sub(m1, m2), mul(sub(m3, m4), k(8))), m5);
}

/**
 * Y = A^T M A + bias for four tiles (lanes) of one output channel: position p of tile lane
 * l at m + p * rowBytes + 4l; tiles at y + outOff[l], valid rows/columns in valid[l].
 * Returns zero when every result is finite, NaN or an infinity otherwise.
 */
function outputTiles4(y: usize, m: usize, rowBytes: usize, bias: v128, OW: i32, outOff: usize, valid: usize, whole: i32, tmp: usize): v128 {
  // Columns: s[o][j] = (A^T M)[o][j], kept in tmp.
  for (let j = 0; j < 6; j++) {
    const c = m + <usize>j * rowBytes;
    const m0 = v128.load(c), m1 = v128.load(c + 6 * rowBytes), m2 = v128.load(c + 12 * rowBytes);
    const m3 = v128.load(c + 18 * rowBytes), m4 = v128.load(c + 24 * rowBytes), m5 = v128.load(c + 30 * rowBytes);
    const s = tmp + <usize>j * 16;
    v128.store(s, at4(0, m0, m1, m2, m3, m4, m5));
    v128.store(s, at4(1, m0, m1, m2, m3, m4, m5), 96);
    v128.store(s, at4(2, m0, m1, m2, m3, m4, m5), 192);
    v128.store(s, at4(3, m0, m1, m2, m3, m4, m5), 288);
  }
  const v0 = load<i32>(valid), v1 = load<i32>(valid, 4), v2 = load<i32>(valid, 8), v3 = load<i32>(valid, 12);
  const full = (v0 & v1 & v2 & v3) == whole;
  const rowOut = <usize>OW << 2;
  const p0 = y + (<usize>load<i32>(outOff) << 2), p1 = y + (<usize>load<i32>(outOff, 4) << 2);
  const p2 = y + (<usize>load<i32>(outOff, 8) << 2), p3 = y + (<usize>load<i32>(outOff, 12) << 2);
  let sum = f32x4.splat(0);
  for (let o = 0; o < 4; o++) {
    const s = tmp + <usize>(o * 6) * 16;
    const m0 = v128.load(s), m1 = v128.load(s, 16), m2 = v128.load(s, 32);
    const m3 = v128.load(s, 48), m4 = v128.load(s, 64), m5 = v128.load(s, 80);
    const y0 = add(at4(0, m0, m1, m2, m3, m4, m5), bias);
    const y1 = add(at4(1, m0, m1, m2, m3, m4, m5), bias);
    const y2 = add(at4(2, m0, m1, m2, m3, m4, m5), bias);
    const y3 = add(at4(3, m0, m1, m2, m3, m4, m5), bias);
    // A sum is NaN or infinite when one of its terms is (or, harmlessly, when it overflows).
    sum = add(sum, add(add(y0, y1), add(y2, y3)));
    // Lanes = tiles -> one vector per tile holding its output row o.
    const t0 = lo(y0, y1), t1 = lo(y2, y3), t2 = hi(y0, y1), t3 = hi(y2, y3);
    const r0 = lo2(t0, t1), r1 = hi2(t0, t1), r2 = lo2(t2, t3), r3 = hi2(t2, t3);
    const off = <usize>o * rowOut;
    if (full) {
      v128.store(p0 + off, r0);
      v128.store(p1 + off, r1);
      v128.store(p2 + off, r2);
      v128.store(p3 + off, r3);
    } else {
      storePart(p0 + off, r0, o, v0);
      storePart(p1 + off, r1, o, v1);
      storePart(p2 + off, r2, o, v2);
      storePart(p3 + off, r3, o, v3);
    }
  }
  return sub(sum, sum);
}

/** Row `o` of a tile with (rows << 8 | columns) valid: its first `columns` floats, if o < rows. */
@inline function storePart(p: usize, r: v128, o: i32, valid: i32): void {
  if (o >= (valid >> 8)) return;
  const cols = valid & 0xff;
  if (cols >= 4) { v128.store(p, r); return; }
  store<f32>(p, f32x4.extract_lane(r, 0));
  if (cols > 1) store<f32>(p, f32x4.extract_lane(r, 1), 4);
  if (cols > 2) store<f32>(p, f32x4.extract_lane(r, 2), 8);
}

// ---- F(2x2, 3x3) ----
//
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
// G   = D G',  G' = [1 0 0; 1 1 1; 1 -1 1; 0 0 1],  D = diag(1, 1/2, 1/2, 1)
// A^T = [1 1 1 0; 0 1 -1 -1]
// D moves into the output transform, Y = (A^T D) M' (A^T D)^T: this variant is picked for
// small images with many channels, where the weights cost more than the tiles.

@inline function bt2(j: i32, d0: v128, d1: v128, d2: v128, d3: v128): v128 {
  if (j == 0) return sub(d0, d2);
  if (j == 1) return add(d1, d2);
  if (j == 2) return sub(d2, d1);
  return sub(d1, d3);
}

/** V = B^T d B for four 4x4 tiles of one channel; position (i, j) to dst + (4i + j) * posBytes. */
function inputTile2(dst: usize, posBytes: usize, s0: usize, s1: usize, s2: usize, s3: usize, rowBytes: usize, tmp: usize): void {
  for (let r = 0; r < 4; r++) {
    const o = <usize>r * rowBytes;
    const a0 = v128.load(s0 + o), a1 = v128.load(s1 + o), a2 = v128.load(s2 + o), a3 = v128.load(s3 + o);
    const t0 = lo(a0, a1), t1 = lo(a2, a3), t2 = hi(a0, a1), t3 = hi(a2, a3);
    const d0 = lo2(t0, t1), d1 = hi2(t0, t1), d2 = lo2(t2, t3), d3 = hi2(t2, t3);
    const e = tmp + <usize>(r * 4) * 16;
    v128.store(e, bt2(0, d0, d1, d2, d3));
    v128.store(e, bt2(1, d0, d1, d2, d3), 16);
    v128.store(e, bt2(2, d0, d1, d2, d3), 32);
    v128.store(e, bt2(3, d0, d1, d2, d3), 48);
  }
  for (let j = 0; j < 4; j++) {
    const e = tmp + <usize>j * 16;
    const d0 = v128.load(e), d1 = v128.load(e, 64), d2 = v128.load(e, 128), d3 = v128.load(e, 192);
    const v = dst + <usize>j * posBytes;
    v128.store(v, bt2(0, d0, d1, d2, d3));
    v128.store(v + 4 * posBytes, bt2(1, d0, d1, d2, d3));
    v128.store(v + 8 * posBytes, bt2(2, d0, d1, d2, d3));
    v128.store(v + 12 * posBytes, bt2(3, d0, d1, d2, d3));
  }
}

@inline function g2(i: i32, a: v128, b: v128, c: v128): v128 {
  if (i == 0) return a;
  if (i == 1) return add(add(a, c), b);
  if (i == 2) return sub(add(a, c), b);
  return c;
}

@inline function weightRow2(i: i32, g0: v128, g1: v128, g2_: v128, g3: v128, g4_: v128, g5: v128,
                            g6: v128, g7: v128, g8: v128, dst: usize, step: usize): void {
  const t0 = g2(i, g0, g3, g6), t1 = g2(i, g1, g4_, g7), t2 = g2(i, g2_, g5, g8);
  const base = dst + <usize>(i * 4) * step;
  v128.store(base, g2(0, t0, t1, t2));
  v128.store(base + step, g2(1, t0, t1, t2));
  v128.store(base + 2 * step, g2(2, t0, t1, t2));
  v128.store(base + 3 * step, g2(3, t0, t1, t2));
}

@inline function weightTile2(g0: v128, g1: v128, g2_: v128, g3: v128, g4_: v128, g5: v128,
                             g6: v128, g7: v128, g8: v128, dst: usize, step: usize): void {
  weightRow2(0, g0, g1, g2_, g3, g4_, g5, g6, g7, g8, dst, step);
  weightRow2(1, g0, g1, g2_, g3, g4_, g5, g6, g7, g8, dst, step);
  weightRow2(2, g0, g1, g2_, g3, g4_, g5, g6, g7, g8, dst, step);
  weightRow2(3, g0, g1, g2_, g3, g4_, g5, g6, g7, g8, dst, step);
}

/** (A^T D) x for four vectors; `o` picks the output. */
@inline function at2(o: i32, m0: v128, m1: v128, m2: v128, m3: v128): v128 {
  if (o == 0) return add(m0, mul(add(m1, m2), k(0.5)));
  return sub(mul(sub(m1, m2), k(0.5)), m3);
}

/** Y = (A^T D) M' (A^T D)^T + bias for four 2x2 tiles of one output channel (as outputTiles4). */
function outputTiles2(y: usize, m: usize, rowBytes: usize, bias: v128, OW: i32, outOff: usize, valid: usize, whole: i32, tmp: usize): v128 {
  for (let j = 0; j < 4; j++) {
    const c = m + <usize>j * rowBytes;
    const m0 = v128.load(c), m1 = v128.load(c + 4 * rowBytes), m2 = v128.load(c + 8 * rowBytes), m3 = v128.load(c + 12 * rowBytes);
    const s = tmp + <usize>j * 16;
    v128.store(s, at2(0, m0, m1, m2, m3));
    v128.store(s, at2(1, m0, m1, m2, m3), 64);
  }
  const v0 = load<i32>(valid), v1 = load<i32>(valid, 4), v2 = load<i32>(valid, 8), v3 = load<i32>(valid, 12);
  const full = (v0 & v1 & v2 & v3) == whole;
  const rowOut = <usize>OW << 2;
  const p0 = y + (<usize>load<i32>(outOff) << 2), p1 = y + (<usize>load<i32>(outOff, 4) << 2);
  const p2 = y + (<usize>load<i32>(outOff, 8) << 2), p3 = y + (<usize>load<i32>(outOff, 12) << 2);
  let bad = f32x4.splat(0);
  for (let o = 0; o < 2; o++) {
    const s = tmp + <usize>(o * 4) * 16;
    const m0 = v128.load(s), m1 = v128.load(s, 16), m2 = v128.load(s, 32), m3 = v128.load(s, 48);
    const y0 = add(at2(0, m0, m1, m2, m3), bias);
    const y1 = add(at2(1, m0, m1, m2, m3), bias);
    bad = add(bad, add(sub(y0, y0), sub(y1, y1)));
    // Pairs (tile 0, tile 1) and (tile 2, tile 3): [t0 j0, t0 j1, t1 j0, t1 j1].
    const r01 = lo(y0, y1), r23 = hi(y0, y1);
    const off = <usize>o * rowOut;
    if (full) {
      v128.store64_lane(p0 + off, r01, 0);
      v128.store64_lane(p1 + off, r01, 1);
      v128.store64_lane(p2 + off, r23, 0);
      v128.store64_lane(p3 + off, r23, 1);
    } else {
      storePair(p0 + off, f32x4.extract_lane(r01, 0), f32x4.extract_lane(r01, 1), o, v0);
      storePair(p1 + off, f32x4.extract_lane(r01, 2), f32x4.extract_lane(r01, 3), o, v1);
      storePair(p2 + off, f32x4.extract_lane(r23, 0), f32x4.extract_lane(r23, 1), o, v2);
      storePair(p3 + off, f32x4.extract_lane(r23, 2), f32x4.extract_lane(r23, 3), o, v3);
    }
  }
  return bad;
}

@inline function storePair(p: usize, a: f32, b: f32, o: i32, valid: i32): void {
  if (o >= (valid >> 8)) return;
  store<f32>(p, a);
  if ((valid & 0xff) > 1) store<f32>(p, b, 4);
}

// ---- F(4, 5), one-dimensional ----
//
// Points 0, 1, -1, 2, -2, 1/2, -1/2 and infinity:
// B^T = [-1 0 21/4 0 -21/4 0 1 0;  0 1 1 -17/4 -17/4 1 1 0;  0 -1 1 17/4 -17/4 -1 1 0;
//        0 1/2 1/4 -5/2 -5/4 2 1 0;  0 -1/2 1/4 5/2 -5/4 -2 1 0;  0 2 4 -5/2 -5 1/2 1 0;
//        0 -2 4 5/2 -5 -1/2 1 0;  0 -1 0 21/4 0 -21/4 0 1]
// G   = [-1 0 0 0 0;  -2/9 (1 1 1 1 1);  -2/9 (1 -1 1 -1 1);  1/90 (1 2 4 8 16);  1/90 (1 -2 4 -8 16);
//        1/90 (64 32 16 8 4);  1/90 (64 -32 16 -8 4);  0 0 0 0 1]
// A^T = [1 1 1 1 1 1 1 0;  0 1 -1 2 -2 1/2 -1/2 0;  0 1 1 4 4 1/4 1/4 0;  0 1 -1 8 -8 1/8 -1/8 1]
// One dimension means few weight positions, so G stays as it is and A^T is plain.

/** V = B^T d for four 8-wide tiles at s0..s3 of one channel; position j to dst + j * posBytes. */
function inputTile45(dst: usize, posBytes: usize, s0: usize, s1: usize, s2: usize, s3: usize): void {
  let a0 = v128.load(s0), a1 = v128.load(s1), a2 = v128.load(s2), a3 = v128.load(s3);
  let t0 = lo(a0, a1), t1 = lo(a2, a3), t2 = hi(a0, a1), t3 = hi(a2, a3);
  const d0 = lo2(t0, t1), d1 = hi2(t0, t1), d2 = lo2(t2, t3), d3 = hi2(t2, t3);
  a0 = v128.load(s0, 16); a1 = v128.load(s1, 16); a2 = v128.load(s2, 16); a3 = v128.load(s3, 16);
  t0 = lo(a0, a1); t1 = lo(a2, a3); t2 = hi(a0, a1); t3 = hi(a2, a3);
  const d4 = lo2(t0, t1), d5 = hi2(t0, t1), d6 = lo2(t2, t3), d7 = hi2(t2, t3);
  v128.store(dst, add(sub(d6, d0), mul(sub(d2, d4), k(5.25))));
  v128.store(dst + 7 * posBytes, add(sub(d7, d1), mul(sub(d3, d5), k(5.25))));
  let p = sub(add(d2, d6), mul(d4, k(4.25)));
  let q = sub(add(d1, d5), mul(d3, k(4.25)));
  v128.store(dst + posBytes, add(p, q));
  v128.store(dst + 2 * posBytes, sub(p, q));
  p = add(sub(mul(d2, k(0.25)), mul(d4, k(1.25))), d6);
  q = add(sub(mul(d1, k(0.5)), mul(d3, k(2.5))), add(d5, d5));
  v128.store(dst + 3 * posBytes, add(p, q));
  v128.store(dst + 4 * posBytes, sub(p, q));
  p = add(sub(mul(d2, k(4)), mul(d4, k(5))), d6);
  q = add(sub(add(d1, d1), mul(d3, k(2.5))), mul(d5, k(0.5)));
  v128.store(dst + 5 * posBytes, add(p, q));
  v128.store(dst + 6 * posBytes, sub(p, q));
}

/** U = G g for five-tap g (lanes = channel pairs): position p to dst + p * step. */
@inline function weightTile45(g0: v128, g1: v128, g2: v128, g3: v128, g4_: v128, dst: usize, step: usize): void {
  const even = add(add(g0, g2), g4_), odd = add(g1, g3);
  v128.store(dst, mul(g0, k(-1)));
  v128.store(dst + step, mul(add(even, odd), k(-2.0 / 9)));
  v128.store(dst + 2 * step, mul(sub(even, odd), k(-2.0 / 9)));
  // 1, 2, 4, 8, 16 and 64, 32, 16, 8, 4: the even and odd halves, then their sum and difference.
  let e = add(add(g0, mul(g2, k(4))), mul(g4_, k(16)));
  let o = add(add(g1, g1), mul(g3, k(8)));
  v128.store(dst + 3 * step, mul(add(e, o), k(1.0 / 90)));
  v128.store(dst + 4 * step, mul(sub(e, o), k(1.0 / 90)));
  e = add(add(mul(g0, k(64)), mul(g2, k(16))), mul(g4_, k(4)));
  o = add(mul(g1, k(32)), mul(g3, k(8)));
  v128.store(dst + 5 * step, mul(add(e, o), k(1.0 / 90)));
  v128.store(dst + 6 * step, mul(sub(e, o), k(1.0 / 90)));
  v128.store(dst + 7 * step, g4_);
}

/** U = G g of `rows` output channels (weights [rows][icg][5]) into the micro-kernel's A panel (as weights). */
function weights45(u: usize, uStep: usize, u4: usize, u4Step: usize, w: usize, icg: i32, rows: i32): void {
  const chBytes = <usize>icg * 20;
  const w0 = w;
  const w1 = rows > 1 ? w0 + chBytes : ZEROS;
  const w2 = rows > 2 ? w0 + 2 * chBytes : ZEROS;
  const w3 = rows > 3 ? w0 + 3 * chBytes : ZEROS;
  const ic1: usize = rows > 1 ? 20 : 0, ic2: usize = rows > 2 ? 20 : 0, ic3: usize = rows > 3 ? 20 : 0;
  for (let ic = 0; ic < icg; ic++) {
    const q0 = w0 + <usize>ic * 20, q1 = w1 + <usize>ic * ic1, q2 = w2 + <usize>ic * ic2, q3 = w3 + <usize>ic * ic3;
    const a0 = v128.load(q0), a1 = v128.load(q1), a2 = v128.load(q2), a3 = v128.load(q3);
    const t0 = lo(a0, a1), t1 = lo(a2, a3), t2 = hi(a0, a1), t3 = hi(a2, a3);
    weightTile45(lo2(t0, t1), hi2(t0, t1), lo2(t2, t3), hi2(t2, t3), gather(q0, q1, q2, q3, 16), u + (<usize>ic << 4), uStep);
  }
  if (rows == MR) {
    const w4 = w0 + 4 * chBytes;
    for (let ic = 0; ic < icg; ic += 4) {
      const n = min(4, icg - ic);
      const q0 = w4 + <usize>ic * 20;
      const q1 = q0 + (n > 1 ? 20 : 0), q2 = q0 + (n > 2 ? 40 : 0), q3 = q0 + (n > 3 ? 60 : 0);
      weightTile45(gather(q0, q1, q2, q3, 0), gather(q0, q1, q2, q3, 4), gather(q0, q1, q2, q3, 8),
        gather(q0, q1, q2, q3, 12), gather(q0, q1, q2, q3, 16), u4 + (<usize>ic << 2), u4Step);
    }
  }
}

/** Y = A^T M + bias for four 4-wide tiles of one output channel (as outputTiles4, one row). */
function outputTiles45(y: usize, m: usize, rowBytes: usize, bias: v128, outOff: usize, valid: usize, whole: i32): v128 {
  const m0 = v128.load(m), m1 = v128.load(m + rowBytes), m2 = v128.load(m + 2 * rowBytes), m3 = v128.load(m + 3 * rowBytes);
  const m4 = v128.load(m + 4 * rowBytes), m5 = v128.load(m + 5 * rowBytes), m6 = v128.load(m + 6 * rowBytes), m7 = v128.load(m + 7 * rowBytes);
  const a = add(m1, m2), b = sub(m1, m2), c = add(m3, m4), d = sub(m3, m4), e = add(m5, m6), f = sub(m5, m6);
  const y0 = add(add(add(m0, a), add(c, e)), bias);
  const y1 = add(add(b, add(d, d)), add(mul(f, k(0.5)), bias));
  const y2 = add(add(a, mul(c, k(4))), add(mul(e, k(0.25)), bias));
  const y3 = add(add(add(b, mul(d, k(8))), mul(f, k(0.125))), add(m7, bias));
  const t0 = lo(y0, y1), t1 = lo(y2, y3), t2 = hi(y0, y1), t3 = hi(y2, y3);
  const r0 = lo2(t0, t1), r1 = hi2(t0, t1), r2 = lo2(t2, t3), r3 = hi2(t2, t3);
  const v0 = load<i32>(valid), v1 = load<i32>(valid, 4), v2 = load<i32>(valid, 8), v3 = load<i32>(valid, 12);
  const p0 = y + (<usize>load<i32>(outOff) << 2), p1 = y + (<usize>load<i32>(outOff, 4) << 2);
  const p2 = y + (<usize>load<i32>(outOff, 8) << 2), p3 = y + (<usize>load<i32>(outOff, 12) << 2);
  if ((v0 & v1 & v2 & v3) == whole) {
    v128.store(p0, r0);
    v128.store(p1, r1);
    v128.store(p2, r2);
    v128.store(p3, r3);
  } else {
    storePart(p0, r0, 0, v0);
    storePart(p1, r1, 0, v1);
    storePart(p2, r2, 0, v2);
    storePart(p3, r3, 0, v3);
  }
  return add(add(sub(r0, r0), sub(r1, r1)), add(sub(r2, r2), sub(r3, r3)));
}

// ---- weights and the GEMM ----

/**
 * U' = G' g G'^T of `rows` (1..5) output channels (weights at w, [rows][icg][3][3]) into
 * the A panel of the micro-kernel: channels 0-3 as [position][icg][4] at u (lanes =
 * channels, one store per position), channel 4 as [position][icg rounded up to 4] at u4
 * (lanes = four input channels). Missing channels 1-3 read zeros; a missing channel 4 is
 * left to the caller.
 */
function weights(u: usize, uStep: usize, u4: usize, u4Step: usize, w: usize, icg: i32, rows: i32, v: i32): void {
  const chBytes = <usize>icg * 36;
  const w0 = w;
  const w1 = rows > 1 ? w0 + chBytes : ZEROS;
  const w2 = rows > 2 ? w0 + 2 * chBytes : ZEROS;
  const w3 = rows > 3 ? w0 + 3 * chBytes : ZEROS;
  const ic1: usize = rows > 1 ? 36 : 0, ic2: usize = rows > 2 ? 36 : 0, ic3: usize = rows > 3 ? 36 : 0;
  for (let ic = 0; ic < icg; ic++) {
    const q0 = w0 + <usize>ic * 36, q1 = w1 + <usize>ic * ic1, q2 = w2 + <usize>ic * ic2, q3 = w3 + <usize>ic * ic3;
    // Four rows of nine -> nine vectors with lanes = channels.
    const a0 = v128.load(q0), a1 = v128.load(q1), a2 = v128.load(q2), a3 = v128.load(q3);
    let t0 = lo(a0, a1), t1 = lo(a2, a3), t2 = hi(a0, a1), t3 = hi(a2, a3);
    const g0 = lo2(t0, t1), g1 = hi2(t0, t1), g2_ = lo2(t2, t3), g3 = hi2(t2, t3);
    const b0 = v128.load(q0, 16), b1 = v128.load(q1, 16), b2 = v128.load(q2, 16), b3 = v128.load(q3, 16);
    t0 = lo(b0, b1); t1 = lo(b2, b3); t2 = hi(b0, b1); t3 = hi(b2, b3);
    const g4_ = lo2(t0, t1), g5 = hi2(t0, t1), g6 = lo2(t2, t3), g7 = hi2(t2, t3);
    const g8 = gather(q0, q1, q2, q3, 32);
    const dst = u + (<usize>ic << 4);
    if (v == WINOGRAD_4X4_3X3) weightTile4(g0, g1, g2_, g3, g4_, g5, g6, g7, g8, dst, uStep);
    else weightTile2(g0, g1, g2_, g3, g4_, g5, g6, g7, g8, dst, uStep);
  }
  if (rows == MR) {
    const w4 = w0 + 4 * chBytes;
    for (let ic = 0; ic < icg; ic += 4) {
      // Lanes past the last input channel repeat it; they land in the row's padding.
      const n = min(4, icg - ic);
      const q0 = w4 + <usize>ic * 36;
      const q1 = q0 + (n > 1 ? 36 : 0), q2 = q0 + (n > 2 ? 72 : 0), q3 = q0 + (n > 3 ? 108 : 0);
      const g0 = gather(q0, q1, q2, q3, 0), g1 = gather(q0, q1, q2, q3, 4), g2_ = gather(q0, q1, q2, q3, 8);
      const g3 = gather(q0, q1, q2, q3, 12), g4_ = gather(q0, q1, q2, q3, 16), g5 = gather(q0, q1, q2, q3, 20);
      const g6 = gather(q0, q1, q2, q3, 24), g7 = gather(q0, q1, q2, q3, 28), g8 = gather(q0, q1, q2, q3, 32);
      const dst = u4 + (<usize>ic << 2);
      if (v == WINOGRAD_4X4_3X3) weightTile4(g0, g1, g2_, g3, g4_, g5, g6, g7, g8, dst, u4Step);
      else weightTile2(g0, g1, g2_, g3, g4_, g5, g6, g7, g8, dst, u4Step);
    }
  }
}

/** Lanes = four rows at q0..q3: the float at byte offset `off` of each. */
@inline function gather(q0: usize, q1: usize, q2: usize, q3: usize, off: usize): v128 {
  let v = f32x4.splat(load<f32>(q0 + off));
  v = f32x4.replace_lane(v, 1, load<f32>(q1 + off));
  v = f32x4.replace_lane(v, 2, load<f32>(q2 + off));
  return f32x4.replace_lane(v, 3, load<f32>(q3 + off));
}

/**
 * One 5x8 tile of M = U V over kc input channels: rows 0-3 of U at a03 ([k][4]), row 4 at
 * a4 ([k]), V panel at pb ([k][8]); stores the first `rows` rows at c (row stride ldc
 * floats). The register plan of gemm.ts's micro-kernel: ten accumulators, two B vectors,
 * the A vector, one broadcast and one product fit the 15 xmm registers V8 uses.
 */
function micro(a03: usize, a4: usize, pb: usize, kc: i32, c: usize, ldc: i32, rows: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  for (let i = 0; i < kc; i++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const av = v128.load(a03);
    let s = v128.shuffle<f32>(av, av, 0, 0, 0, 0);
    c00 = f32x4.add(c00, f32x4.mul(s, b0));
    c01 = f32x4.add(c01, f32x4.mul(s, b1));
    s = v128.shuffle<f32>(av, av, 1, 1, 1, 1);
    c10 = f32x4.add(c10, f32x4.mul(s, b0));
    c11 = f32x4.add(c11, f32x4.mul(s, b1));
    s = v128.shuffle<f32>(av, av, 2, 2, 2, 2);
    c20 = f32x4.add(c20, f32x4.mul(s, b0));
    c21 = f32x4.add(c21, f32x4.mul(s, b1));
    s = v128.shuffle<f32>(av, av, 3, 3, 3, 3);
    c30 = f32x4.add(c30, f32x4.mul(s, b0));
    c31 = f32x4.add(c31, f32x4.mul(s, b1));
    s = v128.load32_splat(a4);
    c40 = f32x4.add(c40, f32x4.mul(s, b0));
    c41 = f32x4.add(c41, f32x4.mul(s, b1));
    a03 += 16;
    a4 += 4;
    pb += 32;
  }
  const rowBytes = <usize>ldc << 2;
  v128.store(c, c00); v128.store(c, c01, 16);
  if (rows > 1) { const r = c + rowBytes; v128.store(r, c10); v128.store(r, c11, 16); }
  if (rows > 2) { const r = c + 2 * rowBytes; v128.store(r, c20); v128.store(r, c21, 16); }
  if (rows > 3) { const r = c + 3 * rowBytes; v128.store(r, c30); v128.store(r, c31, 16); }
  if (rows > 4) { const r = c + 4 * rowBytes; v128.store(r, c40); v128.store(r, c41, 16); }
}
