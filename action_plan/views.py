"""Pages of the action plan: chantiers, their levers and resources, annex 1.

The CSRF form and `checked` (membership + token) are the guided path's own.

Every view checks membership of the diagnostic on the server; every POST
checks the CSRF token; creations carry an idempotency key (`key`), so a
double tap or a retried request stores one chantier.
"""

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from diagnostic.views import CsrfForm, checked
from survey_app.access import login_required, member_diagnostic
from survey_app.db import get_db

from . import chantiers as ch
from . import priorities
from .diagrams import resource_map_svg

bp = Blueprint(
    "action_plan",
    __name__,
    url_prefix="/diagnostics/<int:diagnostic_id>/plan",
    template_folder="templates",
)


def text(name: str, limit: int = 2000) -> str:
    return (request.form.get(name) or "").replace("\r\n", "\n").strip()[:limit]


def new_key() -> str:
    return uuid.uuid4().hex


def form_key() -> str | None:
    key = text("key", 64)
    return key if key.isalnum() else None


def owned_chantier(diagnostic_id: int, chantier_id: int) -> dict:
    """:raise 404: no such chantier in this diagnostic."""
    chantier = ch.get_chantier(get_db(), diagnostic_id, chantier_id)
    if chantier is None:
        abort(404)
    return chantier


def to_plan(diagnostic_id: int, anchor: str = ""):
    return redirect(url_for("action_plan.index", diagnostic_id=diagnostic_id) + anchor)


@bp.get("")
@login_required
def index(diagnostic_id: int):
    """Chantiers and fiches of the plan. :raise 403: not a member."""
    from facilitation.matrix_svg import matrix_svg
    from facilitation.workshops import list_workshops

    from .fiches import load_fiches

    diagnostic = member_diagnostic(diagnostic_id)
    db = get_db()
    chantiers = ch.load_chantiers(db, diagnostic_id)
    ranked = priorities.priority_rows(chantiers)
    placed = [r for r in ranked if r["count"]]
    return render_template(
        "action_plan/index.html",
        diagnostic=diagnostic,
        chantiers=chantiers,
        fiches=load_fiches(db, diagnostic_id),
        activities=ch.vote_activities(db, diagnostic_id),
        workshops=list_workshops(db, diagnostic_id),
        matrices=priorities.matrix_activities(db, diagnostic_id),
        placed=placed,
        # matrix_svg escapes the only user text it holds (the title)
        matrix=matrix_svg(placed, "Chantiers : impact et faisabilité")
        if placed
        else None,
        form=CsrfForm(),
        key=new_key(),
    )


@bp.post("/chantiers")
@login_required
def create_chantier(diagnostic_id: int):
    checked(diagnostic_id)
    title = text("title", 200)
    if not title:
        flash("Donnez un titre au chantier : rien n'a été créé.", "error")
        return to_plan(diagnostic_id)
    chantier_id = ch.create_chantier(
        get_db(), diagnostic_id, title, text("description"), form_key()
    )
    flash("Chantier créé.", "success")
    return redirect(
        url_for(
            "action_plan.chantier", diagnostic_id=diagnostic_id, chantier_id=chantier_id
        )
    )


# One rule for GET and POST: with two, Werkzeug answers a too-large id
# with 405 instead of 404 (tests/test_bad_input.py).
@bp.route("/depuis-atelier/<int:activity_id>", methods=["GET", "POST"])
@login_required
def from_workshop(diagnostic_id: int, activity_id: int):
    """The voted cards of an activity, most dots first, to turn into chantiers.
    :raise 404: the activity is not a voted one of this diagnostic."""
    if request.method == "POST":
        return create_from_workshop(diagnostic_id, activity_id)
    diagnostic = member_diagnostic(diagnostic_id)
    try:
        cards = ch.ranked_cards(get_db(), diagnostic_id, activity_id)
    except KeyError:
        abort(404)
    return render_template(
        "action_plan/from_workshop.html",
        diagnostic=diagnostic,
        cards=cards,
        activity_id=activity_id,
        form=CsrfForm(),
        key=new_key(),
    )


def create_from_workshop(diagnostic_id: int, activity_id: int):
    checked(diagnostic_id)
    try:
        chosen = [int(c) for c in request.form.getlist("cards")]
    except ValueError:
        chosen = None
    key = form_key()
    if not chosen or not key:
        flash("Cochez au moins une carte : aucun chantier n'a été créé.", "error")
        return redirect(
            url_for(
                "action_plan.from_workshop",
                diagnostic_id=diagnostic_id,
                activity_id=activity_id,
            )
        )
    try:
        made = ch.chantiers_from_workshop(
            get_db(), diagnostic_id, activity_id, chosen, key
        )
    except KeyError:
        abort(404)
    flash(f"{len(made)} chantier(s) créé(s) à partir de l'atelier.", "success")
    return to_plan(diagnostic_id, "#chantiers")


@bp.get("/chantiers/<int:chantier_id>")
@login_required
def chantier(diagnostic_id: int, chantier_id: int):
    diagnostic = member_diagnostic(diagnostic_id)
    item = owned_chantier(diagnostic_id, chantier_id)
    return render_template(
        "action_plan/chantier.html",
        diagnostic=diagnostic,
        chantier=item,
        kinds=ch.RESOURCE_KINDS,
        links=ch.LINKS,
        form=CsrfForm(),
        key=new_key(),
    )


def to_chantier(diagnostic_id: int, chantier_id: int, anchor: str = ""):
    return redirect(
        url_for(
            "action_plan.chantier", diagnostic_id=diagnostic_id, chantier_id=chantier_id
        )
        + anchor
    )


