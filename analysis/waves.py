"""Comparing two waves of a survey, from each wave's aggregates (issue 12 §3–4).

    before = wave_aggregates(frames_1)          # weighted if frames_1 is
    after = wave_aggregates(frames_2)
    table = compare_waves(before, after)        # one row per question × choice

A wave is summarised once into its **aggregates**: per choice question and
choice, the count and the base (people who answered the question), and when
the wave is re-weighted the weighted share and Kish's effective size of the
base. Small cells are hidden there, with the rules of the results page
(`crosstabs.suppress_summary`: "< 5" and the complementary cells that would
give them away), so a hidden count is never stored, never compared, never
shown. Because a comparison needs nothing else, a wave whose raw answers the
retention purge deleted still compares from the aggregates kept before the
purge (issue 12 §4).

A question whose wording or list of choices differs between the waves is
flagged and not compared: a change of figure could come from the question.

Differences are in points of percentage (wave 2 − wave 1) with a 95 %
interval (Newcombe's hybrid score interval, built on the Wilson intervals
the results page shows) and a two-sided two-proportion z test (pooled). The
weighted comparison runs the same formulas on the weighted shares with the
effective sizes in place of the bases (Kish), so re-weighting widens the
interval as it should. The verdict follows the test at 5 %.
"""

import json
import math
from typing import Any

import numpy as np
import pandas as pd

from .crosstabs import MARKER, suppress_summary
from .frames import SurveyFrames
from .stats import MIN_COUNT, Z95
from .summaries import summarise

# Questions whose choices can be compared as shares.
COMPARED_TYPES = ("single", "scale", "multiple")
AGGREGATE_COLUMNS = [
    "question_key",
    "question_text",
    "question_type",
    "choices",  # JSON [[code, label], ...]: what the question offered
    "choice_code",
    "choice_label",
    "count",  # NaN when hidden
    "base",  # people who answered the question
    "w_share",  # 0-1, NaN when unweighted or hidden
    "n_eff",  # Kish effective size of the base, NaN when unweighted
    "hidden",
    "primary",  # hidden because 1-4 ("< 5"), not as a complementary cell
]
ALPHA = 0.05
RISE, FALL, SAME = (
    "hausse significative",
    "baisse significative",
    ("pas de différence mesurable"),
)
CHANGED = "question modifiée entre les vagues : non comparée"
HIDDEN = "petit effectif masqué : non comparé"
ABSENT = "posée dans une seule vague : non comparée"


def wave_aggregates(
    frames: SurveyFrames, weighted: bool = False, min_count: int = MIN_COUNT
) -> pd.DataFrame:
    """A wave's aggregates (AGGREGATE_COLUMNS), small cells hidden.

    `weighted`: the wave was re-weighted (population_weights), so weighted
    shares and effective sizes are filled from `frames.wide["weight"]`, even
    when its sample already matched the margins (all weights equal: the
    weighted share is then the raw one, over an effective size of n).
    """
    rows: list[dict[str, Any]] = []
    for key in frames.keys(*COMPARED_TYPES):
        summary = summarise(frames, key)
        shown = suppress_summary(summary, min_count)
        choices = json.dumps(
            [[code, frames.label(key, code)] for code in frames.codes(key)],
            ensure_ascii=False,
        )
        shown_counts = shown["count"].tolist()
        table = summary.table.to_dict("records")
        for i, row in enumerate(table):
            if row["no_answer"]:
                continue
            hidden = isinstance(shown_counts[i], str)
            if summary.weighted:
                share, n_eff = float(row["w_percent"]) / 100, summary.n_effective
            elif weighted and summary.n:
                share, n_eff = float(row["count"]) / summary.n, float(summary.n)
            else:
                share, n_eff = np.nan, np.nan
            rows.append(
                {
                    "question_key": key,
                    "question_text": summary.text,
                    "question_type": summary.type,
                    "choices": choices,
                    "choice_code": row["code"],
                    "choice_label": row["label"],
                    "count": np.nan if hidden else float(row["count"]),
                    "base": int(summary.n),
                    "w_share": np.nan if hidden else share,
                    "n_eff": n_eff,
                    "hidden": hidden,
                    "primary": hidden and shown_counts[i] == MARKER,
                }
            )
    return pd.DataFrame(rows, columns=AGGREGATE_COLUMNS)


