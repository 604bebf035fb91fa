// Generator entries: one per family of public functions and modules. Each turns random
// choices into a Case: input tensors, the call, and the expectation computed by a
// float64 reference (or "error" for an invalid call). A new function joins the fuzzer by
// adding an entry here. Drawing 0 everywhere gives the simplest case, which is what the
// shrinker aims for: keep the "plain" choices first in every pick().

import { activationRef, softmaxRef } from "../helpers/activation-ref";
import { type Mode, refConv, refConvTranspose } from "../helpers/conv-reference";
import type { Choices } from "./choices";
import { type Arg, type Call, type Case, type Entry, type Expect, type Failure, type RefOut, type TensorSpec, t } from "./harness";
import {
  alongDim, contiguousStrides, gather, poolOutSize, prod, refAdaptive, refAvgPool, refBilinear, refLinear, refMaxPool,
} from "./refs";
import { safetensorsEntries } from "./safetensors-gen";

// ---- settings ----

/**
 * `absurd`: sometimes replace a kernel size, stride, padding or dilation with a value
 * near or beyond 2^31. Off by default: today some of these trap inside the kernels and
 * leave the heap unusable, which would end the run (`npm run fuzz -- --absurd` turns it on).
 */
export const settings = { absurd: false };

const ABSURD_PARAMS = [2 ** 30, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 1, 2 ** 40];

/** In absurd mode, now and then: one option set to a huge value; the call may then succeed or fail, but must fail cleanly. */
function maybeAbsurd(r: Choices, c: Case, options: () => Record<string, Arg>, keys: string[]): boolean {
  if (!settings.absurd || !r.chance(0.15)) return false;
  const big = r.pick(ABSURD_PARAMS);
  const key = r.pick(keys);
  const o = options();
  if (key === "kernel+padding") {
    o.padding = Math.floor(big / 2);
    if (c.call.kind === "fn") c.call.args[c.call.fn.includes("Unpool") ? 2 : 1] = big;
    else if (c.call.kind === "module") c.call.ctorArgs[0] = big;
  } else {
    o[key] = big;
  }
  c.expect = { kind: "either" };
  return true;
}

// ---- values ----

/** NaN, infinities, -0, float32 denormals, outliers and huge values. */
export const HOSTILE = [NaN, Infinity, -Infinity, -0, 1e-40, -1e-42, 1e30, -1e30, 1e4, -1e8, 1e8, 3e-39];
const SCALES = [1, 1e-6, 1e6, 1e-3, 1e3];

export type ValueMode = "plain" | "hostile" | "mixed";

export const valueMode = (r: Choices): ValueMode => r.pick(["plain", "plain", "hostile", "mixed"] as const);

/** `n` float32 values; "hostile" sprinkles HOSTILE values, "mixed" scales each block of `block` values differently. */
export function values(r: Choices, n: number, mode: ValueMode, block = n): number[] {
  const out = new Array<number>(n);
  let scale = 1;
  for (let i = 0; i < n; i++) {
    if (mode === "mixed" && i % Math.max(block, 1) === 0) scale = r.pick(SCALES);
    const u = r.int(0, 2000);
    let v = ((u & 1 ? -1 : 1) * (u >> 1)) / 500;
    if (mode === "hostile" && r.chance(0.1)) v = r.pick(HOSTILE);
    out[i] = Math.fround(v * scale);
  }
  return out;
}

const spec = (name: string, shape: number[], vals: number[], extra: Partial<TensorSpec> = {}): TensorSpec => ({ name, shape, values: vals, ...extra });
const layout = (r: Choices) => r.pick(["contiguous", "contiguous", "transposed", "strided"] as const);
const ok = (outputs: RefOut[], tol: Partial<Expect> = {}): Expect => ({ kind: "ok", outputs, ...tol });
const ERROR: Expect = { kind: "error" };
const dims = (n: number, f: () => number) => Array.from({ length: n }, f);

/**
 * With probability `p`, one of `mutations` (each returns a description of the change it
 * made to the case); the case then expects an error.
 */
function maybeInvalid(r: Choices, c: Case, mutations: ((c: Case) => void)[], p = 0.2): Case {
  if (!r.chance(p)) return c;
  r.pick(mutations)(c);
  c.expect = ERROR;
  return c;
}

/** Mutations that apply to any case whose first argument is an input tensor. */
const NOT_TENSORS: Arg[] = [null, undefined, "x", 1, [[1, 2], [3, 4]], { shape: [1] }, [NaN, NaN]];
function badInput(r: Choices): (c: Case) => void {
  return (c) => {
    const call = c.call;
    if (r.chance(0.3)) {
      c.tensors[0].disposed = true;
      return;
    }
    const bad = r.pick(NOT_TENSORS);
    if (call.kind === "method") {
      // A method's own tensor cannot be replaced: dispose it instead.
      c.tensors[0].disposed = true;
    } else {
      call.args[0] = bad;
    }
  };
}

function asInt32(c: Case, name: string): void {
  const s = c.tensors.find((x) => x.name === name)!;
  s.dtype = "int32";
  s.values = s.values.map((v) => (Number.isFinite(v) ? Math.trunc(v) : 0));
}

// ---- convolution ----

