"""Kiosk mode: one tablet, resident after resident, at one collection point.

Session scope. Opening kiosk mode (a POST by a signed-in member) CLEARS the
conseiller's session on that device and replaces it with a kiosk-only one
({"kiosk": survey, point, who opened it}). The tablet therefore cannot reach
any admin page (they all need `session["user_id"]`) until someone signs in
again; leaving kiosk mode asks for the password of the conseiller who opened
it and signs them back in. A separate cookie scope would have left the admin
session one tap away on a tablet handed to strangers.

With JavaScript, `static/kiosk/form.js` renders the questionnaire from the
JSON embedded in the page (checking answers with `kiosk/answer-rules.js`, the
same rules as answers.py), `static/kiosk/queue.js` keeps every answer on the
tablet (IndexedDB) and sends it to `/s/<code>/envoi` (see sync.py); `static/sw.js`
keeps the page and its files for offline use. Without JavaScript the same
screens as the public form are served by `flow.run_questionnaire`, marked
`kiosk`.
"""

import os
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from ..access import login_required, member_survey
from ..auth import TOO_MANY_FAILURES, check_password, start_session
from ..db import get_db
from ..extensions import csrf
from ..surveys import model
from ..surveys.flow import run_questionnaire
from ..surveys.points import survey_points
from . import device
from .sync import collected_today

bp = Blueprint("field", __name__, url_prefix="/enquetes")

# What the device needs to render and validate a question offline.
CLIENT_FIELDS = (
    "key", "type", "theme", "text", "help", "required", "choices", "other",
    "exclusive", "show_if", "min", "max", "max_length",
)  # fmt: skip


class LeaveForm(FlaskForm):
    password = PasswordField(
        "Mot de passe du compte qui a ouvert le mode kiosque",
        validators=[DataRequired("Indiquez votre mot de passe."), Length(max=200)],
    )


def survey_point(survey_id: int, point_id: int) -> tuple[dict, dict]:
    """The survey and its point.

    :raise 404: no such survey, or the point belongs to another survey.
    """
    db = get_db()
    survey = db.execute("SELECT * FROM surveys WHERE id = ?", [survey_id]).fetchone()
    point = db.execute(
        "SELECT * FROM collection_points WHERE id = ? AND survey_id = ?",
        [point_id, survey_id],
    ).fetchone()
    if survey is None or point is None:
        abort(404)
    return dict(survey), dict(point)


def kiosk_session(survey_id: int, point_id: int) -> dict | None:
    """The kiosk opened on this device for this survey and point, if any."""
    kiosk = session.get("kiosk")
    if isinstance(kiosk, dict) and (kiosk.get("s"), kiosk.get("p")) == (
        survey_id,
        point_id,
    ):
        return kiosk
    return None


def client_questions(questions: list[dict]) -> list[dict[str, Any]]:
    return [{k: q[k] for k in CLIENT_FIELDS if k in q} for q in questions]


@bp.get("/<int:survey_id>/sur-place")
@login_required
def index(survey_id: int):
    """The "Saisie sur place" tab: each point's kiosk and paper entry.

    :raise 403/404: see `member_survey`.
    """
    survey = member_survey(survey_id)
    return render_template(
        "field/index.html",
        survey=survey,
        points=survey_points(survey_id),
        today={
            p["id"]: collected_today(survey_id, p["id"], "kiosk")
            for p in survey_points(survey_id)
        },
    )


@bp.post("/<int:survey_id>/kiosque/<int:point_id>/ouvrir")
@login_required
def enter(survey_id: int, point_id: int):
    """Sign the conseiller out on this device and open kiosk mode.

    :raise 403/404: not a member, unknown survey or point.
    """
    member_survey(survey_id)
    survey, _point = survey_point(survey_id, point_id)
    if survey["status"] != "open":
        flash(
            "Ouvrez l'enquête aux réponses (onglet Tableau de bord) avant de "
            "lancer le mode kiosque.",
            "error",
        )
        return redirect(url_for("field.index", survey_id=survey_id))
    user_id = g.user["id"]
    session.clear()
    session.permanent = True
    session["kiosk"] = {
        "s": survey_id,
        "p": point_id,
        "u": user_id,
        "t": device.mint(survey_id, point_id, "kiosk"),
    }
    return redirect(url_for("field.kiosk", survey_id=survey_id, point_id=point_id))


