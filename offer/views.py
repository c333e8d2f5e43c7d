"""Pages of the offer: actors and resources, places, needs against offer,
inspirations (issue 11 §1–3). Every view checks membership on the server."""

import json

import pandas as pd
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from diagnostic.views import CsrfForm, checked, text
from survey_app.access import login_required, member_diagnostic
from survey_app.db import get_db, write_transaction

from . import actors as ac
from .offer_data import need_labels, needs_for_diagnostic, service_options
from .places import export_csv, load_places, parse_places, save_places
from .schematic import legend, needs_svg

bp = Blueprint(
    "offer", __name__, url_prefix="/diagnostics/<int:diagnostic_id>/offre",
    template_folder="templates",
)  # fmt: skip
# The national file is about 18,000 places (≈ 15 MB); a 20,000-row extract
# fits with room to spare. The rest of the app keeps its 512 KB limit.
IMPORT_LIMIT = 40 * 1024 * 1024


def back(diagnostic_id: int, anchor: str = "") -> Response:
    return redirect(url_for("offer.show", diagnostic_id=diagnostic_id) + anchor)


def diagnostic_communes(diagnostic_id: int) -> set[str]:
    return {
        r[0]
        for r in get_db().execute(
            "SELECT commune_code FROM diagnostic_communes WHERE diagnostic_id = ?",
            [diagnostic_id],
        )
    }


@bp.get("")
@login_required
def show(diagnostic_id: int):
    """Actors, resources and places of the diagnostic. :raise 403: not a member."""
    return render_offer(member_diagnostic(diagnostic_id))


def render_offer(diagnostic: dict, report: dict | None = None) -> str:
    db = get_db()
    return render_template(
        "offer/offer.html",
        diagnostic=diagnostic,
        actors=ac.load_actors(db, diagnostic["id"]),
        places=load_places(db, diagnostic["id"]),
        actor_kinds=ac.ACTOR_KINDS,
        resource_kinds=ac.RESOURCE_KINDS,
        communes=len(diagnostic_communes(diagnostic["id"])),
        limit_mb=IMPORT_LIMIT // 2**20,
        form=CsrfForm(),
        report=report,
    )


def actor_values() -> dict[str, str]:
    return {k: text(k, 300) for k in ("name", "kind", "role", "contact")}


def actor_problem(values: dict[str, str]) -> str | None:
    if not values["name"] or values["kind"] not in ac.ACTOR_KINDS:
        return "Indiquez le nom de la structure et son type"
    return None


@bp.post("/acteurs")
@login_required
def add_actor(diagnostic_id: int):
    checked(diagnostic_id)
    values = actor_values()
    if actor_problem(values):
        flash("Indiquez le nom de la structure et son type : rien n'a été ajouté.",
              "error")  # fmt: skip
        return back(diagnostic_id, "#acteurs")
    ac.add_actor(get_db(), diagnostic_id, values)
    flash(f"Acteur « {values['name']} » ajouté.", "success")
    return back(diagnostic_id, "#acteurs")


