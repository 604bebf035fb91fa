// Pooling over float32 planes: max (with or without argmax indices), average,
// power-average (LPPool) and adaptive average / max. Max unpooling is in unpool.ts.
//
// Layout: `planes` = N*C contiguous planes of iD x iH x iW input elements; the output
// holds as many planes of oD x oH x oW. 1-D and 2-D pooling run as 3-D with size-1
// depth (and height), kernel 1, stride 1, padding 0 and dilation 1 there. Every kernel
// takes its pointers, then a PoolDesc (abi.ts) as its last argument.
//
// Where things are:
//   pool_rows.ts      the window and row machinery every kernel shares (the two passes
//                     of separable pooling, exact or fast max, the scratch layout)
//   pool_stride2.ts   the register path for stride 2 and kernel width 2 or 3, and the
//                     one choice between it and the two passes
//   pool_max.ts       max pooling, without and with indices
//   pool_avg.ts       average and power-average pooling
//   pool_adaptive.ts  adaptive average and max pooling

export { poolScratchBytes } from "./pool_rows";
export { maxPool3d_f32, maxPool3dWithIndices_f32 } from "./pool_max";
export { avgPool3d_f32, lpPool3d_f32 } from "./pool_avg";
export { adaptiveAvgPool3d_f32, adaptiveMaxPool3d_f32, adaptiveMaxPool3dWithIndices_f32, adaptivePoolScratchBytes } from "./pool_adaptive";
