"""Chantiers (step 7): made by hand or from a workshop's top-voted cards,
with their obstacles turned into levers and their resources (annex 1).

Plain functions over a sqlite-utils Database; writes run in one
`write_transaction` so a chantier never exists without its cards.
"""

from typing import Any

import sqlite_utils

from facilitation.votes import roots, totals
from survey_app.db import now, write_transaction

RESOURCE_KINDS = {
    "intervenant": "Intervenants",
    "partenaire": "Partenaires de projet",
    "financement": "Financements",
    "materiel": "Ressources matérielles",
}
LINKS = {
    "operating": "Lien opérant (trait plein)",
    "identified": "Ressource connue, pas encore de lien (pointillé)",
    "missing": "Pas de lien (aucun trait)",
}


def vote_activities(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    """Activities of the diagnostic's workshops that received dots."""
    rows = db.execute(
        """SELECT a.id, a.title, a.kind, w.title AS workshop, w.id AS workshop_id
           FROM workshop_activities a JOIN workshops w ON w.id = a.workshop_id
           WHERE w.diagnostic_id = ? AND EXISTS
             (SELECT 1 FROM workshop_votes v WHERE v.activity_id = a.id)
           ORDER BY w.id, a.position""",
        [diagnostic_id],
    )
    return [dict(r) for r in rows]


def ranked_cards(
    db: sqlite_utils.Database, diagnostic_id: int, activity_id: int
) -> list[dict]:
    """The voted cards (groups count as their target card), most dots first.

    :raise KeyError: the activity is not one of the diagnostic's.
    """
    allowed = {a["id"] for a in vote_activities(db, diagnostic_id)}
    if activity_id not in allowed:
        raise KeyError(activity_id)
    dots = totals(db, activity_id)
    if not dots:
        return []
    source = (
        db.execute(
            "SELECT json_extract(config, '$.source_activity_id') FROM "
            "workshop_activities WHERE id = ?",
            [activity_id],
        ).fetchone()[0]
        or activity_id
    )
    merged = roots(db, source)
    members: dict[int, int] = {}
    for card, root in merged.items():
        if card != root:
            members[root] = members.get(root, 0) + 1
    marks = ",".join("?" * len(dots))
    rows = db.execute(
        f"SELECT id, text FROM workshop_cards WHERE id IN ({marks}) "
        "AND status = 'visible'",
        list(dots),
    )
    cards = [
        {
            "id": r["id"],
            "text": r["text"],
            "votes": dots[r["id"]],
            "grouped": members.get(r["id"], 0),
        }
        for r in rows
    ]
    cards.sort(key=lambda c: (-c["votes"], c["id"]))
    return cards


def _next_position(db: sqlite_utils.Database, diagnostic_id: int) -> int:
    return db.execute(
        "SELECT coalesce(max(position), 0) + 1 FROM plan_chantiers "
        "WHERE diagnostic_id = ?",
        [diagnostic_id],
    ).fetchone()[0]


def create_chantier(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    title: str,
    description: str,
    key: str | None = None,
    cards: list[dict] | None = None,
) -> int:
    """Store a chantier (and the cards it comes from); the same `key` twice
    returns the first chantier instead of making a second one."""
    with write_transaction(db):
        if key:
            found = db.execute(
                "SELECT id FROM plan_chantiers WHERE client_key = ?", [key]
            ).fetchone()
            if found:
                return found[0]
        stamp = now()
        cursor = db.execute(
            "INSERT INTO plan_chantiers (diagnostic_id, title, description, "
            "position, client_key, created_at, updated_at) VALUES (?,?,?,?,?,?,?)",
            [
                diagnostic_id,
                title,
                description,
                _next_position(db, diagnostic_id),
                key,
                stamp,
                stamp,
            ],
        )
        for card in cards or []:
            db.execute(
                "INSERT INTO plan_chantier_cards (chantier_id, card_id, "
                "vote_activity_id, card_text, votes_at_creation) VALUES (?,?,?,?,?)",
                [
                    cursor.lastrowid,
                    card["id"],
                    card.get("activity_id"),
                    card["text"],
                    card.get("votes", 0),
                ],
            )
        return cursor.lastrowid


def chantiers_from_workshop(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    activity_id: int,
    card_ids: list[int],
    key: str,
) -> list[int]:
    """One chantier per chosen card, in vote order; cards already turned into
    a chantier are skipped, and the same form sent twice makes nothing new.

    :raise KeyError: the activity or a card is not among the voted ones.
    """
    ranked = {c["id"]: c for c in ranked_cards(db, diagnostic_id, activity_id)}
    if any(card_id not in ranked for card_id in card_ids):
        raise KeyError("card")
    made = []
    with write_transaction(db):
        if db.execute(
            "SELECT 1 FROM plan_chantiers WHERE client_key LIKE ?", [key + ":%"]
        ).fetchone():
            return []
        done = {
            r[0]
            for r in db.execute(
                "SELECT c.card_id FROM plan_chantier_cards c JOIN plan_chantiers p "
                "ON p.id = c.chantier_id WHERE p.diagnostic_id = ? AND c.card_id "
                "IS NOT NULL",
                [diagnostic_id],
            )
        }
        for card_id in sorted(card_ids, key=lambda i: (-ranked[i]["votes"], i)):
            if card_id in done:
                continue
            card = {**ranked[card_id], "activity_id": activity_id}
            made.append(
                create_chantier(
                    db,
                    diagnostic_id,
                    card["text"][:200],
                    "",
                    f"{key}:{card_id}",
                    [card],
                )
            )
    return made


def load_chantiers(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    """Every chantier with its cards (live dots), levers and resources."""
    chantiers = [
        dict(r)
        for r in db.execute(
            "SELECT * FROM plan_chantiers WHERE diagnostic_id = ? "
            "ORDER BY position, id",
            [diagnostic_id],
        )
    ]
    live: dict[int, dict[int, int]] = {}
    for chantier in chantiers:
        cid = chantier["id"]
        chantier["cards"] = []
        for row in db.execute(
            "SELECT * FROM plan_chantier_cards WHERE chantier_id = ?", [cid]
        ):
            card = dict(row)
            activity = card["vote_activity_id"]
            if card["card_id"] and activity:
                if activity not in live:
                    live[activity] = totals(db, activity)
                card["votes"] = live[activity].get(card["card_id"], 0)
            else:
                card["votes"] = card["votes_at_creation"]
            chantier["cards"].append(card)
        chantier["levers"] = [
            dict(r)
            for r in db.execute(
                "SELECT * FROM plan_levers WHERE chantier_id = ? ORDER BY id", [cid]
            )
        ]
        chantier["resources"] = [
            dict(r)
            for r in db.execute(
                "SELECT * FROM plan_resources WHERE chantier_id = ? ORDER BY kind, id",
                [cid],
            )
        ]
    return chantiers


def get_chantier(db: sqlite_utils.Database, diagnostic_id: int, chantier_id: int):
    """The chantier if it belongs to the diagnostic, else None."""
    for chantier in load_chantiers(db, diagnostic_id):
        if chantier["id"] == chantier_id:
            return chantier
    return None


def add_lever(db, chantier_id: int, obstacle: str, lever: str) -> None:
    with write_transaction(db):
        db.execute(
            "INSERT INTO plan_levers (chantier_id, obstacle, lever, created_at)"
            " VALUES (?,?,?,?)",
            [chantier_id, obstacle, lever, now()],
        )


def add_resource(db, chantier_id: int, values: dict[str, Any]) -> None:
    with write_transaction(db):
        db.execute(
            "INSERT INTO plan_resources (chantier_id, kind, name, link, note, "
            "created_at) VALUES (?,?,?,?,?,?)",
            [
                chantier_id,
                values["kind"],
                values["name"],
                values["link"],
                values.get("note", ""),
                now(),
            ],
        )


def delete_child(db, table: str, chantier_id: int, row_id: int) -> bool:
    """Delete a lever or resource of this chantier; False if none matched."""
    assert table in ("plan_levers", "plan_resources")
    with write_transaction(db):
        cursor = db.execute(
            f"DELETE FROM {table} WHERE id = ? AND chantier_id = ?",
            [row_id, chantier_id],
        )
    return cursor.rowcount > 0


def update_chantier(db, chantier_id: int, title: str, description: str) -> None:
    with write_transaction(db):
        db.execute(
            "UPDATE plan_chantiers SET title = ?, description = ?, updated_at = ? "
            "WHERE id = ?",
            [title, description, now(), chantier_id],
        )


def delete_chantier(db, chantier_id: int) -> None:
    """Its cards, levers and resources go with it; fiches lose the link only."""
    with write_transaction(db):
        db.execute("DELETE FROM plan_chantiers WHERE id = ?", [chantier_id])
