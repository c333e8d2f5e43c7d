"""Survey waves read from the database: their aggregates, their comparison,
and what the retention purge keeps (issue 12 §3–4).

A wave's figures come from its raw answers (re-weighted to the diagnostic's
margins, the same margins for every wave: diagnostic.margins) or, once the
retention purge has deleted them, from the aggregates kept just before
(`survey_wave_aggregates`). Either way they are analysis.waves aggregates,
small cells already hidden, so the comparison and the indicators read one
shape whatever the source.

    comparison = compare(db, survey_id)          # this wave vs the previous
    share_for(db, survey_id, "EQ_MOBILE", ["aucun"])   # for indicators
"""

import dataclasses
import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import sqlite_utils

from analysis.frames import load_survey
from analysis.population_weights import with_population_weights
from analysis.stats import MIN_COUNT, wilson
from analysis.waves import (
    AGGREGATE_COLUMNS,
    compare_waves,
    share_from_aggregates,
    wave_aggregates,
)
from diagnostic.margins import diagnostic_margins, reweighted
from survey_app.db import now, write_transaction
from survey_app.surveys.waves import wave_chain


@dataclass
class WaveFigures:
    """One wave's aggregates and what they rest on."""

    survey: dict[str, Any]
    table: pd.DataFrame  # analysis.waves.AGGREGATE_COLUMNS
    responses: int
    weighted: bool
    n_effective: float | None = None
    weighting: str = ""  # the margins' variables, in French
    kept_at: str | None = None  # set when read from the kept aggregates
    error: str = ""  # why re-weighting failed, if it did


@dataclass
class Comparison:
    before: WaveFigures
    after: WaveFigures
    table: pd.DataFrame  # analysis.waves.COMPARISON_COLUMNS
    weighted: bool = False  # both waves re-weighted to the same margins
    notes: list[str] = field(default_factory=list)


# Recent waves' figures, per process: a closed wave does not change, and the
# page is opened again and again in a meeting. The key holds everything the
# figures depend on (answers, questions, margins), so a change misses it.
_RECENT: OrderedDict[tuple, "WaveFigures"] = OrderedDict()
RECENT_SIZE = 16


def _state(db: sqlite_utils.Database, survey_id: int, margins: pd.DataFrame) -> tuple:
    answers = db.execute(
        "SELECT count(*), max(id) FROM responses WHERE survey_id = ?", [survey_id]
    ).fetchone()
    survey = db.execute(
        "SELECT updated_at, (SELECT max(id) FROM survey_versions WHERE survey_id = "
        "s.id) FROM surveys s WHERE id = ?",
        [survey_id],
    ).fetchone()
    digest = hashlib.sha256(margins.to_csv(index=False).encode()).hexdigest()
    path = getattr(db, "path", None) or id(db.conn)
    return (path, survey_id, *answers, *survey, digest)


def live_figures(
    db: sqlite_utils.Database,
    survey: dict[str, Any],
    margins: pd.DataFrame | None = None,
) -> WaveFigures:
    """A wave's aggregates from its raw answers, re-weighted when possible
    (to `margins`, by default the diagnostic's: diagnostic.margins)."""
    if margins is None:
        margins = diagnostic_margins(db, survey["diagnostic_id"])
    key = _state(db, survey["id"], margins)
    if key in _RECENT:
        _RECENT.move_to_end(key)
        return dataclasses.replace(_RECENT[key], survey=survey)
    figures = _live_figures(db, survey, margins)
    _RECENT[key] = figures
    while len(_RECENT) > RECENT_SIZE:
        _RECENT.popitem(last=False)
    return figures


def _live_figures(
    db: sqlite_utils.Database, survey: dict[str, Any], margins: pd.DataFrame
) -> WaveFigures:
    frames, weighting = with_population_weights(load_survey(db, survey["id"]), margins)
    return WaveFigures(
        survey=survey,
        table=wave_aggregates(frames, weighting.applied),
        responses=len(frames.wide),
        weighted=weighting.applied,
        n_effective=weighting.n_effective,
        weighting=", ".join(weighting.variables) if weighting.applied else "",
        error=weighting.error,
    )


