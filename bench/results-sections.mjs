// bench/RESULTS.md holds two reports: the per-op table of `npm run bench` (the body of
// the file) and the whole-model table of `npm run bench:models` (a section between two
// HTML comments at the end). Each command rewrites only its own part and keeps the other.

const BEGIN = "<!-- bench:models begin: written by `npm run bench:models`, kept by `npm run bench` -->";
const END = "<!-- bench:models end -->";

/** The models section of a RESULTS.md text (markers included), or "" when it has none. */
export function modelsSection(text) {
  const start = text.indexOf(BEGIN);
  if (start < 0) return "";
  const end = text.indexOf(END, start);
  return end < 0 ? "" : text.slice(start, end + END.length);
}

/** The text without its models section. */
function withoutModels(text) {
  const section = modelsSection(text);
  return section ? text.replace(section, "").trimEnd() + "\n" : text;
}

/** Joins the per-op body and a models section (markers included, or "") into one file. */
function join(body, section) {
  const head = body.trimEnd() || "# wasm-nn benchmark results";
  return section ? `${head}\n\n${section}\n` : `${head}\n`;
}

/** `npm run bench`: its new per-op text, keeping the models section the old file had. */
export function keepModels(newBody, oldText) {
  return join(withoutModels(newBody), modelsSection(oldText ?? ""));
}

/** `npm run bench:models`: the old file with its models section replaced by `markdown`. */
export function replaceModels(oldText, markdown) {
  return join(withoutModels(oldText ?? ""), `${BEGIN}\n\n${markdown.trim()}\n\n${END}`);
}
