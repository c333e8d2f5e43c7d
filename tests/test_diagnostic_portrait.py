"""The territory portrait (issue 10 §2): import with a mapping step, checks,
one transaction, the portrait page, and the portrait as weighting margins."""

import io

import pandas as pd
import pytest
from helpers.web import csrf_from, post_form

from diagnostic.margins import diagnostic_margins, portrait_margins
from diagnostic.portrait import load_portrait, set_figure
from diagnostic.portrait_import import (
    ImportProblem,
    check_import,
    guess_mapping,
    read_table,
)
from diagnostic.pyramid import pyramid_svg

MENS, CLELLES, OTHER = "38226", "38113", "75056"  # Mens, Clelles, Paris
TERRITORY = {MENS, CLELLES}
KNOWN = {MENS, CLELLES, OTHER, "01004"}
INDICATORS_CSV = (
    "\ufeffCODGEO;LIBGEO;TX_POVERTY;SCORE GLOBAL\n"
    f"{MENS};Mens;14,2;6,1\n"
    f"{CLELLES};Clelles;11,8;5,4\n"
    f"{OTHER};Paris;15,0;3,0\n"
)


def pop1b(codes=(MENS, CLELLES)) -> str:
    lines = ["CODGEO;LIBGEO;SEXE;AGED100;NB"]
    for code in codes:
        for sex in (1, 2):
            for age in range(0, 101):
                lines.append(f"{code};X;{sex};{age};{5 + (age % 7)},5")
    return "\n".join(lines) + "\n"


def test_read_table_accepts_latin1_bom_and_separators():
    latin = "CODGEO;Libellé;Taux\n38226;Mens;14,2\n".encode("cp1252")
    table = read_table(latin)
    assert list(table.columns) == ["CODGEO", "Libellé", "Taux"]
    assert table.loc[2, "Libellé"] == "Mens"  # index = file line number
    assert list(read_table(INDICATORS_CSV.encode()).columns)[0] == "CODGEO"
    assert len(read_table(b"CODGEO,val\n38226,1\n").columns) == 2
    with pytest.raises(ImportProblem, match="vide"):
        read_table(b"CODGEO;x\n")


def test_mapping_guess_and_check_import_ok():
    table = read_table(INDICATORS_CSV.encode())
    mapping = guess_mapping(list(table.columns))
    assert mapping["CODGEO"] == "commune" and mapping["SCORE GLOBAL"] == "ifn_score"
    mapping["TX_POVERTY"] = "taux_pauvrete"
    result = check_import(table, mapping, KNOWN, TERRITORY)
    assert result.ok, result.errors
    assert result.skipped == 1  # Paris is not in the territory
    values = result.figures.set_index(["commune_code", "indicator"])["value"]
    assert values[(MENS, "taux_pauvrete")] == pytest.approx(14.2)
    assert values[(CLELLES, "ifn_score")] == pytest.approx(5.4)


@pytest.mark.parametrize(
    "body, expected",
    [
        ("99999;X;12;3\n", "Ligne 2 : code commune « 99999 » inconnu."),
        (f"{MENS};Mens;beaucoup;3\n", "« beaucoup » n'est pas un nombre"),
        (
            f"{MENS};Mens;12;3\n{MENS};Mens;13;3\n",
            "la commune 38226 figure déjà ligne 2",
        ),
        (f"{MENS};Mens;120;3\n", "doit être entre 0 et 100"),
    ],
)
def test_check_import_errors_per_line(body, expected):
    table = read_table(("CODGEO;LIBGEO;TX_POVERTY;SCORE GLOBAL\n" + body).encode())
    mapping = {"CODGEO": "commune", "LIBGEO": "", "TX_POVERTY": "taux_pauvrete",
               "SCORE GLOBAL": "ifn_score"}  # fmt: skip
    result = check_import(table, mapping, KNOWN, TERRITORY)
    assert not result.ok
    assert any(expected in f"Ligne {line} : {text}" for line, text in result.errors)


def test_wrong_columns_are_refused():
    table = read_table(INDICATORS_CSV.encode())
    none = {c: "" for c in table.columns}
    result = check_import(table, none, KNOWN, TERRITORY)
    assert "Choisissez exactement une colonne « Code commune »." in dict(
        (t, t) for _, t in result.errors
    )
    half = {"CODGEO": "commune", "LIBGEO": "sexe", "TX_POVERTY": "", "SCORE GLOBAL": ""}
    texts = [t for _, t in check_import(table, half, KNOWN, TERRITORY).errors]
    assert any("sexe, âge et effectif" in t for t in texts)