def kept_figures(
    db: sqlite_utils.Database, survey: dict[str, Any]
) -> WaveFigures | None:
    """The aggregates kept before the purge, or None if none were."""
    rows = db.execute(
        "SELECT * FROM survey_wave_aggregates WHERE survey_id = ? ORDER BY id",
        [survey["id"]],
    ).fetchall()
    if not rows:
        return None
    table = pd.DataFrame([dict(r) for r in rows])
    table["hidden"] = table["hidden"].astype(bool)
    table["primary"] = table["primary"].astype(bool)
    for column in ("count", "w_share", "n_eff"):
        table[column] = pd.to_numeric(table[column]).astype(float)
    weighted = bool(rows[0]["weighting"])
    return WaveFigures(
        survey=survey,
        table=table[AGGREGATE_COLUMNS],
        responses=rows[0]["responses"],
        weighted=weighted,
        weighting=rows[0]["weighting"],
        kept_at=rows[0]["kept_at"],
    )


def wave_figures(
    db: sqlite_utils.Database,
    survey: dict[str, Any],
    margins: pd.DataFrame | None = None,
) -> WaveFigures:
    """Kept aggregates if the purge has started on this wave, else live ones.

    Kept ones describe the whole wave as it was before any of its answers
    were deleted; the raw answers left afterwards are only part of it.
    """
    return kept_figures(db, survey) or live_figures(db, survey, margins)


