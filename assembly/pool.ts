// Pooling over float32 planes: max (with or without argmax indices), average,
// power-average (LPPool) and adaptive average / max.
//
// Layout: `planes` = N*C contiguous planes of iD x iH x iW input elements; the output
// holds as many planes of oD x oH x oW. 1-D and 2-D pooling run as 3-D with size-1
// depth (and height), kernel 1, stride 1, padding 0 and dilation 1 there.
//
// Max and average pooling are separable: every output of a row (od, oh) reads the same
// input rows. So the kernels first reduce those rows column by column (one contiguous
// SIMD pass) into a scratch row framed with the padding's neutral value (-inf for max,
// 0 for sums), then reduce along that row with the kernel's stride and dilation, four
// outputs per v128. The frame makes the second pass free of bounds checks. Stride 2
// with kernel width 2 or 3 (the common 2-D poolings) skips the scratch row: the window
// rows are combined in registers and the even and odd columns split with shuffles.
//
// Wasm's f32x4.max (NaN- and signed-zero-exact) costs about eight x86 instructions,
// f32x4.pmax one. Max pooling therefore runs with pmax and sums every loaded vector on
// the side: the sum is NaN whenever a NaN (or both infinities) went in, and then that
// output row is recomputed with the exact max. Without NaNs the values are the same;
// only the sign of a zero maximum may differ from PyTorch's when -0 and +0 tie.
// Argmax needs PyTorch's visiting order for ties (row-major through the window, the
// first maximum wins, the last NaN wins), which separation would change; it visits
// taps in that order instead, four outputs per v128 inside the input and scalar code
// on the border columns.
//
// Scratch (reserved by the caller, 16-byte aligned; pool_scratch_bytes and
// adaptive_pool_scratch_bytes give the size): the framed row, the window's row offsets
// and, for averages, the divisor factors along W and a row of scales.

const NEG_INF: f32 = -Infinity;

// How values combine: exact max (NaN-propagating), fast max (pmax; the caller checks
// for NaNs), or sum.
const EXACT_MAX = 0;
const FAST_MAX = 1;
const SUM = 2;

// Lanes of the argmax merge (4 floats, then 4 int32).
const LANES: usize = memory.data(32, 16);
// The NaN detector of stride2Output.
const DET: usize = memory.data(16, 16);

// ---------------------------------------------------------------- shared helpers

@inline
function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** Elements of the framed scratch row: the reach of the last window, at least the padded input. */
@inline
function rowSpan(iW: i32, oW: i32, kW: i32, sW: i32, pW: i32, dW: i32): i32 {
  const reach = (oW - 1) * sW + (kW - 1) * dW + 1;
  return reach > pW + iW ? reach : pW + iW;
}

/** Bytes of the scratch row for `span` elements: 8 spare elements keep 16-byte alignment. */
@inline
function rowBytes(span: i32): usize {
  return <usize>((span + 8) & ~3) << 2;
}

function fill(p: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(p, i), v);
  for (; i < n; i++) store<f32>(at(p, i), value);
}

/** The first tap at or after 0 of a window starting at `start` with spacing `step`. */
@inline
function firstTap(start: i32, step: i32): i32 {
  return start >= 0 ? start : start + ((step - 1 - start) / step) * step;
}

/**
 * Lists the input rows (kd, kh) a window starting at (dStart, hStart) covers, in
 * visiting order: rows[1..n] are the element offsets (id*iH + ih)*iW of the rows inside
 * the input. rows[0] is the offset of the first non-negative taps (id0, ih0) even when
 * they fall past the input: PyTorch's initial argmax for a window entirely in padding.
 */
@inline
function windowRows(rows: usize, dStart: i32, hStart: i32, iD: i32, iH: i32, iW: i32, kD: i32, kH: i32, dD: i32, dH: i32): i32 {
  store<i32>(rows, (firstTap(dStart, dD) * iH + firstTap(hStart, dH)) * iW);
  let n = 0;
  for (let kd = 0; kd < kD; kd++) {
    const id = dStart + kd * dD;
    if (id < 0 || id >= iD) continue;
    for (let kh = 0; kh < kH; kh++) {
      const ih = hStart + kh * dH;
      if (ih < 0 || ih >= iH) continue;
      n++;
      store<i32>(at(rows, n), (id * iH + ih) * iW);
    }
  }
  return n;
}

