"""The theory of change (guide annex 3): plain data over SQLite, no Flask.

Resources → activities → outputs (réalisations) → outcomes (résultats) →
impact, with assumptions (hypothèses) between two levels. Elements may name
the fiche action they come from and an indicator of step 8; links say which
element leads to which, always towards a later level.

`load_theory` gives the whole theory as plain data; `theory_rows` gives the
table that the page, the printable page and the document all show (the SVG
of `theory_svg` draws the same content).
"""

import re
from typing import Any

import sqlite_utils

from survey_app.dates import now
from survey_app.storage import write_transaction

LEVELS = ["Ressources", "Activités", "Réalisations", "Résultats", "Impact"]
LEVEL_HINTS = [
    "Les moyens mobilisés : personnes, matériel, financements, partenaires.",
    "Ce que l'on fait : permanences, ateliers, formations…",
    "Ce que les activités produisent directement : ateliers tenus, personnes "
    "accompagnées, outils diffusés.",
    "Les changements pour les personnes : autonomie, accès aux droits, confiance.",
    "Le changement durable visé sur le territoire.",
]
MAX_TEXT = 300
# Characters XML cannot hold (an SVG or an ODT would be unreadable).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SPACES = re.compile(r"[ \t\r\n]+")  # not the no-break spaces of amounts


class TheoryError(ValueError):
    """Bad input, with a French message; nothing was stored."""


def clean(text: str | None, limit: int = MAX_TEXT) -> str:
    """One line of text as stored: no control characters, spaces squeezed."""
    return SPACES.sub(" ", CONTROL.sub(" ", text or "")).strip()[:limit]


def assumption_label(level: int) -> str:
    return f"{LEVELS[level].lower()} → {LEVELS[level + 1].lower()}"


def indicator_names(db: sqlite_utils.Database, diagnostic_id: int) -> dict[int, str]:
    """{id: name} of the diagnostic's step 8 indicators (evaluation_indicators)."""
    rows = db.execute(
        "SELECT id, name FROM evaluation_indicators WHERE diagnostic_id = ? "
        "ORDER BY id",
        [diagnostic_id],
    )
    return {r[0]: str(r[1]) for r in rows}


def fiche_titles(db: sqlite_utils.Database, diagnostic_id: int) -> dict[int, str]:
    """{id: title} of the diagnostic's fiches action, in the plan's order."""
    rows = db.execute(
        "SELECT id, title FROM plan_fiches WHERE diagnostic_id = ? ORDER BY id",
        [diagnostic_id],
    )
    return {r[0]: r[1] for r in rows}


def load_theory(db: sqlite_utils.Database, diagnostic_id: int) -> dict[str, Any]:
    """The theory as plain data:

    - `levels`: five lists of elements (resources … impact), in order;
    - `assumptions`: four lists, between level i and i + 1;
    - `elements`: {id: element}; each element has id, kind, level, text,
      fiche_id, fiche (title or ''), fiche_number (its rank in the plan),
      indicator_id, indicator (name, or '' when unknown), targets and
      sources (ids of the elements it leads to / comes from).
    """
    fiches = fiche_titles(db, diagnostic_id)
    numbers = {fiche_id: n for n, fiche_id in enumerate(fiches, 1)}
    indicators = indicator_names(db, diagnostic_id)
    rows = db.execute(
        "SELECT id, kind, level, text, position, fiche_id, indicator_id "
        "FROM evaluation_toc_elements WHERE diagnostic_id = ? "
        "ORDER BY kind, level, position, id",
        [diagnostic_id],
    )
    elements: dict[int, dict[str, Any]] = {}
    theory: dict[str, Any] = {
        "levels": [[] for _ in LEVELS],
        "assumptions": [[] for _ in LEVELS[:-1]],
        "elements": elements,
    }
    for row in rows:
        element = dict(row)
        element.update(
            fiche=fiches.get(element["fiche_id"], ""),
            fiche_number=numbers.get(element["fiche_id"]),
            indicator=indicators.get(element["indicator_id"], ""),
            targets=[],
            sources=[],
        )
        elements[element["id"]] = element
        group = "levels" if element["kind"] == "element" else "assumptions"
        theory[group][element["level"]].append(element)
    links = db.execute(
        "SELECT l.from_id, l.to_id FROM evaluation_toc_links l "
        "JOIN evaluation_toc_elements e ON e.id = l.from_id "
        "WHERE e.diagnostic_id = ?",
        [diagnostic_id],
    )
    for from_id, to_id in links:
        if from_id in elements and to_id in elements:
            elements[from_id]["targets"].append(to_id)
            elements[to_id]["sources"].append(from_id)
    order = {e: i for i, e in enumerate(elements)}
    for element in elements.values():
        element["targets"].sort(key=order.__getitem__)
        element["sources"].sort(key=order.__getitem__)
    return theory