def keep_aggregates(db: sqlite_utils.Database, survey_id: int) -> bool:
    """Store a wave's aggregates (once) before its answers are purged.

    Returns True when stored now, False when already kept or no answer.
    """
    survey = _survey(db, survey_id)
    if kept_figures(db, survey) is not None:
        return False
    figures = live_figures(db, survey)
    if not figures.responses or figures.table.empty:
        return False
    stamp = now()
    rows = figures.table.replace({np.nan: None}).to_dict("records")
    with write_transaction(db):
        for row in rows:
            db.execute(
                """INSERT OR IGNORE INTO survey_wave_aggregates (survey_id, kept_at,
                   responses, weighting, question_key, question_text, question_type,
                   choices, choice_code, choice_label, count, base, w_share, n_eff,
                   hidden, "primary") VALUES
                   (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [survey_id, stamp, figures.responses, figures.weighting,
                 row["question_key"], row["question_text"], row["question_type"],
                 row["choices"], row["choice_code"], row["choice_label"],
                 None if row["count"] is None else int(row["count"]), row["base"],
                 row["w_share"], row["n_eff"], int(row["hidden"]),
                 int(row["primary"])],
            )  # fmt: skip
    return True


def _survey(db: sqlite_utils.Database, survey_id: int) -> dict[str, Any]:
    row = db.execute("SELECT * FROM surveys WHERE id = ?", [survey_id]).fetchone()
    if row is None:
        raise KeyError(f"enquête {survey_id} introuvable")
    return dict(row)


def previous_wave(db: sqlite_utils.Database, survey: dict[str, Any]) -> dict | None:
    if not survey.get("previous_survey_id"):
        return None
    row = db.execute(
        "SELECT * FROM surveys WHERE id = ?", [survey["previous_survey_id"]]
    ).fetchone()
    return dict(row) if row else None


def compare(db: sqlite_utils.Database, survey_id: int) -> Comparison | None:
    """This wave against the one before it; None for a first wave."""
    survey = _survey(db, survey_id)
    earlier = previous_wave(db, survey)
    if earlier is None:
        return None
    # The same margins for both waves, read once (the portrait's are costly).
    margins = diagnostic_margins(db, survey["diagnostic_id"])
    before = wave_figures(db, earlier, margins)
    after = wave_figures(db, survey, margins)
    table = compare_waves(before.table, after.table)
    weighted = before.weighted and after.weighted
    notes = []
    if not weighted:
        table.loc[:, [c for c in table.columns if c.startswith("w_")]] = np.nan
        notes.append(
            "Comparaison redressée indisponible : les deux vagues doivent être "
            "redressées sur les mêmes marges (portrait du territoire ou marges "
            "saisies)."
        )
    if before.weighting != after.weighting and weighted:
        notes.append(
            f"Attention : vague {earlier['wave_number']} redressée sur "
            f"{before.weighting}, vague {survey['wave_number']} sur "
            f"{after.weighting}."
        )
    return Comparison(before, after, table, weighted, notes)


def diagnostic_comparisons(
    db: sqlite_utils.Database, diagnostic_id: int
) -> list[Comparison]:
    """Every wave of the diagnostic compared with the one before it."""
    rows = db.execute(
        "SELECT id FROM surveys WHERE diagnostic_id = ? AND previous_survey_id "
        "IS NOT NULL ORDER BY wave_number, id",
        [diagnostic_id],
    ).fetchall()
    found = [compare(db, r["id"]) for r in rows]
    return [c for c in found if c is not None]


def share_for(
    db: sqlite_utils.Database,
    survey_id: int,
    question_key: str,
    choice_values: list[str],
) -> dict[str, Any]:
    """A wave's share of people who answered `question_key` with one of
    `choice_values` (choice codes), for indicators computed from surveys.

    Returns a dict: value (% 0-100, None when it cannot be given), count,
    base (people who answered the question), ci_low, ci_high (95 %
    Wilson), w_value, w_ci_low, w_ci_high and n_eff (re-weighted, None
    when the wave is not), source ("réponses" or "agrégats conservés"),
    kept_at (ISO stamp when from kept aggregates), reason (French, why
    value is None: small cell hidden, question absent...). From raw answers
    a multiple-choice question's several codes count people who ticked at
    least one; small counts (1 to 4, or all but 1 to 4) are hidden.
    """
    survey, codes = _survey(db, survey_id), [str(c) for c in choice_values]
    kept = kept_figures(db, survey)
    if kept is not None:
        result = share_from_aggregates(kept.table, question_key, codes)
        result.update(source="agrégats conservés", kept_at=kept.kept_at)
    else:
        result = _share_from_answers(db, survey, question_key, codes)
        result.update(source="réponses", kept_at=None)
    return _with_intervals(result)


def _share_from_answers(db, survey, key: str, codes: list[str]) -> dict[str, Any]:
    frames, weighting = reweighted(db, load_survey(db, survey["id"]))
    empty: dict[str, Any] = {"value": None, "count": None, "base": None,
                             "w_value": None, "n_eff": None, "reason": ""}  # fmt: skip
    if key not in frames.questions.index:
        return {**empty, "reason": "Question absente de cette vague."}
    answered = frames.answered(key).to_numpy()
    if frames.questions.at[key, "type"] == "multiple":
        columns = [f"{key}:{c}" for c in codes if f"{key}:{c}" in frames.wide]
        hit = np.zeros(len(frames.wide), dtype=bool)
        for column in columns:
            hit |= frames.wide[column].to_numpy(dtype=bool, na_value=False)
    else:
        hit = frames.wide[key].astype("object").isin(codes).to_numpy()
    hit = hit & answered
    base, count = int(answered.sum()), int(hit.sum())
    result: dict[str, Any] = {**empty, "base": base}
    if not base:
        return {**result, "reason": "Personne n'a répondu à cette question."}
    if 0 < count < MIN_COUNT or 0 < base - count < MIN_COUNT:
        return {**result, "reason": "Petit effectif masqué."}
    result.update(count=count, value=count / base * 100)
    if weighting.applied:
        weights = frames.wide["weight"].to_numpy(dtype=float)
        w = weights[answered]
        result.update(
            w_value=float(weights[hit].sum() / w.sum() * 100),
            n_eff=float(w.sum() ** 2 / (w**2).sum()),
        )
    return result


def _with_intervals(result: dict[str, Any]) -> dict[str, Any]:
    result.update(ci_low=None, ci_high=None, w_ci_low=None, w_ci_high=None)
    if result["value"] is not None:
        low, high = wilson(result["count"], result["base"])
        result.update(ci_low=float(low), ci_high=float(high))
    if result.get("w_value") is not None and result.get("n_eff"):
        n_eff = result["n_eff"]
        low, high = wilson(result["w_value"] / 100 * n_eff, n_eff)
        result.update(w_ci_low=float(low), w_ci_high=float(high))
    return result


__all__ = [
    "Comparison",
    "WaveFigures",
    "compare",
    "diagnostic_comparisons",
    "keep_aggregates",
    "share_for",
    "wave_chain",
    "wave_figures",
]
