// Safetensors: files written by tools/export_safetensors.py from PyTorch (every dtype the
// reader takes), round trips through saveSafetensors, and every malformed-file error.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Tensor, loadSafetensors, memory, nn, saveSafetensors, tensor, tidy } from "../src/index";
import { expectExact } from "./helpers/allclose";
import { Fixtures, type TensorRef } from "./helpers/fixtures";

type Case =
  | { id: string; kind: "dtypes"; file: string; tensors: Record<string, { shape: number[]; expected: TensorRef }> }
  | { id: string; kind: "overflow"; file: string }
  | { id: string; kind: "model" | "keys" };

const fixtures = new Fixtures<Case>("container");
const fixtureFile = (name: string) => readFileSync(new URL(`./golden/fixtures/${name}`, import.meta.url));

/** Builds a file from a header object and a data buffer, the way the format lays them out. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe("files exported from PyTorch", () => {
  it("reads F32, F16, BF16, F64, I32 and I64 tensors, 0-D and empty ones, ignoring metadata", () => {
    const c = fixtures.cases.find((k) => k.kind === "dtypes") as Extract<Case, { kind: "dtypes" }>;
    tidy(() => {
      const dict = loadSafetensors(fixtureFile(c.file));
      expect(Object.keys(dict).sort()).toEqual(Object.keys(c.tensors).sort());
      for (const [name, info] of Object.entries(c.tensors)) {
        const t = dict[name];
        expect(t.shape, name).toEqual(info.shape);
        expect(t.dtype, name).toBe(info.expected.dtype);
        expectExact(t, fixtures.values(info.expected), info.shape, name);
      }
    });
  });

  it("accepts an ArrayBuffer and a Uint8Array at an unaligned offset", () => {
    tidy(() => {
      const bytes = fixtureFile("dtypes.safetensors");
      const shifted = new Uint8Array(bytes.length + 3);
      shifted.set(bytes, 3);
      const a = loadSafetensors(shifted.subarray(3));
      const b = loadSafetensors(new Uint8Array(bytes).buffer);
      expect(Array.from(a.f32.toArray())).toEqual(Array.from(b.f32.toArray()));
    });
  });

  it("refuses an I64 value beyond int32, naming the tensor, and allocates nothing", () => {
    const c = fixtures.cases.find((k) => k.kind === "overflow") as Extract<Case, { kind: "overflow" }>;
    const before = memory();
    expect(() => loadSafetensors(fixtureFile(c.file))).toThrow(RangeError);
    expect(() => loadSafetensors(fixtureFile(c.file))).toThrow(/^loadSafetensors: tensor "big": I64 value 1099511627776 at index 1 does not fit in int32/);
    expect(memory().tensors).toBe(before.tensors);
  });
});

describe("round trips", () => {
  it("saveSafetensors -> loadSafetensors gives back names, shapes, dtypes and values", () => {
    tidy(() => {
      const dict: Record<string, Tensor> = {
        "0.weight": tensor([[1.5, -2], [NaN, Infinity]]),
        "features.3.bias": tensor([-0, 3.4e38, 1e-40]),
        strided: tensor([1, 2, 3, 4, 5, 6], [2, 3]).transpose(0, 1),
        count: tensor(new Int32Array([-2147483648, 7, 2147483647])),
        scalar: tensor(2.5),
        empty: tensor(new Float32Array(0), [0, 2]),
      };
      const bytes = saveSafetensors(dict, { metadata: { format: "pt" } });
      const headerLength = new DataView(bytes.buffer).getUint32(0, true);
      expect(headerLength % 8).toBe(0);
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
      expect(header.__metadata__).toEqual({ format: "pt" });
      expect(header["0.weight"]).toEqual({ dtype: "F32", shape: [2, 2], data_offsets: [0, 16] });
      expect(header.count.dtype).toBe("I32");
      const back = loadSafetensors(bytes);
      expect(Object.keys(back)).toEqual(Object.keys(dict));
      for (const [name, t] of Object.entries(dict)) {
        expect(back[name].shape).toEqual(t.shape);
        expect(back[name].dtype).toBe(t.dtype);
        expect(Array.from(back[name].toArray())).toEqual(Array.from(t.toArray()));
      }
    });
  });

  it("a module's stateDict survives save and load into a fresh module", () => {
    tidy(() => {
      const make = () => new nn.Sequential(new nn.PReLU({ numParameters: 3 }), new nn.Sequential(new nn.PReLU()));
      const a = make();
      a.loadStateDict({ "0.weight": tensor([0.1, -0.2, 0.3]), "1.0.weight": tensor([0.7]) });
      const b = make();
      b.loadStateDict(loadSafetensors(saveSafetensors(a.stateDict())));
      const x = tensor([[-1, -2, -3], [1, 2, 3]]);
      expect(Array.from((b.forward(x) as Tensor).toArray())).toEqual(Array.from((a.forward(x) as Tensor).toArray()));
      a.dispose();
      b.dispose();
    });
  });
});

describe("malformed files throw clear errors", () => {
  const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
  const cases: [string, Uint8Array, RegExp][] = [
    ["too short", new Uint8Array(5), /expected at least 8 bytes \(the header length\), got 5: the file is truncated/],
    ["header longer than the file", (() => {
      const b = build({}, new Uint8Array(0));
      new DataView(b.buffer).setUint32(0, 1000, true);
      return b;
    })(), /the header length is 1000 bytes but only 2 bytes follow it/],
    ["invalid JSON", build(null, new Uint8Array(0), "{not json"), /the header is not valid UTF-8 JSON/],
    ["a header that is not an object", build([1, 2]), /expected the header to be a JSON object of tensors/],
    ["an unsupported dtype", build({ a: { dtype: "U8", shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), /tensor "a": unsupported dtype "U8"; supported are F32, F16, BF16, F64, I32, I64/],
    ["a bad shape", build({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, f32([1])), /tensor "a": expected shape to be an array of non-negative integers, got \[-1\]/],
    ["bad offsets", build({ a: { dtype: "F32", shape: [1], data_offsets: [0] } }, f32([1])), /tensor "a": expected data_offsets \[begin, end\] of non-negative integers/],
    ["offsets beyond the data (truncated file)", build({ a: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, f32([1, 2])), /tensor "a": data_offsets \[0, 16\] lie outside the 8-byte data buffer: the file is truncated or corrupt/],
    ["shape and byte count disagree", build({ a: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, f32([1, 2])), /tensor "a": shape \[3\] of F32 needs 12 bytes, but data_offsets \[0, 8\] hold 8/],
    ["overlapping tensors", build({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, f32([1, 2, 3])), /tensor "b": data_offsets \[4, 12\] overlap tensor "a", which ends at 8/],
    ["a gap between tensors", build({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] }, b: { dtype: "F32", shape: [1], data_offsets: [8, 12] } }, f32([1, 2, 3])), /bytes \[4, 8\) of the data buffer belong to no tensor \(before tensor "b"\)/],
    ["trailing bytes", build({ a: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, f32([1, 2])), /bytes \[4, 8\) at the end of the data buffer belong to no tensor/],
    ["bad metadata", build({ __metadata__: { n: 3 } }), /expected __metadata__ values to be strings, got 3 for "n"/],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      const before = memory();
      expect(() => loadSafetensors(bytes)).toThrow(RangeError);
      expect(() => loadSafetensors(bytes)).toThrow(message);
      expect(memory().tensors).toBe(before.tensors);
    });
  }

  it("refuses what is not bytes", () => {
    expect(() => loadSafetensors("model.safetensors" as unknown as Uint8Array)).toThrow(/^loadSafetensors: expected bytes a Uint8Array or an ArrayBuffer, got "model.safetensors"/);
  });

  it("saveSafetensors refuses non-tensors, the reserved name and unknown options", () => {
    tidy(() => {
      expect(() => saveSafetensors({ a: [1, 2] as unknown as Tensor })).toThrow(/^saveSafetensors: expected dict\["a"\] a Tensor/);
      expect(() => saveSafetensors({ __metadata__: tensor([1]) })).toThrow(/"__metadata__" is reserved/);
      expect(() => saveSafetensors({}, { meta: {} } as never)).toThrow(/unknown option "meta"/);
      expect(() => saveSafetensors({}, { metadata: { a: 1 } } as never)).toThrow(/expected __metadata__ values to be strings/);
    });
  });
});
