"""Builder views on single questions: add (bank or own), edit, move, remove.

Registered on the builder blueprint (builder/__init__.py). Each POST is safe
to repeat: a double tap finds its work already done (same key, same content,
same order) and changes nothing more.
"""

from typing import Any

from flask import abort, flash, render_template, request

from ...access import login_required
from .. import bank, editing, model
from ..questions import QUESTION_KEY_RE, new_question_key
from . import bp
from .forms import QuestionForm, bank_by_theme, exclusive_codes
from .helpers import Refused, answer_counts, fingerprint, load, save, to_list

Question = dict[str, Any]
STALE_QUESTION = (
    "Cette question a été modifiée par ailleurs (autre onglet ou autre personne) "
    "pendant que vous la modifiiez. Vos changements ne sont pas encore "
    "enregistrés : enregistrez de nouveau pour les garder."
)


@bp.route("/enquetes/<int:survey_id>/questions/nouvelle", methods=["GET", "POST"])
@login_required
def new_question(survey_id: int):
    """A conseiller's own question, of any type, added at the end."""
    survey, version = load(survey_id)
    taken = {q["key"] for q in version["questions"]}
    key = request.form.get("key", "")
    if not QUESTION_KEY_RE.match(key) or not key.startswith("Q_"):
        key = new_question_key(taken)  # made once, then posted back
    return question_page(survey, version, key, None)


@bp.route("/enquetes/<int:survey_id>/questions/<key>/modifier", methods=["GET", "POST"])
@login_required
def edit_question(survey_id: int, key: str):
    """:raise 404: no such question in the current version."""
    survey, version = load(survey_id)
    index = editing.find(version["questions"], key)
    if index is None:
        abort(404)
    return question_page(survey, version, key, version["questions"][index])


def question_page(survey, version, key: str, question: Question | None):
    """The question form, new (`question` None) or existing; saves on POST."""
    questions = version["questions"]
    index = editing.find(questions, key)
    earlier = questions if index is None else questions[:index]
    form = QuestionForm()
    if request.method == "GET" and question:
        form.fill(question)
    form.set_options(earlier)
    token = request.form.get("token") or fingerprint(question)
    saving = request.form.get("action") == "save"
    if saving and form.validate_on_submit():
        new = form.to_question(key, question)
        renamed = False
        if new and question and new["type"] != question["type"]:
            if question.get("bank_id") or has_answers(survey["id"]):
                # Answers and national figures are joined on the key and the
                # bank id: "oui" and 3 must never share them. A new question.
                new.pop("bank_id", None)
                new["key"] = new_question_key({q["key"] for q in questions})
                renamed = True
        if new:
            new = exclusive_codes(editing.with_choice_codes(new, question))
        if new and form.check(new, earlier):
            errors = save(survey["id"], replacing(key, new, token, question is None))
            if not errors:
                flash("Question enregistrée.", "success")
                if renamed:
                    flash(
                        "Le type a changé : c'est maintenant une nouvelle question, "
                        "sans comparaison nationale ; les réponses déjà reçues "
                        "restent avec l'ancienne.",
                        "info",
                    )
                return to_list(survey["id"], new["key"])
            form.form_errors.extend(errors)
            if STALE_QUESTION in errors and question:
                token = fingerprint(questions[index])
    total, current = answer_counts(survey["id"], version["id"])
    entry = bank.bank_question(question.get("bank_id", "")) if question else None
    return render_template(
        "surveys/question.html",
        survey=survey,
        form=form,
        question=question,
        key=key,
        token=token,
        position=len(questions) + 1 if index is None else index + 1,
        indicator=entry and entry["indicator"],
        current=current,
    ), (400 if saving else 200)


def has_answers(survey_id: int) -> bool:
    return answer_counts(survey_id, 0)[0] > 0


def replacing(key: str, new: Question, token: str, is_new: bool):
    """The change that adds or replaces question `key` by `new`."""

    def change(questions: list[Question]) -> list[Question]:
        index = editing.find(questions, key)
        if is_new:
            if index is None:
                return [*questions, new]
            if questions[index] == new:  # the same POST again
                return questions
            raise Refused(
                "Cette question a déjà été ajoutée : modifiez-la depuis la liste."
            )
        if index is None:
            raise Refused("Cette question a été retirée entre-temps.")
        if token != fingerprint(questions[index]) and questions[index] != new:
            raise Refused(STALE_QUESTION)
        return editing.replace(questions, key, new)

    return change


