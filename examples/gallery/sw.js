// Keeps the gallery working offline: every file it needs is cached on the first visit
// and served from the cache afterwards (the network is tried only for files not cached).
const CACHE = "wasm-nn-gallery-v1";
const FILES = [
  "./", "./index.html", "./gallery.js", "./plots.js", "./style.css", "../assets/sample.png",
  "/dist/index.js", "/dist/core.js", "/dist/wasm-nn.wasm",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)));
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith(caches.match(event.request).then((hit) => hit ?? fetch(event.request)));
});
