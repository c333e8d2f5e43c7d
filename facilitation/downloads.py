"""Facilitator downloads: /ateliers/<workshop_id>/export.csv, images, summary.

Same rule as the JSON API: signed-in member of the workshop's diagnostic
(anonymous visitors are sent to the sign-in page, others get 403). Errors
are the app's French HTML pages, since these are links, not scripts.
"""

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup

from survey_app.db import get_db
from survey_app.errors import render_error
from survey_app.inputs import query_int

from . import exports, images
from .errors import WorkshopError
from .staff_api import authorise_workshop

bp = Blueprint("workshop_downloads", __name__, url_prefix="/ateliers/<int:wid>")

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
}


@bp.url_value_preprocessor
def pop_id(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.workshop_id = (values or {}).pop("wid", 0)


@bp.before_request
def check_staff():
    if g.get("user") is None:
        return redirect(url_for("auth.login", next=request.full_path))
    g.workshop = authorise_workshop(g.workshop_id)
    return None


bp.register_error_handler(WorkshopError, lambda e: render_error(e.status, e.message))


def _file(content: Any, fmt: str, name: str, attachment: bool = True) -> Response:
    response = Response(content, mimetype=TYPES[fmt])
    filename = f"atelier-{g.workshop['code']}-{name}.{fmt}"
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export.<fmt>")
def cards(fmt: str):
    """Cards as CSV, or cards and votes as an XLSX workbook."""
    db, wid = get_db(), g.workshop["id"]
    if fmt == "csv":
        return _file(exports.cards_csv(db, wid), "csv", "cartes")
    if fmt == "xlsx":
        return _file(exports.workbook_xlsx(db, wid), "xlsx", "cartes-et-votes")
    abort(404)


@bp.get("/gommettes.csv")
def votes():
    return _file(exports.votes_csv(get_db(), g.workshop["id"]), "csv", "gommettes")


@bp.get("/matrices.csv")
def placements():
    """Where each participant placed each item of the matrices."""
    content = exports.placements_csv(get_db(), g.workshop["id"])
    return _file(content, "csv", "matrices")


@bp.get("/synthese.<fmt>")
def summary(fmt: str):
    """Markdown to paste into the diagnostic report, or a page to print."""
    db, wid = get_db(), g.workshop["id"]
    if fmt == "md":
        return _file(exports.summary_markdown(db, wid), "md", "synthese")
    if fmt == "html":
        # A page to read and print, not a file to find in Downloads (issue 8 C5).
        body = Markup(exports.summary_html(db, wid))  # escaped by summary_html
        page = render_template(
            "facilitation/summary.html", workshop=g.workshop, body=body
        )
        return _file(page, "html", "synthese", attachment=False)
    abort(404)


@bp.get("/activites/<int:activity_id>/plateau.<fmt>")
def board(activity_id: int, fmt: str):
    """The board of one activity as an SVG or PNG image (?telecharger=1)."""
    db, wid = get_db(), g.workshop["id"]
    download = bool(request.args.get("telecharger"))
    if fmt == "svg":
        content: Any = images.board_svg(db, wid, activity_id)
    elif fmt == "png":
        content = images.board_png(db, wid, activity_id)
    else:
        abort(404)
    return _file(content, fmt, f"tableau-{activity_id}", download)


@bp.get("/nuage.<fmt>")
def cloud(fmt: str):
    """Word cloud of the visible cards (?activite=<id> for one activity)."""
    if fmt not in ("svg", "png"):
        abort(404)
    activity = query_int(request.args, "activite")  # 400 if not a storable id
    content = images.wordcloud(get_db(), g.workshop["id"], fmt, activity)
    if content is None:
        abort(404, "Pas encore assez de mots sur les cartes pour faire un nuage.")
    return _file(content, fmt, "nuage", attachment=False)