# One rule for GET and POST: with two, Werkzeug answers a too-large id
# with 405 instead of 404 (tests/test_bad_input.py).
@bp.route("/acteurs/<int:actor_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_actor(diagnostic_id: int, actor_id: int):
    """Change an actor; bad input shows the form again and changes nothing.
    :raise 403: not a member. :raise 404: not an actor of this diagnostic."""
    diagnostic = member_diagnostic(diagnostic_id)
    actor = ac.get_actor(get_db(), diagnostic_id, actor_id)
    if actor is None:
        abort(404)
    if request.method == "POST":
        checked(diagnostic_id)
        values = actor_values()
        problem = actor_problem(values)
        if problem is None:
            ac.update_actor(get_db(), diagnostic_id, actor_id, values)
            flash(f"Acteur « {values['name']} » enregistré.", "success")
            return back(diagnostic_id, f"#acteur-{actor_id}")
        flash(f"{problem} : rien n'a été changé.", "error")
        actor = {**actor, **values}
    return render_template(
        "offer/actor_form.html", diagnostic=diagnostic, actor=actor,
        actor_kinds=ac.ACTOR_KINDS, form=CsrfForm(),
    ), (400 if request.method == "POST" else 200)  # fmt: skip


@bp.route("/acteurs/<int:actor_id>/supprimer", methods=["GET", "POST"])
@login_required
def delete_actor(diagnostic_id: int, actor_id: int):
    """GET asks for confirmation; POST deletes (again: says it is done).
    :raise 404: GET of an actor that is not the diagnostic's."""
    diagnostic = member_diagnostic(diagnostic_id)
    actor = ac.get_actor(get_db(), diagnostic_id, actor_id)
    if request.method == "GET":
        if actor is None:
            abort(404)
        resources = next(
            (a["resources"] for a in ac.load_actors(get_db(), diagnostic_id)
             if a["id"] == actor_id), [],
        )  # fmt: skip
        return render_template(
            "offer/confirm_delete.html", diagnostic=diagnostic, form=CsrfForm(),
            what=f"l'acteur « {actor['name']} »",
            details=f"Ses {len(resources)} ressource(s) seront supprimées aussi."
            if resources else "",
            cancel=url_for("offer.show", diagnostic_id=diagnostic_id)
            + f"#acteur-{actor_id}",
        )  # fmt: skip
    checked(diagnostic_id)
    if ac.delete_actor(get_db(), diagnostic_id, actor_id):
        flash("Acteur supprimé, avec ses ressources.", "success")
    else:  # a double tap, or a page left open after the deletion
        flash("Cet acteur était déjà supprimé.", "success")
    return back(diagnostic_id, "#acteurs")


@bp.post("/acteurs/<int:actor_id>/ressources")
@login_required
def add_resource(diagnostic_id: int, actor_id: int):
    checked(diagnostic_id)
    db = get_db()
    if not ac.actor_of(db, diagnostic_id, actor_id):
        abort(404)
    values = {k: text(k, 1000) for k in ("kind", "description", "quantity")}
    if not values["description"] or values["kind"] not in ac.RESOURCE_KINDS:
        flash("Choisissez le type de ressource et décrivez-la : rien n'a été ajouté.",
              "error")  # fmt: skip
    else:
        ac.add_resource(db, actor_id, values)
        flash("Ressource ajoutée.", "success")
    return back(diagnostic_id, f"#acteur-{actor_id}")


@bp.post("/ressources/<int:resource_id>/supprimer")
@login_required
def delete_resource(diagnostic_id: int, resource_id: int):
    checked(diagnostic_id)
    if not ac.delete_resource(get_db(), diagnostic_id, resource_id):
        abort(404)
    flash("Ressource supprimée.", "success")
    return back(diagnostic_id, "#acteurs")


def import_limit() -> Response | None:
    """Runs before every other request hook (CSRF reads the form, so the body):
    the import route accepts large files; beyond the limit, a French message
    and nothing read. Other routes keep the app's 512 KB limit."""
    if request.endpoint != "offer.import_places":
        return None
    request.max_content_length = IMPORT_LIMIT
    if (request.content_length or 0) > IMPORT_LIMIT:
        # Nothing is read or written: the offer page checks membership.
        diagnostic_id = request.view_args["diagnostic_id"]
        flash(f"Fichier trop volumineux (plus de {IMPORT_LIMIT // 2**20} Mo) : rien "
              "n'a été importé. Gardez seulement les lignes de votre département "
              "avant l'import.", "error")  # fmt: skip
        return back(diagnostic_id, "#lieux")
    return None


@bp.post("/lieux/import")
@login_required
def import_places(diagnostic_id: int):
    """Import the national CSV filtered to the diagnostic's communes."""
    diagnostic = checked(diagnostic_id)
    upload = request.files.get("fichier")
    if upload is None or not upload.filename:
        flash("Choisissez un fichier CSV : rien n'a été importé.", "error")
        return back(diagnostic_id, "#lieux")
    try:
        parsed = parse_places(upload.read(), diagnostic_communes(diagnostic_id))
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    added = updated = 0
    if parsed.places:
        added, updated = save_places(get_db(), diagnostic_id, parsed.places)
    report = {"parsed": parsed, "added": added, "updated": updated}
    return render_offer(diagnostic, report)


@bp.get("/lieux.csv")
@login_required
def export_places(diagnostic_id: int):
    member_diagnostic(diagnostic_id)
    body = export_csv(load_places(get_db(), diagnostic_id))
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename="
                 f"lieux-de-mediation-numerique-diagnostic-{diagnostic_id}.csv"},
    )  # fmt: skip


@bp.get("/besoins")
@login_required
def needs(diagnostic_id: int):
    """Needs against offer: uncovered needs, schematic view, mapping."""
    diagnostic = member_diagnostic(diagnostic_id)
    result = needs_for_diagnostic(get_db(), diagnostic_id)
    return render_template(
        "offer/needs.html",
        diagnostic=diagnostic,
        result=result,
        svg=needs_svg(result["table"], result["centres"],
                      "Besoins exprimés et lieux d'aide, par commune")
        if len(result["centres"]) else None,
        legend=legend(),
        options=service_options(),
        labels=need_labels(),
        form=CsrfForm(),
        isna=pd.isna,
    )  # fmt: skip


