"""Activities of a workshop and the phase state machine (with step back).

The templates themselves (columns, configuration) are in `kinds.py`.

Card activities go through write → reveal → group → vote → results; a dot
vote through vote → results. The facilitator may jump to any phase, forward
or back: a phase only changes what is shown and allowed, never the data, so
stepping back loses nothing (Parabol #4881: people advanced by accident and
could not go back).
"""

import json
from datetime import timedelta
from typing import Any

import sqlite_utils

from survey_app import dates
from survey_app.db import now, write_transaction
from survey_app.storage import inserted_id

from .errors import WorkshopError
from .events import append_event
from .kinds import (  # noqa: F401 - re-exported for the pages
    CARD_PHASES,
    EMPATHY_COLUMNS,
    PHASE_LABELS,
    TEMPLATES,
    VISION_HORIZONS,
    VISION_THEMES,
    VOTE_PHASES,
    columns_of,
    default_title,
    normalise_config,
    template_label,
)

MAX_TIMER_SECONDS = 3 * 3600


def activity_dict(row: Any, voted_in: list[dict[str, Any]] | None = None) -> dict:
    """An activity row with its config decoded and what the phase allows.

    `voted_in`: the dot votes held on this activity's cards. There is one
    way to vote on a set of cards (issue 8 C6): when a "Vote par gommettes"
    uses them, that is where people vote, and the activity itself stops at
    "Regroupement".
    """
    activity = dict(row)
    config = json.loads(activity["config"] or "{}")
    activity["config"] = config
    activity["locked"] = bool(activity["locked"])
    activity["voted_in"] = voted_in or []
    phases = list(TEMPLATES[activity["kind"]]["phases"])
    if activity["voted_in"] and activity["phase"] not in VOTE_PHASES:
        phases = [p for p in phases if p not in VOTE_PHASES]
    activity["phases"] = phases
    activity["columns"] = columns_of(activity["kind"], config)
    activity["template_label"] = template_label(activity["kind"], config)
    activity["vote_activity_id"] = config.get("source_activity_id") or activity["id"]
    return activity


def _dot_votes(db, workshop_id: int) -> dict[int, list[dict[str, Any]]]:
    """{source activity id: [{"id", "title"}] of the dot votes on its cards}."""
    votes: dict[int, list[dict[str, Any]]] = {}
    rows = db.execute(
        "SELECT id, title, json_extract(config, '$.source_activity_id') AS source "
        "FROM workshop_activities WHERE workshop_id = ? AND kind = 'dots' "
        "ORDER BY position, id",
        [workshop_id],
    )
    for row in rows:
        votes.setdefault(row["source"], []).append(
            {"id": row["id"], "title": row["title"]}
        )
    return votes


def get_activity(
    db: sqlite_utils.Database, activity_id: int, workshop_id: int | None = None
) -> dict[str, Any]:
    """:raise WorkshopError 404: no such activity (in this workshop)."""
    row = db.execute(
        "SELECT * FROM workshop_activities WHERE id = ?", [activity_id]
    ).fetchone()
    if row is None or (workshop_id is not None and row["workshop_id"] != workshop_id):
        raise WorkshopError("Cette activité n'existe pas.", 404)
    voted_in = _dot_votes(db, row["workshop_id"]).get(row["id"])
    return activity_dict(row, voted_in)


def list_activities(
    db: sqlite_utils.Database, workshop_id: int
) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT * FROM workshop_activities WHERE workshop_id = ? ORDER BY position, id",
        [workshop_id],
    )
    votes = _dot_votes(db, workshop_id)
    return [activity_dict(row, votes.get(row["id"])) for row in rows]


def _vote_moves_to_dots(db, workshop_id: int, config: dict[str, Any]) -> None:
    """A dot vote now holds the vote on its source's cards: a source caught
    in its own vote phase goes back to "Regroupement" (votes already cast
    there stay in the database and the exports)."""
    source = config.get("source_activity_id")
    row = db.execute(
        "SELECT phase FROM workshop_activities WHERE id = ? AND workshop_id = ?",
        [source, workshop_id],
    ).fetchone()
    if row is not None and row["phase"] in VOTE_PHASES:
        db.execute(
            "UPDATE workshop_activities SET phase = 'group', updated_at = ? "
            "WHERE id = ?",
            [now(), source],
        )
        phase = row["phase"]
        _announce(db, workshop_id, int(str(source)), "activity.phase", previous=phase)


