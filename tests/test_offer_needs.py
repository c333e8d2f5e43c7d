"""Needs against offer on hand-checked data (issue 11 §2)."""

import numpy as np
import pandas as pd
import pytest

from offer.needs import (
    DEFAULT_MAPPING,
    answer_flags,
    commune_centres,
    haversine_km,
    needs_offer,
    uncovered,
)
from offer.schema import load_schema
from offer.schematic import needs_svg

COMMUNES = pd.DataFrame({
    "code": ["A", "B", "C"], "name": ["Alpha", "Bêta", "Gamma"],
    "latitude": [45.76, 45.77, 46.50], "longitude": [4.835, 4.88, 4.835],
})  # fmt: skip
PLACES = pd.DataFrame([{
    "id": "p1", "nom": "France Services Alpha", "code_insee": "A",
    "latitude": "45.76", "longitude": "4.835",
    "services": "Aide aux démarches administratives|Loisirs et créations numériques",
    "modalites_accompagnement": "", "horaires": "",
}])  # fmt: skip
MAPPING = {
    "BE_SUJETS:demarches": ["services=Aide aux démarches administratives"],
    "BE_SUJETS:parentalite": ["services=Parentalité et éducation avec le numérique"],
    "BE_FORMAT:individuel": ["modalites_accompagnement=Accompagnement individuel"],
}


def column(counts: dict[str, tuple[int, int]]) -> list:
    """{commune: (yes, asked)} → answers in commune order A, B, C (20, 10, 6)."""
    out = []
    for code, size in (("A", 20), ("B", 10), ("C", 6)):
        yes, asked = counts.get(code, (0, 0))
        out += [True] * yes + [False] * (asked - yes) + [None] * (size - asked)
    return out


@pytest.fixture
def table():
    answers = pd.DataFrame({
        "commune": ["A"] * 20 + ["B"] * 10 + ["C"] * 6,
        "BE_SUJETS:demarches": column({"A": (8, 20), "B": (5, 10), "C": (6, 6)}),
        "BE_SUJETS:parentalite": column({"A": (2, 20), "B": (0, 10), "C": (3, 6)}),
        "BE_FORMAT:individuel": column({"A": (3, 20), "B": (5, 10)}),
    })  # fmt: skip
    for key in MAPPING:
        answers[key] = answers[key].astype("boolean")
    return needs_offer(
        answers, PLACES, COMMUNES, MAPPING, {"BE_SUJETS:demarches": "Démarches"}
    )


def row(table, need, commune):
    return table[(table["need"] == need) & (table["commune_code"] == commune)].iloc[0]


def test_distance_coverage_and_nearest(table):
    assert row(table, "BE_SUJETS:demarches", "A")["covered"]  # in the commune
    b = row(table, "BE_SUJETS:demarches", "B")
    assert b["covered"] and b["distance_km"] == pytest.approx(3.67, abs=0.02)
    c = row(table, "BE_SUJETS:demarches", "C")
    assert not c["covered"] and c["nearest"] == "France Services Alpha"
    assert c["distance_km"] == pytest.approx(0.74 * 111.195, abs=0.1)
    assert c["label"] == "Démarches"
    assert (c["asked"], c["count"], c["share"]) == (6, 6, 100)
    assert c["low"] == pytest.approx(60.97, abs=0.05) and c["high"] == 100


def test_uncovered_table_and_small_cells(table):
    gaps = uncovered(table)
    got = {(r.need, r.commune_code): (r.hidden, r.count) for r in gaps.itertuples()}
    assert (("BE_SUJETS:demarches", "C")) in got
    assert ("BE_SUJETS:demarches", "A") not in got  # covered
    # parentalité: no place anywhere; 2 of 20 and 3 of 6 are hidden, B chose 0.
    assert got[("BE_SUJETS:parentalite", "A")][0]
    assert got[("BE_SUJETS:parentalite", "C")][0]
    assert ("BE_SUJETS:parentalite", "B") not in got
    territory = row(table, "BE_SUJETS:parentalite", "Territoire")
    assert (territory["count"], territory["asked"]) == (5, 36)
    assert territory["share"] == pytest.approx(500 / 36)


def test_a_single_hidden_cell_takes_another_with_it(table):
    a = row(table, "BE_FORMAT:individuel", "A")
    b = row(table, "BE_FORMAT:individuel", "B")
    assert a["hidden"] and np.isnan(a["count"])
    # B (5 of 10) alone is fine, but territory 8 − B 5 would give A's 3.
    assert b["hidden"] and np.isnan(b["share"])
    assert row(table, "BE_FORMAT:individuel", "Territoire")["count"] == 8
    assert not (
        table["commune_code"].eq("C") & table["need"].eq("BE_FORMAT:individuel")
    ).any()


def test_default_mapping_uses_the_national_lists_only():
    schema = load_schema()
    for criteria in DEFAULT_MAPPING.values():
        for criterion in criteria:
            name, _, value = criterion.partition("=")
            assert criterion == "*" or value == "*" or value in schema.enums[name]


def test_answer_flags_from_survey_columns():
    wide = pd.DataFrame({
        "PR_COMMUNE": pd.Categorical(["A", "B", None]),
        "BE_SUJETS:sante": pd.array([True, False, None], dtype="boolean"),
        "BE_CONNAIT_LIEU": pd.Categorical(["non", "oui_deja_alle", None]),
        "PR_AGE": ["a", "b", "c"],
    })  # fmt: skip
    flags = answer_flags(wide)
    assert list(flags.columns) == ["commune", "BE_SUJETS:sante", "BE_CONNAIT_LIEU:non"]
    assert flags["BE_CONNAIT_LIEU:non"].tolist() == [True, False, pd.NA]


def test_haversine_known_distance():
    # Paris (Notre-Dame) to Lyon (Bellecour): about 392 km.
    assert haversine_km(48.853, 2.3499, 45.7578, 4.8320) == pytest.approx(392, abs=2)


def test_svg_escapes_names_and_says_counts_in_words(table):
    centres = commune_centres(COMMUNES, PLACES).assign(name=["<Alpha>", "B", "C"])
    svg = needs_svg(table, centres)
    assert "&lt;Alpha&gt;" in svg and "<Alpha>" not in svg
    # A: parentalité and individuel (hidden cell, still a need); B: individuel;
    # C: démarches and parentalité.
    assert "1 lieu(x), 2 besoin(s) non couvert(s)" in svg
    assert "0 lieu(x), 1 besoin(s) non couvert(s)" in svg
    assert "<title" in svg and "tile" not in svg.replace("title", "")


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(["A|B", None, "B"], dtype=object),
        pd.Series(["A|B", None, "B"], dtype="string"),
        pd.Categorical(["A|B", None, "B"]),
        pd.Series([np.nan, np.nan, np.nan]),
    ],
)
def test_matching_places_whatever_the_column_dtype(column):
    """No warning (pytest makes them errors), no error, missing = no service."""
    from offer.needs import matching_places

    places = pd.DataFrame({"services": column})
    has_a = matching_places(places, ["services=A"]).tolist()
    has_any = matching_places(places, ["services=*"]).tolist()
    if places["services"].notna().any():
        assert has_a == [True, False, False]
        assert has_any == [True, False, True]
    else:
        assert has_a == has_any == [False, False, False]
