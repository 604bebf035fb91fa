// image.toTensor / image.toImageData and the PNG/JPEG helpers of wasm-nn/node.
import { describe, expect, it } from "vitest";
import { image, tensor, tidy } from "../src/index";
import { decodeImage, encodeJpeg, encodePng } from "../src/node/files";

describe("image.toTensor (torchvision's ToTensor)", () => {
  it("turns RGBA bytes into [3,H,W] planes in [0,1], dropping alpha", () => {
    tidy(() => {
      // 2x1 image: a red-ish and a blue-ish pixel.
      const img = { data: new Uint8ClampedArray([255, 0, 51, 128, 0, 102, 255, 255]), width: 2, height: 1 };
      const t = image.toTensor(img);
      expect(t.shape).toEqual([3, 1, 2]);
      expect(Array.from(t.toArray())).toEqual([1, 0, 0, 102 / 255, 51 / 255, 1].map(Math.fround));
      expect(image.toTensor(img, { alpha: true }).shape).toEqual([4, 1, 2]);
    });
  });

  it("accepts gray and RGB bytes (channels given or inferred) and float data", () => {
    tidy(() => {
      expect(image.toTensor({ data: new Uint8Array([0, 255, 255, 0]), width: 2, height: 2 }).shape).toEqual([1, 2, 2]);
      const rgb = image.toTensor({ data: new Uint8Array(12).fill(255), width: 2, height: 2, channels: 3 });
      expect(rgb.shape).toEqual([3, 2, 2]);
      expect(Array.from(rgb.toArray()).every((v) => v === 1)).toBe(true);
      const f = image.toTensor({ data: new Float32Array([0.25, 0.5]), width: 2, height: 1, channels: 1 });
      expect(Array.from(f.toArray())).toEqual([0.25, 0.5]);
    });
  });

  it("rejects malformed images", () => {
    expect(() => image.toTensor({ data: new Uint8Array(5), width: 2, height: 1 })).toThrow(RangeError);
    expect(() => image.toTensor({ data: new Uint8Array(4), width: 0, height: 1 })).toThrow(/image.toTensor: expected img.width a positive integer, got 0/);
    expect(() => image.toTensor(null as unknown as { data: number[]; width: number; height: number })).toThrow(TypeError);
    expect(() => image.toTensor({ data: new Uint8Array(4), width: 1, height: 1 }, { keepAlpha: true } as object)).toThrow(TypeError);
  });
});

describe("image.toImageData", () => {
  it("clamps (never wraps) and rounds, and writes opaque RGBA", () => {
    tidy(() => {
      const t = tensor([[[-0.5, 0.5, 1.7, NaN]]]); // [1,1,4]
      const img = image.toImageData(t);
      expect(img.width).toBe(4);
      expect(img.height).toBe(1);
      expect(Array.from(img.data)).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
    });
  });

  it("min-max scales to the full range, and takes [H,W] and [3,H,W]", () => {
    tidy(() => {
      const img = image.toImageData(tensor([[-2, 0], [2, 6]]), { normalize: "minmax" });
      expect(Array.from(img.data.filter((_, i) => i % 4 === 0))).toEqual([0, 64, 128, 255]);
      const rgb = image.toImageData(tensor([[[1]], [[0]], [[0.2]]]));
      expect(Array.from(rgb.data)).toEqual([255, 0, 51, 255]);
      const flat = image.toImageData(tensor([[3, 3]]), { normalize: "minmax" });
      expect(Array.from(flat.data)).toEqual([0, 0, 0, 255, 0, 0, 0, 255]);
    });
  });

  it("rejects other shapes, dtypes and options", () => {
    tidy(() => {
      expect(() => image.toImageData(tensor([[[[1]]]]))).toThrow(/expected a tensor of shape \[C,H,W\] with C = 1 or 3, or \[H,W\], got \[1,1,1,1\]/);
      expect(() => image.toImageData(tensor([[[1]], [[1]]]))).toThrow(RangeError);
      expect(() => image.toImageData(tensor(new Int32Array([1]), [1, 1]))).toThrow(TypeError);
      expect(() => image.toImageData(tensor([[1]]), { normalize: "wrap" as "clamp" })).toThrow(/expected normalize one of "clamp", "minmax"/);
    });
  });
});

describe("PNG and JPEG (wasm-nn/node)", () => {
  const pixels = { data: new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 255, 10, 20, 30, 255]), width: 2, height: 2 };

  it("PNG round trip is lossless", () => {
    const back = decodeImage(encodePng(pixels));
    expect(back.width).toBe(2);
    expect(back.height).toBe(2);
    expect(Array.from(back.data)).toEqual(Array.from(pixels.data));
  });

  it("JPEG round trip stays close", () => {
    const big = { data: new Uint8Array(16 * 16 * 3).fill(200), width: 16, height: 16, channels: 3 };
    const back = decodeImage(encodeJpeg(big, { quality: 95 }));
    expect(back.width).toBe(16);
    expect(Math.max(...Array.from(back.data).map((v, i) => (i % 4 === 3 ? 0 : Math.abs(v - 200))))).toBeLessThanOrEqual(3);
  });

  it("image -> tensor -> image keeps 8-bit values", () => {
    tidy(() => {
      const t = image.toTensor(decodeImage(encodePng(pixels)));
      const out = image.toImageData(t);
      expect(Array.from(out.data)).toEqual([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255]);
    });
  });

  it("rejects bytes that are neither PNG nor JPEG", () => {
    expect(() => decodeImage(new Uint8Array([1, 2, 3, 4]))).toThrow(/expected PNG or JPEG bytes/);
  });
});