def create_activity(
    db: sqlite_utils.Database,
    workshop_id: int,
    kind: str,
    title: str | None = None,
    config: dict[str, Any] | None = None,
) -> int:
    """Append an activity at the end of the workshop; return its id.

    The first activity of a workshop becomes the current one.

    :raise WorkshopError: see `normalise_config`; title over 200 characters.
    """
    with write_transaction(db):
        clean = normalise_config(db, workshop_id, kind, config)
        title = " ".join((title or "").split()) or default_title(kind, clean)
        if len(title) > 200:
            raise WorkshopError("Le titre de l'activité est trop long.")
        position = db.execute(
            "SELECT coalesce(max(position), 0) + 1 FROM workshop_activities "
            "WHERE workshop_id = ?",
            [workshop_id],
        ).fetchone()[0]
        stamp = now()
        activity_id = inserted_id(
            db.execute(
                "INSERT INTO workshop_activities (workshop_id, position, kind, "
                "title, config, phase, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    workshop_id,
                    position,
                    kind,
                    title,
                    json.dumps(clean, ensure_ascii=False),
                    TEMPLATES[kind]["phases"][0],
                    stamp,
                    stamp,
                ],
            )
        )
        db.execute(
            "UPDATE workshops SET current_activity_id = ? "
            "WHERE id = ? AND current_activity_id IS NULL",
            [activity_id, workshop_id],
        )
        if kind == "dots":
            _vote_moves_to_dots(db, workshop_id, clean)
        _announce(db, workshop_id, activity_id, "activity.created")
    return activity_id


def _announce(db, workshop_id: int, activity_id: int, type_: str, **extra) -> None:
    activity = get_activity(db, activity_id)
    append_event(
        db, workshop_id, type_, {"activity": activity, "resync": True, **extra}
    )


