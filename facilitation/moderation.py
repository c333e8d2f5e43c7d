"""What the facilitator does to cards: approve, hide, delete, edit, merge.

Nothing is destroyed: "deleted" is a status the facilitator can undo, and a
merged card keeps its text and points to the card it joined. Every function
takes the workshop id checked by the caller and refuses (404) a card of
another workshop, so a facilitator cannot reach into someone else's board.
"""

from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction

from .boards import get_activity
from .cards import (
    card_in_workshop,
    load_card,
    publish_card,
    rewrite_card,
    staff_card,
)
from .errors import WorkshopError
from .workshops import get_workshop

STATUSES = ("pending", "visible", "hidden", "deleted")


def set_status(
    db: sqlite_utils.Database, workshop_id: int, card_id: int, status: str
) -> dict[str, Any]:
    """approve = visible, hide = hidden, delete = deleted, restore = visible.

    :raise WorkshopError: unknown status (400), card not in workshop (404).
    """
    if status not in STATUSES:
        raise WorkshopError("État de carte inconnu.")
    with write_transaction(db):
        card_in_workshop(db, card_id, workshop_id)
        db.execute(
            "UPDATE workshop_cards SET status = ?, updated_at = ? WHERE id = ?",
            [status, now(), card_id],
        )
        publish_card(db, card_id)
        return staff_card(load_card(db, card_id))


def edit_card(
    db: sqlite_utils.Database,
    workshop_id: int,
    card_id: int,
    text: Any = None,
    column: Any = None,
) -> dict[str, Any]:
    """Correct a card's text and/or move it to another column (grouping).

    The limit is the workshop's, or the card's current length if longer
    (the setting may have been lowered since it was written).

    :raise WorkshopError: bad text or column, card not in workshop (404).
    """
    with write_transaction(db):
        row = card_in_workshop(db, card_id, workshop_id)
        activity = get_activity(db, row["activity_id"])
        settings = get_workshop(db, workshop_id)["settings"]
        limit = max(settings["max_card_length"], len(row["text"]))
        return rewrite_card(db, row, activity, text, column, limit)


def merge(
    db: sqlite_utils.Database, workshop_id: int, card_id: int, into_id: int
) -> dict[str, Any]:
    """Put a duplicate under another card of the same activity.

    Cards already merged into `card_id` follow it; votes on them count for
    the target. Returns the target card.

    :raise WorkshopError: 400 itself or another activity, 404 unknown.
    """
    with write_transaction(db):
        card = card_in_workshop(db, card_id, workshop_id)
        target = card_in_workshop(db, into_id, workshop_id)
        while target["merged_into"]:  # always merge into the top card
            target = load_card(db, target["merged_into"])
        if target["id"] == card_id:
            raise WorkshopError("Une carte ne peut pas être regroupée avec elle-même.")
        if target["activity_id"] != card["activity_id"]:
            raise WorkshopError("On ne regroupe que des cartes de la même activité.")
        stamp = now()
        followers = [
            r["id"]
            for r in db.execute(
                "SELECT id FROM workshop_cards WHERE merged_into = ?", [card_id]
            )
        ]
        db.execute(
            "UPDATE workshop_cards SET merged_into = ?, updated_at = ? "
            "WHERE id = ? OR merged_into = ?",
            [target["id"], stamp, card_id, card_id],
        )
        for moved in [card_id, *followers]:
            publish_card(db, moved)
        return staff_card(load_card(db, target["id"]))


def unmerge(
    db: sqlite_utils.Database, workshop_id: int, card_id: int
) -> dict[str, Any]:
    """Take a card out of the group it was merged into (step back)."""
    with write_transaction(db):
        card_in_workshop(db, card_id, workshop_id)
        db.execute(
            "UPDATE workshop_cards SET merged_into = NULL, updated_at = ? WHERE id = ?",
            [now(), card_id],
        )
        publish_card(db, card_id)
        return staff_card(load_card(db, card_id))
