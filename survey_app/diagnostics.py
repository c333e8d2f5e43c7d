"""Diagnostics: a territory, a period, a team; everything else hangs under one."""

from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, IntegerField, StringField, ValidationError
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .access import login_required, member_diagnostic
from .db import get_db, now, write_transaction
from .safeguards.personal_data import set_retention
from .storage import inserted_id

bp = Blueprint("diagnostics", __name__, url_prefix="/diagnostics")


class DiagnosticForm(FlaskForm):
    title = StringField(
        "Nom du diagnostic",
        validators=[DataRequired("Donnez un nom au diagnostic."), Length(max=200)],
    )
    structure = StringField(
        "Structure qui porte le diagnostic",
        validators=[Length(max=200)],
        description="Elle est affichée aux habitants comme responsable des données.",
    )
    contact_email = EmailField(
        "E-mail de contact pour les habitants", validators=[Optional(), Length(max=200)]
    )
    starts_on = DateField("Début", validators=[Optional()])
    ends_on = DateField("Fin", validators=[Optional()])

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("La fin doit venir après le début.")


class EditDiagnosticForm(DiagnosticForm):
    retention_months = IntegerField(
        "Durée de conservation des réponses (en mois)",
        validators=[
            DataRequired("Indiquez une durée en mois."),
            NumberRange(1, 120, "Entre 1 et 120 mois."),
        ],
        description="Passé ce délai, les réponses sont effacées automatiquement. "
        "Elle est indiquée aux habitants.",
    )


def create_diagnostic(user_id: int, **fields) -> int:
    db = get_db()
    with write_transaction(db):
        diagnostic_id = inserted_id(
            db.execute(
                "INSERT INTO diagnostics (title, structure, contact_email, starts_on, "
                "ends_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    fields["title"],
                    fields.get("structure", ""),
                    fields.get("contact_email", ""),
                    fields.get("starts_on"),
                    fields.get("ends_on"),
                    user_id,
                    now(),
                ],
            )
        )
        db.execute(
            "INSERT INTO diagnostic_members (diagnostic_id, user_id, role) "
            "VALUES (?, ?, 'owner')",
            [diagnostic_id, user_id],
        )
    return diagnostic_id


@bp.route("/nouveau", methods=["GET", "POST"])
@login_required
def new():
    form = DiagnosticForm()
    if form.validate_on_submit():
        diagnostic_id = create_diagnostic(
            g.user["id"],
            title=form.title.data.strip(),
            structure=(form.structure.data or "").strip(),
            contact_email=(form.contact_email.data or "").strip(),
            starts_on=form.starts_on.data and form.starts_on.data.isoformat(),
            ends_on=form.ends_on.data and form.ends_on.data.isoformat(),
        )
        return redirect(url_for("diagnostics.show", diagnostic_id=diagnostic_id))
    return render_template("diagnostics/new.html", form=form)


@bp.route("/<int:diagnostic_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(diagnostic_id: int):
    diagnostic = member_diagnostic(diagnostic_id)
    form = EditDiagnosticForm(data=diagnostic_form_data(diagnostic))
    if form.validate_on_submit():
        db = get_db()
        with write_transaction(db):
            db.execute(
                "UPDATE diagnostics SET title = ?, structure = ?, contact_email = ?, "
                "starts_on = ?, ends_on = ? WHERE id = ?",
                [
                    form.title.data.strip(),
                    (form.structure.data or "").strip(),
                    (form.contact_email.data or "").strip(),
                    form.starts_on.data and form.starts_on.data.isoformat(),
                    form.ends_on.data and form.ends_on.data.isoformat(),
                    diagnostic_id,
                ],
            )
            # Same transaction; the one place retention is written and checked.
            set_retention(db, diagnostic_id, form.retention_months.data)
        flash("Diagnostic enregistré.", "success")
        return redirect(url_for("diagnostics.show", diagnostic_id=diagnostic_id))
    return render_template("diagnostics/edit.html", diagnostic=diagnostic, form=form), (
        400 if form.errors else 200
    )


def diagnostic_form_data(diagnostic: dict) -> dict:
    data = dict(diagnostic)
    for key in ("starts_on", "ends_on"):
        data[key] = date.fromisoformat(data[key]) if data.get(key) else None
    return data


@bp.route("/<int:diagnostic_id>")
@login_required
def show(diagnostic_id: int):
    """The diagnostic's home: each package adds its own section to it."""
    diagnostic = member_diagnostic(diagnostic_id)
    return render_template(
        "diagnostics/show.html",
        diagnostic=diagnostic,
        overview=overview(diagnostic_id),
    )


def overview(diagnostic_id: int) -> dict:
    db = get_db()
    territory = db.execute(
        """SELECT count(*), coalesce(sum(c.population), 0) FROM diagnostic_communes dc
           JOIN communes c ON c.code = dc.commune_code WHERE dc.diagnostic_id = ?""",
        [diagnostic_id],
    ).fetchone()
    names = db.execute(
        """SELECT c.name FROM diagnostic_communes dc
           JOIN communes c ON c.code = dc.commune_code WHERE dc.diagnostic_id = ?
           ORDER BY c.population DESC LIMIT 3""",
        [diagnostic_id],
    ).fetchall()
    members = db.execute(
        "SELECT count(*) FROM diagnostic_members WHERE diagnostic_id = ?",
        [diagnostic_id],
    ).fetchone()[0]
    return {
        "communes": territory[0],
        "population": territory[1],
        "names": [r[0] for r in names],
        "members": members,
    }
