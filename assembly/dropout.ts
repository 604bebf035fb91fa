// Dropout in training mode: out = x * factor (+ addend for alpha dropout), with one random
// keep/drop decision per unit of `unitSize` floats (1 for dropout and alpha dropout, a
// whole channel plane for dropout1d/2d/3d and feature alpha dropout).
//
// Decisions come from the library's one seeded generator (random.ts): `units` uniform
// draws u in [0, 1) written to `draws`; a unit is kept when u >= p, so with probability
// 1 - p, as PyTorch's bernoulli_(1 - p). As in PyTorch, a dropped value is x * 0 (NaN
// stays NaN) and a kept one x * keepFactor; alpha dropout adds keepAdd or dropAdd.
// p >= 1 draws nothing and gives x * 0 (PyTorch's p == 1 case, for alpha dropout too).
// REQUIRES: x, out [units * unitSize] (out may equal x); draws [units]; p > 0.

import { randomUniform_f32 } from "./random";

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

export function dropout_f32(out: usize, x: usize, draws: usize, units: i32, unitSize: i32, p: f32, keepFactor: f32, keepAdd: f32, dropAdd: f32, alpha: i32): void {
  if (p >= 1) {
    scaleRun(out, x, units * unitSize, 0, 0, false);
    return;
  }
  randomUniform_f32(draws, units, 0.0, 1.0);
  if (unitSize == 1) {
    elementwise(out, x, draws, units, p, keepFactor, keepAdd, dropAdd, alpha != 0);
    return;
  }
  for (let u = 0; u < units; u++) {
    const kept = load<f32>(at(draws, u)) >= p;
    const factor: f32 = kept ? keepFactor : 0;
    const add: f32 = kept ? keepAdd : dropAdd;
    const first = <usize>u * <usize>unitSize << 2;
    scaleRun(out + first, x + first, unitSize, factor, add, alpha != 0);
  }
}

/** out[i] = x[i] * factor (+ add) for n floats. */
function scaleRun(out: usize, x: usize, n: i32, factor: f32, add: f32, alpha: bool): void {
  const f = f32x4.splat(factor);
  const a = f32x4.splat(add);
  let i = 0;
  if (alpha) {
    for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.add(f32x4.mul(v128.load(at(x, i)), f), a));
    for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(x, i)) * factor + add);
  } else {
    for (; i + 4 <= n; i += 4) v128.store(at(out, i), f32x4.mul(v128.load(at(x, i)), f));
    for (; i < n; i++) store<f32>(at(out, i), load<f32>(at(x, i)) * factor);
  }
}

/** One decision per float: factor and addend chosen lane by lane from the draws. */
function elementwise(out: usize, x: usize, draws: usize, n: i32, p: f32, keepFactor: f32, keepAdd: f32, dropAdd: f32, alpha: bool): void {
  const pv = f32x4.splat(p);
  const kf = f32x4.splat(keepFactor);
  const ka = f32x4.splat(keepAdd);
  const da = f32x4.splat(dropAdd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const keep = f32x4.ge(v128.load(at(draws, i)), pv);
    const y = f32x4.mul(v128.load(at(x, i)), v128.and(keep, kf));
    v128.store(at(out, i), alpha ? f32x4.add(y, v128.bitselect(ka, da, keep)) : y);
  }
  for (; i < n; i++) {
    const kept = load<f32>(at(draws, i)) >= p;
    const y = load<f32>(at(x, i)) * (kept ? keepFactor : <f32>0);
    store<f32>(at(out, i), alpha ? y + (kept ? keepAdd : dropAdd) : y);
  }
}
