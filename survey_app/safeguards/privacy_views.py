"""Personal-data pages: the diagnostic's data section, record, deletion.

Views for conseillers (members only, checked on the server) and the content
of the residents' privacy page `/s/<code>/confidentialite` (rendered by the
public blueprint through `render_public_privacy`).
"""

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange

from ..access import login_required, member_diagnostic
from ..db import get_db, write_transaction
from ..settings import setting
from . import push
from .personal_data import (
    collected_data,
    delete_diagnostic,
    processing_record,
    record_odt,
)

bp = Blueprint("privacy", __name__)

DEFAULT_HOSTING = (
    "Serveur de la structure ou de son prestataire, en France ou dans l'Union "
    "européenne (à préciser par l'administrateur : réglage HOSTING)."
)
NOTIFY_EVERY, ALERT = 50, 30  # the triggers' defaults (safeguards/migrations.py)


class SurveyFieldForm(FlaskForm):
    notify_every = IntegerField(
        "Me prévenir toutes les … réponses par lieu",
        validators=[
            InputRequired("Indiquez un nombre (0 pour ne jamais prévenir)."),
            NumberRange(0, 100000, "Indiquez un nombre entre 0 et 100 000."),
        ],
        description="0 : jamais. Vous êtes aussi prévenu·e quand un lieu atteint "
        "son objectif.",
    )
    alert_per_minute = IntegerField(
        "Alerte au-delà de … réponses par minute dans un même lieu",
        validators=[
            InputRequired("Indiquez un nombre."),
            # The burst trigger counts up to 1,000 (safeguards/migrations.py).
            NumberRange(1, 999, "Indiquez un nombre entre 1 et 999."),
        ],
        description="Les réponses sont toujours gardées ; vous êtes seulement "
        "averti·e pour vérifier qu'il ne s'agit pas d'envois automatiques.",
    )


class DeleteForm(FlaskForm):
    confirm = StringField("Recopiez le nom du diagnostic pour confirmer")


def hosting() -> str:
    return setting(current_app.config, "HOSTING") or DEFAULT_HOSTING


# Settings the residents' privacy page needs (issue 8, A5): without them a
# survey cannot be opened, and the conseiller is told which one is missing.
REQUIRED_SETTINGS = {
    "HOSTING": "HOSTING (où sont hébergées les réponses, montré aux habitants)",
}


def missing_settings() -> list[str]:
    """French descriptions of the required privacy settings left empty."""
    return [
        text
        for name, text in REQUIRED_SETTINGS.items()
        if not str(setting(current_app.config, name) or "").strip()
    ]


def field_section(diagnostic_id: int) -> dict[str, Any]:
    """What the diagnostic page's "Terrain et données" section shows."""
    db = get_db()
    alerts = db.execute(
        "SELECT a.*, p.name AS point, s.title AS survey FROM point_alerts a "
        "JOIN collection_points p ON p.id = a.point_id "
        "JOIN surveys s ON s.id = a.survey_id "
        "WHERE s.diagnostic_id = ? AND a.dismissed = 0 ORDER BY a.last_at DESC",
        [diagnostic_id],
    ).fetchall()
    # Only the day: the counts cover every diagnostic, not only this one.
    purge = db.execute("SELECT last_run FROM maintenance WHERE name = 'purge'")
    return {
        "last_purge": (purge.fetchone() or [""])[0],
        "alerts": alerts,
        "vapid_key": push.public_key(current_app.instance_path),
    }


def render_public_privacy(
    survey: dict[str, Any], point: dict | None, code: str, resume: dict | None = None
):
    """The residents' privacy page (survey as given by public.resolve).

    `resume`: the questionnaire being answered (see flow.run_questionnaire),
    so that "Retour au questionnaire" keeps the answers given so far.
    """
    data = collected_data(get_db(), [survey["id"]])
    return render_template(
        "privacy/public.html",
        survey=survey,
        point=point,
        code=code,
        data=data,
        # Never the administrator's placeholder in front of residents.
        hosting=setting(current_app.config, "HOSTING")
        or "Chez la structure ou son prestataire. Pour savoir où exactement, "
        "écrivez à la personne qui mène l'enquête.",
        resume=resume,
    )


def _survey_forms(diagnostic_id: int) -> list[tuple[Any, SurveyFieldForm]]:
    rows = get_db().execute(
        "SELECT s.id, s.title, f.notify_every, f.alert_per_minute FROM surveys s "
        "LEFT JOIN survey_field_settings f ON f.survey_id = s.id "
        "WHERE s.diagnostic_id = ? ORDER BY s.id",
        [diagnostic_id],
    )
    forms = []
    for survey in rows:
        defaults = {
            "notify_every": survey["notify_every"],
            "alert_per_minute": survey["alert_per_minute"],
        }
        if defaults["notify_every"] is None:
            defaults = {"notify_every": NOTIFY_EVERY, "alert_per_minute": ALERT}
        forms.append(
            (survey, SurveyFieldForm(prefix=f"s{survey['id']}", data=defaults))
        )
    return forms


