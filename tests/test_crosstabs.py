"""analysis.crosstabs and analysis.groups on small hand-checked data."""

import numpy as np
import pandas as pd
import pytest
from helpers.analysis_surveys import make_survey

from analysis.crosstabs import (
    apply_mask,
    crosstab,
    suppress,
    suppression_mask,
)
from analysis.disclosure import Layout, audit
from analysis.frames import load_survey
from analysis.groups import GroupingError, group_series
from analysis.indicators import available_indicators, indicator_series
from analysis.priority import priority_publics
from survey_app.surveys.bank import preset
from tests.test_summaries import hand_wilson


def person(age, genre, mobile, activites=None, **more):
    answers = {"PR_AGE": age, "PR_GENRE": genre, "EQ_MOBILE": mobile, **more}
    if activites is not None:
        answers["US_ACTIVITES"] = activites
    return answers


def population():
    """8 women (6 smartphone, 2 aucun), 4 men (3 smartphone, 1 simple), 2 nr."""
    women = [person("18_24", "femme", "smartphone", ["email"])] * 3
    women += [person("25_39", "femme", "smartphone", ["email", "achats"])] * 3
    women += [person("75_plus", "femme", "aucun", ["aucune"])] * 2
    men = [person("15_17", "homme", "smartphone", ["achats"])] * 3
    men += [person("70_74", "homme", "mobile_simple")]
    others = [person("nr", "nr", "smartphone"), {"EQ_MOBILE": "aucun"}]
    return women + men + others


@pytest.fixture
def frames(db, diagnostic):
    survey = make_survey(db, diagnostic, population(), questions=preset("complet"))
    return load_survey(db, survey)


def test_crosstab_single_choice_by_gender(frames):
    ct = crosstab(frames, "EQ_MOBILE", "genre")
    counts = ct.counts
    assert counts.loc["femme", "smartphone"] == 6 and counts.loc["femme", "aucun"] == 2
    assert counts.loc["homme", "mobile_simple"] == 1
    assert counts.loc["femme", "Total"] == 8 and counts.loc["homme", "Total"] == 4
    assert counts.loc["Total", "smartphone"] == 9 and counts.loc["Total", "Total"] == 12
    assert "nr" not in counts.index  # "prefer not to say" is not a group
    assert ct.without_group == 2
    assert ct.percent.loc["femme", "smartphone"] == pytest.approx(75)
    row = ct.table[(ct.table["group"] == "femme") & (ct.table["code"] == "smartphone")]
    lo, hi = hand_wilson(6, 8)
    assert row["ci_low"].iloc[0] == pytest.approx(lo)
    assert row["ci_high"].iloc[0] == pytest.approx(hi)
    assert row["group_label"].iloc[0] == "Une femme"
    assert ct.labels["aucun"] == "Non, aucun téléphone portable"


def test_crosstab_by_merged_age_bands_and_multiple_choice(frames):
    ct = crosstab(frames, "US_ACTIVITES", "age")
    counts = ct.counts
    bands = ["15_24", "25_39", "40_59", "60_74", "75_plus"]
    assert list(counts.index) == [*bands, "Total"]
    # 15_17 (3 men) and 18_24 (3 women) merge into 15-24: 6 people.
    assert counts.loc["15_24", "Total"] == 6
    assert counts.loc["15_24", "email"] == 3 and counts.loc["15_24", "achats"] == 3
    assert counts.loc["25_39", "email"] == 3 and counts.loc["25_39", "achats"] == 3
    assert ct.percent.loc["25_39", "achats"] == 100  # % of people: > 100 in total
    assert counts.loc["60_74", "Total"] == 0  # the 70-74 man did not answer it
    assert ct.group_labels["75_plus"] == "75 ans ou plus"


