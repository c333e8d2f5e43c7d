"""What the builder's views share: load a survey, save a change, count answers."""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import redirect, url_for

from ...access import member_survey
from ...db import get_db, write_transaction
from .. import model
from ..questions import validate_questions

Question = dict[str, Any]


def fingerprint(value: Any) -> str:
    """A short digest telling whether what a form was built from has changed."""
    payload = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


class Refused(Exception):
    """A change that must not be saved; its message is shown to the conseiller."""


def save(survey_id: int, change: Callable[[list[Question]], list[Question]]):
    """Apply `change(questions)` to the current list and save it, atomically.

    `change` may raise Refused. Returns French errors ([] when saved or when
    there was nothing to change); nothing is saved on error.
    """
    db = get_db()
    try:
        with write_transaction(db):
            questions = model.current_version(db, survey_id)["questions"]
            new = change(questions)
            errors = validate_questions(new)
            if not errors and new != questions:
                model.save_questions(db, survey_id, new)
    except Refused as refused:
        return [str(refused)]
    return errors


def answer_counts(survey_id: int, version_id: int) -> tuple[int, int]:
    """(answers to the survey, answers given under version `version_id`)."""
    row = (
        get_db()
        .execute(
            "SELECT count(*), coalesce(sum(version_id = ?), 0) FROM responses "
            "WHERE survey_id = ?",
            [version_id, survey_id],
        )
        .fetchone()
    )
    return row[0], row[1]


def load(survey_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(survey, current version) if the user may edit it.

    :raise 403: not a member of the survey's diagnostic.
    :raise 404: no such survey.
    """
    survey = member_survey(survey_id)
    return survey, model.current_version(get_db(), survey_id)


def to_list(survey_id: int, anchor: str = ""):
    url = url_for("builder.edit", survey_id=survey_id)
    return redirect(f"{url}#{anchor}" if anchor else url)
