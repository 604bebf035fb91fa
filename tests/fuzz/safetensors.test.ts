// The safetensors parser on hostile files: names that are Object.prototype members,
// malformed headers, lengths, offsets, overlaps, dtypes and huge shapes. Every bad file
// is a RangeError or TypeError naming loadSafetensors, and allocates nothing.
import { describe, expect, it } from "vitest";
import * as api from "../../src/index";
import { type Tensor, loadSafetensors, memory, nn, saveSafetensors, tensor, tidy } from "../../src/index";
import { fuzz } from "./harness";
import { safetensorsEntries, TRICKY_NAMES } from "./safetensors-gen";

/** A file from header entries (written by hand so "__proto__" stays an ordinary key) and a data buffer. */
function file(entries: [string, unknown][], data: number[] = [], headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...v: number[]) => Array.from(new Uint8Array(new Float32Array(v).buffer));
const entry = (dtype: string, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });

function disposeAll(dict: Record<string, Tensor>): void {
  for (const k of Object.getOwnPropertyNames(dict)) dict[k].dispose();
}

/** Expects a RangeError or TypeError naming loadSafetensors, with memory() unchanged. */
function refuses(bytes: Uint8Array, message?: RegExp): void {
  const before = memory();
  let caught: unknown = null;
  try {
    disposeAll(loadSafetensors(bytes));
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected an error").not.toBeNull();
  expect(caught instanceof RangeError || caught instanceof TypeError, String(caught)).toBe(true);
  expect((caught as Error).message).toMatch(/^loadSafetensors: /);
  if (message) expect((caught as Error).message).toMatch(message);
  const after = memory();
  expect([after.tensors, after.bytes]).toEqual([before.tensors, before.bytes]);
}

describe("tensor names that are Object.prototype members", () => {
  it("load as plain keys of a null-prototype dict; the prototype is never replaced", () => {
    const names = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];
    const data: number[] = [];
    const entries: [string, unknown][] = names.map((n, i) => {
      data.push(...f32(i + 0.5));
      return [n, entry("F32", [1], [4 * i, 4 * i + 4])];
    });
    const before = memory();
    const dict = loadSafetensors(file(entries, data));
    expect(Object.getPrototypeOf(dict)).toBeNull();
    expect(Object.keys(dict)).toEqual(names);
    names.forEach((n, i) => {
      expect(Object.hasOwn(dict, n)).toBe(true);
      expect(dict[n].toArray()[0]).toBe(i + 0.5);
    });
    disposeAll(dict);
    expect(memory().tensors).toBe(before.tensors);
  });

  it("round trip through saveSafetensors, and loadStateDict treats them as ordinary (unexpected) keys", () => {
    const dict = loadSafetensors(file([["__proto__", entry("F32", [2], [0, 8])], ["weight", entry("F32", [1, 2], [8, 16])], ["bias", entry("F32", [1], [16, 20])]], f32(1, 2, 3, 4, 5)));
    const again = loadSafetensors(saveSafetensors(dict));
    expect(Object.keys(again)).toEqual(["__proto__", "weight", "bias"]);
    expect(Array.from(again.__proto__.toArray())).toEqual([1, 2]);
    const m = new nn.Linear(2, 1);
    expect(() => m.loadStateDict(again)).toThrow(/^Linear\.loadStateDict: .*unexpected key "__proto__"/);
    m.loadStateDict(again, { strict: false });
    expect(Array.from(m.weight.toArray())).toEqual([3, 4]);
    // A plain object whose own "constructor" or "toString" key is a tensor, and a missing key named like a prototype member.
    const own = { weight: again.weight, constructor: again.bias } as unknown as Record<string, Tensor>;
    expect(() => m.loadStateDict(own)).toThrow(/unexpected key "constructor".*missing key "bias"/);
    m.dispose();
    disposeAll(dict);
    disposeAll(again);
  });

  it("stateDict() is a null-prototype object, and tidy() keeps what such a dict holds", () => {
    const m = new nn.Linear(2, 3);
    const sd = m.stateDict();
    expect(Object.getPrototypeOf(sd)).toBeNull();
    expect(Object.keys(sd)).toEqual(["weight", "bias"]);
    disposeAll(sd);
    const bytes = saveSafetensors(tidy(() => m.stateDict()));
    const loaded = tidy(() => loadSafetensors(bytes));
    expect(loaded.weight.isDisposed).toBe(false);
    expect(loaded.weight.shape).toEqual([3, 2]);
    disposeAll(loaded);
    m.dispose();
  });
});

