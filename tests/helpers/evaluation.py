"""A fiche action and its indicators, made directly in the database."""

from action_plan.fiches import blank_fiche, create_fiche
from evaluation.indicators import create_indicator

INDICATOR = {
    "name": "Personnes accompagnées",
    "unit": "personnes",
    "baseline_value": 20.0,
    "baseline_on": "2026-01-01",
    "target_value": 60.0,
    "target_on": "2027-01-01",
    "frequency": "mensuelle",
    "source_kind": "manual",
    "question_key": "",
    "choices": [],
    "portrait_indicator": "",
    "source_note": "Registre",
}


def make_fiche(db, diagnostic_id: int, title: str = "Ateliers au CCAS") -> int:
    fiche = blank_fiche(db, diagnostic_id)
    fiche["title"] = title
    return create_fiche(db, diagnostic_id, fiche, None)


def make_indicator(db, diagnostic_id: int, fiche_id: int, **changes) -> int:
    item = {**INDICATOR, "fiche_id": fiche_id, **changes}
    return create_indicator(db, diagnostic_id, item, None)
