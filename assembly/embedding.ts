// Embedding lookup: rows of a weight matrix gathered by int32 indices.

/** The first position i < n whose index is outside [0, rows), or -1 when every index is valid. */
export function embeddingCheck_i32(indices: usize, n: i32, rows: i32): i32 {
  for (let i = 0; i < n; i++) {
    // One unsigned comparison catches negative indices too.
    if (<u32>load<i32>(indices + (<usize>i << 2)) >= <u32>rows) return i;
  }
  return -1;
}

/**
 * out[i, :] = weight[indices[i], :] for i < n, rows of dim floats.
 * REQUIRES: every index in [0, rows) (embeddingCheck_i32); out does not overlap weight.
 */
export function embedding_f32(out: usize, indices: usize, weight: usize, n: i32, dim: i32): void {
  const rowBytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const row = <usize>load<i32>(indices + (<usize>i << 2));
    memory.copy(out + <usize>i * rowBytes, weight + row * rowBytes, rowBytes);
  }
}
