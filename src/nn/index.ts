// nn: modules mirroring torch.nn. One file per layer family; each forward calls F.
export { Module, type LoadStateDictOptions } from "./module";
export { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, type ConvModuleOptions, type ConvTransposeModuleOptions } from "./conv";
export { Linear, Bilinear } from "./linear";