@inline
function combine(a: v128, b: v128, op: i32): v128 {
  if (op == SUM) return f32x4.add(a, b);
  return op == FAST_MAX ? f32x4.pmax(a, b) : f32x4.max(a, b);
}

/**
 * Adds b to a, or PyTorch's max step: b replaces a when greater or NaN. Done in vector
 * registers because V8 compiles a scalar float select to branches, which mispredict
 * on every other random value.
 */
@inline
function combine1(a: f32, b: f32, op: i32): f32 {
  if (op == SUM) return a + b;
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  return f32x4.extract_lane(v128.bitselect(vb, va, takes(vb, va)), 0);
}

/** PyTorch's max-pooling rule, per lane: v replaces the running maximum when greater, or when NaN. */
@inline
function takes(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
}

/** The side sum of fast max: true when a NaN (or +inf with -inf) was among the values. */
@inline
function suspicious(det: v128): bool {
  return v128.any_true(f32x4.ne(det, det));
}

/**
 * dst[c] = a[c] (op) b[c] (op) e[c] for c < n, with only the first `count` (1 to 3) of
 * a, b, e. For FAST_MAX adds everything read to `det` (see `suspicious`) and returns it.
 */
@inline
function combineRows(dst: usize, a: usize, b: usize, e: usize, count: i32, n: i32, op: i32, det: v128): v128 {
  let c = 0;
  for (; c + 4 <= n; c += 4) {
    let v = v128.load(at(a, c));
    let t = v;
    if (count >= 2) {
      const w = v128.load(at(b, c));
      t = f32x4.add(t, w);
      v = combine(v, w, op);
    }
    if (count >= 3) {
      const w = v128.load(at(e, c));
      t = f32x4.add(t, w);
      v = combine(v, w, op);
    }
    if (op == FAST_MAX) det = f32x4.add(det, t);
    v128.store(at(dst, c), v);
  }
  for (; c < n; c++) {
    let v = load<f32>(at(a, c));
    let t = v;
    if (count >= 2) {
      const w = load<f32>(at(b, c));
      t += w;
      v = combine1(v, w, op);
    }
    if (count >= 3) {
      const w = load<f32>(at(e, c));
      t += w;
      v = combine1(v, w, op);
    }
    if (op == FAST_MAX) det = f32x4.add(det, f32x4.splat(t));
    store<f32>(at(dst, c), v);
  }
  return det;
}

@inline
function rowAt(src: usize, rows: usize, r: i32): usize {
  return at(src, load<i32>(at(rows, r)));
}

/**
 * dst[c] = combination over the `nr` rows listed at rows[1..nr] of src[row + c], c < n,
 * three rows in the first pass and two more per later pass, so the scratch row is
 * written as few times as possible. Returns the NaN detector for FAST_MAX.
 */
@inline
function reduceRows(dst: usize, src: usize, rows: usize, nr: i32, n: i32, op: i32): v128 {
  let det = f32x4.splat(0);
  if (nr == 0) {
    fill(dst, n, op == SUM ? 0 : NEG_INF);
    return det;
  }
  const r1 = rowAt(src, rows, 1);
  if (nr == 1) return combineRows(dst, r1, r1, r1, 1, n, op, det);
  if (nr == 2) return combineRows(dst, r1, rowAt(src, rows, 2), r1, 2, n, op, det);
  det = combineRows(dst, r1, rowAt(src, rows, 2), rowAt(src, rows, 3), 3, n, op, det);
  let r = 3;
  for (; r + 1 < nr; r += 2) det = combineRows(dst, dst, rowAt(src, rows, r + 1), rowAt(src, rows, r + 2), 3, n, op, det);
  if (r < nr) det = combineRows(dst, dst, rowAt(src, rows, r + 1), dst, 2, n, op, det);
  return det;
}

/** Elements p[0], p[2], p[4], p[6], reading nothing past p[6]. */
@inline
function gather2(p: usize): v128 {
  return v128.shuffle<f32>(v128.load(p), v128.load(p, 12), 0, 2, 5, 7);
}

/** Elements p[0], p[s], p[2s], p[3s] (reads nothing past p[3s]). */
@inline
function gatherStride(p: usize, s: i32): v128 {
  if (s == 1) return v128.load(p);
  if (s == 2) return gather2(p);
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(at(p, s)));
  v = f32x4.replace_lane(v, 2, load<f32>(at(p, 2 * s)));
  return f32x4.replace_lane(v, 3, load<f32>(at(p, 3 * s)));
}