def test_crosstab_by_collection_point_and_bad_groupings(frames):
    ct = crosstab(frames, "EQ_MOBILE", "lieu")
    assert list(ct.counts.index) == ["Marché", "Total"]
    assert ct.counts.loc["Marché", "Total"] == 14
    with pytest.raises(GroupingError):
        crosstab(frames, "EQ_MOBILE", "PR_MENAGE_INCONNU")
    with pytest.raises(GroupingError):
        group_series(frames, "US_ACTIVITES")
    with pytest.raises(ValueError):
        crosstab(frames, "PR_MENAGE", "genre")


def test_suppression_hides_small_cells_and_their_complements():
    counts = pd.DataFrame(
        [[10, 3, 7, 20], [8, 9, 6, 23], [18, 12, 13, 43]],
        index=["g1", "g2", "Total"],
        columns=["a", "b", "c", "Total"],
    )
    mask = suppression_mask(counts)
    assert mask.loc["g1", "b"] and not mask.loc["Total", "Total"]
    # 3 + hidden = 10 - ... : the old "two per line" pattern left g1.c in
    # 6-9 (3 is "< 5"): the audit wants every complement to move by ≥ 5.
    layout = Layout.from_counts(counts)
    assert audit(layout, mask.to_numpy())["safe"].all()
    shown = suppress(counts)
    assert shown.loc["g1", "b"] == "< 5"
    # A complement is never labelled "< 5": it is not small.
    for i, c in zip(*np.nonzero(mask.to_numpy()), strict=True):
        value = counts.iat[i, c]
        assert shown.iat[i, c] == ("< 5" if 0 < value < 5 else "masqué")


def test_minimal_leak_of_the_issue_is_closed():
    """[[4,0,0],[3,0,0],[10,1,3],[3,2,0]] with margins (issue 8, B1)."""
    inner = np.array([[4, 0, 0], [3, 0, 0], [10, 1, 3], [3, 2, 0]], dtype=float)
    full = np.zeros((5, 4))
    full[:4, :3] = inner
    full[:4, 3] = inner.sum(axis=1)
    full[4] = full[:4].sum(axis=0)
    counts = pd.DataFrame(
        full, index=["A", "B", "C", "D", "Total"], columns=["x", "y", "z", "Total"]
    )
    layout = Layout.from_counts(counts)
    # The two-per-line rule: A+B = 7 follows from the totals, D.x = 3, D.y = 2.
    primary = (full > 0) & (full < 5)
    leaky = audit(layout, primary).set_index(["row", "column"])
    assert leaky.loc[(3, 0), "low"] == leaky.loc[(3, 0), "high"] == 3
    mask = suppression_mask(counts).to_numpy()
    result = audit(layout, mask)
    assert result["safe"].all(), result
    shown = suppress(counts)
    assert shown.loc["C", "x"] in ("masqué", 10.0)
    assert "< 5" not in {shown.at["C", "x"], shown.at["C", "Total"]}


def test_suppression_keeps_zeros_and_big_cells():
    counts = pd.DataFrame([[0, 12, 12], [5, 7, 12]], columns=["a", "b", "Total"])
    assert not suppression_mask(counts).to_numpy().any()
    small_total = pd.DataFrame([[2, 1, 3]], index=["g"], columns=["a", "b", "Total"])
    assert suppression_mask(small_total).to_numpy().all()
    masked = apply_mask(pd.DataFrame([[1.5, 2.5]]), pd.DataFrame([[True, False]]))
    assert masked.iloc[0, 0] == "< 5" and masked.iloc[0, 1] == 2.5


def test_display_hides_percentages_of_small_cells(frames):
    shown = crosstab(frames, "EQ_MOBILE", "genre").display()
    counts, percent = shown["counts"], shown["percent"]
    assert counts.loc["femme", "aucun"] == "< 5"
    assert percent.loc["femme", "aucun"] == "< 5"
    # 6 + hidden = 8 would reveal it: the complement is hidden, as "masqué".
    assert counts.loc["femme", "smartphone"] == "masqué"
    # A % is hidden with its count, and wherever its row's total is hidden.
    for group in counts.index:
        row_hidden = isinstance(counts.at[group, "Total"], str)
        for code in percent.columns:
            if row_hidden or isinstance(counts.at[group, code], str):
                assert isinstance(percent.at[group, code], str), (group, code)


