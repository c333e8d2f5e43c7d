/* The projector: the board of the current activity, tables side by side,
 * vote results as bars, the countdown, live counts. Read-only. */
import { el, plural, setText, syncChildren } from "../static/js/dom.js";
import { everySecond, formatSeconds, remaining } from "./live/clock.js";
import { Connection } from "./live/connection.js";
import { drawMatrix } from "./live/matrix.js";
import { cardSource, current as currentActivity } from "./live/store.js";

(function () {
  var root = document.getElementById("ecran");
  if (!root) return;

  var state = null;
  var frameKey = null;
  var lists = {};
  var board = document.getElementById("plateau");
  var statusLine = document.getElementById("connexion");

  function showStatus(name) {
    statusLine.className = "status status-" + name;
    setText(statusLine, name === "online" ? "En direct" : name === "offline" ? "Hors connexion" : "Connexion…");
  }

  function shown(card) {
    return card.status === "visible" && !card.merged_into;
  }

  function render() {
    var activity = currentActivity(state);
    var people = state.participant_count;
    setText(document.getElementById("participants"), plural(people, "participant connecté", "participants connectés"));
    var all = 0;
    state.activities.forEach(function (a) { all += a.cards.filter(shown).length; });
    setText(document.getElementById("nb-cartes"), plural(all, "carte", "cartes"));
    if (!activity) {
      setText(document.getElementById("activite-titre"), "L'atelier va commencer");
      setText(document.getElementById("activite-etape"), "");
      board.textContent = "";
      frameKey = null;
      return;
    }
    var source = cardSource(state, activity);
    var config = source.config;
    var apart = config.by_table && !config.tables_merged && state.tables.length > 0;
    var key = [activity.id, activity.phase, apart, activity.private,
               JSON.stringify(source.columns), JSON.stringify(state.tables)].join("|");
    setText(document.getElementById("activite-titre"),
                 activity.title + (activity.config.target ? " — " + activity.config.target : ""));
    setText(document.getElementById("activite-etape"), "Étape : " + activity.phase_label +
                 (activity.locked || state.workshop.locked ? " · tableau verrouillé" : ""));
    updateTimer(activity);
    if (activity.kind === "matrix") {
      if (frameKey !== key) { board.textContent = ""; lists = {}; frameKey = key; delete board.dataset.drawn; }
      renderMatrix(activity);
      return;
    }
    if (activity.phase === "results") {
      if (frameKey !== key) { board.textContent = ""; lists = {}; frameKey = key; }
      renderResults(activity, source);
      return;
    }
    if (frameKey !== key) {
      buildBoard(source, apart);
      frameKey = key;
    }
    var cards = source.cards.filter(shown);
    Object.keys(lists).forEach(function (listKey) {
      var entry = lists[listKey];
      var inList = cards.filter(function (card) {
        return card.column === entry.column && (!apart || card.table_id === entry.table);
      });
      if (activity.private) {
        // Private writing: the room sees how many cards, not what they say.
        setText(entry.count, plural(inList.length, "carte écrite", "cartes écrites"));
        inList = [];
      } else {
        setText(entry.count, "");
      }
      syncChildren(entry.list, inList, function (c) { return c.id; }, function () {
        return el("li", { cls: "card" }, [el("p", { cls: "text" }), el("p", { cls: "meta" })]);
      }, function (node, card) {
        setText(node.querySelector(".text"), card.text);
        var merged = source.cards.filter(function (c) { return c.merged_into === card.id; });
        setText(node.querySelector(".meta"), merged.length
          ? "+ " + plural(merged.length, "carte semblable", "cartes semblables") : "");
      });
    });
  }

  function columnBlock(column, tableId, heading) {
    var list = el("ul", { cls: "cards" });
    var count = el("p", { cls: "muted" });
    lists[column.key + "@" + tableId] = { list: list, count: count, column: column.key, table: tableId };
    return el("section", { cls: "column" }, [el(heading, { text: column.label }), count, list]);
  }

  /* Columns per row so that every column fits the screen: 7 → 4 + 3,
   * 8 → 4 + 4, 12 → 4 × 3 (issue 8 C2). */
  function perRow(count) {
    if (count <= 4) return Math.max(1, count);
    return count <= 6 ? 3 : 4;
  }

  function columnGrid(columns, tableId, heading) {
    var grid = el("div", { cls: "board cols-" + perRow(columns.length) });
    columns.forEach(function (column) { grid.appendChild(columnBlock(column, tableId, heading)); });
    return grid;
  }

  function buildBoard(source, apart) {
    board.textContent = "";
    lists = {};
    if (!apart) {
      board.appendChild(columnGrid(source.columns, null, "h3"));
      return;
    }
    var tables = el("div", { cls: "tables" });
    state.tables.forEach(function (table) {
      tables.appendChild(el("section", { cls: "table-board" }, [
        el("h3", { text: table.name }), columnGrid(source.columns, table.id, "h4")
      ]));
    });
    board.appendChild(tables);
  }

  /* While people place: who has placed what (the means would sway them);
   * at the results: the matrix and its table. */
  function renderMatrix(activity) {
    var drawn = JSON.stringify([activity.phase, activity.items, activity.placements]);
    if (board.dataset.drawn === drawn) return;
    board.dataset.drawn = drawn;
    if (activity.phase === "results") {
      drawMatrix(board, activity);
      return;
    }
    board.textContent = "";
    var list = el("ol", { cls: "results matrix-progress" });
    (activity.items || []).forEach(function (item) {
      var point = (activity.placements || {})[item.key];
      var count = point ? point.count : 0;
      list.appendChild(el("li", {}, [el("p", { cls: "text", text: item.label }),
        el("p", { cls: "meta", text: count ? "placé par " + plural(count, "personne", "personnes") : "pas encore placé" })]));
    });
    board.appendChild(list);
  }

  function renderResults(activity, source) {
    var totals = activity.totals || {};
    var cards = source.cards.filter(shown).slice().sort(function (a, b) {
      return (totals[b.id] || 0) - (totals[a.id] || 0);
    });
    var max = 1;
    cards.forEach(function (c) { max = Math.max(max, totals[c.id] || 0); });
    var list = board.querySelector("ol.results");
    if (!list) {
      list = el("ol", { cls: "results" });
      board.appendChild(list);
    }
    syncChildren(list, cards, function (c) { return c.id; }, function () {
      return el("li", {}, [
        el("p", { cls: "text" }),
        el("div", { cls: "bar-track" }, [el("span", { cls: "bar w-0" })]),
        el("p", { cls: "meta" })
      ]);
    }, function (node, card) {
      var total = totals[card.id] || 0;
      setText(node.querySelector(".text"), card.text);
      node.querySelector(".bar").className = "bar w-" + Math.round(total / max * 20) * 5;
      setText(node.querySelector(".meta"), plural(total, "gommette", "gommettes"));
    });
  }

  var timerLine = document.getElementById("minuteur");
  function updateTimer(activity) {
    var left = remaining(activity.timer_ends_at);
    timerLine.hidden = left === null;
    if (left !== null) setText(timerLine, left > 0 ? formatSeconds(left) : "Temps écoulé");
  }

  everySecond(function () {
    var activity = state && currentActivity(state);
    if (activity) updateTimer(activity);
  });

  /* The join panel can be hidden once everyone is in (the code stays in
   * the header), and the board can take the whole screen. */
  var joinButton = document.getElementById("bouton-rejoindre");
  var shortCode = document.getElementById("code-court");
  joinButton.addEventListener("click", function () {
    var hide = !root.classList.contains("join-hidden");
    root.classList.toggle("join-hidden", hide);
    shortCode.hidden = !hide;
    joinButton.setAttribute("aria-expanded", hide ? "false" : "true");
    setText(joinButton, hide ? "Afficher le code d'accès" : "Masquer le code d'accès");
  });
  var fullButton = document.getElementById("plein-ecran");
  var page = document.documentElement;
  if (page.requestFullscreen) {
    fullButton.hidden = false;
    fullButton.addEventListener("click", function () {
      if (document.fullscreenElement) document.exitFullscreen();
      else page.requestFullscreen().catch(function () {});
    });
    document.addEventListener("fullscreenchange", function () {
      setText(fullButton, document.fullscreenElement ? "Quitter le plein écran" : "Plein écran");
    });
  }

  new Connection({
    base: root.dataset.base,
    onState: function (next) { state = next; render(); },
    onStatus: showStatus
  }).start();
})();