@bp.post("/besoins/correspondances")
@login_required
def save_mapping(diagnostic_id: int):
    """Save the needs → services table (all of it, in one transaction)."""
    checked(diagnostic_id)
    allowed = set(service_options())
    rows = []
    for need in need_labels():
        chosen = [c for c in request.form.getlist(need) if c in allowed]
        rows.append((diagnostic_id, need, json.dumps(chosen, ensure_ascii=False)))
    db = get_db()
    with write_transaction(db):
        db.conn.executemany(
            "INSERT OR REPLACE INTO offer_need_services (diagnostic_id, need, services)"
            " VALUES (?, ?, ?)",
            rows,
        )
    flash("Correspondances besoins → services enregistrées.", "success")
    return redirect(
        url_for("offer.needs", diagnostic_id=diagnostic_id) + "#correspondances"
    )


@bp.get("/inspirations")
@login_required
def inspirations(diagnostic_id: int):
    diagnostic = member_diagnostic(diagnostic_id)
    return render_template(
        "offer/inspirations.html",
        diagnostic=diagnostic,
        inspirations=ac.load_inspirations(get_db(), diagnostic_id),
        fields=ac.INSPIRATION_FIELDS,
        form=CsrfForm(),
    )


@bp.post("/inspirations/nouvelle")
@login_required
def add_inspiration(diagnostic_id: int):
    checked(diagnostic_id)
    values = {k: text(k, 2000) for k in ac.INSPIRATION_FIELDS}
    if not values["title"]:
        flash("Donnez un titre à l'initiative : rien n'a été ajouté.", "error")
    else:
        ac.add_inspiration(get_db(), diagnostic_id, values)
        flash(f"Inspiration « {values['title']} » ajoutée.", "success")
    return redirect(url_for("offer.inspirations", diagnostic_id=diagnostic_id))


def to_inspirations(diagnostic_id: int, anchor: str = "") -> Response:
    return redirect(url_for("offer.inspirations", diagnostic_id=diagnostic_id) + anchor)


@bp.route("/inspirations/<int:inspiration_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_inspiration(diagnostic_id: int, inspiration_id: int):
    """Change an inspiration; bad input changes nothing. :raise 403/404."""
    diagnostic = member_diagnostic(diagnostic_id)
    item = ac.get_inspiration(get_db(), diagnostic_id, inspiration_id)
    if item is None:
        abort(404)
    if request.method == "POST":
        checked(diagnostic_id)
        values = {k: text(k, 2000) for k in ac.INSPIRATION_FIELDS}
        if values["title"]:
            ac.update_inspiration(get_db(), diagnostic_id, inspiration_id, values)
            flash(f"Inspiration « {values['title']} » enregistrée.", "success")
            return to_inspirations(diagnostic_id, f"#inspiration-{inspiration_id}")
        flash("Donnez un titre à l'initiative : rien n'a été changé.", "error")
        item = {**item, **values}
    return render_template(
        "offer/inspiration_form.html", diagnostic=diagnostic, item=item,
        fields=ac.INSPIRATION_FIELDS, form=CsrfForm(),
    ), (400 if request.method == "POST" else 200)  # fmt: skip


@bp.route("/inspirations/<int:inspiration_id>/supprimer", methods=["GET", "POST"])
@login_required
def delete_inspiration(diagnostic_id: int, inspiration_id: int):
    """GET asks for confirmation; POST deletes (again: says it is done)."""
    diagnostic = member_diagnostic(diagnostic_id)
    if request.method == "GET":
        item = ac.get_inspiration(get_db(), diagnostic_id, inspiration_id)
        if item is None:
            abort(404)
        return render_template(
            "offer/confirm_delete.html", diagnostic=diagnostic, form=CsrfForm(),
            what=f"l'initiative « {item['title']} »", details="",
            cancel=url_for("offer.inspirations", diagnostic_id=diagnostic_id)
            + f"#inspiration-{inspiration_id}",
        )  # fmt: skip
    checked(diagnostic_id)
    if ac.delete_inspiration(get_db(), diagnostic_id, inspiration_id):
        flash("Inspiration supprimée.", "success")
    else:
        flash("Cette inspiration était déjà supprimée.", "success")
    return to_inspirations(diagnostic_id)
