// Results page: refresh the figures every N seconds while answers arrive.
// Progressive enhancement: without JavaScript the "Actualiser" link does it.
(function () {
  "use strict";
  var region = document.getElementById("resultats-contenu");
  var status = document.getElementById("actualisation");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(region.getAttribute("data-actualiser"), 10) || 30;

  function busy() {
    // Never swap the content under someone choosing a cross-tab.
    var active = document.activeElement;
    return active && region.contains(active) && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(active.tagName);
  }

  function say(text) { if (status) { status.textContent = text; } }

  function refresh() {
    if (document.hidden || busy()) { return; }
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("resultats-contenu");
        if (!fresh) { return; }
        var time = new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
        if (fresh.getAttribute("data-reponses") !== region.getAttribute("data-reponses")) {
          region.innerHTML = fresh.innerHTML;
          region.setAttribute("data-reponses", fresh.getAttribute("data-reponses"));
          say("Résultats mis à jour à " + time + " : " + fresh.getAttribute("data-reponses") + " réponses.");
        } else {
          say("Pas de nouvelle réponse (vérifié à " + time + ").");
        }
      })
      .catch(function () { say("Mise à jour impossible pour l'instant : la page réessaiera."); });
  }

  window.setInterval(refresh, seconds * 1000);
}());
