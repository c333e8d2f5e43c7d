"""Actors of the territory, their resources, and inspirations (issue 11 §1, §3).

Plain data functions over a sqlite-utils Database. Contacts are a structure's
address or a role ("accueil du CCAS"), never a private person by default.
"""

from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction

ACTOR_KINDS = {
    "collectivite": "Collectivité (commune, intercommunalité, département)",
    "ccas": "CCAS / CIAS",
    "france_services": "France Services",
    "mediatheque": "Médiathèque, bibliothèque",
    "association": "Association",
    "ecole": "École, collège, lycée, organisme de formation",
    "entreprise": "Entreprise",
    "bailleur": "Bailleur social",
    "operateur": "Opérateur de service public (CAF, CPAM, France Travail…)",
    "tiers_lieu": "Tiers-lieu, espace public numérique",
    "autre": "Autre",
}
RESOURCE_KINDS = {
    "human": "Humaine (personnes, heures)",
    "material": "Matérielle (salle, équipement, bus)",
    "financial": "Financière (budget, appel à projets)",
}
INSPIRATION_FIELDS = {
    "title": "Titre",
    "territory": "Territoire",
    "link": "Lien ou source",
    "borrow": "Ce qu'on peut reprendre",
    "vigilance": "Points de vigilance",
    "contact_role": "Contact (rôle ou structure)",
    "tags": "Étiquettes (chantiers…), séparées par des virgules",
}


def load_actors(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict[str, Any]]:
    """Actors with `resources` (list of dicts kind, description, quantity)."""
    actors = [
        dict(r)
        for r in db.execute(
            "SELECT * FROM offer_actors WHERE diagnostic_id = ? ORDER BY name, id",
            [diagnostic_id],
        )
    ]
    by_id = {a["id"]: {**a, "resources": []} for a in actors}
    for r in db.execute(
        "SELECT r.* FROM offer_resources r JOIN offer_actors a ON a.id = r.actor_id "
        "WHERE a.diagnostic_id = ? ORDER BY r.kind, r.id",
        [diagnostic_id],
    ):
        by_id[r["actor_id"]]["resources"].append(dict(r))
    return list(by_id.values())


def add_actor(db: sqlite_utils.Database, diagnostic_id: int, values: dict) -> int:
    with write_transaction(db):
        cursor = db.execute(
            "INSERT INTO offer_actors (diagnostic_id, name, kind, role, contact, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [diagnostic_id, values["name"], values["kind"], values["role"],
             values["contact"], now()],
        )  # fmt: skip
    return cursor.lastrowid


def actor_of(db: sqlite_utils.Database, diagnostic_id: int, actor_id: int) -> bool:
    return bool(
        db.execute(
            "SELECT 1 FROM offer_actors WHERE id = ? AND diagnostic_id = ?",
            [actor_id, diagnostic_id],
        ).fetchone()
    )


def add_resource(db: sqlite_utils.Database, actor_id: int, values: dict) -> None:
    with write_transaction(db):
        db.execute(
            "INSERT INTO offer_resources (actor_id, kind, description, quantity, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            [actor_id, values["kind"], values["description"], values["quantity"],
             now()],
        )  # fmt: skip


def delete_resource(
    db: sqlite_utils.Database, diagnostic_id: int, resource_id: int
) -> int:
    with write_transaction(db):
        return db.execute(
            "DELETE FROM offer_resources WHERE id = ? AND actor_id IN "
            "(SELECT id FROM offer_actors WHERE diagnostic_id = ?)",
            [resource_id, diagnostic_id],
        ).rowcount


def delete_actor(db: sqlite_utils.Database, diagnostic_id: int, actor_id: int) -> int:
    with write_transaction(db):
        return db.execute(
            "DELETE FROM offer_actors WHERE id = ? AND diagnostic_id = ?",
            [actor_id, diagnostic_id],
        ).rowcount


def load_inspirations(
    db: sqlite_utils.Database, diagnostic_id: int
) -> list[dict[str, Any]]:
    """Inspirations, newest first, `tags` as a list."""
    rows = db.execute(
        "SELECT * FROM offer_inspirations WHERE diagnostic_id = ? ORDER BY id DESC",
        [diagnostic_id],
    )
    return [
        {**dict(r), "tags": [t.strip() for t in r["tags"].split(",") if t.strip()]}
        for r in rows
    ]


def add_inspiration(
    db: sqlite_utils.Database, diagnostic_id: int, values: dict
) -> None:
    columns = ", ".join(INSPIRATION_FIELDS)  # fixed names, never user input
    marks = ", ".join("?" * len(INSPIRATION_FIELDS))
    with write_transaction(db):
        db.execute(
            f"INSERT INTO offer_inspirations (diagnostic_id, {columns}, created_at)"
            f" VALUES (?, {marks}, ?)",
            [diagnostic_id, *(values[f] for f in INSPIRATION_FIELDS), now()],
        )


def delete_inspiration(
    db: sqlite_utils.Database, diagnostic_id: int, ident: int
) -> int:
    with write_transaction(db):
        return db.execute(
            "DELETE FROM offer_inspirations WHERE id = ? AND diagnostic_id = ?",
            [ident, diagnostic_id],
        ).rowcount


def get_actor(
    db: sqlite_utils.Database, diagnostic_id: int, actor_id: int
) -> dict[str, Any] | None:
    """The actor if it belongs to the diagnostic, else None."""
    row = db.execute(
        "SELECT * FROM offer_actors WHERE id = ? AND diagnostic_id = ?",
        [actor_id, diagnostic_id],
    ).fetchone()
    return dict(row) if row else None


def update_actor(
    db: sqlite_utils.Database, diagnostic_id: int, actor_id: int, values: dict
) -> int:
    """Replace name, kind, role and contact (the same values twice: same
    state); 0 when the actor is not the diagnostic's."""
    with write_transaction(db):
        return db.execute(
            "UPDATE offer_actors SET name = ?, kind = ?, role = ?, contact = ? "
            "WHERE id = ? AND diagnostic_id = ?",
            [values["name"], values["kind"], values["role"], values["contact"],
             actor_id, diagnostic_id],
        ).rowcount  # fmt: skip


def get_inspiration(
    db: sqlite_utils.Database, diagnostic_id: int, ident: int
) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT * FROM offer_inspirations WHERE id = ? AND diagnostic_id = ?",
        [ident, diagnostic_id],
    ).fetchone()
    return dict(row) if row else None


def update_inspiration(
    db: sqlite_utils.Database, diagnostic_id: int, ident: int, values: dict
) -> int:
    sets = ", ".join(f"{f} = ?" for f in INSPIRATION_FIELDS)  # fixed names
    with write_transaction(db):
        return db.execute(
            f"UPDATE offer_inspirations SET {sets} WHERE id = ? AND diagnostic_id = ?",
            [*(values[f] for f in INSPIRATION_FIELDS), ident, diagnostic_id],
        ).rowcount
