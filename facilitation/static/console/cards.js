// The console's cards: the approval queue and the board (hide, delete,
// edit, merge, and votes cast for people without a phone).
import { el, plural, setText, syncChildren } from "../../static/js/dom.js";
import { cardSource } from "../live/store.js";
import { renderMatrixBoard } from "./matrix.js";
import { act, button, byId, offerUndo, page } from "./page.js";
import { proxyVote } from "./people.js";

/* ---- cards: queue and board ---- */

function authorOf(card) {
  if (card.by_facilitator && !card.participant_id) return "Animation";
  return card.author_name || "Anonyme";
}

function cardItem() {
  return el("li", { cls: "card" }, [el("p", { cls: "text" }), el("p", { cls: "meta" }), el("div", { cls: "actions tools" })]);
}

export function renderQueue() {
  var pending = [];
  page.state.activities.forEach(function (a) {
    a.cards.forEach(function (c) { if (c.status === "pending") pending.push(c); });
  });
  byId("file-vide").hidden = pending.length > 0;
  syncChildren(byId("file"), pending, function (c) { return c.id; }, cardItem, function (node, card) {
    setText(node.querySelector(".text"), card.text);
    setText(node.querySelector(".meta"), authorOf(card));
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

export function renderBoard(activity) {
  var container = byId("colonnes");
  if (activity && activity.kind === "matrix") {
    renderMatrixBoard(container, activity);
    return;
  }
  var source = activity && cardSource(page.state, activity);
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
    syncChildren(section.querySelector("ul"), cards, function (c) { return c.id; }, cardItem, function (node, card) {
      updateBoardCard(node, card, source, activity, totals);
    });
  });
}

function updateBoardCard(node, card, source, activity, totals) {
  if (node.editing) return; // do not disturb a correction being typed
  setText(node.querySelector(".text"), card.text);
  var meta = [authorOf(card)];
  if (STATUS_LABELS[card.status]) meta.push(STATUS_LABELS[card.status]);
  if (card.merged_into) {
    var target = source.cards.filter(function (c) { return c.id === card.merged_into; })[0];
    meta.push("regroupée avec « " + (target ? target.text.slice(0, 40) : "?") + " »");
  }
  if (totals[card.id]) meta.push(plural(totals[card.id], "gommette", "gommettes"));
  setText(node.querySelector(".meta"), meta.join(" · "));
  node.className = "card status-" + card.status + (card.merged_into ? " merged" : "");
  var signature = [card.status, card.merged_into, page.proxyVoter, activity.phase, source.cards.length].join("|");
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
  if (voting && page.proxyVoter) {
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
    page.render();
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    act("/cartes/" + card.id, { text: area.value }).then(close).catch(function () {});
  });
  node.querySelector(".text").hidden = true;
  node.insertBefore(form, node.querySelector(".meta"));
  area.focus();
}
