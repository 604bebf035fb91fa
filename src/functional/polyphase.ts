// Dilated 2-D convolution as an ordinary one over the dilation phases of its input.
//
// With dilation (dh, dw) and stride 1, the outputs at rows i*dh + a and columns j*dw + b
// read only inputs at rows (i + ky)*dh + a and columns (j + kx)*dw + b: an undilated
// convolution of phase (a, b) of the padded input. The dh*dw phases become one batch, so
// the fast methods (Winograd) apply where a dilated kernel would gather every tap; the
// outputs are then interleaved back. The kernels' cost model decides when this pays
// (convUsePolyphase in assembly/conv_plan.ts); this file only lays the phases out. (Stride
// 2 with a 5x5 kernel has a kernel-side counterpart: assembly/conv_s2d.ts.)

import { tidy } from "../scope";
import type { Tensor } from "../tensor";
import { pad } from "./pad";

/**
 * The convolution of x [N, C, H, W] (kernel [kh, kw], dilation, zero padding `before` at
 * the top and left, output [OH, OW]) through `conv`, the undilated convolution of a batch
 * of phases [N*dh*dw, C, rows + kh - 1, cols + kw - 1] (no padding) into [N*dh*dw, OC, rows, cols].
 */
export function polyphase(x: Tensor, kernel: readonly number[], dilation: readonly number[], before: readonly number[],
                          outSize: readonly number[], conv: (phases: Tensor) => Tensor): Tensor {
  const [N, C, H, W] = x.shape;
  const [dh, dw] = dilation;
  const [OH, OW] = outSize;
  const rows = Math.ceil(OH / dh), cols = Math.ceil(OW / dw);
  // Padded so that every phase has rows + kh - 1 rows (at least the padding asked for).
  const Hq = (rows + kernel[0] - 1) * dh, Wq = (cols + kernel[1] - 1) * dw;
  return tidy(() => {
    const padded = pad(x, [before[1], Wq - W - before[1], before[0], Hq - H - before[0]]);
    const phases = padded.reshape(N, C, Hq / dh, dh, Wq / dw, dw).permute(0, 3, 5, 1, 2, 4).contiguous()
      .reshape(N * dh * dw, C, Hq / dh, Wq / dw);
    const y = conv(phases);
    const OC = y.shape[1];
    const full = y.reshape(N, dh, dw, OC, rows, cols).permute(0, 3, 4, 1, 5, 2).contiguous().reshape(N, OC, rows * dh, cols * dw);
    return rows * dh === OH && cols * dw === OW ? full : full.narrow(2, 0, OH).narrow(3, 0, OW).contiguous();
  });
}

