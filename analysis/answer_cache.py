"""Parsed answers of a survey, cached in the database and kept up to date.

Parsing the JSON of 100,000 responses takes several seconds; reading back a
pickled DataFrame takes a few hundredths. So `parsed_answers()` keeps the
parsed frame in `analysis_cache` (one row per survey) and on each call only
parses the responses that arrived since (ids above the cached maximum).

The cache is checked on every read, so it is never stale:
- new responses always get a larger id (SQLite's rowid), they are parsed
  and appended;
- a deleted response changes the number of rows with id <= the cached
  maximum; a re-used maximum id changes the idempotency key stored with
  it: either way the cache is rebuilt from scratch.
Besides, triggers (migrations.py) delete a survey's cache as soon as one of
its responses is deleted or its answers updated, so that an erased answer
does not linger in the cache. `invalidate(db, survey_id)` does the same by
hand. The cache is a pickle: it is only ever read from our own database.

The parsed frame depends only on the stored answers, never on the question
definitions, so editing a survey does not invalidate it. Its layout: index
`response_id`; meta columns `_submitted_at` (UTC datetime), `_point_id`,
`_mode`, `_version_id`; one column per scalar answer key (category for
codes, float for numbers, object for free texts); for list answers
(multiple choice) a column `KEY` with the number of codes chosen (NA when
not answered) and one nullable boolean column `KEY:code` per code seen.
"""

import json
import logging
import pickle
import sqlite3
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import sqlite_utils
from pandas.api.types import infer_dtype

from survey_app.dates import now
from survey_app.storage import write_transaction

log = logging.getLogger(__name__)

FORMAT = 1
# Below this many responses parsing is fast enough: no cache row is written.
CACHE_MIN_RESPONSES = 2000
# Rewrite the cache once this many new responses were parsed on the fly.
CACHE_MIN_NEW = 500
META = ["_submitted_at", "_point_id", "_mode", "_version_id"]
SELECT = (
    "SELECT id, submitted_at, point_id, mode, version_id, answers "
    "FROM responses WHERE survey_id = ? AND id > ? ORDER BY id"
)


def _parse_all(rows: list[tuple[Any, ...]]) -> list[Any]:
    """Every row's answers JSON, parsed in one call to the C decoder.

    One `json.loads` per row spent half its time in Python-level overhead;
    a corrupt row (counted as a response with no answers) falls back to
    parsing row by row.
    """
    try:
        return json.loads("[" + ",".join(row[5] for row in rows) + "]")
    except (TypeError, ValueError):
        parsed = []
        for row in rows:
            try:
                parsed.append(json.loads(row[5]))
            except (TypeError, ValueError):
                parsed.append({})
        return parsed


def parse_rows(rows: Iterable[tuple[Any, ...]]) -> pd.DataFrame:
    """Parse (id, submitted_at, point_id, mode, version_id, answers) rows."""
    rows = list(rows)
    ids = [row[0] for row in rows]
    meta = [row[1:5] for row in rows]
    records = [a if isinstance(a, dict) else {} for a in _parse_all(rows)]
    index = pd.Index(ids, name="response_id", dtype="int64")
    frame = pd.DataFrame(meta, index=index, columns=META)
    frame["_submitted_at"] = pd.to_datetime(
        frame["_submitted_at"], utc=True, errors="coerce", format="ISO8601"
    )
    frame["_point_id"] = frame["_point_id"].astype("Int64")
    frame["_mode"] = frame["_mode"].astype("category")
    frame["_version_id"] = frame["_version_id"].astype("Int64")
    if not records:
        return frame
    raw = pd.DataFrame.from_records(records, index=index)
    columns = {name: frame[name] for name in META}
    for key in raw.columns:
        columns.update(_typed(str(key), raw[key]))
    return pd.DataFrame(columns, index=index)


