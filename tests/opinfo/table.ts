// The OpInfo table: every public function, module and Tensor method of wasm-nn, with
// sample inputs, a float64 reference, tolerances, error inputs and the variants that
// apply. tests/opinfo.test.ts runs all of it.
//
// Adding an entry (see core.ts for every field):
//   1. In the family file (activation.ts, conv.ts, pool.ts, linear.ts, tensor.ts,
//      misc.ts), push an OpInfo: `name` as the user writes it ("F.conv2d"), `prefix` the
//      message prefix ("conv2d"), `samples(r)` building inputs from the seeded rng with a
//      `call` and a float64 `ref` (or a `check`), `variants` it supports (shape variants
//      need samples tagged with them; noncontig, extreme and outlier are derived from the
//      basic samples), `errors(r)` with the class and message fragment of each bad call,
//      `withOptions` when it takes an options object, `stateDictKeys` for modules.
//   2. Looser tolerances need `tolReason`; references that cannot be exact for a variant
//      say what is checked instead (`extremeNote`, `finiteOnly`).
//   3. A real bug found by the table is not fixed here: add a `knownIssue` (on the sample
//      or error case, or in the entry's `knownIssues` by case id). Known issues must keep
//      failing; the test prints them and fails once one is fixed, so the note is removed.
//   4. The first test in opinfo.test.ts fails until every public name has an entry (or
//      an EXEMPT reason).
import { ACTIVATIONS } from "./activation";
import { CONV } from "./conv";
import { LINEAR } from "./linear";
import { MISC } from "./misc";
import { NORM } from "./norm";
import { DROPOUT } from "./dropout";
import { POOL } from "./pool";
import { RESAMPLE } from "./resample";
import { TENSOR } from "./tensor";
import { ARITH } from "./arith";
import type { OpInfo } from "./core";
import { rngFor } from "./runner";

export const TABLE: OpInfo[] = [...ACTIVATIONS, ...CONV, ...POOL, ...LINEAR, ...TENSOR, ...MISC, ...ARITH, ...RESAMPLE, ...NORM, ...DROPOUT];

/** Public names that are not operations on tensors, with the reason they have no entry. */
export const EXEMPT: Record<string, string> = {
  ready: "loads the Wasm module; covered by tests/ready.test.ts",
  setNumThreads: "sets the worker pool's size, no tensor op; covered by tests/threads.test.ts and tests/ready.test.ts",
  numThreads: "reports the worker pool's size, no tensor op; covered by tests/threads.test.ts and tests/ready.test.ts",
  Tensor: "the class itself; its methods have entries (Tensor.view, ...)",
  NotReadyError: "an error class, thrown before ready(); covered by tests/ready.test.ts",
  "Tensor.assertLive": "@internal",
  "Tensor.viewOf": "@internal",
  "Tensor.sharesStorageWith": "@internal",
  "Tensor.markWritten": "@internal (bumps the version after an in-place write; tests/weight-cache.test.ts)",
  "nn.loadModel": "builds a whole model from an exported graph, no single tensor op to sample; covered by tests/models.test.ts (PyTorch round trips, graph errors, memory)",
};

export interface KnownIssue {
  /** "<entry> <case id or prefix>". */
  id: string;
  note: string;
}

/**
 * Every known issue of the table in one list, wherever it is noted (an entry's
 * `knownIssues`, a sample's or an error case's `knownIssue`). The test prints it.
 */
export function knownIssues(): KnownIssue[] {
  const out: KnownIssue[] = [];
  for (const e of TABLE) {
    for (const [id, note] of Object.entries(e.knownIssues ?? {})) out.push({ id: `${e.name} ${id}`, note });
    for (const s of e.samples(rngFor(e, "samples"))) if (s.knownIssue) out.push({ id: `${e.name} ${s.variant ?? "basic"}/${s.label}`, note: s.knownIssue });
    for (const c of e.errors?.(rngFor(e, "errors")) ?? []) if (c.knownIssue) out.push({ id: `${e.name} error/${c.label}`, note: c.knownIssue });
  }
  return out;
}
