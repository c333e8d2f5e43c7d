// Kiosk mode, the tablet's queue: every answer is kept on the tablet
// (IndexedDB: nothing expires) and sent to the server when the network
// allows, each exactly once (its key is made on the tablet when the resident
// finishes). The server judges every answer again; one it refuses stays here,
// flagged, with its reason, shown to the conseiller on the leave page (never
// to the next resident), and is sent again at each sync. The questionnaire
// itself is form.js. Loaded on the kiosk page (through form.js) and on the
// leave page.
import { postJSON } from "../js/fetch.js";
import { randomKey } from "../js/random-key.js";
import { keepForOffline } from "./offline.js";
import { allRecords, forget, put } from "./storage.js";

const dataNode = document.getElementById("kiosk-data");
export const queue = dataNode ? startQueue(JSON.parse(dataNode.textContent)) : null;

function startQueue(data) {
  var BATCH = 20, RETRY_MS = 30000;
  var lastRefusal = "";

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate();
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
        // A refused answer is sent again too: the server may accept it now
        // (issue 8, A1: answers refused for an optional commune).
        if (r.status !== "pending" && r.status !== "invalid") return;
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

  function sendBatch(records) {
    var body = {
      token: records[0].token,
      items: records.map(function (r) {
        return { key: r.key, version_id: r.version_id, answers: r.answers,
                 mode: r.mode, answered_at: r.answered_at };
      })
    };
    return postJSON(records[0].url, body).then(function (answer) {
      if (answer.status === 403) {
        lastRefusal = "Le serveur refuse les réponses de cette tablette. Elles restent " +
          "enregistrées ici : rouvrez le mode kiosque depuis votre compte.";
      }
      if (!answer.ok) throw new Error("HTTP " + answer.status);
      lastRefusal = "";
      var results = answer.data.results || [];
      var updates = records.map(function (record, i) {
        var result = results[i] || {};
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
    keepForOffline(data.sw_url);
  }
  // Show what the tablet holds at once: on a bad network the send below
  // may take a long time to fail.
  refresh().then(sync);
  return { data: data, put: put, refresh: refresh, sync: sync, newKey: randomKey, today: today };

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
}
