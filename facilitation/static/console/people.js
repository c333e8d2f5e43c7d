// The console's people: those without a phone (cards and votes written for
// them) and the tables.
import { el, setText } from "../../static/js/dom.js";
import { randomKey } from "../../static/js/random-key.js";
import { cardSource, current as currentActivity } from "../live/store.js";
import { act, button, byId, page } from "./page.js";

/* ---- people without a phone ---- */

export function proxyVote(activity, cardId, delta) {
  act("/votes", { activity_id: activity.id, participant_id: Number(page.proxyVoter), card_id: cardId, delta: delta })
    .then(function (result) {
      setText(byId("proxy-resultat"), "Gommettes posées : " + result.used + " sur " + result.budget + ".");
    }).catch(function () {});
}

function participantOptions(select, withFacilitator) {
  var value = select.value;
  select.textContent = "";
  if (withFacilitator) select.appendChild(el("option", { text: "Animation (personne en particulier)", attrs: { value: "" } }));
  else select.appendChild(el("option", { text: "Choisissez…", attrs: { value: "" } }));
  (page.state.participants || []).forEach(function (p) {
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
    var activity = cardSource(page.state, currentActivity(page.state));
    if (!activity) return;
    var body = { activity_id: activity.id, column: column.value, text: text.value, client_key: randomKey() };
    if (author.value) body.participant_id = Number(author.value);
    act("/cartes", body).then(function () { text.value = ""; text.focus(); }).catch(function () {});
  });
  box.appendChild(cardForm);

  var voter = el("select", { attrs: { id: "proxy-votant" } });
  voter.addEventListener("change", function () { page.proxyVoter = voter.value; page.render(); });
  box.appendChild(el("div", { cls: "proxy-vote" }, [
    el("h3", { text: "Voter pour quelqu'un" }),
    el("label", { text: "Personne", attrs: { "for": "proxy-votant" } }), voter,
    el("p", { cls: "hint", text: "Pendant le vote, des boutons « +1 gommette » apparaissent sur chaque carte du tableau ; sur une matrice, un formulaire de placement apparaît sous le tableau." }),
    el("p", { attrs: { id: "proxy-resultat", role: "status" } })
  ]));
}

export function renderProxy(activity) {
  if (!byId("proxy-colonne")) buildProxy();
  var source = activity && cardSource(page.state, activity);
  var column = byId("proxy-colonne");
  var columns = source ? source.columns : [];
  if (column.dataset.key !== JSON.stringify(columns)) {
    column.dataset.key = JSON.stringify(columns);
    column.textContent = "";
    columns.forEach(function (c) { column.appendChild(el("option", { text: c.label, attrs: { value: c.key } })); });
  }
  var people = JSON.stringify(page.state.participants || []);
  if (byId("proxy-auteur").dataset.key !== people) {
    byId("proxy-auteur").dataset.key = people;
    participantOptions(byId("proxy-auteur"), true);
    participantOptions(byId("proxy-votant"), false);
  }
}

/* ---- tables ---- */

export function renderTables(activity) {
  var box = byId("tables");
  var key = JSON.stringify([page.state.tables, activity && activity.config.by_table,
                            activity && activity.config.tables_merged]);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.textContent = "";
  var count = el("input", { attrs: { type: "number", id: "nb-tables", min: 1, max: 30, value: page.state.tables.length || 4 } });
  var split = el("form", { cls: "inline-form" }, [
    el("label", { text: "Répartir tous les participants en", attrs: { "for": "nb-tables" } }), count,
    el("button", { text: "tables", attrs: { type: "submit" } })
  ]);
  split.addEventListener("submit", function (e) {
    e.preventDefault();
    act("/tables", { count: Number(count.value) }).catch(function () {});
  });
  box.appendChild(split);
  if (page.state.tables.length) {
    box.appendChild(el("p", { text: "Tables : " + page.state.tables.map(function (t) { return t.name; }).join(", ") + "." }));
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
