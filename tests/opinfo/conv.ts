// Convolutions and transposed convolutions: F functions and nn modules, 1-D to 3-D.
// References: tests/helpers/conv-reference.ts (direct definitions in float64, with the
// sum of |terms| per output so the tolerance scales with the accumulation).
import { F, type Tensor, nn } from "../../src/index";
import { type Mode, refConv, refConvTranspose } from "../helpers/conv-reference";
import type { Rng } from "../helpers/random";
import { type ErrorCase, type Host, type OpInfo, type Params, type Ref, type Sample, host, randHost } from "./core";

type Nd = 1 | 2 | 3;
type AnyFn = (...a: unknown[]) => unknown;
type AnyCtor = new (...a: unknown[]) => nn.Module & { forward: AnyFn };

interface ConvCfg {
  stride?: number;
  padding?: number | "same" | "valid";
  dilation?: number;
  groups?: number;
  paddingMode?: Mode;
}

const rep = (nd: number, v: number) => new Array<number>(nd).fill(v);

/** Adds a batch dimension to a reference computed on an unbatched input, or removes it from the result. */
function convRef(x: Host, w: Host, b: Host | null, nd: Nd, c: ConvCfg): Ref {
  const unbatched = x.shape.length === nd + 1;
  const xs = unbatched ? [1, ...x.shape] : x.shape;
  const k = w.shape.slice(2);
  const d = rep(nd, c.dilation ?? 1);
  let before: number[];
  let after: number[];
  if (c.padding === "same") {
    const total = k.map((kk, i) => d[i] * (kk - 1));
    before = total.map((t) => Math.floor(t / 2));
    after = total.map((t, i) => t - before[i]);
  } else {
    const p = c.padding === "valid" ? 0 : (c.padding ?? 0);
    before = rep(nd, p);
    after = rep(nd, p);
  }
  const r = refConv(x.data, xs, w.data, w.shape, b ? b.data : null, { stride: rep(nd, c.stride ?? 1), before, after, dilation: d, groups: c.groups ?? 1, mode: c.paddingMode ?? "zeros" });
  return { data: r.data, shape: unbatched ? r.shape.slice(1) : r.shape, magnitude: r.magnitude };
}

interface TCfg {
  stride?: number;
  padding?: number;
  outputPadding?: number;
  dilation?: number;
  groups?: number;
}

function convTRef(x: Host, w: Host, b: Host | null, nd: Nd, c: TCfg): Ref {
  const unbatched = x.shape.length === nd + 1;
  const xs = unbatched ? [1, ...x.shape] : x.shape;
  const r = refConvTranspose(x.data, xs, w.data, w.shape, b ? b.data : null, {
    stride: rep(nd, c.stride ?? 1), padding: rep(nd, c.padding ?? 0), outputPadding: rep(nd, c.outputPadding ?? 0), dilation: rep(nd, c.dilation ?? 1), groups: c.groups ?? 1,
  });
  return { data: r.data, shape: unbatched ? r.shape.slice(1) : r.shape, magnitude: r.magnitude };
}

const SP: Record<Nd, number[]> = { 1: [9], 2: [6, 7], 3: [4, 5, 4] };

interface Geo {
  label: string;
  variant?: Sample["variant"];
  x: number[]; // input shape
  oc: number;
  k: number[];
  cfg: ConvCfg;
  bias: boolean;
}