def test_population_import_and_margins_in_insee_or_bank_bands():
    table = read_table(pop1b().encode())
    mapping = guess_mapping(list(table.columns))
    assert mapping == {"CODGEO": "commune", "LIBGEO": "", "SEXE": "sexe",
                       "AGED100": "age", "NB": "effectif"}  # fmt: skip
    result = check_import(table, mapping, KNOWN, TERRITORY)
    assert result.ok, result.errors
    population = result.population
    margins = portrait_margins(population, result.figures, TERRITORY)
    ages = margins[margins["variable"] == "PR_AGE"].set_index("category")["target"]
    adults = population[population["age_low"] >= 15]
    assert ages.sum() == pytest.approx(adults["count"].sum())
    expected_75 = population[population["age_low"] >= 75]["count"].sum()
    assert ages["75_plus"] == pytest.approx(expected_75)
    sexes = margins[margins["variable"] == "PR_GENRE"].set_index("category")["target"]
    assert sexes.sum() == pytest.approx(adults["count"].sum())
    # 5-year bands cannot give the bank's 15-17 band: INSEE bands instead.
    banded = population.assign(age_low=population["age_low"] // 5 * 5)
    banded = banded.groupby(["commune_code", "sex", "age_low"], as_index=False)[
        "count"
    ].sum()
    banded["age_high"] = (banded["age_low"] + 4).where(banded["age_low"] < 100, 200)
    margins = portrait_margins(banded, result.figures, TERRITORY)
    assert set(margins["variable"]) == {"age", "PR_GENRE"}
    # A commune without ages: no margins from the portrait (no biased total).
    assert portrait_margins(population[population["commune_code"] == MENS],
                            result.figures, TERRITORY).empty  # fmt: skip


def test_duplicated_population_line_is_an_error():
    text = pop1b((MENS,)) + f"{MENS};X;1;37;4\n"
    table = read_table(text.encode())
    result = check_import(table, guess_mapping(list(table.columns)), KNOWN, TERRITORY)
    assert any("même sexe et même âge" in t for _, t in result.errors)


def test_pyramid_svg_has_a_bar_per_band_and_an_accessible_title():
    table = read_table(pop1b((MENS,)).encode())
    population = check_import(
        table, guess_mapping(list(table.columns)), KNOWN, TERRITORY
    ).population
    svg = pyramid_svg(population, "Pyramide <test>")
    assert svg.count("<rect") == 2 * 21  # 0-4 ... 95-99, 100+
    assert 'role="img"' in svg and "Pyramide &lt;test&gt;" in svg
    assert pyramid_svg(population.head(0)) == ""


# --- pages -----------------------------------------------------------------


@pytest.fixture
def territory(db, diagnostic):
    with db.conn:
        for code in TERRITORY:
            db.execute(
                "INSERT INTO diagnostic_communes (diagnostic_id, commune_code) "
                "VALUES (?, ?)",
                [diagnostic, code],
            )
    return diagnostic


def upload(client, diagnostic, content: bytes, title="Insee, RP 2021"):
    url = f"/diagnostics/{diagnostic}/portrait/import"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(
        url,
        data={"csrf_token": token, "title": title, "year": "2021",
              "url": "https://www.insee.fr/fr/statistiques/8202264",
              "fichier": (io.BytesIO(content), "pop.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip


def test_import_flow_preview_then_store(logged_in, territory, db):
    response = upload(logged_in, territory, INDICATORS_CSV.encode("utf-8"))
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    mapping = {"col-0": "commune", "col-1": "", "col-2": "taux_pauvrete",
               "col-3": "ifn_score"}  # fmt: skip
    preview = post_form(logged_in, mapping_url, {**mapping, "action": "verifier"})
    assert "Aucune erreur" in preview.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM portrait_figures").fetchone()[0] == 0
    stored = post_form(logged_in, mapping_url, {**mapping, "action": "enregistrer"})
    assert stored.status_code == 302
    assert db.execute("SELECT count(*) FROM portrait_figures").fetchone()[0] == 4
    source = db.execute("SELECT title, year, url FROM portrait_sources").fetchone()
    assert tuple(source) == (
        "Insee, RP 2021",
        2021,
        "https://www.insee.fr/fr/statistiques/8202264",
    )
    html = logged_in.get(f"/diagnostics/{territory}/portrait").get_data(as_text=True)
    assert "Taux de pauvreté" in html and "14,5\u00a0%" in html  # France's
    assert "Insee, RP 2021, 2021" in html


def test_import_with_errors_stores_nothing(logged_in, territory, db):
    bad = f"CODGEO;TX_POVERTY\n{MENS};12\n99999;13\n{CLELLES};n/a\n".encode()
    mapping_url = upload(logged_in, territory, bad).headers["Location"]
    response = post_form(
        logged_in, mapping_url,
        {"col-0": "commune", "col-1": "taux_pauvrete", "action": "enregistrer"},
    )  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Ligne 3 : code commune « 99999 » inconnu." in html
    assert "Ligne 4 : « n/a » n&#39;est pas un nombre" in html
    assert db.execute("SELECT count(*) FROM portrait_figures").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM portrait_sources").fetchone()[0] == 0


def test_population_import_feeds_pyramid_and_margins(logged_in, territory, db):
    mapping_url = upload(logged_in, territory, pop1b().encode()).headers["Location"]
    fields = {"col-0": "commune", "col-1": "", "col-2": "sexe", "col-3": "age",
              "col-4": "effectif", "action": "enregistrer"}  # fmt: skip
    assert post_form(logged_in, mapping_url, fields).status_code == 302
    html = logged_in.get(f"/diagnostics/{territory}/portrait").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "Part des 75 ans ou plus" in html  # derived from the ages
    margins = diagnostic_margins(db, territory)
    assert set(margins["variable"]) == {"PR_AGE", "PR_GENRE"}
    assert margins["source"].iloc[0] == "Portrait du territoire : Insee, RP 2021"
    portrait = load_portrait(db, territory)
    assert portrait["population"]["count"].sum() == pytest.approx(
        sum(2 * 2 * (5 + (a % 7) + 0.5) for a in range(101))
    )


def test_commune_table_sorts_by_any_indicator(logged_in, territory, db):
    set_figure(db, territory, MENS, "couverture_thd", 40.0, "Arcep", 2025)
    set_figure(db, territory, CLELLES, "couverture_thd", 90.0, "Arcep", 2025)
    page = f"/diagnostics/{territory}/portrait?tri=couverture_thd&ordre=desc"
    html = logged_in.get(page).get_data(as_text=True)
    assert 'aria-sort="descending"' in html
    assert html.index("Clelles</th>") < html.index("Mens</th>")
    html = logged_in.get(page.replace("desc", "asc")).get_data(as_text=True)
    assert html.index("Mens</th>") < html.index("Clelles</th>")


def test_manual_entry_requires_number_and_source(logged_in, territory, db):
    page = f"/diagnostics/{territory}/portrait"
    url = f"{page}/chiffre"
    words = {"commune": MENS, "indicator": "taux_chomage", "value": "beaucoup",
             "title": "Insee"}  # fmt: skip
    post_form(logged_in, url, words, page=page)
    post_form(logged_in, url, {"commune": OTHER, "indicator": "taux_chomage",
                               "value": "9", "title": "Insee"}, page=page)  # fmt: skip
    assert db.execute("SELECT count(*) FROM portrait_figures").fetchone()[0] == 0
    post_form(logged_in, url, {"commune": MENS, "indicator": "taux_chomage",
                               "value": "9,4", "title": "Insee RP 2021",
                               "year": "2021"}, page=page)  # fmt: skip
    value = db.execute("SELECT value FROM portrait_figures").fetchone()[0]
    assert value == pytest.approx(9.4)


def test_references_and_missing(logged_in, territory, db):
    page = f"/diagnostics/{territory}/portrait"
    html = logged_in.get(page).get_data(as_text=True)
    assert "Référence au SDIN" in html
    post_form(logged_in, f"{page}/references",
              {"kind": "sdin", "title": "SDIN de l'Isère", "year": "2022",
               "url": "javascript:alert(1)"}, page=page)  # fmt: skip
    html = logged_in.get(page).get_data(as_text=True)
    assert "SDIN de l&#39;Isère" in html and "Référence au SDIN" not in html
    assert "javascript:" not in html


def test_unknown_upload_is_404(logged_in, territory):
    assert (
        logged_in.get(f"/diagnostics/{territory}/portrait/import/99").status_code == 404
    )


AGE_CHOICES = [{"code": c, "label": c} for c in
               ("15_17", "18_24", "25_39", "40_44", "45_59", "60_69", "70_74",
                "75_plus")]  # fmt: skip
PROFILE = [
    {"key": "PR_GENRE", "type": "single", "theme": "profil", "text": "Vous êtes ?",
     "choices": [{"code": "femme", "label": "Une femme"},
                 {"code": "homme", "label": "Un homme"}]},
    {"key": "PR_AGE", "type": "single", "theme": "profil", "text": "Âge ?",
     "choices": AGE_CHOICES},
]  # fmt: skip


def test_every_survey_is_weighted_to_the_portrait(db, territory):
    """One entry: the portrait's ages and sexes re-weight the survey."""
    from helpers.analysis_surveys import make_survey

    from analysis.frames import load_survey
    from diagnostic.margins import reweighted

    # Twice as many women as men, in every age band.
    answers = [
        {"PR_GENRE": sex, "PR_AGE": choice["code"]}
        for choice in AGE_CHOICES
        for sex in ("femme", "femme", "homme")
    ]
    survey = make_survey(db, territory, answers, questions=PROFILE)
    frames, info = reweighted(db, load_survey(db, survey))
    assert not info.applied  # nothing in the portrait, nothing typed
    rows = [(code, sex, low, high, 100.0) for code in TERRITORY
            for sex in ("femme", "homme")
            for low, high in ((0, 14), (15, 17), (18, 24), (25, 39), (40, 44),
                              (45, 59), (60, 69), (70, 74), (75, 200))]  # fmt: skip
    from diagnostic.portrait import store_import
    from diagnostic.portrait_import import CheckedImport

    population = pd.DataFrame(
        rows, columns=["commune_code", "sex", "age_low", "age_high", "count"]
    )
    checked = CheckedImport(pd.DataFrame(columns=["commune_code", "indicator",
                                                  "value"]), population)  # fmt: skip
    store_import(db, territory, checked, "Insee, RP 2021", 2021, "")
    frames, info = reweighted(db, load_survey(db, survey))
    assert info.applied, info.error
    weights = frames.wide.groupby("PR_GENRE")["weight"].sum()
    # As many women as men in the portrait: the men now weigh as much.
    assert weights["homme"] == pytest.approx(weights["femme"])


def test_diploma_margins_describe_the_same_population_as_ages():
    table = read_table(pop1b().encode())
    population = check_import(
        table, guess_mapping(list(table.columns)), KNOWN, TERRITORY
    ).population
    keys = ["aucun_cep", "brevet_cap_bep", "bac", "bac_2", "bac_3_plus"]
    figures = pd.DataFrame(
        [(code, f"diplome_{k}", 10.0 * (i + 1)) for code in TERRITORY
         for i, k in enumerate(keys)],
        columns=["commune_code", "indicator", "value"],
    )  # fmt: skip
    margins = portrait_margins(population, figures, TERRITORY)
    totals = margins.groupby("variable")["target"].sum()
    assert totals["PR_DIPLOME"] == pytest.approx(totals["PR_AGE"])
    diplomas = margins[margins["variable"] == "PR_DIPLOME"].set_index("category")
    assert diplomas.at["bac_3_plus", "target"] == pytest.approx(
        totals["PR_AGE"] * 5 / 15
    )
    # One commune without diplomas: no diploma margin at all.
    partial = figures[figures["commune_code"] != MENS]
    assert "PR_DIPLOME" not in set(portrait_margins(population, partial, TERRITORY)
                                   ["variable"])  # fmt: skip


def test_margins_page_points_to_the_portrait_when_it_gives_the_margins(
    logged_in, territory, db
):
    """The survey's own entry would be ignored: no button that does nothing."""
    from helpers.analysis_surveys import make_survey

    from analysis.margins import load_margins, read_margins_csv, save_margins

    survey = make_survey(db, territory, [{"PR_GENRE": "femme"}], questions=PROFILE)
    url = f"/enquetes/{survey}/resultats/marges"
    typed = read_margins_csv(b"variable;modalite;effectif\nsexe;Femmes;10\n")
    save_margins(db, territory, typed, "Saisie")
    html = logged_in.get(url).get_data(as_text=True)
    assert "Effacer ces chiffres" in html and 'name="donnees"' in html
    mapping_url = upload(logged_in, territory, pop1b().encode()).headers["Location"]
    fields = {"col-0": "commune", "col-1": "", "col-2": "sexe", "col-3": "age",
              "col-4": "effectif", "action": "enregistrer"}  # fmt: skip
    assert post_form(logged_in, mapping_url, fields).status_code == 302

    html = logged_in.get(url).get_data(as_text=True)
    assert "viennent du portrait du territoire" in html
    assert f'href="/diagnostics/{territory}/portrait"' in html
    assert "Effacer ces chiffres" not in html and 'name="donnees"' not in html
    # A form posted anyway (an old tab) changes nothing and says why.
    for data in ({"action": "effacer"}, {"donnees": "variable;modalite;effectif"}):
        response = post_form(logged_in, url, data, page=url)
        assert response.status_code == 302
        assert len(load_margins(db, territory)) == 1
    html = logged_in.get(url).get_data(as_text=True)
    assert "Rien n&#39;a été changé" in html
