// The live connection of a workshop page: Server-Sent Events, with an
// automatic fallback to short polling (?after=N) when streaming fails or is
// blocked; remembers the last event id and reloads the full snapshot after
// every reconnect, so a phone that drops loses nothing.
import { setClock } from "./clock.js";
import { getJSON } from "../../static/js/fetch.js";
import { applyEvent } from "./store.js";

var POLL_MS = 1500;
var CHECK_MS = 20000;      // compare the stream with a poll (stuck proxies)
var OPEN_TIMEOUT_MS = 8000;
var SSE_RETRY_MS = 120000; // in polling mode, try streaming again
var RELOAD_ON = { "activity.locked": true, "workshop.locked": true, "workshop.status": true };

/* options: base (URL prefix of etat/flux/evenements), onState(state),
 * onStatus("online" | "offline" | "connecting"), onFatal(message). */
export function Connection(options) {
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
  this.syncing = getJSON(this.options.base + "/etat").then(function (state) {
    self.syncing = null;
    setClock(state.server_time);
    self.recent.forEach(function (event) {
      if (event.id > state.last_id) applyEvent(state, event);
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
  if (this.state) applyEvent(this.state, event);
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
    getJSON(self.options.base + "/evenements?after=" + before + "&limit=50")
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
  getJSON(this.options.base + "/evenements?after=" + this.lastId)
    .then(function (answer) {
      var wasDown = self.down;
      self.status("online");
      answer.events.forEach(function (e) { self.handle(e); });
      self.lastId = Math.max(self.lastId, answer.last_id);
      setClock(answer.server_time);
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
