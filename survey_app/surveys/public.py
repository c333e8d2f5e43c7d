"""Public questionnaire at /s/<code>: residents answer on their own phones.

No account, no JavaScript needed, nothing stored before the final
submission (see `questionnaire.py`), one response per idempotency key
however many times the last screen is sent. No IP address or user agent is
ever read or stored here.
"""

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from .. import csrf
from ..db import get_db
from ..honeypot import is_spam
from . import model
from .questionnaire import (
    CONTROL_FIELDS,
    Walk,
    answer_fields,
    new_key,
    render_step,
    search_step_communes,
    valid_key,
)

bp = Blueprint("public", __name__, url_prefix="/s")

EXPIRED = (
    "Votre page était restée ouverte longtemps et a expiré. Vos réponses sont "
    "conservées : vérifiez-les puis appuyez à nouveau sur le bouton."
)


def _unavailable(survey: dict, status: int, title: str, message: str) -> None:
    response = make_response(
        render_template(
            "public/unavailable.html", survey=survey, title=title, message=message
        ),
        status,
    )
    abort(response)


def _survey_row(db, code: str, point: dict | None):
    select = (
        "SELECT s.*, d.structure, d.contact_email, d.retention_months "
        "FROM surveys s JOIN diagnostics d ON d.id = s.diagnostic_id "
    )
    if point:
        return db.execute(select + "WHERE s.id = ?", [point["survey_id"]]).fetchone()
    return db.execute(select + "WHERE s.code = ? COLLATE NOCASE", [code]).fetchone()


def resolve(code: str, allow_closed: bool = False) -> tuple[dict, dict | None]:
    """The survey (with its diagnostic's privacy facts) and point for a code.

    :raise 404: unknown code, or survey still in draft.
    :raise 410: survey closed (unless `allow_closed`).
    """
    db = get_db()
    code = code.strip().lower()
    point = model.point_by_code(db, code)
    row = _survey_row(db, code, point)
    if row is None:
        abort(
            404,
            "Aucune enquête ne correspond à cette adresse. Vérifiez le code "
            "écrit sur l'affiche ou le flyer.",
        )
    survey = dict(row)
    if survey["status"] == "draft":
        _unavailable(
            survey,
            404,
            "Cette enquête n'a pas encore commencé",
            "Revenez dans quelques jours : le questionnaire sera bientôt ouvert.",
        )
    if survey["status"] == "closed" and not allow_closed:
        _unavailable(
            survey,
            410,
            "Cette enquête est terminée, merci",
            "Les réponses ne sont plus recueillies. Merci de votre intérêt.",
        )
    return survey, point


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
    """Store a validated response once; (response id, newly created).

    The kiosk and paper entry call this with their own mode.
    """
    return model.store_response(
        get_db(),
        survey_id=survey["id"],
        version_id=version_id,
        point_id=point["id"] if point else None,
        idempotency_key=key,
        answers=answers,
        mode=mode,
    )


def _already_stored(key: str) -> bool:
    row = (
        get_db()
        .execute("SELECT 1 FROM responses WHERE idempotency_key = ?", [key])
        .fetchone()
    )
    return row is not None


def _no_store(html: str, status: int = 200) -> Response:
    # The next person on a shared phone must not find answers in the cache.
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<code>")
def start(code: str):
    """Welcome page: title, short privacy notice, "Commencer"."""
    survey, point = resolve(code)
    version = model.current_version(get_db(), survey["id"])
    return render_template(
        "public/start.html",
        survey=survey,
        point=point,
        code=code.lower(),
        count=len(version["questions"]),
    )


@bp.get("/<code>/confidentialite")
def privacy(code: str):
    """The full privacy page, whose content `survey_app.privacy` owns."""
    from ..privacy import render_public_privacy

    survey, point = resolve(code, allow_closed=True)
    return render_public_privacy(survey, point, code.lower())


@bp.get("/<code>/merci")
def thanks(code: str):
    survey, _point = resolve(code, allow_closed=True)
    return _no_store(
        render_template("public/thanks.html", survey=survey, code=code.lower())
    )


@bp.route("/<code>/questions", methods=["GET", "POST"])
@csrf.exempt  # checked below, so that an expired token keeps the answers
def questions(code: str):
    """Show one screen; on the last one, store the response and say thanks.

    :raise 404/410: see `resolve`. A missing or wrong CSRF token shows the
        same screen again with the answers kept (status 400), never stores.
    """
    code = code.lower()
    form = request.form
    key = form.get("_k") if request.method == "POST" else None
    if valid_key(key) and _already_stored(key):
        # Double tap or browser retry after the response was stored.
        return redirect(url_for("public.thanks", code=code), 303)
    survey, point = resolve(code)
    version = served_version(survey["id"], form.get("_v"))
    key = key if valid_key(key) else new_key()
    walk = Walk(version["questions"], answer_fields(version["questions"], form))
    if walk.first() is None:
        abort(404, "Ce questionnaire n'a pas encore de questions.")
    step = form.get("_step", type=int)
    step = step if step is not None and walk.shown(step) else walk.first()

    def show(index, errors=None, notice="", status=200):
        html = render_step(
            walk,
            index,
            survey=survey,
            version_id=version["id"],
            key=key,
            action=url_for("public.questions", code=code),
            errors=errors,
            notice=notice,
            code=code,
        )
        return _no_store(html, status)

    if request.method == "GET":
        return show(step)
    try:
        validate_csrf(form.get("csrf_token"))
    except ValidationError:
        return show(step, notice=EXPIRED, status=400)
    if form.get("_nav") == "prev":
        previous = walk.before(step)
        return show(step if previous is None else previous)
    # A commune search shows this screen again with the communes to pick.
    searched = search_step_communes(walk, step)
    on_screen = {q["key"] for q in walk.shown(step)} - set(searched)
    step_errors = {k: m for k, m in walk.errors.items() if k in on_screen}
    step_errors.update({k: m for k, m in searched.items() if m})
    if searched or step_errors:
        return show(step, errors=step_errors)
    following = walk.after(step)
    if following is not None:
        return show(following)
    if walk.errors:
        first_error = walk.step_of(next(iter(walk.errors)))
        return show(first_error, errors=walk.errors)
    if not is_spam(form):  # a robot gets the same thanks, and nothing is stored
        submit(survey, point, version["id"], walk.answers, key)
    return redirect(url_for("public.thanks", code=code), 303)


__all__ = ["CONTROL_FIELDS", "bp", "resolve", "served_version", "submit"]
