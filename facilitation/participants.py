"""Participants: no account, a random secret on the phone, a name if they wish.

The phone keeps the secret (cookie set at join, or the `X-Participant-Token`
header); the database keeps only its SHA-256, so a copy of the database
cannot be used to act as a participant. "Proxy" participants stand for
people without a phone: the facilitator writes and votes for them.
"""

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction
from survey_app.group_commit import grouped_write
from survey_app.storage import inserted_id

from .errors import WorkshopError
from .events import append_event

MAX_NAME_LENGTH = 40
# A phone asks the server something at least every 20 s while its page is
# open (live/connection.js: stream check or polling). Its visit is written at most
# every TOUCH_SECONDS, so a live phone's visit is at most 30 + 20 s old; it
# counts as connected for PRESENCE_SECONDS. The screens ask every 20 s too
# and recount (`refresh_count`): a phone gone silently leaves the count
# within PRESENCE_SECONDS + 20 s, even if no other phone checks in.
TOUCH_SECONDS = 30
PRESENCE_SECONDS = 60


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_name(name: str | None) -> str:
    """:raise WorkshopError: a name longer than 40 characters."""
    name = "".join(c for c in (name or "") if c.isprintable() or c.isspace())
    name = " ".join(name.split())
    if len(name) > MAX_NAME_LENGTH:
        raise WorkshopError(
            f"Votre nom est trop long ({MAX_NAME_LENGTH} caractères au maximum)."
        )
    return name


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")  # as survey_app.db.now


def _ago(seconds: int) -> str:
    return _stamp(datetime.now(UTC) - timedelta(seconds=seconds))


def _count(db: sqlite_utils.Database, workshop_id: int) -> int:
    """Participants connected now (seen lately, page not closed)."""
    return db.execute(
        "SELECT count(*) FROM workshop_participants WHERE workshop_id = ? "
        "AND proxy = 0 AND last_seen_at >= ?",
        [workshop_id, _ago(PRESENCE_SECONDS)],
    ).fetchone()[0]


def _announce_count(db: sqlite_utils.Database, workshop_id: int) -> None:
    """Tell every screen the number of people connected, if it changed."""
    count = _count(db, workshop_id)
    if _announced(db, workshop_id) != count:
        append_event(db, workshop_id, "participants.count", {"count": count})


def _announced(db: sqlite_utils.Database, workshop_id: int) -> int | None:
    last = db.execute(
        "SELECT payload FROM workshop_events WHERE workshop_id = ? "
        "AND type = 'participants.count' ORDER BY id DESC LIMIT 1",
        [workshop_id],
    ).fetchone()
    return None if last is None else json.loads(last[0]).get("count")


def refresh_count(db: sqlite_utils.Database, workshop_id: int) -> None:
    """A screen asks: tell it if phones went quiet since the last count.

    Reads only, unless the count changed (then one event, under the lock).
    """
    if _announced(db, workshop_id) in (None, _count(db, workshop_id)):
        return
    with write_transaction(db):
        _announce_count(db, workshop_id)


def seen(db: sqlite_utils.Database, workshop_id: int, participant_id: int) -> None:
    """The participant's phone is on the page: note it (at most every 30 s),
    and update the count (this also notices others who went quiet)."""
    row = db.execute(
        "SELECT last_seen_at FROM workshop_participants WHERE id = ?",
        [participant_id],
    ).fetchone()
    if row is not None and row[0] and row[0] >= _ago(TOUCH_SECONDS):
        return  # seen lately: no write (and no write lock) for this request
    with write_transaction(db, durable=False):  # presence, not a submission
        changed = db.execute(
            "UPDATE workshop_participants SET last_seen_at = ? WHERE id = ? "
            "AND workshop_id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)",
            [now(), participant_id, workshop_id, _ago(TOUCH_SECONDS)],
        ).rowcount
        if changed:
            _announce_count(db, workshop_id)