function convGeos(nd: Nd): Geo[] {
  const s = SP[nd];
  const geos: Geo[] = [];
  // The fast paths first (the outlier and extreme variants use the first two samples).
  if (nd === 2) geos.push({ label: "3x3 stride 1 (Winograd size)", x: [1, 3, 10, 12], oc: 4, k: [3, 3], cfg: { padding: 1 }, bias: true });
  if (nd === 1) geos.push({ label: "k=5 stride 1 (Winograd size)", x: [1, 3, 24], oc: 4, k: [5], cfg: { padding: 2 }, bias: true });
  geos.push({ label: "groups 2, padding 1", x: [2, 4, ...s], oc: 6, k: rep(nd, 3), cfg: { padding: 1, groups: 2 }, bias: true });
  geos.push({ label: "stride 2, dilation 2, no bias", x: [1, 3, ...s.map((v) => v + 2)], oc: 2, k: rep(nd, 2), cfg: { stride: 2, dilation: 2, padding: 1 }, bias: false });
  geos.push({ label: 'padding "same", even kernel', x: [1, 2, ...s], oc: 3, k: rep(nd, 2), cfg: { padding: "same" }, bias: true });
  geos.push({ label: "no batch dimension", variant: "noBatch", x: [3, ...s], oc: 2, k: rep(nd, 3), cfg: { padding: 1 }, bias: true });
  geos.push({ label: "batch 0", variant: "batch0", x: [0, 3, ...s], oc: 2, k: rep(nd, 3), cfg: {}, bias: true });
  geos.push({ label: "1x1 input, 1x1 kernel", variant: "1x1", x: [2, 3, ...rep(nd, 1)], oc: 4, k: rep(nd, 1), cfg: {}, bias: true });
  geos.push({ label: "1x1 input, 3x3 kernel, padding 1", variant: "1x1", x: [1, 2, ...rep(nd, 1)], oc: 2, k: rep(nd, 3), cfg: { padding: 1 }, bias: false });
  geos.push({ label: "kernel = input", variant: "kernelEqInput", x: [2, 2, ...s], oc: 3, k: s, cfg: {}, bias: true });
  return geos;
}

function convFEntry(nd: Nd): OpInfo {
  const name = `conv${nd}d`;
  const fn = (F as unknown as Record<string, AnyFn>)[name];
  const s = SP[nd];
  const x1 = () => host(new Array(2 * s.reduce((a, b) => a * b, 1)).fill(0.5), [1, 2, ...s]);
  const w = (oc: number, ic: number, k = 3) => host(new Array(oc * ic * k ** nd).fill(0.25), [oc, ic, ...rep(nd, k)]);
  const errs: ErrorCase[] = [
    { label: "channel mismatch", inputs: [x1(), w(2, 3)], call: (t) => fn(t[0], t[1]), error: RangeError, message: "channels" },
    { label: "weight with the wrong rank", inputs: [x1(), host([1, 2], [1, 2])], call: (t) => fn(t[0], t[1]), error: RangeError, message: "weight" },
    { label: "groups not dividing the channels", inputs: [x1(), w(2, 1)], call: (t) => fn(t[0], t[1], null, { groups: 3 }), error: RangeError, message: "groups" },
    { label: "bias of the wrong shape", inputs: [x1(), w(2, 2), host([1, 2, 3], [3])], call: (t) => fn(t[0], t[1], t[2]), error: RangeError, message: "bias" },
    { label: "kernel larger than the input", inputs: [x1(), w(1, 2, 11)], call: (t) => fn(t[0], t[1]), error: RangeError, message: "kernel" },
    { label: "stride 0", inputs: [x1(), w(1, 2)], call: (t) => fn(t[0], t[1], null, { stride: 0 }), error: RangeError, message: "stride" },
    { label: 'padding "same" with stride 2', inputs: [x1(), w(1, 2)], call: (t) => fn(t[0], t[1], null, { padding: "same", stride: 2 }), error: RangeError, message: "same" },
    { label: "padding -1", inputs: [x1(), w(1, 2)], call: (t) => fn(t[0], t[1], null, { padding: -1 }), error: RangeError, message: "padding" },
    { label: 'padding "full"', inputs: [x1(), w(1, 2)], call: (t) => fn(t[0], t[1], null, { padding: "full" }), error: RangeError, message: "padding" },
    { label: "input not a tensor", inputs: [w(1, 2)], call: (t) => fn([[1, 2]], t[0]), error: TypeError, message: "input" },
    { label: "weight not a tensor", inputs: [x1()], call: (t) => fn(t[0], [1]), error: TypeError, message: "weight" },
    { label: "int32 input", inputs: [host(new Array(2 * s.reduce((a, b) => a * b, 1)).fill(1), [1, 2, ...s], "int32"), w(1, 2)], call: (t) => fn(t[0], t[1]), error: TypeError, message: "dtype" },
    { label: "input with too few dimensions", inputs: [host(new Array(s[0]).fill(1), [s[0]]), w(1, 1)], call: (t) => fn(t[0], t[1]), error: RangeError, message: "input" },
    { label: "paddingMode (a module option)", inputs: [x1(), w(1, 2)], call: (t) => fn(t[0], t[1], null, { paddingMode: "reflect" }), error: TypeError, message: "unknown option" },
  ];
  return {
    name: `F.${name}`,
    prefix: name,
    variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput", "extreme", "outlier"],
    samples: (r) =>
      convGeos(nd).map((g) => {
        const C = g.x[g.x.length - nd - 1];
        const groups = g.cfg.groups ?? 1;
        const inputs = [randHost(r, g.x), randHost(r, [g.oc, C / groups, ...g.k], -0.5, 0.5), ...(g.bias ? [randHost(r, [g.oc], -0.5, 0.5)] : [])];
        const { paddingMode: _m, ...opts } = g.cfg;
        return {
          label: g.label,
          variant: g.variant,
          inputs,
          perturb: [0],
          call: (t: Tensor[]) => fn(t[0], t[1], g.bias ? t[2] : undefined, opts),
          ref: (h: Host[]) => convRef(h[0], h[1], g.bias ? h[2] : null, nd, g.cfg),
        };
      }),
    errors: () => errs,
    withOptions: (t, o) => fn(t[0], t[1], t[2], o),
    extremeNote: "only the input is perturbed (a 1e30 weight times a 1e30 input overflows float32 in PyTorch too); the reference is the direct float64 definition; the tolerance grows with the sum of |terms| (an Inf or NaN anywhere in a window must give the same non-finite output as the direct algorithm)",
  };
}

