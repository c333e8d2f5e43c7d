// The outbox: posts that must reach the server exactly once.
//
// Kept in the page and in localStorage (a reload or a crash of the browser
// loses nothing), sent one at a time and retried with a growing delay until
// the server answers. A card carries its own client_key (the idempotency key,
// js/random-key.js) and a vote is an absolute count, so sending either twice
// changes nothing: never lost, never doubled.
import { postJSON } from "../../static/js/fetch.js";

/* options: storageKey (or null), onChange(items), onDone(item, data),
 * onRefused(item, message, status). Items: {key, url, body, label}.
 * A card carries its client_key in the body; a vote is an absolute count,
 * so sending either twice changes nothing. */
export function Outbox(options) {
  this.options = options;
  this.items = [];
  this.busy = false;
  this.delay = 1000;
  this.timer = null;
  if (options.storageKey) {
    try {
      this.items = JSON.parse(localStorage.getItem(options.storageKey) || "[]");
    } catch (e) { this.items = []; }
    this.items.forEach(function (item) { item.sending = false; });
  }
  var self = this;
  window.addEventListener("online", function () { self.delay = 1000; self.flush(); });
}

Outbox.prototype.save = function () {
  if (this.options.storageKey) {
    try { localStorage.setItem(this.options.storageKey, JSON.stringify(this.items)); }
    catch (e) { /* private mode: the page still keeps them */ }
  }
  if (this.options.onChange) this.options.onChange(this.items);
};

/* Add an item; one with the same key that is not being sent is replaced
 * (the latest vote count on a card is the only one that matters). */
Outbox.prototype.add = function (item) {
  this.items = this.items.filter(function (other) {
    return other.key !== item.key || other.sending;
  });
  this.items.push(item);
  this.save();
  this.flush();
};

Outbox.prototype.flush = function () {
  var self = this;
  if (this.busy || !this.items.length) return;
  clearTimeout(this.timer);
  var item = this.items[0];
  this.busy = true;
  item.sending = true;
  postJSON(item.url, item.body).then(function (answer) {
    self.busy = false;
    item.sending = false;
    var retry = answer.status >= 500 || answer.status === 429 || answer.status === 408;
    if (retry) return self.later(answer.data.error);
    self.items.splice(self.items.indexOf(item), 1);
    self.delay = 1000;
    self.save();
    if (answer.ok) {
      if (self.options.onDone) self.options.onDone(item, answer.data);
    } else if (self.options.onRefused) {
      self.options.onRefused(item, answer.data.error || "Envoi refusé.", answer.status);
    }
    self.flush();
  }, function () {
    self.busy = false;
    item.sending = false;
    self.later();
  });
};

Outbox.prototype.later = function (message) {
  var self = this;
  this.save();
  if (this.options.onWaiting) this.options.onWaiting(message);
  this.timer = setTimeout(function () { self.flush(); }, this.delay);
  this.delay = Math.min(this.delay * 2, 10000);
};
