"""The conseiller's home page: their diagnostics."""

from flask import Blueprint, g, redirect, render_template, url_for

from .access import user_diagnostics

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    if g.user is None:
        return redirect(url_for("auth.login"))
    return render_template("home.html", diagnostics=user_diagnostics(g.user["id"]))
