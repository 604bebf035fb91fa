// nn: modules mirroring torch.nn. One file per layer family; each forward calls F.
export { Module, type LoadStateDictOptions } from "./module";
export * from "./activation";
export { Sequential, ModuleList, Flatten, Unflatten, Identity } from "./container";
export { MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, LPPool1d, LPPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d, type PoolResult } from "./pool";
export { MaxUnpool1d, MaxUnpool2d, MaxUnpool3d, type MaxUnpoolModuleOptions } from "./unpool";
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, type ConvModuleOptions, type ConvTransposeModuleOptions } from "./conv";
export { Linear, Bilinear } from "./linear";
export { Embedding } from "./embedding";
export { Upsample, PixelShuffle, PixelUnshuffle } from "./resample";
export { ZeroPad1d, ZeroPad2d, ZeroPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d, CircularPad2d, CircularPad3d } from "./pad";
export { BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm, GroupNorm, type BatchNormModuleOptions, type InstanceNormModuleOptions, type LayerNormModuleOptions, type GroupNormModuleOptions } from "./norm";
export { Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout, FeatureAlphaDropout, type DropoutModuleOptions } from "./dropout";
export { loadModel, type LoadedModel, type ModelPart } from "./load-model";
