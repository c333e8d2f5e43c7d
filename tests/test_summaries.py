"""analysis.summaries and analysis.stats, checked against hand computation."""

import math

import numpy as np
import pandas as pd
import pytest
from helpers.analysis_surveys import make_survey

from analysis.frames import load_survey
from analysis.stats import (
    SMALL_SAMPLE_WARNING,
    effective_sample_size,
    weighted_quantiles,
    wilson,
)
from analysis.summaries import summaries_table, summarise, summarise_all


def hand_wilson(k, n, z=1.959963984540054):
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return 100 * (centre - half), 100 * (centre + half)


def test_wilson_matches_hand_computation():
    low, high = wilson(3, 10)
    # Hand computation (z = 1.96): p = .3, centre .35551, half-width .24772.
    assert float(low) == pytest.approx(10.779, abs=1e-3)
    assert float(high) == pytest.approx(60.322, abs=1e-3)
    for k, n in [(0, 10), (10, 10), (1, 1), (50, 100), (7, 1234)]:
        lo, hi = wilson(k, n)
        exp_lo, exp_hi = hand_wilson(k, n)
        assert float(lo) == pytest.approx(max(exp_lo, 0), abs=1e-9)
        assert float(hi) == pytest.approx(min(exp_hi, 100), abs=1e-9)
    lo, hi = wilson(np.array([0, 5]), np.array([0, 10]))
    assert np.isnan(lo[0]) and np.isnan(hi[0]) and lo[1] < 50 < hi[1]


def test_kish_and_weighted_quantiles():
    assert effective_sample_size([1, 1, 1, 1]) == 4
    assert effective_sample_size([1, 3]) == pytest.approx(16 / 10)
    assert effective_sample_size([]) == 0
    assert weighted_quantiles([1, 2, 3], [1, 1, 1], [0.5]) == [2]
    assert weighted_quantiles([1, 2, 3], [1, 1, 10], [0.5]) == [3]


def responses():
    """10 answers: 6 smartphone, 3 aucun, 1 mobile_simple; 2 with nothing."""
    codes = ["smartphone"] * 6 + ["aucun"] * 3 + ["mobile_simple"]
    scale = ["tres", "plutot", "plutot", "peu", "pas_du_tout"] * 2
    answers = []
    for i, (code, level) in enumerate(zip(codes, scale, strict=True)):
        multi = ["email", "achats"] if i < 4 else (["email"] if i < 7 else ["aucune"])
        answers.append(
            {
                "EQ_MOBILE": code,
                "CP_AISANCE": level,
                "US_ACTIVITES": multi,
                "PR_MENAGE": i + 1,
                "PR_COMMUNE": "44109" if i < 7 else "44135",
                "REMARQUE": "<script>alert(1)</script> 🙂" if i == 0 else "x" * 10000,
            }
        )
    return answers + [{}, {}]


@pytest.fixture
def frames(db, diagnostic):
    return load_survey(db, make_survey(db, diagnostic, responses()))


def row(summary, code):
    table = summary.table
    return table[table["code"] == code].iloc[0]


def test_single_choice_counts_percentages_and_no_answer(frames):
    s = summarise(frames, "EQ_MOBILE")
    assert (s.total, s.n, s.no_answer) == (12, 10, 2)
    assert s.warning == SMALL_SAMPLE_WARNING
    assert list(s.table["code"][:3]) == ["smartphone", "mobile_simple", "aucun"]
    smart = row(s, "smartphone")
    assert smart["label"] == "Oui, un smartphone"
    assert smart["count"] == 6 and smart["percent"] == pytest.approx(60)
    lo, hi = hand_wilson(6, 10)
    assert smart["ci_low"] == pytest.approx(lo) and smart["ci_high"] == pytest.approx(
        hi
    )
    assert smart["share_of_total"] == pytest.approx(50)
    last = s.table.iloc[-1]
    assert last["no_answer"] and last["label"] == "Sans réponse"
    assert last["count"] == 2 and pd.isna(last["percent"])
    assert last["share_of_total"] == pytest.approx(100 * 2 / 12)
    assert s.table[~s.table["no_answer"]]["percent"].sum() == pytest.approx(100)
    assert not s.weighted and "w_percent" not in s.table.columns


def test_multiple_choice_is_percent_of_those_who_answered(frames):
    s = summarise(frames, "US_ACTIVITES")
    assert s.n == 10
    assert row(s, "email")["count"] == 7 and row(s, "email")["percent"] == 70
    assert row(s, "achats")["percent"] == 40
    assert row(s, "aucune")["percent"] == 30
    assert row(s, "autre")["count"] == 0
    assert s.stats["choices_per_person"] == pytest.approx(1.4)


