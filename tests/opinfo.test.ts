// The generic test of the OpInfo table (tests/opinfo/table.ts): every entry's samples
// against float64 references, in every variant it declares; every error input for class,
// message prefix, untouched inputs and parameters, and an unchanged heap; unknown options
// rejected; PyTorch's stateDict keys. Known bugs (`knownIssue` notes) must still fail and
// are printed at the end; when one stops failing, the test says to drop the note.
import { afterAll, describe, expect, it } from "vitest";
import { F, Tensor, image, init, nn } from "../src/index";

import * as api from "../src/index";
import type { ErrorCase, Host, OpInfo, Sample, Variant } from "./opinfo/core";
import { EXEMPT, TABLE, knownIssues } from "./opinfo/table";
import { type Layout, disposeAll, knownIssueFor, makeTensor, rngFor, runError, runSample, samplesFor } from "./opinfo/runner";

interface Found {
  id: string;
  note: string;
  observed: string;
}
const found: Found[] = [];

/** Fails on unexpected problems; records problems of known issues; fails when a known issue is gone. */
function settle(entry: OpInfo, results: { id: string; problems: string[]; own?: string }[]): void {
  const unexpected: string[] = [];
  for (const r of results) {
    const note = knownIssueFor(entry, r.id, r.own);
    if (note !== undefined) {
      if (r.problems.length > 0) found.push({ id: `${entry.name} ${r.id}`, note, observed: r.problems[0] });
      else unexpected.push(`${r.id}: known issue "${note}" no longer reproduces; remove the knownIssue note`);
    } else {
      for (const p of r.problems) unexpected.push(`${r.id}: ${p}`);
    }
  }
  expect(unexpected, `${entry.name}`).toEqual([]);
}

const LAYOUTS: Record<string, Layout[]> = { noncontig: ["permuted", "sliced"] };

function runVariant(entry: OpInfo, variant: Variant): { id: string; problems: string[]; own?: string }[] {
  const samples = samplesFor(entry, variant);
  const out: { id: string; problems: string[]; own?: string }[] = [];
  const finiteOnly = (variant === "extreme" || variant === "outlier") && entry.finiteOnly === true;
  for (const s of samples) {
    for (const layout of LAYOUTS[variant] ?? (["contiguous"] as Layout[])) {
      const id = `${variant}/${s.label}${layout === "contiguous" ? "" : ` (${layout})`}`;
      out.push({ id, problems: runSample(entry, s, layout, finiteOnly), own: s.knownIssue });
    }
  }
  if (samples.length === 0) out.push({ id: variant, problems: [`declares variant ${variant} but has no samples for it`] });
  return out;
}

function firstSample(entry: OpInfo): Sample {
  return entry.samples(rngFor(entry, "samples"))[0];
}

function bogusCase(entry: OpInfo): ErrorCase {
  const s = firstSample(entry);
  return {
    label: "unknown option { bogus: 1 }",
    inputs: s.inputs,
    module: s.module,
    call: (t, m) => entry.withOptions!(t, { bogus: 1 }, m),
    error: TypeError,
    message: /unknown option "bogus"/,
  };
}

describe("the table", () => {
  it("lists every public function, module and Tensor method (or says why not)", () => {
    const names = new Set(TABLE.map((e) => e.name));
    const publicNames: string[] = [];
    for (const k of Object.keys(F)) publicNames.push(`F.${k}`);
    for (const k of Object.keys(nn)) publicNames.push(`nn.${k}`);
    for (const k of Object.keys(init)) publicNames.push(`init.${k}`);
    for (const k of Object.keys(image)) publicNames.push(`image.${k}`);
    for (const [k, v] of Object.entries(api)) if (typeof v === "function" && !["F", "nn", "init", "image"].includes(k)) publicNames.push(k);
    for (const k of Object.getOwnPropertyNames(Tensor.prototype)) {
      const d = Object.getOwnPropertyDescriptor(Tensor.prototype, k)!;
      // Getters (shape, ndim, numel, ...) are read by every sample; methods need entries.
      if (k !== "constructor" && !d.get) publicNames.push(`Tensor.${k}`);
    }
    const missing = publicNames.filter((n) => !names.has(n) && !(n in EXEMPT));
    expect(missing).toEqual([]);
    const stale = [...names, ...Object.keys(EXEMPT)].filter((n) => !publicNames.includes(n));
    expect(stale).toEqual([]);
  });

  it("every entry is well formed", () => {
    const seen = new Set<string>();
    for (const e of TABLE) {
      expect(seen.has(e.name), `duplicate entry ${e.name}`).toBe(false);
      seen.add(e.name);
      if (e.tol && ((e.tol.rtol ?? 1e-4) > 1e-4 || (e.tol.atol ?? 1e-5) > 1e-5)) expect(e.tolReason, `${e.name} loosens the tolerance without a reason`).toBeTruthy();
      for (const s of e.samples(rngFor(e, "samples"))) {
        if (s.tol && ((s.tol.rtol ?? 1e-4) > 1e-4 || (s.tol.atol ?? 1e-5) > 1e-5)) expect(e.tolReason, `${e.name}/${s.label} loosens the tolerance without a reason`).toBeTruthy();
      }
    }
  });
});

