import { GemmDesc, GEMM_B_PACKED } from "../abi";
import { gemm_f32, gemmScratchBytes, gemmPackedBBytes, gemmPackB_f32 } from "../gemm";
import { gemv_f32, gemvRows_f32 } from "../gemv";
import { bilinear_f32, bilinearScratchBytes } from "../bilinear";
import { gemm_f32_ref, gemv_f32_ref, bilinear_f32_ref } from "../reference/gemm";
import { buffer, closeScaled, i32Desc, LENGTHS, sameBits, tricky, wave, wave2 } from "./helpers";

const SIZES: i32[] = [1, 3, 4, 5, 6, 8, 9, 11, 17];

function check(M: i32, N: i32, K: i32, flags: i32): bool {
  const aT = (flags & 1) != 0;
  const bT = (flags & 2) != 0;
  const lda = (aT ? M : K) + 3;
  const ldb = (bT ? K : N) + 2;
  const ldc = N + 1;
  const a = buffer((aT ? K : M) * lda, wave);
  const b = buffer((bT ? N : K) * ldb, wave2);
  const bias = buffer(max(M, N), wave2);
  const c = buffer(M * ldc, wave);
  const r = buffer(M * ldc, wave);
  const desc = i32Desc([M, N, K, lda, ldb, ldc, flags]);
  const scratch = heap.alloc(<usize>gemmScratchBytes(M, N, K));
  gemm_f32(c, a, b, bias, scratch, desc);
  gemm_f32_ref(r, a, b, bias, desc);
  const ok = closeScaled(c, r, M * ldc, <f32>K);
  heap.free(a); heap.free(b); heap.free(bias); heap.free(c); heap.free(r); heap.free(scratch); heap.free(desc);
  return ok;
}

describe("gemm_f32", () => {
  it("matches the scalar twin for sizes around the 5x8 tile, every layout, bias and accumulate", () => {
    for (let i = 0; i < SIZES.length; i++) for (let j = 0; j < SIZES.length; j++) for (let k = 0; k < SIZES.length; k++) {
      for (let flags = 0; flags < 32; flags++) {
        if (((flags >> 2) & 3) == 3) continue;
        expect(check(SIZES[i], SIZES[j], SIZES[k], flags)).toBe(true);
      }
    }
  });

  it("matches across cache blocks (M > 120, N > 512, K > 256)", () => {
    expect(check(131, 517, 261, 0)).toBe(true);
    expect(check(133, 521, 300, 2 | (1 << 2))).toBe(true);
    expect(check(70, 530, 257, 1 | (2 << 2) | 16)).toBe(true);
  });

  it("B packed once (gemmPackB_f32, GEMM_B_PACKED) gives the same bits as B packed per call", () => {
    const shapes: i32[][] = [[3, 5, 7], [17, 9, 4], [40, 517, 261], [21, 1030, 600]];
    for (let s = 0; s < shapes.length; s++) {
      const M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
      for (let t = 0; t < 2; t++) {
        const flags = t == 0 ? 8 : 2 | 8; // bias per column; B dense or transposed
        const ldb = (t == 0 ? N : K) + 1;
        const a = buffer(M * K, wave), b = buffer((t == 0 ? K : N) * ldb, wave2), bias = buffer(N, wave);
        const c = buffer(M * N, wave), viaPacked = buffer(M * N, wave);
        const desc = i32Desc([M, N, K, K, ldb, N, flags]);
        const scratch = heap.alloc(<usize>gemmScratchBytes(M, N, K));
        gemm_f32(c, a, b, bias, scratch, desc);
        const packed = heap.alloc(<usize>gemmPackedBBytes(desc));
        gemmPackB_f32(packed, b, desc);
        changetype<GemmDesc>(desc).flags = GEMM_B_PACKED | 8;
        gemm_f32(viaPacked, a, packed, bias, scratch, desc);
        expect(sameBits(c, viaPacked, M * N)).toBe(true);
        heap.free(a); heap.free(b); heap.free(bias); heap.free(c); heap.free(viaPacked); heap.free(desc); heap.free(scratch); heap.free(packed);
      }
    }
  });

  it("K = 0 gives the bias (or leaves C when accumulating)", () => {
    expect(check(5, 9, 0, 1 << 2)).toBe(true);
    expect(check(5, 9, 0, 2 << 2)).toBe(true);
    expect(check(5, 9, 0, 16)).toBe(true);
  });

  it("propagates NaN and infinities like the scalar twin", () => {
    const M = 6, N = 11, K = 7;
    const a = buffer(M * K, tricky);
    const b = buffer(K * N, wave2);
    const c = buffer(M * N, wave);
    const r = buffer(M * N, wave);
    const desc = i32Desc([M, N, K, K, N, N, 0]);
    const scratch = heap.alloc(<usize>gemmScratchBytes(M, N, K));
    gemm_f32(c, a, b, 0, scratch, desc);
    gemm_f32_ref(r, a, b, 0, desc);
    expect(closeScaled(c, r, M * N, <f32>K)).toBe(true);
    heap.free(a); heap.free(b); heap.free(c); heap.free(r); heap.free(scratch); heap.free(desc);
  });
});

