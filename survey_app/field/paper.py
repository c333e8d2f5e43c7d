"""Typing in paper questionnaires: every question on one page, keyboard first.

`/enquetes/<s>/saisie?point=<id>`: the conseiller types one questionnaire,
presses Enter, and gets an empty form again with "Questionnaire n°17
enregistré". Each form carries its own idempotency key, so a double Enter
or a resent form stores it once. Answers are checked by
`answers.parse_answers` (through `questionnaire.Walk`, as on the public
form), with the French messages next to the fields. `static/paper.js` adds
number and first-letter keys for choices and Enter-to-next-question.
"""

from flask import (
    Blueprint,
    make_response,
    redirect,
    request,
    url_for,
)
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from ..access import login_required, member_survey
from ..db import get_db
from ..extensions import csrf
from ..inputs import storable_int
from ..surveys import model
from ..surveys.communes import survey_territory
from ..surveys.flow import EXPIRED, already_stored, served_version
from ..surveys.points import survey_points
from ..surveys.screens import (
    Walk,
    answer_fields,
    new_key,
    render_step,
    search_step_communes,
    valid_key,
)

bp = Blueprint("field_paper", __name__, url_prefix="/enquetes")

ENTRY_MODES = {
    "paper": "Questionnaire papier rempli par l'habitant",
    "interview": "Entretien (les questions ont été posées à voix haute)",
}


def paper_number(survey_id: int, response_id: int) -> int:
    """The rank of a typed-in questionnaire among this survey's ones."""
    row = (
        get_db()
        .execute(
            "SELECT count(*) FROM responses WHERE survey_id = ? "
            "AND mode IN ('paper', 'interview') AND id <= ?",
            [survey_id, response_id],
        )
        .fetchone()
    )
    return row[0]


def _point_id(survey_id: int, value: str | None) -> int | None:
    """A point id of this survey, or None (no place / unknown one)."""
    point_id = storable_int(value) if value and value.isdigit() else None
    if point_id is None:  # also a number too large for SQLite (issue 8, E3)
        return None
    row = (
        get_db()
        .execute(
            "SELECT id FROM collection_points WHERE id = ? AND survey_id = ?",
            [point_id, survey_id],
        )
        .fetchone()
    )
    return row[0] if row else None


def _whole_form(survey_id: int, questions: list[dict], form) -> Walk:
    """A Walk whose single screen holds every question.

    Even those shown only after some answer: the paper form has them all, and
    `parse_answers` drops the answers of a question whose condition is not met.
    """
    return Walk(
        questions,
        answer_fields(questions, form),
        territory=survey_territory(get_db(), survey_id),
        whole_form=True,
    )


@bp.route("/<int:survey_id>/saisie", methods=["GET", "POST"])
@login_required
@csrf.exempt  # checked below: an expired token keeps what was typed
def entry(survey_id: int):
    """Show the empty form, or store one typed-in questionnaire.

    :raise 403/404: see `member_survey`; 404 if the survey has no question.
    """
    survey = member_survey(survey_id)
    form = request.form if request.method == "POST" else request.args
    point_id = _point_id(survey_id, form.get("point"))
    mode = str(form.get("mode")) if form.get("mode") in ENTRY_MODES else "paper"
    posted_key = form.get("_k") if request.method == "POST" else None
    stored = _response_by_key(survey_id, posted_key)
    if stored is not None:  # double Enter, or the form sent again
        return _saved(survey_id, point_id, mode, stored)
    key = posted_key if valid_key(posted_key) else new_key()
    version = served_version(survey_id, form.get("_v"))
    walk = _whole_form(
        survey_id, version["questions"], form if request.method == "POST" else {}
    )

    def show(errors=None, notice: str = "", status: int = 200):
        number = request.args.get("n", type=int)
        html = render_step(
            walk,
            0,
            survey=survey,
            version_id=version["id"],
            key=key,
            action=url_for("field_paper.entry", survey_id=survey_id),
            errors=errors,
            notice=notice,
            template="field/paper.html",
            points=survey_points(survey_id),
            point_id=point_id,
            mode=mode,
            modes=ENTRY_MODES,
            saved=number if request.method == "GET" else None,
        )
        response = make_response(html, status)
        response.headers["Cache-Control"] = "private, no-cache"
        return response

    if not walk.steps[0]:
        return show(notice="Ce questionnaire n'a pas encore de questions.")
    if request.method == "GET":
        return show()
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return show(notice=EXPIRED, status=400)
    searched = search_step_communes(walk, 0)
    errors = {k: m for k, m in walk.errors.items() if k not in searched}
    errors.update({k: m for k, m in searched.items() if m})
    if searched or errors:
        return show(errors=errors, status=200 if not errors else 400)
    response_id, _created = model.store_response(
        get_db(),
        survey_id=survey_id,
        version_id=version["id"],
        point_id=point_id,
        idempotency_key=key,
        answers=walk.answers,
        mode=mode,
    )
    return _saved(survey_id, point_id, mode, response_id)


def _response_by_key(survey_id: int, key: str | None) -> int | None:
    if not already_stored(key):
        return None
    row = (
        get_db()
        .execute(
            "SELECT id FROM responses WHERE idempotency_key = ? AND survey_id = ?",
            [key, survey_id],
        )
        .fetchone()
    )
    return row[0] if row else None


def _saved(survey_id: int, point_id: int | None, mode: str, response_id: int):
    """303 to an empty form saying which questionnaire number was saved."""
    target = url_for(
        "field_paper.entry",
        survey_id=survey_id,
        point=point_id or "",
        mode=mode,
        n=paper_number(survey_id, response_id),
    )
    return redirect(target, 303)
