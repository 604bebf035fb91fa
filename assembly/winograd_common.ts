// Parts the Winograd transforms (winograd_3x3.ts, winograd_1d.ts) and their driver
// (winograd.ts) share: the variants and their tile geometry, and v128 shorthands.

// The variants (WINOGRAD_* in abi.ts): output tile (rows x columns), kernel (rows x columns).
import { WINOGRAD_NONE, WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3, WINOGRAD_4_5 } from "./abi";
import { FINITE } from "./thread_area";
export { WINOGRAD_NONE, WINOGRAD_2X2_3X3, WINOGRAD_4X4_3X3, WINOGRAD_4_5 };

@inline export function winogradTileRows(v: i32): i32 { return v == WINOGRAD_2X2_3X3 ? 2 : v == WINOGRAD_4X4_3X3 ? 4 : 1; }
@inline export function winogradTileCols(v: i32): i32 { return v == WINOGRAD_2X2_3X3 ? 2 : 4; }
@inline export function kernelRows(v: i32): i32 { return v == WINOGRAD_4_5 ? 1 : 3; }
@inline export function kernelCols(v: i32): i32 { return v == WINOGRAD_4_5 ? 5 : 3; }
/** Tile positions: the GEMMs per chunk. */
export function winogradPositions(v: i32): i32 {
  return (winogradTileRows(v) + kernelRows(v) - 1) * (winogradTileCols(v) + kernelCols(v) - 1);
}

// FINITE (thread_area.ts): the sum of (y - y) over the results of a winograd() chunk, zero while all are finite.

/** Adds the (y - y) sums of some results to FINITE. */
@inline export function noteFinite(bad: v128): void {
  v128.store(FINITE, f32x4.add(v128.load(FINITE), bad));
}

// Nine zeros: the weights of a missing output channel in the last panel.
export const ZEROS: usize = memory.data(48, 16);

// ---- 4x4 transposes (lanes = tiles <-> lanes = columns) ----

@inline export function lo(a: v128, b: v128): v128 { return v128.shuffle<f32>(a, b, 0, 4, 1, 5); }
@inline export function hi(a: v128, b: v128): v128 { return v128.shuffle<f32>(a, b, 2, 6, 3, 7); }
@inline export function lo2(a: v128, b: v128): v128 { return v128.shuffle<f32>(a, b, 0, 1, 4, 5); }
@inline export function hi2(a: v128, b: v128): v128 { return v128.shuffle<f32>(a, b, 2, 3, 6, 7); }

@inline export function k(x: f32): v128 { return f32x4.splat(x); }
@inline export function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline export function sub(a: v128, b: v128): v128 { return f32x4.sub(a, b); }
@inline export function mul(a: v128, b: v128): v128 { return f32x4.mul(a, b); }

/** Lanes = four rows at q0..q3: the float at byte offset `off` of each. */
@inline export function gather(q0: usize, q1: usize, q2: usize, q3: usize, off: usize): v128 {
  let v = f32x4.splat(load<f32>(q0 + off));
  v = f32x4.replace_lane(v, 1, load<f32>(q1 + off));
  v = f32x4.replace_lane(v, 2, load<f32>(q2 + off));
  return f32x4.replace_lane(v, 3, load<f32>(q3 + off));
}

/** Where tile lane l (0..3) of an output channel at y goes: y + outOff[l] floats. */
@inline export function tileAt(y: usize, outOff: usize, l: i32): usize {
  return y + (<usize>load<i32>(outOff + (<usize>l << 2)) << 2);
}

/** Row `o` of a tile with (rows << 8 | columns) valid: its first `columns` floats, if o < rows. */
@inline export function storePart(p: usize, r: v128, o: i32, valid: i32): void {
  if (o >= (valid >> 8)) return;
  const cols = valid & 0xff;
  if (cols >= 4) { v128.store(p, r); return; }
  store<f32>(p, f32x4.extract_lane(r, 0));
  if (cols > 1) store<f32>(p, f32x4.extract_lane(r, 1), 4);
  if (cols > 2) store<f32>(p, f32x4.extract_lane(r, 2), 8);
}
