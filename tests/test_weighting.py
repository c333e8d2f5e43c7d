"""analysis.weighting and analysis.margins: raking, margins files, storage."""

import io

import numpy as np
import pandas as pd
import pytest
from helpers.analysis_surveys import make_survey

from analysis.frames import load_survey
from analysis.summaries import summarise
from analysis.weighting import (
    MarginsError,
    RakingError,
    effective_sample_size,
    load_margins,
    rake,
    read_margins_csv,
    reweight,
    save_margins,
)
from survey_app.surveys.bank import preset


def sample():
    """12 people: young men over-represented."""
    rows = [("jeune", "homme")] * 6 + [("jeune", "femme")] * 2
    rows += [("vieux", "homme")] * 1 + [("vieux", "femme")] * 3
    return pd.DataFrame(rows, columns=["age", "genre"])


def weighted_shares(frame, weights, variable):
    return weights.groupby(frame[variable]).sum() / weights.sum()


def test_raking_reaches_the_target_margins():
    frame = sample()
    margins = {
        "age": {"jeune": 500, "vieux": 500},
        "genre": {"homme": 480, "femme": 520},
    }
    weights = rake(frame, margins, trim=None)
    assert weights.mean() == pytest.approx(1)
    assert weighted_shares(frame, weights, "age")["vieux"] == pytest.approx(
        0.5, abs=1e-6
    )
    assert weighted_shares(frame, weights, "genre")["femme"] == pytest.approx(
        0.52, abs=1e-6
    )
    # Same category, same weight; old people weigh more than young ones.
    assert (
        weights[frame["age"] == "vieux"].min() > weights[frame["age"] == "jeune"].max()
    )
    assert 0 < effective_sample_size(weights) < 12
    # The raking says how it converged.
    assert 1 <= weights.attrs["iterations"] < 100
    assert 0 <= weights.attrs["gap"] < 1e-6


def test_trimming_bounds_the_weights_and_still_meets_feasible_margins():
    frame = sample()
    margins = {"age": {"jeune": 30, "vieux": 70}, "genre": {"homme": 50, "femme": 50}}
    weights = rake(frame, margins, trim=(0.3, 3.0))
    assert weights.max() <= 3.0 * weights.mean() + 1e-9
    assert weights.min() >= 0.3 * weights.mean() - 1e-9
    assert weighted_shares(frame, weights, "age")["vieux"] == pytest.approx(
        0.7, abs=1e-5
    )


def test_missing_profile_answers_are_left_out_of_that_margin():
    frame = sample()
    frame.loc[len(frame)] = [None, "femme"]  # age not given
    frame.loc[len(frame)] = ["jeune", "nr"]  # gender not given
    margins = {"age": {"jeune": 50, "vieux": 50}, "genre": {"homme": 50, "femme": 50}}
    weights = rake(frame, margins)
    known_age = frame["age"].notna()
    shares = weighted_shares(frame[known_age], weights[known_age], "age")
    assert shares["vieux"] == pytest.approx(0.5, abs=1e-6)
    known_genre = frame["genre"].isin(["homme", "femme"])
    shares = weighted_shares(frame[known_genre], weights[known_genre], "genre")
    assert shares["femme"] == pytest.approx(0.5, abs=1e-6)
    assert len(weights) == 14 and weights.notna().all()


def test_impossible_margins_do_not_converge():
    # Age and gender coincide in the sample: no weights give 50/50 and 90/10.
    frame = pd.DataFrame({"age": ["jeune"] * 5 + ["vieux"] * 5,
                          "genre": ["homme"] * 5 + ["femme"] * 5})  # fmt: skip
    margins = {"age": {"jeune": 50, "vieux": 50}, "genre": {"homme": 90, "femme": 10}}
    with pytest.raises(RakingError, match=r"ne converge pas en 50 tours.*écart de \d"):
        rake(frame, margins, max_iter=50)


@pytest.mark.parametrize(
    ("margins", "message"),
    [
        ({"age": {"jeune": 50, "vieux": 50}, "genre": {"homme": 900, "femme": 100}},
         "même population"),
        ({"age": {"jeune": 50, "vieux": 40, "centenaire": 10}}, "n'existe pas"),
        ({"age": {"jeune": 50, "vieux": -1}}, "positif"),
        ({"age": {"jeune": 50, "vieux": 0}}, "vaut 0"),
        ({"taille": {"grand": 1}}, "manque"),
    ],
)  # fmt: skip
def test_bad_margins_raise_french_errors(margins, message):
    with pytest.raises(RakingError, match=message):
        rake(sample(), margins)


