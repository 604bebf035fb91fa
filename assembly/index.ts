// The Wasm module's export list: every kernel the TypeScript side may call, nothing else.
export { alloc, free, max_alloc_bytes, scratch_reserve, scratch_size, scratch_release, params_ptr } from "./memory";
export { fill_f32, fill_i32, copy_32, copy_strided_32, add_f32, mul_f32, add_scalar_f32, mul_scalar_f32 } from "./elementwise";
export { random_seed, random_uniform_f32, random_normal_f32, random_trunc_normal_f32 } from "./random";
export { maxPool3d_f32, maxPool3d_with_indices_f32, avgPool3d_f32, lpPool3d_f32, adaptiveAvgPool3d_f32, adaptiveMaxPool3d_f32, adaptiveMaxPool3d_with_indices_f32, pool_scratch_bytes, adaptive_pool_scratch_bytes } from "./pool";
export { maxUnpool3d_f32 } from "./unpool";