def test_percentages_of_a_row_with_hidden_total_are_hidden():
    from analysis.crosstabs import CrossTab

    counts = pd.DataFrame(
        [[2, 9, 11], [8, 10, 18], [10, 19, 29]],
        index=["g1", "g2", "Total"],
        columns=["a", "b", "Total"],
    )
    percent = counts[["a", "b"]].div(counts["Total"], axis=0) * 100
    ct = CrossTab("K", "by", "T", counts, percent, pd.DataFrame(), {}, {}, 0)
    shown = ct.display()
    assert shown["counts"].at["g1", "Total"] == "masqué"
    # 9 shown with 81.8 % would give 11 back.
    assert shown["percent"].at["g1", "b"] == "masqué"


def test_indicators_follow_the_bank_codes(frames):
    ids = {i["id"] for i in available_indicators(frames)}
    assert {"sans_smartphone", "illectronisme_proxy", "renoncement"} <= ids
    smartphone = indicator_series(frames, "sans_smartphone")
    assert int(smartphone.sum()) == 4  # 2 aucun women, 1 simple man, 1 aucun
    assert int(smartphone.notna().sum()) == 14


def test_illectronisme_proxy_rules(db, diagnostic):
    no = {f"CP_{k}": "non" for k in ["INFORMATION", "COMMUNICATION", "CONTENUS"]}
    no |= {"CP_SECURITE": "non", "CP_PROBLEMES": "non"}
    answers = [
        {"US_DERNIERE_UTILISATION": "jamais"},  # True: no recent use
        {"US_DERNIERE_UTILISATION": "moins_3_mois", **no},  # True: no skill
        {"US_DERNIERE_UTILISATION": "moins_3_mois", **no, "CP_PROBLEMES": "seul"},
        {"US_DERNIERE_UTILISATION": "moins_3_mois"},  # cannot tell
        {},
    ]
    survey = make_survey(db, diagnostic, answers, questions=preset("complet"))
    values = indicator_series(load_survey(db, survey), "illectronisme_proxy")
    assert values.tolist() == [True, True, False, pd.NA, pd.NA]


def test_indicator_skipped_when_its_question_is_absent(db, diagnostic):
    short = [q for q in preset("complet") if q["key"] in {"EQ_MOBILE", "PR_AGE"}]
    frames = load_survey(db, make_survey(db, diagnostic, [], questions=short))
    assert [i["id"] for i in available_indicators(frames)] == ["sans_smartphone"]
    assert indicator_series(frames, "renoncement") is None
    assert priority_publics(frames).empty


def test_priority_publics_ranked_with_intervals(frames):
    result = priority_publics(frames)
    smartphone = result[result["indicator"] == "sans_smartphone"]
    rows = smartphone[smartphone["grouping"] == "age"]
    top = rows.iloc[0]
    assert top["group"] == "75_plus" and top["rank"] == 1
    assert top["n"] == 2 and top["count"] == 2 and top["percent"] == 100
    assert top["suppressed"]  # 2 people: never shown
    assert top["overall_percent"] == pytest.approx(4 / 14 * 100)
    women = result[
        (result["indicator"] == "sans_smartphone") & (result["group"] == "femme")
    ].iloc[0]
    assert (women["n"], women["count"]) == (8, 2)
    lo, hi = hand_wilson(2, 8)
    assert women["ci_low"] == pytest.approx(lo)
    assert women["ci_high"] == pytest.approx(hi)
    assert women["difference"] == pytest.approx(25 - 4 / 14 * 100)
    assert set(result["grouping"]) <= {"age", "genre", "situation", "diplome"}
    assert np.all(np.diff(smartphone["rank"]) >= 0)


