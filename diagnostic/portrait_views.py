"""Portrait pages (step 2): the portrait, CSV import with its column-mapping
step, manual entry, local plans and sources."""

from datetime import UTC, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for

from survey_app.access import login_required, member_diagnostic
from survey_app.db import get_db, now, write_transaction

from . import portrait as store
from .indicators import GROUPS, INDICATORS, REFERENCE_KINDS
from .portrait_import import (
    ROLES,
    ImportProblem,
    check_import,
    guess_mapping,
    parse_number,
    read_table,
)
from .pyramid import pyramid_bands, pyramid_svg
from .views import CsrfForm, bp, checked, text

PREVIEW_ROWS = 5


def _year() -> int | None:
    value = (request.form.get("year") or "").strip()
    return int(value) if value.isdigit() and 1900 < int(value) < 2100 else None


def _url() -> str:
    url = text("url", 500)
    return url if url.startswith(("https://", "http://")) else ""


@bp.get("/portrait")
@login_required
def portrait(diagnostic_id: int):
    """The territory portrait on one page. :raise 403: not a member."""
    diagnostic = member_diagnostic(diagnostic_id)
    data = store.load_portrait(get_db(), diagnostic_id)
    table = data["table"]
    sort = request.args.get("tri", "name")
    descending = request.args.get("ordre") == "desc"
    if sort in table.columns:
        table = table.sort_values(sort, ascending=not descending, na_position="last")
    else:
        sort = "name"
    return render_template(
        "diagnostic/portrait.html",
        diagnostic=diagnostic,
        data=data,
        table=table,
        sort=sort,
        descending=descending,
        indicators=INDICATORS,
        groups=GROUPS,
        kinds=REFERENCE_KINDS,
        pyramid=pyramid_svg(data["population"], "Pyramide des âges du territoire"),
        bands=pyramid_bands(data["population"]),
        form=CsrfForm(),
    )


@bp.route("/portrait/import", methods=["GET", "POST"])
@login_required
def import_upload(diagnostic_id: int):
    """Step 1 of an import: the file and its source."""
    diagnostic = member_diagnostic(diagnostic_id)
    error = ""
    if request.method == "POST":
        checked(diagnostic_id)
        upload = request.files.get("fichier")
        title = text("title", 200)
        content = upload.read() if upload and upload.filename else b""
        if not content:
            error = "Choisissez un fichier CSV."
        elif not title:
            error = "Indiquez la source des chiffres (par exemple : Insee, RP 2021)."
        else:
            try:
                read_table(content)
            except ImportProblem as problem:
                error = str(problem)
        if not error:
            db = get_db()
            with write_transaction(db):
                # Files left at the mapping step are forgotten after a day.
                db.execute(
                    "DELETE FROM portrait_uploads WHERE created_at < ?",
                    [
                        (datetime.now(UTC) - timedelta(days=1)).strftime(
                            "%Y-%m-%dT%H:%M:%SZ"
                        )
                    ],
                )
                upload_id = db.execute(
                    "INSERT INTO portrait_uploads (diagnostic_id, filename, content, "
                    "title, year, url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [diagnostic_id, upload.filename[:200], content, title, _year(),
                     _url(), now()],
                ).lastrowid  # fmt: skip
            return redirect(
                url_for("guided.import_mapping", diagnostic_id=diagnostic_id,
                        upload_id=upload_id)
            )  # fmt: skip
    return render_template(
        "diagnostic/import_upload.html",
        diagnostic=diagnostic,
        error=error,
        form=CsrfForm(),
    ), (400 if error else 200)


def _upload(diagnostic_id: int, upload_id: int) -> dict:
    row = (
        get_db()
        .execute(
            "SELECT * FROM portrait_uploads WHERE id = ? AND diagnostic_id = ?",
            [upload_id, diagnostic_id],
        )
        .fetchone()
    )
    if row is None:
        abort(404)
    return dict(row)


def _codes(sql: str, params: list) -> set[str]:
    return {r[0] for r in get_db().execute(sql, params)}


