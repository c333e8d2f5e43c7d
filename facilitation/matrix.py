"""Impact × feasibility matrix: each participant places every item on two
scales of 1 to 4; the board shows where the room put them (the means).

The items are either listed in the activity's configuration (`items`: typed
by the facilitator, or the diagnostic's chantiers sent by the action plan)
or the visible cards of a card activity (`source_activity_id`). An item's
key is stable: `chantier:<id>`, `card:<id>` or `item:<n>`.

A placement is absolute (impact and feasibility, safe to retry) and is
written with its event in one `write_transaction`, like a dot vote; the
room's means stay with the facilitator until the results phase.
"""

from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction

from .boards import get_activity, results_visible
from .cards import CARD_SQL
from .errors import WorkshopError
from .events import append_event
from .votes import may_act_now

SCALE = (1, 2, 3, 4)  # no middle: people have to lean one way
IMPACT_LABELS = {1: "Faible", 2: "Moyen", 3: "Fort", 4: "Très fort"}
FEASIBILITY_LABELS = {
    1: "Difficile",
    2: "Plutôt difficile",
    3: "Plutôt facile",
    4: "Facile",
}
HIGH = 2.5  # a mean above this is on the "strong" / "easy" side
QUADRANTS = {
    (True, True): "À lancer en priorité",
    (True, False): "Fort impact, à préparer",
    (False, True): "Facile, impact limité",
    (False, False): "À écarter pour l'instant",
}
MAX_ITEMS = 30


def quadrant(impact: float, feasibility: float) -> str:
    """The name of the quarter of the matrix a point falls in."""
    return QUADRANTS[(impact > HIGH, feasibility > HIGH)]


def matrix_items(db: sqlite_utils.Database, activity: dict[str, Any]) -> list[dict]:
    """[{"key", "label"}] the participants place, in board order."""
    source = activity["config"].get("source_activity_id")
    if not source:
        return [dict(item) for item in activity["config"].get("items", [])]
    rows = db.execute(
        CARD_SQL + " WHERE c.activity_id = ? AND c.status = 'visible' "
        "AND c.merged_into IS NULL ORDER BY c.id LIMIT ?",
        [source, MAX_ITEMS],
    )
    return [{"key": f"card:{row['id']}", "label": row["text"]} for row in rows]


def summary(db: sqlite_utils.Database, activity_id: int) -> dict[str, dict]:
    """{item key: {"count", "impact", "feasibility"}} (means, 1 decimal)."""
    rows = db.execute(
        "SELECT item_key, count(*) AS n, avg(impact) AS impact, "
        "avg(feasibility) AS feasibility FROM workshop_placements "
        "WHERE activity_id = ? GROUP BY item_key",
        [activity_id],
    )
    return {
        row["item_key"]: {
            "count": row["n"],
            "impact": round(row["impact"], 1),
            "feasibility": round(row["feasibility"], 1),
        }
        for row in rows
    }


def results(db: sqlite_utils.Database, activity: dict[str, Any]) -> list[dict]:
    """Every item with its means and quadrant, best placed first; items
    nobody placed come last with `count` 0."""
    means = summary(db, activity["id"])
    rows = []
    for item in matrix_items(db, activity):
        found = means.get(item["key"])
        row = {**item, "count": 0, "impact": None, "feasibility": None}
        if found:
            row.update(found, quadrant=quadrant(found["impact"], found["feasibility"]))
        rows.append(row)
    rows.sort(key=lambda r: (r["count"] == 0, -score(r)))
    return rows


def score(row: dict[str, Any]) -> float:
    """What orders items: impact and feasibility together, impact first."""
    if not row.get("count"):
        return 0.0
    return row["impact"] + row["feasibility"] + row["impact"] / 100


def my_placements(
    db: sqlite_utils.Database, activity_id: int, participant_id: int
) -> dict[str, dict[str, int]]:
    rows = db.execute(
        "SELECT item_key, impact, feasibility FROM workshop_placements "
        "WHERE activity_id = ? AND participant_id = ?",
        [activity_id, participant_id],
    )
    return {
        row["item_key"]: {"impact": row["impact"], "feasibility": row["feasibility"]}
        for row in rows
    }


def _level(value: Any, what: str) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError, OverflowError):
        level = 0
    if level not in SCALE:
        raise WorkshopError(f"{what} : choisissez un niveau de 1 à 4.")
    return level


def place(
    db: sqlite_utils.Database,
    activity_id: int,
    participant: dict[str, Any],
    item: Any,
    impact: Any,
    feasibility: Any,
    by_staff: bool = False,
) -> dict[str, Any]:
    """Put an item at (impact, feasibility) for this participant, or take
    it off the matrix when both are None; return `{activity_id, item,
    impact, feasibility, placed}` (`placed`: items this participant placed).

    :raise WorkshopError: 403 not the placing phase or locked; 404 unknown
        item; 400 a level outside 1–4.
    """
    with write_transaction(db):
        activity = get_activity(db, activity_id)
        if activity["kind"] != "matrix":
            raise WorkshopError("Cette activité n'est pas une matrice.", 404)
        workshop = may_act_now(db, activity, participant, by_staff, "Le placement")
        key = str(item or "")
        if key not in {i["key"] for i in matrix_items(db, activity)}:
            raise WorkshopError("Cet élément n'est pas dans la matrice.", 404)
        if impact is None and feasibility is None:
            db.execute(
                "DELETE FROM workshop_placements WHERE activity_id = ? "
                "AND participant_id = ? AND item_key = ?",
                [activity_id, participant["id"], key],
            )
            levels: dict[str, int | None] = {"impact": None, "feasibility": None}
        else:
            levels = {
                "impact": _level(impact, "Impact"),
                "feasibility": _level(feasibility, "Faisabilité"),
            }
            db.execute(
                "INSERT INTO workshop_placements (activity_id, participant_id, "
                "item_key, impact, feasibility, updated_at) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT (activity_id, participant_id, item_key) DO UPDATE SET "
                "impact = excluded.impact, feasibility = excluded.feasibility, "
                "updated_at = excluded.updated_at",
                [activity_id, participant["id"], key, *levels.values(), now()],
            )
        mine = my_placements(db, activity_id, participant["id"])
        result = {"activity_id": activity_id, "item": key, **levels}
        result["placed"] = len(mine)
        append_event(db, workshop["id"], "placement.mine", result,
                     f"p:{participant['id']}")  # fmt: skip
        point = summary(db, activity_id).get(key)
        audience = "all" if results_visible(activity) else "staff"
        append_event(db, workshop["id"], "placement.summary",
                     {"activity_id": activity_id, "item": key, "point": point},
                     audience)  # fmt: skip
        return result
