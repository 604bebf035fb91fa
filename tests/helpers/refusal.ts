// The shared check of error tests: a call that must be refused throws the expected class
// with the expected message, leaves its input unchanged and leaks nothing.
import { afterEach, beforeEach, expect } from "vitest";
import { type Tensor, memory, tidy } from "../../src/index";

export interface Refusals {
  /** The input made fresh for each test. */
  readonly x: Tensor;
  /** Asserts `fn` (run in tidy(), which frees what it makes for the call) throws `type` matching every pattern, and `x` is unchanged. */
  throwsWith(fn: () => unknown, type: typeof TypeError | typeof RangeError, ...patterns: RegExp[]): void;
}

/**
 * Registers, in the calling describe block, hooks that make the input with `make` before
 * each test and check afterwards that memory() is back where it was.
 */
export function refusals(make: () => Tensor): Refusals {
  let x: Tensor;
  let before: ReturnType<typeof memory>;
  beforeEach(() => {
    x = make();
    before = memory();
  });
  afterEach(() => {
    // No failed call leaves a tensor or a byte behind.
    expect(memory().tensors).toBe(before.tensors);
    expect(memory().bytes).toBe(before.bytes);
    x.dispose();
  });
  return {
    get x() {
      return x;
    },
    throwsWith(fn, type, ...patterns) {
      const values = x.toArray();
      let error: unknown = null;
      try {
        tidy(fn);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(type);
      for (const p of patterns) expect((error as Error).message).toMatch(p);
      expect(Array.from(x.toArray())).toEqual(Array.from(values));
    },
  };
}
