"""Indicators of the fiches action and their hand-entered measures: reading
the forms, storing, loading. No Flask: forms are any mapping with `get` and
`getlist`; errors are French sentences and nothing is stored when there is
one. Creations carry the form's idempotency key (a double tap stores once).
"""

import json
import math
from datetime import date
from typing import Any

import sqlite_utils

from action_plan.fiches import parse_date
from diagnostic.indicators import INDICATORS
from survey_app.db import now, write_transaction

FREQUENCIES = {
    "": "Non précisée",
    "mensuelle": "Tous les mois",
    "trimestrielle": "Tous les trois mois",
    "semestrielle": "Tous les six mois",
    "annuelle": "Tous les ans",
}
SOURCE_KINDS = {
    "manual": "Comptage tenu par l'équipe (saisi à la main)",
    "survey": "Question d'enquête : part des répondants qui choisissent "
    "certaines réponses",
    "portrait": "Chiffre du portrait du territoire",
}
CHOICE_QUESTION_TYPES = ("single", "multiple", "scale")
MAX_NUMBER = 1e12
COLUMNS = [
    "fiche_id", "name", "unit", "baseline_value", "baseline_on", "target_value",
    "target_on", "frequency", "source_kind", "question_key", "choices",
    "portrait_indicator", "source_note",
]  # fmt: skip


def parse_number(text: str | None) -> float | None:
    """'1 234,5' or '12.5' → float; None when empty.
    :raise ValueError: with a French message, anything else."""
    raw = (text or "").strip().replace("\u202f", "").replace("\u00a0", "")
    raw = raw.replace(" ", "").replace(",", ".").replace("−", "-").removesuffix("%")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"« {text} » n'est pas un nombre (exemple : 12,5).") from None
    if not math.isfinite(value) or abs(value) >= MAX_NUMBER:
        raise ValueError(f"« {text} » n'est pas un nombre utilisable.")
    return value


def _text(form, name: str, limit: int) -> str:
    return (form.get(name) or "").replace("\r\n", "\n").strip()[:limit]


def survey_questions(db: sqlite_utils.Database, diagnostic_id: int) -> dict[str, dict]:
    """Choice questions of the diagnostic's surveys (latest version of each),
    by key: {text, type, choices: {code: label}} — the first survey's
    wording when several ask the same key."""
    questions: dict[str, dict] = {}
    rows = db.execute(
        """SELECT v.questions FROM survey_versions v JOIN surveys s
           ON s.id = v.survey_id WHERE s.diagnostic_id = ? AND v.number =
           (SELECT max(number) FROM survey_versions WHERE survey_id = s.id)
           ORDER BY s.id""",
        [diagnostic_id],
    )
    for (raw,) in rows:
        for q in json.loads(raw or "[]"):
            if q.get("type") not in CHOICE_QUESTION_TYPES or q["key"] in questions:
                continue
            questions[q["key"]] = {
                "text": q.get("text", q["key"]),
                "type": q["type"],
                "choices": {c["code"]: c["label"] for c in q.get("choices", [])},
            }
    return questions


def _dated(form, prefix: str, label: str, errors: list[str]):
    value, on = None, None
    try:
        value = parse_number(form.get(f"{prefix}_value"))
    except ValueError as error:
        errors.append(f"{label} : {error}")
    try:
        day = parse_date(form.get(f"{prefix}_on"))
        if day and not 1990 <= day.year <= 2200:
            raise ValueError(day)
        on = day.isoformat() if day else None
    except (ValueError, TypeError):
        errors.append(f"{label} : date illisible (exemple : 15/03/2027).")
    return value, on


