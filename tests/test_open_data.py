"""Open data export (Parquet + Table Schema) and the DuckDB roll-up (issue 12 §6).

Two instances (four surveys), each a real app and database exported with
the real `export-open-data` command: Isère (weighted), Ardèche (three
surveys: one without the phone and skills questions, one of 8 people). The
roll-up over their files must give, survey by survey, what analysis/ gives.
"""

import json
import os
import pathlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers.open_data import (
    ALL_QUESTIONS,
    EQ_MOBILE,
    FREE_TEXT,
    HOUSEHOLD,
    OTHER_TEXT,
    POINT_NAME,
    SKILLS,
    make_instance,
)

from analysis.frames import load_survey
from analysis.indicators import available_indicators, evaluate
from analysis.open_data_schema import ARROW_TYPES
from analysis.priority import indicator_figures
from analysis.rollup import attach, connect, indicator_rollup
from analysis.sheets import protected_summaries
from analysis.summaries import proportions
from analysis.weighting import effective_sample_size
from diagnostic.margins import reweighted
from survey_app.db import connect as connect_db

ISERE = ["38185", "38421"]  # Grenoble, Saint-Martin-d'Hères
ARDECHE = ["07186", "07010"]  # Privas, Annonay
FIGURES = ["n", "count", "percent", "ci_low", "ci_high",
           "w_count", "w_percent", "w_ci_low", "w_ci_high", "n_effective"]  # fmt: skip


@pytest.fixture(scope="module")
def instances(tmp_path_factory, template_db):
    """[(app, diagnostic, surveys, export directory)] for the three setups."""
    from conftest import GEO_DIR

    root = tmp_path_factory.mktemp("instances")
    fewer = [q for q in ALL_QUESTIONS if q not in (EQ_MOBILE, *SKILLS)]
    setups = [
        ("isere", ISERE, [(ALL_QUESTIONS, 60)], {"femme": 45.0, "homme": 55.0}),
        (
            "ardeche",
            ARDECHE,
            [(ALL_QUESTIONS, 40), (fewer, 30), (ALL_QUESTIONS, 8)],
            None,
        ),
    ]
    made = []
    for name, communes, surveys, margins in setups:
        app, diagnostic, ids = make_instance(
            str(root / name), template_db, GEO_DIR, communes, surveys, margins
        )
        out = str(root / name / "export")
        result = app.test_cli_runner().invoke(
            args=["export-open-data", str(diagnostic), "-o", out, "--source", name]
        )
        assert result.exit_code == 0, result.output
        made.append((app, diagnostic, ids, out))
    return made


def frames_of(app, survey_id):
    db = connect_db(app.config["DATABASE"])
    try:
        return reweighted(db, load_survey(db, survey_id))[0]
    finally:
        db.close()


def read(out: str, name: str) -> pa.Table:
    return pq.read_table(os.path.join(out, f"{name}.parquet"))


def test_every_column_is_described_with_its_type(instances):
    for *_, out in instances:
        with open(os.path.join(out, "datapackage.json"), encoding="utf-8") as f:
            package = json.load(f)
        assert package["licenses"][0]["name"] == "etalab-2.0"
        assert [r["name"] for r in package["resources"]] == [
            "reponses", "agregats", "questions"]  # fmt: skip
        for resource in package["resources"]:
            table = read(out, resource["name"])
            schema = resource["schema"]
            assert schema["missingValues"] == [""]
            fields = schema["fields"]
            assert [f["name"] for f in fields] == table.schema.names
            for field in fields:
                column = table.column(field["name"])
                assert column.type == ARROW_TYPES[field["type"]], field["name"]
                assert field["title"].strip() and len(field["description"]) > 15
                constraints = field.get("constraints", {})
                values = set(column.drop_null().to_pylist())
                if "enum" in constraints:
                    assert values <= set(constraints["enum"]), field["name"]
                    labels = {c["value"] for c in field["categories"]}
                    assert labels == set(constraints["enum"])
                if "pattern" in constraints:
                    pattern = constraints["pattern"]
                    assert all(pd.Series(list(values)).str.fullmatch(pattern[1:-1]))
                if constraints.get("required"):
                    assert column.null_count == 0


