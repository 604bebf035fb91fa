// Safetensors files for the fuzzer: valid files of every dtype (with names such as
// "__proto__" and "constructor"), and files broken in one place: truncated, extended,
// a wrong header length, bad JSON or UTF-8, bad dtypes, shapes and offsets, overlaps.
// Values are decoded here independently of src/safetensors.ts.

import type { Choices } from "./choices";
import type { Arg, Case, Entry, Expect, RefOut } from "./harness";
import { prod } from "./refs";

export const TRICKY_NAMES = [
  "weight", "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "prototype",
  "0", "1", "", "a.b.c", "ü", "__metadata", "then",
];

const DTYPES = ["F32", "F16", "BF16", "F64", "I32", "I64"] as const;
type StDtype = (typeof DTYPES)[number];
const ITEM: Record<StDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I32: 4, I64: 8 };

interface StTensor {
  name: string;
  dtype: StDtype;
  shape: number[];
  bytes: number[];
  /** What loading gives (float32 or int32 values), or null when loading must fail. */
  expected: number[] | null;
  int: boolean;
}

const f16 = (h: number) => {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 31;
  const m = h & 1023;
  if (e === 0) return sign * m * Math.pow(2, -24);
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * Math.pow(2, e - 15) * (1 + m / 1024);
};

function tensorOf(r: Choices, name: string, dtype: StDtype): StTensor {
  const shape = Array.from({ length: r.int(0, 3) }, () => r.int(0, 3));
  const n = prod(shape);
  const buf = new ArrayBuffer(n * ITEM[dtype]);
  const v = new DataView(buf);
  const expected: number[] = [];
  let bad = false;
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case "F32": {
        const bits = r.chance(0.2) ? r.int(0, 2 ** 32 - 1) : new Uint32Array(new Float32Array([r.int(-100, 100) / 8]).buffer)[0];
        v.setUint32(4 * i, bits >>> 0, true);
        expected.push(v.getFloat32(4 * i, true));
        break;
      }
      case "F16": {
        const h = r.int(0, 0xffff);
        v.setUint16(2 * i, h, true);
        expected.push(f16(h));
        break;
      }
      case "BF16": {
        const h = r.int(0, 0xffff);
        v.setUint16(2 * i, h, true);
        expected.push(new Float32Array(new Uint32Array([h * 65536]).buffer)[0]);
        break;
      }
      case "F64": {
        const x = r.chance(0.2) ? r.pick([1e300, -1e300, 1e-320, NaN, -0, 3.4e38, 3.5e38]) : r.int(-1000, 1000) / 3;
        v.setFloat64(8 * i, x, true);
        expected.push(Math.fround(x));
        break;
      }
      case "I32": {
        const x = r.int(-(2 ** 31), 2 ** 31 - 1);
        v.setInt32(4 * i, x, true);
        expected.push(x);
        break;
      }
      case "I64": {
        const big = r.chance(0.1);
        const x = big ? r.pick([2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 52)]) : r.int(-(2 ** 31), 2 ** 31 - 1);
        v.setBigInt64(8 * i, BigInt(x), true);
        if (big) bad = true;
        expected.push(x);
        break;
      }
    }
  }
  return { name, dtype, shape, bytes: Array.from(new Uint8Array(buf)), expected: bad ? null : expected, int: dtype === "I32" || dtype === "I64" };
}