def test_margins_totals_differing_by_rounding_are_normalised():
    margins = {
        "age": {"jeune": 500, "vieux": 500},
        "genre": {"homme": 480, "femme": 521},
    }
    weights = rake(sample(), margins)
    shares = weighted_shares(sample(), weights, "genre")
    assert shares["femme"] == pytest.approx(521 / 1001, abs=1e-6)


def test_category_without_respondent_and_empty_frame():
    frame = pd.DataFrame({"age": pd.Categorical(["jeune"] * 3, ["jeune", "vieux"])})
    with pytest.raises(RakingError, match="Personne n'a répondu"):
        rake(frame, {"age": {"jeune": 1, "vieux": 1}})
    with pytest.raises(RakingError, match="Aucune réponse"):
        rake(frame.iloc[:0], {"age": {"jeune": 1}})


POP1B = """CODGEO;LIBGEO;SEXE;AGED100;NB
44109;Nantes;1;010;50.5
44109;Nantes;1;020;100.25
44109;Nantes;2;020;110
44109;Nantes;2;080;40
44109;Nantes;1;100;9.75
44143;Rezé;2;030;1000
"""


def test_read_pop1b_sums_ages_into_bands():
    margins = read_margins_csv(io.BytesIO(POP1B.encode()), communes={"44109"})
    got = {(r.variable, r.category): r.target for r in margins.itertuples()}
    assert got == {
        ("PR_AGE", "18_24"): 210.25,  # ages 20 (both sexes); age 10 left out
        ("PR_AGE", "75_plus"): 49.75,  # 80 and 100+
        ("PR_GENRE", "femme"): 150,
        ("PR_GENRE", "homme"): 110,
    }
    assert list(margins["variable"]) == ["PR_AGE", "PR_AGE", "PR_GENRE", "PR_GENRE"]
    everything = read_margins_csv(POP1B.encode())
    assert everything[everything["category"] == "25_39"]["target"].item() == 1000
    with pytest.raises(MarginsError, match="communes du diagnostic"):
        read_margins_csv(POP1B.encode(), communes={"75056"})


def test_read_simple_layout_with_labels_and_decimal_commas():
    text = "variable;modalité;effectif\nâge;15-24;1 200,5\nSexe;Femmes;600\n"
    text += "genre;H;601\ndiplome;Baccalauréat;300\n"
    margins = read_margins_csv(io.StringIO(text))
    got = {(r.variable, r.category): r.target for r in margins.itertuples()}
    assert got == {
        ("age", "15_24"): 1200.5,  # an INSEE band: stored under "age"
        ("PR_GENRE", "femme"): 600,
        ("PR_GENRE", "homme"): 601,
        ("PR_DIPLOME", "bac"): 300,
    }
    bank_bands = read_margins_csv(b"variable;modalite;effectif\nPR_AGE;18-24;5\n")
    assert bank_bands.iloc[0].tolist() == ["PR_AGE", "18_24", 5.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "vide"),
        ("a;b;c\n1;2;3\n", "Format non reconnu"),
        ("variable;modalite;effectif\nage;15_24;beaucoup\n", "n'est pas un nombre"),
        ("variable;modalite;effectif\nage;15_24;-3\n", "positif"),
        ("variable;modalite;effectif\ntaille;grand;3\n", "variable « taille »"),
        ("variable;modalite;effectif\nage;12_14;3\n", "tranche « 12_14 »"),
        ("variable;modalite;effectif\nage;15_24;3\nage;15-24;4\n", "chevauche"),
        ("variable;modalite;effectif\nage;15_24;3\nage;18_24;4\n", "chevauche"),
        ("variable;modalite;effectif\nage;20-29;3\n", "coupe la tranche « 18 à 24"),
        ("CODGEO;LIBGEO;SEXE;AGED100;NB\n44109;N;3;020;1\n", "SEXE"),
        ("CODGEO;LIBGEO;SEXE;AGED100;NB\n44109;N;1;vingt;1\n", "AGED100"),
    ],
)
def test_margins_file_errors_are_french(text, message):
    with pytest.raises(MarginsError, match=message):
        read_margins_csv(text.encode("utf-8"))


