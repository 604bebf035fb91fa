// F: the functional layer, mirroring torch.nn.functional. One file per layer family.

export { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, type ConvOptions, type ConvTransposeOptions, type PaddingMode } from "./conv";
export { linear, bilinear } from "./linear";