@bp.route("/enquetes/<int:survey_id>/questions/banque", methods=["GET", "POST"])
@login_required
def add_from_bank(survey_id: int):
    """Add bank questions not yet in the survey, at their place in bank order."""
    survey, version = load(survey_id)
    present = {q.get("bank_id") or q["key"] for q in version["questions"]}
    if request.method == "POST":
        found = [bank.bank_question(b) for b in request.form.getlist("bank_id")]
        chosen = [e for e in found if e]
        if not chosen:
            flash("Cochez au moins une question à ajouter.", "error")
        else:
            dropped: list[str] = []
            errors = save(survey_id, adding(chosen, dropped))
            for message in errors:
                flash(message, "error")
            if not errors:
                flash(f"{len(chosen)} question(s) ajoutée(s).", "success")
                for key in dropped:
                    flash(
                        f"{key} : sa condition d'affichage a été retirée, car la "
                        "question dont elle dépend n'est pas dans l'enquête.",
                        "info",
                    )
                return to_list(survey_id, chosen[0]["key"])
    return render_template(
        "surveys/bank.html",
        survey=survey,
        groups=bank_by_theme(present),
        types=model.QUESTION_TYPES,
        current=answer_counts(survey_id, version["id"])[1],
    )


def adding(entries: list[Question], dropped: list[str]):
    order = {e["key"]: n for n, e in enumerate(bank.load_bank())}

    def change(questions: list[Question]) -> list[Question]:
        for entry in entries:
            present = {q.get("bank_id") or q["key"] for q in questions}
            if entry["key"] in present:
                continue  # already there: a repeated POST adds nothing
            new, was_dropped = editing.fit_show_if(
                bank.survey_question(entry), questions
            )
            if was_dropped:
                dropped.append(entry["key"])
            questions = editing.insert_by_bank_order(questions, new, order)
        return questions

    return change


@bp.route("/enquetes/<int:survey_id>/questions/<key>/deplacer", methods=["POST"])
@login_required
def move(survey_id: int, key: str):
    """Move a question up, down or to a position (issue 8, D4: one step, not
    one place per reload); refused if a condition would then point down.

    :raise 400: neither a direction nor a position.
    """
    load(survey_id)
    step = {"monter": -1, "descendre": 1}.get(request.form.get("direction", ""))
    typed = request.form.get("position", "").strip()
    if step is None and not typed:
        abort(400)
    position = int(typed) if typed.isdigit() and len(typed) < 5 else None
    if step is None and position is None:
        flash(
            "Indiquez la position par un nombre, par exemple 1 pour la première : "
            "rien n'a été déplacé.",
            "error",
        )
        return to_list(survey_id, key)
    token = request.form.get("token")

    def change(questions: list[Question]) -> list[Question]:
        if token != fingerprint([q["key"] for q in questions]):
            raise Refused(
                "L'ordre des questions avait déjà changé (double clic, autre onglet) : "
                "rien n'a été déplacé. Vérifiez l'ordre ci-dessous."
            )
        if step is not None:
            return editing.move(questions, key, step)
        if position is None or not 1 <= position <= len(questions):
            raise Refused(
                f"Choisissez une position entre 1 et {len(questions)} : "
                "rien n'a été déplacé."
            )
        return editing.move_to(questions, key, position)

    for message in save(survey_id, change):
        flash(message, "error")
    return to_list(survey_id, key)


@bp.route("/enquetes/<int:survey_id>/questions/<key>/retirer", methods=["GET", "POST"])
@login_required
def remove_question(survey_id: int, key: str):
    """Confirm, then remove a question; answers already given keep it."""
    survey, version = load(survey_id)
    questions = version["questions"]
    index = editing.find(questions, key)
    if request.method == "POST":
        if index is not None:
            errors = save(survey_id, lambda qs: editing.remove(qs, key))
            for message in errors:
                flash(message, "error")
            if errors:
                return to_list(survey_id, key)
        flash("Question retirée de l'enquête.", "success")
        return to_list(survey_id)
    if index is None:
        abort(404)
    return render_template(
        "surveys/remove.html",
        survey=survey,
        question=questions[index],
        position=index + 1,
        dependents=editing.dependents(questions, key),
        total=answer_counts(survey_id, version["id"])[0],
    )
