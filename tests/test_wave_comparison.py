"""analysis/waves.py: two waves compared from their aggregates (issue 12 §3).

Every expected figure below is worked out by hand in the test (Wilson
bounds, Newcombe's interval, the pooled z test), raw and weighted.
"""

import json
import math

import numpy as np
import pandas as pd
import pytest

from analysis.waves import (
    AGGREGATE_COLUMNS,
    CHANGED,
    FALL,
    HIDDEN,
    RISE,
    SAME,
    compare_waves,
    comparison_rows,
    share_from_aggregates,
)

Z = 1.959963984540054
CHOICES = json.dumps([["oui", "Oui"], ["non", "Non"]])


def aggregates(counts, base, shares=None, n_eff=None, text="Avez-vous Internet ?",
               choices=CHOICES, key="EQ_INTERNET", kind="single"):  # fmt: skip
    rows = []
    for i, (code, count) in enumerate(counts.items()):
        hidden = count is None
        rows.append({
            "question_key": key, "question_text": text, "question_type": kind,
            "choices": choices, "choice_code": code, "choice_label": code.title(),
            "count": np.nan if hidden else float(count), "base": base,
            "w_share": np.nan if hidden or shares is None else shares[i],
            "n_eff": np.nan if n_eff is None else n_eff,
            "hidden": hidden, "primary": hidden,
        })  # fmt: skip
    return pd.DataFrame(rows, columns=AGGREGATE_COLUMNS)


def wilson_by_hand(k, n):
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n * n))
    return centre - half, centre + half


def row(table, code):
    return table[table["choice_code"] == code].iloc[0]