/**
 * out[j] = combination over kw < kW of src[j*sW + kw*dW], j < oW. Only src[0, avail)
 * is read. Strides 1 and 2 run four outputs per v128 (stride 2 with dilation 1 takes
 * two taps from each pair of loads); other strides and the last outputs are scalar.
 */
@inline
function reduceAlong(out: usize, src: usize, avail: i32, oW: i32, kW: i32, sW: i32, dW: i32, op: i32): void {
  const reach = (kW - 1) * dW;
  let j = 0;
  if (sW == 1) {
    for (; j + 4 <= oW && j + 3 + reach < avail; j += 4) {
      const p = at(src, j);
      let acc = v128.load(p);
      for (let kw = 1; kw < kW; kw++) acc = combine(acc, v128.load(at(p, kw * dW)), op);
      v128.store(at(out, j), acc);
    }
  } else if (sW == 2 && dW == 1) {
    for (; j + 4 <= oW && 2 * j + 6 + reach < avail; j += 4) {
      const p = at(src, 2 * j);
      let acc: v128;
      let kw = 0;
      if (kW >= 2) {
        const a = v128.load(p);
        const b = v128.load(p, 16);
        acc = combine(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7), op);
        kw = 2;
      } else {
        acc = gather2(p);
        kw = 1;
      }
      for (; kw + 1 < kW; kw += 2) {
        const a = v128.load(at(p, kw));
        const b = v128.load(at(p, kw), 16);
        acc = combine(acc, combine(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7), op), op);
      }
      if (kw < kW) acc = combine(acc, gather2(at(p, kw)), op);
      v128.store(at(out, j), acc);
    }
  } else if (sW == 2) {
    for (; j + 4 <= oW && 2 * j + 6 + reach < avail; j += 4) {
      const p = at(src, 2 * j);
      let acc = gather2(p);
      for (let kw = 1; kw < kW; kw++) acc = combine(acc, gather2(at(p, kw * dW)), op);
      v128.store(at(out, j), acc);
    }
  }
  for (; j < oW; j++) {
    const p = at(src, j * sW);
    let acc = load<f32>(p);
    for (let kw = 1; kw < kW; kw++) acc = combine1(acc, load<f32>(at(p, kw * dW)), op);
    store<f32>(at(out, j), acc);
  }
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
  // First loaded column of output j: 2j - pW, one further right when the carry supplies tap 0.
  const shift = kW == 3 ? 1 - pW : -pW;
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

// Outputs of a step that reaches past the end of the output row go through here.
const STEP_OUT: usize = memory.data(16, 16);

/**
 * The step of outputs [j, min(j + 4, oW)) whose columns reach past an end of the rows:
 * the same loads, with the lanes outside [0, iW) replaced by the neutral value.
 * Reads up to 7 floats beyond the rows (or 1 before them): the caller makes sure that
 * memory is there.
 */
@inline
function stride2Masked(out: usize, r1: usize, r2: usize, r3: usize, nr: i32, iW: i32, oW: i32, kW: i32, pW: i32, j: i32, scale: usize, op: i32): v128 {
  const shift = kW == 3 ? 1 - pW : -pW;
  const c = 2 * j + shift;
  const neutral = f32x4.splat(op == SUM ? 0 : NEG_INF);
  const cols = i32x4.add(i32x4.splat(c), i32x4(0, 1, 2, 3));
  const limit = i32x4.splat(iW);
  const inA = v128.and(i32x4.ge_s(cols, i32x4.splat(0)), i32x4.lt_s(cols, limit));
  const inE = i32x4.lt_s(i32x4.add(cols, i32x4.splat(4)), limit);
  let a = neutral;
  let e = neutral;
  let t = f32x4.splat(0);
  for (let k = 0; k < nr; k++) {
    const row = k == 0 ? r1 : k == 1 ? r2 : r3;
    const ak = v128.load(at(row, c));
    const ek = v128.load(at(row, c), 16);
    t = f32x4.add(t, f32x4.add(v128.and(ak, inA), v128.and(ek, inE)));
    a = combine(a, v128.bitselect(ak, neutral, inA), op);
    e = combine(e, v128.bitselect(ek, neutral, inE), op);
  }
  let carry: f32 = op == SUM ? 0 : NEG_INF;
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
 * buffer, take the general path instead). Returns false for those, else true with the
 * NaN detector (FAST_MAX) in DET.
 */