def test_margins_stored_per_diagnostic_and_deleted_with_it(db, diagnostic):
    margins = read_margins_csv(POP1B.encode())
    save_margins(db, diagnostic, margins, source="RP 2021, POP1B")
    loaded = load_margins(db, diagnostic)
    assert loaded[["variable", "category", "target"]].equals(margins)
    assert set(loaded["source"]) == {"RP 2021, POP1B"}
    smaller = margins[margins["variable"] == "PR_GENRE"]
    save_margins(db, diagnostic, smaller)  # replaces, never appends
    assert len(load_margins(db, diagnostic)) == 2
    with pytest.raises(MarginsError):
        save_margins(db, diagnostic, pd.DataFrame(
            [("", "99_plus", 3.0)], columns=["variable", "category", "target"]
        ))  # fmt: skip
    assert len(load_margins(db, diagnostic)) == 2
    db.execute("DELETE FROM diagnostics WHERE id = ?", [diagnostic])
    db.conn.commit()
    assert load_margins(db, diagnostic).empty


def test_reweight_a_survey_and_summaries_use_the_weights(db, diagnostic):
    answers = [{"PR_AGE": "18_24", "PR_GENRE": "homme", "EQ_MOBILE": "smartphone"}] * 6
    answers += [{"PR_AGE": "75_plus", "PR_GENRE": "femme", "EQ_MOBILE": "aucun"}] * 2
    answers += [{"PR_AGE": "75_plus", "PR_GENRE": "homme", "EQ_MOBILE": "aucun"}]
    answers += [{"PR_AGE": "18_24", "PR_GENRE": "femme", "EQ_MOBILE": "smartphone"}]
    answers += [{"PR_AGE": "nr", "EQ_MOBILE": "smartphone"}]
    survey = make_survey(db, diagnostic, answers, questions=preset("complet"))
    frames = load_survey(db, survey)
    margins = pd.DataFrame(
        [("age", "15_24", 50), ("age", "75_plus", 50),
         ("genre", "femme", 50), ("genre", "homme", 50)],
        columns=["variable", "category", "target"],
    )  # fmt: skip
    weights = reweight(frames, margins)
    assert len(weights) == 11
    # The same margins given on the bank's bands (as read from POP1B).
    by_key = margins.replace({"age": "PR_AGE", "genre": "PR_GENRE", "15_24": "18_24"})
    assert np.allclose(reweight(frames, by_key), weights)
    aged = frames.wide["PR_AGE"].isin(["18_24", "75_plus"])
    old = (frames.wide["PR_AGE"] == "75_plus")[aged]
    assert weights[aged][old].sum() / weights[aged].sum() == pytest.approx(
        0.5, abs=1e-6
    )
    s = summarise(frames, "EQ_MOBILE", weights)
    aucun = s.table[s.table["code"] == "aucun"].iloc[0]
    assert aucun["percent"] == pytest.approx(3 / 11 * 100)
    assert aucun["w_percent"] > aucun["percent"]
    assert np.isclose(s.n_effective, effective_sample_size(weights))
    with pytest.raises(RakingError, match="Personne n'a répondu"):
        bands = pd.concat(
            [
                margins,
                pd.DataFrame(
                    [("age", "40_59", 10)], columns=["variable", "category", "target"]
                ),
            ]
        )
        reweight(frames, bands)


def test_the_margins_page_example_is_accepted_and_rakes(db, diagnostic):
    """The example printed on the margins page (issue 8, B2)."""
    import re
    from pathlib import Path

    page = Path("analysis/templates/results/margins.html").read_text("utf-8")
    example = re.search(r'<pre class="example">(.*?)</pre>', page, re.S).group(1)
    margins = read_margins_csv(example.encode("utf-8"))
    assert set(margins["variable"]) == {"age", "PR_GENRE"}
    assert len(margins[margins["variable"] == "age"]) == 5
    save_margins(db, diagnostic, margins)


def test_any_nesting_banding_is_accepted_and_groups_answers():
    from analysis.groups import banding_groups

    text = "variable;modalite;effectif\nage;15-39;300\nage;40 à 59 ans;200\n"
    text += "age;60 ans et plus;250\n"
    margins = read_margins_csv(text.encode())
    variable = "age:15_39|40_59|60_plus"
    assert set(margins["variable"]) == {variable}
    groups = banding_groups(variable)
    assert groups["15_39"][1] == ["15_17", "18_24", "25_39"]
    assert groups["60_plus"] == ("60 ans ou plus", ["60_69", "70_74", "75_plus"])