function convModuleEntry(nd: Nd): OpInfo {
  const name = `Conv${nd}d`;
  const Ctor = (nn as unknown as Record<string, AnyCtor>)[name];
  const s = SP[nd];
  const geos = convGeos(nd);
  const modes: Mode[] = ["reflect", "replicate", "circular"];
  return {
    name: `nn.${name}`,
    prefix: name,
    variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput", "extreme"],
    samples: (r) => [
      ...geos.map((g) => {
        const C = g.x[g.x.length - nd - 1];
        return {
          label: g.label,
          variant: g.variant,
          inputs: [randHost(r, g.x)],
          module: () => new Ctor(C, g.oc, g.k, { ...g.cfg, bias: g.bias }),
          call: (t: Tensor[], m?: nn.Module) => (m as nn.Module & { forward: AnyFn }).forward(t[0]),
          ref: (h: Host[], p: Params) => convRef(h[0], p.weight, p.bias ?? null, nd, g.cfg),
        } as Sample;
      }),
      ...modes.map((mode) => ({
        label: `paddingMode ${mode}`,
        inputs: [randHost(r, [1, 2, ...s])],
        module: () => new Ctor(2, 3, 3, { padding: 1, paddingMode: mode }),
        call: (t: Tensor[], m?: nn.Module) => (m as nn.Module & { forward: AnyFn }).forward(t[0]),
        ref: (h: Host[], p: Params) => convRef(h[0], p.weight, p.bias, nd, { padding: 1, paddingMode: mode }),
      })),
    ],
    errors: () => [
      { label: "inChannels not divisible by groups", call: () => new Ctor(3, 4, 3, { groups: 2 }), error: RangeError, message: "inChannels" },
      { label: "kernelSize 0", call: () => new Ctor(1, 1, 0), error: RangeError, message: "kernelSize" },
      { label: "paddingMode mirror", call: () => new Ctor(1, 1, 1, { paddingMode: "mirror" }), error: RangeError, message: "paddingMode" },
      { label: "bias not a boolean", call: () => new Ctor(1, 1, 1, { bias: "yes" }), error: TypeError, message: "bias" },
      { label: "padding_mode (snake case)", call: () => new Ctor(1, 1, 1, { padding_mode: "zeros" }), error: TypeError, message: "paddingMode" },
      { label: "forward: channel mismatch", inputs: [host(new Array(3 * s.reduce((a, b) => a * b, 1)).fill(1), [1, 3, ...s])], module: () => new Ctor(2, 2, 1), call: (t, m) => (m as nn.Module & { forward: AnyFn }).forward(t[0]), error: RangeError, message: "channels" },
      { label: "forward: reflect padding >= input", inputs: [host(new Array(2 ** nd).fill(1), [1, 1, ...rep(nd, 2)])], module: () => new Ctor(1, 1, 3, { padding: 2, paddingMode: "reflect" }), call: (t, m) => (m as nn.Module & { forward: AnyFn }).forward(t[0]), error: RangeError, message: "reflect" },
    ],
    withOptions: (_t, o) => new Ctor(2, 2, 1, o),
    stateDictKeys: ["weight", "bias"],
  };
}

