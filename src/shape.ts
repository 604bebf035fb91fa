// Output-size formulas, each as PyTorch documents it for its layer.

/**
 * Convolution and pooling without ceil mode (torch.nn.Conv2d, "Shape" section):
 * out = floor((in + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1.
 */
export function convOutputSize(input: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number): number {
  return Math.floor((input + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/**
 * Transposed convolution (torch.nn.ConvTranspose2d, "Shape" section):
 * out = (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1.
 */
export function convTransposeOutputSize(input: number, kernel: number, stride: number, padding: number, dilation: number, outputPadding: number): number {
  return (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

/**
 * Max/avg pooling (torch.nn.MaxPool2d, "Shape" section): the convolution formula with
 * floor or ceil; in ceil mode the last window must start inside the input or the left
 * padding, otherwise it is dropped (PyTorch's pooling_output_shape).
 */
export function poolOutputSize(input: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  const span = input + 2 * padding - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= input + padding) out--;
  return out;
}

