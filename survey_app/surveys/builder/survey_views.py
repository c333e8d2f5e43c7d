"""Builder views on a whole survey: create it, list its questions, open it.

Every change goes through `model.save_questions`, which versions the list
once answers exist, so answers already given keep their wording. Every view
works without JavaScript (forms, then redirect) and checks membership on the
server. Each POST is safe to repeat (double tap, browser retry): a repeated
one finds its work already done and says so instead of doing it twice.
"""

from typing import Any

from flask import (
    Flask,
    abort,
    flash,
    render_template,
    request,
)

from ...access import login_required, member_diagnostic
from ...db import get_db, now, write_transaction
from ...page_slots import add_diagnostic_section, add_survey_tab
from ...safeguards.privacy_views import missing_settings
from .. import bank, model
from ..screens import new_key, valid_key
from . import bp
from .forms import (
    NewSurveyForm,
    SurveyForm,
    choice_options,
)
from .helpers import answer_counts, fingerprint, load, to_list

Question = dict[str, Any]
STATUS_ACTIONS = {  # action in the URL: (from status, to status, button)
    "ouvrir": ("draft", "open", "Ouvrir l'enquête aux réponses"),
    "clore": ("open", "closed", "Clore l'enquête"),
    "rouvrir": ("closed", "open", "Rouvrir l'enquête"),
}


def register(app: Flask) -> None:
    """Plug the builder into the survey tabs and the diagnostic page."""
    add_survey_tab(app, "builder.edit", "Questions", 20)
    add_diagnostic_section(app, "surveys/_diagnostic_section.html", 20)
    app.add_template_global(diagnostic_surveys)


def diagnostic_surveys(diagnostic_id: int) -> list[dict[str, Any]]:
    """The diagnostic's surveys with their number of answers (for its page)."""
    rows = get_db().execute(
        """SELECT s.id, s.title, s.status, s.code,
                  (SELECT count(*) FROM responses r WHERE r.survey_id = s.id)
                  AS answers
           FROM surveys s WHERE s.diagnostic_id = ? ORDER BY s.created_at DESC""",
        [diagnostic_id],
    )
    return [
        {**dict(r), "status_label": model.SURVEY_STATUSES.get(r["status"])}
        for r in rows
    ]


@bp.route("/diagnostics/<int:diagnostic_id>/enquetes/nouvelle", methods=["GET", "POST"])
@login_required
def new_survey(diagnostic_id: int):
    """Create a survey from a preset (or empty), then open its editor.

    :raise 403: not a member of the diagnostic. :raise 404: no such diagnostic.
    """
    diagnostic = member_diagnostic(diagnostic_id)
    form = NewSurveyForm()
    if not valid_key(form.key.data):
        form.key.data = new_key()  # made with the page, posted back with it
    if form.validate_on_submit():
        title, db = form.title.data.strip(), get_db()
        # The idempotency key, as for answers: a double tap or a browser
        # retry re-posts the same key and finds the survey already made.
        with write_transaction(db):
            twin = db.execute(
                "SELECT id FROM surveys WHERE diagnostic_id = ? AND creation_key = ?",
                [diagnostic_id, form.key.data],
            ).fetchone()
            if twin:
                return to_list(twin[0])
            start = form.start.data
            questions = [] if start == "vide" else bank.preset(start)
            survey_id = model.create_survey(
                db,
                diagnostic_id,
                title,
                questions,
                intro=(form.intro.data or "").strip(),
            )
            db.execute(
                "UPDATE surveys SET creation_key = ? WHERE id = ?",
                [form.key.data, survey_id],
            )
        flash("Enquête créée. Vérifiez ses questions, puis ouvrez-la.", "success")
        return to_list(survey_id)
    status = 400 if form.errors else 200
    return render_template("surveys/new.html", diagnostic=diagnostic, form=form), status


@bp.route("/enquetes/<int:survey_id>/questions")
@login_required
def edit(survey_id: int):
    """The survey's questions, in order, with what can be done to each."""
    survey, version = load(survey_id)
    questions = version["questions"]
    total, current = answer_counts(survey_id, version["id"])
    indicators = {e["key"]: e["indicator"] for e in bank.load_bank()}
    labels = {q["key"]: dict(choice_options(q)) for q in questions}
    return render_template(
        "surveys/edit.html",
        survey=survey,
        version=version,
        questions=questions,
        positions={q["key"]: n for n, q in enumerate(questions, 1)},
        labels=labels,
        indicators=indicators,
        total=total,
        current=current,
        order_token=fingerprint([q["key"] for q in questions]),
        actions=[
            (a, v[2]) for a, v in STATUS_ACTIONS.items() if v[0] == survey["status"]
        ],
        status=model.SURVEY_STATUSES[survey["status"]],
        types=model.QUESTION_TYPES,
        themes=model.THEMES,
    )


@bp.route("/enquetes/<int:survey_id>/questions/presentation", methods=["GET", "POST"])
@login_required
def settings(survey_id: int):
    """Edit the title and welcome text (not versioned: answers do not hold them)."""
    survey, _ = load(survey_id)
    form = SurveyForm(data=survey)
    if form.validate_on_submit():
        db = get_db()
        with write_transaction(db):
            db.execute(
                "UPDATE surveys SET title = ?, intro = ?, updated_at = ? WHERE id = ?",
                [
                    form.title.data.strip(),
                    (form.intro.data or "").strip(),
                    now(),
                    survey_id,
                ],
            )
        flash("Titre et texte d'accueil enregistrés.", "success")
        return to_list(survey_id)
    return render_template("surveys/settings.html", survey=survey, form=form), (
        400 if form.errors else 200
    )


@bp.route("/enquetes/<int:survey_id>/statut/<action>", methods=["GET", "POST"])
@login_required
def status(survey_id: int, action: str):
    """Confirm, then open, close or reopen the survey (draft → open → closed).

    :raise 404: unknown action.
    """
    survey, version = load(survey_id)
    if action not in STATUS_ACTIONS:
        abort(404)
    before, after, button = STATUS_ACTIONS[action]
    label = model.SURVEY_STATUSES[after].lower()
    refusal = None
    if not version["questions"]:
        refusal = "Ajoutez au moins une question avant d'ouvrir l'enquête."
    elif after == "open" and (missing := missing_settings()):
        refusal = (
            "L'enquête ne peut pas encore être ouverte : la page « Vos données "
            "et vos droits » des habitants serait incomplète. Demandez à "
            "l'administrateur du site de renseigner le réglage "
            + " et ".join(missing)
            + "."
        )
    elif survey["status"] not in (before, after):
        refusal = (
            f"L'enquête est {model.SURVEY_STATUSES[survey['status']].lower()} : "
            "cette action n'est plus possible."
        )
    if request.method == "POST" and not refusal:
        db = get_db()
        with write_transaction(db):
            # Conditional on the status the page showed: a repeated POST or
            # a concurrent change does nothing twice.
            # closed_at: when the wave ended, the six-month reminder counts
            # from it (surveys/waves.py); reopening forgets it.
            db.execute(
                "UPDATE surveys SET status = ?, updated_at = ?, closed_at = ?, "
                "remeasure_notified_at = NULL WHERE id = ? AND status = ?",
                [after, now(), now() if after == "closed" else None, survey_id,
                 before],
            )  # fmt: skip
        flash(f"L'enquête est maintenant {label}.", "success")
        return to_list(survey_id)
    return render_template(
        "surveys/status.html",
        survey=survey,
        action=action,
        after=after,
        button=button,
        refusal=refusal,
        total=answer_counts(survey_id, version["id"])[0],
    ), (409 if refusal and request.method == "POST" else 200)
