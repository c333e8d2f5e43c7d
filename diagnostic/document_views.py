"""The diagnostic document page: choose surveys, workshops and sections,
then download the ODT, DOCX or PDF. Membership is checked on the server;
the download is a POST with its CSRF token. Also the diagnostic-level results
page, which the document's synthesis mirrors."""

import io
import re
import unicodedata
from datetime import date

from flask import abort, render_template, request, send_file

from analysis.document_pdf import ConversionError
from survey_app.access import login_required, member_diagnostic
from survey_app.db import get_db

from .document import (
    SECTIONS,
    Selection,
    diagnostic_surveys,
    diagnostic_workshops,
)
from .document_files import FORMATS, write_document
from .results import diagnostic_results
from .views import CsrfForm, bp, checked


def _ids(name: str, allowed: set[int]) -> list[int]:
    """Checked ids of the form, only those of this diagnostic, in its order."""
    chosen = {v for v in request.form.getlist(name) if v.isdigit()}
    return [i for i in sorted(allowed) if str(i) in chosen]


def file_name(title: str, fmt: str) -> str:
    """e.g. "diagnostic-inclusion-numerique-2026-12-01.odt" (ASCII only)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.decode().lower()).strip("-")
    return f"diagnostic-{slug[:50] or 'territorial'}-{date.today()}.{fmt}"


def _page(diagnostic: dict, errors: list[str], status: int = 200):
    db = get_db()
    return render_template(
        "diagnostic/document.html",
        diagnostic=diagnostic,
        surveys=diagnostic_surveys(db, diagnostic["id"]),
        workshops=diagnostic_workshops(db, diagnostic["id"]),
        sections=SECTIONS,
        formats=FORMATS,
        errors=errors,
        form=CsrfForm(),
    ), status


@bp.route("/document", methods=["GET", "POST"])
@login_required
def document(diagnostic_id: int):
    """The choices, then the file (POST).
    :raise 403: not a member. :raise 400: bad CSRF token or format."""
    if request.method == "GET":
        return _page(member_diagnostic(diagnostic_id), [])
    diagnostic = checked(diagnostic_id)
    fmt = request.form.get("format", "")
    if fmt not in FORMATS:
        abort(400)
    db = get_db()
    selection = Selection(
        surveys=_ids(
            "surveys", {s["id"] for s in diagnostic_surveys(db, diagnostic_id)}
        ),
        workshops=_ids(
            "workshops", {w["id"] for w in diagnostic_workshops(db, diagnostic_id)}
        ),
        sections=[s for s in SECTIONS if s in request.form.getlist("sections")],
    )
    if not selection.sections:
        return _page(diagnostic, ["Cochez au moins une partie du document."], 400)
    buffer = io.BytesIO()
    try:
        write_document(db, diagnostic_id, selection, fmt, buffer)
    except ConversionError as error:
        return _page(diagnostic, [str(error)], 503)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype=FORMATS[fmt][0],
        as_attachment=True,
        download_name=file_name(diagnostic["title"], fmt),
    )


@bp.get("/resultats")
@login_required
def results(diagnostic_id: int):
    """Every survey of the diagnostic side by side. :raise 403: not a member."""
    diagnostic = member_diagnostic(diagnostic_id)
    return render_template(
        "diagnostic/results.html",
        diagnostic=diagnostic,
        **diagnostic_results(get_db(), diagnostic_id),
    )
