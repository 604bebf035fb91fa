// The register path of pooling for stride 2, dilation 1 and kernel width 2 or 3 (the
// common 2-D poolings: 3x3/2 max pooling, 2x2/2 average pooling), the alternative to
// the two passes of pool_rows.ts. It skips the scratch row: the window rows are
// combined in registers and the even and odd columns split with shuffles.
//
// Functions here take their geometry positionally on purpose: they are inlined into the
// kernels' row loops, and stride2Rows passes literal row counts and kernel widths so that
// each combination compiles to its own straight-line loop.

import { EXACT_MAX, FAST_MAX, SUM, at, combine, neutral, rowAt } from "./pool_rows";
import { DET, STEP_OUT } from "./thread_area";

export { DET };

// The NaN detector of stride2Output.

/**
 * The family's one choice between this path and the general two passes: stride 2,
 * dilation 1 and kernel width 2 or 3, for rows whose window covers one to three input
 * rows (stride2Output checks the row count).
 */
@inline
export function stride2Applies(kW: i32, sW: i32, dW: i32): bool {
  return sW == 2 && dW == 1 && (kW == 2 || kW == 3);
}

/** First loaded column of output j is 2j + stepShift: 2j - pW, one further right when the carry supplies tap 0 (kW = 3). */
@inline
function stepShift(kW: i32, pW: i32): i32 {
  return kW == 3 ? 1 - pW : -pW;
}

/**
 * Outputs [j0, j1) of a stride-2 row with kernel width kW (2 or 3, dilation 1) from the
 * `nr` (1 to 3) rows r1, r2, r3, four per step, everything in registers. Each step
 * loads eight columns from every row and combines them vertically; the even and odd
 * columns then are the window's taps, and for kW = 3 the first tap is the odd columns
 * moved one lane up with the previous step's last one (`carry` before the first step).
 * Sums are multiplied by scale[j]. Returns the NaN detector for FAST_MAX.
 */
@inline
function stride2Row(out: usize, r1: usize, r2: usize, r3: usize, nr: i32, kW: i32, pW: i32, j0: i32, j1: i32, carry: f32, scale: usize, op: i32): v128 {
  let det = f32x4.splat(0);
  let prev = f32x4.splat(carry);
  const shift = stepShift(kW, pW);
  // Pointers advance by a step (8 columns in, 4 outputs out) instead of being recomputed.
  const c0 = 2 * j0 + shift;
  let p1 = at(r1, c0);
  let p2 = at(r2, c0);
  let p3 = at(r3, c0);
  let po = at(out, j0);
  let pc = at(scale, j0);
  for (let j = j0; j < j1; j += 4) {
    let a = v128.load(p1);
    let e = v128.load(p1, 16);
    let t = f32x4.add(a, e);
    if (nr >= 2) {
      const a2 = v128.load(p2);
      const e2 = v128.load(p2, 16);
      t = f32x4.add(t, f32x4.add(a2, e2));
      a = combine(a, a2, op);
      e = combine(e, e2, op);
    }
    if (nr >= 3) {
      const a3 = v128.load(p3);
      const e3 = v128.load(p3, 16);
      t = f32x4.add(t, f32x4.add(a3, e3));
      a = combine(a, a3, op);
      e = combine(e, e3, op);
    }
    if (op == FAST_MAX) det = f32x4.add(det, t);
    const odd = v128.shuffle<f32>(a, e, 1, 3, 5, 7);
    v128.store(po, stride2Taps(a, e, odd, prev, kW, pc, 0, op));
    prev = odd;
    p1 += 32;
    p2 += 32;
    p3 += 32;
    po += 16;
    pc += 16;
  }
  return det;
}

/** The four outputs of a step from the combined columns a (c..c+3) and e (c+4..c+7). */
@inline
function stride2Taps(a: v128, e: v128, odd: v128, prev: v128, kW: i32, scale: usize, j: i32, op: i32): v128 {
  const even = v128.shuffle<f32>(a, e, 0, 2, 4, 6);
  let acc = kW == 3 ? combine(combine(v128.shuffle<f32>(prev, odd, 3, 4, 5, 6), even, op), odd, op) : combine(even, odd, op);
  if (op == SUM) acc = f32x4.mul(acc, v128.load(at(scale, j)));
  return acc;
}

/** stride2Row specialised on the row count and kernel width. */
@inline
function stride2Rows(out: usize, r1: usize, r2: usize, r3: usize, nr: i32, kW: i32, pW: i32, j0: i32, j1: i32, carry: f32, scale: usize, op: i32): v128 {
  if (kW == 3) {
    if (nr == 1) return stride2Row(out, r1, r1, r1, 1, 3, pW, j0, j1, carry, scale, op);
    if (nr == 2) return stride2Row(out, r1, r2, r1, 2, 3, pW, j0, j1, carry, scale, op);
    return stride2Row(out, r1, r2, r3, 3, 3, pW, j0, j1, carry, scale, op);
  }
  if (nr == 1) return stride2Row(out, r1, r1, r1, 1, 2, pW, j0, j1, carry, scale, op);
  if (nr == 2) return stride2Row(out, r1, r2, r1, 2, 2, pW, j0, j1, carry, scale, op);
  return stride2Row(out, r1, r2, r3, 3, 2, pW, j0, j1, carry, scale, op);
}

/** Lane 0: the rows' values at column c combined (c inside the rows). */
@inline
function columnAt(r1: usize, r2: usize, r3: usize, nr: i32, c: i32, op: i32): f32 {
  const how = op == SUM ? SUM : EXACT_MAX;
  let v = v128.load32_splat(at(r1, c));
  if (nr >= 2) v = combine(v, v128.load32_splat(at(r2, c)), how);
  if (nr >= 3) v = combine(v, v128.load32_splat(at(r3, c)), how);
  return f32x4.extract_lane(v, 0);
}