def update_activity(
    db: sqlite_utils.Database,
    activity_id: int,
    title: str | None = None,
    config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Rename or reconfigure (config keys given replace the current ones).

    :raise WorkshopError: bad config, or a column removed while it has cards.
    """
    with write_transaction(db):
        activity = get_activity(db, activity_id)
        merged = {**activity["config"], **(config or {})}
        clean = normalise_config(
            db, activity["workshop_id"], activity["kind"], merged, activity_id
        )
        keys = {c["key"] for c in columns_of(activity["kind"], clean)}
        used = db.execute(
            "SELECT DISTINCT column_key FROM workshop_cards WHERE activity_id = ? "
            "AND status != 'deleted'",
            [activity_id],
        ).fetchall()
        if activity["kind"] not in ("dots", "matrix") and any(
            r[0] not in keys for r in used
        ):
            raise WorkshopError(
                "Une colonne que vous retirez contient des cartes : "
                "déplacez-les ou supprimez-les d'abord."
            )
        if title is None and activity["title"] == default_title(
            activity["kind"], activity["config"]
        ):  # "Vision 2030 / 2035" follows its years when they change
            title = default_title(activity["kind"], clean)
        if title is not None:
            title = " ".join(title.split())
            if not title or len(title) > 200:
                raise WorkshopError("Le titre doit compter de 1 à 200 caractères.")
        db.execute(
            "UPDATE workshop_activities SET title = ?, config = ?, updated_at = ? "
            "WHERE id = ?",
            [
                title or activity["title"],
                json.dumps(clean, ensure_ascii=False),
                now(),
                activity_id,
            ],
        )
        if activity["kind"] == "dots":
            _vote_moves_to_dots(db, activity["workshop_id"], clean)
        _announce(db, activity["workshop_id"], activity_id, "activity.updated")
    return get_activity(db, activity_id)


def set_phase(
    db: sqlite_utils.Database, activity_id: int, phase: str
) -> dict[str, Any]:
    """Move an activity to any of its phases (forward or back); nothing is lost.

    :raise WorkshopError: the phase does not exist for this template.
    """
    with write_transaction(db):
        activity = get_activity(db, activity_id)
        if phase not in activity["phases"] and activity["voted_in"]:
            raise WorkshopError(
                "Le vote sur ces cartes se fait dans l'activité « "
                f"{activity['voted_in'][0]['title']} » : affichez-la."
            )
        if phase not in activity["phases"]:
            raise WorkshopError("Cette étape n'existe pas pour cette activité.")
        db.execute(
            "UPDATE workshop_activities SET phase = ?, updated_at = ? WHERE id = ?",
            [phase, now(), activity_id],
        )
        _announce(
            db, activity["workshop_id"], activity_id, "activity.phase",
            previous=activity["phase"],
        )  # fmt: skip
    return get_activity(db, activity_id)


def step_phase(
    db: sqlite_utils.Database, activity_id: int, direction: int
) -> dict[str, Any]:
    """Next (+1) or previous (-1) phase.

    :raise WorkshopError 409: already at the first or last phase.
    """
    with write_transaction(db):
        activity = get_activity(db, activity_id)
        index = activity["phases"].index(activity["phase"]) + direction
        if not 0 <= index < len(activity["phases"]):
            raise WorkshopError("Il n'y a pas d'étape dans ce sens.", 409)
        return set_phase(db, activity_id, activity["phases"][index])


def set_timer(
    db: sqlite_utils.Database,
    activity_id: int,
    seconds: int | None = None,
    add: int | None = None,
) -> dict[str, Any]:
    """Start a countdown of `seconds`, add `add` seconds, or stop (both None).

    The end time is stored, so every phone and the projector count down to
    the same moment (the snapshot gives `server_time` to correct clocks).

    :raise WorkshopError: a duration outside 1 s – 3 h.
    """
    with write_transaction(db):
        activity = get_activity(db, activity_id)
        current = dates.utcnow()
        ends: str | None = None
        if seconds is not None or add is not None:
            base = current
            if add is not None and activity["timer_ends_at"]:
                base = max(current, dates.parse(activity["timer_ends_at"]))
            amount = _seconds(seconds if seconds is not None else add)
            if (base - current).total_seconds() + amount > MAX_TIMER_SECONDS:
                raise WorkshopError("Le minuteur ne peut pas dépasser 3 heures.")
            ends = dates.stamp(base + timedelta(seconds=amount))
        db.execute(
            "UPDATE workshop_activities SET timer_ends_at = ?, updated_at = ? "
            "WHERE id = ?",
            [ends, now(), activity_id],
        )
        append_event(
            db,
            activity["workshop_id"],
            "activity.timer",
            {"activity_id": activity_id, "timer_ends_at": ends, "server_time": now()},
        )
    return get_activity(db, activity_id)


def _seconds(value: Any) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise WorkshopError("Indiquez une durée en secondes.") from None
    if not 1 <= value <= MAX_TIMER_SECONDS:
        raise WorkshopError("La durée doit être entre 1 seconde et 3 heures.")
    return value


def set_activity_locked(
    db: sqlite_utils.Database, activity_id: int, locked: bool
) -> None:
    with write_transaction(db):
        activity = get_activity(db, activity_id)
        db.execute(
            "UPDATE workshop_activities SET locked = ?, updated_at = ? WHERE id = ?",
            [int(locked), now(), activity_id],
        )
        append_event(
            db,
            activity["workshop_id"],
            "activity.locked",
            {"activity_id": activity_id, "locked": bool(locked)},
        )


def time_up(activity: dict[str, Any]) -> bool:
    ends = activity.get("timer_ends_at")
    return bool(ends) and dates.parse(str(ends)) <= dates.utcnow()


def participant_block(workshop: dict[str, Any], activity: dict[str, Any]) -> str | None:
    """Why participants cannot act on this activity now (French), or None."""
    if workshop["status"] != "open":
        return "L'atelier est terminé."
    if workshop["locked"] or activity["locked"]:
        return "Le tableau est verrouillé par l'animateur."
    if activity["config"].get("lock_at_time_up") and time_up(activity):
        return "Le temps est écoulé."
    return None


def cards_private(activity: dict[str, Any]) -> bool:
    """Write phase of a private activity: each one sees only their own cards."""
    return activity["phase"] == "write" and bool(activity["config"].get("private"))


def results_visible(activity: dict[str, Any]) -> bool:
    return activity["phase"] == "results"