def count_elements(db: sqlite_utils.Database, diagnostic_id: int) -> dict[str, int]:
    """{'elements': n, 'assumptions': n, 'links': n} for the steps page."""
    counts = dict(
        db.execute(
            "SELECT kind, count(*) FROM evaluation_toc_elements "
            "WHERE diagnostic_id = ? GROUP BY kind",
            [diagnostic_id],
        ).fetchall()
    )
    links = db.execute(
        "SELECT count(*) FROM evaluation_toc_links l JOIN evaluation_toc_elements e "
        "ON e.id = l.from_id WHERE e.diagnostic_id = ?",
        [diagnostic_id],
    ).fetchone()[0]
    return {
        "elements": counts.get("element", 0),
        "assumptions": counts.get("assumption", 0),
        "links": links,
    }


def element_label(element: dict[str, Any]) -> str:
    if element["kind"] == "assumption":
        return f"Hypothèse ({assumption_label(element['level'])})"
    return str(LEVELS[element["level"]])


def fiche_cell(element: dict[str, Any]) -> str:
    if not element["fiche_number"]:
        return ""
    return f"Fiche {element['fiche_number']} : {element['fiche']}"


def ordered(theory: dict[str, Any]) -> list[dict[str, Any]]:
    """Elements level by level, then the assumptions: the table's order."""
    return [e for level in theory["levels"] for e in level] + [
        e for group in theory["assumptions"] for e in group
    ]


TABLE_HEADER = ["Niveau", "Élément", "Mène à", "Fiche action", "Indicateur"]


def theory_rows(theory: dict[str, Any]) -> list[list[str]]:
    """The accessible table: one row per element, then per assumption."""
    elements = theory["elements"]
    return [
        [
            element_label(e),
            e["text"],
            " ; ".join(elements[t]["text"] for t in e["targets"]),
            fiche_cell(e),
            e["indicator"],
        ]
        for e in ordered(theory)
    ]


def get_element(
    db: sqlite_utils.Database, diagnostic_id: int, element_id: int
) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT * FROM evaluation_toc_elements WHERE id = ? AND diagnostic_id = ?",
        [element_id, diagnostic_id],
    ).fetchone()
    return dict(row) if row else None


def check_values(
    db: sqlite_utils.Database, diagnostic_id: int, values: dict[str, Any]
) -> dict[str, Any]:
    """The element's values checked: kind, level, text, fiche, indicator.
    :raise TheoryError: in French, what is wrong."""
    kind, level = values.get("kind"), values.get("level")
    if kind not in ("element", "assumption"):
        raise TheoryError("Type d'élément inconnu.")
    top = len(LEVELS) - (2 if kind == "assumption" else 1)
    if not isinstance(level, int) or not 0 <= level <= top:
        raise TheoryError("Niveau inconnu : choisissez-en un dans la liste.")
    text = clean(values.get("text"))
    if not text:
        raise TheoryError("Écrivez le texte de l'élément.")
    fiche_id = values.get("fiche_id")
    if fiche_id is not None and fiche_id not in fiche_titles(db, diagnostic_id):
        raise TheoryError("Cette fiche action n'existe pas dans ce diagnostic.")
    indicator_id = values.get("indicator_id")
    if indicator_id is not None and indicator_id not in indicator_names(
        db, diagnostic_id
    ):
        raise TheoryError("Cet indicateur n'existe pas dans ce diagnostic.")
    return {
        "kind": kind,
        "level": level,
        "text": text,
        "fiche_id": fiche_id,
        "indicator_id": indicator_id,
    }


