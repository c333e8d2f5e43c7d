"""Choosing a diagnostic's territory the way a conseiller thinks of it.

Communes are found by name or postcode, or added a whole intercommunality
(EPCI) at once; nobody types an INSEE code.
"""

from typing import Any

import sqlite_utils
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from .access import login_required, member_diagnostic
from .db import get_db, write_transaction
from .geo import search_communes
from .text import fold

bp = Blueprint("territory", __name__, url_prefix="/diagnostics/<int:diagnostic_id>")

MAX_QUERY = 80


def territory_communes(
    db: sqlite_utils.Database, diagnostic_id: int
) -> list[dict[str, Any]]:
    rows = db.execute(
        """SELECT c.* FROM diagnostic_communes dc
           JOIN communes c ON c.code = dc.commune_code
           WHERE dc.diagnostic_id = ? ORDER BY c.name""",
        [diagnostic_id],
    )
    return [dict(r) for r in rows]


def search_epcis(
    db: sqlite_utils.Database, query: str, limit: int = 5
) -> list[dict[str, Any]]:
    """Intercommunalities whose name contains every word of the query.

    Their population is the sum of their communes' (issue 8, D9): the figure
    the territory shows once the EPCI is added, not Etalab's EPCI total, which
    counts another year's census.
    """
    words = [w for w in fold(query).split() if len(w) > 1]
    if not words:
        return []
    where = " AND ".join("e.search_name LIKE ?" for _ in words)
    rows = db.execute(
        f"""SELECT e.code, e.name, e.kind, count(c.code) AS communes,
                   coalesce(sum(c.population), 0) AS population
            FROM epcis e LEFT JOIN communes c ON c.epci_code = e.code
            WHERE {where}
            GROUP BY e.code ORDER BY population DESC LIMIT ?""",
        [f"%{w}%" for w in words] + [limit],
    )
    return [dict(r) for r in rows]


def add_communes(
    db: sqlite_utils.Database, diagnostic_id: int, codes: list[str]
) -> int:
    """Add communes (ignoring unknown codes and duplicates); return how many."""
    with write_transaction(db):
        before = db.execute(
            "SELECT count(*) FROM diagnostic_communes WHERE diagnostic_id = ?",
            [diagnostic_id],
        ).fetchone()[0]
        db.conn.executemany(
            """INSERT OR IGNORE INTO diagnostic_communes (diagnostic_id, commune_code)
               SELECT ?, code FROM communes WHERE code = ?""",
            [(diagnostic_id, code) for code in codes],
        )
        after = db.execute(
            "SELECT count(*) FROM diagnostic_communes WHERE diagnostic_id = ?",
            [diagnostic_id],
        ).fetchone()[0]
    return after - before


class ActionForm(FlaskForm):
    """No fields: CSRF protection for the add/remove buttons."""


@bp.route("/territoire")
@login_required
def show(diagnostic_id: int):
    diagnostic = member_diagnostic(diagnostic_id)
    db = get_db()
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    communes = territory_communes(db, diagnostic_id)
    chosen = {c["code"] for c in communes}
    results = search_communes(db, query, limit=15) if query else []
    epcis = search_epcis(db, query) if query and not query.isdigit() else []
    return render_template(
        "diagnostics/territory.html",
        diagnostic=diagnostic,
        communes=communes,
        population=sum(c["population"] or 0 for c in communes),
        query=query,
        results=results,
        epcis=epcis,
        chosen=chosen,
        form=ActionForm(),
    )


@bp.route("/territoire/ajouter", methods=["POST"])
@login_required
def add(diagnostic_id: int):
    """Add one commune (`commune`) or every commune of an EPCI (`epci`)."""
    member_diagnostic(diagnostic_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_db()
    query = request.form.get("q", "")[:MAX_QUERY]
    if epci := request.form.get("epci"):
        row = db.execute("SELECT name FROM epcis WHERE code = ?", [epci]).fetchone()
        if row is None:
            flash("Cette intercommunalité est introuvable.", "error")
        else:
            codes = [
                r[0]
                for r in db.execute(
                    "SELECT code FROM communes WHERE epci_code = ?", [epci]
                )
            ]
            added = add_communes(db, diagnostic_id, codes)
            flash(f"{row['name']} : {added} commune(s) ajoutée(s).", "success")
    elif code := request.form.get("commune"):
        if add_communes(db, diagnostic_id, [code]):
            flash("Commune ajoutée au territoire.", "success")
        else:
            flash("Cette commune est introuvable ou déjà choisie.", "error")
    return redirect(url_for("territory.show", diagnostic_id=diagnostic_id, q=query))


@bp.route("/territoire/retirer", methods=["POST"])
@login_required
def remove(diagnostic_id: int):
    member_diagnostic(diagnostic_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_db()
    with write_transaction(db):
        if request.form.get("all") == "1":
            db.execute(
                "DELETE FROM diagnostic_communes WHERE diagnostic_id = ?",
                [diagnostic_id],
            )
        else:
            db.execute(
                "DELETE FROM diagnostic_communes "
                "WHERE diagnostic_id = ? AND commune_code = ?",
                [diagnostic_id, request.form.get("commune", "")],
            )
    flash("Territoire mis à jour.", "success")
    return redirect(url_for("territory.show", diagnostic_id=diagnostic_id))
