"""Public questionnaire at /s/<code>: residents answer on their own phones.

No account, no JavaScript needed, nothing stored before the final
submission, one response per idempotency key however many times the last
screen is sent (see `flow.py`, which the kiosk and paper entry reuse). No IP
address or user agent is ever read or stored here.
"""

from flask import (
    Blueprint,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from ..db import get_db
from ..extensions import csrf
from . import duration, model
from .erasure import RECEIPT_RE, normalise_receipt, receipt
from .flow import already_stored, run_questionnaire
from .screens import valid_key
from .territory_phrase import structure_subject

bp = Blueprint("public", __name__, url_prefix="/s")


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


@bp.get("/<code>")
def start(code: str):
    """Welcome page: title, short privacy notice, "Commencer"."""
    survey, point = resolve(code)
    questions = model.current_version(get_db(), survey["id"])["questions"]
    count = len(questions)
    return render_template(
        "public/start.html",
        survey=survey,
        point=point,
        code=code.lower(),
        count=count,
        duration=duration.label(questions),
    )


@bp.get("/<code>/confidentialite")
def privacy(code: str):
    """The full privacy page, whose content safeguards/privacy_views.py owns."""
    from ..safeguards.privacy_views import render_public_privacy

    survey, point = resolve(code, allow_closed=True)
    return render_public_privacy(survey, point, code.lower())


@bp.get("/<code>/merci")
def thanks(code: str):
    survey, _point = resolve(code, allow_closed=True)
    typed = request.args.get("recu", "")
    shown = normalise_receipt(typed) if RECEIPT_RE.fullmatch(typed) else None
    return render_template(
        "public/thanks.html",
        survey=survey,
        code=code.lower(),
        receipt=shown,
        structure_subject=structure_subject(survey.get("structure")),
    )


@bp.route("/<code>/questions", methods=["GET", "POST"])
@csrf.exempt  # checked by run_questionnaire: an expired token keeps the answers
def questions(code: str):
    """Show one screen; on the last one, store the response and say thanks.

    :raise 404/410: see `resolve` (but a response already stored is thanked,
        even if the survey closed since).
    """
    code = code.lower()
    key = request.form.get("_k")
    # The receipt lets the resident ask for their answers to be erased (D2).
    done = url_for(
        "public.thanks", code=code, recu=receipt(key) if valid_key(key) else None
    )
    if request.method == "POST" and already_stored(key):
        return redirect(done, 303)  # double tap or browser retry
    survey, point = resolve(code)
    return run_questionnaire(
        survey,
        point,
        mode="self",
        action=url_for("public.questions", code=code),
        done=done,
        code=code,
    )