def test_scale_distribution_and_median(frames):
    s = summarise(frames, "CP_AISANCE")
    assert list(s.table["count"][:4]) == [2, 4, 2, 2]
    # Cumulated: 2, 6 (>= 5 = half of 10) → median is "plutot".
    assert s.stats["median"] == "plutot"
    assert s.stats["median_label"] == "Plutôt à l'aise"


def test_numbers(frames):
    s = summarise(frames, "PR_MENAGE")
    stats = s.stats
    assert stats["n"] == 10 and stats["mean"] == pytest.approx(5.5)
    assert stats["median"] == 5.5 and stats["min"] == 1 and stats["max"] == 10
    assert stats["q1"] == pytest.approx(3.25) and stats["q3"] == pytest.approx(7.75)
    sd = np.std(np.arange(1, 11), ddof=1)
    assert stats["mean_ci_low"] == pytest.approx(
        5.5 - 1.959963984540054 * sd / math.sqrt(10)
    )


def test_commune_and_text(frames):
    s = summarise(frames, "PR_COMMUNE")
    assert list(s.table["label"][:2]) == ["Nantes", "Le Pouliguen"]
    assert list(s.table["count"][:2]) == [7, 3]
    text = summarise(frames, "REMARQUE")
    assert text.n == 10 and len(text.table) == 1 and text.table.iloc[0]["no_answer"]


def test_weighted_variant(frames):
    weights = pd.Series(1.0, index=frames.wide.index)
    first = frames.wide.index[0]
    weights[first] = 4.0  # a smartphone owner counts for 4
    s = summarise(frames, "EQ_MOBILE", weights)
    assert s.weighted
    smart = row(s, "smartphone")
    assert smart["count"] == 6  # raw counts unchanged
    assert smart["w_count"] == 9 and smart["w_percent"] == pytest.approx(9 / 13 * 100)
    n_eff = 13**2 / (16 + 9)
    lo, hi = hand_wilson(9 / 13 * n_eff, n_eff)
    assert smart["w_ci_low"] == pytest.approx(lo) and smart[
        "w_ci_high"
    ] == pytest.approx(hi)
    assert s.n_effective == pytest.approx(n_eff)
    multi = summarise(frames, "US_ACTIVITES", weights)
    assert row(multi, "email")["w_percent"] == pytest.approx(10 / 13 * 100)
    numbers = summarise(frames, "PR_MENAGE", weights)
    assert numbers.stats["w_mean"] == pytest.approx((4 * 1 + sum(range(2, 11))) / 13)


def test_summarise_all_and_flat_table(frames):
    every = summarise_all(frames)
    assert list(every) == frames.keys()
    flat = summaries_table(every)
    assert set(flat["key"]) == set(frames.keys())
    assert (flat["label"] == "Sans réponse").sum() == len(every)


def test_survey_with_no_answers_and_question_nobody_answered(db, diagnostic):
    frames = load_survey(db, make_survey(db, diagnostic, []))
    every = summarise_all(frames)
    s = every["EQ_MOBILE"]
    assert (s.n, s.total) == (0, 0)
    assert s.warning == "Personne n'a répondu à cette question."
    assert s.table["percent"].isna().all()
    assert np.isnan(s.table["ci_low"]).all()
    other = load_survey(db, make_survey(db, diagnostic, [{"EQ_MOBILE": "aucun"}]))
    nobody = summarise(other, "CP_AISANCE")
    assert nobody.n == 0 and nobody.no_answer == 1
    assert nobody.stats == {"median": None, "median_label": None}
    assert summarise(other, "PR_MENAGE").stats == {"n": 0}


def test_not_asked_is_apart_from_no_answer(frames):
    """Issue 8 B4: people a show-if never asked are "Non concerné", not
    "Sans réponse"."""
    import dataclasses

    from analysis.summaries import NOT_ASKED

    # As in the bank: a question shown only to smartphone users.
    key = "CP_AISANCE"
    condition = {"question": "EQ_MOBILE", "values": ["smartphone"]}
    questions = frames.questions.copy()
    questions["show_if"] = questions["show_if"].astype("object")
    questions.at[key, "show_if"] = condition
    frames = dataclasses.replace(frames, questions=questions)
    s = summarise(frames, key)
    table = s.table.set_index("label")
    target = frames.wide[condition["question"]].astype("object")
    asked = target.isin(condition["values"]).to_numpy()
    answered = frames.answered(key).to_numpy()
    assert (~asked & ~answered).any()
    assert table.loc[NOT_ASKED, "count"] == (~asked & ~answered).sum()
    assert table.loc["Sans réponse", "count"] == (asked & ~answered).sum()
    assert table["count"].sum() >= s.total
    # The results page's table shows both lines, apart, counts only.
    from analysis.result_blocks import question_blocks

    block = next(b for b in question_blocks(frames) if b.key == key)
    apart = [(r.label, r.pct) for r in block.rows if r.no_answer]
    assert apart == [("Sans réponse", "—"), (NOT_ASKED, "—")]
