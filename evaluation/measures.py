"""The measured values of an indicator: by hand, from each survey, from the
portrait. No Flask: a sqlite-utils Database in, plain data out.

Survey and portrait values are not stored: they are computed when shown,
from the answers and figures of the day, so they follow new answers and
corrections. `survey_share` is the one place that reads a survey's answers
for an indicator (the survey waves of issue 12 §3 can replace it).
"""

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import sqlite_utils

from action_plan.evidence_cache import cached, survey_fingerprint
from analysis.frames import SurveyFrames, load_survey
from analysis.stats import MIN_COUNT
from diagnostic.portrait import load_portrait
from survey_app.dates import french_date

from .progress import Point


@dataclass(frozen=True)
class SurveyShare:
    """Share of a survey's respondents choosing some answers of a question.

    `percent` is None when it would show a small cell: fewer than MIN_COUNT
    people answered, or fewer than MIN_COUNT chose (or did not choose) the
    answers (the count could be recomputed from the share)."""

    survey_id: int
    respondents: int  # people who answered the question
    percent: float | None
    first_day: date
    last_day: date
    kept_at: str | None = None  # from the aggregates kept before the purge
    reason: str = ""  # why `percent` is None, when it is not a small cell


@dataclass(frozen=True)
class Measure:
    on: date
    value: float | None  # None: hidden (small cell)
    source: str
    kind: str  # manual | survey | portrait
    id: int | None = None  # manual measures only (to delete them)
    note: str = ""  # why a value is hidden


def share_in(frames: SurveyFrames, key: str, codes: list[str]) -> SurveyShare | None:
    """`survey_share` on loaded frames; None when the survey has no such
    question or nobody answered it."""
    if key not in frames.questions.index or not codes:
        return None
    answered = frames.answered(key)
    respondents = int(answered.sum())
    if not respondents:
        return None
    wide = frames.wide
    if frames.questions.at[key, "type"] == "multiple":
        columns = [f"{key}:{c}" for c in codes if f"{key}:{c}" in wide.columns]
        if columns:
            picked = wide[columns].fillna(False).astype(bool).any(axis=1)
        else:
            picked = pd.Series(False, index=wide.index)
    else:
        picked = wide[key].astype("object").isin(codes)
    chose = int((picked & answered).sum())
    days = wide.loc[answered, "day"]
    small = respondents < MIN_COUNT or 0 < chose < MIN_COUNT
    small = small or 0 < respondents - chose < MIN_COUNT
    return SurveyShare(
        survey_id=int(frames.survey["id"]),
        respondents=respondents,
        percent=None if small else 100 * chose / respondents,
        first_day=days.min().date(),
        last_day=days.max().date(),
    )


def survey_share(
    db: sqlite_utils.Database, survey_id: int, question_key: str, choice_values
) -> SurveyShare | None:
    """Share (%) of the people who answered `question_key` in the survey who
    chose one of `choice_values` (raw, unweighted), with the collection
    period; None when the survey does not ask it or nobody answered.

    Once the retention purge has deleted the answers, the share comes from
    the aggregates kept for wave comparisons (issue 12 §4): the baseline of
    an indicator outlives the answers it was measured on."""
    codes = [str(c) for c in choice_values]
    survey = db.execute("SELECT * FROM surveys WHERE id = ?", [survey_id]).fetchone()
    if survey is None:
        raise KeyError(f"enquête {survey_id} introuvable")
    # Loading a survey's answers takes most of a second, and the steps page,
    # the dashboard and the document each ask for every survey indicator:
    # the share is kept with the fingerprint of the answers it was computed
    # from, like the fiche form's figures (an erased answer drops it at once).
    stored = cached(
        db,
        f"indicator:{survey_id}:{question_key}:{'|'.join(sorted(codes))}",
        (survey["diagnostic_id"], survey_id),
        survey_fingerprint(db, survey),
        lambda: _as_stored(_computed_share(db, survey_id, question_key, codes)),
    )
    return None if stored is None else _from_stored(stored)


def _computed_share(
    db: sqlite_utils.Database, survey_id: int, key: str, codes: list[str]
) -> SurveyShare | None:
    share = share_in(load_survey(db, survey_id), key, codes)
    if share is not None:
        return share
    return _kept_share(db, survey_id, key, codes)


def _as_stored(share: SurveyShare | None) -> dict[str, Any] | None:
    if share is None:
        return None
    stored = dataclasses.asdict(share)
    stored["first_day"] = share.first_day.isoformat()
    stored["last_day"] = share.last_day.isoformat()
    return stored


def _from_stored(stored: dict[str, Any]) -> SurveyShare:
    return SurveyShare(
        **{
            **stored,
            "first_day": date.fromisoformat(stored["first_day"]),
            "last_day": date.fromisoformat(stored["last_day"]),
        }
    )


