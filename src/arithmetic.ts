// Elementwise arithmetic between tensors or with a number (Tensor.add, Tensor.mul).

import { checkDtype, checkTensor } from "./args";
import { rangeError, shapeStr } from "./errors";
import { sameShape } from "./shape";
import { type Tensor, emptyTensor } from "./tensor";
import { type Kernels, wasm } from "./wasm";

type TensorKernel = (k: Kernels, out: number, a: number, b: number, n: number) => void;
type ScalarKernel = (k: Kernels, out: number, a: number, n: number, s: number) => void;

/** Shared body of add/mul: two same-shape float32 tensors, or a tensor and a number. */
export function binary(op: string, a: Tensor, other: Tensor | number, kernel: TensorKernel, scalarKernel: ScalarKernel): Tensor {
  checkTensor(op, "self", a);
  checkDtype(op, "self", a, "float32");
  if (typeof other === "number") {
    const ac = a.contiguous();
    try {
      const out = emptyTensor(a.shape, "float32", op);
      scalarKernel(wasm(), out.dataPtr, ac.dataPtr, out.numel, other);
      return out;
    } finally {
      if (ac !== a) ac.dispose();
    }
  }
  checkTensor(op, "other", other);
  checkDtype(op, "other", other, "float32");
  if (!sameShape(a.shape, other.shape)) {
    throw rangeError(op, `expected other with shape ${shapeStr(a.shape)} (broadcasting is not supported), got ${shapeStr(other.shape)}`);
  }
  const ac = a.contiguous();
  const bc = other.contiguous();
  try {
    const out = emptyTensor(a.shape, "float32", op);
    kernel(wasm(), out.dataPtr, ac.dataPtr, bc.dataPtr, out.numel);
    return out;
  } finally {
    if (ac !== a) ac.dispose();
    if (bc !== other) bc.dispose();
  }
}
