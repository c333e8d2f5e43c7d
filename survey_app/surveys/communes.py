"""Which commune a resident meant, from what they typed (issue 8, A1-A2).

One rule for the public form, the kiosk's offline sync and the paper entry:
the diagnostic's territory first, then the whole country. A name (accents
and case ignored), a postcode or the start of a name that points to one
commune is accepted at once; otherwise the candidates are offered, the
territory's first, each with its postcode and département.
"""

import functools
import json
import os
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from flask import current_app

from ..settings import setting
from ..text import fold
from .answers import NOT_SAID

__all__ = ["NOT_SAID", "Match", "find_commune", "label", "survey_territory"]

CANDIDATES = 8
# A prefix shorter than this ("la", "sai") is never taken for a commune.
MIN_PREFIX = 4


@dataclass
class Match:
    """The commune found (`code`), or the communes it may be (`candidates`)."""

    code: str | None
    candidates: list[dict[str, Any]] = field(default_factory=list)


def survey_territory(db: sqlite_utils.Database, survey_id: int) -> set[str]:
    """INSEE codes of the communes of the survey's diagnostic."""
    rows = db.execute(
        "SELECT dc.commune_code FROM diagnostic_communes dc "
        "JOIN surveys s ON s.diagnostic_id = dc.diagnostic_id WHERE s.id = ?",
        [survey_id],
    )
    return {r[0] for r in rows}


def _folded(typed: str) -> str:
    folded = fold(typed)
    if folded.startswith("st "):
        folded = "saint " + folded[3:]
    elif folded.startswith("ste "):
        folded = "sainte " + folded[4:]
    return folded


def _rows(db: sqlite_utils.Database, sql: str, params: list) -> list[dict]:
    return [dict(r) for r in db.execute(sql, params)]


def _one(rows: list[dict], territory: AbstractSet[str]) -> str | None:
    """The only row of the territory, else the only row at all, else None."""
    local = [r for r in rows if r["code"] in territory]
    if len(local) == 1:
        return local[0]["code"]
    if not local and len(rows) == 1:
        return rows[0]["code"]
    return None


def _territory_first(rows: list[dict], territory: AbstractSet[str]) -> list[dict]:
    return sorted(rows, key=lambda r: r["code"] not in territory)


def find_commune(
    db: sqlite_utils.Database, typed: str, territory: AbstractSet[str] = frozenset()
) -> Match:
    """Resolve what a resident typed ("Landreci", "59530", "bavay")."""
    typed = typed.strip()[:100]
    if not typed:
        return Match(None)
    if typed.isdigit():
        rows = _rows(
            db,
            "SELECT c.* FROM commune_postcodes p JOIN communes c "
            "ON c.code = p.commune_code WHERE p.postcode LIKE ? || '%' "
            "GROUP BY c.code ORDER BY c.population DESC LIMIT 200",
            [typed[:5]],
        )
        code = _one(rows, territory) if len(typed) == 5 else None
        return Match(code, _territory_first(rows, territory)[:CANDIDATES])
    folded = _folded(typed)
    exact = _rows(db, "SELECT * FROM communes WHERE search_name = ?", [folded])
    if exact:
        code = _one(exact, territory)
        return Match(code, _territory_first(exact, territory)[:CANDIDATES])
    starting = _rows(
        db,
        "SELECT * FROM communes WHERE search_name LIKE ? || '%' "
        "ORDER BY population DESC LIMIT 200",
        [folded],
    )
    code = _one(starting, territory) if len(folded) >= MIN_PREFIX else None
    if not starting:
        starting = _rows(
            db,
            "SELECT * FROM communes WHERE search_name LIKE '% ' || ? || '%' "
            "ORDER BY population DESC LIMIT 50",
            [folded],
        )
    return Match(code, _territory_first(starting, territory)[:CANDIDATES])


@functools.cache
def _departement_names(data_dir: str) -> dict[str, str]:
    try:
        path = os.path.join(data_dir, "data", "departements.json")
        with open(path, encoding="utf-8") as f:
            return {d["code"]: d["nom"] for d in json.load(f)}
    except (OSError, ValueError, KeyError):
        return {}


def label(row: dict[str, Any]) -> str:
    """ "Bavay (59570, Nord)": postcode and département tell namesakes apart."""
    names = _departement_names(setting(current_app.config, "GEO_DATA_DIR"))
    where = [p for p in (row.get("postcodes") or "").split()[:1]]
    departement = row.get("departement")
    if departement:
        where.append(names.get(departement, f"département {departement}"))
    return f"{row['name']} ({', '.join(where)})" if where else row["name"]
