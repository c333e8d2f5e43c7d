"""Workshops: a join code, settings, open/closed, locked, current activity.

Functions take the database and ids; authorisation is the caller's job
(`facilitation.api.staff_workshop` for the JSON side). Every change is
logged with `append_event` in the same transaction.
"""

import json
from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction
from survey_app.storage import inserted_id
from survey_app.text import CODE_ALPHABET, random_code

from .errors import WorkshopError
from .events import append_event

CODE_LENGTH = 6
MAX_CARD_LENGTH = 1000  # upper bound of the facilitator's setting
DEFAULT_SETTINGS: dict[str, Any] = {
    "approval": False,  # cards wait for the facilitator before others see them
    "max_card_length": 280,
    "rate_limit_per_minute": 10,  # cards per participant per minute
    "show_names": True,  # show the optional display name next to a card
}


def settings_of(row: Any) -> dict[str, Any]:
    return {**DEFAULT_SETTINGS, **json.loads(row["settings"] or "{}")}


def as_dict(row: Any) -> dict[str, Any]:
    """A workshop row with `settings` decoded and defaults filled in."""
    workshop = dict(row)
    workshop["settings"] = settings_of(row)
    workshop["locked"] = bool(workshop["locked"])
    return workshop


def normalise_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """Checked settings (unknown keys dropped).

    :raise WorkshopError: a value out of range.
    """
    clean: dict[str, Any] = {}
    for key in ("approval", "show_names"):
        if key in raw:
            clean[key] = bool(raw[key])
    if "max_card_length" in raw:
        value = _int(raw["max_card_length"], "La longueur maximale")
        if not 20 <= value <= MAX_CARD_LENGTH:
            raise WorkshopError(
                f"La longueur maximale d'une carte doit être entre 20 et "
                f"{MAX_CARD_LENGTH} caractères."
            )
        clean["max_card_length"] = value
    if "rate_limit_per_minute" in raw:
        value = _int(raw["rate_limit_per_minute"], "La limite de cartes")
        if not 1 <= value <= 120:
            raise WorkshopError(
                "La limite de cartes par minute doit être entre 1 et 120."
            )
        clean["rate_limit_per_minute"] = value
    return clean


def _int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise WorkshopError(f"{what} doit être un nombre entier.") from None


def create_workshop(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    title: str,
    user_id: int | None = None,
    activities: list[dict[str, Any]] | None = None,
    settings: dict[str, Any] | None = None,
) -> int:
    """Create an open workshop with its activities (in order); return its id.

    `activities` items are `{"kind", "title"?, "config"?}` (see
    `facilitation.boards.TEMPLATES`). The first activity becomes current.

    :raise WorkshopError: empty title, unknown template or bad config.
    """
    from .boards import create_activity  # boards imports this module

    title = " ".join((title or "").split())
    if not title:
        raise WorkshopError("Donnez un titre à l'atelier.")
    if len(title) > 200:
        raise WorkshopError("Le titre de l'atelier est trop long (200 caractères).")
    clean = normalise_settings(settings or {})
    with write_transaction(db):
        code = _free_code(db)
        stamp = now()
        workshop_id = inserted_id(
            db.execute(
                "INSERT INTO workshops (diagnostic_id, code, title, settings, "
                "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [diagnostic_id, code, title, json.dumps(clean), user_id, stamp, stamp],
            )
        )
        append_event(db, workshop_id, "workshop.created", {"title": title})
        for item in activities or []:
            create_activity(
                db, workshop_id, item.get("kind", ""), item.get("title"),
                item.get("config"),
            )  # fmt: skip
    return workshop_id


def _free_code(db: sqlite_utils.Database) -> str:
    while True:
        code = random_code(CODE_LENGTH)
        if not db.execute("SELECT 1 FROM workshops WHERE code = ?", [code]).fetchone():
            return code


def normalise_code(code: str) -> str:
    """What people type from a poster: spaces and capitals are forgiven."""
    return "".join((code or "").split()).lower()


def get_workshop(db: sqlite_utils.Database, workshop_id: int) -> dict[str, Any]:
    """:raise WorkshopError 404: no such workshop."""
    row = db.execute("SELECT * FROM workshops WHERE id = ?", [workshop_id]).fetchone()
    if row is None:
        raise WorkshopError("Cet atelier n'existe pas.", 404)
    return as_dict(row)


