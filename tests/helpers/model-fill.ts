// The deterministic weights of the model round-trip fixtures: the same generator as
// fill_values() in tests/models/gen.py (xorshift32 seeded by the CRC-32 of the state dict
// key, computed in float64, rounded to float32), so the weights need not be committed.
import { readFileSync } from "node:fs";
import { saveSafetensors, tensor, type Tensor } from "../../src/index";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(text: string): number {
  let c = 0xffffffff;
  for (const b of new TextEncoder().encode(text)) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** n values in [0, 1) from xorshift32 seeded by crc32(key) (0 becomes 1). */
export function uniform(key: string, n: number): Float64Array {
  let x = crc32(key) || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) / 4294967296;
  }
  return out;
}

export function fillValues(key: string, shape: number[]): Float32Array | Int32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (key.endsWith("num_batches_tracked")) return new Int32Array(n).fill(7);
  const u = uniform(key, n);
  let f: (v: number) => number;
  if (key.endsWith("running_var")) f = (v) => 0.5 + v;
  else if (key.endsWith("running_mean")) f = (v) => (2 * v - 1) * 0.2;
  else if (shape.length <= 1 && key.endsWith("weight")) f = (v) => 0.5 + v;
  else if (shape.length <= 1) f = (v) => (2 * v - 1) * 0.1;
  else {
    const a = Math.sqrt(6 / (n / shape[0]));
    f = (v) => (2 * v - 1) * a;
  }
  return Float32Array.from(u, f);
}

export interface ModelMeta {
  input: number[];
  state: Record<string, { shape: number[]; dtype: "float32" | "int32" }>;
  outputs: number[][];
  tuple: boolean;
}

const DIR = new URL("../models/fixtures/", import.meta.url);

export function readModelFixture(name: string): { graph: string; meta: ModelMeta; expected: Float32Array[] } {
  const graph = readFileSync(new URL(`${name}.json`, DIR), "utf8");
  const meta = JSON.parse(readFileSync(new URL(`${name}.meta.json`, DIR), "utf8")) as ModelMeta;
  const blob = readFileSync(new URL(`${name}.out.bin`, DIR));
  const floats = new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
  const expected: Float32Array[] = [];
  let at = 0;
  for (const shape of meta.outputs) {
    const n = shape.reduce((a, b) => a * b, 1);
    expected.push(floats.slice(at, at + n));
    at += n;
  }
  return { graph, meta, expected };
}

/** The fixture's weights as safetensors bytes, in the state dict's order. */
export function modelWeights(meta: ModelMeta): Uint8Array {
  const dict: Record<string, Tensor> = {};
  try {
    for (const [key, { shape, dtype }] of Object.entries(meta.state)) {
      dict[key] = tensor(fillValues(key, shape), shape, { dtype });
    }
    return saveSafetensors(dict);
  } finally {
    for (const t of Object.values(dict)) t.dispose();
  }
}

export function modelInput(name: string, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float32Array.from(uniform(`input:${name}`, n), (v) => 2 * v - 1), shape);
}
