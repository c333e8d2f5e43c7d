// Writing a card on a phone: where it goes, its text, a French message
// when something is missing.
import { el, setText } from "../../static/js/dom.js";

// The form of a new card. `draft` ({text, column}) keeps what is being typed
// across redraws; `send(text, column)` hands a checked card to the outbox.
export function cardForm(activity, maxLength, draft, send) {
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
    setText(error, problem);
    if (problem) {
      (text ? select : area).focus();
      return;
    }
    send(text, column);
    area.value = "";
    draft.text = "";
    area.focus();
  });
  return form;
}
