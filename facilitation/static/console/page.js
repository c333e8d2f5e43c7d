// The console's page: the shared state of the page and the helpers every
// part uses to act (send to the server, show its French refusal, offer an
// undo, make a button).
import { el, setText } from "../../static/js/dom.js";
import { postJSON } from "../../static/js/fetch.js";

export const page = {
  base: document.getElementById("console").dataset.base,
  state: null,       // the snapshot (live/store.js), set by console.js
  proxyVoter: "",    // who the facilitator votes for (people.js)
  render: function () {},
};
let undoTimer = null;

export function byId(id) { return document.getElementById(id); }

export function showError(message) {
  var box = byId("erreur");
  setText(box, message || "");
  box.hidden = !message;
}

/* Send an action; show the server's French message if it is refused. */
export function act(path, body) {
  showError("");
  return postJSON(page.base + path, body).then(function (answer) {
    if (!answer.ok) {
      showError(answer.data.error || "Action refusée.");
      throw new Error(answer.data.error);
    }
    return answer.data;
  }, function () {
    showError("Le serveur ne répond pas : vérifiez la connexion puis recommencez.");
    throw new Error("network");
  });
}

export function offerUndo(message, undo) {
  var bar = byId("annuler");
  setText(bar.querySelector("span"), message);
  var button = bar.querySelector("button");
  var fresh = button.cloneNode(true); // drop the previous undo's listener
  button.parentNode.replaceChild(fresh, button);
  fresh.addEventListener("click", function () {
    bar.hidden = true;
    undo();
  });
  bar.hidden = false;
  clearTimeout(undoTimer);
  undoTimer = setTimeout(function () { bar.hidden = true; }, 30000);
}

/* `about` (a card's text) completes the name for screen readers:
 * ten "Masquer" buttons in a row would otherwise be indistinguishable. */
export function button(text, onClick, cls, about) {
  var children = [text];
  if (about) children.push(el("span", { cls: "visually-hidden", text: " « " + about.slice(0, 60) + " »" }));
  return el("button", { cls: cls || "", attrs: { type: "button" }, on: { click: onClick } }, children);
}