def _typed(key: str, values: pd.Series) -> dict[str, pd.Series]:
    """One answer key's raw values as typed column(s).

    infer_dtype runs in C: the per-value Python check for lists is only
    paid for columns that are not plainly strings or numbers.
    """
    present = values.dropna()
    if present.empty:
        return {key: pd.Series(pd.NA, index=values.index, dtype="object")}
    kind = infer_dtype(present, skipna=True)
    if kind in ("integer", "floating", "mixed-integer-float"):
        return {key: values.astype("float64")}
    if kind == "string":
        if present.nunique() <= max(50, len(present) // 20):
            return {key: values.astype("category")}
        return {key: values.astype("object")}
    if present.map(type).eq(list).any():
        return _multiple(key, values)
    return {key: values.astype("object")}


def _multiple(key: str, values: pd.Series) -> dict[str, Any]:
    """A count column and one nullable boolean column per code chosen.

    A scalar where a list was expected (older version) is a one-code list;
    explode() leaves it as it is.
    """
    answered = values.notna().to_numpy()
    positions = np.arange(len(values))
    exploded = pd.Series(values.to_numpy(dtype=object), index=positions)[answered]
    exploded = exploded.explode().dropna()
    rows = exploded.index.to_numpy(dtype=np.int64)
    chosen = np.bincount(rows, minlength=len(values))
    counts = pd.arrays.IntegerArray(chosen.astype("int16"), ~answered)
    columns: dict[str, Any] = {key: pd.Series(counts, index=values.index)}
    if not len(rows):
        return columns
    codes, uniques = pd.factorize(exploded.astype(str).to_numpy())
    flags = np.zeros((len(values), len(uniques)), dtype=bool)
    flags[rows, codes] = True
    for position, code in enumerate(uniques):
        data = pd.arrays.BooleanArray(flags[:, position], ~answered)
        columns[f"{key}:{code}"] = pd.Series(data, index=values.index)
    return columns


def append(cached: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Rows of `new` under `cached`, keeping categories and booleans typed."""
    if new.empty:
        return cached
    if cached.empty:
        return new
    for name in set(cached.columns) & set(new.columns):
        left, right = cached[name], new[name]
        if isinstance(left.dtype, pd.CategoricalDtype) and isinstance(
            right.dtype, pd.CategoricalDtype
        ):
            union = left.cat.categories.union(right.cat.categories, sort=False)
            cached[name] = left.cat.set_categories(union)
            new[name] = right.cat.set_categories(union)
        elif left.dtype != right.dtype:
            cached[name] = left.astype("object")
            new[name] = right.astype("object")
    return pd.concat([cached, new], axis=0, sort=False)


def parsed_answers(
    db: sqlite_utils.Database, survey_id: int, *, cache: bool = True
) -> pd.DataFrame:
    """Every response of a survey, parsed (layout in the module docstring).

    With `cache=False` everything is parsed again and nothing is written.
    Never raises because of the cache: a cache that cannot be read is
    rebuilt, one that cannot be written (database locked or read-only) is
    simply not saved.
    """
    cached, after = (_read_cache(db, survey_id) if cache else None), 0
    if cached is not None:
        after = int(cached.index.max()) if len(cached) else 0
    new = parse_rows(db.conn.execute(SELECT, [survey_id, after]))
    frame = append(cached, new) if cached is not None else new
    worth_it = len(frame) >= CACHE_MIN_RESPONSES and (
        cached is None or len(new) >= CACHE_MIN_NEW
    )
    if cache and worth_it:
        _write_cache(db, survey_id, frame)
    return frame


def invalidate(db: sqlite_utils.Database, survey_id: int) -> None:
    """Forget a survey's cached answers (call after editing answers)."""
    with write_transaction(db):
        db.execute("DELETE FROM analysis_cache WHERE survey_id = ?", [survey_id])


def _read_cache(db: sqlite_utils.Database, survey_id: int) -> pd.DataFrame | None:
    try:
        row = db.execute(
            "SELECT format, max_response_id, response_count, last_key, data "
            "FROM analysis_cache WHERE survey_id = ?",
            [survey_id],
        ).fetchone()
    except sqlite3.OperationalError:  # table missing: migrations not applied
        return None
    if row is None or row[0] != FORMAT:
        return None
    max_id, count, last_key = row[1], row[2], row[3]
    check = db.execute(
        "SELECT count(*), (SELECT idempotency_key FROM responses WHERE id = ?) "
        "FROM responses WHERE survey_id = ? AND id <= ?",
        [max_id, survey_id, max_id],
    ).fetchone()
    if (check[0], check[1]) != (count, last_key):
        return None
    try:
        frame = pickle.loads(row[4])
    except Exception:  # any unpickling problem (pandas upgrade...): rebuild
        log.warning("analysis cache of survey %s unreadable: rebuilt", survey_id)
        return None
    return frame if isinstance(frame, pd.DataFrame) else None


def _write_cache(
    db: sqlite_utils.Database, survey_id: int, frame: pd.DataFrame
) -> None:
    max_id = int(frame.index.max())
    data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        with write_transaction(db):
            last_key = db.execute(
                "SELECT idempotency_key FROM responses WHERE id = ?", [max_id]
            ).fetchone()
            if last_key is None:
                return  # deleted meanwhile: the next load rebuilds
            db.execute(
                "INSERT OR REPLACE INTO analysis_cache (survey_id, format, "
                "max_response_id, response_count, last_key, built_at, data) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [survey_id, FORMAT, max_id, len(frame), last_key[0], now(), data],
            )
    except sqlite3.Error as error:  # busy or read-only: serve uncached
        log.warning("analysis cache of survey %s not saved: %s", survey_id, error)
