// The cards on a participant's phone: text, author, similar cards grouped,
// and the dots (buttons while voting, bars for the results).
import { el, plural, setText } from "../../static/js/dom.js";
import { blockedReason, budgetOf, myCount, usedVotes } from "./votes.js";

// A card of the board; with `voting`, its buttons call `vote(activityId,
// cardId, delta)`.
export function cardNode(card, activity, voting, vote) {
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

// Redraw a card in place; `pending`: the outbox's items (votes not sent yet).
export function updateCard(node, card, activity, source, pending) {
  setText(node.querySelector(".text"), card.text);
  var meta = [];
  if (card.mine) meta.push("Votre carte");
  else if (card.author_name) meta.push(card.author_name);
  if (card.status === "pending") meta.push("en attente de validation");
  var merged = source.cards.filter(function (c) { return c.merged_into === card.id; }).length;
  if (merged) meta.push(plural(merged, "carte semblable regroupée", "cartes semblables regroupées"));
  setText(node.querySelector(".meta"), meta.join(" · "));
  var dots = node.querySelector(".dots");
  if (dots) {
    if (activity.phase === "results") {
      var total = (activity.totals || {})[card.id] || 0;
      var max = Math.max.apply(null, [1].concat(Object.keys(activity.totals || {}).map(function (k) {
        return activity.totals[k];
      })));
      setText(dots, plural(total, "gommette", "gommettes"));
      node.querySelector(".bar").className = "bar w-" + Math.round(total / max * 20) * 5;
    } else {
      var mine = myCount(activity, card.id, pending);
      setText(dots, mine ? "Vos gommettes : " + mine : "");
      var left = budgetOf(activity) - usedVotes(activity, pending);
      var add = node.querySelector(".vote-add");
      var single = activity.config.multiple_dots === false && mine >= 1;
      var blocked = !!blockedReason(activity);
      add.disabled = left <= 0 || single || blocked;
      node.querySelector(".vote-remove").disabled = mine <= 0 || blocked;
    }
  }
}
