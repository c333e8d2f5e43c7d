/* The facilitator's console: phases (with an obvious step back), timer,
 * locks, approval queue, hide/edit/merge, tables, cards and votes for people
 * without a phone. Every action is checked again by the server. */
(function () {
  "use strict";
  var Live = window.Live;
  var root = document.getElementById("console");
  if (!root || !Live) return;
  var el = Live.el;

  var base = root.dataset.base;
  var state = null;
  var frameKey = null;
  var proxyVoter = "";
  var undoTimer = null;

  var CONFIRM = {
    reveal: "Révéler les cartes ? Tout le monde verra les cartes de tous.",
    group: "Passer au regroupement ? Les participants ne pourront plus écrire.",
    vote: "Ouvrir le vote ? Les participants pourront poser leurs gommettes.",
    results: "Afficher les résultats du vote à tout le monde ?",
    write: "Revenir à l'écriture ? Les participants pourront de nouveau écrire."
  };

  function byId(id) { return document.getElementById(id); }

  function showError(message) {
    var box = byId("erreur");
    Live.setText(box, message || "");
    box.hidden = !message;
  }

  /* Send an action; show the server's French message if it is refused. */
  function act(path, body) {
    showError("");
    return Live.post(base + path, body).then(function (answer) {
      if (!answer.ok) {
        showError(answer.data.error || "Action refusée.");
        throw new Error(answer.data.error);
      }
      return answer.data;
    }, function () {
      showError("Le serveur ne répond pas : vérifiez la connexion puis recommencez.");
      throw new Error("network");
    });
  }

  function offerUndo(message, undo) {
    var bar = byId("annuler");
    Live.setText(bar.querySelector("span"), message);
    var button = bar.querySelector("button");
    var fresh = button.cloneNode(true); // drop the previous undo's listener
    button.parentNode.replaceChild(fresh, button);
    fresh.addEventListener("click", function () {
      bar.hidden = true;
      undo();
    });
    bar.hidden = false;
    clearTimeout(undoTimer);
    undoTimer = setTimeout(function () { bar.hidden = true; }, 30000);
  }

  /* `about` (a card's text) completes the name for screen readers:
   * ten "Masquer" buttons in a row would otherwise be indistinguishable. */
  function button(text, onClick, cls, about) {
    var children = [text];
    if (about) children.push(el("span", { cls: "visually-hidden", text: " « " + about.slice(0, 60) + " »" }));
    return el("button", { cls: cls || "", attrs: { type: "button" }, on: { click: onClick } }, children);
  }

  /* ---- phases ---- */

  function goToPhase(activity, phase, confirmFirst) {
    var index = activity.phases.indexOf(phase);
    var forward = index > activity.phases.indexOf(activity.phase);
    if (confirmFirst && forward && CONFIRM[phase] && !window.confirm(
      CONFIRM[phase] + "\n\nVous pourrez revenir en arrière : rien n'est perdu.")) return;
    var previous = activity.phase;
    var labels = phaseLabels();
    act("/activites/" + activity.id + "/phase", { phase: phase }).then(function () {
      offerUndo("Étape : " + labels[phase] + ".", function () {
        act("/activites/" + activity.id + "/phase", { phase: previous });
      });
    }).catch(function () {});
  }

  function phaseLabels() {
    return { write: "Écriture", reveal: "Révélation", group: "Regroupement", vote: "Vote", results: "Résultats" };
  }

  /* One way to vote on a set of cards, said where the facilitator decides
   * (issue 8 C6). */
  function votingNote(activity) {
    if (activity.kind === "matrix") {
      return "Matrice impact × faisabilité : à l'étape « Vote », chacun place chaque élément ; " +
        "l'écran montre la matrice à l'étape « Résultats ». Vous la voyez dès maintenant ci-dessous.";
    }
    if (activity.kind === "dots") {
      var source = Live.activity(state, activity.config.source_activity_id);
      return "Vote par gommettes, à part, sur les cartes de « " + (source ? source.title : "?") +
        " » (" + Live.plural(activity.config.budget, "gommette", "gommettes") + " par personne).";
    }
    if (activity.voted_in && activity.voted_in.length) {
      return "Le vote sur ces cartes se fait dans l'activité « " + activity.voted_in[0].title +
        " » : après le regroupement, affichez-la.";
    }
    return "Étape « Vote » : chacun pose tout de suite ses gommettes sur les cartes de ce tableau. " +
      "Pour voter plus tard, à part, ajoutez plutôt une activité « Vote par gommettes » sur ce tableau : " +
      "il s'arrêtera alors au regroupement.";
  }

  function renderControls(activity) {
    var body = byId("pilotage-corps");
    body.textContent = "";
    if (!activity) {
      body.appendChild(el("p", { cls: "muted", text: "Aucune activité affichée : choisissez-en une ci-dessus." }));
      return;
    }
    var labels = phaseLabels();
    var label = activity.title === activity.template_label ? "" : " (" + activity.template_label + ")";
    body.appendChild(el("h3", { text: activity.title + label }));
    var steps = el("ol", { cls: "phases", attrs: { "aria-label": "Étapes" } });
    activity.phases.forEach(function (phase) {
      var current = phase === activity.phase;
      var item = el("li", { cls: current ? "current" : "", attrs: { "aria-current": current ? "step" : false } });
      if (current) item.appendChild(el("strong", { text: labels[phase] + " (en cours)" }));
      else item.appendChild(button("Aller à « " + labels[phase] + " »", function () {
        goToPhase(activity, phase, true);
      }, "link"));
      steps.appendChild(item);
    });
    body.appendChild(steps);
    var index = activity.phases.indexOf(activity.phase);
    var row = el("p", { cls: "actions phase-buttons" });
    if (index > 0) {
      var back = activity.phases[index - 1];
      row.appendChild(button("← Revenir à « " + labels[back] + " »", function () {
        goToPhase(activity, back, false);
      }, "secondary back"));
    }
    if (index < activity.phases.length - 1) {
      var next = activity.phases[index + 1];
      row.appendChild(button("Étape suivante : « " + labels[next] + " » →", function () {
        goToPhase(activity, next, true);
      }, "next"));
    }
    body.appendChild(row);
    body.appendChild(el("p", { cls: "hint", text: "Changer d'étape ne supprime rien : vous pouvez toujours revenir en arrière." }));
    var votePurpose = votingNote(activity);
    if (votePurpose) body.appendChild(el("p", { cls: "hint vote-purpose", text: votePurpose }));

    // Timer
    var timer = el("div", { cls: "timer-controls" }, [el("h4", { text: "Minuteur" })]);
    var display = el("p", { cls: "timer", attrs: { id: "console-minuteur" } });
    timer.appendChild(display);
    var buttons = el("p", { cls: "actions" });
    [1, 3, 5, 10].forEach(function (minutes) {
      buttons.appendChild(button(minutes + " min", function () {
        act("/activites/" + activity.id + "/minuteur", { seconds: minutes * 60 }).catch(function () {});
      }, "secondary"));
    });
    buttons.appendChild(button("+1 min", function () {
      act("/activites/" + activity.id + "/minuteur", { add: 60 }).catch(function () {});
    }, "secondary"));
    buttons.appendChild(button("Arrêter le minuteur", function () {
      act("/activites/" + activity.id + "/minuteur", { stop: true }).catch(function () {});
    }, "secondary"));
    timer.appendChild(buttons);
    var lockAtEnd = el("input", { attrs: { type: "checkbox", id: "verrou-fin", checked: !!activity.config.lock_at_time_up },
      on: { change: function (e) {
        act("/activites/" + activity.id, { config: { lock_at_time_up: e.target.checked } }).catch(function () {});
      } } });
    timer.appendChild(el("p", {}, [lockAtEnd, " ", el("label", { text: "Bloquer l'écriture et le vote quand le temps est écoulé", attrs: { "for": "verrou-fin" } })]));
    body.appendChild(timer);

    // Locks
    var locks = el("p", { cls: "actions" });
    locks.appendChild(button(activity.locked ? "Déverrouiller cette activité" : "Verrouiller cette activité", function () {
      act("/activites/" + activity.id + "/verrou", { locked: !activity.locked }).catch(function () {});
    }, activity.locked ? "" : "secondary"));
    locks.appendChild(button(state.workshop.locked ? "Déverrouiller tout l'atelier" : "Verrouiller tout l'atelier", function () {
      act("/atelier", { locked: !state.workshop.locked }).catch(function () {});
    }, state.workshop.locked ? "" : "secondary"));
    body.appendChild(el("h4", { text: "Verrou" }));
    body.appendChild(locks);
    if (activity.blocked) body.appendChild(el("p", { cls: "flash", text: "Participants : " + activity.blocked }));
  }

  function updateTimer(activity) {
    var display = byId("console-minuteur");
    if (!display || !activity) return;
    var left = Live.remaining(activity.timer_ends_at);
    Live.setText(display, left === null ? "Pas de minuteur." : left > 0 ? "Temps restant : " + Live.formatSeconds(left) : "Temps écoulé.");
  }

  /* ---- activities ---- */

  function renderActivities() {
    var list = byId("activites");
    Live.sync(list, state.activities, function (a) { return a.id; }, function () {
      return el("li", {}, [el("span", { cls: "name" }), " ", el("span", { cls: "muted where" }), " ", el("span", { cls: "slot" })]);
    }, function (node, activity) {
      var current = activity.id === state.workshop.current_activity_id;
      Live.setText(node.querySelector(".name"), activity.title);
      Live.setText(node.querySelector(".where"), "(" + activity.template_label + " · " + activity.phase_label + ")");
      node.className = current ? "current" : "";
      var slot = node.querySelector(".slot");
      if (slot.dataset.current !== String(current)) {
        slot.textContent = "";
        slot.dataset.current = String(current);
        if (current) slot.appendChild(el("strong", { text: "affichée sur les téléphones et l'écran" }));
        else slot.appendChild(button("Afficher cette activité", function () {
          var previous = state.workshop.current_activity_id;
          act("/atelier", { current_activity_id: activity.id }).then(function () {
            offerUndo("Activité affichée : " + activity.title + ".", function () {
              act("/atelier", { current_activity_id: previous });
            });
          }).catch(function () {});
        }, "secondary"));
      }
    });
  }

  /* ---- cards: queue and board ---- */

  function authorOf(card) {
    if (card.by_facilitator && !card.participant_id) return "Animation";
    return card.author_name || "Anonyme";
  }

  function cardItem() {
    return el("li", { cls: "card" }, [el("p", { cls: "text" }), el("p", { cls: "meta" }), el("div", { cls: "actions tools" })]);
  }

  function renderQueue() {
    var pending = [];
    state.activities.forEach(function (a) {
      a.cards.forEach(function (c) { if (c.status === "pending") pending.push(c); });
    });
    byId("file-vide").hidden = pending.length > 0;
    Live.sync(byId("file"), pending, function (c) { return c.id; }, cardItem, function (node, card) {
      Live.setText(node.querySelector(".text"), card.text);
      Live.setText(node.querySelector(".meta"), authorOf(card));
      var tools = node.querySelector(".tools");
      if (!tools.childNodes.length) {
        tools.appendChild(button("Accepter", function () { setStatus(card.id, "visible"); }, "", card.text));
        tools.appendChild(button("Refuser", function () { setStatus(card.id, "hidden"); }, "secondary", card.text));
      }
    });
  }

  function setStatus(cardId, status, undoTo) {
    act("/cartes/" + cardId + "/statut", { status: status }).then(function () {
      if (undoTo) offerUndo(status === "deleted" ? "Carte supprimée." : "Carte masquée.", function () {
        act("/cartes/" + cardId + "/statut", { status: undoTo });
      });
    }).catch(function () {});
  }

  var STATUS_LABELS = { visible: "", hidden: "masquée", deleted: "supprimée", pending: "en attente" };

  function renderBoard(activity) {
    var container = byId("colonnes");
    if (activity && activity.kind === "matrix") {
      var drawn = JSON.stringify([activity.id, activity.phase, activity.items, activity.placements, proxyVoter]);
      if (container.dataset.key !== drawn) {
        container.dataset.key = drawn;
        Live.drawMatrix(container, activity);
        if (proxyVoter && activity.phase === "vote") container.appendChild(proxyPlacement(activity));
      }
      return;
    }
    var source = activity && Live.cardSource(state, activity);
    var key = source ? source.id + "|" + JSON.stringify(source.columns) : "none";
    if (container.dataset.key !== key) {
      container.textContent = "";
      container.dataset.key = key;
      (source ? source.columns : []).forEach(function (column) {
        container.appendChild(el("section", { cls: "column", attrs: { "data-column": column.key } }, [
          el("h3", { text: column.label }), el("ul", { cls: "cards" })
        ]));
      });
    }
    if (!source) return;
    var totals = activity.totals || {};
    Array.prototype.forEach.call(container.querySelectorAll("section.column"), function (section) {
      var cards = source.cards.filter(function (c) {
        return c.column === section.dataset.column && c.status !== "pending";
      });
      Live.sync(section.querySelector("ul"), cards, function (c) { return c.id; }, cardItem, function (node, card) {
        updateBoardCard(node, card, source, activity, totals);
      });
    });
  }

  function updateBoardCard(node, card, source, activity, totals) {
    if (node.editing) return; // do not disturb a correction being typed
    Live.setText(node.querySelector(".text"), card.text);
    var meta = [authorOf(card)];
    if (STATUS_LABELS[card.status]) meta.push(STATUS_LABELS[card.status]);
    if (card.merged_into) {
      var target = source.cards.filter(function (c) { return c.id === card.merged_into; })[0];
      meta.push("regroupée avec « " + (target ? target.text.slice(0, 40) : "?") + " »");
    }
    if (totals[card.id]) meta.push(Live.plural(totals[card.id], "gommette", "gommettes"));
    Live.setText(node.querySelector(".meta"), meta.join(" · "));
    node.className = "card status-" + card.status + (card.merged_into ? " merged" : "");
    var signature = [card.status, card.merged_into, proxyVoter, activity.phase, source.cards.length].join("|");
    if (node.dataset.tools === signature) return;
    node.dataset.tools = signature;
    var tools = node.querySelector(".tools");
    tools.textContent = "";
    tools.appendChild(button("Modifier", function () { editCard(node, card); }, "secondary", card.text));
    if (card.status === "visible") {
      tools.appendChild(button("Masquer", function () { setStatus(card.id, "hidden", "visible"); }, "secondary", card.text));
      tools.appendChild(button("Supprimer", function () { setStatus(card.id, "deleted", "visible"); }, "secondary", card.text));
    } else {
      tools.appendChild(button("Rétablir", function () { setStatus(card.id, "visible"); }, "", card.text));
    }
    if (card.merged_into) {
      tools.appendChild(button("Dégrouper", function () {
        act("/cartes/" + card.id + "/regrouper", { into: null }).catch(function () {});
      }, "secondary", card.text));
    } else {
      var others = source.cards.filter(function (c) { return c.id !== card.id && !c.merged_into && c.status === "visible"; });
      if (others.length) {
        var select = el("select", { attrs: { "aria-label": "Regrouper « " + card.text.slice(0, 40) + " » avec" } });
        select.appendChild(el("option", { text: "Regrouper avec…", attrs: { value: "" } }));
        others.forEach(function (other) {
          select.appendChild(el("option", { text: other.text.slice(0, 60), attrs: { value: other.id } }));
        });
        select.addEventListener("change", function () {
          if (!select.value) return;
          act("/cartes/" + card.id + "/regrouper", { into: Number(select.value) }).then(function () {
            offerUndo("Cartes regroupées.", function () {
              act("/cartes/" + card.id + "/regrouper", { into: null });
            });
          }).catch(function () {});
        });
        tools.appendChild(select);
      }
    }
    var voting = activity.kind === "dots" || activity.phase === "vote";
    if (voting && proxyVoter) {
      tools.appendChild(button("+1 gommette", function () { proxyVote(activity, card.id, 1); }, "", card.text));
      tools.appendChild(button("−1 gommette", function () { proxyVote(activity, card.id, -1); }, "secondary", card.text));
    }
  }

  function editCard(node, card) {
    node.editing = true;
    var area = el("textarea", { attrs: { rows: 3, "aria-label": "Texte de la carte" } });
    area.value = card.text;
    var form = el("form", { cls: "edit" }, [area, el("p", { cls: "actions" }, [
      el("button", { text: "Enregistrer", attrs: { type: "submit" } }),
      button("Annuler", function () { close(); }, "secondary")
    ])]);
    function close() {
      node.editing = false;
      node.removeChild(form);
      node.querySelector(".text").hidden = false;
      render();
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      act("/cartes/" + card.id, { text: area.value }).then(close).catch(function () {});
    });
    node.querySelector(".text").hidden = true;
    node.insertBefore(form, node.querySelector(".meta"));
    area.focus();
  }

  /* ---- people without a phone ---- */

  /* A matrix placement for the person chosen under "Voter pour quelqu'un". */
  function proxyPlacement(activity) {
    function choice(id, label, options) {
      var select = el("select", { attrs: { id: id } });
      options.forEach(function (option) {
        select.appendChild(el("option", { text: option[1], attrs: { value: option[0] } }));
      });
      return [el("label", { text: label, attrs: { "for": id } }), select];
    }
    function levels(labels) {
      return labels.map(function (label, i) { return [i + 1, (i + 1) + " – " + label]; });
    }
    var item = choice("proxy-element", "Élément", (activity.items || []).map(function (i) { return [i.key, i.label]; }));
    var impact = choice("proxy-impact", "Impact", levels(Live.IMPACT));
    var feasibility = choice("proxy-faisabilite", "Faisabilité", levels(Live.FEASIBILITY));
    var form = el("form", { cls: "proxy-card" }, [el("h3", { text: "Placer un élément pour la personne choisie" })]
      .concat(item, impact, feasibility, [el("button", { text: "Placer pour cette personne", attrs: { type: "submit" } })]));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      act("/placements", { activity_id: activity.id, participant_id: Number(proxyVoter), item: item[1].value,
                           impact: Number(impact[1].value), feasibility: Number(feasibility[1].value) })
        .then(function (result) {
          Live.setText(byId("proxy-resultat"), "Placé : impact " + result.impact + ", faisabilité " +
                       result.feasibility + " (" + Live.plural(result.placed, "élément placé", "éléments placés") + ").");
        }).catch(function () {});
    });
    return form;
  }

  function proxyVote(activity, cardId, delta) {
    act("/votes", { activity_id: activity.id, participant_id: Number(proxyVoter), card_id: cardId, delta: delta })
      .then(function (result) {
        Live.setText(byId("proxy-resultat"), "Gommettes posées : " + result.used + " sur " + result.budget + ".");
      }).catch(function () {});
  }

  function participantOptions(select, withFacilitator) {
    var value = select.value;
    select.textContent = "";
    if (withFacilitator) select.appendChild(el("option", { text: "Animation (personne en particulier)", attrs: { value: "" } }));
    else select.appendChild(el("option", { text: "Choisissez…", attrs: { value: "" } }));
    (state.participants || []).forEach(function (p) {
      select.appendChild(el("option", { text: (p.display_name || "Participant n° " + p.id) + (p.proxy ? " (sans téléphone)" : ""), attrs: { value: p.id } }));
    });
    select.value = value;
  }

  function buildProxy() {
    var box = byId("proxy");
    var name = el("input", { attrs: { type: "text", id: "proxy-nom", maxlength: 40 } });
    var addPerson = el("form", { cls: "inline-form" }, [
      el("label", { text: "Ajouter une personne (prénom)", attrs: { "for": "proxy-nom" } }), name,
      el("button", { text: "Ajouter la personne", attrs: { type: "submit" } })
    ]);
    addPerson.addEventListener("submit", function (e) {
      e.preventDefault();
      act("/participants", { display_name: name.value }).then(function () { name.value = ""; }).catch(function () {});
    });
    box.appendChild(addPerson);

    var column = el("select", { attrs: { id: "proxy-colonne" } });
    var author = el("select", { attrs: { id: "proxy-auteur" } });
    var text = el("textarea", { attrs: { id: "proxy-texte", rows: 2 } });
    var cardForm = el("form", { cls: "proxy-card" }, [
      el("h3", { text: "Écrire une carte pour quelqu'un" }),
      el("label", { text: "Colonne", attrs: { "for": "proxy-colonne" } }), column,
      el("label", { text: "Au nom de", attrs: { "for": "proxy-auteur" } }), author,
      el("label", { text: "Texte de la carte", attrs: { "for": "proxy-texte" } }), text,
      el("button", { text: "Ajouter la carte", attrs: { type: "submit" } })
    ]);
    cardForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var activity = Live.cardSource(state, Live.current(state));
      if (!activity) return;
      var body = { activity_id: activity.id, column: column.value, text: text.value, client_key: Live.randomKey() };
      if (author.value) body.participant_id = Number(author.value);
      act("/cartes", body).then(function () { text.value = ""; text.focus(); }).catch(function () {});
    });
    box.appendChild(cardForm);

    var voter = el("select", { attrs: { id: "proxy-votant" } });
    voter.addEventListener("change", function () { proxyVoter = voter.value; render(); });
    box.appendChild(el("div", { cls: "proxy-vote" }, [
      el("h3", { text: "Voter pour quelqu'un" }),
      el("label", { text: "Personne", attrs: { "for": "proxy-votant" } }), voter,
      el("p", { cls: "hint", text: "Pendant le vote, des boutons « +1 gommette » apparaissent sur chaque carte du tableau ; sur une matrice, un formulaire de placement apparaît sous le tableau." }),
      el("p", { attrs: { id: "proxy-resultat", role: "status" } })
    ]));
  }

  function renderProxy(activity) {
    if (!byId("proxy-colonne")) buildProxy();
    var source = activity && Live.cardSource(state, activity);
    var column = byId("proxy-colonne");
    var columns = source ? source.columns : [];
    if (column.dataset.key !== JSON.stringify(columns)) {
      column.dataset.key = JSON.stringify(columns);
      column.textContent = "";
      columns.forEach(function (c) { column.appendChild(el("option", { text: c.label, attrs: { value: c.key } })); });
    }
    var people = JSON.stringify(state.participants || []);
    if (byId("proxy-auteur").dataset.key !== people) {
      byId("proxy-auteur").dataset.key = people;
      participantOptions(byId("proxy-auteur"), true);
      participantOptions(byId("proxy-votant"), false);
    }
  }

  /* ---- tables ---- */

  function renderTables(activity) {
    var box = byId("tables");
    var key = JSON.stringify([state.tables, activity && activity.config.by_table,
                              activity && activity.config.tables_merged]);
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    box.textContent = "";
    var count = el("input", { attrs: { type: "number", id: "nb-tables", min: 1, max: 30, value: state.tables.length || 4 } });
    var split = el("form", { cls: "inline-form" }, [
      el("label", { text: "Répartir tous les participants en", attrs: { "for": "nb-tables" } }), count,
      el("button", { text: "tables", attrs: { type: "submit" } })
    ]);
    split.addEventListener("submit", function (e) {
      e.preventDefault();
      act("/tables", { count: Number(count.value) }).catch(function () {});
    });
    box.appendChild(split);
    if (state.tables.length) {
      box.appendChild(el("p", { text: "Tables : " + state.tables.map(function (t) { return t.name; }).join(", ") + "." }));
    }
    if (!activity || activity.kind === "dots" || activity.kind === "matrix") return;
    var byTable = !!activity.config.by_table;
    var merged = !!activity.config.tables_merged;
    var row = el("p", { cls: "actions" });
    row.appendChild(button(byTable ? "Un seul tableau pour toute la salle" : "Chaque table a son propre tableau", function () {
      act("/activites/" + activity.id + "/tables", { by_table: !byTable }).catch(function () {});
    }, "secondary"));
    if (byTable) {
      row.appendChild(button(merged ? "Séparer de nouveau les tables" : "Réunir les tables (tout le monde voit tout)", function () {
        act("/activites/" + activity.id + "/tables", { merged: !merged }).catch(function () {});
      }, "secondary"));
    }
    box.appendChild(row);
  }

  function renderEnd() {
    var box = byId("fin");
    if (box.dataset.status === state.workshop.status) return;
    box.dataset.status = state.workshop.status;
    box.textContent = "";
    if (state.workshop.status === "open") {
      box.appendChild(button("Terminer l'atelier", function () {
        if (window.confirm("Terminer l'atelier ? Les participants ne pourront plus rien envoyer. Tout est conservé et vous pourrez le rouvrir.")) {
          act("/atelier", { status: "closed" }).catch(function () {});
        }
      }, "secondary"));
    } else {
      box.appendChild(el("p", { text: "L'atelier est terminé. Tout est conservé." }));
      box.appendChild(button("Rouvrir l'atelier", function () { act("/atelier", { status: "open" }).catch(function () {}); }));
    }
  }

  /* ---- everything ---- */

  function render() {
    if (!state) return;
    var activity = Live.current(state);
    var cards = 0;
    state.activities.forEach(function (a) { cards += a.cards.filter(function (c) { return c.status === "visible"; }).length; });
    Live.setText(byId("compteurs"), Live.plural(state.participant_count, "participant connecté", "participants connectés") +
                 " · " + Live.plural(cards, "carte", "cartes"));
    renderActivities();
    var key = activity ? JSON.stringify([activity.id, activity.phase, activity.locked, state.workshop.locked,
                                         activity.config, activity.blocked, activity.phases,
                                         activity.voted_in]) : "none";
    if (key !== frameKey) {
      renderControls(activity);
      frameKey = key;
    }
    updateTimer(activity);
    renderQueue();
    renderBoard(activity);
    renderProxy(activity);
    renderTables(activity);
    renderEnd();
  }

  function showStatus(name) {
    var line = byId("connexion");
    line.className = "status status-" + name;
    Live.setText(line, name === "online" ? "En direct" : name === "offline" ? "Hors connexion : les changements s'afficheront au retour du réseau" : "Connexion…");
  }

  Live.everySecond(function () { if (state) updateTimer(Live.current(state)); });

  new Live.Connection({
    base: base,
    onState: function (next) { state = next; render(); },
    onStatus: showStatus,
    onFatal: showError
  }).start();
})();