@bp.get("/<int:survey_id>/kiosque/<int:point_id>")
def kiosk(survey_id: int, point_id: int):
    """The kiosk page; a signed-in member is asked to confirm opening it.

    :raise 403/404: not in kiosk mode here and not a member; unknown point.
    """
    kiosk = kiosk_session(survey_id, point_id)
    if kiosk is None:
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path))
        member_survey(survey_id)
        survey, point = survey_point(survey_id, point_id)
        return render_template("field/enter.html", survey=survey, point=point)
    survey, point = survey_point(survey_id, point_id)
    version = model.current_version(get_db(), survey_id)
    data = {
        "token": kiosk["t"],
        "sync_url": url_for("field_sync.receive", code=point["code"]),
        "version_id": version["id"],
        "survey_id": survey_id,
        "point_id": point_id,
        "mode": "kiosk",
        "open": survey["status"] == "open",
        "questions": client_questions(version["questions"]),
        "themes": model.THEMES,
        "sw_url": url_for("field.service_worker"),
    }
    response = current_app.make_response(
        render_template(
            "field/kiosk.html",
            survey=survey,
            point=point,
            code=point["code"],
            data=data,
            today=collected_today(survey_id, point_id, "kiosk"),
            thanked=request.args.get("merci") == "1",
        )
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/<int:survey_id>/kiosque/<int:point_id>/questions", methods=["GET", "POST"])
@csrf.exempt  # checked by run_questionnaire: an expired token keeps the answers
def questions(survey_id: int, point_id: int):
    """The kiosk questionnaire without JavaScript (same screens as /s/)."""
    home = url_for("field.kiosk", survey_id=survey_id, point_id=point_id)
    if kiosk_session(survey_id, point_id) is None:
        return redirect(home)
    survey, point = survey_point(survey_id, point_id)
    if survey["status"] != "open":
        return redirect(home)
    return run_questionnaire(
        survey,
        point,
        mode="kiosk",
        action=url_for("field.questions", survey_id=survey_id, point_id=point_id),
        done=home + "?merci=1",
        code=point["code"],
    )


@bp.route("/<int:survey_id>/kiosque/<int:point_id>/quitter", methods=["GET", "POST"])
def leave(survey_id: int, point_id: int):
    """Leave kiosk mode with the password of whoever opened it."""
    kiosk = kiosk_session(survey_id, point_id)
    if kiosk is None:
        return redirect(url_for("field.kiosk", survey_id=survey_id, point_id=point_id))
    survey, point = survey_point(survey_id, point_id)
    form = LeaveForm()
    status = 200
    if form.validate_on_submit():
        row = get_db().execute("SELECT email FROM users WHERE id = ?", [kiosk["u"]])
        owner = row.fetchone()
        if owner is None:
            abort(403)
        user, reason = check_password(owner["email"], form.password.data)
        if user:
            start_session(user["id"])
            flash("Mode kiosque quitté : vous êtes de nouveau connecté·e.", "info")
            return redirect(url_for("field.index", survey_id=survey_id))
        if reason == TOO_MANY_FAILURES:
            form.password.errors.append(reason)
            status = 429
        else:
            form.password.errors.append("Mot de passe incorrect.")
            status = 401
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "field/leave.html", survey=survey, point=point, form=form, code=None
        ),
        status,
    )


@bp.get("/kiosque-sw.js")
def service_worker():
    """The kiosk's service worker, served under /enquetes/ so that its scope
    covers the kiosk pages (and nothing outside /enquetes/)."""
    path = os.path.join(current_app.static_folder, "sw.js")
    with open(path, encoding="utf-8") as f:
        response = Response(f.read(), mimetype="text/javascript")
    # Checked on every visit, so that a new version reaches the tablets.
    response.headers["Cache-Control"] = "no-cache"
    return response
