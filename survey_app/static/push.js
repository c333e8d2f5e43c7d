// Conseiller's opt-in to web push notifications (diagnostic page).
// Progressive enhancement: without JS, or without the Push API, the block
// stays hidden.
(function () {
  "use strict";
  var box = document.getElementById("push");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) {
    return;
  }
  var on = document.getElementById("push-on");
  var off = document.getElementById("push-off");
  var status = document.getElementById("push-status");

  function keyBytes(text) {
    var b64 = (text + "===".slice((text.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      if (response.ok) { return response; }
      return response.json().then(function (data) {
        throw new Error(data.error || "Le serveur a refusé la demande.");
      }, function () { throw new Error("Le serveur a refusé la demande."); });
    });
  }

  function show(subscribed, message) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    status.textContent = message || (subscribed
      ? "Les notifications sont activées sur cet appareil."
      : "");
  }

  var ready = navigator.serviceWorker.register(box.dataset.worker);
  box.hidden = false;
  ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) { show(!!subscription); })
    .catch(function () { box.hidden = true; });

  on.addEventListener("click", function () {
    status.textContent = "Activation…";
    ready.then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.dataset.key)
      });
    }).then(function (subscription) {
      return post(box.dataset.subscribe, subscription.toJSON());
    }).then(function () {
      return post(box.dataset.test);
    }).then(function () { show(true); })
      .catch(function (error) {
        show(false, Notification.permission === "denied"
          ? "Les notifications sont bloquées dans les réglages du navigateur."
          : "Activation impossible : " + error.message);
      });
  });

  off.addEventListener("click", function () {
    ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) { return null; }
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(box.dataset.unsubscribe, { endpoint: endpoint });
      });
    }).then(function () {
      show(false, "Les notifications sont arrêtées sur cet appareil.");
    }).catch(function (error) { status.textContent = error.message; });
  });
}());