@bp.get("/diagnostics/<int:diagnostic_id>/donnees")
@login_required
def settings(diagnostic_id: int):
    """Notification and alert thresholds per survey, links to the record."""
    diagnostic = member_diagnostic(diagnostic_id)
    forms = _survey_forms(diagnostic_id)
    return render_template("privacy/settings.html", diagnostic=diagnostic, forms=forms)


@bp.post("/diagnostics/<int:diagnostic_id>/donnees/<int:survey_id>")
@login_required
def save_settings(diagnostic_id: int, survey_id: int):
    """:raise 404: the survey is not one of this diagnostic's."""
    diagnostic = member_diagnostic(diagnostic_id)
    forms = _survey_forms(diagnostic_id)
    found = [(s, f) for s, f in forms if s["id"] == survey_id]
    if not found:
        abort(404)
    survey, form = found[0]  # built from the posted fields of its own prefix
    if not form.validate():
        page = render_template(
            "privacy/settings.html", diagnostic=diagnostic, forms=forms
        )
        return page, 400
    db = get_db()
    with write_transaction(db):
        db.execute(
            "INSERT INTO survey_field_settings (survey_id, notify_every, "
            "alert_per_minute) VALUES (?, ?, ?) ON CONFLICT (survey_id) DO UPDATE "
            "SET notify_every = excluded.notify_every, "
            "alert_per_minute = excluded.alert_per_minute",
            [survey_id, form.notify_every.data, form.alert_per_minute.data],
        )
    flash(f"Réglages enregistrés pour « {survey['title']} ».", "success")
    return redirect(url_for("privacy.settings", diagnostic_id=diagnostic_id))


@bp.post("/diagnostics/<int:diagnostic_id>/alertes/<int:alert_id>/vue")
@login_required
def dismiss_alert(diagnostic_id: int, alert_id: int):
    member_diagnostic(diagnostic_id)
    db = get_db()
    with write_transaction(db):
        db.execute(
            "UPDATE point_alerts SET dismissed = 1 WHERE id = ? AND survey_id IN "
            "(SELECT id FROM surveys WHERE diagnostic_id = ?)",
            [alert_id, diagnostic_id],
        )
    return redirect(url_for("diagnostics.show", diagnostic_id=diagnostic_id))


@bp.get("/diagnostics/<int:diagnostic_id>/registre")
@login_required
def record(diagnostic_id: int):
    """Printable record of processing for the structure's DPO."""
    diagnostic = member_diagnostic(diagnostic_id)
    rows = processing_record(get_db(), diagnostic, hosting())
    return render_template("privacy/record.html", diagnostic=diagnostic, rows=rows)


@bp.get("/diagnostics/<int:diagnostic_id>/registre.odt")
@login_required
def record_document(diagnostic_id: int):
    diagnostic = member_diagnostic(diagnostic_id)
    rows = processing_record(get_db(), diagnostic, hosting())
    title = f"Registre des traitements – {diagnostic['title']}"
    return Response(
        record_odt(title, rows),
        mimetype="application/vnd.oasis.opendocument.text",
        headers={
            "Content-Disposition": 'attachment; filename="registre-traitement.odt"'
        },
    )


@bp.route("/diagnostics/<int:diagnostic_id>/supprimer", methods=["GET", "POST"])
@login_required
def delete(diagnostic_id: int):
    """Delete the diagnostic and everything in it, once its title is typed.

    :raise 403: only the diagnostic's owner may delete it.
    """
    diagnostic = member_diagnostic(diagnostic_id)
    if diagnostic["role"] != "owner":
        abort(403, "Seule la personne qui a créé ce diagnostic peut le supprimer.")
    form = DeleteForm()
    status = 200
    if form.validate_on_submit():
        if (form.confirm.data or "").strip() == diagnostic["title"].strip():
            delete_diagnostic(get_db(), diagnostic_id)
            flash(f"Le diagnostic « {diagnostic['title']} » a été supprimé.", "success")
            return redirect(url_for("home.index"))
        form.confirm.errors.append(
            "Le nom recopié ne correspond pas : rien n'a été supprimé."
        )
        status = 400
    elif form.is_submitted():
        status = 400
    counts = (
        get_db()
        .execute(
            "SELECT (SELECT count(*) FROM surveys WHERE diagnostic_id = :d) "
            "AS surveys, (SELECT count(*) FROM responses WHERE survey_id IN "
            " (SELECT id FROM surveys WHERE diagnostic_id = :d)) AS responses",
            {"d": diagnostic_id},
        )
        .fetchone()
    )
    page = render_template(
        "privacy/delete.html", diagnostic=diagnostic, form=form, counts=counts
    )
    return page, status


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["field_section"] = field_section
