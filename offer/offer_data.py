"""Needs against offer for one diagnostic, from the database (issue 11 §2).

`needs_for_diagnostic(db, id)` is what the page and the diagnostic document
use: it gathers every survey's answers, the places and the conseiller's
needs → services table, then calls the pure functions of needs.py.
"""

import json
from functools import lru_cache
from typing import Any

import pandas as pd
import sqlite_utils

from analysis.frames import load_survey
from survey_app.surveys.bank import load_bank

from .needs import (
    DEFAULT_MAPPING,
    answer_flags,
    commune_centres,
    needs_offer,
    uncovered,
)
from .places import load_places
from .schema import load_schema

CRITERIA_FIELDS = {
    "services": "Service",
    "modalites_accompagnement": "Accompagnement",
    "frais_a_charge": "Frais",
    "prise_en_charge_specifique": "Prise en charge",
    "itinerance": "Itinérance",
    "dispositif_programmes_nationaux": "Dispositif",
}


@lru_cache(maxsize=1)
def need_labels() -> dict[str, str]:
    """ "BE_SUJETS:sante" → "Pour quoi aimeriez-vous de l'aide ? — La santé…"."""
    bank = {e["key"]: e for e in load_bank()}
    labels = {}
    for need in DEFAULT_MAPPING:
        key, _, code = need.partition(":")
        entry = bank.get(key, {})
        choice = next(
            (c["label"] for c in entry.get("choices", []) if c["code"] == code), code
        )
        labels[need] = f"{choice} ({entry.get('text', key)})"
    return labels


def service_options() -> dict[str, str]:
    """Criteria the conseiller can tick for a need → French label."""
    schema = load_schema()
    options = {"*": "N'importe quel lieu", "horaires=*": "Horaires publiés"}
    for name, label in CRITERIA_FIELDS.items():
        for value in schema.enums[name]:
            options[f"{name}={value}"] = f"{label} : {value}"
    return options


def load_mapping(db: sqlite_utils.Database, diagnostic_id: int) -> dict[str, list[str]]:
    """The default table overridden by what the conseiller saved."""
    mapping = {k: list(v) for k, v in DEFAULT_MAPPING.items()}
    for need, services in db.execute(
        "SELECT need, services FROM offer_need_services WHERE diagnostic_id = ?",
        [diagnostic_id],
    ):
        if need in mapping:
            mapping[need] = json.loads(services)
    return mapping


def diagnostic_answers(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    loaded: dict[int, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Every survey's answers as need flags (commune + one column per need).
    `loaded`: {survey id: wide frame} the caller already has (the diagnostic
    document loads its surveys once)."""
    frames = []
    for (survey_id,) in db.execute(
        "SELECT id FROM surveys WHERE diagnostic_id = ? ORDER BY id", [diagnostic_id]
    ):
        wide = (loaded or {}).get(survey_id)
        if wide is None:
            wide = load_survey(db, survey_id).wide
        if len(wide):
            frames.append(answer_flags(wide).reset_index(drop=True))
    if not frames:
        return pd.DataFrame({"commune": pd.Series(dtype="object")})
    return pd.concat(frames, ignore_index=True)


def needs_for_diagnostic(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    loaded: dict[int, pd.DataFrame] | None = None,
) -> dict[str, Any]:
    """table (needs_offer), uncovered, centres, mapping, answers, places."""
    communes = pd.DataFrame(
        db.execute(
            "SELECT c.code, c.name FROM diagnostic_communes dc JOIN communes c "
            "ON c.code = dc.commune_code WHERE dc.diagnostic_id = ? ORDER BY c.name",
            [diagnostic_id],
        ).fetchall(),
        columns=["code", "name"],
    )
    fields = load_schema().fields
    places = pd.DataFrame(load_places(db, diagnostic_id), columns=list(fields))
    answers = diagnostic_answers(db, diagnostic_id, loaded)
    mapping = load_mapping(db, diagnostic_id)
    table = needs_offer(answers, places, communes, mapping, need_labels())
    return {
        "table": table,
        "uncovered": uncovered(table),
        "centres": commune_centres(communes, places),
        "mapping": mapping,
        "answers": len(answers),
        "places": len(places),
    }