def _next_position(
    db: sqlite_utils.Database, diagnostic_id: int, kind: str, level: int
) -> int:
    return db.execute(
        "SELECT coalesce(max(position), 0) + 1 FROM evaluation_toc_elements "
        "WHERE diagnostic_id = ? AND kind = ? AND level = ?",
        [diagnostic_id, kind, level],
    ).fetchone()[0]


def create_element(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    values: dict[str, Any],
    key: str | None = None,
) -> int:
    """Store a new element at the end of its level; a second call with the
    same key returns the first element. :raise TheoryError: bad values."""
    checked = check_values(db, diagnostic_id, values)
    with write_transaction(db):
        if key:
            found = db.execute(
                "SELECT id, diagnostic_id FROM evaluation_toc_elements "
                "WHERE client_key = ?",
                [key],
            ).fetchone()
            if found and found[1] == diagnostic_id:
                return int(found[0])
            if found:  # a key another diagnostic used: no double tap here
                key = None
        return insert_checked(db, diagnostic_id, checked, key)


def insert_checked(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    values: dict[str, Any],
    key: str | None,
) -> int:
    stamp = now()
    cursor = db.execute(
        "INSERT INTO evaluation_toc_elements (diagnostic_id, kind, level, text, "
        "position, fiche_id, indicator_id, client_key, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [diagnostic_id, values["kind"], values["level"], values["text"],
         _next_position(db, diagnostic_id, values["kind"], values["level"]),
         values["fiche_id"], values["indicator_id"], key, stamp, stamp],
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


def update_element(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    element_id: int,
    values: dict[str, Any],
    links: tuple[list[int], list[int]] | None = None,
) -> None:
    """Change an element (its kind stays) and, for an element, what it comes
    from and leads to: `links` = (source ids, target ids). When the level
    changes, links that would no longer go forward are dropped; otherwise a
    link that does not go forward is refused. :raise TheoryError: bad values
    or links; nothing is changed then."""
    current = get_element(db, diagnostic_id, element_id)
    if current is None:
        raise TheoryError("Cet élément n'existe pas.")
    checked = check_values(db, diagnostic_id, {**values, "kind": current["kind"]})
    with write_transaction(db):
        moved = checked["level"] != current["level"]
        db.execute(
            "UPDATE evaluation_toc_elements SET level = ?, text = ?, fiche_id = ?, "
            "indicator_id = ?, updated_at = ?"
            + (", position = ?" if moved else "")
            + " WHERE id = ?",
            [checked["level"], checked["text"], checked["fiche_id"],
             checked["indicator_id"], now(),
             *([_next_position(db, diagnostic_id, current["kind"], checked["level"])]
               if moved else []),
             element_id],
        )  # fmt: skip
        if links is not None and current["kind"] == "element":
            sources, targets = _forward(db, diagnostic_id, checked["level"], *links)
            if not moved and (len(sources), len(targets)) != tuple(
                len(set(x)) for x in links
            ):
                # Raised inside the transaction: nothing is changed.
                raise TheoryError(
                    "Un lien va d'un niveau vers un niveau suivant (des ressources "
                    "vers les activités, etc.) : rien n'a été changé."
                )
            db.execute(
                "DELETE FROM evaluation_toc_links WHERE from_id = ? OR to_id = ?",
                [element_id, element_id],
            )
            db.conn.executemany(
                "INSERT OR IGNORE INTO evaluation_toc_links (from_id, to_id) "
                "VALUES (?, ?)",
                [(s, element_id) for s in sources] + [(element_id, t) for t in targets],
            )
        _drop_backward_links(db, diagnostic_id)


