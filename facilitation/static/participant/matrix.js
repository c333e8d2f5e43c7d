// A participant's matrix: two selects per item (impact, feasibility), sent
// through the outbox once both are chosen; at the results, the room's matrix.
import { el, setText, syncChildren } from "../../static/js/dom.js";
import { drawMatrix, FEASIBILITY, IMPACT } from "../live/matrix.js";

export const MATRIX_INSTRUCTIONS = {
  vote: "Pour chaque élément, choisissez son impact et sa faisabilité. Votre choix est envoyé dès que les deux sont donnés ; vous pouvez le changer.",
  results: "Voici où la salle a placé chaque élément (moyenne des choix)."
};

/* The parts of the page a matrix needs, appended to `view`: a counter and
 * the list of items while placing, the drawing afterwards. */
export function matrixFrame(view, activity) {
  var parts = { counter: null, matrix: null };
  if (activity.phase === "vote") {
    parts.counter = el("p", { cls: "budget", attrs: { role: "status" } });
    view.appendChild(parts.counter);
    parts.matrix = el("ol", { cls: "matrix-items" });
  } else {
    parts.matrix = el("div", { cls: "matrix-results" });
  }
  view.appendChild(parts.matrix);
  return parts;
}

/* This phone's placement of an item, the outbox's latest first. */
function myPlacement(activity, key, pending) {
  var placement = (activity.my_placements || {})[key] || null;
  var waiting = false;
  pending.forEach(function (item) {
    if (item.place && item.body.activity_id === activity.id && item.body.item === key) {
      placement = item.body.impact === null ? null
        : { impact: item.body.impact, feasibility: item.body.feasibility };
      waiting = true;
    }
  });
  return { placement: placement, waiting: waiting };
}

function levelSelect(id, cls, labels, onChange) {
  var select = el("select", { cls: cls, attrs: { id: id }, on: { change: onChange } });
  select.appendChild(el("option", { text: "Choisissez…", attrs: { value: "" } }));
  labels.forEach(function (label, index) {
    select.appendChild(el("option", { text: (index + 1) + " – " + label, attrs: { value: index + 1 } }));
  });
  return select;
}

/* `place(activityId, itemKey, impact, feasibility)` sends a placement (both
 * null: take the item off the matrix). */
function matrixItem(activityId, item, index, place) {
  var id = "m" + index;
  var node = el("li", { cls: "card matrix-item" });
  var send = function () {
    var impact = node.querySelector(".impact").value;
    var feasibility = node.querySelector(".feasibility").value;
    if (Boolean(impact) !== Boolean(feasibility)) {
      setText(node.querySelector(".meta"), "Choisissez aussi " + (impact ? "la faisabilité." : "l'impact."));
      return;
    }
    place(activityId, item.key, impact ? Number(impact) : null, feasibility ? Number(feasibility) : null);
  };
  var about = " de « " + item.label + " »";
  node.appendChild(el("p", { cls: "text", attrs: { id: id + "-nom" } }));
  node.appendChild(el("div", { cls: "field" }, [
    el("label", { attrs: { "for": id + "-impact" } }, ["Impact", el("span", { cls: "visually-hidden", text: about })]),
    levelSelect(id + "-impact", "impact", IMPACT, send)]));
  node.appendChild(el("div", { cls: "field" }, [
    el("label", { attrs: { "for": id + "-faisabilite" } }, ["Faisabilité", el("span", { cls: "visually-hidden", text: about })]),
    levelSelect(id + "-faisabilite", "feasibility", FEASIBILITY, send)]));
  node.appendChild(el("p", { cls: "meta", attrs: { "aria-live": "polite" } }));
  return node;
}

/* Draw `activity` into the parts of matrixFrame; `pending`: the outbox's
 * items, `blocked`: why placing is closed now (or null). */
export function renderMatrix(parts, activity, pending, blocked, place) {
  if (activity.phase !== "vote") {
    var drawn = JSON.stringify([activity.items, activity.placements]);
    if (parts.matrix.dataset.drawn !== drawn) {
      parts.matrix.dataset.drawn = drawn;
      drawMatrix(parts.matrix, activity);
    }
    return;
  }
  var items = activity.items || [];
  var placed = 0;
  syncChildren(parts.matrix, items, function (item) { return item.key; }, function (item) {
    return matrixItem(activity.id, item, items.indexOf(item), place);
  }, function (node, item) {
    var mine = myPlacement(activity, item.key, pending);
    if (mine.placement) placed += 1;
    setText(node.querySelector(".text"), item.label);
    var impact = node.querySelector(".impact");
    var feasibility = node.querySelector(".feasibility");
    if (document.activeElement !== impact && document.activeElement !== feasibility) {
      impact.value = mine.placement ? String(mine.placement.impact) : impact.value;
      feasibility.value = mine.placement ? String(mine.placement.feasibility) : feasibility.value;
    }
    impact.disabled = feasibility.disabled = !!blocked;
    var meta = node.querySelector(".meta");
    if (mine.waiting) setText(meta, "En attente d'envoi…");
    else if (mine.placement) setText(meta, "Placé : impact " + mine.placement.impact + ", faisabilité " + mine.placement.feasibility + ".");
    else if (!impact.value && !feasibility.value) setText(meta, "Pas encore placé.");
  });
  setText(parts.counter, "Vous avez placé " + placed + " élément" + (placed > 1 ? "s" : "") +
          " sur " + items.length + ".");
}
