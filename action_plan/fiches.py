"""Fiches action (annex 2): reading the form, storing, loading, copying.

`read_form` turns the posted fields into a fiche and a list of French error
messages; the caller stores nothing when there is one. Lists are stored as
JSON and amounts as Decimal strings ("1234.50"), keyed by year.
"""

import json
from datetime import date
from decimal import Decimal
from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction

from .budget import COST_KINDS, FUNDERS
from .money import AmountError, parse_amount

TEXT_FIELDS = {
    "filled_by": "Document complété par (prénom-nom, structure, fonction)",
    "contacts": "Personne(s) référente(s) de l'action et coordonnées",
    "area": "Territoire d'action (lieux de réalisation)",
    "objective": "Objectif global",
    "lead": "Structure porteuse",
    "description": "Descriptif de l'action : « ce projet consiste à… »",
    "activities": "Activités clés",
    "human_means": "Moyens humains",
    "material_means": "Moyens matériels",
    "vigilance": "Points de vigilance / freins à lever",
    "evidence_notes": "Éléments de diagnostic (commentaire)",
    "results": "Résultats attendus : « on aura réussi si… »",
    "other_resources": "Autres ressources présentes sur le territoire ou externes, "
    "mobilisées ou à mobiliser",
}
AGE_BANDS = [
    "Moins de 15 ans",
    "15-24 ans",
    "25-39 ans",
    "40-59 ans",
    "60-74 ans",
    "75 ans et plus",
]
GENDERS = ["Femmes", "Hommes", "Tous publics"]
# The survey's groups (analysis.groups) as the fiche's checkboxes.
AGE_FROM_GROUP = {
    "15_24": "15-24 ans",
    "25_39": "25-39 ans",
    "40_59": "40-59 ans",
    "60_74": "60-74 ans",
    "75_plus": "75 ans et plus",
}
GENDER_FROM_GROUP = {"femme": "Femmes", "homme": "Hommes"}
# The `indicators` column is no longer written from the form: indicators are
# rows of evaluation_indicators (step 8, issue 12 §1), read with
# evaluation.indicators.fiche_indicator_names.
LISTS = {  # JSON column: (form prefix, fields)
    "partners": ("partner", ("name", "nature")),
    "governance": ("gov", ("body", "members")),
    "milestones": ("ms", ("on", "label")),
}
JSON_DEFAULTS = {
    "partners": [],
    "publics": {},
    "evidence": [],
    "indicators": [],
    "governance": [],
    "calendar": {},
    "milestones": [],
    "costs": [],
    "financing": {},
}
MAX_TEXT = 10_000
MAX_ROWS = 60


def parse_date(text: str | None) -> date | None:
    """ISO '2026-03-01' or French '01/03/2026'; None when empty.
    :raise ValueError: anything else."""
    raw = (text or "").strip()
    if not raw:
        return None
    if "/" in raw:
        day, month, year = raw.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(raw)


def fiche_years(fiche: dict[str, Any]) -> list[int]:
    """Years of the calendar and budget: from the action's dates, plus any
    year that already holds an amount (nothing typed is ever hidden)."""
    years: set[int] = set()
    start, end = fiche.get("starts_on"), fiche.get("ends_on")
    if start and end:
        first, last = int(start[:4]), int(end[:4])
        years.update(range(first, min(last, first + 9) + 1))
    elif start:
        years.update(range(int(start[:4]), int(start[:4]) + 3))
    for line in fiche.get("costs", []):
        years.update(line["amounts"])
    for given in fiche.get("financing", {}).values():
        years.update(given["amounts"])
    years.update(int(y) for y in fiche.get("calendar", {}))
    if not years:
        this = date.today().year
        years.update((this, this + 1, this + 2))
    return sorted(years)


def _text(form, name: str, limit: int = MAX_TEXT) -> str:
    return (form.get(name) or "").replace("\r\n", "\n").strip()[:limit]