def test_raw_difference_interval_and_test_by_hand():
    # Wave 1: 30 "non" of 100; wave 2: 45 of 120.
    before = aggregates({"oui": 70, "non": 30}, 100)
    after = aggregates({"oui": 75, "non": 45}, 120)
    non = row(compare_waves(before, after), "non")
    assert non["status"] == "compared"
    assert non["p1"] == pytest.approx(30.0) and non["p2"] == pytest.approx(37.5)
    assert non["diff"] == pytest.approx(7.5)
    # Newcombe: d − √((p2−l2)² + (u1−p1)²), d + √((u2−p2)² + (p1−l1)²).
    l1, u1 = wilson_by_hand(30, 100)
    l2, u2 = wilson_by_hand(45, 120)
    low = 0.075 - math.sqrt((0.375 - l2) ** 2 + (u1 - 0.3) ** 2)
    high = 0.075 + math.sqrt((u2 - 0.375) ** 2 + (0.3 - l1) ** 2)
    assert non["ci_low"] == pytest.approx(low * 100)
    assert non["ci_high"] == pytest.approx(high * 100)
    assert (round(l1, 4), round(u1, 4)) == (0.2189, 0.3958)  # tables of Wilson
    assert round(non["ci_low"], 1) == -5.1 and round(non["ci_high"], 1) == 19.6
    # Pooled test: p = 75/220, se = √(p(1−p)(1/100 + 1/120)).
    pooled = 75 / 220
    z = 0.075 / math.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 120))
    assert non["z"] == pytest.approx(z) and round(z, 3) == 1.169
    assert non["p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert round(non["p_value"], 3) == 0.243
    assert non["verdict"] == SAME
    # The same case the other way round is the opposite difference.
    back = row(compare_waves(after, before), "non")
    assert back["diff"] == pytest.approx(-7.5)
    assert back["ci_low"] == pytest.approx(-high * 100)


def test_significant_rise_and_fall():
    before = aggregates({"oui": 80, "non": 20}, 100)
    after = aggregates({"oui": 55, "non": 45}, 100)
    table = compare_waves(before, after)
    # z = 0.25 / √(0.325 × 0.675 × 0.02) = 3.774
    assert row(table, "non")["z"] == pytest.approx(3.7743, abs=1e-4)
    assert row(table, "non")["verdict"] == RISE
    assert row(table, "oui")["verdict"] == FALL
    assert row(table, "non")["ci_low"] > 0  # the interval agrees


def test_weighted_comparison_uses_the_effective_sizes_by_hand():
    # Raw: 30 → 36 of 100 (not significant). Weighted: 25 % over an
    # effective 80 → 40 % over an effective 90.
    before = aggregates({"oui": 70, "non": 30}, 100, [0.75, 0.25], 80.0)
    after = aggregates({"oui": 64, "non": 36}, 100, [0.60, 0.40], 90.0)
    non = row(compare_waves(before, after), "non")
    assert non["verdict"] == SAME
    assert non["neff1"] == 80 and non["neff2"] == 90
    assert non["w_diff"] == pytest.approx(15.0)
    # k = share × n_eff: 20 of 80 and 36 of 90; pooled 56/170.
    pooled = 56 / 170
    z = 0.15 / math.sqrt(pooled * (1 - pooled) * (1 / 80 + 1 / 90))
    assert non["w_z"] == pytest.approx(z) and round(z, 3) == 2.077
    assert round(non["w_p_value"], 4) == 0.0378
    assert non["w_verdict"] == RISE
    l1, u1 = wilson_by_hand(20, 80)
    l2, u2 = wilson_by_hand(36, 90)
    low = 0.15 - math.sqrt((0.40 - l2) ** 2 + (u1 - 0.25) ** 2)
    high = 0.15 + math.sqrt((u2 - 0.40) ** 2 + (0.25 - l1) ** 2)
    assert (non["w_ci_low"], non["w_ci_high"]) == (
        pytest.approx(low * 100),
        pytest.approx(high * 100),
    )
    text = comparison_rows(compare_waves(before, after), weighted=True)
    assert [r["verdict"] for r in text if r["answer"] == "Non"] == [RISE]
    assert [r["n1"] for r in text if r["answer"] == "Non"] == ["80"]


def test_a_changed_question_is_flagged_not_compared():
    before = aggregates({"oui": 70, "non": 30}, 100)
    reworded = aggregates({"oui": 50, "non": 50}, 100, text="Avez-vous la fibre ?")
    table = compare_waves(before, reworded)
    assert set(table["status"]) == {"changed"}
    assert table["diff"].isna().all() and set(table["verdict"]) == {CHANGED}
    other_choices = json.dumps([["oui", "Oui"], ["non", "Non"], ["nsp", "Ne sait pas"]])
    relisted = aggregates({"oui": 50, "non": 50}, 100, choices=other_choices)
    assert set(compare_waves(before, relisted)["status"]) == {"changed"}
    # The same wording and choices: compared.
    same = aggregates({"oui": 50, "non": 50}, 100)
    assert set(compare_waves(before, same)["status"]) == {"compared"}


def test_hidden_cells_are_not_compared_nor_shown():
    before = aggregates({"oui": 97, "non": None}, 100)  # 3 people: hidden
    after = aggregates({"oui": 90, "non": 10}, 100)
    table = compare_waves(before, after)
    non = row(table, "non")
    assert non["status"] == "hidden" and non["verdict"] == HIDDEN
    assert pd.isna(non["p1"]) and pd.isna(non["p2"]) and pd.isna(non["diff"])
    shown = [r for r in comparison_rows(table, False) if r["answer"] == "Non"][0]
    assert shown["p1"] == shown["p2"] == shown["diff"] == ""
    assert share_from_aggregates(before, "EQ_INTERNET", ["non"])["value"] is None


def test_share_from_aggregates():
    wave = aggregates({"oui": 70, "non": 30}, 100, [0.6, 0.4], 80.0)
    share = share_from_aggregates(wave, "EQ_INTERNET", ["non"])
    assert share["value"] == pytest.approx(30) and share["base"] == 100
    assert share["w_value"] == pytest.approx(40) and share["n_eff"] == 80
    both = share_from_aggregates(wave, "EQ_INTERNET", ["oui", "non"])
    assert both["value"] == pytest.approx(100)
    multiple = aggregates({"a": 20, "b": 30}, 100, kind="multiple")
    assert share_from_aggregates(multiple, "EQ_INTERNET", ["a", "b"])["value"] is None
    assert share_from_aggregates(wave, "AUTRE", ["x"])["reason"]
