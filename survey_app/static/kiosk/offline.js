// Reloading the kiosk page without network: the service worker (sw.js)
// serves the page and its files from a cache filled here, while online.
export function keepForOffline(workerUrl) {
  if (!("serviceWorker" in navigator) || !window.caches) return;
  var scope = workerUrl.replace(/[^/]*$/, "");
  navigator.serviceWorker.register(workerUrl, { scope: scope }).catch(function () {});
  var files = [location.pathname];
  // Modules are listed as modulepreload links by the page: an import is
  // not a script[src] of its own.
  var kept = "link[rel=stylesheet], link[rel=modulepreload], script[src]";
  document.querySelectorAll(kept).forEach(function (n) {
    files.push(new URL(n.href || n.src).pathname);
  });
  caches.open("kiosque-v1").then(function (cache) { return cache.addAll(files); })
    .catch(function () { /* offline already: the worker kept them before */ });
}
