// Seeded random numbers. All draws happen here, in Wasm, so one seed gives bit-identical
// streams in every runtime (JS Math.log/cos may differ between engines; Wasm's
// float arithmetic and the AssemblyScript math library do not).
//
// Generator: xoroshiro128** (64-bit state words), seeded through splitmix64.

import { erfinv64, normalCdf64 } from "./special";

let s0: u64 = 0x9e3779b97f4a7c15;
let s1: u64 = 0xbf58476d1ce4e5b9;

function splitmix64(x: u64): u64 {
  x += 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

@inline function nextU64(): u64 {
  const a = s0;
  let b = s1;
  const result = rotl<u64>(a * 5, 7) * 9;
  b ^= a;
  s0 = rotl<u64>(a, 24) ^ b ^ (b << 16);
  s1 = rotl<u64>(b, 37);
  return result;
}

/** Uniform in [0, 1) with 53 random bits. */
@inline function nextUnit(): f64 {
  return <f64>(nextU64() >> 11) * 1.1102230246251565e-16; // 2^-53
}

/** Restarts the stream from a seed given as two 32-bit halves (JS numbers cannot carry a u64). */
export function randomSeed(lo: u32, hi: u32): void {
  const seed = (<u64>hi << 32) | <u64>lo;
  s0 = splitmix64(seed);
  s1 = splitmix64(seed ^ 0x6a09e667f3bcc909);
  if ((s0 | s1) == 0) s1 = 1; // the all-zero state never leaves zero
}

/** out[i] ~ U[low, high), float32, n elements. */
export function randomUniform_f32(out: usize, n: i32, low: f64, high: f64): void {
  const span = high - low;
  for (let i = 0; i < n; i++) {
    store<f32>(out + (<usize>i << 2), <f32>(low + span * nextUnit()));
  }
}

/** out[i] ~ N(mean, std^2), float32, n elements, by the Box-Muller transform (both outputs used). */
export function randomNormal_f32(out: usize, n: i32, mean: f64, std: f64): void {
  for (let i = 0; i < n; i += 2) {
    const u1 = 1.0 - nextUnit(); // (0, 1]: log stays finite
    const u2 = nextUnit();
    const r = Math.sqrt(-2.0 * Math.log(u1));
    const angle = 6.283185307179586 * u2;
    store<f32>(out + (<usize>i << 2), <f32>(mean + std * r * Math.cos(angle)));
    if (i + 1 < n) store<f32>(out + (<usize>(i + 1) << 2), <f32>(mean + std * r * Math.sin(angle)));
  }
}

/**
 * out[i] ~ N(mean, std^2) truncated to [a, b], by inverting the CDF of a uniform draw
 * between CDF(a) and CDF(b) (the method torch.nn.init.trunc_normal_ uses).
 * REQUIRES: std > 0, a < b.
 */
export function randomTruncNormal_f32(out: usize, n: i32, mean: f64, std: f64, a: f64, b: f64): void {
  const lo = 2.0 * normalCdf64((a - mean) / std) - 1.0;
  const hi = 2.0 * normalCdf64((b - mean) / std) - 1.0;
  const scale = std * 1.4142135623730951;
  for (let i = 0; i < n; i++) {
    const u = lo + (hi - lo) * nextUnit();
    let x = mean + scale * erfinv64(u);
    if (x < a) x = a;
    if (x > b) x = b;
    store<f32>(out + (<usize>i << 2), <f32>x);
  }
}
