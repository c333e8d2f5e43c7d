/* A participant's phone: write cards, see them revealed, vote with dots.
 * Drawn from the snapshot kept by live/store.js; posts go through the outbox so
 * that a card typed on a flaky network is sent once, when the network is back.
 */
import { el, setText, syncChildren } from "../static/js/dom.js";
import { randomKey } from "../static/js/random-key.js";
import { everySecond, formatSeconds, remaining } from "./live/clock.js";
import { Connection } from "./live/connection.js";
import { Outbox } from "./live/outbox.js";
import { cardForm } from "./participant/card-form.js";
import { cardNode, updateCard } from "./participant/cards.js";
import { matrixFrame, MATRIX_INSTRUCTIONS, renderMatrix } from "./participant/matrix.js";
import { blockedReason, budgetOf, myCount, usedVotes } from "./participant/votes.js";
import { cardSource, current as currentActivity, findActivity, setMyPlacement, upsertCard } from "./live/store.js";

(function () {
  var root = document.getElementById("atelier");
  if (!root) return;

  var base = root.dataset.base;
  var view = document.getElementById("vue");
  var statusLine = document.getElementById("connexion");
  var announcer = document.getElementById("annonce");
  var state = null;
  var frameKey = null;
  var parts = {};
  var draft = { text: "", column: "" };

  var INSTRUCTIONS = {
    write_private: "Écrivez vos idées, une par carte. Les autres ne les voient pas avant que l'animateur les révèle.",
    write: "Écrivez vos idées, une par carte. Elles s'affichent pour tout le monde.",
    reveal: "Voici les cartes de tout le monde.",
    group: "L'animateur regroupe les cartes qui se ressemblent.",
    vote: "Posez vos gommettes sur les cartes qui comptent le plus pour vous.",
    results: "Voici le résultat du vote."
  };

  function announce(message) {
    setText(announcer, "");
    setTimeout(function () { setText(announcer, message); }, 50);
  }

  var connectionStatus = null;
  var sendingFails = false; // the outbox's last try failed (network, 5xx)

  /* One line for two sources: the live connection and the outbox. */
  function showStatus(name) {
    if (name) connectionStatus = name;
    if (!connectionStatus) return;
    var shown = connectionStatus;
    var text;
    if (shown === "online" && sendingFails) {
      shown = "connecting";
      text = "Envoi de vos cartes… nouvel essai dans un instant.";
    } else if (shown === "online") {
      text = outbox.items.length ? "En ligne — envoi de vos cartes…" : "En ligne";
    } else if (shown === "offline") {
      text = "Hors connexion — vos cartes seront envoyées au retour du réseau.";
    } else {
      text = "Connexion en cours…";
    }
    statusLine.className = "status status-" + shown;
    setText(statusLine, text);
  }

  function connectionChanged(name) {
    showStatus(name);
    if (name === "online" && outbox.items.length) {
      outbox.delay = 1000;
      outbox.flush(); // the network is back: do not wait for the next retry
    }
  }

  var outbox = new Outbox({
    storageKey: "atelier-envois-" + root.dataset.code,
    onChange: function () { if (state) render(); showStatus(); },
    onWaiting: function () { sendingFails = true; showStatus(); },
    onDone: function (item, data) {
      if (data.card && state) upsertCard(state, data.card);
      if (data.item && state) setMyPlacement(state, data);
      if (data.card_id && state) {
        var activity = findActivity(state, data.activity_id);
        if (activity) {
          activity.my_votes = activity.my_votes || {};
          activity.my_votes[data.card_id] = data.count;
          activity.votes_used = data.used;
        }
      }
      if (item.key.indexOf("card:") === 0) announce("Carte envoyée.");
      sendingFails = false;
      if (state) render();
      showStatus();
    },
    onRefused: function (item, message) {
      sendingFails = false;
      showStatus();
      showError(message);
      if (state) connection.resync().catch(function () {});
    }
  });

  function showError(message) {
    var box = document.getElementById("erreur");
    setText(box, message);
    box.hidden = !message;
  }

  var connection = new Connection({
    base: base,
    onState: function (next) { state = next; render(); },
    onStatus: connectionChanged,
    onFatal: function (message) {
      showError(message);
      statusLine.className = "status status-offline";
    }
  });

  /* ---- what the participant sees ---- */

  function render() {
    var activity = currentActivity(state);
    var closed = state.workshop.status !== "open";
    var key = activity ? [activity.id, activity.phase, blockedReason(activity), closed,
                          JSON.stringify(activity.columns), JSON.stringify(activity.items)].join("|")
      : "none|" + closed;
    if (key !== frameKey) {
      var focused = document.activeElement && document.activeElement.id;
      buildFrame(activity, closed);
      frameKey = key;
      var again = focused && document.getElementById(focused);
      if (again) again.focus();
    }
    if (!activity) return;
    updateTimer(activity);
    if (activity.kind === "matrix") {
      renderMatrix(parts.matrix, activity, outbox.items, blockedReason(activity), place);
      return;
    }
    var source = cardSource(state, activity);
    var phase = activity.phase;
    var voting = activity.kind === "dots" || phase === "vote" || phase === "results";
    var cards = source.cards.filter(function (c) {
      return c.status === "visible" || c.status === "pending";
    });
    if (parts.pending) renderPending(activity);
    if (parts.budget) {
      var left = budgetOf(activity) - usedVotes(activity, outbox.items);
      setText(parts.budget, left > 1 ? "Il vous reste " + left + " gommettes."
        : left === 1 ? "Il vous reste 1 gommette." : "Vous avez posé toutes vos gommettes.");
    }
    (source.columns.length ? source.columns : [{ key: null }]).forEach(function (column) {
      var list = parts.lists[column.key];
      if (!list) return;
      var inColumn = cards.filter(function (c) {
        return (column.key === null || c.column === column.key) && !c.merged_into;
      });
      if (phase === "results") {
        inColumn.sort(function (a, b) {
          return ((activity.totals || {})[b.id] || 0) - ((activity.totals || {})[a.id] || 0);
        });
      }
      syncChildren(list, inColumn, function (c) { return c.id; }, function (card) {
        return cardNode(card, activity, voting, vote);
      }, function (node, card) {
        updateCard(node, card, activity, source, outbox.items);
      });
      list.hidden = false;
      var empty = parts.empty[column.key];
      if (empty) empty.hidden = inColumn.length > 0;
    });
  }

  function buildFrame(activity, closed) {
    view.textContent = "";
    parts = { lists: {}, empty: {} };
    if (closed) {
      view.appendChild(el("p", { cls: "notice", text: "L'atelier est terminé. Merci de votre participation !" }));
      return;
    }
    if (!activity) {
      view.appendChild(el("p", { cls: "notice", text: "L'animateur prépare la suite. Gardez cette page ouverte." }));
      return;
    }
    var source = cardSource(state, activity);
    view.appendChild(el("h2", { text: activity.title }));
    if (activity.config.target) {
      view.appendChild(el("p", { cls: "target", text: "Public : " + activity.config.target }));
    }
    var phaseKey = activity.phase === "write" && activity.private ? "write_private" : activity.phase;
    var instruction = (activity.kind === "matrix" ? MATRIX_INSTRUCTIONS : INSTRUCTIONS)[phaseKey] || "";
    if (activity.kind === "dots" && activity.phase === "vote" && source !== activity) {
      instruction = "Posez vos gommettes sur les cartes de « " + source.title +
        " » qui comptent le plus pour vous.";
    }
    var instructions = el("p", { cls: "phase" }, [
      el("strong", { text: "Étape : " + activity.phase_label + ". " }), instruction
    ]);
    parts.timer = el("p", { cls: "timer", attrs: { hidden: true } });
    view.appendChild(parts.timer);
    var blocked = blockedReason(activity);
    if (blocked) {
      view.appendChild(el("p", { cls: "notice", text: blocked }));
    }
    // On a phone the form comes first, within the first screen (issue 8
    // C4); the instructions follow it.
    var writing = activity.phase === "write" && activity.kind !== "dots" && !blocked;
    if (writing) {
      var maxLength = state.workshop.settings.max_card_length || 280;
      view.appendChild(cardForm(activity, maxLength, draft, function (text, column) {
        var key = randomKey();
        outbox.add({
          key: "card:" + key,
          url: base + "/cartes",
          body: { activity_id: activity.id, column: column, text: text, client_key: key },
          label: text
        });
      }));
    }
    view.appendChild(instructions);
    if (activity.kind === "matrix") {
      parts.pending = null;
      parts.budget = null;
      parts.matrix = matrixFrame(view, activity);
      return;
    }
    if (activity.phase === "write") {
      parts.pending = el("ul", { cls: "cards pending", attrs: { "aria-label": "Cartes en attente d'envoi" } });
      view.appendChild(parts.pending);
    } else {
      parts.pending = null;
    }
    if (activity.kind === "dots" || activity.phase === "vote") {
      parts.budget = el("p", { cls: "budget", attrs: { role: "status" } });
      view.appendChild(parts.budget);
    } else {
      parts.budget = null;
    }
    var columns = source.columns.length ? source.columns : [{ key: null, label: "Cartes" }];
    columns.forEach(function (column) {
      var section = el("section", { cls: "column" }, [el("h3", { text: column.label })]);
      var empty = el("p", { cls: "muted", text: activity.phase === "write" && activity.private
        ? "Vos cartes s'afficheront ici." : "Pas encore de carte." });
      var list = el("ul", { cls: "cards" });
      parts.lists[column.key] = list;
      parts.empty[column.key] = empty;
      section.appendChild(empty);
      section.appendChild(list);
      view.appendChild(section);
    });
  }

  function renderPending(activity) {
    var items = outbox.items.filter(function (item) {
      return item.key.indexOf("card:") === 0 && item.body.activity_id === activity.id;
    });
    syncChildren(parts.pending, items, function (item) { return item.key; }, function (item) {
      return el("li", { cls: "card waiting" }, [
        el("span", { cls: "text", text: item.label }),
        el("span", { cls: "meta", text: "En attente d'envoi" })
      ]);
    });
  }

  /* `activityId`, not the activity: a resync (join, reload, reconnect)
   * replaces the snapshot, and a card's buttons outlive it (issue 8 C1). */
  function vote(activityId, cardId, delta) {
    var activity = state && findActivity(state, activityId);
    if (!activity) return;
    var count = Math.max(0, myCount(activity, cardId, outbox.items) + delta);
    if (delta > 0 && budgetOf(activity) - usedVotes(activity, outbox.items) <= 0) return;
    outbox.add({
      key: "vote:" + activity.id + ":" + cardId,
      url: base + "/votes",
      vote: true,
      body: { activity_id: activity.id, card_id: cardId, count: count }
    });
  }

  /* A matrix placement (participant/matrix.js): absolute, so the outbox
   * keeps only an item's latest. */
  function place(activityId, itemKey, impact, feasibility) {
    if (!state || !findActivity(state, activityId)) return;
    outbox.add({
      key: "place:" + activityId + ":" + itemKey,
      url: base + "/placements",
      place: true,
      body: { activity_id: activityId, item: itemKey, impact: impact, feasibility: feasibility }
    });
  }

  var lastAnnounced = null;
  function updateTimer(activity) {
    if (!parts.timer) return;
    var left = remaining(activity.timer_ends_at);
    parts.timer.hidden = left === null;
    if (left === null) return;
    setText(parts.timer, left > 0 ? "Temps restant : " + formatSeconds(left) : "Temps écoulé");
    var milestone = left === 60 ? "Plus qu'une minute." : left === 0 ? "Temps écoulé." : null;
    if (milestone && milestone !== lastAnnounced) announce(milestone);
    lastAnnounced = milestone || lastAnnounced;
  }

  everySecond(function () {
    if (state) {
      var activity = currentActivity(state);
      if (activity) updateTimer(activity);
      if (activity && activity.config.lock_at_time_up) render();
    }
  });

  // Closing the page: "N participants connectés" stops counting this phone
  // at once (otherwise about 60 s without news). keepalive: the request
  // outlives the page.
  window.addEventListener("pagehide", function () {
    try {
      fetch(base + "/quitter", {
        method: "POST", keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: "{}"
      }).catch(function () {});
    } catch (e) { /* old browsers: the 60 s rule applies */ }
  });

  connectionChanged("connecting");
  connection.start();
  outbox.flush();
})();