@bp.route("/portrait/import/<int:upload_id>", methods=["GET", "POST"])
@login_required
def import_mapping(diagnostic_id: int, upload_id: int):
    """Step 2: which column is what, a preview with per-line errors, then
    storing in one transaction. :raise 404: no such upload here."""
    diagnostic = member_diagnostic(diagnostic_id)
    upload = _upload(diagnostic_id, upload_id)
    table = read_table(upload["content"])
    mapping = guess_mapping(list(table.columns))
    result, status = None, 200
    if request.method == "POST":
        checked(diagnostic_id)
        mapping = {
            column: request.form.get(f"col-{i}", "")
            for i, column in enumerate(table.columns)
        }
        db = get_db()
        result = check_import(
            table,
            mapping,
            known=_codes("SELECT code FROM communes", []),
            territory=_codes(
                "SELECT commune_code FROM diagnostic_communes WHERE diagnostic_id = ?",
                [diagnostic_id],
            ),
        )
        if not result.ok:
            status = 400
        elif request.form.get("action") == "enregistrer":
            store.store_import(
                db, diagnostic_id, result, upload["title"], upload["year"],
                upload["url"],
            )  # fmt: skip
            with write_transaction(db):
                db.execute("DELETE FROM portrait_uploads WHERE id = ?", [upload_id])
            stored = len(result.figures) + len(result.population)
            flash(f"{stored} chiffre(s) enregistré(s) depuis {upload['filename']}.",
                  "success")  # fmt: skip
            return redirect(url_for("guided.portrait", diagnostic_id=diagnostic_id))
    return render_template(
        "diagnostic/import_mapping.html",
        diagnostic=diagnostic,
        upload=upload,
        columns=list(enumerate(table.columns)),
        sample=table.head(PREVIEW_ROWS),
        lines=len(table),
        mapping=mapping,
        roles=ROLES,
        result=result,
        form=CsrfForm(),
    ), status


@bp.post("/portrait/chiffre")
@login_required
def manual_figure(diagnostic_id: int):
    """Manual entry of one figure for one commune, with its source."""
    checked(diagnostic_id)
    db = get_db()
    code, key = request.form.get("commune", ""), request.form.get("indicator", "")
    territory = _codes(
        "SELECT commune_code FROM diagnostic_communes WHERE diagnostic_id = ?",
        [diagnostic_id],
    )
    error = ""
    try:
        value = parse_number(request.form.get("value", ""))
    except ValueError:
        value, error = None, "La valeur doit être un nombre, par exemple 12,5."
    if code not in territory or key not in INDICATORS:
        error = "Choisissez une commune du territoire et un indicateur."
    elif value is None and not error:
        error = "Indiquez une valeur."
    elif not text("title", 200) and not error:
        error = "Indiquez la source du chiffre."
    if error:
        flash(f"Chiffre non enregistré : {error}", "error")
    else:
        store.set_figure(db, diagnostic_id, code, key, value, text("title", 200),
                         _year(), _url())  # fmt: skip
        flash("Chiffre enregistré.", "success")
    return redirect(url_for("guided.portrait", diagnostic_id=diagnostic_id) + "#saisie")


@bp.post("/portrait/references")
@login_required
def add_reference(diagnostic_id: int):
    checked(diagnostic_id)
    kind, title = request.form.get("kind", ""), text("title", 200)
    if kind not in REFERENCE_KINDS or not title:
        flash("Référence non enregistrée : choisissez son type et donnez son titre.",
              "error")  # fmt: skip
    else:
        values = {"kind": kind, "title": title, "year": _year(), "url": _url(),
                  "summary": text("summary")}  # fmt: skip
        store.add_reference(get_db(), diagnostic_id, **values)
        flash("Référence enregistrée.", "success")
    return redirect(
        url_for("guided.portrait", diagnostic_id=diagnostic_id) + "#references"
    )


@bp.post("/portrait/references/<int:reference_id>/supprimer")
@login_required
def delete_reference(diagnostic_id: int, reference_id: int):
    from .interviews import delete_row

    checked(diagnostic_id)
    if not delete_row(get_db(), "portrait_references", diagnostic_id, reference_id):
        abort(404)
    flash("Référence supprimée.", "success")
    return redirect(
        url_for("guided.portrait", diagnostic_id=diagnostic_id) + "#references"
    )
