// Kiosk mode: the questionnaire rendered on the tablet from the JSON in the
// page, every answer kept on the tablet (IndexedDB: nothing expires) and sent
// to the server when the network allows, each exactly once (its key is made
// here, when the resident finishes). The server judges every answer again.
// Without JavaScript the page links to the server-rendered questionnaire.
(function () {
  "use strict";
  var dataNode = document.getElementById("kiosk-data");
  if (!dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var DB_NAME = "kiosque", STORE = "answers", BATCH = 20, RETRY_MS = 30000;
  var lastRefusal = "";

  // ---- Storage on the tablet ------------------------------------------
  var dbPromise = new Promise(function (resolve, reject) {
    var open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = function () {
      open.result.createObjectStore(STORE, { keyPath: "key" });
    };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });

  function tx(mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(result && result.result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function allRecords() { return tx("readonly", function (s) { return s.getAll(); }); }
  function put(record) { return tx("readwrite", function (s) { s.put(record); }); }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate();
  }
  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function plural(n, word) { return n + " " + word + (n > 1 ? "s" : ""); }

  // ---- Sending the queue ----------------------------------------------
  var syncing = null, again = false;
  function sync() {
    if (syncing) { again = true; return syncing; }  // one send at a time
    again = false;
    syncing = allRecords().then(function (records) {
      var groups = {}, day = today();
      records.forEach(function (r) {
        if (r.status === "sent" && r.day !== day) forget(r.key);  // counted already
        if (r.status !== "pending") return;
        var id = r.url + "\n" + r.token;
        (groups[id] = groups[id] || []).push(r);
      });
      var chain = Promise.resolve();
      Object.keys(groups).forEach(function (id) {
        var list = groups[id];
        for (var i = 0; i < list.length; i += BATCH) {
          chain = chain.then(sendBatch.bind(null, list.slice(i, i + BATCH)));
        }
      });
      return chain;
    }).catch(function () { /* offline or server down: kept, retried later */ })
      .then(function () {
        syncing = null;
        return again ? sync() : refresh();
      });
    return syncing;
  }
  function forget(key) { return tx("readwrite", function (s) { s.delete(key); }); }

  function sendBatch(records) {
    var body = {
      token: records[0].token,
      items: records.map(function (r) {
        return { key: r.key, version_id: r.version_id, answers: r.answers,
                 mode: r.mode, answered_at: r.answered_at };
      })
    };
    return fetch(records[0].url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 403) {
        lastRefusal = "Le serveur refuse les réponses de cette tablette. Elles restent " +
          "enregistrées ici : rouvrez le mode kiosque depuis votre compte.";
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      lastRefusal = "";
      return response.json();
    }).then(function (answer) {
      var updates = records.map(function (record, i) {
        var result = answer.results[i] || {};
        if (result.key !== record.key) return null;
        if (result.status === "stored" || result.status === "duplicate") {
          record.status = "sent";
          record.answers = null;  // on the server now; keep only the count
        } else if (result.status === "invalid") {
          record.status = "invalid";  // never dropped: shown to the conseiller
          record.message = result.message || "Réponse refusée.";
        }
        return put(record);
      });
      return Promise.all(updates);
    });
  }

  // ---- What the conseiller sees ---------------------------------------
  var pendingCount = 0;
  function refresh() {
    return allRecords().then(function (records) {
      var day = today();
      var pending = records.filter(function (r) { return r.status === "pending"; });
      var refused = records.filter(function (r) { return r.status === "invalid"; });
      pendingCount = pending.length;
      var here = records.filter(function (r) {
        return r.day === day && r.survey_id === data.survey_id &&
          r.point_id === data.point_id;
      });
      var counter = document.getElementById("kiosk-today");
      if (counter) {
        counter.textContent = plural(here.length, "réponse") +
          " aujourd'hui sur cette tablette";
      }
      var queue = document.getElementById("kiosk-queue");
      if (queue) {
        queue.hidden = false;
        queue.className = pending.length ? "pending" : "";
        queue.textContent = pending.length
          ? plural(pending.length, "réponse") + " en attente d'envoi" +
            (navigator.onLine ? "" : " (pas de réseau : envoi automatique à son retour)")
          : "Aucune réponse en attente d'envoi.";
      }
      var warning = document.getElementById("kiosk-warning");
      if (warning && !data.leave) {
        warning.hidden = !lastRefusal;
        warning.textContent = lastRefusal;
      }
      var box = document.getElementById("kiosk-refused");
      var list = document.getElementById("kiosk-refused-list");
      if (box && list) {
        box.hidden = !refused.length;
        list.textContent = "";
        refused.forEach(function (r) {
          var li = document.createElement("li");
          li.textContent = "Réponse du " + new Date(r.answered_at).toLocaleString("fr-FR") +
            " : " + r.message;
          list.appendChild(li);
        });
      }
    });
  }

  window.addEventListener("online", sync);
  window.addEventListener("offline", refresh);
  setInterval(sync, RETRY_MS);
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist();

  if (data.leave) {
    setUpLeavePage();
  } else {
    window.addEventListener("beforeunload", function (event) {
      if (!pendingCount) return;
      event.preventDefault();
      event.returnValue = "Des réponses ne sont pas encore envoyées.";
    });
    keepForOffline();
    if (data.open && data.questions.length) startQuestionnaire();
  }
  sync();

  function setUpLeavePage() {
    var form = document.getElementById("kiosk-leave");
    var warned = false;
    form.addEventListener("submit", function (event) {
      if (!pendingCount || warned) return;
      event.preventDefault();
      warned = true;
      var warning = document.getElementById("kiosk-warning");
      warning.hidden = false;
      warning.textContent = plural(pendingCount, "réponse") + " pas encore envoyée" +
        (pendingCount > 1 ? "s" : "") + ". Elles restent sur cette tablette et " +
        "partiront dès que le mode kiosque sera rouvert ici avec du réseau. " +
        "N'effacez pas les données du navigateur. Appuyez à nouveau sur " +
        "« Quitter le mode kiosque » pour confirmer.";
    });
  }

  function keepForOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) return;
    var scope = data.sw_url.replace(/[^/]*$/, "");
    navigator.serviceWorker.register(data.sw_url, { scope: scope }).catch(function () {});
    var files = [location.pathname];
    document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (n) {
      files.push(new URL(n.href || n.src).pathname);
    });
    caches.open("kiosque-v1").then(function (cache) { return cache.addAll(files); })
      .catch(function () { /* offline already: the worker kept them before */ });
  }

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
      var wrap, hint = q.help ? el("p", { "class": "hint", id: id + "-hint", text: q.help }) : null;
      var error = el("p", { "class": "error", id: id + "-error", hidden: "" });
      var optional = q.required ? null : el("span", { "class": "opt", text: " (facultatif)" });
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
            el("label", { "for": id + "-autre", text: "Si « Autre », précisez " },
               [el("span", { "class": "opt", text: "(facultatif)" })]),
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
      form.querySelector(".progress").textContent = "Étape " + number + " sur " + order.length;
      form.querySelector("progress").max = order.length;
      form.querySelector("progress").value = number;
      form.querySelector("button[value=next]").textContent = last ? "Envoyer mes réponses" : "Suivant";
      form.querySelector("button[value=prev]").hidden = number <= 1;
      summary.hidden = true;
    }

    var summary;
    function build() {
      app.textContent = "";
      screen = 0;
      summary = el("div", { "class": "error-summary", role: "alert", tabindex: "-1", hidden: "" });
      form = el("form", { novalidate: "", "class": "kiosk-form", "aria-labelledby": "kiosk-step-title" }, [
        el("h2", { "class": "kiosk-heading", id: "kiosk-step-title" }),
        el("p", { "class": "progress" }),
        el("progress", { "aria-hidden": "true" }),
        summary
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
        key: newKey(), url: data.sync_url, token: data.token, survey_id: data.survey_id,
        point_id: data.point_id, version_id: data.version_id, answers: answers,
        mode: data.mode, answered_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        day: today(), status: "pending"
      };
      var button = form.querySelector("button[value=next]");
      button.disabled = true;  // a double tap saves once
      put(record).then(function () {
        build();
        var thanks = document.getElementById("kiosk-thanks");
        thanks.hidden = false;
        var title = document.getElementById("kiosk-title");
        title.focus();
        return refresh();
      }).then(sync).catch(function () {
        button.disabled = false;
        summary.textContent = "Impossible d'enregistrer la réponse sur cette tablette. " +
          "Vérifiez que la navigation privée n'est pas activée, puis réessayez.";
        summary.hidden = false;
      });
    }

    build();
  }
})();
