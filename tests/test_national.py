"""analysis.national: figures as data, local vs national, verdicts."""

import pandas as pd
import pytest
from helpers.analysis_surveys import make_survey

from analysis import national
from analysis.frames import load_survey
from analysis.national import (
    FiguresError,
    compare_national,
    load_figures,
    verdict,
)
from survey_app.surveys.bank import preset
from tests.test_summaries import hand_wilson


def test_every_figure_is_sourced_and_dated():
    figures = load_figures()
    assert len(figures) >= 15
    for figure in figures:
        assert figure["url"].startswith("https://")
        assert 2019 <= figure["year"] <= 2024
        assert figure["population"] and figure["source"]
    ids = {f["id"]: f for f in figures}
    assert ids["illectronisme"]["value"] == 15.4
    assert ids["illectronisme_age"]["groups"]["75_plus"] == 62
    assert ids["renoncement"]["population"].startswith("18 ans")


def test_verdicts():
    assert verdict(50, 40, 60, 91) == "nettement plus bas qu'en France"
    assert verdict(30, 26, 34, 15.4) == "nettement plus élevé qu'en France"
    assert verdict(18, 16.1, 19.9, 15.4) == "un peu plus élevé qu'en France"
    assert verdict(15, 13, 17, 15.4) == "proche de la moyenne nationale"
    assert verdict(15, 7, 29, 13.9) == (
        "différence non significative (échantillon trop petit)"
    )
    assert verdict(float("nan"), float("nan"), float("nan"), 10) == "pas de réponse"


def answers():
    """40 people: 20 smartphones; 6 have not used the Internet for 3 months."""
    rows = []
    for i in range(40):
        rows.append(
            {
                "EQ_MOBILE": "smartphone" if i < 20 else "aucun",
                "US_DERNIERE_UTILISATION": "jamais" if i < 6 else "moins_3_mois",
                "PR_AGE": "75_plus" if i < 10 else "25_39",
            }
        )
    return rows


@pytest.fixture
def frames(db, diagnostic):
    survey = make_survey(db, diagnostic, answers(), questions=preset("complet"))
    return load_survey(db, survey)


def one(result, figure_id, group=None):
    rows = result[result["id"] == figure_id]
    if group is not None:
        rows = rows[rows["group"] == group]
    assert len(rows) == 1
    return rows.iloc[0]


def test_compare_national_raw(frames):
    result = compare_national(frames)
    smart = one(result, "smartphone")
    assert (smart["n"], smart["count"], smart["percent"]) == (40, 20, 50)
    lo, hi = hand_wilson(20, 40)
    assert smart["ci_low"] == pytest.approx(lo)
    assert smart["ci_high"] == pytest.approx(hi)
    assert smart["national"] == 91 and smart["year"] == 2024
    assert smart["verdict"] == "nettement plus bas qu'en France"
    assert smart["difference"] == pytest.approx(-41)
    assert pd.isna(smart["w_percent"])
    recent = one(result, "pas_internet_3_mois")
    assert recent["percent"] == pytest.approx(15)
    assert recent["verdict"] == "différence non significative (échantillon trop petit)"
    # The illectronisme proxy is flagged as such, with the age-band figures.
    proxy = one(result, "illectronisme")
    assert proxy["proxy"] and "approximation" in proxy["note"]
    old = one(result, "illectronisme_age", "75_plus")
    # 10 people aged 75+: 6 never used the Internet (in); 4 did recently but
    # answered no skills item, so the proxy cannot tell (left out of n).
    assert old["national"] == 62 and old["n"] == 6 and old["count"] == 6
    assert old["group_label"] == "75 ans ou plus"
    young = one(result, "illectronisme_age", "15_24")
    assert young["n"] == 0 and young["verdict"] == "pas de réponse"
    # Figures on questions nobody answered have n = 0; absent ones are skipped.
    assert one(result, "renoncement")["n"] == 0


def test_compare_national_weighted(frames):
    weights = pd.Series(1.0, index=frames.wide.index)
    weights.iloc[:20] = 3.0  # smartphone owners count three times
    smart = one(compare_national(frames, weights), "smartphone")
    assert smart["percent"] == 50  # raw unchanged
    assert smart["w_percent"] == pytest.approx(75)
    n_eff = 80**2 / (20 * 9 + 20)
    assert smart["n_effective"] == pytest.approx(n_eff)
    lo, hi = hand_wilson(0.75 * n_eff, n_eff)
    assert smart["w_ci_low"] == pytest.approx(lo)
    assert smart["difference"] == pytest.approx(75 - 91)  # weighted decides


def test_figures_of_absent_questions_are_skipped(db, diagnostic):
    short = [q for q in preset("complet") if q["key"] == "EQ_MOBILE"]
    frames = load_survey(db, make_survey(db, diagnostic, [], questions=short))
    assert compare_national(frames)["id"].tolist() == ["smartphone"]


def test_malformed_figures_file(tmp_path):
    bad = tmp_path / "figures.yaml"
    bad.write_text("- id: x\n  label: y\n  value: 12\n", encoding="utf-8")
    with pytest.raises(FiguresError, match="champs manquants"):
        national.load_figures(bad)
    bad.write_text(
        "- {id: x, label: y, value: 120, year: 2021, population: p, source: s,"
        " url: 'https://u', indicator: renoncement}\n",
        encoding="utf-8",
    )
    with pytest.raises(FiguresError, match="entre 0 et 100"):
        national.load_figures(bad)


def test_local_base_is_restricted_to_the_national_age_range(frames):
    """Under-18s are not compared with an 18+ figure, and it is said."""
    import dataclasses

    import numpy as np

    from analysis.national import age_basis, compare_national, load_figures

    wide = frames.wide.copy()
    assert "PR_AGE" in wide.columns
    wide.loc[wide.index[:3], "PR_AGE"] = "15_17"  # three minors
    frames = dataclasses.replace(frames, wide=wide)
    young = wide["PR_AGE"].astype("object").isin(["moins_15", "15_17"]).to_numpy()
    eligible, sentence = age_basis(frames, "18 ans ou plus, France métropolitaine")
    assert not (eligible & young).any()
    assert eligible[~young].all()
    assert "18 ans ou plus" in sentence
    table = compare_national(frames)
    adults_only = {f["id"] for f in load_figures() if "18 ans" in f["population"]}
    rows = table[table["id"].isin(adults_only)]
    assert young.sum() == 3
    assert len(rows) and (rows["n"] <= int((~young).sum())).all()
    assert rows["basis"].str.contains("18 ans ou plus").all()
    credoc = [f for f in load_figures() if "CREDOC" in f["source"]]
    assert credoc and all("métropolitaine" in f["population"] for f in credoc)
    assert np.asarray(eligible).dtype == bool
