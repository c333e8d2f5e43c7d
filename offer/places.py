"""Import and export of places in the national schema (issue 11 §1).

`parse_places(data, communes)` is pure: bytes of a CSV in → valid rows of the
diagnostic's communes and a French error per bad line. `save_places` writes
them in one transaction, updating a place already imported with the same `id`.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction

from .schema import MULTI_VALUED, NUMBER_FIELDS, Schema, load_schema

SEPARATOR = "|"
SIRET = re.compile(r"^\d{14}$")
MAX_ERRORS_KEPT = 200  # beyond, a count: a page of 20,000 errors helps nobody


@dataclass
class ParsedPlaces:
    places: list[dict[str, str]] = field(default_factory=list)
    # (line, field, French reason) of the first MAX_ERRORS_KEPT problems
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    error_count: int = 0
    other_communes: int = 0  # valid rows outside the diagnostic's communes
    missing_columns: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, else Latin-1 (old spreadsheet exports)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def row_errors(row: dict[str, str], schema: Schema) -> list[tuple[str, str]]:
    """(field, French reason) for every rule of the schema the row breaks."""
    errors = [
        (name, "champ obligatoire vide")
        for name in sorted(schema.required)
        if not row.get(name)
    ]
    pivot = row.get("pivot", "")
    if pivot and not (SIRET.match(pivot) or schema.patterns["rna"].match(pivot)):
        errors.append(("pivot", "ni un SIRET (14 chiffres) ni un RNA (W + 9 signes)"))
    for name in ("code_postal", "code_insee", "commune"):
        value = row.get(name, "")
        if value and not schema.patterns[name].match(value):
            errors.append((name, f"valeur mal formée : « {value[:60]} »"))
    for name, bounds in zip(NUMBER_FIELDS, ((-90, 90), (-180, 180)), strict=True):
        if reason := _coordinate_error(row.get(name, ""), *bounds):
            errors.append((name, reason))
    for name, allowed in schema.enums.items():
        outside = [v for v in split(row.get(name, "")) if v not in allowed]
        if outside:
            errors.append((name, f"hors de la liste nationale : « {outside[0][:60]} »"))
    if row.get("date_maj") and not _is_date(row["date_maj"][:10]):
        errors.append(("date_maj", "date attendue au format AAAA-MM-JJ"))
    return errors


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _coordinate_error(value: str, low: float, high: float) -> str | None:
    """Why a latitude or longitude is refused, or None (empty is allowed)."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return f"nombre attendu (ex. 45.76) : « {value[:30]} »"
    if not low <= number <= high:
        return f"hors des bornes {low} à {high} : {value}"
    return None


def split(value: str) -> list[str]:
    return [v.strip() for v in value.split(SEPARATOR) if v.strip()]


def parse_places(data: bytes, communes: set[str]) -> ParsedPlaces:
    """Rows of the diagnostic's communes (by `code_insee`, else `code_postal`
    is not enough: communes share postcodes) checked against the schema."""
    schema = load_schema()
    result = ParsedPlaces()
    reader = csv.DictReader(io.StringIO(decode(data), newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    result.missing_columns = sorted(schema.required - set(columns))
    if result.missing_columns:
        return result
    for row in reader:
        line = reader.line_num  # the physical line where the row ends
        clean = {k: (v or "").strip() for k, v in row.items() if k in schema.fields}
        if clean.get("code_insee") not in communes:
            result.other_communes += 1
            continue
        if problems := row_errors(clean, schema):
            result.error_count += 1
            if len(result.errors) < MAX_ERRORS_KEPT:
                result.errors += [(line, f, r) for f, r in problems]
            continue
        for name in MULTI_VALUED:
            if name in clean:
                clean[name] = SEPARATOR.join(split(clean[name]))
        result.places.append(clean)
    return result


def save_places(
    db: sqlite_utils.Database, diagnostic_id: int, places: list[dict[str, str]]
) -> tuple[int, int]:
    """Insert or update by `id`, all or nothing. Return (added, updated)."""
    stamp = now()
    with write_transaction(db):
        known = {
            r[0]
            for r in db.execute(
                "SELECT place_id FROM offer_places WHERE diagnostic_id = ?",
                [diagnostic_id],
            )
        }
        db.conn.executemany(
            "INSERT INTO offer_places (diagnostic_id, place_id, code_insee, data, "
            "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (diagnostic_id, place_id) "
            "DO UPDATE SET code_insee = excluded.code_insee, data = excluded.data, "
            "updated_at = excluded.updated_at",
            [
                (
                    diagnostic_id,
                    p["id"],
                    p["code_insee"],
                    json.dumps(p, ensure_ascii=False),
                    stamp,
                )
                for p in places
            ],
        )
    ids = {p["id"] for p in places}
    return len(ids - known), len(ids & known)


def load_places(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict[str, Any]]:
    return [
        json.loads(r[0])
        for r in db.execute(
            "SELECT data FROM offer_places WHERE diagnostic_id = ? ORDER BY place_id",
            [diagnostic_id],
        )
    ]


def export_csv(places: list[dict[str, Any]]) -> str:
    """The places in the schema's columns and order, UTF-8, comma, `|` lists."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=load_schema().fields,
        extrasaction="ignore",
        lineterminator="\r\n",
    )
    writer.writeheader()
    writer.writerows(places)
    return out.getvalue()
