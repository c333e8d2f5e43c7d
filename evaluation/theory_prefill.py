"""A starting theory of change drawn from the fiches action (annex 2 → 3).

What each fiche says becomes elements tied to it: its human and material
means, partners and budget are resources; its key activities, activities;
its milestones and the publics it reaches, outputs; "on aura réussi si…",
outcomes; its global objective, the impact; its points of vigilance,
assumptions between activities and outputs. Within a fiche, each level
leads to the next one that has elements.

Running it again adds only what is missing (an element is the same when its
level, fiche and text are): a double tap, or a fiche completed later, never
duplicates anything. An element the conseiller deleted comes back only if
asked again.
"""

import re
from typing import Any

import sqlite_utils

from action_plan.budget import FUNDER_LABELS, compute_budget
from action_plan.fiches import load_fiches
from action_plan.money import format_euros
from survey_app.storage import write_transaction

from .theory import clean, insert_checked

NUMBERING = re.compile(r"^\s*(?:[-–•*]|\d+\s*[-.)–:]|[a-z]\))\s*")


def lines(text: str) -> list[str]:
    """The lines of a multi-line field, without their numbering or bullet."""
    found = [clean(NUMBERING.sub("", line)) for line in (text or "").splitlines()]
    return [line for line in found if line]


def fiche_resources(fiche: dict[str, Any]) -> list[str]:
    found = []
    if fiche.get("human_means"):
        count = fiche.get("human_count")
        found.append(
            f"Moyens humains : {clean(fiche['human_means'], 250)}"
            + (f" ({count} personne{'s' if count > 1 else ''})" if count else "")
        )
    if fiche.get("material_means"):
        found.append(f"Moyens matériels : {clean(fiche['material_means'], 250)}")
    for partner in fiche.get("partners", []):
        nature = f" ({partner['nature']})" if partner.get("nature") else ""
        found.append(f"Partenaire : {partner['name']}{nature}")
    budget = compute_budget(fiche["years"], fiche["costs"], fiche["financing"])
    if fiche.get("costs"):
        funders = ", ".join(FUNDER_LABELS[c] for c in fiche["financing"])
        found.append(
            f"Budget : {format_euros(budget.cost_total.total)}"
            + (f" ({funders})" if funders else "")
        )
    if not found and fiche.get("lead"):
        found.append(f"Structure porteuse : {fiche['lead']}")
    return found


def fiche_outputs(fiche: dict[str, Any]) -> list[str]:
    found = [m["label"] for m in fiche.get("milestones", []) if m.get("label")]
    publics = fiche.get("publics") or {}
    reached = [*publics.get("ages", []), *publics.get("genders", [])]
    if publics.get("details"):
        reached.append(publics["details"])
    if reached:
        found.append("Publics accompagnés : " + ", ".join(reached))
    return found


def fiche_levels(fiche: dict[str, Any]) -> tuple[list[list[str]], list[str]]:
    """(five lists of texts, resources … impact; the assumptions)."""
    activities = lines(fiche.get("activities", "")) or [
        clean(fiche.get("description") or fiche["title"])
    ]
    levels = [
        fiche_resources(fiche),
        activities,
        fiche_outputs(fiche),
        lines(fiche.get("results", "")),
        [clean(fiche["objective"])] if clean(fiche.get("objective")) else [],
    ]
    return (
        [[clean(t) for t in level if clean(t)] for level in levels],
        [f"Point de vigilance : {line}" for line in lines(fiche.get("vigilance", ""))],
    )


def prefill_from_fiches(
    db: sqlite_utils.Database, diagnostic_id: int
) -> dict[str, int]:
    """Add what the fiches action say and the theory lacks.
    {'fiches': n, 'elements': added, 'links': added}."""
    fiches = load_fiches(db, diagnostic_id)
    added = {"fiches": len(fiches), "elements": 0, "links": 0}
    with write_transaction(db):
        for fiche in fiches:
            levels, assumptions = fiche_levels(fiche)
            ids = [
                [_find_or_add(db, diagnostic_id, "element", n, t, fiche, added)
                 for t in texts]
                for n, texts in enumerate(levels)
            ]  # fmt: skip
            for text in assumptions:
                _find_or_add(db, diagnostic_id, "assumption", 1, text, fiche, added)
            filled = [level for level in ids if level]
            for sources, targets in zip(filled, filled[1:], strict=False):
                for source in sources:
                    for target in targets:
                        cursor = db.execute(
                            "INSERT OR IGNORE INTO evaluation_toc_links "
                            "(from_id, to_id) VALUES (?, ?)",
                            [source, target],
                        )
                        added["links"] += cursor.rowcount
    return added


def _find_or_add(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    kind: str,
    level: int,
    text: str,
    fiche: dict[str, Any],
    added: dict[str, int],
) -> int:
    found = db.execute(
        "SELECT id FROM evaluation_toc_elements WHERE diagnostic_id = ? AND "
        "kind = ? AND level = ? AND fiche_id = ? AND text = ?",
        [diagnostic_id, kind, level, fiche["id"], text],
    ).fetchone()
    if found:
        return int(found[0])
    added["elements"] += 1
    values = {"kind": kind, "level": level, "text": text, "fiche_id": fiche["id"],
              "indicator_id": None}  # fmt: skip
    return insert_checked(db, diagnostic_id, values, None)