interface TGeo {
  label: string;
  variant?: Sample["variant"];
  x: number[];
  ocg: number; // out channels per group
  k: number[];
  cfg: TCfg;
  bias: boolean;
}

function convTGeos(nd: Nd): TGeo[] {
  const s = SP[nd].map((v) => Math.max(2, v - 2));
  return [
    { label: "stride 2, padding 1, outputPadding 1", x: [2, 3, ...s], ocg: 2, k: rep(nd, 3), cfg: { stride: 2, padding: 1, outputPadding: 1 }, bias: true },
    { label: "groups 2, dilation 2", x: [1, 4, ...s], ocg: 3, k: rep(nd, 2), cfg: { groups: 2, dilation: 2 }, bias: true },
    { label: "stride 1, no bias", x: [1, 2, ...s], ocg: 2, k: rep(nd, 3), cfg: {}, bias: false },
    { label: "no batch dimension", variant: "noBatch", x: [2, ...s], ocg: 3, k: rep(nd, 2), cfg: { stride: 2 }, bias: true },
    { label: "batch 0", variant: "batch0", x: [0, 2, ...s], ocg: 3, k: rep(nd, 2), cfg: {}, bias: true },
    { label: "1x1 input", variant: "1x1", x: [2, 2, ...rep(nd, 1)], ocg: 2, k: rep(nd, 3), cfg: { stride: 2 }, bias: true },
    { label: "kernel = input", variant: "kernelEqInput", x: [1, 2, ...s], ocg: 2, k: s, cfg: {}, bias: true },
  ];
}

function convTFEntry(nd: Nd): OpInfo {
  const name = `convTranspose${nd}d`;
  const fn = (F as unknown as Record<string, AnyFn>)[name];
  const x1 = () => host(new Array(2 * 3 ** nd).fill(0.5), [1, 2, ...rep(nd, 3)]);
  const w = (ic: number, ocg: number) => host(new Array(ic * ocg * 2 ** nd).fill(0.25), [ic, ocg, ...rep(nd, 2)]);
  return {
    name: `F.${name}`,
    prefix: name,
    variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput", "extreme", "outlier"],
    samples: (r) =>
      convTGeos(nd).map((g) => {
        const C = g.x[g.x.length - nd - 1];
        const groups = g.cfg.groups ?? 1;
        return {
          label: g.label,
          variant: g.variant,
          inputs: [randHost(r, g.x), randHost(r, [C, g.ocg, ...g.k], -0.5, 0.5), ...(g.bias ? [randHost(r, [g.ocg * groups], -0.5, 0.5)] : [])],
          perturb: [0],
          call: (t: Tensor[]) => fn(t[0], t[1], g.bias ? t[2] : null, g.cfg),
          ref: (h: Host[]) => convTRef(h[0], h[1], g.bias ? h[2] : null, nd, g.cfg),
        };
      }),
    errors: () => [
      { label: "channel mismatch", inputs: [x1(), w(3, 1)], call: (t) => fn(t[0], t[1]), error: RangeError, message: "channels" },
      { label: "outputPadding >= stride", inputs: [x1(), w(2, 1)], call: (t) => fn(t[0], t[1], null, { stride: 2, outputPadding: 2 }), error: RangeError, message: "outputPadding" },
      { label: "bias of the wrong shape", inputs: [x1(), w(2, 1), host([1, 2], [2])], call: (t) => fn(t[0], t[1], t[2]), error: RangeError, message: "bias" },
      { label: "groups 0", inputs: [x1(), w(2, 1)], call: (t) => fn(t[0], t[1], null, { groups: 0 }), error: RangeError, message: "groups" },
      { label: "weight not a tensor", inputs: [x1()], call: (t) => fn(t[0], "w"), error: TypeError, message: "weight" },
      { label: "padding too large for the output", inputs: [x1(), w(2, 1)], call: (t) => fn(t[0], t[1], null, { padding: 5 }), error: RangeError, message: "" },
    ],
    withOptions: (t, o) => fn(t[0], t[1], t[2], o),
  };
}

