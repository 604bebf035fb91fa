// Seeded random draws. The generator lives in the Wasm module so that one seed gives the
// same numbers in Node, browsers, Deno and workerd.

import { badType, badValue } from "./errors";
import type { Tensor } from "./tensor";
import { wasm } from "./wasm";

/**
 * Restarts every random draw (rand, randn, init, RReLU) from `seed`, an integer in
 * [-2^63, 2^64) (a bigint for values beyond 2^53). Like torch.manual_seed, it does not
 * reproduce PyTorch's own stream.
 */
export function manualSeed(seed: number | bigint): void {
  let s: bigint;
  if (typeof seed === "bigint") s = seed;
  else if (typeof seed === "number" && Number.isSafeInteger(seed)) s = BigInt(seed);
  else if (typeof seed !== "number") throw badType("manualSeed", "seed", "an integer (a bigint beyond 2^53)", seed);
  else throw badValue("manualSeed", "seed", "an integer (a bigint beyond 2^53)", seed);
  if (s < -(2n ** 63n) || s >= 2n ** 64n) throw badValue("manualSeed", "seed", "in [-2^63, 2^64)", seed);
  const u = BigInt.asUintN(64, s);
  wasm().randomSeed(Number(u & 0xffffffffn), Number(u >> 32n));
}

/** Fills a contiguous float32 tensor with U[low, high). */
export function fillUniform(t: Tensor, low: number, high: number): void {
  wasm().randomUniform_f32(t.dataPtr, t.numel, low, high);
}

/** Fills a contiguous float32 tensor with N(mean, std^2). */
export function fillNormal(t: Tensor, mean: number, std: number): void {
  wasm().randomNormal_f32(t.dataPtr, t.numel, mean, std);
}

/** Fills a contiguous float32 tensor with N(mean, std^2) truncated to [a, b]. */
export function fillTruncNormal(t: Tensor, mean: number, std: number, a: number, b: number): void {
  wasm().randomTruncNormal_f32(t.dataPtr, t.numel, mean, std, a, b);
}
