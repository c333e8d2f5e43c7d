"""The "Relancer l'enquête" page of a closed survey (issue 12 §3).

Confirm, choose the new period and whether the collection points keep their
short codes, then create the next wave (waves.relaunch). Membership is
checked on the server; a repeated POST finds the wave already made.
"""

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..access import login_required, member_survey
from ..db import get_db
from ..safeguards.privacy_views import missing_settings
from . import waves

bp = Blueprint("relaunch", __name__, url_prefix="/enquetes/<int:survey_id>")
CODE_CHOICES = [
    SelectChoice("memes", "Garder les mêmes codes : les affiches et QR codes déjà "
                 "imprimés mènent à la nouvelle vague"),
    SelectChoice("nouveaux", "De nouveaux codes : il faudra imprimer de nouvelles "
                 "affiches"),
]  # fmt: skip


class RelaunchForm(FlaskForm):
    opens_on = DateField("Début prévu de la nouvelle vague", validators=[Optional()])
    closes_on = DateField("Fin prévue", validators=[Optional()])
    codes = RadioField(
        "Lieux de collecte",
        choices=CODE_CHOICES,
        default="memes",
        validate_choice=False,  # checked below, with a French message
    )

    def validate_codes(self, field: Any) -> None:
        if field.data not in {c.value for c in CODE_CHOICES}:
            raise ValidationError("Choisissez de garder les codes ou d'en créer.")

    def validate_closes_on(self, field: Any) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError("La fin doit venir après le début.")


def refusal_for(survey: dict[str, Any]) -> str | None:
    if survey["status"] != "closed":
        return (
            "Seule une enquête close peut être relancée : clôturez d'abord cette "
            "vague (onglet « Questions »)."
        )
    if missing := missing_settings():
        return (
            "La nouvelle vague ne peut pas être ouverte : la page « Vos données "
            "et vos droits » des habitants serait incomplète. Demandez à "
            "l'administrateur du site de renseigner le réglage "
            + " et ".join(missing)
            + "."
        )
    return None


@bp.route("/relancer", methods=["GET", "POST"])
@login_required
def relaunch(survey_id: int):
    """Create the next wave of a closed survey.

    :raise 403: not a member. :raise 404: no such survey.
    """
    survey = member_survey(survey_id)
    db = get_db()
    existing = waves.next_wave(db, survey_id)
    if existing:
        flash(f"La vague {existing['wave_number']} existe déjà.", "success")
        return redirect(url_for("builder.edit", survey_id=existing["id"]))
    form = RelaunchForm()
    refusal = refusal_for(survey)
    if request.method == "POST" and refusal:
        return render_template(
            "surveys/relaunch.html", survey=survey, form=form, refusal=refusal
        ), 409
    if form.validate_on_submit():
        try:
            new_id, created = waves.relaunch(
                db,
                survey_id,
                keep_codes=form.codes.data == "memes",
                opens_on=form.opens_on.data and form.opens_on.data.isoformat(),
                closes_on=form.closes_on.data and form.closes_on.data.isoformat(),
            )
        except waves.RelaunchRefused as refused:  # closed meanwhile elsewhere
            flash(str(refused), "error")
            return redirect(url_for("relaunch.relaunch", survey_id=survey_id))
        if created:
            flash(
                f"Vague {survey['wave_number'] + 1} ouverte : les habitants peuvent "
                "répondre.",
                "success",
            )
        return redirect(url_for("builder.edit", survey_id=new_id))
    return render_template(
        "surveys/relaunch.html", survey=survey, form=form, refusal=refusal
    ), (400 if form.errors else 200)
