// Kiosk mode, the questionnaire: rendered on the tablet from the JSON in the
// page (the same screens, show_if rules and French messages as the server's
// form: answer-rules.js), each finished answer handed to the queue
// (queue.js). Without JavaScript the page links to the server-rendered
// questionnaire instead.
import { checkQuestion, groupSteps, visibleKeys } from "./answer-rules.js";
import { el } from "../js/dom.js";
import { fieldId, formValues, questionNode, showError } from "./question.js";
import { queue } from "./queue.js";

function Questionnaire(data, app) {
  this.data = data;
  this.app = app;
  this.questions = data.questions;
  this.steps = groupSteps(data.questions);
  this.screen = 0;
}

Questionnaire.prototype.build = function () {
  this.app.textContent = "";
  this.summary = el("div", { "class": "error-summary", role: "alert", tabindex: "-1", hidden: "" });
  this.stepHint = el("p", { "class": "hint step-hint", hidden: "" });
  const form = this.form = el("form", { novalidate: "", "class": "kiosk-form", "aria-labelledby": "kiosk-step-title" }, [
    el("h2", { "class": "kiosk-heading", id: "kiosk-step-title" }),
    el("p", { "class": "progress" }),
    el("progress", { "aria-hidden": "true" }),
    this.summary, this.stepHint
  ]);
  this.steps.forEach((step, i) => {
    form.appendChild(el("div", { "data-step": String(i) }, step.map(questionNode)));
  });
  form.appendChild(el("div", { "class": "nav" }, [
    el("button", { type: "submit", value: "next" }),
    el("button", { type: "button", value: "prev", "class": "secondary", text: "Précédent" })
  ]));
  this.app.appendChild(form);
  form.addEventListener("submit", (event) => this.next(event));
  form.querySelector("button[value=prev]").addEventListener("click", () => this.previous());
  form.addEventListener("change", () => this.render());
  this.screen = this.firstFilled(-1, 1);
  this.render();
};

// The questions of each screen that the answers so far show.
Questionnaire.prototype.shownSteps = function () {
  const shown = visibleKeys(this.questions, formValues(this.form));
  return this.steps.map((step) => step.filter((q) => shown[q.key]));
};

Questionnaire.prototype.render = function () {
  const form = this.form, screen = this.screen, steps = this.steps;
  const filled = this.shownSteps(), order = [];
  filled.forEach((step, i) => { if (step.length) order.push(i); });
  form.querySelectorAll("[data-step]").forEach((node) => {
    node.hidden = Number(node.getAttribute("data-step")) !== screen;
  });
  const shown = visibleKeys(this.questions, formValues(form));
  form.querySelectorAll("[data-key]").forEach((node) => {
    node.hidden = !shown[node.getAttribute("data-key")];
  });
  const number = order.indexOf(screen) + 1;
  const last = order[order.length - 1] === screen;
  const theme = (filled[screen][0] || {}).theme;
  form.querySelector(".kiosk-heading").textContent = this.data.themes[theme] || "Questions";
  // Never grows while answering (issue 8, A3): a later screen counts
  // unless it waits on an answer given on an earlier screen (same rule
  // as questionnaire.Walk.progress).
  const settled = {};
  let total = number;
  steps.slice(0, screen).forEach((step) => step.forEach((q) => { settled[q.key] = true; }));
  for (let i = screen + 1; i < steps.length; i++) {
    if (filled[i].length || steps[i].some((q) => !(q.show_if && settled[q.show_if.question]))) total++;
  }
  form.querySelector(".progress").textContent = "Étape " + number + " sur " + total;
  // The same sentence as the public form's (public/step.html).
  const onScreen = filled[screen] || [];
  const optional = onScreen.filter((q) => !q.required).length;
  this.stepHint.hidden = !optional;
  this.stepHint.textContent = optional
    ? "Vous pouvez laisser vide une question si vous ne voulez pas répondre" +
      (optional < onScreen.length ? ", sauf celles marquées « obligatoire »." : ".")
    : "";
  form.querySelector("progress").max = total;
  form.querySelector("progress").value = number;
  form.querySelector("button[value=next]").textContent = last ? "Envoyer mes réponses" : "Suivant";
  form.querySelector("button[value=prev]").hidden = number <= 1;
  this.summary.hidden = true;
};

