// bench/RESULTS.md holds several reports: the per-op table of `npm run bench` (the body of
// the file) and sections between two HTML comments at the end, one per other command:
// the whole-model table (`npm run bench:models`), and the same two benchmarks run with
// threads (`--threads N`). Each command rewrites only its own part and keeps the others.

/** The sections in the order they follow the body; the models markers are the original ones. */
const SECTIONS = {
  models: {
    begin: "<!-- bench:models begin: written by `npm run bench:models`, kept by `npm run bench` -->",
    end: "<!-- bench:models end -->",
  },
  threads: {
    begin: "<!-- bench:threads begin: written by `npm run bench -- --threads N`, kept by the other runs -->",
    end: "<!-- bench:threads end -->",
  },
  "models-threads": {
    begin: "<!-- bench:models-threads begin: written by `npm run bench:models -- --threads N`, kept by the other runs -->",
    end: "<!-- bench:models-threads end -->",
  },
};
export const SECTION_NAMES = Object.keys(SECTIONS);

function markersOf(name) {
  const m = SECTIONS[name];
  if (!m) throw new RangeError(`unknown RESULTS.md section ${name} (known: ${SECTION_NAMES.join(", ")})`);
  return m;
}

/** A named section of a RESULTS.md text (markers included), or "" when it has none. */
export function sectionOf(text, name) {
  const { begin, end } = markersOf(name);
  const start = text.indexOf(begin);
  if (start < 0) return "";
  const stop = text.indexOf(end, start);
  return stop < 0 ? "" : text.slice(start, stop + end.length);
}

/** The text without any of its sections: the per-op body. */
function bodyOf(text) {
  let body = text;
  for (const name of SECTION_NAMES) {
    const section = sectionOf(body, name);
    if (section) body = body.replace(section, "");
  }
  return body.trimEnd() + "\n";
}

/** Joins the per-op body and the sections (name -> text with markers, or "") into one file. */
function join(body, sections) {
  const head = body.trimEnd() || "# wasm-nn benchmark results";
  const parts = SECTION_NAMES.map((name) => sections[name]).filter(Boolean);
  return [head, ...parts].join("\n\n") + "\n";
}

const sectionsOf = (text) => Object.fromEntries(SECTION_NAMES.map((name) => [name, sectionOf(text, name)]));

/** A run that writes the body (`npm run bench`): its new text, keeping every section the old file had. */
export function keepSections(newBody, oldText) {
  return join(bodyOf(newBody), sectionsOf(oldText ?? ""));
}

/** A run that writes one section: the old file with that section replaced by `markdown`. */
export function replaceSection(oldText, name, markdown) {
  const { begin, end } = markersOf(name);
  const sections = sectionsOf(oldText ?? "");
  sections[name] = `${begin}\n\n${markdown.trim()}\n\n${end}`;
  return join(bodyOf(oldText ?? ""), sections);
}

// The names the model benchmark has used from the start.
export const modelsSection = (text) => sectionOf(text, "models");
export const keepModels = keepSections;
export const replaceModels = (oldText, markdown) => replaceSection(oldText, "models", markdown);
