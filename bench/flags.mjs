// Command-line flags of the benchmark runners (bench/run.mjs, bench/models/run.mjs).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Walks argv: `onFlag(flag, value)` handles one flag and returns true, where value()
 * reads its argument (`--flag=x` or `--flag x`). `--help` prints the first `helpLines`
 * comment lines of the runner (`url`); any other flag is a RangeError.
 */
export function eachFlag(argv, url, helpLines, onFlag) {
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new RangeError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--help" || flag === "-h") {
      console.log(readFileSync(fileURLToPath(url), "utf8").split("\n").slice(1, 1 + helpLines).join("\n"));
      process.exit(0);
    }
    if (!onFlag(flag, value)) throw new RangeError(`unknown option ${argv[i]} (see --help)`);
  }
}

/** A flag's value as a positive integer. */
export function positiveInt(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag}: expected a positive integer`);
  return n;
}

/** A comma-separated list whose entries must all be in `known` (after `normalise`). */
export function listOf(flag, text, known, what, normalise = (s) => s.trim()) {
  const items = text.split(",").map(normalise);
  const bad = items.filter((id) => !known.includes(id));
  if (bad.length) throw new RangeError(`${flag}: unknown ${what}${bad.join(", ")} (known: ${known.join(", ")})`);
  return items;
}
