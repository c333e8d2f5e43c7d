"""Conseiller accounts: sign in, sign out, throttled against guessing."""

from datetime import timedelta

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, Regexp

from .dates import stamp, utcnow
from .db import get_db, now, write_transaction

bp = Blueprint("auth", __name__)

MAX_FAILURES = 5
TOO_MANY_FAILURES = "Trop de tentatives pour ce compte. Réessayez dans 15 minutes."
EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
FAILURE_WINDOW = timedelta(minutes=15)


class LoginForm(FlaskForm):
    email = EmailField(
        "Adresse e-mail",
        validators=[
            DataRequired("Indiquez votre adresse e-mail."),
            Regexp(EMAIL_RE, message="Cette adresse e-mail n'est pas valide."),
        ],
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Indiquez votre mot de passe."), Length(max=200)],
    )


def create_user(email: str, password: str, name: str = "") -> int:
    """Create a conseiller account and return its id.

    :raise ValueError: the e-mail is taken or the password is too short.
    """
    if len(password) < 10:
        raise ValueError("Le mot de passe doit compter au moins 10 caractères.")
    db = get_db()
    with write_transaction(db):
        if db.execute("SELECT 1 FROM users WHERE email = ?", [email]).fetchone():
            raise ValueError(f"Un compte existe déjà pour {email}.")
        cursor = db.execute(
            "INSERT INTO users (email, name, password_hash, created_at) "
            "VALUES (?, ?, ?, ?)",
            [email.strip(), name, generate_password_hash(password), now()],
        )
        return cursor.lastrowid


def recent_failures(email: str) -> int:
    since = stamp(utcnow() - FAILURE_WINDOW)
    row = (
        get_db()
        .execute(
            "SELECT count(*) FROM login_failures WHERE email = ? AND at >= ?",
            [email, since],
        )
        .fetchone()
    )
    return row[0]


def check_password(email: str, password: str) -> tuple[dict | None, str]:
    """The user if `password` is theirs, else None and a French reason.

    Counts failures per account: after MAX_FAILURES in FAILURE_WINDOW the
    account refuses every password for a while (the kiosk exit uses it too).
    """
    if recent_failures(email) >= MAX_FAILURES:
        return None, TOO_MANY_FAILURES
    db = get_db()
    user = db.execute("SELECT * FROM users WHERE email = ?", [email]).fetchone()
    with write_transaction(db):
        if user and check_password_hash(user["password_hash"], password):
            db.execute("DELETE FROM login_failures WHERE email = ?", [email])
            return dict(user), ""
        db.execute(
            "INSERT INTO login_failures (email, at) VALUES (?, ?)", [email, now()]
        )
    return None, "Adresse e-mail ou mot de passe incorrect."


def start_session(user_id: int) -> None:
    """Sign a conseiller in on this browser (a fresh session, 31 days)."""
    session.clear()
    session.permanent = True
    session["user_id"] = user_id


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user, reason = check_password(form.email.data.strip(), form.password.data)
        if user:
            start_session(user["id"])
            target = request.args.get("next", "")
            # Only follow local paths, never another site.
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("home.index")
            return redirect(target)
        flash(reason, "error")
        status = 429 if reason == TOO_MANY_FAILURES else 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/deconnexion", methods=["POST"])
def logout():
    session.clear()
    flash("Vous êtes déconnecté·e.", "info")
    return redirect(url_for("auth.login"))


@bp.before_app_request
def load_logged_in_user() -> None:
    user_id = session.get("user_id")
    g.user = None
    if user_id is not None:
        row = get_db().execute("SELECT * FROM users WHERE id = ?", [user_id])
        user = row.fetchone()
        g.user = dict(user) if user else None
