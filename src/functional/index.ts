// F: the functional layer, mirroring torch.nn.functional. One file per layer family.
export * from "./activation";
export { maxPool1d, maxPool2d, maxPool3d, avgPool1d, avgPool2d, avgPool3d, lpPool1d, lpPool2d, type MaxPoolOptions, type AvgPoolOptions, type AvgPool1dOptions, type LPPoolOptions } from "./pool";
export { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d, adaptiveMaxPool1d, adaptiveMaxPool2d, adaptiveMaxPool3d, type AdaptiveSize, type AdaptiveMaxPoolOptions } from "./adaptive";
export { maxUnpool1d, maxUnpool2d, maxUnpool3d, type MaxUnpoolOptions } from "./unpool";
export { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, type ConvOptions, type ConvTransposeOptions, type PaddingMode } from "./conv";
export { linear, bilinear } from "./linear";
export { embedding, type EmbeddingOptions } from "./embedding";
export { interpolate, type InterpolateOptions, type InterpolateMode } from "./interpolate";
export { pixelShuffle, pixelUnshuffle } from "./shuffle";
export { pad, type PadOptions, type PadMode } from "./pad";
export { batchNorm, layerNorm, groupNorm, instanceNorm, type BatchNormOptions, type LayerNormOptions, type GroupNormOptions, type InstanceNormOptions } from "./norm";
export { dropout, dropout1d, dropout2d, dropout3d, alphaDropout, featureAlphaDropout, type DropoutOptions } from "./dropout";
