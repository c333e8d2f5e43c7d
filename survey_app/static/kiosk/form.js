// Kiosk mode, the questionnaire: rendered on the tablet from the JSON in the
// page (the same screens, show_if rules and French messages as the server's
// form), each finished answer handed to the queue (kiosk.js). Without
// JavaScript the page links to the server-rendered questionnaire instead.
(function () {
  "use strict";
  var queue = window.kioskQueue;
  if (!queue) return;
  var data = queue.data;

  // ---- The questionnaire ----------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (attrs[name] !== false && attrs[name] != null) node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function groupSteps(questions) {  // same rules as answers.group_steps
    var steps = [];
    questions.forEach(function (q) {
      var current = steps[steps.length - 1];
      var source = (q.show_if || {}).question;
      var dependsHere = current && current.some(function (p) { return p.key === source; });
      if (!current || current.length >= 4 || current[current.length - 1].theme !== q.theme ||
          dependsHere) steps.push([q]);
      else current.push(q);
    });
    return steps;
  }

  function startQuestionnaire() {
    var questions = data.questions, steps = groupSteps(questions);
    var start = document.getElementById("kiosk-start");
    if (start) start.hidden = true;
    var app = document.getElementById("kiosk-app");
    var form, screen = 0;

    function field(q) { return form.elements[q.key]; }
    function values(q) {
      var nodes = form.querySelectorAll("[name='" + q.key + "']");
      var out = [];
      nodes.forEach(function (n) {
        if ((n.type === "radio" || n.type === "checkbox") ? n.checked : n.value.trim()) {
          out.push(n.value.trim());
        }
      });
      return out;
    }
    function otherText(q) {
      var n = form.elements[q.key + ".autre"];
      return n ? n.value.trim() : "";
    }
    function visible() {  // same rules as answers.visible_questions
      var hidden = {}, shown = {};
      questions.forEach(function (q) {
        var c = q.show_if;
        var ok = !c || (!hidden[c.question] && values(byKey[c.question] || {}).some(
          function (v) { return c.values.map(String).indexOf(v) >= 0; }));
        if (ok) shown[q.key] = true; else hidden[q.key] = true;
      });
      return shown;
    }
    var byKey = {};
    questions.forEach(function (q) { byKey[q.key] = q; });

    function check(q) {
      var v = values(q), other = otherText(q), kind = q.type;
      if (kind === "single" || kind === "scale" || kind === "multiple") {
        if (!v.length && !other) {
          if (!q.required) return "";
          return kind === "multiple" ? "Choisissez au moins une réponse." : "Choisissez une réponse.";
        }
        var only = (q.exclusive || []).filter(function (code) { return v.indexOf(code) >= 0; });
        if (only.length && v.length > 1) {
          var label = q.choices.filter(function (c) { return c.code === only[0]; })[0];
          return "« " + (label ? label.label : only[0]) + " » ne peut pas être coché avec une autre réponse.";
        }
        if (other && v.length && v.indexOf("autre") < 0) {
          return "Vous avez écrit une précision : choisissez aussi « Autre », ou effacez ce texte.";
        }
        return "";
      }
      var text = v[0] || "";
      if (!text) {
        if (!q.required) return "";
        return { number: "Indiquez un nombre.", commune: "Indiquez votre commune." }[kind] ||
          "Écrivez une réponse.";
      }
      if (kind === "number") {
        var clean = text.replace(/[\s\u00a0\u202f]/g, "");
        if (!/^[+-]?\d{1,15}([.,]\d{1,6})?$/.test(clean)) {
          return "Écrivez seulement un nombre, par exemple 12 ou 3,5.";
        }
        var n = parseFloat(clean.replace(",", "."));
        var low = q.min, high = q.max;
        if ((low != null && n < low) || (high != null && n > high)) {
          if (low != null && high != null) return "Indiquez un nombre entre " + low + " et " + high + ".";
          if (low != null) return "Indiquez un nombre égal ou supérieur à " + low + ".";
          return "Indiquez un nombre égal ou inférieur à " + high + ".";
        }
      }
      var max = q.max_length || (kind === "long_text" ? 2000 : 300);
      if (kind !== "number" && text.length > max) {
        return "Votre réponse est trop longue : " + text.length + " caractères, " + max + " au maximum.";
      }
      return "";
    }

    function questionNode(q) {
      var id = "q-" + q.key.replace(/[^A-Za-z0-9_-]/g, "_");
      var saidByTheForm = { multiple: "Vous pouvez cocher plusieurs réponses.",
                            commune: "Tapez le nom de la commune ou son code postal." };
      var help = q.help === saidByTheForm[q.type] ? "" : q.help;  // issue 8, A5
      var wrap, hint = help ? el("p", { "class": "hint", id: id + "-hint", text: help }) : null;
      var error = el("p", { "class": "error", id: id + "-error", hidden: "" });
      var optional = q.required ? el("span", { "class": "opt", text: " (obligatoire)" }) : null;
      if (q.choices) {
        var multiple = q.type === "multiple";
        var options = q.choices.concat(q.other && q.type !== "scale" ? [{ code: "autre", label: "Autre" }] : []);
        wrap = el("fieldset", { "class": "group", "data-key": q.key }, [
          el("legend", { text: q.text }, [optional]),
          multiple ? el("p", { "class": "hint", text: "Vous pouvez cocher plusieurs réponses." }) : null,
          hint, error
        ]);
        options.forEach(function (c, i) {
          var inputId = id + "-" + (i + 1);
          wrap.appendChild(el("label", { "class": "choice", "for": inputId }, [
            el("input", { type: multiple ? "checkbox" : "radio", id: inputId, name: q.key, value: c.code }),
            document.createTextNode(" " + c.label)
          ]));
        });
        if (q.other && q.type !== "scale") {
          wrap.appendChild(el("div", { "class": "other" }, [
            el("label", { "for": id + "-autre", text: "Si « Autre », précisez" }),
            el("input", { type: "text", id: id + "-autre", name: q.key + ".autre",
                          maxlength: "300", autocomplete: "off" })
          ]));
        }
      } else {
        var input = q.type === "long_text"
          ? el("textarea", { id: id, name: q.key, rows: "5", maxlength: String(q.max_length || 2000) })
          : el("input", { type: "text", id: id, name: q.key, autocomplete: "off",
                          inputmode: q.type === "number" ? "decimal" : false,
                          "class": q.type === "number" ? "short" : false });
        var how = q.type === "commune"
          ? el("p", { "class": "hint", id: id + "-how", text: "Écrivez le nom de votre commune ou son code postal." })
          : null;
        if (hint || how) {
          input.setAttribute("aria-describedby", [hint && hint.id, how && how.id].filter(Boolean).join(" "));
        }
        wrap = el("div", { "class": "field", "data-key": q.key }, [
          el("label", { "for": id, text: q.text }, [optional]), how, hint, error, input
        ]);
      }
      wrap.questionId = id;
      return wrap;
    }

    function showError(q, message) {
      var wrap = form.querySelector("[data-key='" + q.key + "']");
      var error = wrap.querySelector("p.error");
      error.hidden = !message;
      error.textContent = message ? "Erreur : " + message : "";
      wrap.classList.toggle("has-error", !!message);
      wrap.querySelectorAll("input, textarea").forEach(function (n) {
        if (message) n.setAttribute("aria-invalid", "true"); else n.removeAttribute("aria-invalid");
      });
      var target = wrap.tagName === "FIELDSET" ? wrap : wrap.querySelector("input, textarea");
      var ids = (target.getAttribute("aria-describedby") || "").split(" ").filter(function (i) {
        return i && i !== error.id;
      });
      if (message) ids.push(error.id);
      if (ids.length) target.setAttribute("aria-describedby", ids.join(" "));
      else target.removeAttribute("aria-describedby");
      return wrap;
    }

    function shownSteps() {
      var shown = visible();
      return steps.map(function (step) {
        return step.filter(function (q) { return shown[q.key]; });
      });
    }

    function render() {
      var filled = shownSteps(), order = [];
      filled.forEach(function (step, i) { if (step.length) order.push(i); });
      form.querySelectorAll("[data-step]").forEach(function (node) {
        node.hidden = Number(node.getAttribute("data-step")) !== screen;
      });
      var shown = visible();
      form.querySelectorAll("[data-key]").forEach(function (node) {
        if (!shown[node.getAttribute("data-key")]) node.hidden = true;
        else node.hidden = false;
      });
      var number = order.indexOf(screen) + 1;
      var last = order[order.length - 1] === screen;
      var theme = (filled[screen][0] || {}).theme;
      form.querySelector(".kiosk-heading").textContent = data.themes[theme] || "Questions";
      // Never grows while answering (issue 8, A3): a later screen counts
      // unless it waits on an answer given on an earlier screen (same rule
      // as questionnaire.Walk.progress).
      var settled = {}, total = number;
      steps.slice(0, screen).forEach(function (step) {
        step.forEach(function (q) { settled[q.key] = true; });
      });
      for (var i = screen + 1; i < steps.length; i++) {
        if (filled[i].length || steps[i].some(function (q) {
          return !(q.show_if && settled[q.show_if.question]);
        })) total++;
      }
      form.querySelector(".progress").textContent = "Étape " + number + " sur " + total;
      // The same sentence as the public form's (public/step.html).
      var onScreen = filled[screen] || [];
      var optional = onScreen.filter(function (q) { return !q.required; }).length;
      stepHint.hidden = !optional;
      stepHint.textContent = optional
        ? "Vous pouvez laisser vide une question si vous ne voulez pas répondre" +
          (optional < onScreen.length ? ", sauf celles marquées « obligatoire »." : ".")
        : "";
      form.querySelector("progress").max = total;
      form.querySelector("progress").value = number;
      form.querySelector("button[value=next]").textContent = last ? "Envoyer mes réponses" : "Suivant";
      form.querySelector("button[value=prev]").hidden = number <= 1;
      summary.hidden = true;
    }

    var summary, stepHint;
    function build() {
      app.textContent = "";
      screen = 0;
      summary = el("div", { "class": "error-summary", role: "alert", tabindex: "-1", hidden: "" });
      stepHint = el("p", { "class": "hint step-hint", hidden: "" });
      form = el("form", { novalidate: "", "class": "kiosk-form", "aria-labelledby": "kiosk-step-title" }, [
        el("h2", { "class": "kiosk-heading", id: "kiosk-step-title" }),
        el("p", { "class": "progress" }),
        el("progress", { "aria-hidden": "true" }),
        summary, stepHint
      ]);
      steps.forEach(function (step, i) {
        form.appendChild(el("div", { "data-step": String(i) }, step.map(questionNode)));
      });
      form.appendChild(el("div", { "class": "nav" }, [
        el("button", { type: "submit", value: "next" }),
        el("button", { type: "button", value: "prev", "class": "secondary", text: "Précédent" })
      ]));
      app.appendChild(form);
      form.addEventListener("submit", next);
      form.querySelector("button[value=prev]").addEventListener("click", previous);
      form.addEventListener("change", function () { render(); });
      screen = firstFilled(-1, 1);
      render();
    }

    function firstFilled(from, direction) {
      var filled = shownSteps();
      for (var i = from + direction; i >= 0 && i < filled.length; i += direction) {
        if (filled[i].length) return i;
      }
      return null;
    }

    function previous() {
      var before = firstFilled(screen, -1);
      if (before != null) { screen = before; render(); focusTop(); }
    }

    function focusTop() {
      var heading = form.querySelector(".kiosk-heading");
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }

    function next(event) {
      event.preventDefault();
      var wrong = [];
      shownSteps()[screen].forEach(function (q) {
        var message = check(q);
        showError(q, message);
        if (message) wrong.push([q, message]);
      });
      if (wrong.length) {
        summary.textContent = "";
        summary.appendChild(el("h2", { text: "Certaines réponses sont à corriger" }));
        var list = el("ul");
        wrong.forEach(function (pair) {
          var id = "q-" + pair[0].key.replace(/[^A-Za-z0-9_-]/g, "_") + (pair[0].choices ? "-1" : "");
          list.appendChild(el("li", {}, [el("a", { href: "#" + id, text: pair[0].text + " — " + pair[1] })]));
        });
        summary.appendChild(list);
        summary.hidden = false;
        summary.focus();
        return;
      }
      var following = firstFilled(screen, 1);
      if (following != null) { screen = following; render(); focusTop(); return; }
      save();
    }

    function save() {
      var shown = visible(), answers = {};
      questions.forEach(function (q) {
        if (!shown[q.key]) return;
        var v = values(q);
        if (q.type === "multiple") { if (v.length) answers[q.key] = v; }
        else if (v.length) answers[q.key] = v[0];
        var other = otherText(q);
        if (other) answers[q.key + ".autre"] = other;
      });
      var record = {
        key: queue.newKey(), url: data.sync_url, token: data.token, survey_id: data.survey_id,
        point_id: data.point_id, version_id: data.version_id, answers: answers,
        mode: data.mode, answered_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        day: queue.today(), status: "pending"
      };
      var button = form.querySelector("button[value=next]");
      button.disabled = true;  // a double tap saves once
      queue.put(record).then(function () {
        build();
        var thanks = document.getElementById("kiosk-thanks");
        thanks.hidden = false;
        var title = document.getElementById("kiosk-title");
        title.focus();
        return queue.refresh();
      }).then(queue.sync).catch(function () {
        button.disabled = false;
        summary.textContent = "Impossible d'enregistrer la réponse sur cette tablette. " +
          "Vérifiez que la navigation privée n'est pas activée, puis réessayez.";
        summary.hidden = false;
      });
    }

    build();
  }

  if (data.open && data.questions.length) startQuestionnaire();
})();
