// The Wasm module's export list: every kernel the TypeScript side may call, nothing else.
export { alloc, free, maxAllocBytes, scratchReserve, scratchSize, descriptorArea, params_ptr } from "./memory";
export { fill_f32, fill_i32, copy_32, copyStrided_32, add_f32, mul_f32, addScalar_f32, mulScalar_f32, allFinite_f32 } from "./elementwise";
export { randomSeed, randomUniform_f32, randomNormal_f32, randomTruncNormal_f32 } from "./random";
// Every kernel of activation.ts (each an elementwise operation run by map.ts).
export * from "./activation";
export { prelu_f32, glu_f32 } from "./gated";
export { softmax_f32, logSoftmax_f32 } from "./softmax";
export {
  maxPool3d_f32, maxPool3dWithIndices_f32, avgPool3d_f32, lpPool3d_f32, adaptiveAvgPool3d_f32, adaptiveMaxPool3d_f32,
  adaptiveMaxPool3dWithIndices_f32, poolScratchBytes, adaptivePoolScratchBytes,
} from "./pool";
export { maxUnpool3d_f32 } from "./unpool";
export { gemm_f32, gemm_scratch_bytes, gemv_f32, gemv_rows_f32 } from "./gemm";
export { conv_f32, conv_scratch_bytes, conv_winograd_cost } from "./conv";
export { conv_transpose_f32, conv_transpose_scratch_bytes, conv_transpose_gemm_cost, conv_transpose_subpixel_weights_f32 } from "./conv_transpose";
export { bilinear_f32, bilinear_scratch_bytes } from "./bilinear";
