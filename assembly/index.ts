// The Wasm module's export list: every kernel the TypeScript side may call, nothing else.
export { alloc, free, max_alloc_bytes, scratch_reserve, scratch_size, scratch_release, params_ptr } from "./memory";
export { fill_f32, fill_i32, copy_32, copy_strided_32, add_f32, mul_f32, add_scalar_f32, mul_scalar_f32 } from "./elementwise";
export { random_seed, random_uniform_f32, random_normal_f32, random_trunc_normal_f32 } from "./random";
export { gemm_f32, gemm_scratch_bytes, gemv_f32, gemv_rows_f32 } from "./gemm";
export { conv_f32, conv_scratch_bytes } from "./conv";
export { conv_transpose_f32, conv_transpose_scratch_bytes } from "./conv_transpose";
export { bilinear_f32, bilinear_scratch_bytes } from "./bilinear";