describe("gemv_f32", () => {
  it("matches the scalar twin on every length, with and without bias", () => {
    for (let i = 0; i < LENGTHS.length; i++) for (let j = 0; j < LENGTHS.length; j++) {
      const N = LENGTHS[i], K = LENGTHS[j];
      const x = buffer(K, wave);
      const w = buffer(N * K, wave2);
      const bias = buffer(N, wave);
      const y = buffer(N, wave);
      const r = buffer(N, wave);
      gemv_f32(y, x, w, bias, N, K);
      gemv_f32_ref(r, x, w, bias, N, K);
      expect(closeScaled(y, r, N, <f32>K)).toBe(true);
      gemv_f32(y, x, w, 0, N, K);
      gemv_f32_ref(r, x, w, 0, N, K);
      expect(closeScaled(y, r, N, <f32>K)).toBe(true);
      heap.free(x); heap.free(w); heap.free(bias); heap.free(y); heap.free(r);
    }
  });

  it("propagates NaN and infinities", () => {
    const N = 9, K = 13;
    const x = buffer(K, tricky);
    const w = buffer(N * K, wave2);
    const y = buffer(N, wave);
    const r = buffer(N, wave);
    gemv_f32(y, x, w, 0, N, K);
    gemv_f32_ref(r, x, w, 0, N, K);
    expect(closeScaled(y, r, N, <f32>K)).toBe(true);
    heap.free(x); heap.free(w); heap.free(y); heap.free(r);
  });
});

describe("gemvRows_f32", () => {
  it("matches the scalar twin row by row for 1 to 4 rows, odd and even N, every K", () => {
    for (let R = 1; R <= 4; R++) for (let i = 0; i < LENGTHS.length; i++) for (let j = 0; j < LENGTHS.length; j++) {
      const N = LENGTHS[i], K = LENGTHS[j];
      const x = buffer(R * K, wave);
      const w = buffer(N * K, wave2);
      const bias = buffer(N, wave);
      const y = buffer(R * N + 1, wave);
      const r = buffer(R * N + 1, wave);
      gemvRows_f32(y, x, w, bias, R, N, K);
      for (let q = 0; q < R; q++) gemv_f32_ref(r + (<usize>(q * N) << 2), x + (<usize>(q * K) << 2), w, bias, N, K);
      expect(closeScaled(y, r, R * N + 1, <f32>K)).toBe(true, "the element after the output stays untouched");
      gemvRows_f32(y, x, w, 0, R, N, K);
      for (let q = 0; q < R; q++) gemv_f32_ref(r + (<usize>(q * N) << 2), x + (<usize>(q * K) << 2), w, 0, N, K);
      expect(closeScaled(y, r, R * N, <f32>K)).toBe(true);
      heap.free(x); heap.free(w); heap.free(bias); heap.free(y); heap.free(r);
    }
  });
});

describe("bilinear_f32", () => {
  it("matches the scalar twin", () => {
    for (let i = 0; i < SIZES.length; i++) {
      const rows = SIZES[i], in1 = SIZES[(i + 2) % SIZES.length], in2 = SIZES[(i + 4) % SIZES.length], O = SIZES[(i + 1) % SIZES.length];
      const x1 = buffer(rows * in1, wave);
      const x2 = buffer(rows * in2, wave2);
      const w = buffer(O * in1 * in2, wave);
      const bias = buffer(O, wave2);
      const y = buffer(rows * O, wave);
      const r = buffer(rows * O, wave);
      const scratch = heap.alloc(<usize>bilinearScratchBytes(rows, in1, in2));
      bilinear_f32(y, x1, x2, w, bias, rows, in1, in2, O, scratch);
      bilinear_f32_ref(r, x1, x2, w, bias, rows, in1, in2, O);
      expect(closeScaled(y, r, rows * O, <f32>(in1 * in2))).toBe(true);
      heap.free(x1); heap.free(x2); heap.free(w); heap.free(bias); heap.free(y); heap.free(r); heap.free(scratch);
    }
  });
});
