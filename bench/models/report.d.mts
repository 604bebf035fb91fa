export interface EngineResult {
  status: "ok" | "wrong" | "error";
  medianMs?: number;
  q1Ms?: number;
  q3Ms?: number;
  gflops?: number;
  worst?: number;
  error?: string;
  heap?: { grewBytes: number; tensorsLeaked: number; bytesLeaked: number };
}
export interface ModelRow {
  id: string;
  macs: number;
  flops: number;
  peakGflops?: number;
  engines: Record<string, EngineResult>;
}
export function ortRatio(row: ModelRow): number | null;
export function nativeRatio(row: ModelRow): number | null;
export function geomean(values: number[]): number | null;
export function table(rows: ModelRow[], peak: number): string;
export function targets(rows: ModelRow[]): { geomean: number | null; lines: [string, string][] };
