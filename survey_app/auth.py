"""Conseiller accounts: sign in, sign out, throttled against guessing."""

import hashlib
import hmac

from flask import (
    Blueprint,
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
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, Regexp

from .db import get_db, now, write_transaction
from .safe_redirect import local_target
from .safeguards import ratelimit
from .safeguards.ratelimit import Limit
from .storage import inserted_id
from .text import temporary_password

bp = Blueprint("auth", __name__)

MAX_FAILURES = 5
TOO_MANY_FAILURES = "Trop de tentatives pour ce compte. Réessayez d'ici 15 minutes."
EMAIL_RE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
FAILURE_LIMITS = [Limit(MAX_FAILURES, 15 * 60)]


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


def create_user(
    email: str, password: str, name: str = "", temporary: bool = False
) -> int:
    """Create a conseiller account and return its id.

    A `temporary` password must be changed at first sign-in.
    :raise ValueError: the e-mail is taken or the password is too short.
    """
    if len(password) < 10:
        raise ValueError("Le mot de passe doit compter au moins 10 caractères.")
    db = get_db()
    with write_transaction(db):
        if db.execute("SELECT 1 FROM users WHERE email = ?", [email]).fetchone():
            raise ValueError(f"Un compte existe déjà pour {email}.")
        cursor = db.execute(
            "INSERT INTO users (email, name, password_hash, created_at, "
            "must_change_password) VALUES (?, ?, ?, ?, ?)",
            [email.strip(), name, generate_password_hash(password), now(), temporary],
        )
        return inserted_id(cursor)


def reset_password(email: str) -> str:
    """Give an account a new temporary password (to change at next sign-in).

    :raise LookupError: no account has this e-mail.
    """
    password = temporary_password()
    db = get_db()
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE users SET password_hash = ?, must_change_password = 1 "
            "WHERE email = ?",
            [generate_password_hash(password), email.strip()],
        )
    if cursor.rowcount == 0:
        raise LookupError(f"Aucun compte pour {email}.")
    return password


def _failures(email: str) -> tuple[str, str, str, list[Limit]]:
    """The limiter's (secret, scope, subject, limits) for failed sign-ins."""
    secret = current_app.config["SECRET_KEY"]
    return secret, "signin-failures", email.strip().casefold(), FAILURE_LIMITS


def check_password(email: str, password: str) -> tuple[dict | None, str]:
    """The user if `password` is theirs, else None and a French reason.

    Counts failures per account: after MAX_FAILURES in a quarter of an hour
    the account refuses every password until that quarter ends (the kiosk
    exit uses it too). The count is keyed, the e-mail typed is not stored.
    """
    db = get_db()
    if ratelimit.exhausted(db, *_failures(email)):
        return None, TOO_MANY_FAILURES
    user = db.execute("SELECT * FROM users WHERE email = ?", [email]).fetchone()
    if user and check_password_hash(user["password_hash"], password):
        ratelimit.forget(db, *_failures(email))
        return dict(user), ""
    ratelimit.hit(db, *_failures(email))
    return None, "Adresse e-mail ou mot de passe incorrect."


def password_stamp(password_hash: str) -> str:
    """A keyed digest of the password hash, kept in the session cookie.

    A session is only valid while its stamp matches the account's current
    password, so changing or resetting a password ends every other session
    (issue 8, E5). Keyed: the cookie is signed, not encrypted, and must not
    carry anything derived from the hash alone.
    """
    secret = current_app.secret_key
    key = secret.encode() if isinstance(secret, str) else bytes(secret or b"")
    digest = hmac.new(key, password_hash.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def start_session(user_id: int, password_hash: str | None = None) -> None:
    """Sign a conseiller in on this browser (a fresh session, 31 days)."""
    if password_hash is None:
        row = get_db().execute(
            "SELECT password_hash FROM users WHERE id = ?", [user_id]
        )
        password_hash = row.fetchone()[0]
    session.clear()
    session.permanent = True
    session["user_id"] = user_id
    session["password_stamp"] = password_stamp(password_hash)


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user, reason = check_password(form.email.data.strip(), form.password.data)
        if user:
            start_session(user["id"], user["password_hash"])
            # Only follow paths of this site, never another site.
            target = local_target(request.args.get("next", ""))
            return redirect(target or url_for("home.index"))
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
        stamp = session.get("password_stamp", "")
        if user and hmac.compare_digest(stamp, password_stamp(user["password_hash"])):
            g.user = dict(user)
        else:  # deleted account, or its password changed since this sign-in
            session.clear()


# Pages a conseiller holding a temporary password can still reach.
OPEN_WITH_TEMPORARY_PASSWORD = {"account.password", "auth.logout", "static"}


@bp.before_app_request
def ask_for_a_new_password():
    """A temporary password (read aloud, written down) is replaced first.

    Runs after `load_logged_in_user` (registered after it). Issue 8, D5.
    """
    user = g.get("user")
    if not user or not user.get("must_change_password"):
        return None
    endpoint = request.endpoint or ""
    if endpoint in OPEN_WITH_TEMPORARY_PASSWORD or endpoint.endswith(".static"):
        return None
    flash("Choisissez votre propre mot de passe pour continuer.", "info")
    return redirect(url_for("account.password"))
