// Small per-thread work areas of the kernels that the worker pool shares (parts.ts).
//
// Kernels keep a few vectors of state in linear memory: a GEMM edge tile, the tail block of
// the elementwise driver, a pooling step, the Winograd call's layout. Linear memory is
// shared between the threads of the threaded build, so each thread needs its own copy.
// The main thread (and the plain build) uses the static areas below; a worker is handed
// a block the main thread allocated for it and points every area into it (useThreadArea).
// These are globals, so each instance (each thread) has its own addresses. Kernels that
// only ever run on the calling thread (strided walks, reductions, weight preparation)
// keep their static areas.

/** Bytes of the Winograd call's layout (winograd.ts checks that its Layout fits). */
export const LAYOUT_BYTES: usize = 256;
/** Bytes of a derived convolution descriptor (conv_s2d.ts checks that a ConvDesc fits). */
export const DESC_BYTES: usize = 128;

const EDGE_TILE_BYTES: usize = 40 * 4;
const BLOCK_BYTES: usize = 64;
const VECTOR_BYTES: usize = 16;
const LANES_BYTES: usize = 32;

/** A 5x8 tile for the GEMM's partial stores at the right and bottom edges (gemm.ts). */
export let EDGE_TILE: usize = memory.data(<i32>EDGE_TILE_BYTES, 16);
/** 16-float blocks of the elementwise driver's last 1-15 elements, first and second input (map.ts). */
export let BLOCK: usize = memory.data(<i32>BLOCK_BYTES, 16);
export let BLOCK_Y: usize = memory.data(<i32>BLOCK_BYTES, 16);
/** One vector for the 1-3 float tails of the other vector kernels (map.ts). */
export let TAIL: usize = memory.data(<i32>VECTOR_BYTES, 16);
/** Argmax merge lanes of adaptive max pooling (pool_adaptive.ts). */
export let LANES: usize = memory.data(<i32>LANES_BYTES, 16);
/** The NaN detector of the stride-2 pooling path, and its step at the row ends (pool_stride2.ts). */
export let DET: usize = memory.data(<i32>VECTOR_BYTES, 16);
export let STEP_OUT: usize = memory.data(<i32>VECTOR_BYTES, 16);
/** The Winograd call's layout (winograd.ts) and its sum of (y - y) over results (winograd_common.ts). */
export let LAYOUT: usize = memory.data(<i32>LAYOUT_BYTES, 16);
export let FINITE: usize = memory.data(<i32>VECTOR_BYTES, 16);
/** The stacked convolution a space-to-depth one runs as (conv_s2d.ts). */
export let DERIVED_DESC: usize = memory.data(<i32>DESC_BYTES, 16);

/** Bytes of one thread's block for useThreadArea. */
export function threadAreaBytes(): usize {
  return EDGE_TILE_BYTES + 2 * BLOCK_BYTES + 4 * VECTOR_BYTES + LANES_BYTES + LAYOUT_BYTES + DESC_BYTES;
}

/** Points every area of this instance into `base` (threadAreaBytes() bytes, 16-byte aligned): a worker's own block. */
export function useThreadArea(base: usize): void {
  EDGE_TILE = base; base += EDGE_TILE_BYTES;
  BLOCK = base; base += BLOCK_BYTES;
  BLOCK_Y = base; base += BLOCK_BYTES;
  TAIL = base; base += VECTOR_BYTES;
  LANES = base; base += LANES_BYTES;
  DET = base; base += VECTOR_BYTES;
  STEP_OUT = base; base += VECTOR_BYTES;
  FINITE = base; base += VECTOR_BYTES;
  DERIVED_DESC = base; base += DESC_BYTES;
  LAYOUT = base;
}