def _forward(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    level: int,
    sources: list[int],
    targets: list[int],
) -> tuple[list[int], list[int]]:
    """The sources on an earlier level and the targets on a later one, among
    the diagnostic's elements (assumptions are not linked)."""
    levels = dict(
        db.execute(
            "SELECT id, level FROM evaluation_toc_elements "
            "WHERE diagnostic_id = ? AND kind = 'element'",
            [diagnostic_id],
        ).fetchall()
    )
    return (
        [s for s in dict.fromkeys(sources) if levels.get(s, level) < level],
        [t for t in dict.fromkeys(targets) if levels.get(t, level) > level],
    )


def _drop_backward_links(db: sqlite_utils.Database, diagnostic_id: int) -> None:
    db.execute(
        """DELETE FROM evaluation_toc_links WHERE rowid IN (
             SELECT l.rowid FROM evaluation_toc_links l
             JOIN evaluation_toc_elements a ON a.id = l.from_id
             JOIN evaluation_toc_elements b ON b.id = l.to_id
             WHERE a.diagnostic_id = ? AND a.level >= b.level)""",
        [diagnostic_id],
    )


def delete_element(
    db: sqlite_utils.Database, diagnostic_id: int, element_id: int
) -> bool:
    """Delete an element and its links; False when it was not there."""
    with write_transaction(db):
        cursor = db.execute(
            "DELETE FROM evaluation_toc_elements WHERE id = ? AND diagnostic_id = ?",
            [element_id, diagnostic_id],
        )
    return cursor.rowcount > 0


def move_element(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    element_id: int,
    neighbour_id: int,
    up: bool,
) -> bool:
    """Move an element before (`up`) or after the neighbour the page showed
    just above or below it in its level. Only while it is still there: a
    repeated request (double tap) moves once. False when nothing moved."""
    with write_transaction(db):
        element = get_element(db, diagnostic_id, element_id)
        other = get_element(db, diagnostic_id, neighbour_id)
        if not element or not other or element_id == neighbour_id:
            return False
        if (element["kind"], element["level"]) != (other["kind"], other["level"]):
            return False
        siblings = [
            r[0]
            for r in db.execute(
                "SELECT id FROM evaluation_toc_elements WHERE diagnostic_id = ? "
                "AND kind = ? AND level = ? ORDER BY position, id",
                [diagnostic_id, element["kind"], element["level"]],
            )
        ]
        here, there = siblings.index(element_id), siblings.index(neighbour_id)
        if here - there != (1 if up else -1):
            return False
        siblings[here], siblings[there] = siblings[there], siblings[here]
        db.conn.executemany(
            "UPDATE evaluation_toc_elements SET position = ? WHERE id = ?",
            [(n, i) for n, i in enumerate(siblings, 1)],
        )
    return True


def add_link(
    db: sqlite_utils.Database, diagnostic_id: int, from_id: int, to_id: int
) -> bool:
    """Link two elements of the diagnostic, the first on an earlier level.
    False (and nothing stored) otherwise; linking twice stores one link."""
    with write_transaction(db):
        first = get_element(db, diagnostic_id, from_id)
        second = get_element(db, diagnostic_id, to_id)
        if not first or not second or "assumption" in (first["kind"], second["kind"]):
            return False
        if first["level"] >= second["level"]:
            return False
        db.execute(
            "INSERT OR IGNORE INTO evaluation_toc_links (from_id, to_id) VALUES (?, ?)",
            [from_id, to_id],
        )
    return True
