"""The full state of a workshop as one viewer may see it (GET …/etat).

A client loads this once, then applies the events after its `last_id`;
after a reconnect or an event with `"resync": true` it loads it again.
The snapshot is read in one transaction, so `last_id` matches it exactly.
"""

from typing import Any

import sqlite_utils

from survey_app.db import now

from .boards import PHASE_LABELS, cards_private, list_activities, participant_block
from .cards import activity_cards
from .events import Viewer, latest_event_id
from .matrix import matrix_items, my_placements, summary
from .participants import get_participant, list_participants, participant_count
from .small_groups import list_tables
from .votes import my_votes, totals
from .workshops import get_workshop

PUBLIC_SETTINGS = ("approval", "max_card_length", "show_names")


def snapshot(
    db: sqlite_utils.Database,
    workshop_id: int,
    viewer: Viewer,
) -> dict[str, Any]:
    """Everything `viewer` may see, with the id of the last event included.

    Participants never get: other people's cards during a private write
    phase, pending/hidden/deleted cards of others, other tables' cards
    while tables work apart, vote totals before the results phase.
    """
    if db.conn.in_transaction:  # already consistent: the caller's transaction
        return _snapshot(db, workshop_id, viewer)
    db.execute("BEGIN")
    try:
        return _snapshot(db, workshop_id, viewer)
    finally:
        db.conn.commit()


def _matrix_state(db, activity, item: dict[str, Any], viewer: Viewer) -> None:
    """The items to place, this phone's placements, and the room's means
    (staff at once, participants from the results phase)."""
    item["items"] = matrix_items(db, activity)
    if not viewer.staff:
        item["my_placements"] = my_placements(
            db, activity["id"], viewer.participant_id or 0
        )
    if viewer.staff or activity["phase"] == "results":
        item["placements"] = summary(db, activity["id"])


def _snapshot(db, workshop_id: int, viewer: Viewer) -> dict[str, Any]:
    workshop = get_workshop(db, workshop_id)
    show_names = workshop["settings"]["show_names"]
    activities = []
    for activity in list_activities(db, workshop_id):
        item = {**activity, "phase_label": PHASE_LABELS[activity["phase"]]}
        item["private"] = cards_private(activity)
        item["blocked"] = participant_block(workshop, activity)
        item["cards"] = activity_cards(db, activity, viewer, show_names)
        if activity["phase"] in ("vote", "results") and not viewer.staff:
            mine = my_votes(db, activity["id"], viewer.participant_id or 0)
            item["my_votes"] = mine
            item["votes_used"] = sum(mine.values())
        if viewer.staff or activity["phase"] == "results":
            item["totals"] = totals(db, activity["id"])
        if activity["kind"] == "matrix":
            _matrix_state(db, activity, item, viewer)
        activities.append(item)
    state: dict[str, Any] = {
        "workshop": {
            "id": workshop["id"],
            "title": workshop["title"],
            "code": workshop["code"],
            "status": workshop["status"],
            "locked": workshop["locked"],
            "current_activity_id": workshop["current_activity_id"],
            "settings": {k: workshop["settings"][k] for k in PUBLIC_SETTINGS},
        },
        "activities": activities,
        "tables": list_tables(db, workshop_id),
        "participant_count": participant_count(db, workshop_id),
        "last_id": latest_event_id(db, workshop_id),
        "server_time": now(),
    }
    if viewer.staff:
        state["workshop"]["settings"] = workshop["settings"]
        state["participants"] = list_participants(db, workshop_id)
    else:
        me = get_participant(db, viewer.participant_id or 0)
        state["me"] = {"display_name": me["display_name"], "table_id": me["table_id"]}
    return state