function convCase(r: Choices, asModule: boolean): Case {
  const nd = r.int(1, 3);
  const mode = valueMode(r);
  const groups = r.pick([1, 1, 2]);
  const icg = r.int(1, 3);
  const ocg = r.int(1, 3);
  const C = icg * groups;
  const OC = ocg * groups;
  const winograd = r.chance(0.3);
  const kernel = winograd ? (nd === 1 ? [r.pick([5, 3])] : [...dims(nd - 2, () => 1), 3, 3]) : dims(nd, () => r.int(1, nd === 3 ? 3 : 5));
  const stride = winograd ? dims(nd, () => 1) : dims(nd, () => r.int(1, 3));
  const dilation = winograd ? dims(nd, () => 1) : dims(nd, () => r.int(1, 2));
  const padKind = r.pick(["num", "num", "same", "valid"] as const);
  const sameOk = stride.every((s) => s === 1);
  const padding: number[] | "same" | "valid" = padKind === "num" || (padKind === "same" && !sameOk) ? dims(nd, () => r.int(0, 2)) : padKind;
  const paddingMode: Mode = asModule ? r.pick(["zeros", "zeros", "reflect", "replicate", "circular"] as const) : "zeros";
  const spatial = dims(nd, () => r.int(1, nd === 3 ? 4 : nd === 2 ? 7 : 9));
  const unbatched = r.chance(0.15);
  // An unbatched input is one sample.
  const N = unbatched ? 1 : r.pick([1, 2, 0]);
  const withBias = !r.chance(0.3);
  const xShape = [N, C, ...spatial];
  const wShape = [OC, icg, ...kernel];
  const x = values(r, prod(xShape), mode, prod(spatial));
  const w = values(r, prod(wShape), mode === "hostile" ? "plain" : mode, prod(kernel));
  const b = withBias ? values(r, OC, "plain") : null;
  const [before, after] =
    padding === "valid" ? [dims(nd, () => 0), dims(nd, () => 0)]
    : padding === "same" ? (() => {
        const total = kernel.map((k, i) => dilation[i] * (k - 1));
        const bf = total.map((v) => Math.floor(v / 2));
        return [bf, total.map((v, i) => v - bf[i])];
      })()
    : [padding, padding];
  const outSizes = spatial.map((n, i) => Math.floor((n + before[i] + after[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1);
  const padTooBig = paddingMode === "reflect" ? before.some((p, i) => p >= spatial[i] || after[i] >= spatial[i])
    : paddingMode === "circular" ? before.some((p, i) => p > spatial[i] || after[i] > spatial[i]) : false;
  let expect: Expect;
  if (outSizes.some((o) => o < 1) || padTooBig) expect = ERROR;
  else {
    const ref = refConv(x, xShape, w, wShape, b, { stride, before, after, dilation, groups, mode: paddingMode });
    const shape = unbatched ? ref.shape.slice(1) : ref.shape;
    expect = ok([{ shape, data: ref.data, mag: ref.magnitude }]);
  }
  const xs = spec("x", unbatched ? xShape.slice(1) : xShape, x, { layout: layout(r) });
  const tensors = [xs, spec("w", wShape, w)];
  if (b) tensors.push(spec("b", [OC], b));
  const opts: Record<string, Arg> = {};
  if (stride.some((s) => s !== 1)) opts.stride = stride.length === 1 ? stride[0] : stride;
  if (typeof padding === "string" || padding.some((p) => p !== 0)) opts.padding = padding;
  if (dilation.some((d) => d !== 1)) opts.dilation = dilation;
  if (groups !== 1) opts.groups = groups;
  let call: Call;
  if (asModule) {
    if (!withBias) opts.bias = false;
    if (paddingMode !== "zeros") opts.paddingMode = paddingMode;
    const state: Record<string, { $t: string }> = { weight: t("w") };
    if (b) state.bias = t("b");
    call = { kind: "module", ctor: `nn.Conv${nd}d`, ctorArgs: [C, OC, kernel.length === 1 ? kernel[0] : kernel, opts], state, args: [t("x")] };
  } else {
    call = { kind: "fn", fn: `F.conv${nd}d`, args: [t("x"), t("w"), b ? t("b") : null, opts] };
  }
  const c: Case = { tensors, call, expect, hostile: mode !== "plain" };
  const argsOf = () => (c.call.kind === "module" ? (c.call.ctorArgs[3] as Record<string, Arg>) : (c.call.args[3] as Record<string, Arg>));
  if (maybeAbsurd(r, c, argsOf, ["stride", "padding", "dilation"])) return c;
  return maybeInvalid(r, c, [
    badInput(r),
    (c2) => asInt32(c2, "x"),
    (c2) => { argsOf().stride = r.pick([0, -1, 1.5, NaN, "2"]); },
    (c2) => { argsOf().padding = r.pick([-1, 0.5, "full", [1, 2, 3, 4], NaN]); },
    (c2) => { argsOf().dilation = r.pick([0, -2, Infinity]); },
    (c2) => { argsOf().groups = r.pick([0, -1, 1.5, C + 1]); },
    (c2) => {
      // Channels that do not match the weight.
      const xs2 = c2.tensors[0];
      const cdim = unbatched ? 0 : 1;
      const shape = xs2.shape.slice();
      shape[cdim] += 1;
      xs2.shape = shape;
      xs2.values = values(r, prod(shape), "plain");
    },
    (c2) => {
      // A weight of the wrong rank (the module's state dict is checked too).
      const ws = c2.tensors[1];
      ws.shape = [...ws.shape, 1];
    },
    (c2) => {
      const bs = c2.tensors.find((s) => s.name === "b");
      if (bs) {
        bs.shape = [OC + 1];
        bs.values = values(r, OC + 1, "plain");
      } else c2.tensors[0].disposed = true;
    },
  ]);
}

function convTransposeCase(r: Choices, asModule: boolean): Case {
  const nd = r.int(1, 3);
  const mode = valueMode(r);
  const groups = r.pick([1, 1, 2]);
  const icg = r.int(1, 3);
  const ocg = r.int(1, 3);
  const C = icg * groups;
  const OC = ocg * groups;
  const kernel = dims(nd, () => r.int(1, nd === 3 ? 3 : 4));
  const stride = dims(nd, () => r.int(1, 3));
  const dilation = dims(nd, () => r.int(1, 2));
  const padding = dims(nd, () => r.int(0, 2));
  const outputPadding = stride.map((s, i) => r.int(0, Math.max(s, dilation[i]) - 1));
  const spatial = dims(nd, () => r.int(1, nd === 3 ? 3 : 5));
  const N = r.pick([1, 2, 0]);
  const withBias = !r.chance(0.3);
  const xShape = [N, C, ...spatial];
  const wShape = [C, ocg, ...kernel];
  const x = values(r, prod(xShape), mode, prod(spatial));
  const w = values(r, prod(wShape), mode === "hostile" ? "plain" : mode);
  const b = withBias ? values(r, OC, "plain") : null;
  const outSizes = spatial.map((n, i) => (n - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1);
  let expect: Expect = ERROR;
  if (outSizes.every((o) => o >= 1)) {
    const ref = refConvTranspose(x, xShape, w, wShape, b, { stride, padding, outputPadding, dilation, groups });
    expect = ok([{ shape: ref.shape, data: ref.data, mag: ref.magnitude }]);
  }
  const tensors = [spec("x", xShape, x, { layout: layout(r) }), spec("w", wShape, w)];
  if (b) tensors.push(spec("b", [OC], b));
  const opts: Record<string, Arg> = {};
  if (stride.some((s) => s !== 1)) opts.stride = stride;
  if (padding.some((p) => p !== 0)) opts.padding = padding;
  if (outputPadding.some((p) => p !== 0)) opts.outputPadding = outputPadding;
  if (dilation.some((d) => d !== 1)) opts.dilation = dilation;
  if (groups !== 1) opts.groups = groups;
  let call: Call;
  if (asModule) {
    if (!withBias) opts.bias = false;
    const state: Record<string, { $t: string }> = { weight: t("w") };
    if (b) state.bias = t("b");
    call = { kind: "module", ctor: `nn.ConvTranspose${nd}d`, ctorArgs: [C, OC, kernel, opts], state, args: [t("x")] };
  } else {
    call = { kind: "fn", fn: `F.convTranspose${nd}d`, args: [t("x"), t("w"), b ? t("b") : null, opts] };
  }
  const c: Case = { tensors, call, expect, hostile: mode !== "plain" };
  const argsOf = () => (c.call.kind === "module" ? (c.call.ctorArgs[3] as Record<string, Arg>) : (c.call.args[3] as Record<string, Arg>));
  if (maybeAbsurd(r, c, argsOf, ["stride", "padding", "dilation"])) return c;
  return maybeInvalid(r, c, [
    badInput(r),
    (c2) => asInt32(c2, "w"),
    (c2) => { argsOf().stride = r.pick([0, -1, 2.5]); },
    (c2) => { argsOf().outputPadding = stride.map((s, i) => Math.max(s, dilation[i])); },
    (c2) => { argsOf().groups = r.pick([0, C + 1]); },
    (c2) => { c2.tensors[0].shape = [...c2.tensors[0].shape, 1, 1, 1].slice(0, nd + 4); c2.tensors[0].values = values(r, prod(c2.tensors[0].shape), "plain"); },
  ]);
}

// ---- pooling ----

function poolInput(r: Choices, nd: number, mode: ValueMode, minSize = 1) {
  const N = r.pick([1, 2, 0]);
  const C = r.int(1, 3);
  const spatial = dims(nd, () => r.int(minSize, nd === 3 ? 5 : 8));
  const unbatched = r.chance(0.15);
  const shape = unbatched ? [C, ...spatial] : [N, C, ...spatial];
  const x = values(r, prod(shape), mode, prod(spatial));
  return { shape, x, planes: prod(shape) / prod(spatial), spatial, prefix: shape.slice(0, shape.length - nd) };
}

function maxPoolCase(r: Choices): Case {
  const nd = r.int(1, 3);
  const mode = valueMode(r);
  const inp = poolInput(r, nd, mode);
  const kernel = dims(nd, () => r.int(1, 3));
  const strideGiven = r.chance(0.5);
  const stride = strideGiven ? dims(nd, () => r.int(1, 3)) : kernel.slice();
  const padding = kernel.map((k) => r.int(0, Math.floor(k / 2)));
  const dilation = dims(nd, () => r.pick([1, 1, 2]));
  const ceil = r.chance(0.3);
  const returnIndices = r.chance(0.4);
  const g = { k: kernel, s: stride, p: padding, d: dilation, ceil };
  const os = inp.spatial.map((n, i) => poolOutSize(n, kernel[i], stride[i], padding[i], dilation[i], ceil));
  let expect: Expect = ERROR;
  if (os.every((o) => o >= 1)) {
    const ref = refMaxPool(inp.x, inp.planes, inp.spatial, g);
    const shape = [...inp.prefix, ...ref.shape];
    const outs: RefOut[] = [{ shape, data: ref.out }];
    if (returnIndices) outs.push({ shape, data: ref.idx, dtype: "int32" });
    expect = ok(outs, { rtol: 0, atol: 0 });
  }
  const opts: Record<string, Arg> = {};
  if (strideGiven) opts.stride = stride;
  if (padding.some((p) => p)) opts.padding = padding;
  if (dilation.some((d) => d !== 1)) opts.dilation = dilation;
  if (ceil) opts.ceilMode = true;
  if (returnIndices) opts.returnIndices = true;
  const asModule = r.chance(0.3);
  const call: Call = asModule
    ? { kind: "module", ctor: `nn.MaxPool${nd}d`, ctorArgs: [kernel, opts], args: [t("x")] }
    : { kind: "fn", fn: `F.maxPool${nd}d`, args: [t("x"), kernel, opts] };
  const c: Case = { tensors: [spec("x", inp.shape, inp.x, { layout: layout(r) })], call, expect, hostile: mode !== "plain" };
  const optsOf = () => (c.call.kind === "module" ? c.call.ctorArgs[1] : c.call.args[2]) as Record<string, Arg>;
  if (maybeAbsurd(r, c, optsOf, ["stride", "dilation", "kernel+padding"])) return c;
  return maybeInvalid(r, c, [
    badInput(r),
    (c2) => asInt32(c2, "x"),
    (c2) => { optsOf().padding = kernel.map((k) => Math.floor(k / 2) + 1); },
    (c2) => { optsOf().stride = r.pick([0, -1, 1.5]); },
    (c2) => { optsOf().dilation = 0; },
    (c2) => {
      if (c2.call.kind === "fn") c2.call.args[1] = r.pick([0, -1, 2.5, NaN, "3", null]);
      else if (c2.call.kind === "module") c2.call.ctorArgs[0] = r.pick([0, -1, NaN]);
    },
    (c2) => {
      // An input of the wrong rank: spatial dims only, or one too many.
      const s = c2.tensors[0];
      s.shape = dims(r.chance(0.5) ? nd : nd + 3, () => 2);
      s.values = values(r, prod(s.shape), "plain");
    },
  ]);
}

function avgPoolCase(r: Choices): Case {
  const nd = r.int(1, 3);
  const mode = valueMode(r);
  const inp = poolInput(r, nd, mode);
  const kernel = dims(nd, () => r.int(1, 3));
  const strideGiven = r.chance(0.5);
  const stride = strideGiven ? dims(nd, () => r.int(1, 3)) : kernel.slice();
  const padding = kernel.map((k) => r.int(0, Math.floor(k / 2)));
  const ceil = r.chance(0.3);
  const includePad = !r.chance(0.3);
  const divisor = nd > 1 && r.chance(0.2) ? r.int(1, 5) : 0;
  const g = { k: kernel, s: stride, p: padding, d: dims(nd, () => 1), ceil };
  const os = inp.spatial.map((n, i) => poolOutSize(n, kernel[i], stride[i], padding[i], 1, ceil));
  let expect: Expect = ERROR;
  if (os.every((o) => o >= 1)) {
    const ref = refAvgPool(inp.x, inp.planes, inp.spatial, g, includePad, divisor);
    expect = ok([{ shape: [...inp.prefix, ...ref.shape], data: ref.out, mag: ref.mag }]);
  }
  const opts: Record<string, Arg> = {};
  if (strideGiven) opts.stride = stride;
  if (padding.some((p) => p)) opts.padding = padding;
  if (ceil) opts.ceilMode = true;
  if (!includePad) opts.countIncludePad = false;
  if (divisor) opts.divisorOverride = divisor;
  const call: Call = { kind: "fn", fn: `F.avgPool${nd}d`, args: [t("x"), kernel, opts] };
  const c: Case = { tensors: [spec("x", inp.shape, inp.x, { layout: layout(r) })], call, expect, hostile: mode !== "plain" };
  if (maybeAbsurd(r, c, () => opts, ["stride", "kernel+padding"])) return c;
  return maybeInvalid(r, c, [
    badInput(r),
    (c2) => asInt32(c2, "x"),
    (c2) => { opts.padding = kernel.map((k) => Math.floor(k / 2) + 1); void c2; },
    (c2) => { if (nd > 1) opts.divisorOverride = r.pick([0, 0.5, NaN]); else opts.stride = 0; void c2; },
    (c2) => { opts.countIncludePad = "yes"; void c2; },
  ]);
}

function adaptiveCase(r: Choices): Case {
  const nd = r.int(1, 3);
  const kind = r.pick(["avg", "max"] as const);
  const mode = valueMode(r);
  const inp = poolInput(r, nd, mode);
  const os = inp.spatial.map((n) => r.int(1, n + 2));
  const outArg: Arg = os.length === 1 ? os[0] : os.map((o, i) => (r.chance(0.2) ? null : o));
  const resolved = os.map((o, i) => (Array.isArray(outArg) && outArg[i] === null ? inp.spatial[i] : o));
  const returnIndices = kind === "max" && r.chance(0.4);
  const ref = refAdaptive(inp.x, inp.planes, inp.spatial, resolved, kind);
  const shape = [...inp.prefix, ...resolved];
  const outs: RefOut[] = [{ shape, data: ref.out, mag: kind === "avg" ? ref.mag : undefined }];
  if (returnIndices) outs.push({ shape, data: ref.idx, dtype: "int32" });
  const expect = ok(outs, kind === "max" ? { rtol: 0, atol: 0 } : {});
  const fn = `F.adaptive${kind === "avg" ? "Avg" : "Max"}Pool${nd}d`;
  const args: Arg[] = [t("x"), outArg];
  if (returnIndices) args.push({ returnIndices: true });
  const c: Case = { tensors: [spec("x", inp.shape, inp.x, { layout: layout(r) })], call: { kind: "fn", fn, args }, expect, hostile: mode !== "plain" };
  return maybeInvalid(r, c, [
    badInput(r),
    (c2) => asInt32(c2, "x"),
    (c2) => { (c2.call as { args: Arg[] }).args[1] = r.pick([-1, 1.5, "2", NaN, dims(nd + 1, () => 1)]); },
  ]);
}

function unpoolCase(r: Choices): Case {
  const nd = r.int(1, 3);
  const mode = valueMode(r);
  const N = r.pick([1, 2]);
  const C = r.int(1, 2);
  const kernel = dims(nd, () => r.int(1, 3));
  const inSpatial = dims(nd, () => r.int(1, nd === 3 ? 2 : 4));
  // Default output size (stride = kernel, no padding): every window is its own block, so indices are unique.
  const outSpatial = inSpatial.map((n, i) => n * kernel[i]);
  const withSize = r.chance(0.3);
  const extra = kernel.map((k) => (withSize ? r.int(0, k - 1) : 0));
  const finalSpatial = outSpatial.map((o, i) => o + extra[i]);
  const shape = [N, C, ...inSpatial];
  const x = values(r, prod(shape), mode);
  const idx: number[] = [];
  const out = new Array<number>(N * C * prod(finalSpatial)).fill(0);
  let q = 0;
  for (let pl = 0; pl < N * C; pl++) {
    for (const oi of (function* () { const it = inSpatial.map(() => 0); for (let k = 0; k < prod(inSpatial); k++) { let rem = k; for (let d = nd - 1; d >= 0; d--) { it[d] = rem % inSpatial[d]; rem = Math.floor(rem / inSpatial[d]); } yield it.slice(); } })()) {
      const pos = oi.map((v, i) => v * kernel[i] + r.int(0, kernel[i] - 1));
      const flat = pos.reduce((a, v, d) => a * finalSpatial[d] + v, 0);
      idx.push(flat);
      out[pl * prod(finalSpatial) + flat] = x[q++];
    }
  }
  const expect = ok([{ shape: [N, C, ...finalSpatial], data: out }], { rtol: 0, atol: 0 });
  const opts: Record<string, Arg> = {};
  if (withSize) opts.outputSize = finalSpatial;
  const c: Case = {
    tensors: [spec("x", shape, x), spec("i", shape, idx, { dtype: "int32" })],
    call: { kind: "fn", fn: `F.maxUnpool${nd}d`, args: [t("x"), t("i"), kernel, opts] },
    expect,
    hostile: mode !== "plain",
  };
  if (maybeAbsurd(r, c, () => opts, ["stride", "padding", "kernel+padding"])) return c;
  if (maybeAbsurd(r, c, () => opts, ["stride", "padding", "kernel+padding"])) return c;
  return maybeInvalid(r, c, [
    badInput(r),
    (c2) => { const s = c2.tensors[1]; s.values = s.values.slice(); s.values[r.int(0, s.values.length - 1)] = r.pick([-1, prod(finalSpatial), 2 ** 31 - 1, -(2 ** 31)]); },
    (c2) => { c2.tensors[1].dtype = "float32"; },
    (c2) => { opts.outputSize = finalSpatial.map((o, i) => o + kernel[i] + 1); void c2; },
    (c2) => { const s = c2.tensors[1]; s.shape = [...s.shape.slice(0, -1), s.shape[s.shape.length - 1] + 1]; s.values = new Array(prod(s.shape)).fill(0); },
  ]);
}

// ---- linear ----

function linearCase(r: Choices): Case {
  const mode = valueMode(r);
  const lead = dims(r.int(0, 2), () => r.int(0, 3));
  const K = r.int(1, 9);
  const Nout = r.int(1, 6);
  const withBias = !r.chance(0.3);
  const x = values(r, prod(lead) * K, mode, K);
  const w = values(r, Nout * K, mode === "hostile" ? "plain" : mode, K);
  const b = withBias ? values(r, Nout, "plain") : null;
  const ref = refLinear(x, prod(lead), K, w, Nout, b);
  const tensors = [spec("x", [...lead, K], x, { layout: layout(r) }), spec("w", [Nout, K], w, { layout: r.pick(["contiguous", "transposed"] as const) })];
  if (b) tensors.push(spec("b", [Nout], b));
  const asModule = r.chance(0.3);
  const call: Call = asModule
    ? { kind: "module", ctor: "nn.Linear", ctorArgs: [K, Nout, withBias ? {} : { bias: false }], state: b ? { weight: t("w"), bias: t("b") } : { weight: t("w") }, args: [t("x")] }
    : { kind: "fn", fn: "F.linear", args: [t("x"), t("w"), b ? t("b") : null] };
  const c: Case = { tensors, call, expect: ok([{ shape: [...lead, Nout], data: ref.out, mag: ref.mag }]), hostile: mode !== "plain" };
  return maybeInvalid(r, c, [
    badInput(r),
    (c2) => asInt32(c2, "x"),
    (c2) => { const s = c2.tensors[0]; s.shape = [...lead, K + 1]; s.values = values(r, prod(s.shape), "plain"); },
    (c2) => { const s = c2.tensors[1]; s.shape = [Nout]; s.values = s.values.slice(0, Nout); },
    (c2) => { if (c2.call.kind === "module") c2.call.ctorArgs[0] = r.pick([0, -1, 1.5, NaN]); else c2.call.args[2] = r.pick(["b", 1, [1, 2]]); },
  ]);
}

function bilinearCase(r: Choices): Case {
  const mode = valueMode(r);
  const rows = r.int(0, 3);
  const I = r.int(1, 4);
  const J = r.int(1, 4);
  const O = r.int(1, 3);
  const withBias = !r.chance(0.3);
  const x1 = values(r, rows * I, mode);
  const x2 = values(r, rows * J, mode);
  const w = values(r, O * I * J, "plain");
  const b = withBias ? values(r, O, "plain") : null;
  const ref = refBilinear(x1, x2, rows, I, J, w, O, b);
  const tensors = [spec("x1", [rows, I], x1), spec("x2", [rows, J], x2, { layout: layout(r) }), spec("w", [O, I, J], w)];
  if (b) tensors.push(spec("b", [O], b));
  const c: Case = {
    tensors,
    call: { kind: "fn", fn: "F.bilinear", args: [t("x1"), t("x2"), t("w"), b ? t("b") : null] },
    expect: ok([{ shape: [rows, O], data: ref.out, mag: ref.mag }]),
    hostile: mode !== "plain",
  };
  return maybeInvalid(r, c, [
    badInput(r),
    (c2) => { const s = c2.tensors[1]; s.shape = [rows + 1, J]; s.values = values(r, prod(s.shape), "plain"); },
    (c2) => { const s = c2.tensors[2]; s.shape = [O, I + 1, J]; s.values = values(r, prod(s.shape), "plain"); },
  ]);
}

// ---- activations ----

interface ActivationSpec {
  name: string;
  options?: (r: Choices) => Record<string, Arg>;
  /** Positional arguments after the input (threshold). */
  positional?: (r: Choices) => number[];
  bad?: Record<string, Arg>;
}

const finite = (r: Choices, lo: number, hi: number) => Math.fround(lo + ((hi - lo) * r.int(0, 100)) / 100);

const ACTIVATIONS: ActivationSpec[] = [
  { name: "relu" }, { name: "relu6" }, { name: "selu" }, { name: "silu" }, { name: "mish" }, { name: "sigmoid" }, { name: "tanh" },
  { name: "hardsigmoid" }, { name: "hardswish" }, { name: "softsign" }, { name: "tanhshrink" }, { name: "logsigmoid" },
  { name: "leakyRelu", options: (r) => ({ negativeSlope: finite(r, -1, 1) }), bad: { negativeSlope: NaN } },
  { name: "elu", options: (r) => ({ alpha: finite(r, 0.1, 2) }), bad: { alpha: "1" } },
  { name: "celu", options: (r) => ({ alpha: finite(r, 0.1, 2) }), bad: { alpha: 0 } },
  { name: "gelu", options: (r) => (r.chance(0.5) ? { approximate: "tanh" } : {}), bad: { approximate: "fast" } },
  { name: "hardtanh", options: (r) => { const lo = finite(r, -3, 0); return { minVal: lo, maxVal: lo + finite(r, 0, 3) }; }, bad: { minVal: 2, maxVal: 1 } },
  { name: "softplus", options: (r) => ({ beta: finite(r, 0.5, 3), threshold: finite(r, 1, 20) }), bad: { beta: Infinity } },
  { name: "softshrink", options: (r) => ({ lambd: finite(r, 0, 2) }), bad: { lambd: -1 } },
  { name: "hardshrink", options: (r) => ({ lambd: finite(r, 0, 2) }), bad: { lambd: NaN } },
  { name: "rrelu", options: (r) => { const lo = finite(r, 0, 0.5); return { lower: lo, upper: lo + finite(r, 0, 0.5), training: false }; }, bad: { lower: 0.5, upper: 0.1 } },
  { name: "threshold", positional: (r) => [finite(r, -2, 2), finite(r, -5, 5)] },
];

function activationCase(r: Choices): Case {
  const a = r.pick(ACTIVATIONS);
  const mode = valueMode(r);
  const shape = dims(r.int(0, 4), () => r.int(0, 5));
  const x = values(r, prod(shape), mode);
  const options = a.options?.(r) ?? {};
  const positional = a.positional?.(r) ?? [];
  const f = activationRef(a.name, options as Record<string, number | string | boolean>, positional);
  const args: Arg[] = [t("x"), ...positional];
  if (Object.keys(options).length > 0) args.push(options);
  // softplus switches to x above the threshold; float32 and float64 may see x * beta on different sides of it.
  const b = typeof options.beta === "number" ? options.beta : 1;
  const th = typeof options.threshold === "number" ? options.threshold : 20;
  const atSwitch = a.name === "softplus" && x.some((v) => Math.abs(v * b - th) <= 1e-5 * Math.abs(th));
  const c: Case = {
    tensors: [spec("x", shape, x, { layout: layout(r) })],
    call: { kind: "fn", fn: `F.${a.name}`, args },
    expect: atSwitch ? { kind: "ok" } : ok([{ shape, data: x.map(f) }], { rtol: 1e-4, atol: 1e-6 }),
    hostile: mode !== "plain",
  };
  const mutations = [badInput(r), (c2: Case) => asInt32(c2, "x")];
  if (a.bad) mutations.push((c2) => { (c2.call as { args: Arg[] }).args = [t("x"), ...positional, a.bad!]; });
  if (a.positional) mutations.push((c2) => { (c2.call as { args: Arg[] }).args = [t("x"), NaN, "0"]; });
  return maybeInvalid(r, c, mutations);
}

function softmaxCase(r: Choices): Case {
  const kind = r.pick(["softmax", "logSoftmax", "softmin", "glu"] as const);
  const mode = valueMode(r);
  const ndim = r.int(1, 4);
  const shape = dims(ndim, () => r.int(kind === "glu" ? 1 : 0, 5));
  const dim = r.int(-ndim, ndim - 1);
  const d = dim < 0 ? dim + ndim : dim;
  if (kind === "glu") shape[d] = 2 * Math.max(1, Math.floor(shape[d] / 2));
  const x = values(r, prod(shape), mode, shape[shape.length - 1]);
  let expect: Expect;
  if (kind === "glu") {
    const half = shape[d] / 2;
    const outShape = shape.slice();
    outShape[d] = half;
    const inner = prod(shape.slice(d + 1));
    const outer = prod(shape.slice(0, d));
    const data: number[] = [];
    for (let o = 0; o < outer; o++) for (let k = 0; k < half; k++) for (let i = 0; i < inner; i++) {
      const av = x[(o * shape[d] + k) * inner + i];
      const bv = x[(o * shape[d] + k + half) * inner + i];
      data.push(av / (1 + Math.exp(-bv)));
    }
    expect = ok([{ shape: outShape, data }], { rtol: 1e-4, atol: 1e-6 });
  } else {
    expect = ok([{ shape, data: alongDim(x, shape, d, (line) => softmaxRef(kind, line)) }], { rtol: 1e-4, atol: 1e-6 });
  }
  const asModule = r.chance(0.25);
  const ctor = { softmax: "nn.Softmax", logSoftmax: "nn.LogSoftmax", softmin: "nn.Softmin", glu: "nn.GLU" }[kind];
  const call: Call = asModule
    ? { kind: "module", ctor, ctorArgs: [{ dim }], args: [t("x")] }
    : { kind: "fn", fn: `F.${kind}`, args: [t("x"), { dim }] };
  const c: Case = { tensors: [spec("x", shape, x, { layout: layout(r) })], call, expect, hostile: mode !== "plain" };
  return maybeInvalid(r, c, [
    badInput(r),
    (c2) => asInt32(c2, "x"),
    (c2) => {
      const bad = { dim: r.pick([ndim, -ndim - 1, 0.5, NaN, "0", null]) };
      if (c2.call.kind === "module") c2.call.ctorArgs = [bad];
      else c2.call.args[1] = bad;
    },
  ]);
}

// ---- tensor creation and views ----

const ABSURD = [2 ** 31, 1e12, 2 ** 53, 1e300];

function creationCase(r: Choices): Case {
  const kind = r.pick(["tensor", "zeros", "ones", "full", "arange", "empty"] as const);
  const mode = valueMode(r);
  const shape = dims(r.int(0, 4), () => r.int(0, 4));
  const n = prod(shape);
  const invalid = r.chance(0.3);
  if (kind === "tensor") {
    const v = values(r, n, mode);
    if (invalid) {
      const bad = r.pick<Arg[]>([
        [v, [n + 1]],
        ["abc"],
        [[[1, 2], [3]]],
        [[[1, 2], ["3", 4]]],
        [[1.5, 2], [2], { dtype: "int32" }],
        [v, [-1]],
        [v, [NaN]],
        [null],
        [v, "shape"],
      ]);
      return { tensors: [], call: { kind: "fn", fn: "tensor", args: bad }, expect: ERROR };
    }
    const nested = r.chance(0.5);
    const data: Arg = nested ? nest(v, shape) : v;
    const args: Arg[] = nested ? [data] : [data, shape];
    const outShape = nested && shape.includes(0) ? inferredShape(shape) : shape;
    return { tensors: [], call: { kind: "fn", fn: "tensor", args }, expect: ok([{ shape: outShape, data: v }], { rtol: 0, atol: 0 }), hostile: mode !== "plain" };
  }
  if (kind === "arange") {
    if (invalid) {
      const bad = r.pick<Arg[]>([[r.pick(ABSURD)], [0, r.pick(ABSURD)], [0, 1, 1e-12], [-1e30, 1e30], [NaN], [0, Infinity], [0, 1, 0], [5, 0, 1], ["3"]]);
      return { tensors: [], call: { kind: "fn", fn: "arange", args: bad }, expect: ERROR };
    }
    const start = r.int(-5, 5);
    const step = r.pick([1, 2, 0.5, -1, 0.25, -3]);
    const count = r.int(0, 20);
    const end = start + step * count;
    const data = Array.from({ length: Math.max(0, Math.ceil((end - start) / step)) }, (_, i) => start + i * step);
    return { tensors: [], call: { kind: "fn", fn: "arange", args: [start, end, step] }, expect: ok([{ shape: [data.length], data }], { rtol: 1e-6, atol: 1e-6 }) };
  }
  const value = kind === "full" ? r.pick([1.5, ...HOSTILE]) : kind === "ones" ? 1 : 0;
  const fn = kind;
  if (invalid) {
    const badShape = r.pick<Arg>([[-1], [1.5], [NaN], [Infinity], ["2"], [r.pick(ABSURD)], [2 ** 20, 2 ** 20], [65536, 65536, 4], null]);
    const args: Arg[] = kind === "full" ? [badShape, value] : [badShape];
    return { tensors: [], call: { kind: "fn", fn, args }, expect: ERROR };
  }
  const args: Arg[] = kind === "full" ? [shape, value] : r.chance(0.5) ? [shape] : shape;
  const expect: Expect = kind === "empty" ? { kind: "ok" } : ok([{ shape, data: new Array(n).fill(Math.fround(value)) }], { rtol: 0, atol: 0 });
  return { tensors: [], call: { kind: "fn", fn, args }, expect };
}

function nest(v: number[], shape: number[]): Arg {
  if (shape.length === 0) return v[0];
  if (shape.length === 1) return v.slice();
  const inner = prod(shape.slice(1));
  return Array.from({ length: shape[0] }, (_, i) => nest(v.slice(i * inner, (i + 1) * inner), shape.slice(1)));
}

/** The shape `tensor()` infers from nested arrays that have a 0 somewhere (the nesting stops at the empty array). */
function inferredShape(shape: number[]): number[] {
  const z = shape.indexOf(0);
  return shape.slice(0, z + 1);
}

function viewCase(r: Choices): Case {
  const mode = valueMode(r);
  const ndim = r.int(1, 4);
  const shape = dims(ndim, () => r.int(1, 4));
  const x = values(r, prod(shape), mode);
  const st = contiguousStrides(shape);
  const lay = layout(r);
  const contiguous = lay === "contiguous";
  const op = r.pick(["reshape", "permute", "transpose", "slice", "narrow", "select", "flatten", "squeeze", "unsqueeze", "view", "contiguous", "clone", "t"] as const);
  const dim = r.int(-ndim, ndim - 1);
  const d = dim < 0 ? dim + ndim : dim;
  let args: Arg[] = [];
  let out: { shape: number[]; data: number[] } | null = null;
  switch (op) {
    case "reshape":
    case "view": {
      const target = factor(r, prod(shape));
      const withInfer = target.length > 0 && r.chance(0.3);
      const arg = withInfer ? target.map((v, i) => (i === 0 ? -1 : v)) : target;
      args = [arg];
      out = { shape: target, data: x };
      break;
    }
    case "permute": {
      const order = shape.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) { const j = r.int(0, i); [order[i], order[j]] = [order[j], order[i]]; }
      args = [order];
      out = { shape: order.map((o) => shape[o]), data: gather(x, order.map((o) => shape[o]), order.map((o) => st[o]), 0) };
      break;
    }
    case "transpose": {
      const d2 = r.int(0, ndim - 1);
      const order = shape.map((_, i) => (i === d ? d2 : i === d2 ? d : i));
      args = [dim, d2];
      out = { shape: order.map((o) => shape[o]), data: gather(x, order.map((o) => shape[o]), order.map((o) => st[o]), 0) };
      break;
    }
    case "t": {
      if (ndim > 2) { args = []; out = null; break; }
      const order = ndim === 2 ? [1, 0] : [0];
      out = { shape: order.map((o) => shape[o]), data: gather(x, order.map((o) => shape[o]), order.map((o) => st[o]), 0) };
      break;
    }
    case "slice": {
      const size = shape[d];
      const start = r.int(-size - 1, size + 1);
      const end = r.int(-size - 1, size + 1);
      const step = r.int(1, 3);
      args = [dim, start, end, step];
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
      const s = clamp(start);
      const e = Math.max(clamp(end), s);
      const os = shape.slice();
      os[d] = Math.ceil((e - s) / step);
      const strides = st.slice();
      strides[d] *= step;
      out = { shape: os, data: gather(x, os, strides, s * st[d]) };
      break;
    }
    case "narrow": {
      const size = shape[d];
      const start = r.int(0, size);
      const length = r.int(0, size - start);
      args = [dim, start, length];
      const os = shape.slice();
      os[d] = length;
      out = { shape: os, data: gather(x, os, st, start * st[d]) };
      break;
    }
    case "select": {
      const index = r.int(-shape[d], shape[d] - 1);
      args = [dim, index];
      const i = index < 0 ? index + shape[d] : index;
      const os = shape.filter((_, k) => k !== d);
      out = { shape: os, data: gather(x, os, st.filter((_, k) => k !== d), i * st[d]) };
      break;
    }
    case "flatten": {
      const s = r.int(0, ndim - 1);
      const e = r.int(s, ndim - 1);
      args = [s, e];
      out = { shape: [...shape.slice(0, s), prod(shape.slice(s, e + 1)), ...shape.slice(e + 1)], data: x };
      break;
    }
    case "squeeze":
      args = r.chance(0.5) ? [] : [dim];
      out = { shape: args.length === 0 ? shape.filter((s) => s !== 1) : shape.filter((s, k) => !(k === d && s === 1)), data: x };
      break;
    case "unsqueeze": {
      const ud = r.int(-ndim - 1, ndim);
      args = [ud];
      const u = ud < 0 ? ud + ndim + 1 : ud;
      out = { shape: [...shape.slice(0, u), 1, ...shape.slice(u)], data: x };
      break;
    }
    default:
      out = { shape, data: x };
  }
  const c: Case = {
    tensors: [spec("x", shape, x, { layout: lay })],
    call: { kind: "method", self: "x", method: op, args },
    // view() of a non-contiguous layout may fail or succeed (a size-1 dimension can make it contiguous).
    expect: out === null ? ERROR : op === "view" && !contiguous ? { kind: "either", outputs: [out], rtol: 0, atol: 0 } : ok([out], { rtol: 0, atol: 0 }),
    hostile: mode !== "plain",
  };
  return maybeInvalid(r, c, [
    badInput(r),
    (c2) => {
      if (op === "t" || op === "contiguous" || op === "clone") return void (c2.tensors[0].disposed = true);
      (c2.call as { args: Arg[] }).args = op === "reshape" || op === "view" ? [[prod(shape) + 1]] : op === "permute" ? [[...shape.map(() => 0), 0]] : [ndim + 1, 0, 1]; },
    (c2) => {
      // A fractional number where an integer belongs.
      if (op === "reshape" || op === "view" || op === "permute") (c2.call as { args: Arg[] }).args = [[0.5]];
      else if (op === "t" || op === "contiguous" || op === "clone") c2.tensors[0].disposed = true;
      else if (args.length > 0) (c2.call as { args: Arg[] }).args = args.map((a) => (typeof a === "number" ? 0.5 : a));
      else c2.tensors[0].disposed = true;
    },
  ], 0.15);
}

/** A random shape with `n` elements. */
function factor(r: Choices, n: number): number[] {
  const out: number[] = [];
  let rest = n;
  while (rest > 1 && out.length < 4) {
    const divisors = [];
    for (let k = 1; k <= rest; k++) if (rest % k === 0) divisors.push(k);
    const k = r.pick(divisors);
    out.push(k);
    rest /= k;
  }
  if (rest > 1 || out.length === 0) out.push(rest);
  return out;
}

// ---- images ----

/** image.toTensor: 8-bit or float pixels with 1 to 4 channels into [C, H, W]; hostile image objects must be refused. */
function imageCase(r: Choices): Case {
  const width = r.int(1, 5);
  const height = r.int(1, 5);
  const channels = r.int(1, 4);
  const kind = r.pick(["Uint8ClampedArray", "Uint8Array", "Float32Array", "Array"] as const);
  const n = width * height * channels;
  const isFloat = kind === "Float32Array";
  const raw = Array.from({ length: n }, () => (isFloat ? values(r, 1, valueMode(r))[0] : r.int(0, 255)));
  const alpha = r.chance(0.3);
  const giveChannels = r.chance(0.5);
  const outC = (channels === 2 || channels === 4) && !alpha ? channels - 1 : channels;
  const scale = isFloat ? 1 : 1 / 255;
  const expected: number[] = [];
  for (let c = 0; c < outC; c++) for (let p = 0; p < width * height; p++) expected.push(Math.fround(raw[p * channels + c] * scale));
  const img: Record<string, Arg> = { data: { $typed: kind, values: raw } as unknown as Arg, width, height };
  if (giveChannels) img.channels = channels;
  const c: Case = {
    tensors: [],
    call: { kind: "fn", fn: "image.toTensor", args: alpha ? [img, { alpha: true }] : [img] },
    expect: ok([{ shape: [outC, height, width], data: expected }], { rtol: 0, atol: 0 }),
  };
  return maybeInvalid(r, c, [
    () => { img.width = r.pick([0, -1, 1.5, NaN, "4", 2 ** 53, Infinity]); },
    () => { img.height = width * height * channels + 1; },
    () => { img.channels = r.pick([0, 5, 1.5, NaN]); },
    () => { img.data = { $typed: "Array", values: raw.map(String) } as unknown as Arg; },
    () => { img.data = null; },
    (c2) => { c2.call = { kind: "fn", fn: "image.toTensor", args: [r.pick<Arg>([null, "img", 5, [], { width: 1, height: 1 }])] }; },
    // A fake image claiming 2^32 pixels: rejected before any work.
    () => { img.data = { length: 2 ** 32 }; img.width = 2 ** 16; img.height = 2 ** 16; delete img.channels; },
  ], 0.3);
}

// ---- containers ----

/**
 * A Sequential of a few layers. Valid chains are only checked for clean behaviour (no
 * reference); a chain whose last layer does not fit must throw and free every
 * intermediate the earlier layers made.
 */
function sequentialCase(r: Choices): Case {
  const C = r.int(1, 3);
  const H = r.int(2, 6);
  const x = values(r, 2 * C * H * H, valueMode(r));
  const layers: Arg[] = [];
  const ctors: string[] = [];
  let ch = C;
  let size = H;
  let withIndices = false;
  for (let i = r.int(1, 3); i > 0; i--) {
    const kind = r.pick(["conv", "relu", "pool", "poolIndices"] as const);
    if (kind === "conv") {
      const out = r.int(1, 3);
      layers.push({ ctor: "nn.Conv2d", args: [ch, out, 1] });
      ch = out;
    } else if (kind === "relu") {
      layers.push({ ctor: "nn.ReLU", args: [] });
    } else if (size >= 2) {
      layers.push({ ctor: "nn.MaxPool2d", args: kind === "poolIndices" ? [2, { returnIndices: true }] : [2] });
      size = Math.floor(size / 2);
      withIndices ||= kind === "poolIndices";
    }
  }
  const fits = !withIndices && r.chance(0.5);
  layers.push({ ctor: "nn.Flatten", args: [] });
  layers.push({ ctor: "nn.Linear", args: [fits ? ch * size * size : ch * size * size + 1, 2] });
  for (const l of layers) ctors.push((l as { ctor: string }).ctor);
  return {
    tensors: [spec("x", [2, C, H, H], x)],
    call: { kind: "fn", fn: "sequential", args: [layers as Arg, t("x")] },
    expect: fits ? { kind: "either" } : ERROR,
    meta: { withIndices },
  };
}

/** Issue 12 #3: Sequential frees intermediate tensors on error, but not a [values, indices] pair. */
// ---- the table ----

export const entries: Entry[] = [
  { name: "conv", gen: (r) => convCase(r, false) },
  { name: "nn.Conv", gen: (r) => convCase(r, true) },
  { name: "convTranspose", gen: (r) => convTransposeCase(r, false) },
  { name: "nn.ConvTranspose", gen: (r) => convTransposeCase(r, true) },
  { name: "maxPool", gen: maxPoolCase },
  { name: "avgPool", gen: avgPoolCase },
  { name: "adaptivePool", gen: adaptiveCase },
  { name: "maxUnpool", gen: unpoolCase },
  { name: "linear", gen: linearCase },
  { name: "bilinear", gen: bilinearCase },
  { name: "activation", gen: activationCase },
  { name: "softmax", gen: softmaxCase },
  { name: "creation", gen: creationCase },
  { name: "nn.Sequential", gen: sequentialCase },
  { name: "image.toTensor", gen: imageCase },
  { name: "view", gen: viewCase },
  ...safetensorsEntries,
];
