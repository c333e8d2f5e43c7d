"""The demo's indicators (guide step 8): one of each source, with measures,
so that the demo's dashboard, charts and document show every status."""

from datetime import date, timedelta

import sqlite_utils

from .indicators import add_measure, create_indicator


def add_demo_indicators(
    db: sqlite_utils.Database, diagnostic_id: int, first: date
) -> None:
    """Indicators of the demo's fiche action (nothing if it has none)."""
    row = db.execute(
        "SELECT id, ends_on FROM plan_fiches WHERE client_key = 'demo-fiche'"
    ).fetchone()
    if row is None:
        return
    fiche_id, ends_on = row
    end = ends_on or (first + timedelta(days=365)).isoformat()
    base = {"fiche_id": fiche_id, "question_key": "", "choices": [],
            "portrait_indicator": "", "frequency": "mensuelle",
            "source_kind": "manual"}  # fmt: skip
    indicators = [
        ({**base, "name": "Personnes accompagnées en permanence",
          "unit": "personnes", "baseline_value": 0,
          "baseline_on": first.isoformat(), "target_value": 400, "target_on": end,
          "source_note": "Registre des permanences tenu par la conseillère "
          "numérique"},
         [(7, 9, "Registre des permanences"), (14, 21, "Registre des permanences"),
          (20, 34, "Registre des permanences")]),
        ({**base, "name": "Bourgs avec une permanence chaque semaine",
          "unit": "bourgs", "baseline_value": 0,
          "baseline_on": (first - timedelta(days=30)).isoformat(),
          "target_value": 8, "target_on": (first + timedelta(days=60)).isoformat(),
          "source_note": "Planning des permanences"},
         [(20, 2, "Planning des permanences (Mens et Clelles)")]),
        ({**base, "name": "Habitants qui connaissent un lieu d'aide près de "
          "chez eux", "unit": "% des répondants", "baseline_value": None,
          "baseline_on": None, "target_value": 70, "target_on": end,
          "frequency": "semestrielle", "source_kind": "survey",
          "question_key": "BE_CONNAIT_LIEU",
          "choices": ["oui_deja_alle", "oui_jamais_alle"],
          "source_note": "Question de l'enquête habitants, à chaque vague"},
         []),
        ({**base, "name": "Locaux couverts en très haut débit", "unit": "%",
          "baseline_value": None, "baseline_on": None, "target_value": 95,
          "target_on": end, "frequency": "annuelle", "source_kind": "portrait",
          "portrait_indicator": "couverture_thd",
          "source_note": "Portrait du territoire, puis observatoire de l'Arcep"},
         [(-(first - date(first.year - 1, 6, 30)).days, 81,
           "Arcep, « Ma connexion internet » (démonstration)")]),
    ]  # fmt: skip
    for n, (item, measures) in enumerate(indicators):
        indicator_id = create_indicator(db, diagnostic_id, item, f"demo-ind-{n}")
        for m, (days, value, source) in enumerate(measures):
            on = (first + timedelta(days=days)).isoformat()
            measure = {"measured_on": on, "value": value, "source": source}
            add_measure(db, indicator_id, measure, f"demo-ind-{n}-{m}")
