"""Diagnostics: a territory, a period, a team; everything else hangs under one."""

from flask import Blueprint, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

from .access import login_required, member_diagnostic
from .db import get_db, now, write_transaction

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


def create_diagnostic(user_id: int, **fields) -> int:
    db = get_db()
    with write_transaction(db):
        diagnostic_id = db.execute(
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
        ).lastrowid
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


@bp.route("/<int:diagnostic_id>")
@login_required
def show(diagnostic_id: int):
    """The diagnostic's home: each package adds its own section to it."""
    diagnostic = member_diagnostic(diagnostic_id)
    return render_template("diagnostics/show.html", diagnostic=diagnostic)
