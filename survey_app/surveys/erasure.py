"""Erase one response, on a resident's request or because it was a test.

The resident's thanks page shows a receipt ("K7PM-2XQA") derived from the
response's secret idempotency key: only the person who answered has it, so a
request quoting it can be honoured without knowing who they are. The
conseiller finds the response by that receipt or from the dashboard's list,
sees it, confirms; the response is deleted and a trace kept (who, when,
which response id; never the answers). Issue 8, D2; promised on the
privacy page.
"""

import hashlib
import re
from typing import Any

import sqlite_utils
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
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..access import login_required, member_survey
from ..dates import stamp
from ..db import get_db, write_transaction
from ..text import CODE_ALPHABET
from .dashboard import latest_answers

bp = Blueprint("erasure", __name__, url_prefix="/enquetes/<int:survey_id>/reponses")

RECEIPT_LENGTH = 8
RECEIPT_RE = re.compile(r"[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}")


def receipt(key: str) -> str:
    """The receipt of the response stored under idempotency key `key`.

    40 bits from a hash of the key, in the poster alphabet (no l/1/0/O).
    """
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    letters = []
    for _ in range(RECEIPT_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        letters.append(CODE_ALPHABET[index])
    text = "".join(letters).upper()
    return f"{text[:4]}-{text[4:]}"


def normalise_receipt(typed: str) -> str:
    """'k7pm 2xqa', 'K7PM2XQA' -> 'K7PM-2XQA' (as read over the phone)."""
    text = "".join(c for c in typed.upper() if c.isalnum())
    return f"{text[:4]}-{text[4:]}"


def find_by_receipt(
    db: sqlite_utils.Database, survey_id: int, typed: str
) -> int | None:
    """The id of the survey's response with this receipt (or number), if any.

    Hashes every key of the survey: a rare action, about 0.1 s per 100,000
    answers, and no column to add to every stored response.
    """
    number = typed.strip().removeprefix("n°").strip()
    if number.isdigit() and len(number) < 19:
        # The response number shown on the dashboard (a test answer, a paper
        # form): conseillers only, so an id is enough.
        row = db.execute(
            "SELECT id FROM responses WHERE id = ? AND survey_id = ?",
            [int(number), survey_id],
        ).fetchone()
        return row[0] if row else None
    wanted = normalise_receipt(typed)
    rows = db.execute(
        "SELECT id, idempotency_key FROM responses WHERE survey_id = ?", [survey_id]
    )
    for response_id, key in rows:
        if receipt(key) == wanted:
            return response_id
    return None


def delete_response(
    db: sqlite_utils.Database, survey_id: int, response_id: int, user_id: int
) -> bool:
    """Delete one response and keep a trace; False if it was already gone."""
    with write_transaction(db):
        cursor = db.execute(
            "DELETE FROM responses WHERE id = ? AND survey_id = ?",
            [response_id, survey_id],
        )
        if cursor.rowcount == 0:
            return False
        db.execute(
            "INSERT INTO response_deletions (survey_id, response_id, deleted_by, "
            "deleted_at) VALUES (?, ?, ?, ?)",
            [survey_id, response_id, user_id, stamp()],
        )
    return True


def deletions(db: sqlite_utils.Database, survey_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        """SELECT d.response_id, d.deleted_at,
                  coalesce(nullif(u.name, ''), u.email, 'compte supprimé') AS who
           FROM response_deletions d LEFT JOIN users u ON u.id = d.deleted_by
           WHERE d.survey_id = ? ORDER BY d.id DESC""",
        [survey_id],
    )
    return [dict(r) for r in rows]


class ReceiptForm(FlaskForm):
    receipt = StringField(
        "Numéro de réponse donné par la personne (ou n° du tableau de bord)",
        validators=[
            DataRequired("Indiquez le numéro de réponse (par exemple K7PM-2XQA)."),
            Length(max=40, message="Un numéro de réponse a 8 caractères."),
        ],
        description="Il est affiché à la fin du questionnaire, par exemple K7PM-2XQA.",
    )


class ConfirmForm(FlaskForm):
    """No fields: CSRF protection for the delete button."""


@bp.route("/supprimer", methods=["GET", "POST"])
@login_required
def find(survey_id: int):
    """Find a response by its receipt, then go to its confirmation page.

    :raise 403/404: see `member_survey`.
    """
    survey = member_survey(survey_id)
    form = ReceiptForm()
    status = 200
    if form.validate_on_submit():
        found = find_by_receipt(get_db(), survey_id, form.receipt.data)
        if found is not None:
            return redirect(url_for(".confirm", survey_id=survey_id, response_id=found))
        form.receipt.errors.append(
            f"Aucune réponse de cette enquête n'a le numéro "
            f"{normalise_receipt(form.receipt.data)}. Vérifiez-le avec la personne "
            "(ou elle a peut-être déjà été supprimée)."
        )
    if form.errors:
        status = 400
    return render_template(
        "surveys/erasure.html",
        survey=survey,
        diagnostic=g.diagnostic,
        form=form,
        deletions=deletions(get_db(), survey_id),
    ), status


@bp.route("/<int:response_id>/supprimer", methods=["GET", "POST"])
@login_required
def confirm(survey_id: int, response_id: int):
    """Show one response, then delete it (with a trace) on confirmation.

    :raise 403/404: see `member_survey`; 404 for a response of another survey
        (a second POST after the deletion is told it is done).
    """
    survey = member_survey(survey_id)
    db = get_db()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        if delete_response(db, survey_id, response_id, g.user["id"]):
            flash(f"La réponse n° {response_id} a été supprimée.", "success")
        else:
            flash(f"La réponse n° {response_id} était déjà supprimée.", "info")
        return redirect(url_for(".find", survey_id=survey_id))
    shown = latest_answers(survey_id, only=response_id)
    if not shown:
        abort(404, "Cette réponse n'existe pas ou a déjà été supprimée.")
    return render_template(
        "surveys/erasure_confirm.html",
        survey=survey,
        diagnostic=g.diagnostic,
        form=form,
        response=shown[0],
    )


def init_app(app) -> None:
    app.register_blueprint(bp)
