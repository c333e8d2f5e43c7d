// The console's controls: the activity's phases (with an obvious step back),
// its timer and locks, the list of activities, the end of the workshop.
import { el, plural, setText, syncChildren } from "../../static/js/dom.js";
import { formatSeconds, remaining } from "../live/clock.js";
import { findActivity } from "../live/store.js";
import { act, button, byId, offerUndo, page } from "./page.js";

var CONFIRM = {
  reveal: "Révéler les cartes ? Tout le monde verra les cartes de tous.",
  group: "Passer au regroupement ? Les participants ne pourront plus écrire.",
  vote: "Ouvrir le vote ? Les participants pourront poser leurs gommettes.",
  results: "Afficher les résultats du vote à tout le monde ?",
  write: "Revenir à l'écriture ? Les participants pourront de nouveau écrire."
};

/* ---- phases ---- */

function goToPhase(activity, phase, confirmFirst) {
  var index = activity.phases.indexOf(phase);
  var forward = index > activity.phases.indexOf(activity.phase);
  if (confirmFirst && forward && CONFIRM[phase] && !window.confirm(
    CONFIRM[phase] + "\n\nVous pourrez revenir en arrière : rien n'est perdu.")) return;
  var previous = activity.phase;
  var labels = phaseLabels();
  act("/activites/" + activity.id + "/phase", { phase: phase }).then(function () {
    offerUndo("Étape : " + labels[phase] + ".", function () {
      act("/activites/" + activity.id + "/phase", { phase: previous });
    });
  }).catch(function () {});
}

function phaseLabels() {
  return { write: "Écriture", reveal: "Révélation", group: "Regroupement", vote: "Vote", results: "Résultats" };
}

/* One way to vote on a set of cards, said where the facilitator decides
 * (issue 8 C6). */
function votingNote(activity) {
  if (activity.kind === "matrix") {
    return "Matrice impact × faisabilité : à l'étape « Vote », chacun place chaque élément ; " +
      "l'écran montre la matrice à l'étape « Résultats ». Vous la voyez dès maintenant ci-dessous.";
  }
  if (activity.kind === "dots") {
    var source = findActivity(page.state, activity.config.source_activity_id);
    return "Vote par gommettes, à part, sur les cartes de « " + (source ? source.title : "?") +
      " » (" + plural(activity.config.budget, "gommette", "gommettes") + " par personne).";
  }
  if (activity.voted_in && activity.voted_in.length) {
    return "Le vote sur ces cartes se fait dans l'activité « " + activity.voted_in[0].title +
      " » : après le regroupement, affichez-la.";
  }
  return "Étape « Vote » : chacun pose tout de suite ses gommettes sur les cartes de ce tableau. " +
    "Pour voter plus tard, à part, ajoutez plutôt une activité « Vote par gommettes » sur ce tableau : " +
    "il s'arrêtera alors au regroupement.";
}