def _kept_share(
    db: sqlite_utils.Database, survey_id: int, key: str, codes: list[str]
) -> SurveyShare | None:
    from .waves import kept_figures, share_for

    row = db.execute("SELECT * FROM surveys WHERE id = ?", [survey_id]).fetchone()
    if row is None or kept_figures(db, dict(row)) is None:
        return None
    found = share_for(db, survey_id, key, codes)
    if not found.get("base"):
        return None
    survey = dict(row)
    first = survey.get("opens_on") or survey["created_at"]
    last = survey.get("closes_on") or survey.get("closed_at") or survey["updated_at"]
    return SurveyShare(
        survey_id=survey_id,
        respondents=int(found["base"]),
        percent=found["value"],
        first_day=date.fromisoformat(first[:10]),
        last_day=date.fromisoformat(last[:10]),
        kept_at=found.get("kept_at"),
        reason=found.get("reason") or "",
    )


def diagnostic_surveys(db: sqlite_utils.Database, diagnostic_id: int) -> list[dict]:
    return [
        dict(r)
        for r in db.execute(
            "SELECT id, title FROM surveys WHERE diagnostic_id = ? ORDER BY id",
            [diagnostic_id],
        )
    ]


def survey_measures(
    db: sqlite_utils.Database, indicator: dict[str, Any], surveys: list[dict]
) -> list[Measure]:
    """One measure per survey of the diagnostic that asked the question,
    dated by the last day of its collection."""
    measures = []
    for survey in surveys:
        share = survey_share(
            db, survey["id"], indicator["question_key"], indicator["choices"]
        )
        if share is None:
            continue
        period = f"du {french_date(share.first_day)} au {french_date(share.last_day)}"
        basis = "part brute"
        if share.kept_at:
            basis += f", chiffres conservés le {french_date(share.kept_at)}"
        source = (
            f"Enquête « {survey['title']} », {period} : "
            f"{share.respondents} répondant(s) à la question ({basis})"
        )
        note = "" if share.percent is not None else (
            share.reason
            or f"Masqué : moins de {MIN_COUNT} personnes dans l'un des groupes."
        )  # fmt: skip
        measures.append(Measure(share.last_day, share.percent, source, "survey",
                                note=note))  # fmt: skip
    return measures


def portrait_measures(portrait: dict, indicator: dict[str, Any]) -> list[Measure]:
    """The territory's current figure, dated on 1 January of its source's
    year (a figure without a year cannot be placed in time)."""
    key = indicator["portrait_indicator"]
    territory = portrait["territory"]
    rows = territory[territory["indicator"] == key] if len(territory) else territory
    if rows.empty or rows.iloc[0]["value"] is None:
        return []
    figures = portrait["figures"]
    years = figures.loc[figures["indicator"] == key, "year"].dropna()
    if years.empty:
        return []
    row = rows.iloc[0]
    year = int(years.max())
    source = f"Portrait du territoire : {'; '.join(row['sources'])} ({row['basis']})"
    return [Measure(date(year, 1, 1), float(row["value"]), source, "portrait")]


def manual_measures(db: sqlite_utils.Database, indicator_id: int) -> list[Measure]:
    return [
        Measure(date.fromisoformat(r["measured_on"]), r["value"], r["source"],
                "manual", r["id"])
        for r in db.execute(
            "SELECT * FROM evaluation_measures WHERE indicator_id = ? "
            "ORDER BY measured_on, id",
            [indicator_id],
        )
    ]  # fmt: skip


class MeasureReader:
    """Reads every indicator's measures of one diagnostic, loading the
    portrait and the survey list once."""

    def __init__(self, db: sqlite_utils.Database, diagnostic_id: int) -> None:
        self.db = db
        self.diagnostic_id = diagnostic_id
        self._surveys: list[dict] | None = None
        self._portrait: dict | None = None

    def measures(self, indicator: dict[str, Any]) -> list[Measure]:
        """Every measure of the indicator, oldest first."""
        found = manual_measures(self.db, indicator["id"])
        if indicator["source_kind"] == "survey":
            if self._surveys is None:
                self._surveys = diagnostic_surveys(self.db, self.diagnostic_id)
            found += survey_measures(self.db, indicator, self._surveys)
        elif indicator["source_kind"] == "portrait":
            if self._portrait is None:
                self._portrait = load_portrait(self.db, self.diagnostic_id)
            found += portrait_measures(self._portrait, indicator)
        return sorted(found, key=lambda m: (m.on, m.kind))


def points(measures: list[Measure]) -> list[Point]:
    """The measures with a value shown, as points for the status and chart."""
    return [Point(m.on, m.value) for m in measures if m.value is not None]
