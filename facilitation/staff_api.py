"""Facilitator JSON endpoints: /ateliers/<workshop_id>/api/… and creation.

Every request is authorised on the server BEFORE anything else: signed in,
and member of the workshop's diagnostic, else 403 (404 if the workshop does
not exist). Only then is flask-wtf's CSRF token checked (X-CSRFToken
header), so a participant forging a facilitator request gets 403 whatever
token it sends. The projector uses the same snapshot and stream (staff
viewer: every card, every status, live vote totals).
"""

from typing import Any

from flask import Blueprint, abort, g, jsonify, request
from werkzeug.exceptions import HTTPException

from survey_app.access import member_diagnostic
from survey_app.db import get_db
from survey_app.extensions import csrf
from survey_app.inputs import json_int, json_list, json_object, json_text

from . import boards, moderation, small_groups, workshops
from .api import (
    body,
    http_error,
    int_arg,
    json_error,
    poke_hub,
    poll_response,
    stream_response,
)
from .cards import post_card
from .errors import WorkshopError
from .events import Viewer
from .matrix import place
from .participants import get_participant, join, refresh_count
from .state import snapshot
from .votes import set_vote

bp = Blueprint("workshop_staff_api", __name__, url_prefix="/ateliers/<int:wid>/api")
create_bp = Blueprint("workshop_create_api", __name__)
csrf.exempt(bp)  # checked by hand below, after the authorisation
csrf.exempt(create_bp)
STAFF = Viewer(staff=True)


def authorise_workshop(workshop_id: int) -> dict[str, Any]:
    """The workshop if the signed-in user is a member of its diagnostic.

    :raise 403: anonymous, participant, or conseiller of another diagnostic.
    :raise 404: no such workshop.
    """
    if g.get("user") is None:
        abort(403)
    row = (
        get_db()
        .execute("SELECT diagnostic_id FROM workshops WHERE id = ?", [workshop_id])
        .fetchone()
    )
    if row is None:
        abort(404)
    member_diagnostic(row["diagnostic_id"])
    return workshops.get_workshop(get_db(), workshop_id)


