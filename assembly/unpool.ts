// Max unpooling: scatters each pooled value back to the position its index names.
//
// Layout: `planes` = N*C planes; input and indices hold inPlane elements per plane
// (float32 and int32), the output outPlane elements per plane (float32, contiguous).

/**
 * out[plane][indices[plane][i]] = input[plane][i], every other output element 0.
 * When an index lies outside [0, outPlane) nothing is written and the flat position (over
 * all planes) of the first such index is returned; otherwise -1. Duplicate indices keep
 * the value written last, as PyTorch's sequential loop does.
 * REQUIRES: planes, inPlane, outPlane >= 1.
 */
export function maxUnpool3d_f32(out: usize, input: usize, indices: usize, planes: i32, inPlane: i32, outPlane: i32): i32 {
  const total = planes * inPlane;
  // Validate everything first, so a bad index leaves the output untouched. Unsigned
  // comparison catches negative indices too.
  const limit = i32x4.splat(outPlane);
  let i = 0;
  for (; i + 16 <= total; i += 16) {
    const p = indices + (<usize>i << 2);
    const bad = v128.or(
      v128.or(i32x4.ge_u(v128.load(p), limit), i32x4.ge_u(v128.load(p, 16), limit)),
      v128.or(i32x4.ge_u(v128.load(p, 32), limit), i32x4.ge_u(v128.load(p, 48), limit)),
    );
    if (v128.any_true(bad)) break;
  }
  for (; i < total; i++) {
    if (<u32>load<i32>(indices + (<usize>i << 2)) >= <u32>outPlane) return i;
  }
  for (let p = 0; p < planes; p++) {
    const src = input + (<usize>p * <usize>inPlane << 2);
    const idx = indices + (<usize>p * <usize>inPlane << 2);
    const dst = out + (<usize>p * <usize>outPlane << 2);
    // Zero one plane right before scattering into it, while it is still in cache.
    memory.fill(dst, 0, <usize>outPlane << 2);
    let j = 0;
    for (; j + 4 <= inPlane; j += 4) {
      const k = v128.load(idx + (<usize>j << 2));
      const v = v128.load(src + (<usize>j << 2));
      store<f32>(dst + (<usize>i32x4.extract_lane(k, 0) << 2), f32x4.extract_lane(v, 0));
      store<f32>(dst + (<usize>i32x4.extract_lane(k, 1) << 2), f32x4.extract_lane(v, 1));
      store<f32>(dst + (<usize>i32x4.extract_lane(k, 2) << 2), f32x4.extract_lane(v, 2));
      store<f32>(dst + (<usize>i32x4.extract_lane(k, 3) << 2), f32x4.extract_lane(v, 3));
    }
    for (; j < inPlane; j++) {
      store<f32>(dst + (<usize>load<i32>(idx + (<usize>j << 2)) << 2), load<f32>(src + (<usize>j << 2)));
    }
  }
  return -1;
}
