// @ts-nocheck: AssemblyScript (v128, f32x4, f32), compiled by asc, not tsc.
// The machine's WebAssembly SIMD128 arithmetic peak: twelve independent f32x4 chains,
// each step one multiply and one add, all kept in registers (12 accumulators plus the
// two operands fit the 15 vector registers V8 allocates on x86-64). No memory traffic,
// so the time is bound by the vector units alone. Each loop iteration does
// 12 chains x 4 lanes x 2 FLOPs = 96 FLOPs.
//
// The operands are parameters so nothing folds at compile time; with m = 0.5 and c = 1
// every chain converges to 2, staying clear of overflow and denormals.

export function mulAdd(iterations: i32, m: f32, c: f32): f32 {
  const vm = f32x4.splat(m);
  const vc = f32x4.splat(c);
  let a0 = f32x4.splat(0.0), a1 = f32x4.splat(0.1), a2 = f32x4.splat(0.2), a3 = f32x4.splat(0.3);
  let a4 = f32x4.splat(0.4), a5 = f32x4.splat(0.5), a6 = f32x4.splat(0.6), a7 = f32x4.splat(0.7);
  let a8 = f32x4.splat(0.8), a9 = f32x4.splat(0.9), a10 = f32x4.splat(1.0), a11 = f32x4.splat(1.1);
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.add(f32x4.mul(a0, vm), vc);
    a1 = f32x4.add(f32x4.mul(a1, vm), vc);
    a2 = f32x4.add(f32x4.mul(a2, vm), vc);
    a3 = f32x4.add(f32x4.mul(a3, vm), vc);
    a4 = f32x4.add(f32x4.mul(a4, vm), vc);
    a5 = f32x4.add(f32x4.mul(a5, vm), vc);
    a6 = f32x4.add(f32x4.mul(a6, vm), vc);
    a7 = f32x4.add(f32x4.mul(a7, vm), vc);
    a8 = f32x4.add(f32x4.mul(a8, vm), vc);
    a9 = f32x4.add(f32x4.mul(a9, vm), vc);
    a10 = f32x4.add(f32x4.mul(a10, vm), vc);
    a11 = f32x4.add(f32x4.mul(a11, vm), vc);
  }
  return sum(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
}

// The same with relaxed SIMD's fused multiply-add; compiled only when asked for.
export function fusedMulAdd(iterations: i32, m: f32, c: f32): f32 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    const vm = f32x4.splat(m);
    const vc = f32x4.splat(c);
    let a0 = f32x4.splat(0.0), a1 = f32x4.splat(0.1), a2 = f32x4.splat(0.2), a3 = f32x4.splat(0.3);
    let a4 = f32x4.splat(0.4), a5 = f32x4.splat(0.5), a6 = f32x4.splat(0.6), a7 = f32x4.splat(0.7);
    let a8 = f32x4.splat(0.8), a9 = f32x4.splat(0.9), a10 = f32x4.splat(1.0), a11 = f32x4.splat(1.1);
    for (let i = 0; i < iterations; i++) {
      a0 = f32x4.relaxed_madd(a0, vm, vc);
      a1 = f32x4.relaxed_madd(a1, vm, vc);
      a2 = f32x4.relaxed_madd(a2, vm, vc);
      a3 = f32x4.relaxed_madd(a3, vm, vc);
      a4 = f32x4.relaxed_madd(a4, vm, vc);
      a5 = f32x4.relaxed_madd(a5, vm, vc);
      a6 = f32x4.relaxed_madd(a6, vm, vc);
      a7 = f32x4.relaxed_madd(a7, vm, vc);
      a8 = f32x4.relaxed_madd(a8, vm, vc);
      a9 = f32x4.relaxed_madd(a9, vm, vc);
      a10 = f32x4.relaxed_madd(a10, vm, vc);
      a11 = f32x4.relaxed_madd(a11, vm, vc);
    }
    return sum(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
  }
  return 0;
}

function sum(a0: v128, a1: v128, a2: v128, a3: v128, a4: v128, a5: v128, a6: v128, a7: v128, a8: v128, a9: v128, a10: v128, a11: v128): f32 {
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

// The machine's copy bandwidth, to read memory-bound rows (relu: one read and one write of
// every element) against: `bytes` copied `reps` times between two buffers in pages grown
// for them, once with the runtime's memory.copy (V8 calls its memmove) and once with an
// f32x4 load/store loop, the kind of code an elementwise kernel is.
let copyBase: usize = 0;
let copyCapacity: usize = 0;

function copyBuffers(bytes: usize): usize {
  if (bytes * 2 > copyCapacity) {
    copyBase = (<usize>memory.size()) << 16;
    if (memory.grow(<i32>((bytes * 2 + 0xffff) >> 16)) < 0) unreachable();
    copyCapacity = bytes * 2;
    memory.fill(copyBase, 1, copyCapacity); // touch every page before timing
  }
  return copyBase;
}

export function memoryCopy(bytes: i32, reps: i32): void {
  const src = copyBuffers(<usize>bytes);
  for (let r = 0; r < reps; r++) memory.copy(src + <usize>bytes, src, <usize>bytes);
}

export function vectorCopy(bytes: i32, reps: i32): void {
  const src = copyBuffers(<usize>bytes);
  const dst = src + <usize>bytes;
  for (let r = 0; r < reps; r++) {
    for (let i: usize = 0; i < <usize>bytes; i += 64) {
      v128.store(dst + i, v128.load(src + i));
      v128.store(dst + i, v128.load(src + i, 16), 16);
      v128.store(dst + i, v128.load(src + i, 32), 32);
      v128.store(dst + i, v128.load(src + i, 48), 48);
    }
  }
}