@bp.url_value_preprocessor
def pop_id(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    g.workshop_id = (values or {}).pop("wid", 0)


@bp.before_request
def check_staff() -> None:
    g.workshop = authorise_workshop(g.workshop_id)
    if request.method == "POST":
        csrf.protect()


@create_bp.before_request
def check_creator() -> None:
    if g.get("user") is None:
        abort(403)
    if request.method == "POST":
        csrf.protect()


for blueprint in (bp, create_bp):
    blueprint.after_request(poke_hub)
    blueprint.register_error_handler(
        WorkshopError, lambda e: json_error(e.message, e.status)
    )
    blueprint.register_error_handler(HTTPException, http_error)
    for status in (400, 403, 404, 405, 410, 413, 429):  # see api.py
        blueprint.register_error_handler(status, http_error)


@create_bp.post("/diagnostics/<int:diagnostic_id>/ateliers/api")
def create(diagnostic_id: int):
    """{"title", "activities": [{"kind", "title"?, "config"?}], "settings"?}."""
    member_diagnostic(diagnostic_id)
    data = body()
    workshop_id = workshops.create_workshop(
        get_db(),
        diagnostic_id,
        json_text(data, "title"),
        g.user["id"],
        activities=[_activity_spec(a) for a in json_list(data, "activities") or []],
        settings=json_object(data, "settings") or {},
    )
    return jsonify({"workshop": workshops.get_workshop(get_db(), workshop_id)}), 201


def _activity_spec(item: Any) -> dict[str, Any]:
    """:raise 400: an activity that is not {"kind", "title"?, "config"?}."""
    if not isinstance(item, dict):
        abort(400, "Chaque activité doit être un objet.")
    spec: dict[str, Any] = {"kind": json_text(item, "kind")}
    if (title := json_text(item, "title", None)) is not None:
        spec["title"] = title
    if (config := json_object(item, "config")) is not None:
        spec["config"] = config
    return spec


def _wid() -> int:
    return g.workshop["id"]


def _activity(activity_id: int) -> dict[str, Any]:
    return boards.get_activity(get_db(), activity_id, _wid())


def _participant(participant_id: Any) -> dict[str, Any]:
    """:raise WorkshopError 404: not a participant of this workshop."""
    participant = get_participant(get_db(), int_arg(participant_id))
    if participant["workshop_id"] != _wid():
        raise WorkshopError("Ce participant n'existe pas.", 404)
    return participant


@bp.get("/etat")
def state():
    return jsonify(snapshot(get_db(), _wid(), STAFF))


@bp.get("/evenements")
def poll():
    # The screens' 20 s check: phones gone silently leave the count (C5).
    refresh_count(get_db(), _wid())
    return poll_response(_wid(), STAFF)


@bp.get("/flux")
def stream():
    return stream_response(_wid(), STAFF)


@bp.post("/atelier")
def update_workshop():
    """{"title"?, "settings"?, "locked"?, "status"?, "current_activity_id"?}."""
    data, db = body(), get_db()
    if "title" in data or "settings" in data:
        title, settings = json_text(data, "title", None), json_object(data, "settings")
        workshops.update_workshop(db, _wid(), title, settings)
    if "locked" in data:
        workshops.set_locked(db, _wid(), bool(data["locked"]))
    if "status" in data:
        workshops.set_status(db, _wid(), json_text(data, "status"))
    if "current_activity_id" in data:
        current = json_int(data, "current_activity_id")
        workshops.set_current_activity(db, _wid(), current and int_arg(current))
    return jsonify({"workshop": workshops.get_workshop(db, _wid())})


@bp.post("/activites")
def create_activity():
    data = body()
    activity_id = boards.create_activity(
        get_db(),
        _wid(),
        json_text(data, "kind"),
        json_text(data, "title", None),
        json_object(data, "config"),
    )
    return jsonify({"activity": _activity(activity_id)}), 201


@bp.post("/activites/<int:activity_id>")
def update_activity(activity_id: int):
    data = body()
    _activity(activity_id)
    activity = boards.update_activity(
        get_db(),
        activity_id,
        json_text(data, "title", None),
        json_object(data, "config"),
    )
    return jsonify({"activity": activity})


@bp.post("/activites/<int:activity_id>/phase")
def change_phase(activity_id: int):
    """{"phase": "reveal"} or {"direction": "next" | "back"}."""
    data = body()
    _activity(activity_id)
    if "phase" in data:
        activity = boards.set_phase(get_db(), activity_id, json_text(data, "phase"))
    else:
        step = {"next": 1, "back": -1}.get(json_text(data, "direction"))
        if step is None:
            raise WorkshopError("Indiquez l'étape voulue.")
        activity = boards.step_phase(get_db(), activity_id, step)
    return jsonify({"activity": activity})


@bp.post("/activites/<int:activity_id>/minuteur")
def timer(activity_id: int):
    """{"seconds": 300} start, {"add": 60} more time, {"stop": true} stop."""
    data = body()
    _activity(activity_id)
    if data.get("stop"):
        activity = boards.set_timer(get_db(), activity_id)
    elif "add" in data:
        activity = boards.set_timer(get_db(), activity_id, add=data["add"])
    else:
        activity = boards.set_timer(get_db(), activity_id, seconds=data.get("seconds"))
    return jsonify({"activity": activity})


@bp.post("/activites/<int:activity_id>/verrou")
def lock_activity(activity_id: int):
    _activity(activity_id)
    boards.set_activity_locked(get_db(), activity_id, bool(body().get("locked")))
    return jsonify({"activity": _activity(activity_id)})


@bp.post("/activites/<int:activity_id>/tables")
def activity_tables(activity_id: int):
    """{"by_table": true|false} one board per table; {"merged": true|false}."""
    data, db = body(), get_db()
    activity = _activity(activity_id)
    if "by_table" in data:
        activity = small_groups.work_by_table(
            db, _wid(), activity_id, bool(data["by_table"])
        )
    if "merged" in data:
        activity = small_groups.merge_tables(
            db, _wid(), activity_id, bool(data["merged"])
        )
    return jsonify({"activity": activity})


@bp.post("/cartes")
def add_card():
    """{"activity_id", "column", "text", "participant_id"?, "table_id"?,
    "client_key"?}: a card written by the facilitator, for someone or not."""
    data = body()
    participant = None
    if data.get("participant_id"):
        participant = _participant(data["participant_id"])
    table_id = json_int(data, "table_id")
    if table_id is not None and int_arg(table_id) not in {
        t["id"] for t in small_groups.list_tables(get_db(), _wid())
    }:
        raise WorkshopError("Cette table n'existe pas.", 404)
    card = post_card(
        get_db(),
        _activity(int_arg(data.get("activity_id")))["id"],
        json_text(data, "column", None),
        json_text(data, "text", None),
        participant=participant,
        user_id=g.user["id"],
        table_id=table_id and int_arg(table_id),
        client_key=json_text(data, "client_key", None),
    )
    return jsonify({"card": card}), 201


@bp.post("/cartes/<int:card_id>")
def edit_card(card_id: int):
    """{"text"?, "column"?}: correct or move a card."""
    data = body()
    card = moderation.edit_card(
        get_db(),
        _wid(),
        card_id,
        json_text(data, "text", None),
        json_text(data, "column", None),
    )
    return jsonify({"card": card})


@bp.post("/cartes/<int:card_id>/statut")
def card_status(card_id: int):
    """{"status": "visible" | "hidden" | "deleted" | "pending"}."""
    status = json_text(body(), "status")
    return jsonify({"card": moderation.set_status(get_db(), _wid(), card_id, status)})


@bp.post("/cartes/<int:card_id>/regrouper")
def merge_card(card_id: int):
    """{"into": other card id}; {"into": null} takes it out of its group."""
    into = json_int(body(), "into")
    if into is None:
        card = moderation.unmerge(get_db(), _wid(), card_id)
    else:
        card = moderation.merge(get_db(), _wid(), card_id, int_arg(into))
    return jsonify({"card": card})


@bp.post("/votes")
def vote():
    """{"activity_id", "participant_id", "card_id", "count" | "delta"}."""
    data = body()
    result = set_vote(
        get_db(),
        _activity(int_arg(data.get("activity_id")))["id"],
        _participant(data.get("participant_id")),
        data.get("card_id"),
        count=data.get("count"),
        delta=data.get("delta"),
        by_staff=True,
    )
    return jsonify(result)


@bp.post("/placements")
def place_item():
    """{"activity_id", "participant_id", "item", "impact", "feasibility"}:
    the facilitator places an item for someone without a phone."""
    data = body()
    result = place(
        get_db(),
        _activity(int_arg(data.get("activity_id")))["id"],
        _participant(data.get("participant_id")),
        json_text(data, "item", None),
        data.get("impact"),
        data.get("feasibility"),
        by_staff=True,
    )
    return jsonify(result)


@bp.post("/participants")
def add_proxy():
    """{"display_name"}: someone without a phone, for whom you write and vote."""
    name = json_text(body(), "display_name")
    participant, _ = join(get_db(), _wid(), name, proxy=True)
    return jsonify({"participant": participant}), 201


@bp.post("/participants/<int:participant_id>/table")
def seat(participant_id: int):
    """{"table_id": id | null}."""
    table_id = json_int(body(), "table_id")
    small_groups.assign(
        get_db(), _wid(), participant_id, table_id and int_arg(table_id)
    )
    return jsonify({"participant": _participant(participant_id)})


@bp.post("/tables")
def make_tables():
    """{"count": 4} split everyone by count, or {"name": "Table verte"}."""
    data = body()
    if "count" in data:
        result = small_groups.split_by_count(get_db(), _wid(), data["count"])
    else:
        small_groups.create_table(get_db(), _wid(), json_text(data, "name"))
        result = small_groups.list_tables(get_db(), _wid())
    return jsonify({"tables": result})
