"""Local answers next to the national figures (analysis/data/national_figures.yaml).

    from analysis.national import compare_national, load_figures
    compare_national(frames)              # one row per figure (and group)
    compare_national(frames, weights=w)   # verdict on the re-weighted figure

The verdict compares the national value with the local 95 % Wilson interval
(weighted: over Kish's effective sample size). The national value is taken
as exact (national samples are large); this amounts to a two-sided score
test at the 5 % level of "local share = national share":
- national value outside the interval → the difference is significant:
  "nettement plus élevé/bas qu'en France" if it is 5 points or more, else
  "un peu plus élevé/bas qu'en France";
- inside the interval, and the interval within ±5 points of the national
  value → "proche de la moyenne nationale";
- inside the interval but the interval is wider → "différence non
  significative (échantillon trop petit)": the data cannot tell.
A convenience sample (market, school...) is not a random sample: even the
re-weighted figure can be biased; the interval only covers chance.
"""

import functools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .frames import SurveyFrames
from .groups import AGE_BANDS, GroupingError, group_series
from .indicators import INDICATORS, evaluate, prune_rule
from .stats import MIN_COUNT, effective_sample_size, is_weighted
from .summaries import proportions

FIGURES_PATH = Path(__file__).with_name("data") / "national_figures.yaml"
CLOSE_POINTS = 5.0
REQUIRED = ("id", "label", "value", "year", "population", "source", "url")
VERDICTS = {
    "higher": "nettement plus élevé qu'en France",
    "slightly_higher": "un peu plus élevé qu'en France",
    "lower": "nettement plus bas qu'en France",
    "slightly_lower": "un peu plus bas qu'en France",
    "close": "proche de la moyenne nationale",
    "unknown": "différence non significative (échantillon trop petit)",
    "none": "pas de réponse",
}


class FiguresError(ValueError):
    """national_figures.yaml is malformed."""


@functools.cache
def load_figures(path: Path = FIGURES_PATH) -> tuple[dict[str, Any], ...]:
    """The national figures, checked. Raises FiguresError (French)."""
    with open(path, encoding="utf-8") as f:
        entries = yaml.safe_load(f)
    if not isinstance(entries, list):
        raise FiguresError(f"{path.name} doit être une liste de chiffres.")
    by_id = {i["id"]: i for i in INDICATORS}
    figures = []
    for entry in entries:
        missing = [k for k in REQUIRED if entry.get(k) in (None, "")]
        if missing:
            raise FiguresError(f"{entry.get('id')} : champs manquants {missing}.")
        if "indicator" in entry:
            if entry["indicator"] not in by_id:
                raise FiguresError(f"{entry['id']} : indicateur inconnu.")
            rule = by_id[entry["indicator"]]["rule"]
        elif "rule" in entry:
            rule = _tuples(entry["rule"])
        else:
            raise FiguresError(f"{entry['id']} : ni « indicator » ni « rule ».")
        if not 0 <= float(entry["value"]) <= 100:
            raise FiguresError(f"{entry['id']} : la valeur doit être entre 0 et 100.")
        figures.append({**entry, "rule": rule})
    return tuple(figures)


def _tuples(rule: Any) -> tuple[Any, ...]:
    if rule[0] == "in":
        return ("in", rule[1], list(rule[2]), list(rule[3] if len(rule) > 3 else []))
    return (rule[0], [_tuples(r) for r in rule[1]])


def verdict(percent: float, low: float, high: float, national: float) -> str:
    """The plain-French verdict of the module docstring."""
    if np.isnan(percent):
        return VERDICTS["none"]
    difference = percent - national
    if national < low or national > high:
        if difference > 0:
            return VERDICTS[
                "higher" if difference >= CLOSE_POINTS else "slightly_higher"
            ]
        return VERDICTS["lower" if -difference >= CLOSE_POINTS else "slightly_lower"]
    if national - CLOSE_POINTS <= low and high <= national + CLOSE_POINTS:
        return VERDICTS["close"]
    return VERDICTS["unknown"]


