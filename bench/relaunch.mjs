// The threaded benchmark runs measure wasm-nn's fastest build, threads and relaxed SIMD
// together. Node 20 validates relaxed SIMD only behind a V8 flag, so a run started without
// it starts itself again with the flag (same arguments, same terminal) and exits with the
// child's status. Node 22 and later accept the flag as well.

import { spawnSync } from "node:child_process";
import { relaxedFlagPresent } from "./peak.mjs";

export const RELAXED_SIMD_FLAG = "--experimental-wasm-relaxed-simd";

/** Returns only when this process already has the flag; otherwise runs the child and exits. */
export function relaunchWithRelaxedSimd() {
  if (relaxedFlagPresent()) return;
  const args = [RELAXED_SIMD_FLAG, ...process.execArgv, ...process.argv.slice(1)];
  const child = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (child.error) throw child.error;
  process.exit(child.status ?? 1);
}
