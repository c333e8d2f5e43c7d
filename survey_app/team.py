"""Sharing a diagnostic: several conseillers work on the same territory."""

from typing import Any

import sqlite_utils
from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField
from wtforms.validators import DataRequired, Length, Regexp

from .access import login_required, member_diagnostic
from .auth import EMAIL_RE, create_user
from .db import get_db, write_transaction
from .text import temporary_password as new_temporary_password

bp = Blueprint("team", __name__, url_prefix="/diagnostics/<int:diagnostic_id>")


class AddMemberForm(FlaskForm):
    email = EmailField(
        "Adresse e-mail de la personne",
        validators=[
            DataRequired("Indiquez une adresse e-mail."),
            Regexp(EMAIL_RE, message="Cette adresse e-mail n'est pas valide."),
            Length(max=200),
        ],
        description="Si elle n'a pas encore de compte, il est créé avec un mot de "
        "passe provisoire que vous lui transmettrez.",
    )


class RemoveMemberForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])


def members(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        """SELECT u.id, u.email, u.name, m.role FROM diagnostic_members m
           JOIN users u ON u.id = m.user_id
           WHERE m.diagnostic_id = ? ORDER BY m.role DESC, u.email""",
        [diagnostic_id],
    )
    return [dict(r) for r in rows]


@bp.route("/equipe", methods=["GET", "POST"])
@login_required
def show(diagnostic_id: int):
    diagnostic = member_diagnostic(diagnostic_id)
    db = get_db()
    form = AddMemberForm()
    if form.validate_on_submit():
        email = form.email.data.strip()
        user = db.execute("SELECT id FROM users WHERE email = ?", [email]).fetchone()
        temporary_password = None
        if user is None:
            temporary_password = new_temporary_password()
            user_id = create_user(email, temporary_password, temporary=True)
        else:
            user_id = user["id"]
        with write_transaction(db):
            cursor = db.execute(
                "INSERT OR IGNORE INTO diagnostic_members (diagnostic_id, user_id, "
                "role) VALUES (?, ?, 'member')",
                [diagnostic_id, user_id],
            )
        if cursor.rowcount == 0:
            flash(f"{email} fait déjà partie de l'équipe.", "info")
        elif temporary_password:
            flash(
                f"Compte créé pour {email}. Mot de passe provisoire à lui "
                f"transmettre : {temporary_password} (il le changera à sa "
                "première connexion).",
                "success",
            )
        else:
            flash(f"{email} a rejoint l'équipe.", "success")
        return redirect(url_for("team.show", diagnostic_id=diagnostic_id))
    return render_template(
        "diagnostics/team.html",
        diagnostic=diagnostic,
        members=members(db, diagnostic_id),
        form=form,
        remove_form=RemoveMemberForm(),
    ), (400 if form.errors else 200)


@bp.route("/equipe/retirer", methods=["POST"])
@login_required
def remove(diagnostic_id: int):
    """Remove a member. Only an owner may; the last owner cannot be removed.

    :raise 403: the current user is not an owner.
    """
    diagnostic = member_diagnostic(diagnostic_id)
    form = RemoveMemberForm()
    if not form.validate_on_submit():
        abort(400)
    if diagnostic["role"] != "owner":
        abort(403, "Seule la personne qui a créé le diagnostic peut retirer un membre.")
    db = get_db()
    user_id = int(form.user_id.data) if form.user_id.data.isdigit() else 0
    with write_transaction(db):
        owners = db.execute(
            "SELECT user_id FROM diagnostic_members "
            "WHERE diagnostic_id = ? AND role = 'owner'",
            [diagnostic_id],
        ).fetchall()
        if [r[0] for r in owners] == [user_id]:
            flash("Le diagnostic doit garder au moins un responsable.", "error")
        else:
            db.execute(
                "DELETE FROM diagnostic_members WHERE diagnostic_id = ? "
                "AND user_id = ?",
                [diagnostic_id, user_id],
            )
            flash("Membre retiré de l'équipe.", "success")
    if user_id == g.user["id"]:
        return redirect(url_for("home.index"))
    return redirect(url_for("team.show", diagnostic_id=diagnostic_id))