@inline
function stride2Output(out: usize, src: usize, rows: usize, nr: i32, iW: i32, oW: i32, kW: i32, pW: i32, jIn: i32, jEnd: i32, scale: usize, inputEnd: usize, op: i32): bool {
  const shift = kW == 3 ? 1 - pW : -pW;
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
    const carry: f32 = pW == 0 && kW == 3 ? columnAt(r1, r2, r3, nr, 0, op) : op == SUM ? 0 : NEG_INF;
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
function stride2Start(kW: i32, pW: i32): i32 {
  return (kW == 3 ? 1 - pW : -pW) < 0 ? 4 : 0;
}

/** End of stride2Output's in-place steps: whole steps whose eight loads stay inside the row. */
@inline
function stride2End(iW: i32, oW: i32, kW: i32, pW: i32): i32 {
  const jIn = stride2Start(kW, pW);
  const last = (iW - 8 - (kW == 3 ? 1 - pW : -pW)) >> 1; // largest j whose step loads stay in the row
  if (last < jIn || oW - jIn < 4) return jIn;
  return jIn + 4 * min((oW - jIn) >> 2, ((last - jIn) >> 2) + 1);
}

/** Scratch bytes maxPool3d_f32, maxPool3d_with_indices_f32, avgPool3d_f32 and lpPool3d_f32 need (dW = 1 for average pooling). */
export function pool_scratch_bytes(iW: i32, oW: i32, kD: i32, kH: i32, kW: i32, sW: i32, pW: i32, dW: i32): usize {
  return rowBytes(rowSpan(iW, oW, kW, sW, pW, dW)) + (<usize>(kD * kH + 4) << 2) + (<usize>(oW + 4) << 3);
}

/** Scratch bytes adaptiveAvgPool3d_f32 and adaptiveMaxPool3d_f32 need. */
export function adaptive_pool_scratch_bytes(iD: i32, iH: i32, iW: i32): usize {
  return rowBytes(iW) + (<usize>(iD * iH + 4) << 2);
}

/** Sets the frame of the scratch row: [0, pW) and [pW + iW, span + 4) hold `value`. */
function frameRow(row: usize, pW: i32, iW: i32, span: i32, value: f32): void {
  fill(row, pW, value);
  fill(at(row, pW + iW), span + 4 - pW - iW, value);
}

// ---------------------------------------------------------------- max pooling

/**
 * Max pooling without indices.
 * out: planes x oD x oH x oW; input: planes x iD x iH x iW (both contiguous float32).
 * Padding acts as -inf; a NaN in a window makes that output NaN.
 * REQUIRES: sizes, kernel, stride, dilation >= 1; padding >= 0; oD/oH/oW from PyTorch's
 * pooling formula; scratch of pool_scratch_bytes(iW, oW, kD, kH, kW, sW, pW, dW).
 */
export function maxPool3d_f32(
  out: usize, input: usize, planes: i32,
  iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32,
  kD: i32, kH: i32, kW: i32, sD: i32, sH: i32, sW: i32,
  pD: i32, pH: i32, pW: i32, dD: i32, dH: i32, dW: i32,
  scratch: usize,
): void {
  const span = rowSpan(iW, oW, kW, sW, pW, dW);
  const row = scratch;
  const rows = scratch + rowBytes(span);
  frameRow(row, pW, iW, span, NEG_INF);
  const plane = iD * iH * iW;
  const inputEnd = input + (<usize>planes * <usize>plane << 2);
  const fused = sW == 2 && dW == 1 && (kW == 2 || kW == 3);
  const jIn = stride2Start(kW, pW);
  const jEnd = stride2End(iW, oW, kW, pW);
  let o = out;
  for (let p = 0; p < planes; p++) {
    const src = input + (<usize>p * <usize>plane << 2);
    for (let od = 0; od < oD; od++) {
      for (let oh = 0; oh < oH; oh++) {
        const nr = windowRows(rows, od * sD - pD, oh * sH - pH, iD, iH, iW, kD, kH, dD, dH);
        let det: v128;
        if (fused && nr >= 1 && nr <= 3 && stride2Output(o, src, rows, nr, iW, oW, kW, pW, jIn, jEnd, 0, inputEnd, FAST_MAX)) {
          det = v128.load(DET);
        } else {
          det = reduceRows(at(row, pW), src, rows, nr, iW, FAST_MAX);
          reduceAlong(o, row, span + 4, oW, kW, sW, dW, FAST_MAX);
        }
        if (suspicious(det)) {
          // A NaN (or both infinities) in these rows: redo the row with the exact max.
          reduceRows(at(row, pW), src, rows, nr, iW, EXACT_MAX);
          reduceAlong(o, row, span + 4, oW, kW, sW, dW, EXACT_MAX);
        }
        o = at(o, oW);
      }
    }
  }
}

/** One output of argmax pooling, visiting taps as PyTorch does (used on borders and tails). */
@inline
function argmaxAt(out: usize, idx: usize, src: usize, rows: usize, nr: i32, wStart: i32, kW: i32, dW: i32, iW: i32): void {
  const w0 = firstTap(wStart, dW);
  const wEnd = min(wStart + (kW - 1) * dW + 1, iW);
  // Lane 0 of vectors, so the choice is a bit select rather than a branch.
  let best = f32x4.splat(NEG_INF);
  let bestAt = i32x4.splat(load<i32>(rows) + w0);
  for (let r = 1; r <= nr; r++) {
    const base = load<i32>(at(rows, r));
    for (let w = w0; w < wEnd; w += dW) {
      const v = v128.load32_splat(at(src, base + w));
      const take = takes(v, best);
      best = v128.bitselect(v, best, take);
      bestAt = v128.bitselect(i32x4.splat(base + w), bestAt, take);
    }
  }
  store<f32>(out, f32x4.extract_lane(best, 0));
  store<i32>(idx, i32x4.extract_lane(bestAt, 0));
}

/** Four argmax outputs whose taps all lie inside the rows, one per lane. */
@inline
function argmax4(out: usize, idx: usize, src: usize, rows: usize, nr: i32, w: i32, col: v128, kW: i32, sW: i32, dW: i32): void {
  let best = f32x4.splat(NEG_INF);
  let bestAt = i32x4.add(i32x4.splat(load<i32>(rows, 4)), col);
  for (let r = 1; r <= nr; r++) {
    const base = load<i32>(at(rows, r));
    const p = at(src, base + w);
    const baseAt = i32x4.add(i32x4.splat(base), col);
    for (let kw = 0; kw < kW; kw++) {
      const v = gatherStride(at(p, kw * dW), sW);
      const take = takes(v, best);
      best = v128.bitselect(v, best, take);
      bestAt = v128.bitselect(i32x4.add(baseAt, i32x4.splat(kw * dW)), bestAt, take);
    }
  }
  v128.store(out, best);
  v128.store(idx, bestAt);
}

/** The SIMD columns [lo, hi) of one argmax output row, specialised by the caller on sW. */
@inline
function argmaxInterior(out: usize, idx: usize, src: usize, rows: usize, nr: i32, lo: i32, hi: i32, kW: i32, sW: i32, pW: i32, dW: i32): i32 {
  let ow = lo;
  let col = i32x4(lo * sW - pW, (lo + 1) * sW - pW, (lo + 2) * sW - pW, (lo + 3) * sW - pW);
  const step = i32x4.splat(4 * sW);
  for (; ow + 4 <= hi; ow += 4) {
    argmax4(at(out, ow), at(idx, ow), src, rows, nr, ow * sW - pW, col, kW, sW, dW);
    col = i32x4.add(col, step);
  }
  return ow;
}

/**
 * Max pooling with indices: out as maxPool3d_f32; indices (int32, same shape) hold the
 * flat position (id*iH + ih)*iW + iw of each maximum within its input plane, exactly as
 * PyTorch picks it: the first maximum in row-major window order, or the last NaN; a
 * window of -inf (or entirely in padding) points at its first non-negative tap.
 * REQUIRES: as maxPool3d_f32.
 */
export function maxPool3d_with_indices_f32(
  out: usize, indices: usize, input: usize, planes: i32,
  iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32,
  kD: i32, kH: i32, kW: i32, sD: i32, sH: i32, sW: i32,
  pD: i32, pH: i32, pW: i32, dD: i32, dH: i32, dW: i32,
  scratch: usize,
): void {
  const rows = scratch;
  const plane = iD * iH * iW;
  // Columns [lo, hi) have every tap inside the row.
  const lo = min((pW + sW - 1) / sW, oW);
  const last = iW - 1 + pW - (kW - 1) * dW;
  const hi = max(lo, last >= 0 ? min(last / sW + 1, oW) : 0);
  let o = out;
  let x = indices;
  for (let p = 0; p < planes; p++) {
    const src = input + (<usize>p * <usize>plane << 2);
    for (let od = 0; od < oD; od++) {
      for (let oh = 0; oh < oH; oh++) {
        const nr = windowRows(rows, od * sD - pD, oh * sH - pH, iD, iH, iW, kD, kH, dD, dH);
        let ow = 0;
        if (nr > 0) {
          for (; ow < lo; ow++) argmaxAt(at(o, ow), at(x, ow), src, rows, nr, ow * sW - pW, kW, dW, iW);
          if (sW == 1) ow = argmaxInterior(o, x, src, rows, nr, lo, hi, kW, 1, pW, dW);
          else if (sW == 2) ow = argmaxInterior(o, x, src, rows, nr, lo, hi, kW, 2, pW, dW);
          else ow = argmaxInterior(o, x, src, rows, nr, lo, hi, kW, sW, pW, dW);
        }
        for (; ow < oW; ow++) argmaxAt(at(o, ow), at(x, ow), src, rows, nr, ow * sW - pW, kW, dW, iW);
        o = at(o, oW);
        x = at(x, oW);
      }
    }
  }
}

// ---------------------------------------------------------------- average and power-average pooling

/**
 * Window size along one dimension for PyTorch's divisor: with countIncludePad the
 * window clipped to the padded input, otherwise clipped to the input itself.
 */
@inline
function windowCount(o: i32, s: i32, k: i32, pad: i32, n: i32, includePad: bool): i32 {
  const start = o * s - pad;
  const end = min(start + k, n + pad);
  return includePad ? end - start : min(end, n) - max(start, 0);
}

/** dst[c] = sum over the rows at rows[1..nr] of src[row + c]^p (PyTorch's x.pow(p)); SIMD for p = 1 and 2. */
@inline
function powRows(dst: usize, src: usize, rows: usize, nr: i32, n: i32, p: f32): void {
  if (p == 1) {
    reduceRows(dst, src, rows, nr, n, SUM);
    return;
  }
  fill(dst, n, 0);
  for (let r = 1; r <= nr; r++) {
    const rp = rowAt(src, rows, r);
    let c = 0;
    if (p == 2) {
      for (; c + 4 <= n; c += 4) {
        const v = v128.load(at(rp, c));
        v128.store(at(dst, c), f32x4.add(v128.load(at(dst, c)), f32x4.mul(v, v)));
      }
      for (; c < n; c++) {
        const v = load<f32>(at(rp, c));
        store<f32>(at(dst, c), load<f32>(at(dst, c)) + v * v);
      }
    } else {
      for (; c < n; c++) store<f32>(at(dst, c), load<f32>(at(dst, c)) + <f32>Math.pow(<f64>load<f32>(at(rp, c)), <f64>p));
    }
  }
}

/** (x * scale)^(1/p) for the finished sums of LPPool; SIMD square root for p = 2. */
@inline
function lpFinish(row: usize, scale: usize, n: i32, p: f32): void {
  let j = 0;
  if (p == 2) {
    for (; j + 4 <= n; j += 4) v128.store(at(row, j), f32x4.sqrt(f32x4.mul(v128.load(at(row, j)), v128.load(at(scale, j)))));
    for (; j < n; j++) store<f32>(at(row, j), Mathf.sqrt(load<f32>(at(row, j)) * load<f32>(at(scale, j))));
  } else {
    const inv = 1.0 / <f64>p;
    for (; j < n; j++) store<f32>(at(row, j), <f32>Math.pow(<f64>(load<f32>(at(row, j)) * load<f32>(at(scale, j))), inv));
  }
}

/**
 * Shared body of average and power-average pooling. Sums each window (of x^p when
 * `lp`), then scales by 1/divisor, where the divisor follows PyTorch's avg_pool rules:
 * divisorOverride when non-zero, else the window clipped to the padded input
 * (countIncludePad) or to the input. LPPool then multiplies by the kernel size and takes
 * the p-th root, as PyTorch's lp_pool does with avg_pool.
 */
@inline
function averageBody(
  out: usize, input: usize, planes: i32,
  iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32,
  kD: i32, kH: i32, kW: i32, sD: i32, sH: i32, sW: i32,
  pD: i32, pH: i32, pW: i32, includePad: bool, divisorOverride: i32,
  scratch: usize, lp: bool, p: f32,
): void {
  const span = rowSpan(iW, oW, kW, sW, pW, 1);
  const row = scratch;
  const rows = scratch + rowBytes(span);
  const countW = rows + ((<usize>(kD * kH + 4) & ~3) << 2);
  const scale = countW + ((<usize>(oW + 3) & ~3) << 2);
  frameRow(row, pW, iW, span, 0);
  for (let ow = 0; ow < oW; ow++) store<i32>(at(countW, ow), windowCount(ow, sW, kW, pW, iW, includePad));
  const kernelSize = <f32>(kD * kH * kW);
  const plane = iD * iH * iW;
  const inputEnd = input + (<usize>planes * <usize>plane << 2);
  const fused = sW == 2 && (kW == 2 || kW == 3);
  const jIn = stride2Start(kW, pW);
  const jEnd = stride2End(iW, oW, kW, pW);
  let scaleKey = -1;
  let o = out;
  for (let pl = 0; pl < planes; pl++) {
    const src = input + (<usize>pl * <usize>plane << 2);
    for (let od = 0; od < oD; od++) {
      const countD = windowCount(od, sD, kD, pD, iD, includePad);
      for (let oh = 0; oh < oH; oh++) {
        const countDH = countD * windowCount(oh, sH, kH, pH, iH, includePad);
        // The row of scales depends on the row only through countDH: rebuild it when that changes.
        if (countDH != scaleKey) {
          scaleKey = countDH;
          for (let ow = 0; ow < oW; ow++) {
            const divisor = divisorOverride != 0 ? divisorOverride : countDH * load<i32>(at(countW, ow));
            store<f32>(at(scale, ow), lp ? kernelSize / <f32>divisor : <f32>(1.0 / <f64>divisor));
          }
        }
        const nr = windowRows(rows, od * sD - pD, oh * sH - pH, iD, iH, iW, kD, kH, 1, 1);
        if (!lp && fused && nr >= 1 && nr <= 3 && stride2Output(o, src, rows, nr, iW, oW, kW, pW, jIn, jEnd, scale, inputEnd, SUM)) {
          // done in registers
        } else {
          if (lp) powRows(at(row, pW), src, rows, nr, iW, p);
          else reduceRows(at(row, pW), src, rows, nr, iW, SUM);
          reduceAlong(o, row, span + 4, oW, kW, sW, 1, SUM);
          if (lp) {
            lpFinish(o, scale, oW, p);
          } else {
            let j = 0;
            for (; j + 4 <= oW; j += 4) v128.store(at(o, j), f32x4.mul(v128.load(at(o, j)), v128.load(at(scale, j))));
            for (; j < oW; j++) store<f32>(at(o, j), load<f32>(at(o, j)) * load<f32>(at(scale, j)));
          }
        }
        o = at(o, oW);
      }
    }
  }
}

/**
 * Average pooling. out: planes x oD x oH x oW; input: planes x iD x iH x iW (float32).
 * countIncludePad: 1 counts padding (not the ceil-mode overhang) in the divisor;
 * divisorOverride: 0 for none.
 * REQUIRES: sizes, kernel, stride >= 1; 0 <= padding <= kernel / 2; every window starts
 * inside the input or its left padding; scratch of pool_scratch_bytes(iW, oW, kD, kH, kW, sW, pW, 1).
 */
export function avgPool3d_f32(
  out: usize, input: usize, planes: i32,
  iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32,
  kD: i32, kH: i32, kW: i32, sD: i32, sH: i32, sW: i32,
  pD: i32, pH: i32, pW: i32, countIncludePad: i32, divisorOverride: i32,
  scratch: usize,
): void {
  averageBody(out, input, planes, iD, iH, iW, oD, oH, oW, kD, kH, kW, sD, sH, sW, pD, pH, pW,
    countIncludePad != 0, divisorOverride, scratch, false, 1);
}

/**
 * Power-average pooling, PyTorch's lp_pool: (avg_pool(x^p) * kD*kH*kW)^(1/p) with no
 * padding; in ceil mode the last windows average over the part inside the input.
 * A negative window sum with a fractional 1/p gives NaN, as in PyTorch.
 * REQUIRES: as avgPool3d_f32 with zero padding; p != 0.
 */
export function lpPool3d_f32(
  out: usize, input: usize, planes: i32,
  iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32,
  kD: i32, kH: i32, kW: i32, sD: i32, sH: i32, sW: i32,
  p: f32, scratch: usize,
): void {
  averageBody(out, input, planes, iD, iH, iW, oD, oH, oW, kD, kH, kW, sD, sH, sW, 0, 0, 0,
    true, 0, scratch, true, p);
}

// ---------------------------------------------------------------- adaptive pooling

@inline
function binStart(i: i32, n: i32, out: i32): i32 {
  return <i32>((<i64>i * n) / out);
}

@inline
function binEnd(i: i32, n: i32, out: i32): i32 {
  return <i32>((<i64>(i + 1) * n + out - 1) / out);
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
    const h = combine(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1), op);
    const q = combine(h, v128.shuffle<f32>(h, h, 1, 0, 3, 2), op);
    acc = f32x4.extract_lane(q, 0);
  }
  for (; i < n; i++) acc = combine1(acc, load<f32>(at(p, i)), op);
  return acc;
}

