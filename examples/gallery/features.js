// The header line that says what ready() resolved to: SIMD, relaxed SIMD (the FMA
// instruction) and the threads in use, and whether the page is cross-origin isolated,
// which threads need (SharedArrayBuffer). Where the build can change its thread count
// (setNumThreads), a selector lets the visitor compare the panels' times.
// A namespace import: a build without setNumThreads must still load this page.
import * as wasmnn from "wasm-nn";

const MAX_THREADS = 4;

/** The thread counts worth offering: 1 up to the cores (at most 4), and the count in use. */
function threadChoices(inUse) {
  const cores = Math.min(MAX_THREADS, navigator.hardwareConcurrency || 1);
  return Array.from({ length: Math.max(cores, inUse) }, (_, i) => i + 1);
}

function describe(info, isolated) {
  const parts = [
    `Wasm SIMD: ${info.simd ? "in use" : "off"}`,
    `relaxed SIMD (FMA): ${info.relaxedSimd ? "in use" : "not used"}`,
    `threads: ${info.threads}`,
    isolated ? "cross-origin isolated" : "not cross-origin isolated (no SharedArrayBuffer: one thread)",
  ];
  return parts.join(" · ");
}

/**
 * Fills #features from ready()'s answer and, where the thread count can change, adds a
 * selector that calls setNumThreads and then `rerender` (so the panels show new times).
 * Returns what the page reports to its test.
 */
export function showFeatures(info, rerender) {
  const isolated = globalThis.crossOriginIsolated === true;
  const line = document.querySelector("#features");
  const summary = document.createElement("span");
  summary.textContent = describe(info, isolated);
  line.replaceChildren(summary);
  line.dataset.threads = String(info.threads);
  line.dataset.relaxedSimd = String(info.relaxedSimd);
  line.dataset.isolated = String(isolated);
  const canChange = typeof wasmnn.setNumThreads === "function" && isolated;
  if (canChange) {
    const label = document.createElement("label");
    label.className = "threads";
    const select = document.createElement("select");
    select.id = "threads";
    for (const n of threadChoices(info.threads)) select.append(new Option(String(n), String(n), false, n === info.threads));
    select.addEventListener("change", () => {
      wasmnn.setNumThreads(Number(select.value));
      summary.textContent = describe({ ...info, threads: wasmnn.numThreads() }, isolated);
      line.dataset.threads = String(wasmnn.numThreads());
      rerender();
    });
    label.append(" · run on ", select, " thread(s)");
    line.append(label);
  }
  return { ...info, isolated, canChangeThreads: canChange };
}
