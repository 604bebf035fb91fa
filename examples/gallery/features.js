// The header line that says what ready() resolved to: SIMD, relaxed SIMD (the FMA
// instruction) and the threads in use, and whether the page is cross-origin isolated,
// which threads need (SharedArrayBuffer). Where the build can change its thread count
// (setNumThreads), the count is a selector, so a visitor can compare the panels' times.
// A namespace import: a build without setNumThreads must still load this page.
import * as wasmnn from "wasm-nn";

const MAX_THREADS = 4;

/** The thread counts worth offering: 1 up to the cores (at most 4), and the count in use. */
function threadChoices(inUse) {
  const cores = Math.min(MAX_THREADS, navigator.hardwareConcurrency || 1);
  return Array.from({ length: Math.max(cores, inUse) }, (_, i) => i + 1);
}

/** A <select> of thread counts that calls setNumThreads, then `changed` with the count in use. */
function threadSelector(inUse, changed) {
  const select = document.createElement("select");
  select.id = "threads";
  select.setAttribute("aria-label", "threads");
  for (const n of threadChoices(inUse)) select.append(new Option(String(n), String(n), false, n === inUse));
  select.addEventListener("change", () => {
    wasmnn.setNumThreads(Number(select.value));
    changed(wasmnn.numThreads());
  });
  return select;
}

/**
 * Fills #features from ready()'s answer; where the thread count can change, a change
 * calls setNumThreads and then `rerender` (so the panels show their new times).
 * Returns what the page reports to its test.
 */
export function showFeatures(info, rerender) {
  const isolated = globalThis.crossOriginIsolated === true;
  const canChange = typeof wasmnn.setNumThreads === "function" && isolated;
  const line = document.querySelector("#features");
  line.dataset.threads = String(info.threads);
  line.dataset.relaxedSimd = String(info.relaxedSimd);
  line.dataset.isolated = String(isolated);
  const threads = canChange
    ? threadSelector(info.threads, (n) => {
        line.dataset.threads = String(n);
        rerender();
      })
    : String(info.threads);
  line.replaceChildren(
    `Wasm SIMD: ${info.simd ? "in use" : "off"} · relaxed SIMD (FMA): ${info.relaxedSimd ? "in use" : "not used"} · threads: `,
    threads,
    isolated ? " · cross-origin isolated" : " · not cross-origin isolated (no SharedArrayBuffer: one thread)",
  );
  return { ...info, isolated, canChangeThreads: canChange };
}
