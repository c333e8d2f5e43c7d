// Service worker for conseillers' notifications only (scope /static/, so it
// never intercepts page loads). Payload: {"title", "body", "url"}.
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(
    data.title || "Diagnostic territorial",
    { body: data.body || "", lang: "fr", data: { url: data.url || "/" } }
  ));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data || {}).url;
  // Only ever open a page of this site.
  if (typeof url !== "string" || url.charAt(0) !== "/" || url.charAt(1) === "/") {
    url = "/";
  }
  event.waitUntil(self.clients.openWindow(url));
});
