"""Prioritisation beyond dots (issue 11 §4): the chantiers go to a
workshop's impact × feasibility matrix, and its result comes back to them.

`send_to_workshop` adds a matrix activity whose items are the chantiers
(`chantier:<id>`); `apply_matrix` copies each chantier's means (found by its
own item, or by the workshop card it was made from) onto the chantier and
orders the chantiers by them. Both are safe to repeat.
"""

from typing import Any

import sqlite_utils

from facilitation.boards import create_activity, get_activity
from facilitation.matrix import quadrant, results, score
from survey_app.db import now, write_transaction


def matrix_activities(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    """Matrices of the diagnostic's workshops where someone placed an item."""
    rows = db.execute(
        """SELECT a.id, a.title, w.title AS workshop,
                  (SELECT count(DISTINCT participant_id) FROM workshop_placements
                   WHERE activity_id = a.id) AS people
           FROM workshop_activities a JOIN workshops w ON w.id = a.workshop_id
           WHERE w.diagnostic_id = ? AND a.kind = 'matrix' AND EXISTS
             (SELECT 1 FROM workshop_placements p WHERE p.activity_id = a.id)
           ORDER BY w.id, a.position""",
        [diagnostic_id],
    )
    return [dict(r) for r in rows]


def send_to_workshop(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    workshop_id: int,
    chantiers: list[dict[str, Any]],
    key: str,
) -> int:
    """Add a matrix of these chantiers at the end of the workshop; the same
    `key` twice returns the first activity.

    :raise KeyError: the workshop is not one of the diagnostic's.
    :raise WorkshopError: no chantier (or more than the matrix holds).
    """
    with write_transaction(db):
        found = db.execute(
            "SELECT diagnostic_id FROM workshops WHERE id = ?", [workshop_id]
        ).fetchone()
        if found is None or found[0] != diagnostic_id:
            raise KeyError(workshop_id)
        again = db.execute(
            "SELECT id FROM workshop_activities WHERE workshop_id = ? AND kind = "
            "'matrix' AND json_extract(config, '$.client_key') = ?",
            [workshop_id, key],
        ).fetchone()
        if again:
            return again[0]
        items = [
            {"key": f"chantier:{c['id']}", "label": c["title"][:200]} for c in chantiers
        ]
        return create_activity(
            db, workshop_id, "matrix", "Prioriser les chantiers",
            {"items": items, "client_key": key},
        )  # fmt: skip


def apply_matrix(
    db: sqlite_utils.Database, diagnostic_id: int, activity_id: int
) -> int:
    """Give the chantiers their impact and feasibility from this matrix and
    order them (placed ones first, best first); return how many got one.

    :raise KeyError: not a matrix of this diagnostic's workshops.
    """
    if activity_id not in {a["id"] for a in matrix_activities(db, diagnostic_id)}:
        raise KeyError(activity_id)
    activity = get_activity(db, activity_id)
    workshop = db.execute(
        "SELECT title FROM workshops WHERE id = ?", [activity["workshop_id"]]
    ).fetchone()[0]
    placed = {r["key"]: r for r in results(db, activity) if r["count"]}
    with write_transaction(db):
        chantiers = db.execute(
            "SELECT id FROM plan_chantiers WHERE diagnostic_id = ? "
            "ORDER BY position, id",
            [diagnostic_id],
        ).fetchall()
        updated = []
        for (chantier_id,) in chantiers:
            row = _row_for(db, chantier_id, placed)
            if row is None:
                continue
            note = (
                f"Atelier « {workshop} », {activity['title']} : "
                f"{row['count']} participant{'s' if row['count'] > 1 else ''}"
            )
            db.execute(
                "UPDATE plan_chantiers SET impact = ?, feasibility = ?, "
                "priority_source = ?, updated_at = ? WHERE id = ?",
                [row["impact"], row["feasibility"], note, now(), chantier_id],
            )
            updated.append(chantier_id)
        _order(db, diagnostic_id)
    return len(updated)


def _row_for(db, chantier_id: int, placed: dict[str, dict]) -> dict | None:
    """The chantier's own item, else the item of a card it comes from."""
    if f"chantier:{chantier_id}" in placed:
        return placed[f"chantier:{chantier_id}"]
    for (card_id,) in db.execute(
        "SELECT card_id FROM plan_chantier_cards WHERE chantier_id = ? "
        "AND card_id IS NOT NULL",
        [chantier_id],
    ):
        if f"card:{card_id}" in placed:
            return placed[f"card:{card_id}"]
    return None


def _order(db, diagnostic_id: int) -> None:
    """Positions by impact and feasibility; unplaced chantiers keep their
    order after the placed ones."""
    rows = [
        dict(r)
        for r in db.execute(
            "SELECT id, impact, feasibility FROM plan_chantiers "
            "WHERE diagnostic_id = ? ORDER BY position, id",
            [diagnostic_id],
        )
    ]
    ranked = sorted(
        rows,
        key=lambda r: -score({**r, "count": int(r["impact"] is not None)}),
    )
    for position, row in enumerate(ranked, 1):
        db.execute(
            "UPDATE plan_chantiers SET position = ? WHERE id = ?",
            [position, row["id"]],
        )


def priority_rows(chantiers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The chantiers as matrix rows (for `matrix_svg` and its table)."""
    rows = []
    for chantier in chantiers:
        placed = chantier.get("impact") is not None
        row = {
            "key": f"chantier:{chantier['id']}",
            "label": chantier["title"],
            "count": 1 if placed else 0,
            "impact": chantier.get("impact"),
            "feasibility": chantier.get("feasibility"),
        }
        if placed:
            row["quadrant"] = quadrant(row["impact"], row["feasibility"])
        rows.append(row)
    rows.sort(key=lambda r: (r["count"] == 0, -score(r)))
    return rows
