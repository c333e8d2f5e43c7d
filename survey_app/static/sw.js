// Kiosk service worker (scope /enquetes/): keeps the kiosk page and its files
// so that a tablet with no network can still be reloaded. Network first (the
// page holds fresh questions), the kept copy when the network fails or is too
// slow; every other request is left alone.
var CACHE = "kiosque-v1";
var KIOSK_PAGE = /^\/enquetes\/\d+\/kiosque\/\d+$/;
var FILES = /^\/static\/(public\.css|kiosk\.css|kiosk\/[a-z-]+\.js|js\/[a-z-]+\.js)$/;
var SLOW_MS = 4000;  // one bar of 4G: give up on the network after this

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function fromCache(path) {
  return caches.open(CACHE).then(function (cache) { return cache.match(path); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!KIOSK_PAGE.test(url.pathname) && !FILES.test(url.pathname)) return;
  var path = url.pathname;
  event.respondWith(new Promise(function (resolve) {
    var done = false;
    function answer(response) { if (!done && response) { done = true; resolve(response); } }
    var timer = setTimeout(function () {
      fromCache(path).then(answer);
    }, SLOW_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      // Only a real page is kept (not a redirect to the sign-in page).
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(path, copy); });
      }
      answer(response);
    }).catch(function () {
      clearTimeout(timer);
      fromCache(path).then(function (kept) {
        answer(kept || Response.error());
      });
    });
  }));
});
