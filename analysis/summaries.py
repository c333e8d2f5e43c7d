"""What each question's answers look like: counts, percentages, intervals.

    from analysis.summaries import summarise, summarise_all, summaries_table
    s = summarise(frames, "EQ_MOBILE")          # Summary
    s.table                                     # one row per choice
    every = summarise_all(frames)               # {key: Summary}
    flat = summaries_table(every)               # one DataFrame, for exports

Rules (the same everywhere):
- percentages (0-100) are of the people who answered the question: "Sans
  réponse" (not answered, or not shown) is reported as a last row with its
  count and share of all responses, never in the denominator;
- multiple choice: % of the people who answered the question (so the
  percentages add up to more than 100);
- 95 % Wilson intervals (`stats.wilson`);
- weighted variants (`w_*` columns) when the weights are not all equal,
  with the Wilson interval over Kish's effective sample size;
- `warning`: a French caution under 30 answers (`stats.warning_for`).

Table columns: code, label, count, percent, ci_low, ci_high, share_of_total
(% of all responses, for every row including "Sans réponse"), no_answer
(True on the last row) and, if weighted, w_count, w_percent, w_ci_low,
w_ci_high.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .frames import NO_ANSWER, SurveyFrames
from .stats import (
    Z95,
    effective_sample_size,
    is_weighted,
    warning_for,
    weighted_quantiles,
    wilson,
)

NOT_ASKED = "Non concerné (question non posée)"
# Codes left out of a scale's median: they are not a position on the scale.
NOT_ON_SCALE = {"nr", "nsp", "non_concerne", "autre"}
TABLE_COLUMNS = [
    "code",
    "label",
    "count",
    "percent",
    "ci_low",
    "ci_high",
    "share_of_total",
    "no_answer",
]
WEIGHTED_COLUMNS = ["w_count", "w_percent", "w_ci_low", "w_ci_high"]


@dataclass
class Summary:
    """One question's summary (see the module docstring for `table`)."""

    key: str
    type: str
    theme: str
    text: str
    total: int  # responses to the survey
    n: int  # people who answered this question
    no_answer: int
    table: pd.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)
    weighted: bool = False
    n_effective: float | None = None
    warning: str | None = None


def summarise(
    frames: SurveyFrames, key: str, weights: pd.Series | None = None
) -> Summary:
    """Summarise one question. `weights` defaults to frames.wide["weight"].

    Raises KeyError for a key that is not a question of the survey.
    """
    q = frames.questions.loc[key]
    w = frames.wide["weight"] if weights is None else weights
    weighted = is_weighted(w)
    answered = frames.answered(key).to_numpy()
    weights_array = w.reindex(frames.wide.index).fillna(0).to_numpy(dtype=float)
    kind = q["type"]
    if kind == "multiple":
        table, stats = _multiple(frames, key, answered, weights_array, weighted)
    elif kind in ("single", "scale", "commune"):
        table, stats = _choices(frames, key, answered, weights_array, weighted)
    else:
        table = _empty(weighted)
        stats = _numbers(frames, key, weights_array) if kind == "number" else {}
    total, n = len(frames.wide), int(answered.sum())
    not_asked = int((~_asked(frames, key) & ~answered).sum())
    table = _with_no_answer(table, total, n, weighted, not_asked)
    return Summary(
        key=key,
        type=kind,
        theme=q["theme"],
        text=q["text"],
        total=total,
        n=n,
        no_answer=total - n,
        table=table,
        stats=stats,
        weighted=weighted,
        n_effective=effective_sample_size(weights_array[answered])
        if weighted
        else None,
        warning=warning_for(n),
    )


def summarise_all(
    frames: SurveyFrames, weights: pd.Series | None = None
) -> dict[str, Summary]:
    """Every question's summary, in questionnaire order."""
    return {key: summarise(frames, key, weights) for key in frames.keys()}