def _rows(form, prefix: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    rows = []
    for i in range(MAX_ROWS):
        row = {f: _text(form, f"{prefix}-{i}-{f}", 2000) for f in fields}
        if any(row.values()):
            rows.append(row)
    return rows


def _amounts(form, prefix: str, years: list[int], what: str, errors: list[str]):
    amounts = {}
    for year in years:
        try:
            value = parse_amount(form.get(f"{prefix}-{year}"))
        except AmountError as error:
            errors.append(f"{what}, {year} : {error}")
            # Kept as typed, to be shown again: the fiche is not stored.
            amounts[year] = form.get(f"{prefix}-{year}")
            continue
        if value is not None:
            amounts[year] = value
    return amounts


def read_form(form, years: list[int]) -> tuple[dict[str, Any], list[str]]:
    """The fiche as plain data from the posted form, and French errors."""
    errors: list[str] = []
    fiche: dict[str, Any] = {"title": _text(form, "title", 200)}
    if not fiche["title"]:
        errors.append("Donnez un titre à l'action.")
    fiche.update({name: _text(form, name) for name in TEXT_FIELDS})
    fiche["human_count"] = _human_count(_text(form, "human_count", 10), errors)
    for column, (prefix, fields) in LISTS.items():
        fiche[column] = _rows(form, prefix, fields)
    for milestone in fiche["milestones"]:
        try:
            milestone["on"] = parse_date(milestone["on"]).isoformat()
        except (ValueError, AttributeError):
            errors.append(
                f"Jalon « {milestone['label']} » : date manquante ou "
                "illisible (exemple : 15/03/2027)."
            )
    fiche["publics"] = {
        "ages": [a for a in form.getlist("ages") if a in AGE_BANDS],
        "genders": [g for g in form.getlist("genders") if g in GENDERS],
        "details": _text(form, "publics_details", 2000),
    }
    fiche["evidence"] = list(dict.fromkeys(form.getlist("evidence")))[:40]
    fiche.update(_period(form, errors))
    fiche["calendar"] = {
        str(y): _text(form, f"calendar-{y}", 2000)
        for y in years
        if _text(form, f"calendar-{y}", 2000)
    }
    fiche["costs"] = _costs(form, years, errors)
    fiche["financing"] = {}
    for code, label, _public, _detail in FUNDERS:
        amounts = _amounts(form, f"fin-{code}", years, f"Financement {label}", errors)
        detail = _text(form, f"fin-{code}-detail", 300)
        if amounts or detail:
            fiche["financing"][code] = {"detail": detail, "amounts": amounts}
    return fiche, errors


def _human_count(count: str, errors: list[str]) -> int | None:
    if not count:
        return None
    if count.isdigit() and int(count) < 100_000:
        return int(count)
    errors.append(
        f"Nombre de personnes : « {count} » n'est pas un nombre entier positif."
    )
    return None


def _period(form, errors: list[str]) -> dict[str, str | None]:
    """starts_on and ends_on as ISO dates (None when empty or unreadable)."""
    period: dict[str, str | None] = {}
    for name, label in (("starts_on", "Début"), ("ends_on", "Fin")):
        try:
            day = parse_date(form.get(name))
            period[name] = day.isoformat() if day else None
        except ValueError:
            period[name] = None
            errors.append(
                f"{label} de l'action : date illisible (exemple : 15/03/2027)."
            )
    starts, ends = period["starts_on"], period["ends_on"]
    if starts and ends and ends < starts:
        errors.append("La fin de l'action est avant son début.")
    return period


def _costs(form, years: list[int], errors: list[str]) -> list[dict[str, Any]]:
    costs = []
    for i in range(MAX_ROWS):
        label = _text(form, f"cost-{i}-label", 300)
        kind = form.get(f"cost-{i}-kind", "fonctionnement")
        amounts = _amounts(
            form, f"cost-{i}", years, f"Coût « {label or i + 1} »", errors
        )
        if not label and not amounts:
            continue
        if kind not in COST_KINDS:
            errors.append(f"Coût « {label} » : nature inconnue.")
            continue
        costs.append({"kind": kind, "label": label, "amounts": amounts})
    return costs


def _dump(value: Any) -> str:
    def default(item):
        if isinstance(item, Decimal):
            return str(item)
        raise TypeError(item)

    if isinstance(value, list) and value and "amounts" in value[0]:
        value = [
            {**v, "amounts": {str(y): a for y, a in v["amounts"].items()}}
            for v in value
        ]
    if isinstance(value, dict) and any(
        isinstance(v, dict) and "amounts" in v for v in value.values()
    ):
        value = {
            k: {**v, "amounts": {str(y): a for y, a in v["amounts"].items()}}
            for k, v in value.items()
        }
    return json.dumps(value, ensure_ascii=False, default=default)


def _amounts_back(stored: dict[str, str]) -> dict[int, Decimal]:
    return {int(y): Decimal(a) for y, a in stored.items()}


def row_to_fiche(row: Any) -> dict[str, Any]:
    fiche = dict(row)
    for column, default in JSON_DEFAULTS.items():
        fiche[column] = json.loads(fiche.get(column) or "null") or default
    for line in fiche["costs"]:
        line["amounts"] = _amounts_back(line["amounts"])
    for given in fiche["financing"].values():
        given["amounts"] = _amounts_back(given["amounts"])
    fiche["years"] = fiche_years(fiche)
    return fiche


COLUMNS = ["title", *TEXT_FIELDS, "human_count", *JSON_DEFAULTS, "starts_on", "ends_on"]


def create_fiche(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    fiche: dict[str, Any],
    key: str | None,
    chantier_id: int | None = None,
) -> int:
    """Store a new fiche; a second call with the same key returns the first."""
    with write_transaction(db):
        if key:
            found = db.execute(
                "SELECT id FROM plan_fiches WHERE client_key = ?", [key]
            ).fetchone()
            if found:
                return found[0]
        stamp = now()
        values = {c: _value(fiche, c) for c in COLUMNS}
        names = [
            "diagnostic_id",
            "chantier_id",
            "client_key",
            "created_at",
            "updated_at",
            *values,
        ]
        cursor = db.execute(
            f"INSERT INTO plan_fiches ({', '.join(names)}) "
            f"VALUES ({', '.join('?' * len(names))})",
            [diagnostic_id, chantier_id, key, stamp, stamp, *values.values()],
        )
        return cursor.lastrowid


def _value(fiche: dict[str, Any], column: str) -> Any:
    value = fiche.get(column, JSON_DEFAULTS.get(column, ""))
    if column in JSON_DEFAULTS:
        return _dump(value)
    if value is None and column not in ("human_count", "starts_on", "ends_on"):
        return ""
    return value


def update_fiche(db: sqlite_utils.Database, fiche_id: int, fiche: dict) -> None:
    values = {c: _value(fiche, c) for c in COLUMNS}
    with write_transaction(db):
        db.execute(
            f"UPDATE plan_fiches SET {', '.join(f'{c} = ?' for c in values)}, "
            "updated_at = ? WHERE id = ?",
            [*values.values(), now(), fiche_id],
        )


def load_fiches(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    rows = db.execute(
        "SELECT * FROM plan_fiches WHERE diagnostic_id = ? ORDER BY id", [diagnostic_id]
    )
    return [row_to_fiche(r) for r in rows]


def get_fiche(db: sqlite_utils.Database, diagnostic_id: int, fiche_id: int):
    row = db.execute(
        "SELECT * FROM plan_fiches WHERE id = ? AND diagnostic_id = ?",
        [fiche_id, diagnostic_id],
    ).fetchone()
    return row_to_fiche(row) if row else None


def communes_text(db: sqlite_utils.Database, diagnostic_id: int) -> str:
    """The diagnostic's communes, to pre-fill the area of action."""
    names = [
        r[0]
        for r in db.execute(
            "SELECT c.name FROM diagnostic_communes dc JOIN communes c "
            "ON c.code = dc.commune_code WHERE dc.diagnostic_id = ? ORDER BY c.name",
            [diagnostic_id],
        )
    ]
    return ", ".join(names)


def blank_fiche(db: sqlite_utils.Database, diagnostic_id: int) -> dict[str, Any]:
    fiche = {c: JSON_DEFAULTS.get(c, "") for c in COLUMNS}
    fiche.update(
        human_count=None,
        starts_on=None,
        ends_on=None,
        area=communes_text(db, diagnostic_id),
    )
    fiche["years"] = fiche_years(fiche)
    return fiche


def prefill_publics(fiche: dict[str, Any], suggestions: list[dict]) -> None:
    """A new fiche's target publics: the age bands and genders the survey
    found most affected (`evidence.survey_publics`), ticked for the
    conseiller to keep or untick, and what they rest on in the details."""
    if any(fiche["publics"].get(k) for k in ("ages", "genders", "details")):
        return
    found = {(s["grouping"], s["group"]) for s in suggestions}
    ages = [band for code, band in AGE_FROM_GROUP.items() if ("age", code) in found]
    genders = [g for code, g in GENDER_FROM_GROUP.items() if ("genre", code) in found]
    if not ages and not genders:
        return
    lines = [s["text"] for s in suggestions][:4]
    fiche["publics"] = {
        "ages": ages,
        "genders": genders,
        "details": "Publics prioritaires du diagnostic : " + " ; ".join(lines),
    }


def fiche_from_chantier(db, diagnostic_id: int, chantier: dict) -> dict[str, Any]:
    """A new fiche pre-filled with what the chantier already says."""
    fiche = blank_fiche(db, diagnostic_id)
    fiche["title"] = chantier["title"]
    fiche["objective"] = chantier["description"]
    fiche["vigilance"] = "\n".join(
        f"{lever['obstacle']} → {lever['lever']}"
        if lever["lever"]
        else lever["obstacle"]
        for lever in chantier["levers"]
    )
    fiche["partners"] = [
        {"name": r["name"], "nature": r["note"]}
        for r in chantier["resources"]
        if r["kind"] == "partenaire"
    ]
    fiche["other_resources"] = "\n".join(
        r["name"] + (f" ({r['note']})" if r["note"] else "")
        for r in chantier["resources"]
        if r["kind"] != "partenaire"
    )
    fiche["evidence"] = [
        f"card:{c['card_id']}" for c in chantier["cards"] if c["card_id"]
    ]
    return fiche


def duplicate_fiche(db, diagnostic_id: int, fiche: dict, key: str) -> int:
    copy = {**fiche, "title": f"Copie de {fiche['title']}"[:200]}
    return create_fiche(db, diagnostic_id, copy, key, fiche.get("chantier_id"))


def delete_fiche(db: sqlite_utils.Database, fiche_id: int) -> None:
    with write_transaction(db):
        db.execute("DELETE FROM plan_fiches WHERE id = ?", [fiche_id])
