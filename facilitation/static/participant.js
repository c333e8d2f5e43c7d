/* A participant's phone: write cards, see them revealed, vote with dots.
 * Drawn from the snapshot kept by live.js; posts go through the outbox so
 * that a card typed on a flaky network is sent once, when the network is back.
 */
(function () {
  "use strict";
  var Live = window.Live;
  var root = document.getElementById("atelier");
  if (!root || !Live) return;
  var el = Live.el;

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
  var MATRIX_INSTRUCTIONS = {
    vote: "Pour chaque élément, choisissez son impact et sa faisabilité. Votre choix est envoyé dès que les deux sont donnés ; vous pouvez le changer.",
    results: "Voici où la salle a placé chaque élément (moyenne des choix)."
  };

  function announce(message) {
    Live.setText(announcer, "");
    setTimeout(function () { Live.setText(announcer, message); }, 50);
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
    Live.setText(statusLine, text);
  }

  function connectionChanged(name) {
    showStatus(name);
    if (name === "online" && outbox.items.length) {
      outbox.delay = 1000;
      outbox.flush(); // the network is back: do not wait for the next retry
    }
  }

  var outbox = new Live.Outbox({
    storageKey: "atelier-envois-" + root.dataset.code,
    onChange: function () { if (state) render(); showStatus(); },
    onWaiting: function () { sendingFails = true; showStatus(); },
    onDone: function (item, data) {
      if (data.card && state) Live.upsertCard(state, data.card);
      if (data.item && state) {
        var placed = Live.activity(state, data.activity_id);
        if (placed) {
          placed.my_placements = placed.my_placements || {};
          if (data.impact === null) delete placed.my_placements[data.item];
          else placed.my_placements[data.item] = { impact: data.impact, feasibility: data.feasibility };
        }
      }
      if (data.card_id && state) {
        var activity = Live.activity(state, data.activity_id);
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
    Live.setText(box, message);
    box.hidden = !message;
  }

  var connection = new Live.Connection({
    base: base,
    onState: function (next) { state = next; render(); },
    onStatus: connectionChanged,
    onFatal: function (message) {
      showError(message);
      statusLine.className = "status status-offline";
    }
  });

  /* ---- what the participant sees ---- */

  function budgetOf(activity) {
    return activity.config.budget || 5;
  }

  function usedVotes(activity) {
    var used = activity.votes_used || 0;
    outbox.items.forEach(function (item) {
      if (item.vote && item.body.activity_id === activity.id) {
        var before = (activity.my_votes || {})[item.body.card_id] || 0;
        used += item.body.count - before;
      }
    });
    return used;
  }

  function myCount(activity, cardId) {
    var count = (activity.my_votes || {})[cardId] || 0;
    outbox.items.forEach(function (item) {
      if (item.vote && item.body.activity_id === activity.id && item.body.card_id === cardId) {
        count = item.body.count;
      }
    });
    return count;
  }

  /* Why the participant cannot act now (the server says so too). */
  function blockedReason(activity) {
    if (activity.blocked) return activity.blocked;
    if (activity.config.lock_at_time_up && Live.remaining(activity.timer_ends_at) === 0) {
      return "Le temps est écoulé.";
    }
    return null;
  }

  function render() {
    var activity = Live.current(state);
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
      renderMatrix(activity);
      return;
    }
    var source = Live.cardSource(state, activity);
    var phase = activity.phase;
    var voting = activity.kind === "dots" || phase === "vote" || phase === "results";
    var cards = source.cards.filter(function (c) {
      return c.status === "visible" || c.status === "pending";
    });
    if (parts.pending) renderPending(activity);
    if (parts.budget) {
      var left = budgetOf(activity) - usedVotes(activity);
      Live.setText(parts.budget, left > 1 ? "Il vous reste " + left + " gommettes."
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
      Live.sync(list, inColumn, function (c) { return c.id; }, function (card) {
        return cardNode(card, activity, voting);
      }, function (node, card) {
        updateCard(node, card, activity, source);
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
    var source = Live.cardSource(state, activity);
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
    if (writing) view.appendChild(cardForm(activity));
    view.appendChild(instructions);
    if (activity.kind === "matrix") {
      parts.pending = null;
      parts.budget = null;
      if (activity.phase === "vote") {
        parts.counter = el("p", { cls: "budget", attrs: { role: "status" } });
        view.appendChild(parts.counter);
        parts.matrix = el("ol", { cls: "matrix-items" });
      } else {
        parts.matrix = el("div", { cls: "matrix-results" });
      }
      view.appendChild(parts.matrix);
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

  function cardForm(activity) {
    var maxLength = state.workshop.settings.max_card_length || 280;
    var form = el("form", { cls: "card-form", attrs: { novalidate: true } });
    form.appendChild(el("h3", { cls: "visually-hidden", text: "Écrire une carte" }));
    var select = null;
    if (activity.columns.length > 1) {
      select = el("select", { attrs: { id: "colonne", name: "colonne", required: true } });
      select.appendChild(el("option", { text: "Choisissez…", attrs: { value: "" } }));
      activity.columns.forEach(function (column) {
        select.appendChild(el("option", { text: column.label, attrs: { value: column.key } }));
      });
      select.value = draft.column;
      select.addEventListener("change", function () { draft.column = select.value; });
      form.appendChild(el("div", { cls: "field" }, [
        el("label", { text: "Où va votre carte ?", attrs: { "for": "colonne" } }), select
      ]));
    }
    var area = el("textarea", { attrs: { id: "texte", name: "texte", rows: 3, maxlength: maxLength,
                                         required: true, "aria-describedby": "texte-aide" } });
    // A live change (lock, phase) redraws the form: keep what was being typed.
    area.value = draft.text;
    area.addEventListener("input", function () { draft.text = area.value; });
    var help = el("p", { cls: "hint", text: maxLength + " caractères au maximum.",
                         attrs: { id: "texte-aide" } });
    form.appendChild(el("div", { cls: "field" }, [
      el("label", { text: "Votre carte", attrs: { "for": "texte" } }), help, area
    ]));
    var error = el("p", { cls: "error", attrs: { id: "form-erreur", hidden: true, role: "alert" } });
    form.appendChild(error);
    form.appendChild(el("button", { text: "Ajouter la carte", attrs: { type: "submit" } }));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = area.value.trim();
      var column = select ? select.value : (activity.columns[0] || {}).key;
      var problem = !text ? "Écrivez quelque chose sur la carte."
        : !column ? "Choisissez où va votre carte." : "";
      error.hidden = !problem;
      Live.setText(error, problem);
      if (problem) {
        (text ? select : area).focus();
        return;
      }
      var key = Live.randomKey();
      outbox.add({
        key: "card:" + key,
        url: base + "/cartes",
        body: { activity_id: activity.id, column: column, text: text, client_key: key },
        label: text
      });
      area.value = "";
      draft.text = "";
      area.focus();
    });
    return form;
  }

  function renderPending(activity) {
    var items = outbox.items.filter(function (item) {
      return item.key.indexOf("card:") === 0 && item.body.activity_id === activity.id;
    });
    Live.sync(parts.pending, items, function (item) { return item.key; }, function (item) {
      return el("li", { cls: "card waiting" }, [
        el("span", { cls: "text", text: item.label }),
        el("span", { cls: "meta", text: "En attente d'envoi" })
      ]);
    });
  }

  function cardNode(card, activity, voting) {
    var node = el("li", { cls: "card" }, [
      el("p", { cls: "text" }), el("p", { cls: "meta" })
    ]);
    if (voting) {
      node.appendChild(el("div", { cls: "dots" }));
      if (activity.phase !== "results") {
        var label = function (verb) {
          return [verb, el("span", { cls: "visually-hidden", text: " sur « " + card.text + " »" })];
        };
        node.appendChild(el("div", { cls: "vote-buttons" }, [
          el("button", { cls: "vote-add", attrs: { type: "button" },
                         on: { click: function () { vote(activity.id, card.id, 1); } } },
             label("Ajouter une gommette")),
          el("button", { cls: "vote-remove secondary", attrs: { type: "button" },
                         on: { click: function () { vote(activity.id, card.id, -1); } } },
             label("Retirer"))
        ]));
      } else {
        node.appendChild(el("div", { cls: "bar-track" }, [el("span", { cls: "bar w-0" })]));
      }
    }
    return node;
  }

  function updateCard(node, card, activity, source) {
    Live.setText(node.querySelector(".text"), card.text);
    var meta = [];
    if (card.mine) meta.push("Votre carte");
    else if (card.author_name) meta.push(card.author_name);
    if (card.status === "pending") meta.push("en attente de validation");
    var merged = source.cards.filter(function (c) { return c.merged_into === card.id; }).length;
    if (merged) meta.push(Live.plural(merged, "carte semblable regroupée", "cartes semblables regroupées"));
    Live.setText(node.querySelector(".meta"), meta.join(" · "));
    var dots = node.querySelector(".dots");
    if (dots) {
      if (activity.phase === "results") {
        var total = (activity.totals || {})[card.id] || 0;
        var max = Math.max.apply(null, [1].concat(Object.keys(activity.totals || {}).map(function (k) {
          return activity.totals[k];
        })));
        Live.setText(dots, Live.plural(total, "gommette", "gommettes"));
        node.querySelector(".bar").className = "bar w-" + Math.round(total / max * 20) * 5;
      } else {
        var mine = myCount(activity, card.id);
        Live.setText(dots, mine ? "Vos gommettes : " + mine : "");
        var left = budgetOf(activity) - usedVotes(activity);
        var add = node.querySelector(".vote-add");
        var single = activity.config.multiple_dots === false && mine >= 1;
        var blocked = !!blockedReason(activity);
        add.disabled = left <= 0 || single || blocked;
        node.querySelector(".vote-remove").disabled = mine <= 0 || blocked;
      }
    }
  }

  /* ---- impact × feasibility matrix ---- */

  function myPlacement(activity, key) {
    var placement = (activity.my_placements || {})[key] || null;
    var waiting = false;
    outbox.items.forEach(function (item) {
      if (item.place && item.body.activity_id === activity.id && item.body.item === key) {
        placement = item.body.impact === null ? null
          : { impact: item.body.impact, feasibility: item.body.feasibility };
        waiting = true;
      }
    });
    return { placement: placement, waiting: waiting };
  }

  function levelSelect(id, labels, onChange) {
    var select = el("select", { attrs: { id: id }, on: { change: onChange } });
    select.appendChild(el("option", { text: "Choisissez…", attrs: { value: "" } }));
    labels.forEach(function (label, index) {
      select.appendChild(el("option", { text: (index + 1) + " – " + label, attrs: { value: index + 1 } }));
    });
    return select;
  }

  function matrixItem(activityId, item, index) {
    var id = "m" + index;
    var node = el("li", { cls: "card matrix-item" });
    var send = function () {
      var activity = state && Live.activity(state, activityId);
      if (!activity) return;
      var impact = node.querySelector(".impact").value;
      var feasibility = node.querySelector(".feasibility").value;
      if (Boolean(impact) !== Boolean(feasibility)) {
        Live.setText(node.querySelector(".meta"), "Choisissez aussi " + (impact ? "la faisabilité." : "l'impact."));
        return;
      }
      outbox.add({
        key: "place:" + activityId + ":" + item.key,
        url: base + "/placements",
        place: true,
        body: { activity_id: activityId, item: item.key,
                impact: impact ? Number(impact) : null, feasibility: feasibility ? Number(feasibility) : null }
      });
    };
    var impact = levelSelect(id + "-impact", Live.IMPACT, send);
    impact.className = "impact";
    var feasibility = levelSelect(id + "-faisabilite", Live.FEASIBILITY, send);
    feasibility.className = "feasibility";
    node.appendChild(el("p", { cls: "text", attrs: { id: id + "-nom" } }));
    node.appendChild(el("div", { cls: "field" }, [
      el("label", { attrs: { "for": id + "-impact" } }, ["Impact", el("span", { cls: "visually-hidden", text: " de « " + item.label + " »" })]),
      impact]));
    node.appendChild(el("div", { cls: "field" }, [
      el("label", { attrs: { "for": id + "-faisabilite" } }, ["Faisabilité", el("span", { cls: "visually-hidden", text: " de « " + item.label + " »" })]),
      feasibility]));
    node.appendChild(el("p", { cls: "meta", attrs: { "aria-live": "polite" } }));
    return node;
  }

  function renderMatrix(activity) {
    if (activity.phase !== "vote") {
      var drawn = JSON.stringify([activity.items, activity.placements]);
      if (parts.matrix.dataset.drawn !== drawn) {
        parts.matrix.dataset.drawn = drawn;
        Live.drawMatrix(parts.matrix, activity);
      }
      return;
    }
    var items = activity.items || [];
    var blocked = !!blockedReason(activity);
    var placed = 0;
    Live.sync(parts.matrix, items, function (item) { return item.key; }, function (item) {
      return matrixItem(activity.id, item, items.indexOf(item));
    }, function (node, item) {
      var mine = myPlacement(activity, item.key);
      if (mine.placement) placed += 1;
      Live.setText(node.querySelector(".text"), item.label);
      var impact = node.querySelector(".impact");
      var feasibility = node.querySelector(".feasibility");
      if (document.activeElement !== impact && document.activeElement !== feasibility) {
        impact.value = mine.placement ? String(mine.placement.impact) : impact.value;
        feasibility.value = mine.placement ? String(mine.placement.feasibility) : feasibility.value;
      }
      impact.disabled = feasibility.disabled = blocked;
      var meta = node.querySelector(".meta");
      if (mine.waiting) Live.setText(meta, "En attente d'envoi…");
      else if (mine.placement) Live.setText(meta, "Placé : impact " + mine.placement.impact + ", faisabilité " + mine.placement.feasibility + ".");
      else if (!impact.value && !feasibility.value) Live.setText(meta, "Pas encore placé.");
    });
    Live.setText(parts.counter, "Vous avez placé " + placed + " élément" + (placed > 1 ? "s" : "") +
                 " sur " + items.length + ".");
  }

  /* `activityId`, not the activity: a resync (join, reload, reconnect)
   * replaces the snapshot, and a card's buttons outlive it (issue 8 C1). */
  function vote(activityId, cardId, delta) {
    var activity = state && Live.activity(state, activityId);
    if (!activity) return;
    var count = Math.max(0, myCount(activity, cardId) + delta);
    if (delta > 0 && budgetOf(activity) - usedVotes(activity) <= 0) return;
    outbox.add({
      key: "vote:" + activity.id + ":" + cardId,
      url: base + "/votes",
      vote: true,
      body: { activity_id: activity.id, card_id: cardId, count: count }
    });
  }

  var lastAnnounced = null;
  function updateTimer(activity) {
    if (!parts.timer) return;
    var left = Live.remaining(activity.timer_ends_at);
    parts.timer.hidden = left === null;
    if (left === null) return;
    Live.setText(parts.timer, left > 0 ? "Temps restant : " + Live.formatSeconds(left) : "Temps écoulé");
    var milestone = left === 60 ? "Plus qu'une minute." : left === 0 ? "Temps écoulé." : null;
    if (milestone && milestone !== lastAnnounced) announce(milestone);
    lastAnnounced = milestone || lastAnnounced;
  }

  Live.everySecond(function () {
    if (state) {
      var activity = Live.current(state);
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