// Outputs of a step that reaches past the end of the output row go through STEP_OUT (thread_area.ts).

/**
 * The step of outputs [j, min(j + 4, oW)) whose columns reach past an end of the rows:
 * the same loads, with the lanes outside [0, iW) replaced by the neutral value.
 * Reads up to 7 floats beyond the rows (or 1 before them): the caller makes sure that
 * memory is there.
 */
@inline
function stride2Masked(out: usize, r1: usize, r2: usize, r3: usize, nr: i32, iW: i32, oW: i32, kW: i32, pW: i32, j: i32, scale: usize, op: i32): v128 {
  const shift = stepShift(kW, pW);
  const c = 2 * j + shift;
  const none = f32x4.splat(neutral(op));
  const cols = i32x4.add(i32x4.splat(c), i32x4(0, 1, 2, 3));
  const limit = i32x4.splat(iW);
  const inA = v128.and(i32x4.ge_s(cols, i32x4.splat(0)), i32x4.lt_s(cols, limit));
  const inE = i32x4.lt_s(i32x4.add(cols, i32x4.splat(4)), limit);
  let a = none;
  let e = none;
  let t = f32x4.splat(0);
  for (let k = 0; k < nr; k++) {
    const row = k == 0 ? r1 : k == 1 ? r2 : r3;
    const ak = v128.load(at(row, c));
    const ek = v128.load(at(row, c), 16);
    t = f32x4.add(t, f32x4.add(v128.and(ak, inA), v128.and(ek, inE)));
    a = combine(a, v128.bitselect(ak, none, inA), op);
    e = combine(e, v128.bitselect(ek, none, inE), op);
  }
  let carry = neutral(op);
  if (kW == 3 && c > 0) {
    carry = columnAt(r1, r2, r3, nr, c - 1, op);
    t = f32x4.add(t, f32x4.splat(carry));
  }
  const acc = stride2Taps(a, e, v128.shuffle<f32>(a, e, 1, 3, 5, 7), f32x4.splat(carry), kW, scale, j, op);
  if (j + 4 <= oW) {
    v128.store(at(out, j), acc);
  } else {
    v128.store(STEP_OUT, acc);
    for (let q = j; q < oW; q++) store<f32>(at(out, q), load<f32>(at(STEP_OUT, q - j)));
  }
  return t;
}

/**
 * One output row of stride 2, dilation 1, kernel width 2 or 3 from one to three rows:
 * stride2Row in place while a step's loads stay inside the rows, stride2Masked for the
 * steps at the ends (their loads stray at most 7 floats past a row, or 1 before it:
 * harmless inside the input, and the last rows of the input, where it would leave the
 * buffer, take the general path instead). Returns false for those and for windows of
 * no or more than three rows, else true with the NaN detector (FAST_MAX) in DET.
 */
@inline
export function stride2Output(out: usize, src: usize, rows: usize, nr: i32, iW: i32, oW: i32, kW: i32, pW: i32, jIn: i32, jEnd: i32, scale: usize, inputEnd: usize, op: i32): bool {
  if (nr < 1 || nr > 3) return false;
  const shift = stepShift(kW, pW);
  const r1 = rowAt(src, rows, 1);
  const r2 = nr >= 2 ? rowAt(src, rows, 2) : r1;
  const r3 = nr >= 3 ? rowAt(src, rows, 3) : r1;
  if (jEnd < oW || jIn > 0) {
    // The last edge step reads up to column 2*j + shift + 7 of every row.
    const j = jEnd < oW ? (oW - 1) & ~3 : 0;
    if (at(max(r1, max(r2, r3)), 2 * j + shift + 8) > inputEnd) return false;
  }
  let det = f32x4.splat(0);
  if (jEnd > jIn) {
    // Tap 0 of the first step is column -pW: padding, or column 0.
    const carry: f32 = pW == 0 && kW == 3 ? columnAt(r1, r2, r3, nr, 0, op) : neutral(op);
    det = stride2Rows(out, r1, r2, r3, nr, kW, pW, jIn, jEnd, carry, scale, op);
    if (op == FAST_MAX && pW == 0 && kW == 3) det = f32x4.add(det, f32x4.splat(carry));
  }
  for (let j = 0; j < min(jIn, oW); j += 4) det = f32x4.add(det, stride2Masked(out, r1, r2, r3, nr, iW, oW, kW, pW, j, scale, op));
  for (let j = max(jEnd, jIn); j < oW; j += 4) det = f32x4.add(det, stride2Masked(out, r1, r2, r3, nr, iW, oW, kW, pW, j, scale, op));
  v128.store(DET, det);
  return true;
}

/** First output of stride2Output's in-place steps: a step starting left of column 0 is an edge step. */
@inline
export function stride2Start(kW: i32, pW: i32): i32 {
  return stepShift(kW, pW) < 0 ? 4 : 0;
}

/** End of stride2Output's in-place steps: whole steps whose eight loads stay inside the row. */
@inline
export function stride2End(iW: i32, oW: i32, kW: i32, pW: i32): i32 {
  const jIn = stride2Start(kW, pW);
  const last = (iW - 8 - stepShift(kW, pW)) >> 1; // largest j whose step loads stay in the row
  if (last < jIn || oW - jIn < 4) return jIn;
  return jIn + 4 * min((oW - jIn) >> 2, ((last - jIn) >> 2) + 1);
}