describe("malformed files", () => {
  const one = (e: unknown, data: number[] = f32(1)) => file([["x", e]], data);
  const cases: [string, Uint8Array, RegExp?][] = [
    ["empty", new Uint8Array(0), /truncated/],
    ["7 bytes", new Uint8Array(7), /truncated/],
    ["header length beyond the file", (() => { const b = one(entry("F32", [1], [0, 4])); b[1] += 1; return b; })(), /truncated/],
    ["header length 2^53", (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 2n ** 53n, true); return b; })()],
    ["header length 2^64 - 1", (() => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 2n ** 64n - 1n, true); return b; })()],
    ["header not JSON", file([], [], "{\"x\":"), /JSON/],
    ["header not UTF-8", (() => { const b = file([], [], "{\"\u00ff\":1}"); b[10] = 0xff; return b; })(), /UTF-8/],
    ["header an array", file([], [], "[]"), /object/],
    ["header null", file([], [], "null"), /object/],
    ["entry not an object", one(5)],
    ["dtype toString (an Object.prototype member)", one(entry("toString", [1], [0, 4])), /unsupported dtype/],
    ["dtype __proto__", one(entry("__proto__", [1], [0, 4])), /unsupported dtype/],
    ["dtype F8", one(entry("F8_E4M3", [1], [0, 1]), [0])],
    ["dtype missing", one({ shape: [1], data_offsets: [0, 4] })],
    ["negative dim", one(entry("F32", [-1], [0, 4]))],
    ["fractional dim", one(entry("F32", [0.5], [0, 4]))],
    ["string dim", one(entry("F32", ["1"], [0, 4]))],
    ["huge dims of an empty tensor", one(entry("F32", [0, 1e300], [0, 0]), []), /shape/],
    ["dims whose product overflows", one(entry("F32", [2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1], [0, 4]))],
    ["a huge tensor the file does not hold", one(entry("F32", [2 ** 28], [0, 2 ** 30]))],
    ["offsets reversed", one(entry("F32", [1], [4, 0]))],
    ["offsets negative", one(entry("F32", [1], [-4, 0]))],
    ["offsets fractional", one(entry("F32", [1], [0.5, 4.5]))],
    ["offsets beyond 2^53", one(entry("F32", [1], [2 ** 53, 2 ** 53 + 4]))],
    ["offsets of three numbers", one(entry("F32", [1], [0, 4, 8]))],
    ["offsets disagree with the shape", one(entry("F32", [2], [0, 4]))],
    ["bytes belonging to no tensor", one(entry("F32", [1], [0, 4]), f32(1, 2)), /belong to no tensor/],
    ["a gap between tensors", file([["a", entry("F32", [1], [0, 4])], ["b", entry("F32", [1], [8, 12])]], f32(1, 2, 3)), /belong to no tensor/],
    ["overlapping tensors", file([["a", entry("F32", [2], [0, 8])], ["b", entry("F32", [1], [4, 8])]], f32(1, 2)), /overlap/],
    ["two tensors on the same bytes", file([["a", entry("F32", [1], [0, 4])], ["b", entry("F32", [1], [0, 4])]], f32(1)), /overlap/],
    ["a shape nested 100,000 deep", file([], [], `{"a":{"dtype":"F32","shape":${"[".repeat(100_000)}${"]".repeat(100_000)},"data_offsets":[0,0]}}`), /shape/],
    ["metadata nested 100,000 deep", file([], [], `{"__metadata__":{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`), /__metadata__/],
    ["a header of 100,000 nested arrays", file([], [], `${"[".repeat(100_000)}${"]".repeat(100_000)}`), /object/],
    ["metadata not strings", file([["__metadata__", { a: 1 }]]), /__metadata__/],
    ["metadata an array", file([["__metadata__", []]]), /__metadata__/],
    ["an I64 beyond int32 after a valid tensor", file([["a", entry("F32", [1], [0, 4])], ["b", entry("I64", [1], [4, 12])]], [...f32(1), 0, 0, 0, 0, 1, 0, 0, 0]), /int32/],
  ];
  for (const [what, bytes, message] of cases) it(what, () => refuses(bytes, message));

  it("refuses what is not bytes with a TypeError naming loadSafetensors", () => {
    for (const bad of [null, undefined, "file", [1, 2], new Float32Array(4), { length: 8 }]) {
      expect(() => loadSafetensors(bad as unknown as Uint8Array)).toThrow(/^loadSafetensors: /);
    }
  });

  it("every name in the tricky list survives a round trip", () => {
    const dict: Record<string, Tensor> = Object.create(null);
    TRICKY_NAMES.forEach((n, i) => (dict[n] = tensor([i, -i])));
    const back = loadSafetensors(saveSafetensors(dict));
    expect(Object.keys(back).sort()).toEqual([...TRICKY_NAMES].sort());
    TRICKY_NAMES.forEach((n, i) => expect(Array.from(back[n].toArray())).toEqual([i, -i]));
    disposeAll(back);
    disposeAll(dict);
  });
});

describe("fuzz: generated valid and malformed files", () => {
  it("seed 1", () => {
    const stats = fuzz(api, safetensorsEntries, { seed: 1, cases: 3000, stopAtFirst: true });
    const report = stats.failures.map((f) => `\n${f.code}`).join("\n");
    expect(stats.failures.length, `fuzz failures:${report}`).toBe(0);
    expect(stats.byEntry.loadSafetensors.errors).toBeGreaterThan(500);
  });
});
