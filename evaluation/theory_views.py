"""Pages of the theory of change (guide annex 3).

Every view checks membership of the diagnostic on the server and every POST
its CSRF token (`diagnostic.views.checked`). Bad input stores nothing and
says why in French; a new element's form carries an idempotency key, the
pre-filling adds only what is missing, and a move names the neighbour it
passes: a double tap never stores or moves twice.
"""

import uuid
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from diagnostic.views import checked
from survey_app.access import login_required, member_diagnostic
from survey_app.db import get_db
from survey_app.inputs import storable_int

from . import theory as th
from .theory_prefill import prefill_from_fiches
from .theory_svg import theory_svg
from .views import bp

TABLE_ID = "theorie-tableau"
BASE = "/theorie-du-changement"


def _page_data(diagnostic: dict[str, Any]) -> dict[str, Any]:
    db = get_db()
    theory = th.load_theory(db, diagnostic["id"])
    return {
        "diagnostic": diagnostic,
        "theory": theory,
        "rows": th.theory_rows(theory),
        "header": th.TABLE_HEADER,
        "svg": theory_svg(theory, _svg_title(diagnostic), table_id=TABLE_ID),
        "table_id": TABLE_ID,
        "levels": th.LEVELS,
        "hints": th.LEVEL_HINTS,
        "assumption_labels": [th.assumption_label(i) for i in range(4)],
        "fiches": th.fiche_titles(db, diagnostic["id"]),
        "indicators": th.indicator_names(db, diagnostic["id"]),
    }


def _svg_title(diagnostic: dict[str, Any]) -> str:
    return f"Théorie du changement du diagnostic « {diagnostic['title']} »"


def to_theory(diagnostic_id: int, anchor: str = "") -> Response:
    return redirect(url_for("evaluation.theory", diagnostic_id=diagnostic_id) + anchor)


def _optional_id(name: str) -> tuple[int | None, bool]:
    """(the posted id or None when empty, whether it was readable)."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None, True
    value = storable_int(raw)
    return value, value is not None


def posted_values() -> dict[str, Any]:
    """The element's posted fields (checked by theory.check_values)."""
    fiche_id, fiche_ok = _optional_id("fiche")
    indicator_id, indicator_ok = _optional_id("indicator")
    return {
        "kind": request.form.get("kind", "element"),
        "level": storable_int(request.form.get("level")),
        "text": request.form.get("text", ""),
        # -1 is no id: check_values refuses it with its French message.
        "fiche_id": fiche_id if fiche_ok else -1,
        "indicator_id": indicator_id if indicator_ok else -1,
    }


def posted_ids(name: str) -> list[int] | None:
    ids = [storable_int(v) for v in request.form.getlist(name)]
    return None if None in ids else [i for i in ids if i is not None]


@bp.get(BASE)
@login_required
def theory(diagnostic_id: int):
    """The diagram, its table and the forms. :raise 403: not a member."""
    diagnostic = member_diagnostic(diagnostic_id)
    return render_template(
        "evaluation/theory.html",
        **_page_data(diagnostic),
        key=uuid.uuid4().hex,
    )


@bp.get(BASE + "/imprimer")
@login_required
def theory_print(diagnostic_id: int):
    """The diagram and its table alone, for A4 landscape."""
    diagnostic = member_diagnostic(diagnostic_id)
    return render_template("evaluation/theory_print.html", **_page_data(diagnostic))


@bp.post(BASE + "/elements")
@login_required
def create_element(diagnostic_id: int):
    checked(diagnostic_id)
    key = (request.form.get("key") or "").strip()[:64]
    values = posted_values()
    try:
        th.create_element(
            get_db(), diagnostic_id, values, key if key.isalnum() else None
        )
    except th.TheoryError as error:
        flash(f"{error} Rien n'a été ajouté.", "error")
        return to_theory(diagnostic_id, "#modifier")
    flash("Élément ajouté.", "success")
    kind = (
        "hypotheses" if values["kind"] == "assumption" else f"niveau-{values['level']}"
    )
    return to_theory(diagnostic_id, f"#{kind}")