def test_answers_round_trip_to_what_analysis_counts(instances):
    app, _, (survey,), out = instances[0]
    frames = frames_of(app, survey)
    answers = read(out, "reponses").to_pandas()
    assert len(answers) == len(frames.wide)
    assert sorted(answers["reponse"]) == list(range(1, len(answers) + 1))
    # Same answers, row order shuffled.
    assert answers["EQ_MOBILE"].value_counts().to_dict() == (
        frames.wide["EQ_MOBILE"].astype("object").value_counts().to_dict()
    )
    flags = answers["EQ_ORDI_TABLETTE__tablette"]
    assert flags.sum() == frames.wide["EQ_ORDI_TABLETTE:tablette"].sum()
    assert flags.isna().sum() == frames.wide["EQ_ORDI_TABLETTE:tablette"].isna().sum()
    assert np.isclose(
        sorted(answers["poids"]), sorted(frames.wide["weight"])
    ).all()  # the raking weights, mean 1
    assert answers["poids"].std() > 0.01
    assert set(answers["departement"]) == {"38"}
    assert (answers["mois_debut"].unique(), answers["mois_fin"].unique()) == (
        ["2026-03"], ["2026-04"])  # fmt: skip
    assert set(answers["type_lieu"]) == {"marche"}


def test_nothing_identifying_by_default_and_free_text_only_when_asked(
    instances, tmp_path
):
    app, diagnostic, _, out = instances[0]
    everything = b"".join(
        pathlib.Path(out, name).read_bytes() for name in os.listdir(out)
    )
    dumped = pd.concat(
        [read(out, n).to_pandas().astype(str) for n in ("reponses", "questions")]
    ).to_csv()
    for secret in (FREE_TEXT, OTHER_TEXT, POINT_NAME):
        assert secret not in dumped and secret.encode() not in everything
    names = read(out, "reponses").schema.names
    assert "REMARQUE" not in names and not [n for n in names if "texte" in n]
    assert not {"submitted_at", "day", "point", "point_id", "mode_id"} & set(names)
    for field in read(out, "reponses").schema:
        assert not pa.types.is_temporal(field.type)
    result = app.test_cli_runner().invoke(
        args=["export-open-data", str(diagnostic), "-o", str(tmp_path), "--free-text"]
    )
    assert result.exit_code == 0, result.output
    answers = read(str(tmp_path), "reponses").to_pandas()
    assert FREE_TEXT in set(answers["REMARQUE"])
    assert OTHER_TEXT in set(answers["EQ_ORDI_TABLETTE__texte_autre"])
    with open(tmp_path / "datapackage.json", encoding="utf-8") as f:
        assert "relisez-les" in json.load(f)["description"]


def test_rare_communes_blanked_and_extreme_numbers_pulled_in(instances):
    app, _, (survey,), out = instances[0]
    answers = read(out, "reponses").to_pandas()
    assert set(answers["commune"].dropna()) == {ISERE[0]}  # the other: 1 person
    assert answers["commune"].isna().sum() == 1
    assert (answers["departement"] == "38").all()  # kept for everybody
    values = frames_of(app, survey).wide[HOUSEHOLD["key"]]
    assert values.max() == 11
    assert answers[HOUSEHOLD["key"]].max() == 4  # 11 was alone above 4
    counts = answers[HOUSEHOLD["key"]].value_counts()
    assert counts.min() >= 5


