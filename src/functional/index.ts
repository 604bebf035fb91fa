// F: the functional layer, mirroring torch.nn.functional. One file per layer family.
export {
  relu, relu6, leakyRelu, prelu, rrelu, elu, selu, celu, gelu, silu, mish, sigmoid, tanh, hardtanh, hardsigmoid,
  hardswish, softplus, softsign, softshrink, hardshrink, tanhshrink, threshold, logsigmoid, logSigmoid, softmax,
  logSoftmax, softmin, glu,
} from "./activation";
