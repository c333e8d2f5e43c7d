// One question of the kiosk questionnaire on the page: its fields (the same
// labels, hints and ids as the server's form) and its error message.
import { el } from "../js/dom.js";

export function fieldId(q) {
  return "q-" + q.key.replace(/[^A-Za-z0-9_-]/g, "_");
}

// What a resident answered: {name: [values]}, as the server's form and the
// answer rules (answer-rules.js) read it. Unticked boxes are absent.
export function formValues(form) {
  const values = {};
  for (const [name, value] of new FormData(form)) {
    (values[name] = values[name] || []).push(String(value));
  }
  return values;
}

export function questionNode(q) {
  const id = fieldId(q);
  const saidByTheForm = { multiple: "Vous pouvez cocher plusieurs réponses.",
                          commune: "Tapez le nom de la commune ou son code postal." };
  const help = q.help === saidByTheForm[q.type] ? "" : q.help;  // issue 8, A5
  const hint = help ? el("p", { "class": "hint", id: id + "-hint", text: help }) : null;
  const error = el("p", { "class": "error", id: id + "-error", hidden: "" });
  const optional = q.required ? el("span", { "class": "opt", text: " (obligatoire)" }) : null;
  const wrap = q.choices ? choicesNode(q, id, [optional, hint, error])
    : textNode(q, id, [optional, hint, error]);
  wrap.questionId = id;
  return wrap;
}

function choicesNode(q, id, [optional, hint, error]) {
  const multiple = q.type === "multiple";
  const withOther = q.other && q.type !== "scale";
  const options = q.choices.concat(withOther ? [{ code: "autre", label: "Autre" }] : []);
  const wrap = el("fieldset", { "class": "group", "data-key": q.key }, [
    el("legend", { text: q.text }, [optional]),
    multiple ? el("p", { "class": "hint", text: "Vous pouvez cocher plusieurs réponses." }) : null,
    hint, error
  ]);
  options.forEach((c, i) => {
    const inputId = id + "-" + (i + 1);
    wrap.appendChild(el("label", { "class": "choice", "for": inputId }, [
      el("input", { type: multiple ? "checkbox" : "radio", id: inputId, name: q.key, value: c.code }),
      " " + c.label
    ]));
  });
  if (withOther) {
    wrap.appendChild(el("div", { "class": "other" }, [
      el("label", { "for": id + "-autre", text: "Si « Autre », précisez" }),
      el("input", { type: "text", id: id + "-autre", name: q.key + ".autre",
                    maxlength: "300", autocomplete: "off" })
    ]));
  }
  return wrap;
}

function textNode(q, id, [optional, hint, error]) {
  const input = q.type === "long_text"
    ? el("textarea", { id: id, name: q.key, rows: "5", maxlength: String(q.max_length || 2000) })
    : el("input", { type: "text", id: id, name: q.key, autocomplete: "off",
                    inputmode: q.type === "number" ? "decimal" : false,
                    "class": q.type === "number" ? "short" : false });
  const how = q.type === "commune"
    ? el("p", { "class": "hint", id: id + "-how", text: "Écrivez le nom de votre commune ou son code postal." })
    : null;
  if (hint || how) {
    input.setAttribute("aria-describedby", [hint && hint.id, how && how.id].filter(Boolean).join(" "));
  }
  return el("div", { "class": "field", "data-key": q.key }, [
    el("label", { "for": id, text: q.text }, [optional]), how, hint, error, input
  ]);
}

// Show (or clear, with "") a question's error, linked to its field for
// screen readers.
export function showError(form, q, message) {
  const wrap = form.querySelector("[data-key='" + q.key + "']");
  const error = wrap.querySelector("p.error");
  error.hidden = !message;
  error.textContent = message ? "Erreur : " + message : "";
  wrap.classList.toggle("has-error", !!message);
  wrap.querySelectorAll("input, textarea").forEach((n) => {
    if (message) n.setAttribute("aria-invalid", "true"); else n.removeAttribute("aria-invalid");
  });
  const target = wrap.tagName === "FIELDSET" ? wrap : wrap.querySelector("input, textarea");
  const ids = (target.getAttribute("aria-describedby") || "").split(" ")
    .filter((i) => i && i !== error.id);
  if (message) ids.push(error.id);
  if (ids.length) target.setAttribute("aria-describedby", ids.join(" "));
  else target.removeAttribute("aria-describedby");
  return wrap;
}