def read_form(
    form, fiche_ids: list[int], questions: dict[str, dict]
) -> tuple[dict[str, Any], list[str]]:
    """The indicator as plain data from the posted form, and French errors."""
    errors: list[str] = []
    item: dict[str, Any] = {
        "name": _text(form, "name", 200),
        "unit": _text(form, "unit", 60),
        "source_note": _text(form, "source_note", 500),
        "frequency": _text(form, "frequency", 20),
        "source_kind": _text(form, "source_kind", 20) or "manual",
        "question_key": "",
        "choices": [],
        "portrait_indicator": "",
    }
    raw_fiche = _text(form, "fiche_id", 12)
    item["fiche_id"] = int(raw_fiche) if raw_fiche.isdigit() else None
    if item["fiche_id"] not in fiche_ids:
        errors.append("Choisissez la fiche action que l'indicateur mesure.")
    if not item["name"]:
        errors.append("Donnez un nom à l'indicateur.")
    if item["frequency"] not in FREQUENCIES:
        errors.append("Fréquence de mesure inconnue.")
    item["baseline_value"], item["baseline_on"] = _dated(
        form, "baseline", "Valeur de départ", errors
    )
    item["target_value"], item["target_on"] = _dated(form, "target", "Cible", errors)
    _check_pairs(item, errors)
    _read_source(form, item, questions, errors)
    return item, errors


def _check_pairs(item: dict[str, Any], errors: list[str]) -> None:
    """A value goes with its date; the target comes after the start."""
    for label, prefix in (("Valeur de départ", "baseline"), ("Cible", "target")):
        if (item[f"{prefix}_value"] is None) != (item[f"{prefix}_on"] is None):
            if not any(e.startswith(label) for e in errors):
                errors.append(f"{label} : indiquez la valeur et sa date, ou aucune.")
    start, end = item["baseline_on"], item["target_on"]
    if start and end and end <= start:
        errors.append("La date de la cible doit venir après celle du départ.")


def _read_source(form, item: dict[str, Any], questions: dict, errors: list[str]):
    """The survey question and answers, or the portrait figure, into `item`."""
    kind = item["source_kind"]
    if kind == "survey":
        picked = [a.split(":", 1) for a in form.getlist("answers") if ":" in a]
        keys = {k for k, _ in picked}
        if len(keys) != 1 or next(iter(keys)) not in questions:
            errors.append(
                "Source enquête : cochez une ou plusieurs réponses d'une seule "
                "question."
            )
        else:
            key = next(iter(keys))
            codes = list(dict.fromkeys(c for _, c in picked))
            if any(c not in questions[key]["choices"] for c in codes):
                errors.append("Source enquête : réponse inconnue.")
            item.update(question_key=key, choices=codes)
            item["unit"] = item["unit"] or "% des répondants"
    elif kind == "portrait":
        code = _text(form, "portrait_indicator", 60)
        if code not in INDICATORS:
            errors.append("Source portrait : choisissez un chiffre du portrait.")
        else:
            item["portrait_indicator"] = code
            item["unit"] = item["unit"] or INDICATORS[code].unit
    elif kind != "manual":
        errors.append("Source de l'indicateur inconnue.")


def _values(item: dict[str, Any]) -> list[Any]:
    return [
        json.dumps(item[c], ensure_ascii=False) if c == "choices" else item.get(c)
        for c in COLUMNS
    ]


def _stored(db: sqlite_utils.Database, table: str, key: str | None) -> int | None:
    """The row already stored with this idempotency key (a double tap)."""
    if not key:
        return None
    row = db.execute(f"SELECT id FROM {table} WHERE client_key = ?", [key]).fetchone()
    return row[0] if row else None


def create_indicator(
    db: sqlite_utils.Database, diagnostic_id: int, item: dict[str, Any], key: str | None
) -> int:
    """Store a new indicator; a second call with the same key returns the first."""
    with write_transaction(db):
        found = _stored(db, "evaluation_indicators", key)
        if found:
            return found
        stamp = now()
        names = ["diagnostic_id", "client_key", "created_at", "updated_at", *COLUMNS]
        return db.execute(  # type: ignore[return-value]
            f"INSERT INTO evaluation_indicators ({', '.join(names)}) "
            f"VALUES ({', '.join('?' * len(names))})",
            [diagnostic_id, key, stamp, stamp, *_values(item)],
        ).lastrowid


def update_indicator(
    db: sqlite_utils.Database, indicator_id: int, item: dict[str, Any]
) -> None:
    with write_transaction(db):
        db.execute(
            f"UPDATE evaluation_indicators SET {', '.join(f'{c} = ?' for c in COLUMNS)}"
            ", updated_at = ? WHERE id = ?",
            [*_values(item), now(), indicator_id],
        )


