// Which kernels the worker pool shares between threads, and when a call is big enough.
//
// Each kernel listed here splits its own outer loop by part (assembly/parts.ts); the
// table says how much work a call holds, read from its arguments or its descriptor, so
// that small calls stay on the calling thread (waking the workers costs a few
// microseconds). Kernels not listed always run on the calling thread.

import { CONV_DESC, GEMM_DESC, NORM_DESC, POOL_DESC } from "../build/abi.js";

type Reader = (name: string) => number;
/** Reads the descriptor at `ptr` laid out as LAYOUTS[layout]. */
type Describe = (layout: number, ptr: number) => Reader;

export interface SharedKernel {
  /** Work in multiply-adds (or elements, for elementwise kernels) of a call. */
  work(args: readonly number[], describe: Describe): number;
  /** The kernel takes a scratch block (one per part). */
  scratch: boolean;
  /** Smallest work worth sharing. */
  min: number;
}

// Elementwise kernels move memory at several GB/s: below this many floats a call is over
// before the workers are awake. The others do about 1e10 multiply-adds per second.
const ELEMENTS = 1 << 16;
const MACS = 1 << 18;

const LAYOUTS = [CONV_DESC, GEMM_DESC, POOL_DESC, NORM_DESC] as const;
const CONV = 0, GEMM = 1, POOL = 2, NORM = 3;

const elementwise = (nArg: number): SharedKernel => ({ work: (a) => a[nArg], scratch: false, min: ELEMENTS });
/** A kernel whose last argument (`descArg`) is a descriptor of LAYOUTS[layout]. */
const described = (layout: number, descArg: number, work: (d: Reader) => number, min = MACS): SharedKernel => ({
  work: (a, describe) => work(describe(layout, a[descArg])),
  scratch: true,
  min,
});
const poolWork = (d: Reader) => d("planes") * d("outD") * d("outH") * d("outW") * d("kernelD") * d("kernelH") * d("kernelW");
const normWork = (d: Reader) => d("batch") * d("channels") * d("inner");
const convWork = (d: Reader) =>
  d("batch") * d("outC") * d("outD") * d("outH") * d("outW") * (d("inC") / Math.max(d("groups"), 1)) * d("kernelD") * d("kernelH") * d("kernelW");

const ELEMENTWISE_KERNELS = [
  "relu_f32", "hardtanh_f32", "leakyRelu_f32", "threshold_f32", "hardsigmoid_f32", "hardswish_f32", "softshrink_f32",
  "hardshrink_f32", "softsign_f32", "elu_f32", "sigmoid_f32", "tanh_f32", "silu_f32", "mish_f32", "gelu_f32",
  "geluTanh_f32", "softplus_f32", "logsigmoid_f32", "tanhshrink_f32",
];

export const SHARED_KERNELS: Record<string, SharedKernel> = {
  ...Object.fromEntries(ELEMENTWISE_KERNELS.map((name) => [name, elementwise(2)])),
  rrelu_f32: elementwise(3),
  elementwise_f32: elementwise(3),
  unary_f32: elementwise(2),
  gemv_f32: { work: (a) => a[4] * a[5], scratch: false, min: MACS },
  gemm_f32: described(GEMM, 5, (d) => d("M") * d("N") * d("K")),
  conv_f32: described(CONV, 5, convWork),
  maxPool3d_f32: described(POOL, 3, poolWork),
  maxPool3dWithIndices_f32: described(POOL, 4, poolWork),
  avgPool3d_f32: described(POOL, 3, poolWork),
  lpPool3d_f32: described(POOL, 3, poolWork),
  batchNorm_f32: described(NORM, 7, normWork, ELEMENTS),
  groupNorm_f32: described(NORM, 7, normWork, ELEMENTS),
  layerNorm_f32: described(NORM, 5, normWork, ELEMENTS),
};

/** Describe over `memory`: the i32 fields of a descriptor by name, as assembly/abi.ts declares them. */
export function describer(memory: WebAssembly.Memory): Describe {
  // Each layout's field offsets by name, found once: a shared kernel call reads its descriptor on every call.
  const offsets = LAYOUTS.map(({ fields }) => new Map((fields as readonly (readonly [string, string, number, number])[]).map((f) => [f[0], f[2] >> 2])));
  return (layout, ptr) => {
    const ints = new Int32Array(memory.buffer, ptr, LAYOUTS[layout].bytes >> 2);
    return (name) => ints[offsets[layout].get(name)!];
  };
}