describe("the harness", () => {
  // The runner must notice each kind of failure, or a green table would prove nothing.
  const probe: OpInfo = { name: "probe", prefix: "probe", variants: [], samples: () => [] };
  const x: Host = { data: Float64Array.of(1, 2, 3), shape: [3] };
  it("notices a wrong value, a wrong shape, NaN for a number and a leak", () => {
    const relu = (t: Tensor[]) => F.relu(t[0]);
    expect(runSample(probe, { label: "", inputs: [x], call: relu, ref: () => ({ data: [1, 2, 3.01], shape: [3] }) }, "contiguous")).not.toEqual([]);
    expect(runSample(probe, { label: "", inputs: [x], call: relu, ref: () => ({ data: [1, 2, 3], shape: [1, 3] }) }, "contiguous")).not.toEqual([]);
    expect(runSample(probe, { label: "", inputs: [x], call: relu, ref: () => ({ data: [1, 2, NaN], shape: [3] }) }, "contiguous")).not.toEqual([]);
    expect(runSample(probe, { label: "", inputs: [x], call: relu, ref: () => ({ data: [1, 2, 3], shape: [3] }) }, "sliced")).toEqual([]);
    let leaked: Tensor | null = null;
    expect(runSample(probe, { label: "", inputs: [x], call: (t) => { leaked = F.relu(t[0]); return t[0].clone(); }, ref: () => ({ data: [1, 2, 3], shape: [3] }) }, "contiguous")).not.toEqual([]);
    (leaked as Tensor | null)?.dispose();
  });
  it("notices a call that does not throw, the wrong class or prefix, a changed input", () => {
    const base: Omit<ErrorCase, "call"> = { label: "", inputs: [x], error: RangeError, message: "" };
    expect(runError(probe, { ...base, call: (t) => t[0].clone().dispose() })).not.toEqual([]);
    expect(runError(probe, { ...base, call: () => { throw new TypeError("probe: x"); } })).not.toEqual([]);
    expect(runError(probe, { ...base, call: () => { throw new RangeError("other: x"); } })).not.toEqual([]);
    expect(runError(probe, { ...base, call: (t) => { t[0].fill_(0); throw new RangeError("probe: x"); } })).not.toEqual([]);
    expect(runError(probe, { ...base, call: () => { throw new RangeError("probe: x"); } })).toEqual([]);
  });
});

for (const entry of TABLE) {
  describe(entry.name, () => {
    it("samples match the float64 reference", () => {
      settle(entry, runVariant(entry, "basic"));
    });
    for (const v of entry.variants.filter((v) => v !== "basic")) {
      it(`variant: ${v}`, () => {
        settle(entry, runVariant(entry, v));
      });
    }
    if (entry.errors || entry.withOptions) {
      it("error inputs throw clearly and change nothing", () => {
        const cases = [...(entry.errors?.(rngFor(entry, "errors")) ?? []), ...(entry.withOptions ? [bogusCase(entry)] : [])];
        const results = cases.map((ec) => ({ id: `error/${ec.label}`, problems: runError(entry, ec), own: ec.knownIssue }));
        // The library still computes correctly after all those failed calls.
        const again = entry.samples(rngFor(entry, "samples")).find((s) => (s.variant ?? "basic") === "basic");
        if (again) results.push({ id: `after errors/${again.label}`, problems: runSample(entry, again, "contiguous"), own: again.knownIssue });
        settle(entry, results);
      });
    }
    if (entry.stateDictKeys) {
      it("stateDict() has PyTorch's keys", () => {
        const s = firstSample(entry);
        const m = s.module!();
        const sd = m.stateDict();
        try {
          expect(Object.keys(sd).sort()).toEqual(entry.stateDictKeys!.slice().sort());
        } finally {
          disposeAll(Object.values(sd));
          m.dispose();
        }
      });
    }
  });
}

afterAll(() => {
  const list = knownIssues();
  if (list.length === 0) return;
  const lines = list.map((k) => {
    const seen = found.filter((f) => f.id.startsWith(k.id) || f.id === k.id);
    return `- ${k.id}: ${k.note}${seen.length ? `\n    observed (${seen.length} case(s)): ${seen[0].observed}` : ""}`;
  });
  console.log(`OpInfo: ${list.length} known issue(s), each still failing as expected:\n${lines.join("\n")}`);
});

// Keeps the helpers' import used when a family does not need it.
void makeTensor;