Questionnaire.prototype.firstFilled = function (from, direction) {
  const filled = this.shownSteps();
  for (let i = from + direction; i >= 0 && i < filled.length; i += direction) {
    if (filled[i].length) return i;
  }
  return null;
};

Questionnaire.prototype.previous = function () {
  const before = this.firstFilled(this.screen, -1);
  if (before != null) { this.screen = before; this.render(); this.focusTop(); }
};

Questionnaire.prototype.focusTop = function () {
  const heading = this.form.querySelector(".kiosk-heading");
  heading.setAttribute("tabindex", "-1");
  heading.focus();
};

Questionnaire.prototype.next = function (event) {
  event.preventDefault();
  const values = formValues(this.form), wrong = [];
  this.shownSteps()[this.screen].forEach((q) => {
    const message = checkQuestion(q, values);
    showError(this.form, q, message);
    if (message) wrong.push([q, message]);
  });
  if (wrong.length) { this.showSummary(wrong); return; }
  const following = this.firstFilled(this.screen, 1);
  if (following != null) { this.screen = following; this.render(); this.focusTop(); return; }
  this.save();
};

Questionnaire.prototype.showSummary = function (wrong) {
  const summary = this.summary, list = el("ul");
  summary.textContent = "";
  summary.appendChild(el("h2", { text: "Certaines réponses sont à corriger" }));
  wrong.forEach(([q, message]) => {
    const id = fieldId(q) + (q.choices ? "-1" : "");
    list.appendChild(el("li", {}, [el("a", { href: "#" + id, text: q.text + " — " + message })]));
  });
  summary.appendChild(list);
  summary.hidden = false;
  summary.focus();
};

// The answers of the shown questions, as the server's sync reads them.
Questionnaire.prototype.answers = function () {
  const values = formValues(this.form), answers = {};
  const shown = visibleKeys(this.questions, values);
  const given = (name) => (values[name] || []).map((v) => v.trim()).filter(Boolean);
  this.questions.forEach((q) => {
    if (!shown[q.key]) return;
    const v = given(q.key);
    if (q.type === "multiple") { if (v.length) answers[q.key] = v; }
    else if (v.length) answers[q.key] = v[0];
    const other = given(q.key + ".autre")[0];
    if (other) answers[q.key + ".autre"] = other;
  });
  return answers;
};

Questionnaire.prototype.save = function () {
  const data = this.data;
  const record = {
    key: queue.newKey(), url: data.sync_url, token: data.token, survey_id: data.survey_id,
    point_id: data.point_id, version_id: data.version_id, answers: this.answers(),
    mode: data.mode, answered_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    day: queue.today(), status: "pending"
  };
  const button = this.form.querySelector("button[value=next]");
  button.disabled = true;  // a double tap saves once
  queue.put(record).then(() => {
    this.build();
    document.getElementById("kiosk-thanks").hidden = false;
    document.getElementById("kiosk-title").focus();
    return queue.refresh();
  }).then(queue.sync).catch(() => {
    button.disabled = false;
    this.summary.textContent = "Impossible d'enregistrer la réponse sur cette tablette. " +
      "Vérifiez que la navigation privée n'est pas activée, puis réessayez.";
    this.summary.hidden = false;
  });
};

if (queue && queue.data.open && queue.data.questions.length) {
  const start = document.getElementById("kiosk-start");
  if (start) start.hidden = true;
  new Questionnaire(queue.data, document.getElementById("kiosk-app")).build();
}