def workshop_by_code(
    db: sqlite_utils.Database, code: str, open_only: bool = True
) -> dict[str, Any]:
    """The workshop a participant joins with its code.

    :raise WorkshopError 404: unknown code.
    :raise WorkshopError 410: the workshop is closed (when `open_only`).
    """
    code = normalise_code(code)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise WorkshopError(_UNKNOWN_CODE, 404)
    row = db.execute("SELECT * FROM workshops WHERE code = ?", [code]).fetchone()
    if row is None:
        raise WorkshopError(_UNKNOWN_CODE, 404)
    if open_only and row["status"] != "open":
        raise WorkshopError(
            "Cet atelier est terminé. Merci de votre participation !", 410
        )
    return as_dict(row)


_UNKNOWN_CODE = (
    "Aucun atelier ne correspond à ce code. Vérifiez les 6 caractères "
    "affichés à l'écran."
)


def list_workshops(
    db: sqlite_utils.Database, diagnostic_id: int
) -> list[dict[str, Any]]:
    rows = db.execute(
        """SELECT w.*, (SELECT count(*) FROM workshop_participants p
                        WHERE p.workshop_id = w.id AND p.proxy = 0) AS participants
           FROM workshops w WHERE diagnostic_id = ?
           ORDER BY created_at DESC, id DESC""",
        [diagnostic_id],
    )
    return [as_dict(row) for row in rows]


def update_workshop(
    db: sqlite_utils.Database,
    workshop_id: int,
    title: str | None = None,
    settings: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Rename and/or change settings (merged into the current ones).

    :raise WorkshopError: bad title or setting.
    """
    with write_transaction(db):
        workshop = get_workshop(db, workshop_id)
        if title is not None:
            title = " ".join(title.split())
            if not title or len(title) > 200:
                raise WorkshopError("Le titre doit compter de 1 à 200 caractères.")
            workshop["title"] = title
        merged = {**workshop["settings"], **normalise_settings(settings or {})}
        db.execute(
            "UPDATE workshops SET title = ?, settings = ?, updated_at = ? WHERE id = ?",
            [workshop["title"], json.dumps(merged), now(), workshop_id],
        )
        append_event(
            db,
            workshop_id,
            "workshop.updated",
            {"title": workshop["title"], "settings": merged, "resync": True},
        )
    return get_workshop(db, workshop_id)


def set_locked(db: sqlite_utils.Database, workshop_id: int, locked: bool) -> None:
    """Lock (read-only for participants) or unlock the whole board."""
    with write_transaction(db):
        get_workshop(db, workshop_id)
        db.execute(
            "UPDATE workshops SET locked = ?, updated_at = ? WHERE id = ?",
            [int(locked), now(), workshop_id],
        )
        append_event(db, workshop_id, "workshop.locked", {"locked": bool(locked)})


def set_status(db: sqlite_utils.Database, workshop_id: int, status: str) -> None:
    """Close ("closed") or reopen ("open") a workshop; closing keeps all data."""
    if status not in ("open", "closed"):
        raise WorkshopError("État inconnu.")
    with write_transaction(db):
        get_workshop(db, workshop_id)
        db.execute(
            "UPDATE workshops SET status = ?, updated_at = ? WHERE id = ?",
            [status, now(), workshop_id],
        )
        append_event(db, workshop_id, "workshop.status", {"status": status})


def set_current_activity(
    db: sqlite_utils.Database, workshop_id: int, activity_id: int | None
) -> None:
    """Show an activity on every phone and on the projector.

    :raise WorkshopError 404: the activity is not in this workshop.
    """
    with write_transaction(db):
        if (
            activity_id is not None
            and not db.execute(
                "SELECT 1 FROM workshop_activities WHERE id = ? AND workshop_id = ?",
                [activity_id, workshop_id],
            ).fetchone()
        ):
            raise WorkshopError("Cette activité n'existe pas.", 404)
        db.execute(
            "UPDATE workshops SET current_activity_id = ?, updated_at = ? WHERE id = ?",
            [activity_id, now(), workshop_id],
        )
        append_event(db, workshop_id, "workshop.current", {"activity_id": activity_id})
