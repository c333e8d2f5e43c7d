"""The demo's theory of change (annex 3, issue 12 §2): pre-filled from its
fiche action, then completed as a conseillère would, so that the demo shows
every level, links and assumptions."""

import sqlite_utils

from evaluation.theory import add_link, create_element, load_theory
from evaluation.theory_prefill import prefill_from_fiches

# (level, text); the fiche's own elements come first, from the pre-filling.
ADDED = [
    (1, "Ateliers « premiers pas » sur tablette, à la médiathèque"),
    (2, "Une permanence par semaine dans chaque bourg, toute l'année"),
    (2, "120 habitants accompagnés dans l'année, dont la moitié de plus de 60 ans"),
    (3, "Les personnes accompagnées font seules leurs démarches courantes en ligne"),
    (3, "Le CCAS et les mairies orientent vers la permanence"),
    (4, "Plus aucun habitant du Trièves ne renonce à ses droits faute de numérique"),
]
ASSUMPTIONS = [
    (2, "Les personnes reviennent plusieurs fois : une seule visite ne suffit pas"),
    (3, "Les démarches en ligne restent stables et accessibles"),
]


def fill_theory(db: sqlite_utils.Database, diagnostic_id: int) -> None:
    fiche = db.execute(
        "SELECT min(id) FROM plan_fiches WHERE diagnostic_id = ?", [diagnostic_id]
    ).fetchone()[0]
    if fiche is None:
        return
    prefill_from_fiches(db, diagnostic_id)
    for kind, rows in (("element", ADDED), ("assumption", ASSUMPTIONS)):
        for level, text in rows:
            values = {"kind": kind, "level": level, "text": text,
                      "fiche_id": fiche, "indicator_id": None}  # fmt: skip
            create_element(db, diagnostic_id, values)
    levels = load_theory(db, diagnostic_id)["levels"]
    # Every level leads to the next: the chain the conseillère checks.
    for sources, targets in zip(levels, levels[1:], strict=False):
        for source in sources:
            for target in targets:
                add_link(db, diagnostic_id, source["id"], target["id"])
