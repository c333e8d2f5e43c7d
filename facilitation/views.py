"""HTML pages of live workshops: facilitator, projector screen, participants.

The pages are shells: what is live (cards, votes, phases, timer) is drawn
by the ES modules of static/ (live/: connection, store, outbox) from the
JSON API (api.py, staff_api.py), which checks every action again on the
server. Creating a workshop and adding an
activity are plain forms that work without JavaScript.
"""

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms.fields.choices import SelectChoice

from survey_app.access import login_required, member_diagnostic
from survey_app.db import get_db, write_transaction
from survey_app.errors import render_error
from survey_app.public_urls import external_url
from survey_app.qr import qr_svg

from . import boards, participants, workshops
from .api import participant_from_request, set_participant_cookie
from .errors import WorkshopError
from .forms import AddActivityForm, EmptyForm, JoinForm, NewWorkshopForm, SettingsForm
from .staff_api import authorise_workshop

bp = Blueprint(
    "workshops",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/ateliers-statique",
)


@bp.app_template_global()
def diagnostic_workshops(diagnostic_id: int) -> list[dict[str, Any]]:
    """Workshops of a diagnostic, for its page's section (newest first)."""
    return workshops.list_workshops(get_db(), diagnostic_id)


@bp.app_template_filter()
def spaced_code(code: str) -> str:
    """'k7pm2x' -> 'K7P M2X': easier to read aloud and to type from a screen."""
    code = code.upper()
    return f"{code[:3]} {code[3:]}"


def join_url(workshop: dict[str, Any]) -> str:
    return external_url("workshops.participant", code=workshop["code"])


EXPORTS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("Synthèse à coller dans le diagnostic (Markdown)", "summary", {"fmt": "md"}),
    ("Synthèse (page web imprimable)", "summary", {"fmt": "html"}),
    ("Cartes et votes (tableur .xlsx)", "cards", {"fmt": "xlsx"}),
    ("Cartes (.csv)", "cards", {"fmt": "csv"}),
    ("Gommettes (.csv)", "votes", {}),
    ("Positions sur les matrices impact × faisabilité (.csv)", "placements", {}),
    ("Nuage de mots (image)", "cloud", {"fmt": "svg"}),
)


def export_links(workshop_id: int) -> list[tuple[str, str]]:
    """(label, url) of the downloads (facilitation/downloads.py), any time."""
    return [
        (label, url_for(f"workshop_downloads.{name}", wid=workshop_id, **args))
        for label, name, args in EXPORTS
        if f"workshop_downloads.{name}" in current_app.view_functions
    ]


# --- facilitator ---------------------------------------------------------


@bp.route("/diagnostics/<int:diagnostic_id>/ateliers")
@login_required
def index(diagnostic_id: int):
    """:raise 403/404: see member_diagnostic."""
    diagnostic = member_diagnostic(diagnostic_id)
    return render_template(
        "facilitation/index.html",
        diagnostic=diagnostic,
        workshops=workshops.list_workshops(get_db(), diagnostic_id),
    )


@bp.route("/diagnostics/<int:diagnostic_id>/ateliers/nouveau", methods=["GET", "POST"])
@login_required
def new(diagnostic_id: int):
    """Create a workshop with the chosen activities in order.

    :raise 403/404: see member_diagnostic.
    """
    diagnostic = member_diagnostic(diagnostic_id)
    form = NewWorkshopForm()
    if form.validate_on_submit():
        activities, dots_on = form.activities()
        db = get_db()
        try:
            with write_transaction(db):  # all or nothing
                workshop_id = workshops.create_workshop(
                    db,
                    diagnostic_id,
                    form.title.data,
                    g.user["id"],
                    activities,
                    form.settings(),
                )
                if dots_on:
                    _add_dot_vote(db, workshop_id, dots_on, form)
        except WorkshopError as error:
            flash(error.message, "error")
        else:
            return redirect(url_for("workshops.console", workshop_id=workshop_id))
    return render_template("facilitation/new.html", diagnostic=diagnostic, form=form)


def _add_dot_vote(db, workshop_id: int, kind: str, form: NewWorkshopForm) -> None:
    """:raise WorkshopError: the activity to vote on was not chosen."""
    source = next(
        (a for a in boards.list_activities(db, workshop_id) if a["kind"] == kind), None
    )
    if source is None:
        raise WorkshopError(
            "Le vote par gommettes porte sur une activité que vous n'avez pas "
            "cochée : cochez-la ou choisissez-en une autre."
        )
    boards.create_activity(
        db, workshop_id, "dots", f"Vote : {source['title']}",
        form.config_for("dots", source["id"]),
    )  # fmt: skip


