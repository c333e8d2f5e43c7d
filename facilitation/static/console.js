/* The facilitator's console: phases (with an obvious step back), timer,
 * locks, approval queue, hide/edit/merge, tables, cards and votes for people
 * without a phone. Every action is checked again by the server. This module
 * draws the whole page; its parts are in console/. */
import { plural, setText } from "../static/js/dom.js";
import { everySecond } from "./live/clock.js";
import { Connection } from "./live/connection.js";
import { current as currentActivity } from "./live/store.js";
import { byId, page, showError } from "./console/page.js";
import { renderActivities, renderControls, renderEnd, updateTimer } from "./console/controls.js";
import { renderBoard, renderQueue } from "./console/cards.js";
import { renderProxy, renderTables } from "./console/people.js";

let frameKey = null;

function render() {
  if (!page.state) return;
  var activity = currentActivity(page.state);
  var cards = 0;
  page.state.activities.forEach(function (a) { cards += a.cards.filter(function (c) { return c.status === "visible"; }).length; });
  setText(byId("compteurs"), plural(page.state.participant_count, "participant connecté", "participants connectés") +
               " · " + plural(cards, "carte", "cartes"));
  renderActivities();
  var key = activity ? JSON.stringify([activity.id, activity.phase, activity.locked, page.state.workshop.locked,
                                       activity.config, activity.blocked, activity.phases,
                                       activity.voted_in]) : "none";
  if (key !== frameKey) {
    renderControls(activity);
    frameKey = key;
  }
  updateTimer(activity);
  renderQueue();
  renderBoard(activity);
  renderProxy(activity);
  renderTables(activity);
  renderEnd();
}

function showStatus(name) {
  var line = byId("connexion");
  line.className = "status status-" + name;
  setText(line, name === "online" ? "En direct" : name === "offline" ? "Hors connexion : les changements s'afficheront au retour du réseau" : "Connexion…");
}

page.render = render;  // the parts redraw the page after their own changes
everySecond(function () { if (page.state) updateTimer(currentActivity(page.state)); });

new Connection({
  base: page.base,
  onState: function (next) { page.state = next; render(); },
  onStatus: showStatus,
  onFatal: showError
}).start();