def delete_indicator(db: sqlite_utils.Database, indicator_id: int) -> None:
    with write_transaction(db):
        db.execute("DELETE FROM evaluation_indicators WHERE id = ?", [indicator_id])


def _row(row: Any) -> dict[str, Any]:
    item = dict(row)
    item["choices"] = json.loads(item["choices"] or "[]")
    return item


def load_indicators(
    db: sqlite_utils.Database, diagnostic_id: int, fiche_id: int | None = None
) -> list[dict[str, Any]]:
    """The diagnostic's indicators (of one fiche if given), with their
    fiche's title, in the fiches' order."""
    sql = """SELECT i.*, f.title AS fiche_title FROM evaluation_indicators i
             JOIN plan_fiches f ON f.id = i.fiche_id WHERE i.diagnostic_id = ?"""
    params: list[Any] = [diagnostic_id]
    if fiche_id is not None:
        sql += " AND i.fiche_id = ?"
        params.append(fiche_id)
    return [_row(r) for r in db.execute(sql + " ORDER BY f.id, i.id", params)]


def get_indicator(
    db: sqlite_utils.Database, diagnostic_id: int, indicator_id: int
) -> dict[str, Any] | None:
    row = db.execute(
        """SELECT i.*, f.title AS fiche_title FROM evaluation_indicators i
           JOIN plan_fiches f ON f.id = i.fiche_id
           WHERE i.id = ? AND i.diagnostic_id = ?""",
        [indicator_id, diagnostic_id],
    ).fetchone()
    return _row(row) if row else None


def fiche_choices(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    """The diagnostic's fiches action (id, title), for the form."""
    return [
        dict(r)
        for r in db.execute(
            "SELECT id, title FROM plan_fiches WHERE diagnostic_id = ? ORDER BY id",
            [diagnostic_id],
        )
    ]


def read_measure(form) -> tuple[dict[str, Any], list[str]]:
    """A hand-entered measure (date, value, source) and French errors."""
    errors: list[str] = []
    measure: dict[str, Any] = {"source": _text(form, "source", 300)}
    try:
        measure["value"] = parse_number(form.get("value"))
        if measure["value"] is None:
            errors.append("Indiquez la valeur mesurée.")
    except ValueError as error:
        errors.append(f"Valeur : {error}")
    try:
        day = parse_date(form.get("measured_on"))
    except (ValueError, TypeError):
        day = None
        errors.append("Date de la mesure illisible (exemple : 15/03/2027).")
    else:
        if day is None:
            errors.append("Indiquez la date de la mesure.")
        elif day.year < 1990 or day > date(2200, 1, 1):
            errors.append("Date de la mesure hors de portée.")
    measure["measured_on"] = day.isoformat() if day else None
    if not measure["source"]:
        errors.append("Indiquez la source de la mesure (qui a compté, comment).")
    return measure, errors


def add_measure(
    db: sqlite_utils.Database, indicator_id: int, measure: dict, key: str | None
) -> int:
    """Store a hand-entered measure; the same key stores it once."""
    with write_transaction(db):
        found = _stored(db, "evaluation_measures", key)
        if found:
            return found
        return db.execute(  # type: ignore[return-value]
            "INSERT INTO evaluation_measures (indicator_id, client_key, measured_on, "
            "value, source, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [indicator_id, key, measure["measured_on"], measure["value"],
             measure["source"], now()],
        ).lastrowid  # fmt: skip


def delete_measure(
    db: sqlite_utils.Database, indicator_id: int, measure_id: int
) -> bool:
    """Delete a hand-entered measure of this indicator; False if none."""
    with write_transaction(db):
        return (
            db.execute(
                "DELETE FROM evaluation_measures WHERE id = ? AND indicator_id = ?",
                [measure_id, indicator_id],
            ).rowcount
            > 0
        )


def fiche_indicator_names(
    db: sqlite_utils.Database, diagnostic_id: int, fiche_id: int
) -> list[dict[str, str]]:
    """A fiche's indicators as annex 2 lists them (name, unit), for the
    fiche's exports and the plan part of the document."""
    return [
        {"name": i["name"], "unit": i["unit"]}
        for i in load_indicators(db, diagnostic_id, fiche_id)
    ]