def owned_element(diagnostic_id: int, element_id: int) -> dict[str, Any]:
    """:raise 404: no such element in this diagnostic."""
    element = th.get_element(get_db(), diagnostic_id, element_id)
    if element is None:
        abort(404)
    return element


# One rule for GET and POST: with two, Werkzeug answers a too-large id with
# 405 instead of 404 (tests/test_bad_input.py).
@bp.route(BASE + "/elements/<int:element_id>", methods=["GET", "POST"])
@login_required
def edit_element(diagnostic_id: int, element_id: int):
    """An element's text, level, fiche, indicator and links.
    :raise 404: not an element of this diagnostic."""
    if request.method == "POST":
        return update_element(diagnostic_id, element_id)
    diagnostic = member_diagnostic(diagnostic_id)
    return edit_page(diagnostic, owned_element(diagnostic_id, element_id))


def edit_page(diagnostic, element, errors=(), status=200):
    data = _page_data(diagnostic)
    current = data["theory"]["elements"][element["id"]]
    return render_template(
        "evaluation/theory_element.html",
        **data,
        element={**current, **element},
        errors=errors,
    ), status


def update_element(diagnostic_id: int, element_id: int):
    diagnostic = checked(diagnostic_id)
    element = owned_element(diagnostic_id, element_id)
    values = posted_values()
    sources, targets = posted_ids("sources"), posted_ids("targets")
    try:
        if sources is None or targets is None:
            raise th.TheoryError("Lien illisible : rien n'a été changé.")
        th.update_element(
            get_db(), diagnostic_id, element_id, values, (sources, targets)
        )
    except th.TheoryError as error:
        typed = {**element, **values, "sources": sources or [],
                 "targets": targets or []}  # fmt: skip
        return edit_page(diagnostic, typed, [str(error)], 422)
    flash("Élément mis à jour.", "success")
    return to_theory(diagnostic_id, f"#element-{element_id}")


@bp.post(BASE + "/elements/<int:element_id>/deplacer")
@login_required
def move_element(diagnostic_id: int, element_id: int):
    """Up or down past the neighbour the page showed (`voisin`)."""
    checked(diagnostic_id)
    owned_element(diagnostic_id, element_id)
    neighbour = storable_int(request.form.get("voisin"))
    up = request.form.get("sens") == "monter"
    if neighbour is None or not th.move_element(
        get_db(), diagnostic_id, element_id, neighbour, up
    ):
        flash("L'ordre a déjà changé : rien n'a été déplacé.", "error")
    return to_theory(diagnostic_id, f"#element-{element_id}")


@bp.post(BASE + "/elements/<int:element_id>/supprimer")
@login_required
def delete_element(diagnostic_id: int, element_id: int):
    checked(diagnostic_id)
    owned_element(diagnostic_id, element_id)
    th.delete_element(get_db(), diagnostic_id, element_id)
    flash("Élément supprimé, avec ses liens.", "success")
    return to_theory(diagnostic_id, "#modifier")


@bp.post(BASE + "/preremplir")
@login_required
def prefill(diagnostic_id: int):
    """Add what the fiches action say and the theory lacks."""
    checked(diagnostic_id)
    added = prefill_from_fiches(get_db(), diagnostic_id)
    if not added["fiches"]:
        flash(
            "Aucune fiche action : rédigez-en à l'étape 7, puis pré-remplissez.",
            "error",
        )
    elif not added["elements"] and not added["links"]:
        flash(
            "Rien à ajouter : la théorie contient déjà ce que disent les fiches "
            "action.",
            "success",
        )
    else:
        flash(
            f"{added['elements']} élément(s) et {added['links']} lien(s) ajoutés "
            f"à partir de {added['fiches']} fiche(s) action. Relisez-les et "
            "complétez.",
            "success",
        )
    return to_theory(diagnostic_id)
