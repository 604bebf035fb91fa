// Sizes of the Winograd convolution (winograd.ts): how many tiles a chunk takes, and the
// scratch space a call needs for any thread's share of the tiles.

import { MR, NR } from "./gemm";
import { kernelCols, kernelRows, winogradPositions, winogradTileCols, winogradTileRows } from "./winograd_common";

/**
 * Bytes of transformed input (and weights) per chunk of tiles. A quarter of a 2 MiB L2
 * measured faster than a half (by 5-8% on 64 channels at 56x56 and 3 channels at 224x224)
 * and than an eighth; the weight transform repeated per chunk costs less than that.
 */
const CHUNK_BUDGET: i32 = 1 << 19;

// Padding added to the distance between tile positions in V and U: without it, a
// distance that is a multiple of 4 KiB puts all 36 positions in one L1 set.
export const SKEW: usize = 64;

/** Most tiles in one chunk: a multiple of 8 near CHUNK_BUDGET. */
@inline function maxChunkTiles(v: i32, icg: i32): i32 {
  const perTile = winogradPositions(v) * (icg + MR) * 4;
  const most = (CHUNK_BUDGET / perTile) & ~7;
  return most < 16 ? 16 : most;
}

/** Tiles per chunk (of N samples' T tiles): a multiple of 8, the GEMM's panel width, near CHUNK_BUDGET. */
export function winogradChunkTiles(v: i32, icg: i32, T: i32): i32 {
  const most = maxChunkTiles(v, icg);
  // As few chunks as fit (each one reads all the transformed weights again), of equal
  // size; a last chunk with fewer tiles computes only its own panels (winograd's `live`).
  const chunks = (T + most - 1) / most;
  return ((T + chunks - 1) / chunks + 7) & ~7;
}

/** Samples a chunk of tb tiles can touch: their inputs are padded into scratch together. */
@inline export function chunkSamples(tb: i32, T: i32, N: i32): i32 {
  return min(N, (tb + T - 2) / T + 1);
}

/** Bytes of scratch winograd() needs. */
export function winogradScratchBytes(v: i32, N: i32, icg: i32, OH: i32, OW: i32): i32 {
  const P = winogradPositions(v);
  const mh = winogradTileRows(v), mw = winogradTileCols(v);
  const TY = (OH + mh - 1) / mh, TX = (OW + mw - 1) / mw;
  const Hq = TY * mh + kernelRows(v) - 1, Wq = TX * mw + kernelCols(v) - 1;
  // A thread's share of the tiles may chunk differently: the bound holds for every share.
  const tb = min(maxChunkTiles(v, icg), (N * TY * TX + 7) & ~7);
  const icg4 = (icg + 3) & ~3;
  const pad = <i64>chunkSamples(tb, TY * TX, N) * icg * Hq * Wq + 4;
  // The accuracy guard's magnitude map (one plane per padded sample) and channel weights.
  const guard = <i64>chunkSamples(tb, TY * TX, N) * Hq * Wq + 4 + icg4;
  const floats = pad + guard + <i64>(P * icg * tb + P * icg * 4 + P * icg4 + MR * P * NR + 36 * 4 + 3 * tb);
  const bytes = floats * 4 + 3 * P * <i32>SKEW + 9 * 16;
  // A size past 2 GiB comes back negative: the caller reports it.
  return bytes > <i64>i32.MAX_VALUE ? -1 : <i32>bytes;
}