def summaries_table(summaries: dict[str, Summary]) -> pd.DataFrame:
    """All summaries as one long DataFrame (key, text, type, n, warning...)."""
    parts = []
    for s in summaries.values():
        part = s.table.copy()
        part.insert(0, "key", s.key)
        part.insert(1, "question", s.text)
        part.insert(2, "type", s.type)
        part["n"] = s.n
        part["warning"] = s.warning
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["key", "question", "type", *TABLE_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def proportions(counts, n, w_counts=None, w_n=None, n_eff=None) -> dict[str, Any]:
    """Percentages and Wilson intervals, raw and (if given) weighted."""
    counts = np.asarray(counts, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        percent = np.where(np.asarray(n) > 0, counts / n * 100, np.nan)
    low, high = wilson(counts, n)
    result = {"count": counts, "percent": percent, "ci_low": low, "ci_high": high}
    if w_counts is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(np.asarray(w_n) > 0, np.asarray(w_counts) / w_n, np.nan)
        w_low, w_high = wilson(share * n_eff, n_eff)
        result.update(
            w_count=np.asarray(w_counts, dtype=float),
            w_percent=share * 100,
            w_ci_low=w_low,
            w_ci_high=w_high,
        )
    return result


def _choices(frames, key, answered, w, weighted):
    column = frames.wide[key]
    categories = list(column.cat.categories)
    codes = column.cat.codes.to_numpy()
    chosen = codes[answered]
    counts = np.bincount(chosen, minlength=len(categories))
    w_counts = np.bincount(chosen, weights=w[answered], minlength=len(categories))
    n = int(answered.sum())
    known = set(frames.codes(key))
    keep = [i for i, c in enumerate(categories) if c in known or counts[i] > 0]
    if frames.questions.at[key, "type"] == "commune":
        keep.sort(key=lambda i: -counts[i])
    table = pd.DataFrame(
        {
            "code": [categories[i] for i in keep],
            "label": [frames.label(key, categories[i]) for i in keep],
            **_pick(
                proportions(
                    counts,
                    n,
                    w_counts if weighted else None,
                    w[answered].sum(),
                    effective_sample_size(w[answered]),
                ),
                keep,
            ),
        }
    )
    stats = {}
    if frames.questions.at[key, "type"] == "scale":
        stats = _scale_median(frames, key, categories, counts, w_counts, weighted)
    return table, stats


def _pick(columns: dict[str, np.ndarray], keep: list[int]) -> dict[str, np.ndarray]:
    return {name: values[keep] for name, values in columns.items()}


def _scale_median(frames, key, categories, counts, w_counts, weighted):
    on_scale = [i for i, c in enumerate(categories) if c not in NOT_ON_SCALE]
    stats: dict[str, Any] = {"median": None, "median_label": None}
    for prefix, values in [("", counts)] + ([("w_", w_counts)] if weighted else []):
        picked = np.asarray(values, dtype=float)[on_scale]
        if picked.sum() <= 0:
            continue
        position = int(np.searchsorted(np.cumsum(picked), picked.sum() / 2))
        code = categories[on_scale[position]]
        stats[f"{prefix}median"] = code
        stats[f"{prefix}median_label"] = frames.label(key, code)
    return stats


def _multiple(frames, key, answered, w, weighted):
    columns = frames.choice_columns(key)
    wide = frames.wide
    flags = (
        np.column_stack([wide[c].fillna(False).to_numpy(dtype=bool) for c in columns])
        if columns
        else np.zeros((len(wide), 0), dtype=bool)
    )
    n = int(answered.sum())
    counts = flags.sum(axis=0)
    w_counts = (flags * w[:, None]).sum(axis=0)
    codes = [c.split(":", 1)[1] for c in columns]
    table = pd.DataFrame(
        {
            "code": codes,
            "label": [frames.label(key, c) for c in codes],
            **proportions(
                counts,
                n,
                w_counts if weighted else None,
                w[answered].sum(),
                effective_sample_size(w[answered]),
            ),
        }
    )
    return table, {"choices_per_person": float(counts.sum() / n) if n else None}


def _numbers(frames, key, w) -> dict[str, Any]:
    values = frames.wide[key].to_numpy(dtype=float)
    present = ~np.isnan(values)
    v = values[present]
    if not len(v):
        return {"n": 0}
    q1, median, q3 = np.quantile(v, [0.25, 0.5, 0.75])
    sd = float(np.std(v, ddof=1)) if len(v) > 1 else float("nan")
    half = Z95 * sd / np.sqrt(len(v)) if len(v) > 1 else float("nan")
    mean = float(v.mean())
    stats = {
        "n": int(len(v)),
        "mean": mean,
        "mean_ci_low": mean - half,
        "mean_ci_high": mean + half,
        "sd": sd,
        "min": float(v.min()),
        "q1": float(q1),
        "median": float(median),
        "q3": float(q3),
        "max": float(v.max()),
    }
    ww = w[present]
    if ww.sum() > 0 and not np.allclose(ww, ww[0]):
        stats["w_mean"] = float(np.average(v, weights=ww))
        stats["w_q1"], stats["w_median"], stats["w_q3"] = weighted_quantiles(
            v, ww, [0.25, 0.5, 0.75]
        )
    return stats


def _empty(weighted: bool) -> pd.DataFrame:
    names = TABLE_COLUMNS[:6] + (WEIGHTED_COLUMNS if weighted else [])
    return pd.DataFrame(
        {
            name: pd.Series(dtype="object" if name in ("code", "label") else "float64")
            for name in names
        }
    )


def _asked(frames: SurveyFrames, key: str) -> np.ndarray:
    """Who was shown question `key` (its show-if condition held)."""
    wide = frames.wide
    condition = frames.questions.at[key, "show_if"] if (
        "show_if" in frames.questions.columns
    ) else None  # fmt: skip
    if not isinstance(condition, dict) or not condition.get("question"):
        return np.ones(len(wide), dtype=bool)
    target, values = condition["question"], set(condition.get("values") or [])
    if target in wide.columns:
        return wide[target].astype("object").isin(values).to_numpy()
    columns = [f"{target}:{v}" for v in values if f"{target}:{v}" in wide.columns]
    asked = np.zeros(len(wide), dtype=bool)
    for column in columns:
        asked |= wide[column].to_numpy(dtype=bool, na_value=False)
    return asked if columns else np.ones(len(wide), dtype=bool)


def _with_no_answer(
    table: pd.DataFrame, total: int, n: int, weighted: bool, not_asked: int = 0
) -> pd.DataFrame:
    """The answers, then "Sans réponse" (skipped) and, when some people
    were never asked (show-if), "Non concerné" apart from it."""
    table = table.copy()
    table["no_answer"] = False
    rows = [{"code": None, "label": NO_ANSWER, "count": float(total - n - not_asked),
             "no_answer": True}]  # fmt: skip
    if not_asked:
        rows.append({"code": None, "label": NOT_ASKED, "count": float(not_asked),
                     "no_answer": True})  # fmt: skip
    table = (
        pd.concat([table, pd.DataFrame(rows)], ignore_index=True)
        if len(table)
        else pd.DataFrame(rows)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share_of_total"] = table["count"] / total * 100 if total else np.nan
    columns = TABLE_COLUMNS + (WEIGHTED_COLUMNS if weighted else [])
    return table.reindex(columns=columns)
