// The Wasm module's export list: every kernel the TypeScript side may call, nothing else.
export { alloc, free, maxAllocBytes, scratchReserve, scratchSize, descriptorArea } from "./memory";
// The threaded build's pool: which part of a shared call a thread computes, its own work areas.
export { setPart } from "./parts";
export { threadAreaBytes, useThreadArea } from "./thread_area";
export { relaxedSimd } from "./simd";
export { fill_f32, fill_i32, copy_32, copyStrided_32, allFinite_f32 } from "./elementwise";
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
export { gemm_f32, gemmScratchBytes, gemmPackedBBytes, gemmPackB_f32 } from "./gemm";
export { gemv_f32, gemvRows_f32 } from "./gemv";
export { conv_f32, convScratchBytes, convPackedBytes, convPackWeights_f32 } from "./conv";
export { convMethodOf, convWinogradCost, convTransposeGemmCost, convTransposeUseSubpixel, convUsePolyphase } from "./conv_plan";
export {
  convTranspose_f32, convTransposeScratchBytes, convTransposeSubpixelWeights_f32, convTransposePackedBytes, convTransposePackWeights_f32,
} from "./conv_transpose";
export { bilinear_f32, bilinearScratchBytes } from "./bilinear";
// Tensor arithmetic, reductions, topk and embedding.
export { elementwise_f32, unary_f32, elementwiseStrided_f32 } from "./broadcast";
export { reduce_f32, argmax_i32 } from "./reduce";
export { topk_f32 } from "./topk";
export { embeddingCheck_i32, embedding_f32 } from "./embedding";
// Resampling and padding.
export { interpolate_f32, interpolateScratchBytes } from "./interpolate";
export { pad_f32 } from "./conv_pad";
// Normalisation and dropout.
export { batchNorm_f32, batchNormScratchBytes, groupNorm_f32, groupNormScratchBytes, layerNorm_f32, layerNormScratchBytes } from "./norm";
export { dropout_f32 } from "./dropout";
