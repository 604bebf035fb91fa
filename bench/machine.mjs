// The machine a benchmark ran on, for the header of its results.

import { readFileSync } from "node:fs";
import os from "node:os";

export function machineInfo() {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m);
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpu,
    cores: os.cpus().length,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    load: os.loadavg().map((l) => l.toFixed(2)).join(" "),
  };
}
