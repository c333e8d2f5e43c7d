// Paper entry, keyboard first: in a choice question, a digit ticks that
// answer (1 = first) and a letter the next answer starting with it; Enter
// moves to the next question, and saves on the last one. The form works
// without this file (Enter then saves, and the server shows what is missing).
(function () {
  "use strict";
  var form = document.getElementById("paper-form");
  if (!form) return;
  var questions = Array.prototype.slice.call(
    form.querySelectorAll("fieldset.group, div.field")
  ).filter(function (q) { return !q.closest(".other"); });

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim().toLowerCase();
  }
  function controls(question) {
    return Array.prototype.slice.call(question.querySelectorAll("input:not([type=hidden]), textarea"));
  }
  function focusQuestion(index) {
    if (index >= questions.length) { form.querySelector("button[type=submit]").focus(); return; }
    var list = controls(questions[index]);
    var checked = list.filter(function (n) { return n.checked; })[0];
    (checked || list[0]).focus();
  }
  function questionOf(node) {
    for (var i = 0; i < questions.length; i++) if (questions[i].contains(node)) return i;
    return -1;
  }

  form.addEventListener("keydown", function (event) {
    var target = event.target, index = questionOf(target);
    if (index < 0 || event.ctrlKey || event.altKey || event.metaKey) return;
    var question = questions[index];
    var choices = controls(question).filter(function (n) {
      return n.type === "radio" || n.type === "checkbox";
    });
    if (event.key === "Enter" && target.tagName !== "TEXTAREA") {
      event.preventDefault();
      if (index === questions.length - 1) form.requestSubmit();
      else focusQuestion(index + 1);
      return;
    }
    if (!choices.length || choices.indexOf(target) < 0 || event.key.length !== 1) return;
    var pick = null;
    if (/[1-9]/.test(event.key)) {
      pick = choices[Number(event.key) - 1];
    } else {
      var letter = fold(event.key), start = choices.indexOf(target);
      for (var step = 1; step <= choices.length && !pick; step++) {
        var candidate = choices[(start + step) % choices.length];
        if (fold(candidate.parentNode.textContent).charAt(0) === letter) pick = candidate;
      }
    }
    if (!pick) return;
    event.preventDefault();
    if (pick.type === "radio") pick.checked = true; else pick.checked = !pick.checked;
    pick.focus();
  });

  // After a save (or an error), the typing starts again at the right place.
  var wrong = form.querySelector("[aria-invalid=true]");
  if (wrong) wrong.focus(); else focusQuestion(1);  // 0 is "how collected"
})();
