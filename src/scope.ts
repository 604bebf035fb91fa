// tidy(): free every tensor made inside a function except what it returns, as tf.tidy does.
//
// Scopes only know "things with dispose()", so this file does not depend on the Tensor class.

import { badType } from "./errors";

export interface Disposable {
  dispose(): void;
}

const scopes: Set<Disposable>[] = [];

/** Records a new tensor in the innermost open scope (if any). */
export function track(t: Disposable): void {
  if (scopes.length > 0) scopes[scopes.length - 1].add(t);
}

/** Takes a tensor out of every open scope, so no tidy() frees it: for parameters and kept results. */
export function keep<T extends Disposable>(t: T): T {
  if (t === null || typeof t !== "object" || typeof (t as Partial<Disposable>).dispose !== "function") {
    throw badType("keep", "tensor", "a Tensor (or another object with dispose())", t);
  }
  for (const s of scopes) s.delete(t);
  return t;
}

/**
 * Runs `fn` and frees every tensor it created, except those reachable from its return
 * value (a tensor, or arrays / plain objects holding tensors), which move to the
 * enclosing scope. `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new TypeError(`tidy: expected a function, got ${typeof fn}`);
  const scope = new Set<Disposable>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    disposeAll(scope);
    throw e;
  }
  scopes.pop();
  if (result !== null && typeof result === "object" && typeof (result as { then?: unknown }).then === "function") {
    disposeAll(scope);
    throw new TypeError("tidy: expected a synchronous function, got one that returned a Promise (async work escapes the scope)");
  }
  const kept = new Set<Disposable>();
  collect(result, kept, 0);
  for (const t of scope) {
    if (kept.has(t)) track(t);
    else t.dispose();
  }
  return result;
}

function disposeAll(scope: Set<Disposable>): void {
  for (const t of scope) t.dispose();
}

function collect(value: unknown, out: Set<Disposable>, depth: number): void {
  if (value === null || typeof value !== "object" || depth > 8) return;
  if (typeof (value as Disposable).dispose === "function" && "shape" in (value as object)) {
    out.add(value as Disposable);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(v, out, depth + 1);
  } else if (isPlainObject(value) || value instanceof Map) {
    const values = value instanceof Map ? value.values() : Object.values(value);
    for (const v of values) collect(v, out, depth + 1);
  }
}

/** `{...}` objects, and the prototype-less ones state dicts are (see loadSafetensors, Module.stateDict). */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
