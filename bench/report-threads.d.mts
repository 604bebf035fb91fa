export interface EngineEntry {
  status: "ok" | "missing" | "n/a" | "error";
  medianMs?: number;
  gflops?: number;
  gbps?: number;
  threads?: number;
  identical?: boolean;
  mismatch?: string;
  heap?: { grewBytes: number; tensorsLeaked: number; bytesLeaked: number };
}
export interface ThreadsRow {
  id: string;
  shape: string;
  op: string;
  label: string;
  flops: number | null;
  bytes: number | null;
  peakGflops?: number;
  parallelPeakGflops?: number;
  parallelThreads?: number;
  check?: { reference: string; compared: number };
  engines: Record<string, EngineEntry>;
}
export interface Peak {
  simd: number;
  relaxedFma: number | null;
  inRounds: "fma" | "simd";
  parallel?: number;
  copy?: { memoryCopy: number; vectorCopy: number; bytes: number };
}
export const OWN_THREADED: string;
export function speedupOf(row: ThreadsRow): number | null;
export function peerRatioOf(row: ThreadsRow): number | null;
export function loopSpeedupOf(row: ThreadsRow): number | null;
export function shareOfPeak(row: ThreadsRow, name: string): number | null;
export function threadsTable(rows: ThreadsRow[], threads: number, peak: Peak): string;
export function threadsProgress(row: ThreadsRow, threads: number): void;
export function threadsTargets(
  rows: ThreadsRow[],
  opts: { threads: number; peak: Peak; wasmNn?: { relaxedSimd: boolean; threads: number } | null },
): { geomean: number | null; lines: [string, string][] };