def left(db: sqlite_utils.Database, workshop_id: int, participant_id: int) -> None:
    """The phone closed the workshop page: no longer connected."""
    with write_transaction(db):
        db.execute(
            "UPDATE workshop_participants SET last_seen_at = NULL WHERE id = ? "
            "AND workshop_id = ?",
            [participant_id, workshop_id],
        )
        _announce_count(db, workshop_id)


def public_participant(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "workshop_id": row["workshop_id"],
        "display_name": row["display_name"],
        "proxy": bool(row["proxy"]),
        "table_id": row["table_id"],
    }


def _smallest_table(db: sqlite_utils.Database, workshop_id: int) -> int | None:
    row = db.execute(
        """SELECT t.id FROM workshop_tables t
           LEFT JOIN workshop_participants p ON p.table_id = t.id
           WHERE t.workshop_id = ? GROUP BY t.id
           ORDER BY count(p.id), t.position LIMIT 1""",
        [workshop_id],
    ).fetchone()
    return row[0] if row else None


@grouped_write
def join(
    db: sqlite_utils.Database,
    workshop_id: int,
    display_name: str | None = None,
    proxy: bool = False,
) -> tuple[dict[str, Any], str | None]:
    """Add a participant; return (participant, secret token or None for proxies).

    When the workshop is split into tables, the newcomer sits at the table
    with the fewest people.

    :raise WorkshopError: name too long.
    """
    name = clean_name(display_name)
    token = None if proxy else secrets.token_urlsafe(32)
    with write_transaction(db):
        participant_id = inserted_id(
            db.execute(
                "INSERT INTO workshop_participants (workshop_id, token_hash, "
                "display_name, proxy, table_id, created_at, last_seen_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    workshop_id,
                    token and hash_token(token),
                    name,
                    int(proxy),
                    _smallest_table(db, workshop_id),
                    now(),
                    None if proxy else now(),
                ],
            )
        )
        participant = get_participant(db, participant_id)
        append_event(
            db, workshop_id, "participant.joined", {"participant": participant},
            audience="staff",
        )  # fmt: skip
        _announce_count(db, workshop_id)
    return participant, token


def get_participant(db: sqlite_utils.Database, participant_id: int) -> dict[str, Any]:
    """:raise WorkshopError 404: unknown participant."""
    row = db.execute(
        "SELECT * FROM workshop_participants WHERE id = ?", [participant_id]
    ).fetchone()
    if row is None:
        raise WorkshopError("Ce participant n'existe pas.", 404)
    return public_participant(row)


def participant_by_token(
    db: sqlite_utils.Database, workshop_id: int, token: str | None
) -> dict[str, Any] | None:
    """The participant holding this secret in this workshop, or None."""
    if not token or len(token) > 200:
        return None
    row = db.execute(
        "SELECT * FROM workshop_participants WHERE token_hash = ? AND workshop_id = ?",
        [hash_token(token), workshop_id],
    ).fetchone()
    return public_participant(row) if row else None


def rename(
    db: sqlite_utils.Database, workshop_id: int, participant_id: int, name: str
) -> dict[str, Any]:
    """Change the display name (empty = anonymous).

    :raise WorkshopError: name too long.
    """
    name = clean_name(name)
    with write_transaction(db):
        db.execute(
            "UPDATE workshop_participants SET display_name = ? WHERE id = ? "
            "AND workshop_id = ?",
            [name, participant_id, workshop_id],
        )
        participant = get_participant(db, participant_id)
        append_event(
            db, workshop_id, "participant.updated", {"participant": participant},
            audience="staff",
        )  # fmt: skip
    return participant


def list_participants(
    db: sqlite_utils.Database, workshop_id: int
) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT * FROM workshop_participants WHERE workshop_id = ? ORDER BY id",
        [workshop_id],
    )
    return [public_participant(row) for row in rows]


def participant_count(db: sqlite_utils.Database, workshop_id: int) -> int:
    return _count(db, workshop_id)