@bp.post("/chantiers/<int:chantier_id>/leviers")
@login_required
def add_lever(diagnostic_id: int, chantier_id: int):
    checked(diagnostic_id)
    owned_chantier(diagnostic_id, chantier_id)
    obstacle = text("obstacle")
    if not obstacle:
        flash("Décrivez l'obstacle : rien n'a été ajouté.", "error")
    else:
        ch.add_lever(get_db(), chantier_id, obstacle, text("lever"))
        flash("Obstacle et levier ajoutés.", "success")
    return to_chantier(diagnostic_id, chantier_id, "#leviers")


@bp.post("/chantiers/<int:chantier_id>/ressources")
@login_required
def add_resource(diagnostic_id: int, chantier_id: int):
    checked(diagnostic_id)
    owned_chantier(diagnostic_id, chantier_id)
    values = {
        "kind": text("kind", 20),
        "name": text("name", 200),
        "link": text("link", 20),
        "note": text("note", 500),
    }
    if not values["name"]:
        flash("Nommez la ressource : rien n'a été ajouté.", "error")
    elif values["kind"] not in ch.RESOURCE_KINDS or values["link"] not in ch.LINKS:
        flash(
            "Type de ressource ou état du lien inconnu : rien n'a été ajouté.", "error"
        )
    else:
        ch.add_resource(get_db(), chantier_id, values)
        flash("Ressource ajoutée.", "success")
    return to_chantier(diagnostic_id, chantier_id, "#ressources")


DELETE_URL = "/chantiers/<int:chantier_id>/<any(leviers, ressources):what>/<int:row_id>"


@bp.post(DELETE_URL + "/supprimer")
@login_required
def delete_child(diagnostic_id: int, chantier_id: int, what: str, row_id: int):
    checked(diagnostic_id)
    owned_chantier(diagnostic_id, chantier_id)
    table = "plan_levers" if what == "leviers" else "plan_resources"
    if not ch.delete_child(get_db(), table, chantier_id, row_id):
        abort(404)
    flash("Supprimé.", "success")
    return to_chantier(diagnostic_id, chantier_id, f"#{what}")


@bp.get("/ressources")
@login_required
def resource_map(diagnostic_id: int):
    """Annex 1: every chantier with its resources, drawn and as a table."""
    diagnostic = member_diagnostic(diagnostic_id)
    chantiers = ch.load_chantiers(get_db(), diagnostic_id)
    return render_template(
        "action_plan/resource_map.html",
        diagnostic=diagnostic,
        chantiers=chantiers,
        drawings={c["id"]: resource_map_svg(c) for c in chantiers},
        kinds=ch.RESOURCE_KINDS,
        links=ch.LINKS,
    )


@bp.post("/chantiers/<int:chantier_id>/modifier")
@login_required
def edit_chantier(diagnostic_id: int, chantier_id: int):
    checked(diagnostic_id)
    owned_chantier(diagnostic_id, chantier_id)
    title = text("title", 200)
    if not title:
        flash("Le chantier doit garder un titre : rien n'a été changé.", "error")
    else:
        ch.update_chantier(get_db(), chantier_id, title, text("description"))
        flash("Chantier mis à jour.", "success")
    return to_chantier(diagnostic_id, chantier_id)


@bp.post("/chantiers/<int:chantier_id>/supprimer")
@login_required
def delete_chantier(diagnostic_id: int, chantier_id: int):
    """Delete a chantier (its fiches action stay, without the link)."""
    checked(diagnostic_id)
    owned_chantier(diagnostic_id, chantier_id)
    ch.delete_chantier(get_db(), chantier_id)
    flash("Chantier supprimé ; ses fiches action sont conservées.", "success")
    return to_plan(diagnostic_id, "#chantiers")


@bp.post("/matrice")
@login_required
def send_to_matrix(diagnostic_id: int):
    """Add an impact × feasibility matrix of the chantiers to a workshop."""
    from facilitation.errors import WorkshopError

    checked(diagnostic_id)
    db = get_db()
    key = form_key()
    try:
        workshop_id = int(request.form.get("workshop", ""))
    except ValueError:
        workshop_id = 0
    chantiers = ch.load_chantiers(db, diagnostic_id)
    if not key or not chantiers:
        flash("Créez d'abord des chantiers : rien n'a été ajouté.", "error")
        return to_plan(diagnostic_id, "#priorites")
    try:
        priorities.send_to_workshop(db, diagnostic_id, workshop_id, chantiers, key)
    except KeyError:
        flash("Choisissez un atelier de ce diagnostic : rien n'a été ajouté.", "error")
        return to_plan(diagnostic_id, "#priorites")
    except WorkshopError as error:
        flash(error.message + " Rien n'a été ajouté.", "error")
        return to_plan(diagnostic_id, "#priorites")
    flash(
        "Matrice ajoutée à la fin de l'atelier : affichez-la puis passez à "
        "l'étape « Vote » pour que chacun place les chantiers.",
        "success",
    )
    return redirect(url_for("workshops.console", workshop_id=workshop_id))


@bp.post("/matrice/<int:activity_id>/reprendre")
@login_required
def apply_matrix(diagnostic_id: int, activity_id: int):
    """Copy a matrix's result onto the chantiers and order them by it.
    :raise 404: not a matrix of this diagnostic's workshops."""
    checked(diagnostic_id)
    try:
        count = priorities.apply_matrix(get_db(), diagnostic_id, activity_id)
    except KeyError:
        abort(404)
    flash(
        f"{count} chantier(s) ont reçu leur impact et leur faisabilité ; "
        "les chantiers sont classés selon la matrice.",
        "success" if count else "error",
    )
    return to_plan(diagnostic_id, "#priorites")