@inline
function adaptiveBody(out: usize, input: usize, planes: i32, iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32, scratch: usize, op: i32): void {
  const row = scratch;
  const rows = scratch + rowBytes(iW);
  const plane = iD * iH * iW;
  let o = out;
  for (let p = 0; p < planes; p++) {
    const src = input + (<usize>p * <usize>plane << 2);
    for (let od = 0; od < oD; od++) {
      const d0 = binStart(od, iD, oD);
      const d1 = binEnd(od, iD, oD);
      for (let oh = 0; oh < oH; oh++) {
        const h0 = binStart(oh, iH, oH);
        const h1 = binEnd(oh, iH, oH);
        const nr = binRows(rows, d0, d1, h0, h1, iH, iW);
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
        o = at(o, oW);
      }
    }
  }
}

/**
 * Adaptive average pooling: output (od, oh, ow) averages the bin
 * [floor(i*in/out), ceil((i+1)*in/out)) along each dimension.
 * REQUIRES: all sizes >= 1; scratch of adaptive_pool_scratch_bytes(iD, iH, iW).
 */
export function adaptiveAvgPool3d_f32(out: usize, input: usize, planes: i32, iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32, scratch: usize): void {
  adaptiveBody(out, input, planes, iD, iH, iW, oD, oH, oW, scratch, SUM);
}