def compare_national(
    frames: SurveyFrames, weights: pd.Series | None = None
) -> pd.DataFrame:
    """Every national figure this survey can be compared with.

    One row per figure, or per group for figures given by group (age band,
    diploma...: only the groups the source gives). Columns: id, label,
    grouping, group, group_label, n, count, percent, ci_low, ci_high,
    w_percent, w_ci_low, w_ci_high, n_effective (NaN unweighted), national,
    year, population, source, url, note, proxy (the local figure is the
    illectronisme proxy), difference (points, weighted if weighted),
    verdict, suppressed (fewer than 5 people in or out of the situation:
    not to be shown to others), basis (who is compared, in French). The
    local base is restricted to the national figure's age range (people
    whose age band starts below it are left out; people who did not give
    their age are kept). Figures whose questions are absent are skipped.
    """
    w = frames.wide["weight"] if weights is None else weights.reindex(frames.wide.index)
    weighted = is_weighted(w)
    wv = w.fillna(0).to_numpy(dtype=float)
    keys = set(frames.keys())
    rows = []
    for figure in load_figures():
        rule = prune_rule(figure["rule"], keys)
        if rule is None:
            continue
        values = evaluate(frames, rule)
        known = values.notna().to_numpy()
        hit = values.to_numpy(dtype=bool, na_value=False)
        eligible, basis = age_basis(frames, figure["population"])
        for grouping, group, label, national, members in _groups(frames, figure):
            base = known & members & eligible
            rows.append(
                _row(figure, hit, base, wv, weighted, national)
                | {"grouping": grouping, "group": group, "group_label": label,
                   "basis": basis}
            )  # fmt: skip
    columns = [
        "id", "label", "grouping", "group", "group_label", "n", "count",
        "percent", "ci_low", "ci_high", "w_percent", "w_ci_low", "w_ci_high",
        "n_effective", "national", "year", "population", "source", "url",
        "note", "proxy", "difference", "verdict", "suppressed", "basis",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def age_basis(frames: SurveyFrames, population: str) -> tuple[np.ndarray, str]:
    """(who may be compared, the sentence that says so) for a population.

    "18 ans ou plus, France métropolitaine" keeps the respondents whose age
    band starts at 18 or more (and those without an age).
    """
    everyone = np.ones(len(frames.wide), dtype=bool)
    found = re.search(r"(\d+) ans ou plus", population)
    if not found:
        return everyone, ""
    minimum = int(found.group(1))
    sentence = f"Comparé aux {minimum} ans ou plus du territoire"
    if "PR_AGE" not in frames.wide.columns:
        return everyone, sentence + " (âge non demandé : tous les répondants)."
    bands = frames.wide["PR_AGE"].astype("object")
    too_young = {b for b, (low, _) in AGE_BANDS.items() if low < minimum}
    eligible = ~bands.isin(too_young).to_numpy()
    left_out = int((~eligible).sum())
    if left_out:
        sentence += f" ({left_out} répondant(s) plus jeune(s) non compté(s))"
    return eligible, sentence + "."


def _groups(frames: SurveyFrames, figure: dict[str, Any]):
    """(grouping, group, label, national value, members mask) to compare."""
    everyone = np.ones(len(frames.wide), dtype=bool)
    if "by" not in figure:
        yield None, None, None, float(figure["value"]), everyone
        return
    try:
        groups = group_series(frames, figure["by"])
    except GroupingError:
        return
    codes = groups.codes.astype("object")
    for group, value in figure["groups"].items():
        members = (codes == group).to_numpy()
        yield (
            figure["by"],
            group,
            groups.labels.get(group, group),
            float(value),
            members,
        )


def _row(figure, hit, base, wv, weighted, national) -> dict[str, Any]:
    n = int(base.sum())
    n_eff = effective_sample_size(wv[base])
    figures = proportions(
        [int((hit & base).sum())],
        n,
        [wv[hit & base].sum()] if weighted else None,
        wv[base].sum(),
        n_eff,
    )
    row = {k: float(v[0]) for k, v in figures.items()}
    prefix = "w_" if weighted else ""
    percent, low, high = (
        row.get(f"{prefix}{k}", np.nan) for k in ("percent", "ci_low", "ci_high")
    )
    return {
        "id": figure["id"],
        "label": figure["label"],
        "n": n,
        "count": row["count"],
        "percent": row["percent"],
        "ci_low": row["ci_low"],
        "ci_high": row["ci_high"],
        "w_percent": row.get("w_percent", np.nan),
        "w_ci_low": row.get("w_ci_low", np.nan),
        "w_ci_high": row.get("w_ci_high", np.nan),
        "n_effective": n_eff if weighted else np.nan,
        "national": national,
        "year": figure["year"],
        "population": figure["population"],
        "source": figure["source"],
        "url": figure["url"],
        "note": figure.get("note", ""),
        "proxy": figure.get("indicator") == "illectronisme_proxy",
        "difference": percent - national,
        "verdict": verdict(percent, low, high, national),
        # Too few people on either side to be shown to others (crosstabs).
        "suppressed": 0 < row["count"] < MIN_COUNT or 0 < n - row["count"] < MIN_COUNT,
    }
