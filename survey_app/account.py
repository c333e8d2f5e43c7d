"""A conseiller's own account: change the password."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .access import login_required
from .auth import start_session
from .db import get_db, write_transaction

bp = Blueprint("account", __name__, url_prefix="/compte")


class PasswordForm(FlaskForm):
    current = PasswordField(
        "Mot de passe actuel", validators=[DataRequired("Indiquez votre mot de passe.")]
    )
    new = PasswordField(
        "Nouveau mot de passe",
        validators=[
            DataRequired("Choisissez un nouveau mot de passe."),
            Length(min=10, max=200, message="Au moins 10 caractères."),
        ],
        description="Au moins 10 caractères. Une phrase facile à retenir convient.",
    )
    confirm = PasswordField(
        "Confirmez le nouveau mot de passe",
        validators=[EqualTo("new", "Les deux mots de passe sont différents.")],
    )


@bp.route("/mot-de-passe", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        if not check_password_hash(g.user["password_hash"], form.current.data):
            form.current.errors.append("Ce n'est pas votre mot de passe actuel.")
        else:
            db = get_db()
            new_hash = generate_password_hash(form.new.data)
            with write_transaction(db):
                db.execute(
                    "UPDATE users SET password_hash = ?, must_change_password = 0 "
                    "WHERE id = ?",
                    [new_hash, g.user["id"]],
                )
            # Other browsers' sessions no longer match the password: they
            # end; this one is stamped again and carries on (issue 8, E5).
            start_session(g.user["id"], new_hash)
            flash("Votre mot de passe a été changé.", "success")
            return redirect(url_for("home.index"))
    return render_template("account/password.html", form=form), (
        400 if form.errors else 200
    )