export function renderControls(activity) {
  var body = byId("pilotage-corps");
  body.textContent = "";
  if (!activity) {
    body.appendChild(el("p", { cls: "muted", text: "Aucune activité affichée : choisissez-en une ci-dessus." }));
    return;
  }
  var labels = phaseLabels();
  var label = activity.title === activity.template_label ? "" : " (" + activity.template_label + ")";
  body.appendChild(el("h3", { text: activity.title + label }));
  var steps = el("ol", { cls: "phases", attrs: { "aria-label": "Étapes" } });
  activity.phases.forEach(function (phase) {
    var current = phase === activity.phase;
    var item = el("li", { cls: current ? "current" : "", attrs: { "aria-current": current ? "step" : false } });
    if (current) item.appendChild(el("strong", { text: labels[phase] + " (en cours)" }));
    else item.appendChild(button("Aller à « " + labels[phase] + " »", function () {
      goToPhase(activity, phase, true);
    }, "link"));
    steps.appendChild(item);
  });
  body.appendChild(steps);
  var index = activity.phases.indexOf(activity.phase);
  var row = el("p", { cls: "actions phase-buttons" });
  if (index > 0) {
    var back = activity.phases[index - 1];
    row.appendChild(button("← Revenir à « " + labels[back] + " »", function () {
      goToPhase(activity, back, false);
    }, "secondary back"));
  }
  if (index < activity.phases.length - 1) {
    var next = activity.phases[index + 1];
    row.appendChild(button("Étape suivante : « " + labels[next] + " » →", function () {
      goToPhase(activity, next, true);
    }, "next"));
  }
  body.appendChild(row);
  body.appendChild(el("p", { cls: "hint", text: "Changer d'étape ne supprime rien : vous pouvez toujours revenir en arrière." }));
  var votePurpose = votingNote(activity);
  if (votePurpose) body.appendChild(el("p", { cls: "hint vote-purpose", text: votePurpose }));

  // Timer
  var timer = el("div", { cls: "timer-controls" }, [el("h4", { text: "Minuteur" })]);
  var display = el("p", { cls: "timer", attrs: { id: "console-minuteur" } });
  timer.appendChild(display);
  var buttons = el("p", { cls: "actions" });
  [1, 3, 5, 10].forEach(function (minutes) {
    buttons.appendChild(button(minutes + " min", function () {
      act("/activites/" + activity.id + "/minuteur", { seconds: minutes * 60 }).catch(function () {});
    }, "secondary"));
  });
  buttons.appendChild(button("+1 min", function () {
    act("/activites/" + activity.id + "/minuteur", { add: 60 }).catch(function () {});
  }, "secondary"));
  buttons.appendChild(button("Arrêter le minuteur", function () {
    act("/activites/" + activity.id + "/minuteur", { stop: true }).catch(function () {});
  }, "secondary"));
  timer.appendChild(buttons);
  var lockAtEnd = el("input", { attrs: { type: "checkbox", id: "verrou-fin", checked: !!activity.config.lock_at_time_up },
    on: { change: function (e) {
      act("/activites/" + activity.id, { config: { lock_at_time_up: e.target.checked } }).catch(function () {});
    } } });
  timer.appendChild(el("p", {}, [lockAtEnd, " ", el("label", { text: "Bloquer l'écriture et le vote quand le temps est écoulé", attrs: { "for": "verrou-fin" } })]));
  body.appendChild(timer);

  // Locks
  var locks = el("p", { cls: "actions" });
  locks.appendChild(button(activity.locked ? "Déverrouiller cette activité" : "Verrouiller cette activité", function () {
    act("/activites/" + activity.id + "/verrou", { locked: !activity.locked }).catch(function () {});
  }, activity.locked ? "" : "secondary"));
  locks.appendChild(button(page.state.workshop.locked ? "Déverrouiller tout l'atelier" : "Verrouiller tout l'atelier", function () {
    act("/atelier", { locked: !page.state.workshop.locked }).catch(function () {});
  }, page.state.workshop.locked ? "" : "secondary"));
  body.appendChild(el("h4", { text: "Verrou" }));
  body.appendChild(locks);
  if (activity.blocked) body.appendChild(el("p", { cls: "flash", text: "Participants : " + activity.blocked }));
}

export function updateTimer(activity) {
  var display = byId("console-minuteur");
  if (!display || !activity) return;
  var left = remaining(activity.timer_ends_at);
  setText(display, left === null ? "Pas de minuteur." : left > 0 ? "Temps restant : " + formatSeconds(left) : "Temps écoulé.");
}

/* ---- activities ---- */

export function renderActivities() {
  var list = byId("activites");
  syncChildren(list, page.state.activities, function (a) { return a.id; }, function () {
    return el("li", {}, [el("span", { cls: "name" }), " ", el("span", { cls: "muted where" }), " ", el("span", { cls: "slot" })]);
  }, function (node, activity) {
    var current = activity.id === page.state.workshop.current_activity_id;
    setText(node.querySelector(".name"), activity.title);
    setText(node.querySelector(".where"), "(" + activity.template_label + " · " + activity.phase_label + ")");
    node.className = current ? "current" : "";
    var slot = node.querySelector(".slot");
    if (slot.dataset.current !== String(current)) {
      slot.textContent = "";
      slot.dataset.current = String(current);
      if (current) slot.appendChild(el("strong", { text: "affichée sur les téléphones et l'écran" }));
      else slot.appendChild(button("Afficher cette activité", function () {
        var previous = page.state.workshop.current_activity_id;
        act("/atelier", { current_activity_id: activity.id }).then(function () {
          offerUndo("Activité affichée : " + activity.title + ".", function () {
            act("/atelier", { current_activity_id: previous });
          });
        }).catch(function () {});
      }, "secondary"));
    }
  });
}

export function renderEnd() {
  var box = byId("fin");
  if (box.dataset.status === page.state.workshop.status) return;
  box.dataset.status = page.state.workshop.status;
  box.textContent = "";
  if (page.state.workshop.status === "open") {
    box.appendChild(button("Terminer l'atelier", function () {
      if (window.confirm("Terminer l'atelier ? Les participants ne pourront plus rien envoyer. Tout est conservé et vous pourrez le rouvrir.")) {
        act("/atelier", { status: "closed" }).catch(function () {});
      }
    }, "secondary"));
  } else {
    box.appendChild(el("p", { text: "L'atelier est terminé. Tout est conservé." }));
    box.appendChild(button("Rouvrir l'atelier", function () { act("/atelier", { status: "open" }).catch(function () {}); }));
  }
}
