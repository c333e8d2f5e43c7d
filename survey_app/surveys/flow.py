"""Answering a questionnaire screen by screen, for the current request.

Shared by the public form (`public.py`, mode "self") and the kiosk
(`field/kiosk.py`, mode "kiosk"); paper entry (`field/paper.py`) uses its
version and duplicate checks. Call `run_questionnaire` from a view exempted
from the automatic CSRF check (`@csrf.exempt`), since it checks the token
itself so that an expired one keeps what the resident typed.
"""

import json
from typing import Any

from flask import abort, make_response, redirect, request
from flask_wtf.csrf import validate_csrf
from werkzeug.wrappers import Response
from wtforms.validators import ValidationError

from ..db import get_db
from ..safeguards.honeypot import is_spam
from . import model
from .communes import survey_territory
from .screens import (
    Walk,
    answer_fields,
    new_key,
    render_step,
    search_step_communes,
    valid_key,
)

EXPIRED = (
    "Votre page était restée ouverte longtemps et a expiré. Vos réponses sont "
    "conservées : vérifiez-les puis appuyez à nouveau sur le bouton."
)


def served_version(survey_id: int, version_id: Any) -> dict:
    """The version the form was served with, or the current one if unknown.

    A survey edited while a resident answers keeps their answers under the
    wording they saw.
    """
    db = get_db()
    row = db.execute(
        "SELECT * FROM survey_versions WHERE id = ? AND survey_id = ?",
        [str(version_id or ""), survey_id],
    ).fetchone()
    if row is None:
        return model.current_version(db, survey_id)
    return {**dict(row), "questions": json.loads(row["questions"])}


def submit(
    survey: dict,
    point: dict | None,
    version_id: int,
    answers: dict[str, Any],
    key: str,
    mode: str = "self",
) -> tuple[int, bool]:
    """Store a validated response once; (response id, newly created)."""
    return model.store_response(
        get_db(),
        survey_id=survey["id"],
        version_id=version_id,
        point_id=point["id"] if point else None,
        idempotency_key=key,
        answers=answers,
        mode=mode,
    )


def already_stored(key: str | None) -> bool:
    """Whether a response with this idempotency key exists."""
    if not valid_key(key):
        return False
    row = (
        get_db()
        .execute("SELECT 1 FROM responses WHERE idempotency_key = ?", [key])
        .fetchone()
    )
    return row is not None


def _page(html: str, status: int = 200) -> Response:
    response = make_response(html, status)
    # Never in a shared cache; "no-cache" rather than "no-store" so that the
    # browser's Back button shows the previous screen instead of a "confirm
    # form resubmission" error.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _privacy_page(
    survey: dict, point: dict | None, code: str, walk: Walk, step: int, resume: dict
) -> Response:
    """Issue 8, A4: the privacy page carries the answers so far, and its
    "Retour au questionnaire" brings them back to screen `step`."""
    from ..safeguards.privacy_views import render_public_privacy

    fields = [(name, value) for name, values in walk.fields.items() for value in values]
    resume = {**resume, "fields": fields, "step": step}
    return _page(render_public_privacy(survey, point, code, resume=resume))


def _next_screen(
    walk: Walk, step: int, nav: str | None
) -> tuple[int, dict | None] | None:
    """The screen to show after screen `step` was posted, with its errors;
    None when every answer is valid and the questionnaire is done."""
    if nav == "back":
        return step, None
    if nav == "prev":
        previous = walk.before(step)
        return (step if previous is None else previous), None
    # A commune search shows this screen again with the communes to pick.
    searched = search_step_communes(walk, step)
    on_screen = {q["key"] for q in walk.shown(step)} - set(searched)
    step_errors = {k: m for k, m in walk.errors.items() if k in on_screen}
    step_errors.update({k: m for k, m in searched.items() if m})
    if searched or step_errors:
        return step, step_errors
    following = walk.after(step)
    if following is not None:
        return following, None
    if walk.errors:
        return walk.step_of(next(iter(walk.errors))), walk.errors
    return None


def run_questionnaire(
    survey: dict,
    point: dict | None,
    *,
    mode: str,
    action: str,
    done: str,
    store: bool = True,
    **context: Any,
) -> Response:
    """Serve the first screen (GET) or handle a posted screen (POST).

    Nothing is stored until the last screen is valid; then one response is
    stored under the posted idempotency key and version, and the browser is
    sent to `done` (303). A repeated last screen is sent to `done` too.
    With `store=False` (the conseiller's preview) nothing is ever stored.

    :raise 404: the survey has no question to show.
    A missing or wrong CSRF token shows the same screen again with the
    answers kept and a French message (status 400); nothing is stored.
    """
    form = request.form
    posted_key = form.get("_k") if request.method == "POST" else None
    if already_stored(posted_key):
        return redirect(done, 303)
    key = posted_key if valid_key(posted_key) else new_key()
    version = served_version(survey["id"], form.get("_v"))
    walk = Walk(
        version["questions"],
        answer_fields(version["questions"], form),
        territory=survey_territory(get_db(), survey["id"]),
    )
    first = walk.first()
    if first is None:
        abort(404, "Ce questionnaire n'a pas encore de questions.")
    posted_step = form.get("_step", type=int)
    step = posted_step if posted_step is not None and walk.shown(posted_step) else first

    def show(index: int, errors=None, notice: str = "", status: int = 200):
        html = render_step(
            walk,
            index,
            survey=survey,
            version_id=version["id"],
            key=key,
            action=action,
            errors=errors,
            notice=notice,
            **context,
        )
        return _page(html, status)

    if request.method == "GET":
        return show(step)
    try:
        validate_csrf(form.get("csrf_token"))
    except ValidationError:
        return show(step, notice=EXPIRED, status=400)
    if form.get("_nav") == "privacy" and context.get("code"):
        resume = {"action": action, "version_id": version["id"], "key": key}
        return _privacy_page(survey, point, context["code"], walk, step, resume)
    screen = _next_screen(walk, step, form.get("_nav"))
    if screen is not None:
        return show(*screen)
    # A robot gets the same thanks, and nothing is stored; nor is a preview.
    if store and not is_spam(form):
        submit(survey, point, version["id"], walk.answers, key, mode)
    return redirect(done, 303)