def _add_activity_form(workshop_id: int) -> AddActivityForm:
    form = AddActivityForm()
    form.source.choices = [SelectChoice(0, "—")] + [
        SelectChoice(a["id"], a["title"])
        for a in boards.list_activities(get_db(), workshop_id)
        if a["kind"] != "dots"
    ]
    return form


@bp.route("/ateliers/<int:workshop_id>")
@login_required
def console(workshop_id: int):
    """The facilitator's console (live).

    :raise 403: not a member of the workshop's diagnostic. :raise 404.
    """
    workshop = authorise_workshop(workshop_id)
    return render_template(
        "facilitation/console.html",
        workshop=workshop,
        diagnostic=member_diagnostic(workshop["diagnostic_id"]),
        join_url=join_url(workshop),
        add_form=_add_activity_form(workshop_id),
        exports=export_links(workshop_id),
    )


@bp.post("/ateliers/<int:workshop_id>/activites")
@login_required
def add_activity(workshop_id: int):
    """Append an activity (form); :raise 403/404: see authorise_workshop."""
    authorise_workshop(workshop_id)
    form = _add_activity_form(workshop_id)
    if form.validate_on_submit():
        kind = form.kind.data
        try:
            boards.create_activity(
                get_db(), workshop_id, kind, form.title.data,
                form.config_for(kind, form.source.data or None),
            )  # fmt: skip
            flash("Activité ajoutée à la fin de l'atelier.", "success")
        except WorkshopError as error:
            flash(error.message, "error")
    else:
        flash("Vérifiez le formulaire d'ajout d'activité.", "error")
    return redirect(url_for("workshops.console", workshop_id=workshop_id))


@bp.route("/ateliers/<int:workshop_id>/reglages", methods=["GET", "POST"])
@login_required
def settings(workshop_id: int):
    """Title, approval queue, card length, names; :raise 403/404."""
    workshop = authorise_workshop(workshop_id)
    form = SettingsForm(
        data={"title": workshop["title"], **workshop["settings"]}
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            workshops.update_workshop(
                get_db(), workshop_id, form.title.data, form.settings()
            )
        except WorkshopError as error:
            flash(error.message, "error")
        else:
            flash("Réglages enregistrés.", "success")
            return redirect(url_for("workshops.console", workshop_id=workshop_id))
    return render_template("facilitation/settings.html", workshop=workshop, form=form)


@bp.route("/ateliers/<int:workshop_id>/ecran")
@login_required
def screen(workshop_id: int):
    """What the projector shows (live); :raise 403/404."""
    workshop = authorise_workshop(workshop_id)
    url = join_url(workshop)
    return render_template(
        "facilitation/screen.html",
        workshop=workshop,
        join_url=url,
        enter_url=external_url("workshops.enter_code"),
        qr=qr_svg(url),
    )


# --- participants --------------------------------------------------------


@bp.route("/a")
def enter_code():
    """Type the code shown on the screen (GET form: works without JS)."""
    code = request.args.get("code")
    if code is not None:
        try:
            workshop = workshops.workshop_by_code(get_db(), code)
        except WorkshopError as error:
            return render_template(
                "facilitation/enter_code.html", error=error.message, code=code
            ), error.status
        return redirect(url_for("workshops.participant", code=workshop["code"]))
    return render_template("facilitation/enter_code.html", error=None, code="")


@bp.route("/a/<code>", methods=["GET", "POST"])
def participant(code: str):
    """Join (name optional), then the live page of the current activity.

    :raise 404: unknown code. :raise 410: workshop closed (French page).
    """
    db = get_db()
    try:
        workshop = workshops.workshop_by_code(db, code)
    except WorkshopError as error:
        return render_error(error.status, error.message)
    if workshop["code"] != code:  # typed with capitals or spaces
        return redirect(url_for("workshops.participant", code=workshop["code"]))
    me = participant_from_request(db, workshop)
    if me is not None:
        return render_template(
            "facilitation/participant.html", workshop=workshop, me=me,
            form=EmptyForm(),
        )  # fmt: skip
    form = JoinForm()
    if form.validate_on_submit():
        try:
            _, token = participants.join(db, workshop["id"], form.display_name.data)
        except WorkshopError as error:
            form.display_name.errors = [error.message]
        else:
            response = make_response(redirect(request.path))
            set_participant_cookie(response, workshop, token)
            return response
    return render_template("facilitation/join.html", workshop=workshop, form=form)
