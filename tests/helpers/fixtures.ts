// Loads golden fixtures written by tests/golden/generate.py (real PyTorch).
import { readFileSync } from "node:fs";
import { type Tensor, tensor } from "../../src/index";

export interface TensorRef {
  shape: number[];
  dtype: "float32" | "int32";
  offset: number;
  length: number;
}

export interface FixtureFile<C> {
  family: string;
  torch: string;
  cases: C[];
}

export class Fixtures<C> {
  readonly cases: C[];
  readonly torch: string;
  readonly #blob: Uint8Array;

  constructor(family: string) {
    const dir = new URL("../golden/fixtures/", import.meta.url);
    const index = JSON.parse(readFileSync(new URL(`${family}.json`, dir), "utf8")) as FixtureFile<C>;
    this.cases = index.cases;
    this.torch = index.torch;
    this.#blob = readFileSync(new URL(`${family}.bin`, dir));
  }

  /** The stored values as a fresh typed array. */
  values(ref: TensorRef): Float32Array | Int32Array {
    // Copy into a buffer of its own: Node's file Buffers may share a larger pool.
    const bytes = new Uint8Array(4 * ref.length);
    bytes.set(this.#blob.subarray(ref.offset, ref.offset + 4 * ref.length));
    return ref.dtype === "int32" ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
  }

  /** A wasm-nn tensor holding the stored values. */
  tensor(ref: TensorRef): Tensor {
    return tensor(this.values(ref), ref.shape);
  }
}