/** Header JSON written by hand, so names like "__proto__" stay ordinary keys. */
function headerJson(entries: [string, unknown][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
}

function fileOf(header: string, data: number[], pad = true): number[] {
  const json = Array.from(new TextEncoder().encode(header));
  while (pad && json.length % 8 !== 0) json.push(0x20);
  const len = [json.length & 0xff, (json.length >> 8) & 0xff, (json.length >> 16) & 0xff, json.length >>> 24, 0, 0, 0, 0];
  return [...len, ...json, ...data];
}

function validFile(r: Choices): { tensors: StTensor[]; header: [string, unknown][]; data: number[] } {
  const count = r.int(0, 3);
  const names = new Set<string>();
  const tensors: StTensor[] = [];
  for (let i = 0; i < count; i++) {
    const name = r.chance(0.5) ? r.pick(TRICKY_NAMES) : `layer${i}.weight`;
    if (names.has(name)) continue;
    names.add(name);
    tensors.push(tensorOf(r, name, r.pick(DTYPES)));
  }
  // Data in a random order of tensors (offsets need not follow the header order).
  const order = tensors.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const offsets = new Map<StTensor, [number, number]>();
  const data: number[] = [];
  for (const i of order) {
    offsets.set(tensors[i], [data.length, data.length + tensors[i].bytes.length]);
    data.push(...tensors[i].bytes);
  }
  const header: [string, unknown][] = tensors.map((x) => [x.name, { dtype: x.dtype, shape: x.shape, data_offsets: offsets.get(x) }]);
  if (r.chance(0.3)) header.splice(r.int(0, header.length), 0, ["__metadata__", { format: "pt", note: r.pick(["", "__proto__", "x"]) }]);
  return { tensors, header, data };
}

function expectFor(tensors: StTensor[], header: [string, unknown][]): Expect {
  if (tensors.some((x) => x.expected === null)) return { kind: "error" };
  // The dict lists tensors in JavaScript's key order (integer-like names first), as JSON.parse gives them.
  const order = Object.keys(JSON.parse(headerJson(header))).filter((k) => k !== "__metadata__");
  const outputs: RefOut[] = order.map((name) => {
    const x = tensors.find((y) => y.name === name)!;
    return { shape: x.shape, data: x.expected!, dtype: x.int ? "int32" : "float32" };
  });
  return { kind: "ok", outputs, rtol: 0, atol: 0 };
}

const call = (bytes: number[]): Case["call"] => ({ kind: "fn", fn: "loadSafetensors", args: [{ $bytes: bytes } as Arg] });

function safetensorsCase(r: Choices): Case {
  const { tensors, header, data } = validFile(r);
  if (!r.chance(0.5)) return { tensors: [], call: call(fileOf(headerJson(header), data)), expect: expectFor(tensors, header) };
  // One defect.
  const defect = r.int(0, 11);
  const entryAt = () => {
    const named = header.filter(([k]) => k !== "__metadata__");
    return named.length > 0 ? (r.pick(named)[1] as Record<string, unknown>) : null;
  };
  let bytes: number[];
  switch (defect) {
    case 0: {
      const full = fileOf(headerJson(header), data);
      bytes = full.slice(0, r.int(0, full.length - 1));
      break;
    }
    case 1:
      bytes = [...fileOf(headerJson(header), data), ...Array.from({ length: r.int(1, 9) }, () => r.int(0, 255))];
      break;
    case 2: {
      bytes = fileOf(headerJson(header), data);
      const len = r.pick([0, 1, 2 ** 32, 2 ** 53, 2 ** 64 - 1, -1]);
      const cur = bytes[0] + bytes[1] * 256 + bytes[2] * 65536 + bytes[3] * 2 ** 24;
      const value = len === -1 ? cur - 1 : len === 0 ? cur + r.pick([1, 8, 1000]) : len;
      const b = new DataView(new ArrayBuffer(8));
      b.setBigUint64(0, BigInt(Math.min(value, 2 ** 64 - 1)) & 0xffffffffffffffffn, true);
      for (let i = 0; i < 8; i++) bytes[i] = b.getUint8(i);
      break;
    }
    case 3: {
      const text = r.pick(["[]", "5", "null", '"x"', "{", "{\"a\":}", "{\"a\":1}", "{\"a\":null}", "{\"a\":[]}"]);
      bytes = fileOf(text, data);
      break;
    }
    case 4: {
      // Invalid UTF-8 inside the header.
      const json = Array.from(new TextEncoder().encode(headerJson([["x\u0001", 0], ...header])));
      json[3] = r.pick([0xff, 0xc0, 0xed]);
      while (json.length % 8 !== 0) json.push(0x20);
      bytes = [json.length & 0xff, (json.length >> 8) & 0xff, (json.length >> 16) & 0xff, 0, 0, 0, 0, 0, ...json, ...data];
      break;
    }
    case 5: {
      const e = entryAt();
      if (e) e.dtype = r.pick(["F8", "f32", "U8", "BOOL", "I16", "C64", 5, null, "__proto__", "toString"]);
      else header.push(["x", { dtype: "F32", shape: [1], data_offsets: [0, 4] }]);
      bytes = fileOf(headerJson(header), data);
      break;
    }
    case 6: {
      const e = entryAt();
      if (e) e.shape = r.pick([[-1], [1.5], ["2"], [2 ** 31, 2 ** 31], [2 ** 53, 2 ** 53], [1e300], [0, 1e300], 3, null, [NaN], [[1]]]);
      else header.push(["x", { dtype: "F32", shape: [2 ** 62], data_offsets: [0, 0] }]);
      bytes = fileOf(headerJson(header), data);
      break;
    }
    case 7: {
      // Offsets of a tensor with data (a zero-size tensor may legally sit at any boundary).
      const sized = header.filter(([k, v]) => k !== "__metadata__" && ((v as { data_offsets: number[] }).data_offsets[1] > (v as { data_offsets: number[] }).data_offsets[0]));
      const e = sized.length > 0 ? (r.pick(sized)[1] as Record<string, unknown>) : null;
      const [b0, b1] = (e?.data_offsets as number[] | undefined) ?? [0, 0];
      const bad = r.pick<unknown>([[b1, b0 - 1], [b0, b1 + 4], [b0 + 1, b1 + 1], [-4, b1 - 4], [b0, 2 ** 53 + 8], [b0], [b0, b1, 0], ["0", b1], [b0 + 0.5, b1], null, [b0 - 4, b1 - 4]]);
      if (e) e.data_offsets = bad;
      else header.push(["x", { dtype: "F32", shape: [1], data_offsets: bad }]);
      bytes = fileOf(headerJson(header), data);
      break;
    }
    case 8: {
      // A second tensor on top of the first one's bytes (overlap) or an entry with no data.
      const e = entryAt();
      const offs = (e?.data_offsets as number[] | undefined) ?? [0, 0];
      const size = offs[1] - offs[0];
      header.push(["overlap", { dtype: "F32", shape: size >= 4 ? [size / 4 | 0] : [1], data_offsets: size >= 4 ? [offs[0], offs[0] + 4 * (size / 4 | 0)] : [offs[0], offs[0] + 4] }]);
      bytes = fileOf(headerJson(header), data);
      break;
    }
    case 9:
      header.push(["__metadata__", r.pick<unknown>([{ a: 1 }, [], "x", null, { b: { c: "d" } }])]);
      bytes = fileOf(headerJson(header), data);
      break;
    case 10: {
      const e = entryAt();
      if (e) e[r.pick(["dtype", "shape", "data_offsets"])] = undefined;
      else header.push(["x", {}]);
      bytes = fileOf(headerJson(header), data);
      break;
    }
    default: {
      // Not a header at all: random bytes.
      bytes = Array.from({ length: r.int(0, 40) }, () => r.int(0, 255));
      break;
    }
  }
  return { tensors: [], call: call(bytes), expect: { kind: "error" } };
}

export const safetensorsEntries: Entry[] = [{ name: "loadSafetensors", gen: safetensorsCase }];
