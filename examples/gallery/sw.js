// Keeps the gallery working offline, and up to date online.
// - The cache is named after the build (the `build` parameter this worker was registered
//   with, from build.json): a new build installs a new worker with a new cache, and the
//   old caches are deleted when it takes over.
// - The page and build.json come from the network first (the cache only when offline),
//   so a visitor always learns about a new build; the other files come from this build's
//   cache first.
// - Offline, the page must stay cross-origin isolated (or wasm-nn falls back to one
//   thread): every response this worker hands out carries COOP/COEP. A cached response
//   keeps the headers the server sent; one that lacks them is rebuilt with them.
const BUILD = new URL(self.location.href).searchParams.get("build") ?? "dev";
const PREFIX = "wasm-nn-gallery-";
const CACHE = PREFIX + BUILD;
const FILES = [
  "./", "./index.html", "./gallery.js", "./features.js", "./plots.js", "./digits.js", "./digits-gan.js", "./digit-strokes.js",
  "./style.css", "./build.json", "../assets/sample.png",
  "../digits/digits-cnn.json", "../digits/digits-cnn.safetensors", "../digits/digits-gan.json", "../digits/digits-gan.safetensors",
  "../digits/reference.json",
];
const ISOLATION_HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};

/**
 * The package's files come from build.json's list: every Wasm build (plain, relaxed SIMD,
 * threaded) and the modules around it, since which of them the page loads depends on the
 * browser. A page already controlled by this worker never fetched the others.
 */
async function packageFiles() {
  const response = await fetch("./build.json", { cache: "no-store" });
  const { files = [] } = await response.json();
  return files;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    Promise.all([caches.open(CACHE), packageFiles()])
      .then(([cache, files]) => cache.addAll([...FILES, ...files].map((f) => new Request(f, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

/** The response with the isolation headers: itself when it has them, else a copy with them added. */
function isolated(response) {
  // An opaque response's headers cannot be read or changed (none arise here: same-origin only).
  if (response.type === "opaque" || response.type === "opaqueredirect") return response;
  const missing = Object.keys(ISOLATION_HEADERS).filter((name) => !response.headers.has(name));
  if (missing.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const name of missing) headers.set(name, ISOLATION_HEADERS[name]);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return isolated(response);
  } catch (error) {
    const hit = await cache.match(request, { ignoreSearch: true });
    if (hit) return isolated(hit);
    throw error;
  }
}

async function cacheFirst(request) {
  const hit = await caches.match(request, { cacheName: CACHE });
  return isolated(hit ?? (await fetch(request)));
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  const isPage = request.mode === "navigate" || new URL(request.url).pathname.endsWith("/build.json");
  event.respondWith(isPage ? networkFirst(request) : cacheFirst(request));
});
