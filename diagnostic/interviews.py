"""Step 1 framing and step 3 interviews with actors and field observations.

Readers return plain data (dicts, lists) for the pages and the document.
Interviews keep a structure and a role, never a person's name.
"""

import json
from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction

FRAMING_FIELDS = {
    "definition": "Définition de l'inclusion numérique retenue",
    "stakes": "Enjeux pour le territoire",
    "expectations": "Attentes de la structure qui commande le diagnostic",
    "orientations": "Premières orientations",
}
# The guide's themes (steps 2–4), also the tags of an interview.
INTERVIEW_THEMES = {
    "publics": "Publics éloignés du numérique",
    "equipement": "Équipement et connexion",
    "competences": "Compétences et usages",
    "demarches": "Démarches administratives",
    "offre": "Offre d'accompagnement existante",
    "partenariats": "Partenariats et orientation",
    "ressources": "Ressources (lieux, matériel, financements)",
}
DEFAULT_GUIDE = [
    "Quels publics accueillez-vous, et lesquels sont en difficulté avec le numérique ?",
    "Quelles démarches bloquent le plus souvent ces personnes ?",
    "Ont-elles un équipement et une connexion qui fonctionnent ?",
    "Que faites-vous aujourd'hui quand une personne n'y arrive pas ? "
    "Vers qui l'orientez-vous ?",
    "Quelles ressources pourriez-vous mettre en commun (lieu, matériel, temps) ?",
    "Quels publics ne voit-on nulle part ?",
    "Qu'attendez-vous d'un conseiller numérique sur le territoire ?",
]


def load_framing(db: sqlite_utils.Database, diagnostic_id: int) -> dict[str, str]:
    row = db.execute(
        "SELECT * FROM diagnostic_framing WHERE diagnostic_id = ?", [diagnostic_id]
    ).fetchone()
    return {k: (row[k] if row else "") for k in FRAMING_FIELDS}


def save_framing(db, diagnostic_id: int, values: dict[str, str]) -> None:
    with write_transaction(db):
        db.execute(
            "INSERT OR REPLACE INTO diagnostic_framing (diagnostic_id, definition, "
            "stakes, expectations, orientations, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [diagnostic_id, *(values.get(k, "") for k in FRAMING_FIELDS), now()],
        )


def load_guide(db: sqlite_utils.Database, diagnostic_id: int) -> list[str]:
    """The interview guide's questions (the default one until edited)."""
    row = db.execute(
        "SELECT questions FROM diagnostic_interview_guides WHERE diagnostic_id = ?",
        [diagnostic_id],
    ).fetchone()
    return row["questions"].splitlines() if row else list(DEFAULT_GUIDE)


def save_guide(db, diagnostic_id: int, questions: list[str]) -> None:
    kept = [q.strip() for q in questions if q.strip()]
    with write_transaction(db):
        db.execute(
            "INSERT OR REPLACE INTO diagnostic_interview_guides (diagnostic_id, "
            "questions, updated_at) VALUES (?, ?, ?)",
            [diagnostic_id, "\n".join(kept), now()],
        )


def load_interviews(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    """Interviews, oldest first; `themes` as codes, `quotes` as a list."""
    rows = db.execute(
        "SELECT * FROM diagnostic_interviews WHERE diagnostic_id = ? "
        "ORDER BY held_on, id",
        [diagnostic_id],
    )
    return [
        {
            **dict(r),
            "themes": json.loads(r["themes"]),
            "quotes": [q for q in r["quotes"].splitlines() if q.strip()],
        }
        for r in rows
    ]


def save_interview(
    db, diagnostic_id: int, values: dict[str, Any], interview_id: int | None = None
) -> int:
    fields = [
        values["held_on"],
        values["structure"],
        values.get("role", ""),
        values.get("key_points", ""),
        values.get("quotes", ""),
        json.dumps([t for t in values.get("themes", []) if t in INTERVIEW_THEMES]),
    ]
    with write_transaction(db):
        if interview_id is None:
            return db.execute(
                "INSERT INTO diagnostic_interviews (diagnostic_id, held_on, structure, "
                "role, key_points, quotes, themes, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [diagnostic_id, *fields, now()],
            ).lastrowid
        db.execute(
            "UPDATE diagnostic_interviews SET held_on = ?, structure = ?, role = ?, "
            "key_points = ?, quotes = ?, themes = ? WHERE id = ? AND diagnostic_id = ?",
            [*fields, interview_id, diagnostic_id],
        )
        return interview_id


def load_observations(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    rows = db.execute(
        "SELECT * FROM diagnostic_observations WHERE diagnostic_id = ? "
        "ORDER BY observed_on, id",
        [diagnostic_id],
    )
    return [dict(r) for r in rows]


def add_observation(db, diagnostic_id: int, observed_on: str, place: str, notes: str):
    with write_transaction(db):
        return db.execute(
            "INSERT INTO diagnostic_observations (diagnostic_id, observed_on, place, "
            "notes, created_at) VALUES (?, ?, ?, ?, ?)",
            [diagnostic_id, observed_on, place, notes, now()],
        ).lastrowid


def delete_row(db, table: str, diagnostic_id: int, row_id: int) -> bool:
    """Delete one interview/observation/reference of this diagnostic only."""
    assert table in (
        "diagnostic_interviews", "diagnostic_observations", "portrait_references"
    )  # fmt: skip
    with write_transaction(db):
        cursor = db.execute(
            f"DELETE FROM {table} WHERE id = ? AND diagnostic_id = ?",
            [row_id, diagnostic_id],
        )
    return cursor.rowcount > 0


def step_texts(db: sqlite_utils.Database, diagnostic_id: int) -> list[str]:
    """Every text written for step 3 (key points, quotes, observations), for
    the step's word cloud."""
    texts = []
    for interview in load_interviews(db, diagnostic_id):
        texts += [interview["key_points"], *interview["quotes"]]
    texts += [o["notes"] for o in load_observations(db, diagnostic_id)]
    return [t for t in texts if t.strip()]
