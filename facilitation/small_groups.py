"""Small groups: split participants into tables, one board copy per table.

An activity switched to `by_table` keeps one set of cards per table (each
card remembers its table): participants see only their table's cards, the
projector shows every table side by side. `merge_tables` then shows every
table's cards to everyone, for grouping duplicates and voting; the cards
keep their table, so stepping back (`separate_tables`) loses nothing.
"""

from typing import Any

import sqlite_utils

from survey_app.db import write_transaction
from survey_app.storage import inserted_id

from .boards import get_activity, update_activity
from .errors import WorkshopError
from .events import append_event
from .participants import get_participant

MAX_TABLES = 50


def list_tables(db: sqlite_utils.Database, workshop_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT id, name, position FROM workshop_tables WHERE workshop_id = ? "
        "ORDER BY position, id",
        [workshop_id],
    )
    return [dict(row) for row in rows]


def _announce(db: sqlite_utils.Database, workshop_id: int) -> None:
    append_event(
        db,
        workshop_id,
        "tables.changed",
        {"tables": list_tables(db, workshop_id), "resync": True},
    )


def _move(db, workshop_id: int, participant_id: int, table_id: int | None) -> None:
    db.execute(
        "UPDATE workshop_participants SET table_id = ? WHERE id = ?",
        [table_id, participant_id],
    )
    # The participant's stream follows this event (events.Viewer.follow).
    append_event(
        db,
        workshop_id,
        "participant.table",
        {"participant_id": participant_id, "table_id": table_id, "resync": True},
        f"p:{participant_id}",
    )


def split_by_count(
    db: sqlite_utils.Database, workshop_id: int, count: Any
) -> list[dict[str, Any]]:
    """Make `count` tables ("Table 1"…) and share everyone out in turn.

    Existing tables are reused; surplus tables without cards are removed,
    the others stay (their cards are kept) but nobody sits there.

    :raise WorkshopError: count outside 1–50.
    """
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= MAX_TABLES:
        raise WorkshopError(f"Indiquez un nombre de tables entre 1 et {MAX_TABLES}.")
    with write_transaction(db):
        tables = list_tables(db, workshop_id)
        for number in range(len(tables) + 1, count + 1):
            db.execute(
                "INSERT INTO workshop_tables (workshop_id, name, position) "
                "VALUES (?, ?, ?)",
                [workshop_id, f"Table {number}", number],
            )
        for table in tables[count:]:
            db.execute(
                "DELETE FROM workshop_tables WHERE id = ? AND NOT EXISTS "
                "(SELECT 1 FROM workshop_cards WHERE table_id = ?)",
                [table["id"], table["id"]],
            )
        seats = [t["id"] for t in list_tables(db, workshop_id)][:count]
        people = db.execute(
            "SELECT id FROM workshop_participants WHERE workshop_id = ? ORDER BY id",
            [workshop_id],
        ).fetchall()
        for index, person in enumerate(people):
            _move(db, workshop_id, person["id"], seats[index % count])
        _announce(db, workshop_id)
        return list_tables(db, workshop_id)


def create_table(db: sqlite_utils.Database, workshop_id: int, name: str) -> int:
    """Add one named table (for splitting by hand).

    :raise WorkshopError: empty or too long name, too many tables.
    """
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 60:
        raise WorkshopError("Le nom de la table doit compter 1 à 60 caractères.")
    with write_transaction(db):
        tables = list_tables(db, workshop_id)
        if len(tables) >= MAX_TABLES:
            raise WorkshopError(f"{MAX_TABLES} tables au maximum.")
        position = max((t["position"] for t in tables), default=0) + 1
        table_id = inserted_id(
            db.execute(
                "INSERT INTO workshop_tables (workshop_id, name, position) "
                "VALUES (?, ?, ?)",
                [workshop_id, name, position],
            )
        )
        _announce(db, workshop_id)
    return table_id


def assign(
    db: sqlite_utils.Database,
    workshop_id: int,
    participant_id: int,
    table_id: int | None,
) -> None:
    """Seat a participant at a table by hand (None: no table).

    :raise WorkshopError 404: participant or table not in this workshop.
    """
    with write_transaction(db):
        if get_participant(db, participant_id)["workshop_id"] != workshop_id:
            raise WorkshopError("Ce participant n'existe pas.", 404)
        if table_id is not None and table_id not in {
            t["id"] for t in list_tables(db, workshop_id)
        }:
            raise WorkshopError("Cette table n'existe pas.", 404)
        _move(db, workshop_id, participant_id, table_id)
        _announce(db, workshop_id)


def _activity(db, workshop_id: int, activity_id: int) -> dict[str, Any]:
    activity = get_activity(db, activity_id, workshop_id)
    if activity["kind"] in ("dots", "matrix"):
        raise WorkshopError("Un vote ne se fait pas par table : choisissez "
                            "l'activité dont on vote les cartes.")  # fmt: skip
    return activity


def work_by_table(
    db: sqlite_utils.Database, workshop_id: int, activity_id: int, on: bool = True
) -> dict[str, Any]:
    """Give each table its own copy of the activity's board (or stop)."""
    with write_transaction(db):
        _activity(db, workshop_id, activity_id)
        if on and not list_tables(db, workshop_id):
            raise WorkshopError("Créez d'abord des tables.", 409)
        return update_activity(
            db, activity_id, config={"by_table": on, "tables_merged": False}
        )


def merge_tables(
    db: sqlite_utils.Database, workshop_id: int, activity_id: int, merged: bool = True
) -> dict[str, Any]:
    """Show every table's cards to everyone (for the vote), or separate again."""
    with write_transaction(db):
        _activity(db, workshop_id, activity_id)
        return update_activity(db, activity_id, config={"tables_merged": merged})
