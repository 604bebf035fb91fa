// Keeps the gallery working offline, and up to date online.
// - The cache is named after the build (the `build` parameter this worker was registered
//   with, from build.json): a new build installs a new worker with a new cache, and the
//   old caches are deleted when it takes over.
// - The page and build.json come from the network first (the cache only when offline),
//   so a visitor always learns about a new build; the other files come from this build's
//   cache first.
const BUILD = new URL(self.location.href).searchParams.get("build") ?? "dev";
const PREFIX = "wasm-nn-gallery-";
const CACHE = PREFIX + BUILD;
const FILES = [
  "./", "./index.html", "./gallery.js", "./plots.js", "./digits.js", "./digits-gan.js", "./digit-strokes.js", "./style.css",
  "./build.json", "../assets/sample.png",
  "../digits/digits-cnn.json", "../digits/digits-cnn.safetensors", "../digits/digits-gan.json", "../digits/digits-gan.safetensors",
  "../digits/reference.json",
  "/dist/index.js", "/dist/core.js", "/dist/wasm-nn.wasm",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: "reload" }))))
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

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const hit = await cache.match(request, { ignoreSearch: true });
    if (hit) return hit;
    throw error;
  }
}

async function cacheFirst(request) {
  const hit = await caches.match(request, { cacheName: CACHE });
  return hit ?? fetch(request);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  const isPage = request.mode === "navigate" || new URL(request.url).pathname.endsWith("/build.json");
  event.respondWith(isPage ? networkFirst(request) : cacheFirst(request));
});