def test_summary_display_hides_small_counts_and_one_complement(frames):
    from analysis.crosstabs import suppress_summary
    from analysis.summaries import Summary, summarise

    s = summarise(frames, "EQ_MOBILE")  # 10 smartphone, 1 simple, 3 aucun
    shown = suppress_summary(s).set_index("label")
    assert shown.loc["Oui, un téléphone simple (sans Internet)", "count"] == "< 5"
    assert shown.loc["Oui, un téléphone simple (sans Internet)", "ci_low"] == "< 5"
    assert shown.loc["Non, aucun téléphone portable", "percent"] == "< 5"
    assert shown.loc["Oui, un smartphone", "count"] == 10
    assert shown.loc["Sans réponse", "count"] == 0
    # One small row only: the smallest other one is hidden with it.
    table = pd.DataFrame(
        {"code": ["a", "b", "c", None], "label": ["A", "B", "C", "Sans réponse"],
         "count": [10.0, 7.0, 3.0, 0.0], "percent": [50.0, 35.0, 15.0, None],
         "no_answer": [False, False, False, True]}
    )  # fmt: skip
    single = Summary("K", "single", "autre", "?", 20, 20, 0, table)
    hidden = suppress_summary(single).set_index("label")["count"]
    # 7 is not small: "masqué", never "< 5"; 10 shown would leave 7 in 6-9.
    assert hidden.tolist() == ["masqué", "masqué", "< 5", 0.0]
    # Multiple choice: 6 email, 6 achats, 2 "aucune", 3 without an answer.
    multi = suppress_summary(summarise(frames, "US_ACTIVITES")).set_index("code")
    assert multi.loc["aucune", "percent"] == "< 5" and multi.loc["email", "count"] == 6
    assert (multi["count"] == "< 5").sum() == 2


def test_household_size_bands(db, diagnostic):
    answers = [{"PR_MENAGE": n, "EQ_MOBILE": "aucun"} for n in (1, 1, 2, 3, 7)]
    answers.append({"EQ_MOBILE": "aucun"})
    survey = make_survey(db, diagnostic, answers, questions=preset("complet"))
    groups = group_series(load_survey(db, survey), "menage")
    assert groups.codes.astype(object).where(groups.codes.notna(), None).tolist() == [
        "seul",
        "seul",
        "deux",
        "trois_plus",
        "trois_plus",
        None,
    ]
    assert groups.labels["seul"] == "Vit seul"


def _crosstab_from(inner, key="K", by="by"):
    from analysis.crosstabs import CrossTab

    inner = np.asarray(inner, dtype=float)
    full = np.zeros((inner.shape[0] + 1, inner.shape[1] + 1))
    full[:-1, :-1] = inner
    full[:-1, -1] = inner.sum(axis=1)
    full[-1] = full[:-1].sum(axis=0)
    codes = ["a", "b", "c"][: inner.shape[1]]
    counts = pd.DataFrame(
        full,
        index=[f"g{i}" for i in range(inner.shape[0])] + ["Total"],
        columns=[*codes, "Total"],
    )
    percent = counts[codes].div(counts["Total"], axis=0) * 100
    return CrossTab(key, by, by, counts, percent, pd.DataFrame(), {}, {}, 0)


def test_tables_of_one_question_are_protected_together():
    """Two groupings of the same people share their "Ensemble" row: each
    table safe alone can still leak once both are read (found by search)."""
    from analysis.crosstabs import protect_linked, protection
    from analysis.disclosure import linked_layout, linked_masks

    a = _crosstab_from([[2, 1, 5], [1, 2, 2], [2, 5, 5]], by="age")
    b = _crosstab_from([[2, 6, 5], [3, 2, 7]], by="genre")
    layout, rows = linked_layout([a.counts, b.counts])
    alone = [protection(ct.counts) for ct in (a, b)]
    hidden, primary = linked_masks(layout, rows, alone)
    assert not audit(layout, hidden, primary=primary)["safe"].all()
    together = protect_linked([a, b])
    hidden, primary = linked_masks(layout, rows, together)
    assert audit(layout, hidden, primary=primary)["safe"].all()