function convTModuleEntry(nd: Nd): OpInfo {
  const name = `ConvTranspose${nd}d`;
  const Ctor = (nn as unknown as Record<string, AnyCtor>)[name];
  const s = SP[nd].map((v) => Math.max(2, v - 2));
  return {
    name: `nn.${name}`,
    prefix: name,
    variants: ["noncontig", "noBatch", "batch0", "1x1", "kernelEqInput", "extreme"],
    samples: (r) => [
      ...convTGeos(nd).map((g) => {
        const C = g.x[g.x.length - nd - 1];
        const groups = g.cfg.groups ?? 1;
        return {
          label: g.label,
          variant: g.variant,
          inputs: [randHost(r, g.x)],
          module: () => new Ctor(C, g.ocg * groups, g.k, { ...g.cfg, bias: g.bias }),
          call: (t: Tensor[], m?: nn.Module) => (m as nn.Module & { forward: AnyFn }).forward(t[0]),
          ref: (h: Host[], p: Params) => convTRef(h[0], p.weight, p.bias ?? null, nd, g.cfg),
        } as Sample;
      }),
      {
        label: "forward(x, outputSize) picks the output padding",
        inputs: [randHost(r, [1, 2, ...s])],
        module: () => new Ctor(2, 2, 3, { stride: 2, padding: 1 }),
        call: (t, m) => (m as nn.Module & { forward: AnyFn }).forward(t[0], s.map((v) => 2 * v)),
        ref: (h, p) => convTRef(h[0], p.weight, p.bias, nd, { stride: 2, padding: 1, outputPadding: 1 }),
      },
    ],
    errors: () => [
      { label: "outChannels not divisible by groups", call: () => new Ctor(4, 3, 3, { groups: 2 }), error: RangeError, message: "outChannels" },
      { label: "outputPadding >= stride and dilation", call: () => new Ctor(1, 1, 3, { outputPadding: 1 }), error: RangeError, message: "outputPadding" },
      { label: "paddingMode reflect (only zeros, as PyTorch)", call: () => new Ctor(1, 1, 3, { paddingMode: "reflect" }), error: RangeError, message: "paddingMode" },
      { label: "forward: unreachable outputSize", inputs: [host(new Array(2 * s.reduce((a, b) => a * b, 1)).fill(1), [1, 2, ...s])], module: () => new Ctor(2, 2, 3, { stride: 2 }), call: (t, m) => (m as nn.Module & { forward: AnyFn }).forward(t[0], rep(nd, 100)), error: RangeError, message: "outputSize" },
    ],
    withOptions: (_t, o) => new Ctor(2, 2, 1, o),
    stateDictKeys: ["weight", "bias"],
  };
}

export const CONV: OpInfo[] = ([1, 2, 3] as Nd[]).flatMap((nd) => [convFEntry(nd), convModuleEntry(nd), convTFEntry(nd), convTModuleEntry(nd)]);

export type { Rng };
