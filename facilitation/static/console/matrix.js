// The console's matrix: the room's live matrix (the facilitator sees the
// means while people place) and, for the person chosen under "Voter pour
// quelqu'un", a form to place an item on their behalf.
import { el, plural, setText } from "../../static/js/dom.js";
import { drawMatrix, FEASIBILITY, IMPACT } from "../live/matrix.js";
import { act, byId, page } from "./page.js";

/* Draw the matrix of `activity` into the board `container` (only when
 * something it shows has changed: a redraw would lose the form's choice). */
export function renderMatrixBoard(container, activity) {
  var drawn = JSON.stringify([activity.id, activity.phase, activity.items, activity.placements, page.proxyVoter]);
  if (container.dataset.key === drawn) return;
  container.dataset.key = drawn;
  drawMatrix(container, activity);
  if (page.proxyVoter && activity.phase === "vote") container.appendChild(proxyPlacement(activity));
}

/* [label, select] for a choice among `options` ([value, text]). */
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

/* A matrix placement for the person chosen under "Voter pour quelqu'un". */
function proxyPlacement(activity) {
  var item = choice("proxy-element", "Élément", (activity.items || []).map(function (i) { return [i.key, i.label]; }));
  var impact = choice("proxy-impact", "Impact", levels(IMPACT));
  var feasibility = choice("proxy-faisabilite", "Faisabilité", levels(FEASIBILITY));
  var form = el("form", { cls: "proxy-card" }, [el("h3", { text: "Placer un élément pour la personne choisie" })]
    .concat(item, impact, feasibility, [el("button", { text: "Placer pour cette personne", attrs: { type: "submit" } })]));
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    act("/placements", { activity_id: activity.id, participant_id: Number(page.proxyVoter), item: item[1].value,
                         impact: Number(impact[1].value), feasibility: Number(feasibility[1].value) })
      .then(function (result) {
        setText(byId("proxy-resultat"), "Placé : impact " + result.impact + ", faisabilité " +
                result.feasibility + " (" + plural(result.placed, "élément placé", "éléments placés") + ").");
      }).catch(function () {});
  });
  return form;
}
