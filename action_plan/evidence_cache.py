"""The figures a fiche may cite, kept between two openings of its form.

Summarising every question of every survey and rebuilding the territory's
portrait take seconds, and the fiche form lists them all. So each survey's
figures, and the portrait's, are kept in `plan_evidence_cache` with the
fingerprint of everything they are computed from (a survey: its title,
versions, and its answers' count and last id, read from the index; the
portrait: every row it reads). An erased or corrected answer deletes its
survey's row at once (triggers, migrations.py). A figure read from the
cache is the one a fresh computation would give.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

import sqlite_utils

from survey_app.db import now, write_transaction

# Bump when the wording or the rules of the figures change: old cache rows
# then no longer match.
CACHE_FORMAT = 3


def survey_fingerprint(db: sqlite_utils.Database, survey: Any) -> str:
    """What a survey's figures depend on, in one string."""
    answers = db.execute(
        "SELECT count(*), coalesce(max(id), 0) FROM responses WHERE survey_id = ?",
        [survey["id"]],
    ).fetchone()
    versions = db.execute(
        "SELECT count(*), coalesce(max(id), 0) FROM survey_versions "
        "WHERE survey_id = ?",
        [survey["id"]],
    ).fetchone()
    return json.dumps(
        [CACHE_FORMAT, survey["title"], survey["updated_at"], *versions, *answers]
    )


PORTRAIT_READS = (
    "SELECT c.code, c.name, c.population FROM diagnostic_communes dc JOIN "
    "communes c ON c.code = dc.commune_code WHERE dc.diagnostic_id = ? "
    "ORDER BY c.code",
    "SELECT f.commune_code, f.indicator, f.value, s.title, s.year, s.url "
    "FROM portrait_figures f JOIN portrait_sources s ON s.id = f.source_id "
    "WHERE f.diagnostic_id = ? ORDER BY f.rowid",
    "SELECT p.commune_code, p.sex, p.age_low, p.age_high, p.count, s.title, "
    "s.year, s.url FROM portrait_population p JOIN portrait_sources s "
    "ON s.id = p.source_id WHERE p.diagnostic_id = ? ORDER BY p.rowid",
)


def portrait_fingerprint(db: sqlite_utils.Database, diagnostic_id: int) -> str:
    """A digest of every row the portrait's figures are computed from
    (reading them costs milliseconds; computing the portrait, a second)."""
    digest = hashlib.sha256(str(CACHE_FORMAT).encode())
    for sql in PORTRAIT_READS:
        for row in db.execute(sql, [diagnostic_id]):
            digest.update(repr(tuple(row)).encode())
        digest.update(b"|")
    return digest.hexdigest()


def cached(
    db: sqlite_utils.Database,
    scope: str,
    owner: tuple[int, int | None],
    fingerprint: str,
    compute: Callable[[], Any],
) -> Any:
    """The stored value of `scope` ("survey:12", "portrait:3") if its
    fingerprint still matches, else `compute()`, stored for next time.
    `owner`: (diagnostic id, survey id or None), so that deleting either
    deletes the row."""
    row = db.execute(
        "SELECT fingerprint, items FROM plan_evidence_cache WHERE scope = ?",
        [scope],
    ).fetchone()
    if row is not None and row["fingerprint"] == fingerprint:
        return json.loads(row["items"])
    value = compute()
    with write_transaction(db):
        db.execute(
            "INSERT INTO plan_evidence_cache (scope, diagnostic_id, survey_id, "
            "fingerprint, items, built_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (scope) DO UPDATE SET fingerprint = excluded.fingerprint, "
            "items = excluded.items, built_at = excluded.built_at",
            [scope, *owner, fingerprint, json.dumps(value, ensure_ascii=False),
             now()],
        )  # fmt: skip
    return value
