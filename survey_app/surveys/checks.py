"""Answers kept "à vérifier" and the conseiller resolving them (issue 8, A1).

A commune typed on an offline tablet that points to several communes (or
none) does not cost the resident's answer: the response is stored and the
typed text waits here, with the candidates found (the diagnostic's territory
first). The conseiller picks one, or leaves the commune unanswered. Other
optional answers that could not be read are listed with their reason.
"""

import json
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm

from ..access import login_required, member_survey
from ..dates import french_datetime
from ..db import get_db, write_transaction
from ..page_slots import add_survey_tab
from . import model
from .communes import find_commune, label, survey_territory

bp = Blueprint("checks", __name__, url_prefix="/enquetes/<int:survey_id>/a-verifier")

NONE = "aucune"


def pending(survey_id: int) -> list[dict[str, Any]]:
    """Kept answers of this survey, oldest first, with their question."""
    db = get_db()
    rows = db.execute(
        """SELECT k.*, r.version_id, r.submitted_at FROM answers_to_check k
           JOIN responses r ON r.id = k.response_id
           WHERE r.survey_id = ? ORDER BY k.id""",
        [survey_id],
    ).fetchall()
    questions = {
        v["id"]: {q["key"]: q for q in v["questions"]}
        for v in model.all_versions(db, survey_id)
    }
    territory = survey_territory(db, survey_id)
    checks = []
    for row in rows:
        question = questions.get(row["version_id"], {}).get(row["question_key"], {})
        check = {
            **dict(row),
            "question": question.get("text", row["question_key"]),
            "when": french_datetime(row["submitted_at"]),
        }
        check["commune"] = question.get("type") == "commune"
        if check["commune"]:
            found = find_commune(db, row["typed"], territory).candidates
            check["candidates"] = [
                {"code": c["code"], "label": label(c)} for c in found
            ]
        checks.append(check)
    return checks


def resolve(survey_id: int, check_id: int, code: str) -> bool:
    """Put commune `code` (or nothing, for NONE) into the kept answer's response.

    Returns False when the check is not this survey's or the code is unknown.
    """
    db = get_db()
    with write_transaction(db):
        row = db.execute(
            """SELECT k.*, r.answers FROM answers_to_check k
               JOIN responses r ON r.id = k.response_id
               WHERE k.id = ? AND r.survey_id = ?""",
            [check_id, survey_id],
        ).fetchone()
        if row is None:
            return False
        if code != NONE:
            known = db.execute("SELECT 1 FROM communes WHERE code = ?", [code])
            if known.fetchone() is None:
                return False
            answers = json.loads(row["answers"])
            answers[row["question_key"]] = code
            db.execute(
                "UPDATE responses SET answers = ? WHERE id = ?",
                [json.dumps(answers, ensure_ascii=False), row["response_id"]],
            )
        db.execute("DELETE FROM answers_to_check WHERE id = ?", [check_id])
    return True


@bp.route("")
@login_required
def index(survey_id: int):
    """The kept answers, each commune with its candidates to pick from.

    :raise 403: not a member of the survey's diagnostic.
    :raise 404: no such survey.
    """
    survey = member_survey(survey_id)
    return render_template(
        "surveys/to_check.html",
        survey=survey,
        diagnostic=g.diagnostic,
        checks=pending(survey_id),
        form=FlaskForm(),
        none=NONE,
    )


@bp.post("/<int:check_id>")
@login_required
def choose(survey_id: int, check_id: int):
    """Resolve one kept commune with the conseiller's choice.

    :raise 403: not a member of the survey's diagnostic.
    :raise 404: no such survey, or the answer is not this survey's.
    """
    member_survey(survey_id)
    code = request.form.get("code", "").strip().upper()
    if not code:
        flash("Choisissez une commune dans la liste, ou « Laisser sans commune ».",
              "error")  # fmt: skip
    elif not resolve(survey_id, check_id, NONE if code == NONE.upper() else code):
        abort(404)
    else:
        flash("Réponse mise à jour.", "success")
    return redirect(url_for("checks.index", survey_id=survey_id), 303)


def init_app(app) -> None:
    add_survey_tab(app, "checks.index", "À vérifier", 15)
