// Options objects and bad calls outside the layers: every options object is checked
// (unknown keys with a did-you-mean, wrong types), messages name the function the user
// called, a disposed tensor cannot be read, and calls before ready() say how to fix it.
import { describe, expect, it } from "vitest";
import { NotReadyError, full, image, init, nn, tensor, zeros, ones } from "../src/index";

const throwsLike = (fn: () => unknown, cls: typeof TypeError | typeof RangeError, message: RegExp) => {
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(cls);
  expect((error as Error).message).toMatch(message);
};

describe("options objects", () => {
  it("an unknown key is a TypeError naming the function, the key, the closest known key and all of them", () => {
    throwsLike(() => init.uniform_(zeros(2), { low: 0, high: 1 } as never), TypeError, /^init\.uniform_: unknown option "low"; options are a, b$/);
    throwsLike(() => new nn.Linear(2, 2).loadStateDict({}, { strictt: false } as never), TypeError, /^Linear\.loadStateDict: unknown option "strictt" \(did you mean strict\?\); options are strict$/);
    throwsLike(() => tensor([1, 2], undefined, { dtyp: "int32" } as never), TypeError, /^tensor: unknown option "dtyp" \(did you mean dtype\?\)/);
    throwsLike(() => full([2], 1, { foo: 1 } as never), TypeError, /^full: unknown option "foo"; options are dtype$/);
    throwsLike(() => init.kaimingNormal_(zeros(2, 2), { non_linearity: "relu" } as never), TypeError, /did you mean nonlinearity\?/);
    throwsLike(() => image.toTensor({ data: new Uint8Array(3), width: 1, height: 1, channels: 3 }, { alfa: true } as never), TypeError, /did you mean alpha\?/);
  });

  it("a wrong-typed value is a TypeError, never read as truthy or falsy", () => {
    throwsLike(() => new nn.Linear(2, 2).loadStateDict({}, { strict: "false" } as never), TypeError, /expected strict true or false, got "false"/);
    throwsLike(() => image.toTensor({ data: new Uint8Array(4), width: 1, height: 1 }, { alpha: "false" } as never), TypeError, /^image\.toTensor: expected alpha true or false/);
    throwsLike(() => init.normal_(zeros(2), { std: "1" } as never), TypeError, /^init\.normal_: expected std a finite number/);
    throwsLike(() => new nn.Linear(2, 2).train("no" as never), TypeError, /^Linear\.train: expected mode true or false/);
    throwsLike(() => init.uniform_(zeros(2), [0, 1] as never), TypeError, /^init\.uniform_: expected options an options object/);
  });

  it("only the dtypes the library supports can be made", () => {
    throwsLike(() => full([2], 1, { dtype: "float64" } as never), RangeError, /^full: expected dtype "float32" or "int32", got "float64"$/);
    throwsLike(() => full([2], 1.5, { dtype: "int32" }), RangeError, /^full: expected value an integer for an int32 tensor/);
    expect(Array.from(full([2], 3, { dtype: "int32" }).toArray())).toEqual([3, 3]);
  });

  it("null stands for no options and no shape", () => {
    expect(Array.from(tensor(new Float32Array([1, 2]), null, null as never).toArray())).toEqual([1, 2]);
  });
});

describe("messages name the function the user called", () => {
  it("init wrappers report themselves, not the helper they share", () => {
    const gone = zeros(2, 2);
    gone.dispose();
    throwsLike(() => init.zeros_(gone), TypeError, /^init\.zeros_: tensor is a disposed tensor$/);
    throwsLike(() => init.ones_(gone), TypeError, /^init\.ones_:/);
    throwsLike(() => init.kaimingUniform_(zeros(2, 2), { nonlinearity: "swish" as never }), RangeError, /^init\.kaimingUniform_: expected nonlinearity one of/);
    throwsLike(() => init.xavierUniform_(zeros(3)), RangeError, /^init\.xavierUniform_: fan in and fan out need/);
  });

  it("tensor methods report the method called, not the one they are built on", () => {
    const t = ones(4);
    t.dispose();
    throwsLike(() => t.narrow(0, 0, 2), TypeError, /^Tensor\.narrow: /);
    throwsLike(() => t.flatten(), TypeError, /^Tensor\.flatten: /);
    throwsLike(() => t.t(), TypeError, /^Tensor\.t: /);
    throwsLike(() => t.item(), TypeError, /^Tensor\.item: /);
    throwsLike(() => t.toNested(), TypeError, /^Tensor\.toNested: /);
  });
});

describe("a disposed tensor", () => {
  it("cannot be read, not even its size", () => {
    const t = zeros(2, 3);
    t.dispose();
    throwsLike(() => t.shape, TypeError, /^Tensor\.shape: the tensor \(shape \[2,3\]\) was disposed/);
    throwsLike(() => t.size(), TypeError, /^Tensor\.size: /);
    throwsLike(() => t.numel, TypeError, /^Tensor\.numel: /);
    throwsLike(() => t.ndim, TypeError, /^Tensor\.ndim: /);
    expect(t.isDisposed).toBe(true);
    expect(t.dtype).toBe("float32");
  });
});

describe("calls before ready()", () => {
  it("NotReadyError is a TypeError with its own name", () => {
    const e = new NotReadyError();
    expect(e).toBeInstanceOf(TypeError);
    expect(e.name).toBe("NotReadyError");
    expect(e.message).toMatch(/await ready\(\)/);
  });
});
