// Safetensors files in and out: the format PyTorch users export weights in.
//
// Layout: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON
// ({ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { key: value } }),
// then the data buffer; offsets are relative to the buffer's start, tensors are
// row-major little-endian, and the tensors together cover the buffer without gaps or
// overlaps. F32, F16, BF16 and F64 load as float32 tensors, I32 and I64 as int32 (an
// I64 value outside the int32 range is an error, never a silent wrap-around).

import { numelOf } from "./shape";
import { checkTensor } from "./args";
import { badType, rangeError, shapeStr, typeError } from "./errors";
import { type Tensor, emptyTensor } from "./tensor";
import { writeF32, writeI32 } from "./wasm";

const LOAD = "loadSafetensors";
const SAVE = "saveSafetensors";

const ITEM_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, I64: 8 };
/** Largest dimension size accepted in a header (a tensor never has more elements anyway). */
const MAX_DIM = 2 ** 31 - 1;
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Reads a .safetensors file (its bytes) into `{ name: Tensor }`, ready for
 * `module.loadStateDict()`. Every problem (truncated file, bad header, offsets out of
 * range, overlapping or missing data, unsupported dtype) throws a RangeError or TypeError
 * naming the tensor; nothing is allocated unless the whole file is valid. The result has
 * no prototype, so any tensor name (`__proto__`, `constructor`, ...) is a plain key. The
 * tensors are the caller's: `loadStateDict` copies them, so dispose them afterwards (or
 * load inside `tidy`).
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  let data: Uint8Array;
  if (bytes instanceof ArrayBuffer) data = new Uint8Array(bytes);
  else if (bytes instanceof Uint8Array) data = bytes;
  else throw badType(LOAD, "bytes", "a Uint8Array or an ArrayBuffer", bytes);

  if (data.length < 8) throw rangeError(LOAD, `expected at least 8 bytes (the header length), got ${data.length}: the file is truncated`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerBytes = hi * 2 ** 32 + lo;
  if (headerBytes > data.length - 8) {
    throw rangeError(LOAD, `the header length is ${headerBytes} bytes but only ${data.length - 8} bytes follow it: the file is truncated or not a safetensors file`);
  }
  if (headerBytes > MAX_HEADER_BYTES) throw rangeError(LOAD, `the header length ${headerBytes} exceeds the ${MAX_HEADER_BYTES}-byte limit`);

  let header: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(data.subarray(8, 8 + headerBytes));
    header = JSON.parse(text);
  } catch (e) {
    throw rangeError(LOAD, `the header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw rangeError(LOAD, "expected the header to be a JSON object of tensors");
  }

  const bufferStart = 8 + headerBytes;
  const bufferBytes = data.length - bufferStart;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      checkMetadata(LOAD, info);
      continue;
    }
    entries.push(parseEntry(name, info, bufferBytes));
  }
  checkCoverage(entries, bufferBytes);

  const out: Record<string, Tensor> = Object.create(null);
  try {
    for (const e of entries) {
      out[e.name] = decode(e, data.subarray(bufferStart + e.begin, bufferStart + e.end));
    }
  } catch (err) {
    for (const t of Object.values(out)) t.dispose();
    throw err;
  }
  return out;
}

function parseEntry(name: string, info: unknown, bufferBytes: number): Entry {
  const where = `tensor ${short(name)}`;
  if (info === null || typeof info !== "object" || Array.isArray(info)) {
    throw rangeError(LOAD, `${where}: expected {dtype, shape, data_offsets}, got ${short(info)}`);
  }
  const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
  if (typeof dtype !== "string" || !Object.hasOwn(ITEM_BYTES, dtype)) {
    throw rangeError(LOAD, `${where}: unsupported dtype ${short(dtype)}; supported are ${Object.keys(ITEM_BYTES).join(", ")}`);
  }
  if (!Array.isArray(shape) || shape.some((s) => typeof s !== "number" || !Number.isInteger(s) || s < 0 || s > MAX_DIM)) {
    throw rangeError(LOAD, `${where}: expected shape to be an array of non-negative integers, got ${short(shape)} (each size at most ${MAX_DIM})`);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    offsets.some((v) => typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
  ) {
    throw rangeError(LOAD, `${where}: expected data_offsets [begin, end] of non-negative integers, got ${short(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end || end > bufferBytes) {
    throw rangeError(LOAD, `${where}: data_offsets [${begin}, ${end}] lie outside the ${bufferBytes}-byte data buffer: the file is truncated or corrupt`);
  }
  const numel = numelOf(shape as number[]);
  const expected = numel * ITEM_BYTES[dtype];
  if (end - begin !== expected) {
    throw rangeError(LOAD, `${where}: shape ${shapeStr(shape as number[])} of ${dtype} needs ${expected} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** The tensors must tile the buffer exactly: no overlaps, no unreferenced bytes. */
function checkCoverage(entries: Entry[], bufferBytes: number): void {
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let last = "";
  for (const e of sorted) {
    if (e.begin < pos) {
      throw rangeError(LOAD, `tensor ${short(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap tensor ${short(last)}, which ends at ${pos}`);
    }
    if (e.begin > pos) {
      throw rangeError(LOAD, `bytes [${pos}, ${e.begin}) of the data buffer belong to no tensor (before tensor ${short(e.name)})`);
    }
    if (e.end > pos) {
      pos = e.end;
      last = e.name;
    }
  }
  if (pos !== bufferBytes) {
    throw rangeError(LOAD, `bytes [${pos}, ${bufferBytes}) at the end of the data buffer belong to no tensor`);
  }
}

function checkMetadata(layer: string, info: unknown): void {
  if (info === null || typeof info !== "object" || Array.isArray(info)) {
    throw rangeError(layer, `expected __metadata__ to be an object of strings, got ${short(info)}`);
  }
  for (const [k, v] of Object.entries(info)) {
    // A caller's wrong-typed argument is a TypeError; the same fault inside a file is a malformed file (RangeError).
    if (typeof v !== "string") throw (layer === SAVE ? typeError : rangeError)(layer, `expected __metadata__ values to be strings, got ${short(v)} for ${short(k)}`);
  }
}

/** JSON of a header value for a message, cut short (headers can be huge, and nested deeper than JSON.stringify can recurse). */
function short(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    return Array.isArray(value) ? "a deeply nested array" : "a deeply nested value";
  }
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}

/** An aligned copy of `src` (typed arrays need aligned offsets). */
function aligned(src: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(src.length);
  copy.set(src);
  return copy.buffer;
}

function decode(e: Entry, bytes: Uint8Array): Tensor {
  const n = numelOf(e.shape);
  if (e.dtype === "I32" || e.dtype === "I64") {
    const values = e.dtype === "I32" ? readI32(bytes, n) : readI64(e.name, bytes, n);
    const t = emptyTensor(e.shape, "int32", LOAD);
    if (n > 0) writeI32(t.dataPtr, values);
    return t;
  }
  const values = readFloat(e.dtype, bytes, n);
  const t = emptyTensor(e.shape, "float32", LOAD);
  if (n > 0) writeF32(t.dataPtr, values);
  return t;
}

function readI32(bytes: Uint8Array, n: number): Int32Array {
  if (LITTLE_ENDIAN) return new Int32Array(aligned(bytes));
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = v.getInt32(4 * i, true);
  return out;
}

function readI64(name: string, bytes: Uint8Array, n: number): Int32Array {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const lo = v.getInt32(8 * i, true);
    const hi = v.getInt32(8 * i + 4, true);
    // The value fits in int32 exactly when the high word is the sign extension of the low one.
    if (hi !== lo >> 31) {
      throw rangeError(LOAD, `tensor ${short(name)}: I64 value ${v.getBigInt64(8 * i, true)} at index ${i} does not fit in int32 (wasm-nn stores integers as int32)`);
    }
    out[i] = lo;
  }
  return out;
}

function readFloat(dtype: string, bytes: Uint8Array, n: number): Float32Array {
  if (dtype === "F32" && LITTLE_ENDIAN) return new Float32Array(aligned(bytes));
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  if (dtype === "F32") {
    for (let i = 0; i < n; i++) out[i] = v.getFloat32(4 * i, true);
  } else if (dtype === "F64") {
    for (let i = 0; i < n; i++) out[i] = v.getFloat64(8 * i, true);
  } else if (dtype === "BF16") {
    // bfloat16 is the high half of a float32.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) bits[i] = v.getUint16(2 * i, true) << 16;
  } else {
    for (let i = 0; i < n; i++) out[i] = halfToFloat(v.getUint16(2 * i, true));
  }
  return out;
}

/** IEEE binary16 bits -> number (exact: every half value is a float32 value). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export interface SaveSafetensorsOptions {
  /** String key/value pairs stored under "__metadata__". */
  metadata?: Record<string, string>;
}

/**
 * Writes `{ name: Tensor }` (a `stateDict()`, say) as .safetensors bytes: float32 tensors
 * as F32, int32 tensors as I32, readable by PyTorch's `safetensors.torch.load_file`.
 */
export function saveSafetensors(dict: Record<string, Tensor>, options: SaveSafetensorsOptions = {}): Uint8Array {
  if (dict === null || typeof dict !== "object" || Array.isArray(dict)) throw badType(SAVE, "dict", "a { name: Tensor } object", dict);
  if (options === null || typeof options !== "object") throw badType(SAVE, "options", "an options object", options);
  for (const key of Object.keys(options)) {
    if (key !== "metadata") throw typeError(SAVE, `unknown option ${JSON.stringify(key)}; options are metadata`);
  }
  // No prototype: a tensor named "__proto__" is an ordinary key of the header.
  const header: Record<string, unknown> = Object.create(null);
  if (options.metadata !== undefined) {
    checkMetadata(SAVE, options.metadata);
    header.__metadata__ = { ...options.metadata };
  }
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(dict)) {
    if (name === "__metadata__") throw rangeError(SAVE, `"__metadata__" is reserved and cannot name a tensor`);
    checkTensor(SAVE, `dict[${JSON.stringify(name)}]`, t);
    const values = t.toArray();
    const bytes = new Uint8Array(values.byteLength);
    if (LITTLE_ENDIAN) {
      bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    } else {
      const v = new DataView(bytes.buffer);
      for (let i = 0; i < values.length; i++) {
        if (t.dtype === "int32") v.setInt32(4 * i, values[i], true);
        else v.setFloat32(4 * i, values[i], true);
      }
    }
    header[name] = { dtype: t.dtype === "int32" ? "I32" : "F32", shape: t.shape.slice(), data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data starts 8-byte aligned, as other writers do.
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
