"""Publics prioritaires: which profile groups are most affected, and by what.

    from analysis.priority import priority_publics
    priority_publics(frames)   # one row per indicator × group, ranked

Indicators are those of indicators.py the survey can compute; groups those
of groups.py the survey asks (age band, gender, situation, diploma,
household size, commune).
"""

from typing import Any

import numpy as np
import pandas as pd

from .frames import SurveyFrames
from .groups import GroupingError, group_series
from .indicators import available_indicators, evaluate
from .stats import MIN_COUNT, effective_sample_size, is_weighted
from .summaries import proportions


def priority_publics(
    frames: SurveyFrames,
    groups: tuple[str, ...] = (
        "age",
        "genre",
        "situation",
        "diplome",
        "menage",
        "commune",
    ),
    weights: pd.Series | None = None,
    min_count: int = MIN_COUNT,
) -> pd.DataFrame:
    """Which groups are most affected, for every indicator the survey allows.

    One row per (indicator, grouping, group): n (people of the group for
    whom the indicator is known), count, percent, ci_low, ci_high (and w_*
    if weighted), overall_percent (everyone), difference (points above the
    overall figure), all on one basis: weighted shares when the survey is
    weighted (`weighted` True, with `n_effective`), raw otherwise; rank
    (1 = most affected group of that indicator, on the same basis; ties
    share a rank, the larger group listed first) and
    `suppressed`: True when the count or the rest of the group is under
    `min_count` (its figures must not be shown). Groupings the survey does
    not ask are skipped. Sorted by indicator, then rank.
    """
    w = frames.wide["weight"] if weights is None else weights.reindex(frames.wide.index)
    weighted = is_weighted(w)
    wv = w.fillna(0).to_numpy(dtype=float)
    resolved = []
    for by in groups:
        try:
            resolved.append(group_series(frames, by))
        except GroupingError:
            continue
    rows: list[dict[str, Any]] = []
    for indicator in available_indicators(frames):
        values = evaluate(frames, indicator["rule"])
        known = values.notna().to_numpy()
        hit = values.to_numpy(dtype=bool, na_value=False)
        # One basis for the whole table: weighted shares when weighted.
        if weighted and wv[known].sum() > 0:
            overall = wv[hit & known].sum() / wv[known].sum() * 100
        else:
            overall = hit[known].mean() * 100 if known.any() else np.nan
        for grouping in resolved:
            codes = grouping.codes.cat.codes.to_numpy()
            for i, name in enumerate(grouping.codes.cat.categories):
                members = known & (codes == i)
                n = int(members.sum())
                if n == 0:
                    continue
                count = int((hit & members).sum())
                figures = proportions(
                    [count],
                    n,
                    [wv[hit & members].sum()] if weighted else None,
                    wv[members].sum(),
                    effective_sample_size(wv[members]),
                )
                row = {k: float(v[0]) for k, v in figures.items()}
                share = row["w_percent"] if weighted else row["percent"]
                rows.append(
                    {
                        "indicator": indicator["id"],
                        "indicator_label": indicator["label"],
                        "grouping": grouping.by,
                        "grouping_label": grouping.title,
                        "group": name,
                        "group_label": grouping.labels.get(name, name),
                        "n": n,
                        **row,
                        "overall_percent": overall,
                        "difference": share - overall,
                        "weighted": weighted,
                        "n_effective": effective_sample_size(wv[members])
                        if weighted
                        else np.nan,
                        "suppressed": 0 < count < min_count
                        or 0 < n - count < min_count,
                    }
                )
    result = pd.DataFrame(rows)
    if result.empty:
        return result
    key = "w_percent" if weighted else "percent"
    result["rank"] = (
        result.groupby("indicator")[key].rank(ascending=False, method="min").astype(int)
    )
    order = {ind["id"]: i for i, ind in enumerate(available_indicators(frames))}
    result["_order"] = result["indicator"].map(order)
    # Ties (say 100 % of 1 and of 2 people): the larger group first.
    result = result.sort_values(
        ["_order", "rank", "n"], ascending=[True, True, False], kind="stable"
    ).drop(columns="_order")
    return result.reset_index(drop=True)


def indicator_figures(
    frames: SurveyFrames, weights: pd.Series | None = None
) -> pd.DataFrame:
    """Every indicator the survey allows, for everybody (no grouping).

    One row per indicator: indicator, indicator_label, n (people for whom
    it is known), count, percent, ci_low, ci_high, weighted, and when the
    survey is weighted w_count, w_percent, w_ci_low, w_ci_high (Wilson over
    Kish's effective sample size) and n_effective; the same definitions as
    priority_publics. A roll-up of many instances (rollup.py) is checked
    against it.
    """
    w = frames.wide["weight"] if weights is None else weights.reindex(frames.wide.index)
    weighted = is_weighted(w)
    wv = w.fillna(0).to_numpy(dtype=float)
    rows = []
    for indicator in available_indicators(frames):
        values = evaluate(frames, indicator["rule"])
        known = values.notna().to_numpy()
        hit = values.to_numpy(dtype=bool, na_value=False) & known
        figures = proportions(
            [int(hit.sum())],
            int(known.sum()),
            [wv[hit].sum()] if weighted else None,
            wv[known].sum(),
            effective_sample_size(wv[known]),
        )
        rows.append(
            {
                "indicator": indicator["id"],
                "indicator_label": indicator["label"],
                "n": int(known.sum()),
                **{k: float(v[0]) for k, v in figures.items()},
                "weighted": weighted,
                "n_effective": effective_sample_size(wv[known]) if weighted else np.nan,
            }
        )
    return pd.DataFrame(rows)
