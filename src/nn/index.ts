// nn: modules mirroring torch.nn. One file per layer family; each forward calls F.
export { Module, type LoadStateDictOptions } from "./module";
export {
  ReLU, ReLU6, LeakyReLU, PReLU, RReLU, ELU, SELU, CELU, GELU, SiLU, Mish, Sigmoid, Tanh, Hardtanh, Hardsigmoid,
  Hardswish, Softplus, Softsign, Softshrink, Hardshrink, Tanhshrink, Threshold, LogSigmoid, Softmax, LogSoftmax,
  Softmin, GLU,
} from "./activation";
export { Sequential, ModuleList, Flatten, Unflatten, Identity } from "./container";