/**
 * Adaptive max pooling without indices (bins as adaptiveAvgPool3d_f32; NaN wins).
 * REQUIRES: as adaptiveAvgPool3d_f32.
 */
export function adaptiveMaxPool3d_f32(out: usize, input: usize, planes: i32, iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32, scratch: usize): void {
  adaptiveBody(out, input, planes, iD, iH, iW, oD, oH, oW, scratch, FAST_MAX);
}

/**
 * Adaptive max pooling with indices: flat positions within each input plane, chosen as
 * PyTorch does (first maximum in row-major bin order, or the last NaN; a bin of -inf
 * points at its first element). Each bin row is scanned four lanes at a time when wide;
 * lanes keep the same rule, and are merged so the result is the sequential one.
 * REQUIRES: all sizes >= 1.
 */
export function adaptiveMaxPool3d_with_indices_f32(
  out: usize, indices: usize, input: usize, planes: i32,
  iD: i32, iH: i32, iW: i32, oD: i32, oH: i32, oW: i32,
): void {
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
              if (w1 - w0 >= 8) {
                // Lane l scans w0+l, w0+l+4, ...: each lane keeps its own first maximum / last NaN.
                let lv = f32x4.splat(NEG_INF);
                let li = i32x4.splat(0);
                let cand = i32x4.add(i32x4.splat(base + w0), i32x4(0, 1, 2, 3));
                const four = i32x4.splat(4);
                for (; w + 4 <= w1; w += 4) {
                  const v = v128.load(at(src, base + w));
                  const take = takes(v, lv);
                  lv = v128.bitselect(v, lv, take);
                  li = v128.bitselect(cand, li, take);
                  cand = i32x4.add(cand, four);
                }
                // Merge the lanes as a sequential scan would: the last NaN if any, else
                // the largest value at its smallest position (lanes that never took a
                // value still hold -inf and are skipped).
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
                const best = f32x4.extract_lane(bestV, 0);
                if (nanAt >= 0) {
                  bestV = v128.load32_splat(at(src, nanAt));
                  bestAtV = i32x4.splat(nanAt);
                } else if (mv > best) {
                  bestV = f32x4.splat(mv);
                  bestAtV = i32x4.splat(mi);
                }
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
        o = at(o, oW);
        x = at(x, oW);
      }
    }
  }
}