def test_page_crosstab_is_audited_knowing_the_overall_counts():
    """The results page prints the question's overall counts above the
    cross-tab: with them known, no hidden cell may be narrowed."""
    from analysis.crosstabs import audit_crosstab
    from analysis.disclosure import Layout, audit
    from analysis.result_blocks import total_row_known

    ct = _crosstab_from([[8, 2, 1], [2, 4, 8], [4, 0, 3]])
    known = total_row_known(ct)
    assert audit_crosstab(ct, known=known)["safe"].all()
    # Protected without knowing them, the same table leaks on the page.
    layout = Layout.from_counts(ct.counts)
    layout.known = known
    shown = ct.display()["counts"]
    hidden = shown.map(lambda v: isinstance(v, str)).to_numpy()
    primary = (shown == "< 5").to_numpy()
    assert not audit(layout, hidden, primary=primary)["safe"].all()


def test_priority_publics_use_one_basis_when_weighted(frames):
    """Weighted: group share, overall share and gap are all weighted (issue 8
    B3: 35 % − 19 % was shown as +17 pts, mixing weighted and raw)."""
    wide = frames.wide
    weights = pd.Series(np.linspace(0.2, 3.0, len(wide)), index=wide.index)
    result = priority_publics(frames, weights=weights)
    assert len(result) and result["weighted"].all()
    assert (
        result["difference"] == result["w_percent"] - result["overall_percent"]
    ).all()
    assert result["n_effective"].notna().all()
    first = result.iloc[0]
    rows = result[result["indicator"] == first["indicator"]]
    best = rows.loc[rows["w_percent"].idxmax()]
    assert best["rank"] == 1


def _sparse_table(seed: int, rows: int = 6, columns: int = 10) -> pd.DataFrame:
    """A demo-sized cross-tab: skewed answers, many cells of 1 to 4."""
    rng = np.random.default_rng(seed)
    inner = rng.poisson(rng.gamma(0.6, 6, size=(rows, columns))).astype(float)
    full = np.zeros((rows + 1, columns + 1))
    full[:rows, :columns] = inner
    full[:rows, columns] = inner.sum(axis=1)
    full[rows] = full[:rows].sum(axis=0)
    return pd.DataFrame(
        full,
        index=[*(f"g{i}" for i in range(rows)), "Total"],
        columns=[*(f"c{j}" for j in range(columns)), "Total"],
    )


def test_protection_solves_few_lps_and_stays_audited(monkeypatch):
    """Issue 8 B1 follow-up: the demo workbook took 40 s, 15,000 LPs (two per
    hidden cell per round). Cells proved wide by earlier solutions or pinned
    by bound propagation need none; the full audit still passes."""
    import analysis.disclosure as disclosure

    solved = []
    real = disclosure.linprog
    monkeypatch.setattr(
        disclosure, "linprog", lambda *a, **k: solved.append(1) or real(*a, **k)
    )
    for seed in range(6):
        counts = _sparse_table(seed)
        mask = suppression_mask(counts).to_numpy()
        solved_for_protection = len(solved)
        result = audit(Layout.from_counts(counts), mask)
        assert result["safe"].all(), (seed, result)
        del solved[solved_for_protection:]
    assert len(solved) < 6 * 60, len(solved)
    solved.clear()
    # No small cell: nothing hidden, no LP at all.
    counts = pd.DataFrame([[10, 12, 22], [15, 7, 22]], columns=["a", "b", "Total"])
    assert not suppression_mask(counts).to_numpy().any() and not solved