def wilson_bounds(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson 95 % interval of k / n, as proportions (0-1)."""
    p = k / n
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def difference_interval(
    k1: float, n1: float, k2: float, n2: float
) -> tuple[float, float, float]:
    """(p2 − p1, low, high) in points, Newcombe's hybrid score 95 % interval."""
    p1, p2 = k1 / n1, k2 / n2
    low1, high1 = wilson_bounds(k1, n1)
    low2, high2 = wilson_bounds(k2, n2)
    d = p2 - p1
    low = d - math.sqrt((p2 - low2) ** 2 + (high1 - p1) ** 2)
    high = d + math.sqrt((high2 - p2) ** 2 + (p1 - low1) ** 2)
    return d * 100, low * 100, high * 100


def two_proportion_test(
    k1: float, n1: float, k2: float, n2: float
) -> tuple[float, float]:
    """(z, two-sided p-value) of the pooled two-proportion test."""
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:  # both 0 % or both 100 %: no difference to test
        return 0.0, 1.0
    z = (k2 / n2 - k1 / n1) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


def verdict(difference: float, p_value: float) -> str:
    if p_value < ALPHA:
        return RISE if difference > 0 else FALL
    return SAME


def _compare(k1: float, n1: float, k2: float, n2: float) -> dict[str, float | str]:
    diff, low, high = difference_interval(k1, n1, k2, n2)
    z, p_value = two_proportion_test(k1, n1, k2, n2)
    return {
        "p1": k1 / n1 * 100,
        "p2": k2 / n2 * 100,
        "diff": diff,
        "ci_low": low,
        "ci_high": high,
        "z": z,
        "p_value": p_value,
        "verdict": verdict(diff, p_value),
    }


COMPARISON_COLUMNS = [
    "question_key",
    "question_text",
    "question_type",
    "choice_code",
    "choice_label",
    "status",  # compared | changed | hidden | absent
    "n1",
    "n2",
    *("p1", "p2", "diff", "ci_low", "ci_high", "z", "p_value", "verdict"),
    "neff1",
    "neff2",
    *("w_p1", "w_p2", "w_diff", "w_ci_low", "w_ci_high", "w_z", "w_p_value"),
    "w_verdict",
]


def compare_waves(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Wave 2 (`after`) against wave 1 (`before`), question by question.

    Both are aggregates (wave_aggregates, or kept ones read back). One row
    per question × choice of either wave, in `after`'s order then the rest;
    `status` says why a row has no figures: "changed" (wording or choices
    differ: every choice of that question), "hidden" (a small cell in one
    wave), "absent" (asked in one wave only). Weighted columns (w_*) are
    filled when both waves carry weighted shares.
    """
    rows = []
    first, second = _by_question(before), _by_question(after)
    for key in dict.fromkeys([*second, *first]):
        a, b = first.get(key), second.get(key)
        changed = a is not None and b is not None and (_signature(a) != _signature(b))
        codes = dict.fromkeys([*(b or {}), *(a or {})])
        for code in codes:
            rows.append(_row(key, code, a, b, changed))
    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


Choices = dict[str, dict[str, Any]]


def _by_question(aggregates: pd.DataFrame) -> dict[str, Choices]:
    """{question key: {choice code: aggregate row}}, in order (plain dicts:
    pandas lookups row by row cost more than the whole comparison)."""
    grouped: dict[str, Choices] = {}
    for row in aggregates.to_dict("records"):
        grouped.setdefault(row["question_key"], {})[row["choice_code"]] = row
    return grouped


def _signature(choices: Choices) -> tuple[str, str]:
    row = next(iter(choices.values()))
    return row["question_text"], row["choices"]


def _row(key, code, a: Choices | None, b: Choices | None, changed: bool):
    one, two = (a or {}).get(code), (b or {}).get(code)
    known = two or one or {}
    row: dict[str, Any] = dict.fromkeys(COMPARISON_COLUMNS, np.nan)
    row.update(
        question_key=key,
        question_text=known.get("question_text"),
        question_type=known.get("question_type"),
        choice_code=code,
        choice_label=known.get("choice_label"),
        n1=one["base"] if one else np.nan,
        n2=two["base"] if two else np.nan,
        verdict=None,
        w_verdict=None,
    )
    if changed:
        return {**row, "status": "changed", "verdict": CHANGED}
    if one is None or two is None:
        return {**row, "status": "absent", "verdict": ABSENT}
    if one["hidden"] or two["hidden"]:
        return {**row, "status": "hidden", "verdict": HIDDEN}
    row["status"] = "compared"
    n1, n2 = float(one["base"]), float(two["base"])
    if n1 > 0 and n2 > 0:
        row.update(_compare(float(one["count"]), n1, float(two["count"]), n2))
    weighted = [one["w_share"], two["w_share"], one["n_eff"], two["n_eff"]]
    if all(pd.notna(v) for v in weighted) and one["n_eff"] > 0 and two["n_eff"] > 0:
        e1, e2 = float(one["n_eff"]), float(two["n_eff"])
        k1, k2 = float(one["w_share"]) * e1, float(two["w_share"]) * e2
        figures = _compare(k1, e1, k2, e2)
        row.update({f"w_{name}": value for name, value in figures.items()})
        row.update(neff1=e1, neff2=e2)
    return row


def share_from_aggregates(
    aggregates: pd.DataFrame, key: str, codes: list[str]
) -> dict[str, Any]:
    """The share of the people who answered `key` with one of `codes`.

    From a wave's aggregates: counts add up for a single choice or a scale;
    for several choices of a multiple-choice question a person may tick
    more than one, which aggregates cannot tell, so no value is given.
    Returns value (0-100 or None), count, base, w_value, n_eff, reason.
    """
    rows = aggregates[aggregates["question_key"] == key]
    result: dict[str, Any] = {"value": None, "count": None, "base": None,
                              "w_value": None, "n_eff": None, "reason": ""}  # fmt: skip
    if rows.empty:
        return {**result, "reason": "Question absente de cette vague."}
    base = int(rows["base"].iloc[0])
    result["base"] = base
    picked = rows[rows["choice_code"].isin(codes)]
    if picked.empty:
        return {**result, "reason": "Réponse absente de cette question."}
    if rows["question_type"].iloc[0] == "multiple" and len(picked) > 1:
        return {**result, "reason": "Plusieurs cases d'une question à choix "
                "multiple ne s'additionnent pas."}  # fmt: skip
    if picked["hidden"].any():
        return {**result, "reason": "Petit effectif masqué."}
    if base == 0:
        return {**result, "reason": "Personne n'a répondu à cette question."}
    count = float(picked["count"].sum())
    result.update(count=int(count), value=count / base * 100)
    if picked["w_share"].notna().all() and pd.notna(rows["n_eff"].iloc[0]):
        result.update(
            w_value=float(picked["w_share"].sum()) * 100,
            n_eff=float(rows["n_eff"].iloc[0]),
        )
    return result


def _pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1f}".replace(".", ",") + "\u00a0%"


def _points(value: float) -> str:
    text = f"{value:+.1f}".replace(".", ",").replace("-", "−")
    return f"{text}\u00a0pt" + ("s" if abs(value) >= 2 else "")


def comparison_rows(table: pd.DataFrame, weighted: bool) -> list[dict[str, Any]]:
    """The comparison as French text, one dict per row, for pages and documents.

    Keys: key, question, answer, n1, n2 (bases, or effective sizes when
    weighted), p1, p2, diff, interval, verdict, status; `points` is the
    difference as a number (0.0 when not compared). Rows without
    figures (changed, hidden, absent) carry their reason as the verdict.
    """
    prefix = "w_" if weighted else ""
    rows = []
    for row in table.to_dict("records"):
        n1, n2 = (row["neff1"], row["neff2"]) if weighted else (row["n1"], row["n2"])
        compared = row["status"] == "compared" and pd.notna(row[f"{prefix}diff"])
        text = {
            "key": row["question_key"],
            "question": row["question_text"],
            "answer": row["choice_label"],
            "status": row["status"],
            "n1": "—" if pd.isna(n1) else f"{n1:.0f}",
            "n2": "—" if pd.isna(n2) else f"{n2:.0f}",
            "p1": "", "p2": "", "diff": "", "interval": "",
            "verdict": row["verdict"],
            "points": row[f"{prefix}diff"] if compared else 0.0,
        }  # fmt: skip
        if compared:
            low, high = row[f"{prefix}ci_low"], row[f"{prefix}ci_high"]
            text.update(
                p1=_pct(row[f"{prefix}p1"]),
                p2=_pct(row[f"{prefix}p2"]),
                diff=_points(row[f"{prefix}diff"]),
                interval=f"de {_points(low)} à {_points(high)}",
                verdict=row[f"{prefix}verdict"],
            )
        elif row["status"] == "compared":
            text["verdict"] = "pas de chiffre redressé" if weighted else SAME
        rows.append(text)
    return rows
