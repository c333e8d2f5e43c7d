/* Live workshop client, shared by the phones, the console and the projector.
 *
 * - Connection: Server-Sent Events with automatic fallback to short polling
 *   (?after=N) when streaming fails or is blocked; remembers the last event
 *   id and reloads the full snapshot after every reconnect.
 * - Store: applies the events of API.md to the snapshot.
 * - The outbox (outbox.js) keeps posts until the server acknowledges them.
 * No framework, no inline script (CSP), user text only via textContent.
 */
(function () {
  "use strict";

  var Live = {};

  /* el("li", {cls: "card", text: card.text, attrs: {...}, on: {click: f}}, [children]) */
  Live.el = function (tag, opts, children) {
    var node = document.createElement(tag);
    opts = opts || {};
    if (opts.cls) node.className = opts.cls;
    if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
    Object.keys(opts.attrs || {}).forEach(function (name) {
      var value = opts.attrs[name];
      if (value === false || value === null || value === undefined) return;
      node.setAttribute(name, value === true ? "" : String(value));
    });
    Object.keys(opts.on || {}).forEach(function (name) {
      node.addEventListener(name, opts.on[name]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  };

  /* Keep `parent`'s children in the order of `items`, reusing nodes by key:
   * focus, open forms and drafts inside a kept node survive live updates. */
  Live.sync = function (parent, items, keyOf, create, update) {
    var existing = {};
    Array.prototype.forEach.call(parent.children, function (child) {
      if (child.dataset.key !== undefined) existing[child.dataset.key] = child;
    });
    var wanted = {};
    items.forEach(function (item, index) {
      var key = String(keyOf(item));
      wanted[key] = true;
      var node = existing[key];
      if (!node) {
        node = create(item);
        node.dataset.key = key;
      }
      if (update) update(node, item);
      if (parent.children[index] !== node) parent.insertBefore(node, parent.children[index] || null);
    });
    Object.keys(existing).forEach(function (key) {
      if (!wanted[key]) parent.removeChild(existing[key]);
    });
  };

  Live.setText = function (node, text) {
    text = text === null || text === undefined ? "" : String(text);
    if (node.textContent !== text) node.textContent = text;
  };

  Live.plural = function (n, one, many) {
    return n + " " + (n > 1 ? many : one);
  };

  Live.randomKey = function () {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  };

  Live.csrf = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };

  /* POST JSON; resolves {ok, status, data}; rejects only on network failure. */
  Live.post = function (url, body) {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    var token = Live.csrf();
    if (token) headers["X-CSRFToken"] = token;
    return fetch(url, {
      method: "POST", headers: headers, body: JSON.stringify(body || {}),
      credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  };

  Live.getJSON = function (url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store",
                        headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            var error = new Error(data.error || ("Erreur " + response.status));
            error.status = response.status;
            throw error;
          }
          return data;
        });
      });
  };

  /* ---- Store: the snapshot of API.md, kept up to date by events ---- */

  Live.activity = function (state, id) {
    for (var i = 0; i < state.activities.length; i++) {
      if (state.activities[i].id === id) return state.activities[i];
    }
    return null;
  };

  Live.current = function (state) {
    return Live.activity(state, state.workshop.current_activity_id);
  };

  /* The activity whose cards a view shows (a dot vote shows its source's). */
  Live.cardSource = function (state, activity) {
    if (activity && activity.kind === "dots") {
      return Live.activity(state, activity.config.source_activity_id) || activity;
    }
    return activity;
  };

  Live.upsertCard = function (state, card) {
    var activity = Live.activity(state, card.activity_id);
    if (!activity) return;
    for (var i = 0; i < activity.cards.length; i++) {
      if (activity.cards[i].id === card.id) {
        if (card.mine === undefined) card.mine = activity.cards[i].mine;
        activity.cards[i] = card;
        return;
      }
    }
    activity.cards.push(card);
  };

  Live.applyEvent = function (state, event) {
    var data = event.data || {};
    var activity;
    switch (event.type) {
      case "card.upsert":
        Live.upsertCard(state, data.card);
        break;
      case "card.removed":
        activity = Live.activity(state, data.activity_id);
        if (activity) activity.cards = activity.cards.filter(function (c) { return c.id !== data.id; });
        break;
      case "vote.mine":
        activity = Live.activity(state, data.activity_id);
        if (activity) {
          activity.my_votes = activity.my_votes || {};
          activity.my_votes[data.card_id] = data.count;
          activity.votes_used = data.used;
        }
        break;
      case "vote.total":
        activity = Live.activity(state, data.activity_id);
        if (activity) {
          activity.totals = activity.totals || {};
          activity.totals[data.card_id] = data.total;
        }
        break;
      case "placement.mine":
        activity = Live.activity(state, data.activity_id);
        if (activity) {
          activity.my_placements = activity.my_placements || {};
          if (data.impact === null) delete activity.my_placements[data.item];
          else activity.my_placements[data.item] = { impact: data.impact, feasibility: data.feasibility };
        }
        break;
      case "placement.summary":
        activity = Live.activity(state, data.activity_id);
        if (activity) {
          activity.placements = activity.placements || {};
          if (data.point) activity.placements[data.item] = data.point;
          else delete activity.placements[data.item];
        }
        break;
      case "activity.timer":
        activity = Live.activity(state, data.activity_id);
        if (activity) activity.timer_ends_at = data.timer_ends_at;
        Live.setClock(data.server_time);
        break;
      case "activity.locked":
        activity = Live.activity(state, data.activity_id);
        if (activity) activity.locked = data.locked;
        break;
      case "workshop.locked":
        state.workshop.locked = data.locked;
        break;
      case "workshop.status":
        state.workshop.status = data.status;
        break;
      case "workshop.current":
        state.workshop.current_activity_id = data.activity_id;
        break;
      case "participants.count":
        state.participant_count = data.count;
        break;
      case "participant.joined":
      case "participant.updated":
        if (state.participants) {
          state.participants = state.participants.filter(function (p) {
            return p.id !== data.participant.id;
          });
          state.participants.push(data.participant);
        }
        break;
    }
  };

  /* ---- Server clock: countdowns end at the same moment everywhere ---- */

  var clockOffset = 0; // server time - local time, in ms

  Live.setClock = function (serverTime) {
    if (serverTime) clockOffset = Date.parse(serverTime) - Date.now();
  };

  Live.remaining = function (endsAt) {
    if (!endsAt) return null;
    return Math.max(0, Math.round((Date.parse(endsAt) - (Date.now() + clockOffset)) / 1000));
  };

  Live.formatSeconds = function (seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  };

  /* ---- Connection ---- */

  var POLL_MS = 1500;
  var CHECK_MS = 20000;      // compare the stream with a poll (stuck proxies)
  var OPEN_TIMEOUT_MS = 8000;
  var SSE_RETRY_MS = 120000; // in polling mode, try streaming again
  var RELOAD_ON = { "activity.locked": true, "workshop.locked": true, "workshop.status": true };

  /* options: base (URL prefix of etat/flux/evenements), onState(state),
   * onStatus("online" | "offline" | "connecting"), onFatal(message). */
  function Connection(options) {
    this.options = options;
    this.state = null;
    this.lastId = 0;
    this.recent = [];       // events applied, replayed over a late snapshot
    this.mode = window.EventSource ? "sse" : "poll";
    this.failures = 0;
    this.down = false;
    this.timer = null;
    this.source = null;
    this.renderQueued = false;
    this.syncing = null;
  }

  Connection.prototype.start = function () {
    var self = this;
    this.status("connecting");
    this.resync().then(function () { self.listen(); }, function () {
      self.retryStart();
    });
    if (this.started) return;
    this.started = true;
    // The phone knows its network is down: its stream is dead even if the
    // browser has not noticed yet. Close it, and reconnect (then reload the
    // snapshot) as soon as the network is back.
    window.addEventListener("offline", function () {
      self.status("offline");
      self.stop();
    });
    window.addEventListener("online", function () {
      self.status("connecting");
      if (self.state) self.listen();
      else self.start();
    });
  };

  Connection.prototype.stop = function () {
    clearTimeout(this.timer);
    clearTimeout(this.checkTimer);
    if (this.source) this.source.close();
    this.source = null;
  };

  Connection.prototype.retryStart = function () {
    var self = this;
    this.status("offline");
    setTimeout(function () { self.start(); }, 3000);
  };

  Connection.prototype.status = function (name) {
    this.down = name !== "online";
    if (this.options.onStatus) this.options.onStatus(name);
  };

  Connection.prototype.render = function () {
    var self = this;
    if (this.renderQueued) return;
    this.renderQueued = true;
    (window.requestAnimationFrame || setTimeout)(function () {
      self.renderQueued = false;
      self.options.onState(self.state);
    });
  };

  /* Reload the whole snapshot, then replay what arrived meanwhile. */
  Connection.prototype.resync = function () {
    var self = this;
    if (this.syncing) return this.syncing;
    this.syncing = Live.getJSON(this.options.base + "/etat").then(function (state) {
      self.syncing = null;
      Live.setClock(state.server_time);
      self.recent.forEach(function (event) {
        if (event.id > state.last_id) Live.applyEvent(state, event);
      });
      self.state = state;
      self.lastId = Math.max(self.lastId, state.last_id);
      self.render();
    }, function (error) {
      self.syncing = null;
      if (error.status === 401 || error.status === 404 || error.status === 410 || error.status === 403) {
        if (self.options.onFatal) self.options.onFatal(error.message, error.status);
      }
      throw error;
    });
    return this.syncing;
  };

  Connection.prototype.handle = function (event) {
    if (event.id <= this.lastId) return; // already applied (replay, resync)
    this.lastId = event.id;
    this.recent.push(event);
    if (this.recent.length > 500) this.recent.splice(0, 250);
    if (this.state) Live.applyEvent(this.state, event);
    // What participants may do (`blocked`) is decided by the server: reload.
    var reload = event.data && event.data.resync || RELOAD_ON[event.type];
    if (reload) this.resync().catch(function () {});
    if (this.options.onEvent) this.options.onEvent(event);
    this.render();
  };

  Connection.prototype.listen = function () {
    clearTimeout(this.timer);
    if (this.mode === "sse") this.openStream();
    else this.pollSoon(0);
  };

  Connection.prototype.openStream = function () {
    var self = this;
    if (this.source) this.source.close();
    var source = new EventSource(this.options.base + "/flux?after=" + this.lastId);
    var opened = false;
    this.source = source;
    var openTimer = setTimeout(function () {
      if (!opened) self.fallBack(); // blocked or buffered by a proxy
    }, OPEN_TIMEOUT_MS);
    source.onopen = function () {
      clearTimeout(openTimer);
      opened = true;
      var wasDown = self.down;
      self.failures = 0;
      self.status("online");
      // After any drop, the snapshot is the truth (moderation, phases...).
      if (wasDown && self.state) self.resync().catch(function () {});
      self.scheduleCheck();
    };
    source.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      self.handle(event);
    };
    source.onerror = function () {
      if (self.source !== source) return;
      self.status(navigator.onLine === false ? "offline" : "connecting");
      if (!opened) self.failures += 1;
      opened = false;
      if (self.failures >= 3) self.fallBack();
      else if (source.readyState === 2) {
        setTimeout(function () { if (self.source === source) self.openStream(); }, 2000);
      }
    };
  };

  Connection.prototype.fallBack = function () {
    var self = this;
    if (this.source) this.source.close();
    this.source = null;
    this.mode = "poll";
    this.pollSoon(0);
    setTimeout(function () {
      if (self.mode === "poll") { self.mode = "sse"; self.failures = 0; self.switchPending = true; }
    }, SSE_RETRY_MS);
  };

  /* A stream that looks open can be silently dead (phone changed network,
   * proxy buffering): every 20 s, ask for the events after ours. */
  Connection.prototype.scheduleCheck = function () {
    var self = this;
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(function () {
      if (self.mode !== "sse" || !self.source) return;
      var before = self.lastId;
      Live.getJSON(self.options.base + "/evenements?after=" + before + "&limit=50")
        .then(function (answer) {
          var missed = answer.events.filter(function (e) { return e.id > self.lastId; });
          if (missed.length && self.lastId === before) {
            answer.events.forEach(function (e) { self.handle(e); });
            self.openStream(); // it was stuck: start a fresh one
          }
          self.scheduleCheck();
        }, function () { self.scheduleCheck(); });
    }, CHECK_MS);
  };

  Connection.prototype.pollSoon = function (delay) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.pollOnce(); }, delay);
  };

  Connection.prototype.pollOnce = function () {
    var self = this;
    if (this.switchPending) {
      this.switchPending = false;
      this.listen();
      return;
    }
    Live.getJSON(this.options.base + "/evenements?after=" + this.lastId)
      .then(function (answer) {
        var wasDown = self.down;
        self.status("online");
        answer.events.forEach(function (e) { self.handle(e); });
        self.lastId = Math.max(self.lastId, answer.last_id);
        Live.setClock(answer.server_time);
        var next = answer.more ? 0 : POLL_MS;
        if (wasDown) {
          return self.resync().then(function () { self.pollSoon(next); });
        }
        self.pollSoon(next);
      })
      .catch(function (error) {
        if (error.status === 401 || error.status === 410) {
          if (self.options.onFatal) self.options.onFatal(error.message, error.status);
          return;
        }
        self.status("offline");
        self.pollSoon(3000);
      });
  };

  Live.Connection = Connection;

  /* ---- Impact × feasibility matrix (facilitation/matrix.py) ---- */

  Live.IMPACT = ["Faible", "Moyen", "Fort", "Très fort"];
  Live.FEASIBILITY = ["Difficile", "Plutôt difficile", "Plutôt facile", "Facile"];
  var HIGH = 2.5;
  var QUADRANTS = { "true|true": "À lancer en priorité", "true|false": "Fort impact, à préparer",
                    "false|true": "Facile, impact limité", "false|false": "À écarter pour l'instant" };

  Live.quadrant = function (point) {
    return QUADRANTS[(point.impact > HIGH) + "|" + (point.feasibility > HIGH)];
  };

  /* Items with the room's means, best placed first (as matrix.results). */
  Live.matrixRows = function (activity) {
    var placements = activity.placements || {};
    var rows = (activity.items || []).map(function (item) {
      var point = placements[item.key];
      return { key: item.key, label: item.label, point: point && point.count ? point : null };
    });
    function score(row) {
      return row.point ? row.point.impact + row.point.feasibility + row.point.impact / 100 : -1;
    }
    rows.sort(function (a, b) { return score(b) - score(a); });
    return rows;
  };

  function svgNode(tag, attrs, text) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function decimal(value) { return value.toFixed(1).replace(".", ","); }

  /* Draw the matrix (SVG of numbered dots) and its table (the accessible
   * version: the numbers refer to its rows) into `box`. */
  Live.drawMatrix = function (box, activity) {
    var rows = Live.matrixRows(activity);
    var size = 420, margin = 56, inner = size - 2 * margin;
    function x(f) { return margin + (f - 1) / 3 * inner; }
    function y(i) { return margin + (4 - i) / 3 * inner; }
    var svg = svgNode("svg", { viewBox: "0 0 " + size + " " + size, role: "img", "class": "matrix-svg",
                               "aria-label": "Matrice impact × faisabilité : les numéros renvoient au tableau." });
    svg.appendChild(svgNode("rect", { x: margin, y: margin, width: inner, height: inner, fill: "#f6f6fb", stroke: "#3a3a3a" }));
    svg.appendChild(svgNode("rect", { x: x(HIGH), y: margin, width: margin + inner - x(HIGH), height: y(HIGH) - margin, fill: "#e3f5e8" }));
    svg.appendChild(svgNode("line", { x1: x(HIGH), y1: margin, x2: x(HIGH), y2: margin + inner, stroke: "#3a3a3a", "stroke-dasharray": "4 4" }));
    svg.appendChild(svgNode("line", { x1: margin, y1: y(HIGH), x2: margin + inner, y2: y(HIGH), stroke: "#3a3a3a", "stroke-dasharray": "4 4" }));
    [[true, true, margin + inner - 4, margin + 14, "end"], [true, false, margin + 4, margin + 14, "start"],
     [false, true, margin + inner - 4, margin + inner - 6, "end"], [false, false, margin + 4, margin + inner - 6, "start"]]
      .forEach(function (c) {
        svg.appendChild(svgNode("text", { x: c[2], y: c[3], "text-anchor": c[4], "font-size": 11, fill: "#3a3a3a" },
                                QUADRANTS[c[0] + "|" + c[1]]));
      });
    svg.appendChild(svgNode("text", { x: size / 2, y: size - 14, "text-anchor": "middle", "font-size": 13 },
                            "Faisabilité : difficile → facile"));
    svg.appendChild(svgNode("text", { x: 18, y: size / 2, "text-anchor": "middle", "font-size": 13,
                                      transform: "rotate(-90 18 " + size / 2 + ")" }, "Impact : faible → fort"));
    var body = Live.el("tbody");
    var number = 0;
    rows.forEach(function (row) {
      var p = row.point;
      if (p) {
        number += 1;
        svg.appendChild(svgNode("circle", { cx: x(p.feasibility), cy: y(p.impact), r: 11, fill: "#000091" }));
        svg.appendChild(svgNode("text", { x: x(p.feasibility), y: y(p.impact) + 4, "text-anchor": "middle",
                                          "font-size": 11, "font-weight": 700, fill: "#fff" }, String(number)));
      }
      body.appendChild(Live.el("tr", {}, [
        Live.el("td", { text: p ? number : "" }), Live.el("td", { text: row.label }),
        Live.el("td", { text: p ? p.count : 0 }), Live.el("td", { text: p ? decimal(p.impact) : "–" }),
        Live.el("td", { text: p ? decimal(p.feasibility) : "–" }),
        Live.el("td", { text: p ? Live.quadrant(p) : "Pas encore placé" })
      ]));
    });
    var head = Live.el("tr", {}, ["N°", "Élément", "Participants", "Impact (1 à 4)", "Faisabilité (1 à 4)", "Position"]
      .map(function (h) { return Live.el("th", { text: h, attrs: { scope: "col" } }); }));
    box.textContent = "";
    box.appendChild(Live.el("div", { cls: "matrix-board" }, [
      Live.el("figure", { cls: "matrix" }, [svg]),
      Live.el("div", { cls: "table-wrap" }, [Live.el("table", { cls: "matrix-table" }, [
        Live.el("caption", { text: "Moyenne des positions données par les participants" }),
        Live.el("thead", {}, [head]), body
      ])])
    ]));
  };

  /* Ticks every second for the countdowns of a page. */
  Live.everySecond = function (fn) {
    fn();
    return setInterval(fn, 1000);
  };

  window.Live = Live;
})();