def test_small_cells_hidden_in_the_aggregates_as_in_the_workbook(instances):
    app, _, ids, out = instances[1]
    figures = read(out, "agregats").to_pandas()
    assert figures["enquete"].nunique() == 3
    shown = figures.dropna(subset=["effectif"])
    assert not shown["effectif"].between(1, 4).any()
    hidden = figures[figures["masque"].notna()]
    assert len(hidden) and hidden[["effectif", "part", "ic_bas"]].isna().all().all()
    assert {"moins_de_5"} <= set(hidden["masque"])
    # The same cells as the Synthèse sheet of the workbook export.
    summaries = protected_summaries(frames_of(app, ids[0]))
    first = figures[figures["enquete"] == figures["enquete"].iloc[0]]
    table = summaries["EQ_MOBILE"].table
    expected = [isinstance(c, str) for c in table["count"]]
    got = first[first["question"] == "EQ_MOBILE"]["masque"].notna().tolist()
    assert got == expected and any(expected)


def test_rollup_equals_each_survey_own_results(instances):
    con = connect(threads=2)
    attach(con, [out for *_, out in instances])
    table = indicator_rollup(con, ("enquete", "national"), min_count=0)
    per_survey = table[table["level"] == "enquete"]
    pooled = []
    checked = 0
    for app, _, ids, out in instances:
        tokens = read(out, "questions").to_pandas()["enquete"].unique()
        for survey, token in zip(ids, tokens, strict=True):
            frames = frames_of(app, survey)
            expected = indicator_figures(frames).set_index("indicator")
            got = per_survey[per_survey["enquete"] == token].set_index("indicator")
            assert list(got.index) == list(expected.index)  # same pruning
            columns = FIGURES if expected["weighted"].all() else FIGURES[:5]
            assert np.allclose(
                got[columns].to_numpy(float),
                expected.loc[got.index, columns].to_numpy(float),
                rtol=1e-9,
                atol=1e-9,
                equal_nan=True,
            ), token
            if not expected["weighted"].all():
                assert got["w_percent"].isna().all()
            checked += len(got)
            pooled.append(frames)
    assert checked >= 20
    national = table[table["level"] == "national"].set_index("indicator")
    for indicator_id in ("sans_smartphone", "illectronisme_proxy"):
        hit, known, weights = [], [], []
        for frames in pooled:
            rules = {i["id"]: i["rule"] for i in available_indicators(frames)}
            if indicator_id not in rules:
                continue
            values = evaluate(frames, rules[indicator_id])
            known.append(values.notna().to_numpy())
            hit.append(values.to_numpy(dtype=bool, na_value=False))
            weights.append(frames.wide["weight"].to_numpy())
        k, h, w = map(np.concatenate, (known, hit, weights))
        expected = proportions(
            [h[k].sum()], k.sum(), [w[h & k].sum()], w[k].sum(),
            effective_sample_size(w[k]),
        )  # fmt: skip
        got = national.loc[indicator_id]
        for name, values in expected.items():
            assert np.isclose(got[name], values[0], rtol=1e-9), (indicator_id, name)


def test_rollup_hides_small_cells_by_default(instances):
    con = connect()
    attach(con, [instances[1][3]])
    table = indicator_rollup(con, ("enquete",))
    small = table[table["suppressed"]]
    assert len(small)
    assert small[FIGURES[1:]].isna().all().all()
    assert small["n"].notna().all()
    raw = indicator_rollup(con, ("enquete",), min_count=0)
    counts = raw.loc[small.index, "count"]
    shown = raw.loc[small.index, "n"] - counts
    assert (counts.between(1, 4) | shown.between(1, 4)).all()


def test_cli_refuses_unknown_or_empty_diagnostic(instances, tmp_path):
    app = instances[0][0]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export-open-data", "999", "-o", str(tmp_path)])
    assert result.exit_code != 0 and "Aucun diagnostic n°999" in result.output
    db = connect_db(app.config["DATABASE"])
    empty = db.execute(
        "INSERT INTO diagnostics (title, created_by, created_at) "
        "VALUES ('Vide', 1, '2026-01-01T00:00:00Z')"
    ).lastrowid
    db.close()
    result = runner.invoke(args=["export-open-data", str(empty), "-o", str(tmp_path)])
    assert result.exit_code != 0 and "aucune réponse" in result.output
    assert not os.listdir(tmp_path)
