"""Results page, margins page and exports over HTTP.

Rendering with data and without, filters, cross-tabs with small cells
hidden, CSV content, and authorisation on every route.
"""

import dataclasses
import io
import re

import numpy as np
import pytest
from helpers.results_survey import make_results_survey
from helpers.web import csrf_from, login, make_user

from survey_app.db import connect
from survey_app.surveys.model import create_survey


@pytest.fixture
def survey_id(app, diagnostic):
    return make_results_survey(app.config["DATABASE"], diagnostic)


def routes(survey_id: int) -> list[str]:
    base = f"/enquetes/{survey_id}"
    return [
        f"{base}/resultats",
        f"{base}/resultats/marges",
        *(
            f"{base}/export.{fmt}"
            for fmt in ("csv", "csv-comma", "xlsx", "ods", "json")
        ),
    ]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_results_page_shows_figures_charts_and_escaped_text(logged_in, survey_id):
    html = page(logged_in, f"/enquetes/{survey_id}/resultats")
    assert "<strong>40</strong> réponses" in html
    assert "Un smartphone" in html and "50\u00a0%" in html
    assert html.count('role="img"') >= 3  # bar charts and the word cloud
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "Marché &lt;du&gt; jeudi" in html
    assert 'aria-current="page"' in html and ">Résultats</a>" in html
    assert "results.js" in html and "<script>" not in html  # no inline script
    assert " style=" not in html and " onclick" not in html
    assert "Moins de 30" not in html


def test_each_export_link_is_on_the_page(logged_in, survey_id):
    html = page(logged_in, f"/enquetes/{survey_id}/resultats")
    for fmt in ("csv", "csv-comma", "xlsx", "ods", "json"):
        assert f"/enquetes/{survey_id}/export.{fmt}" in html


def test_empty_survey_says_so(app, logged_in, diagnostic):
    db = connect(app.config["DATABASE"])
    empty = create_survey(db, diagnostic, "Vide", [])
    db.close()
    html = page(logged_in, f"/enquetes/{empty}/resultats")
    assert "Aucune réponse pour l'instant" in html
    response = logged_in.get(f"/enquetes/{empty}/export.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")


def test_question_nobody_answered_and_few_answers(app, logged_in, diagnostic):
    survey = make_results_survey(app.config["DATABASE"], diagnostic, n=6, code="pet234")
    db = connect(app.config["DATABASE"])
    from survey_app.surveys.model import current_version, save_questions

    questions = current_version(db, survey)["questions"]
    questions.append(
        {
            "key": "NOUVELLE",
            "type": "short_text",
            "theme": "autre",
            "text": "Nouvelle ?",
        }
    )
    save_questions(db, survey, questions)
    db.close()
    html = page(logged_in, f"/enquetes/{survey}/resultats")
    assert "moins de 30 réponses" in html
    assert "Personne n'a répondu à cette question" in html


def test_filters_by_point_period_and_profile(logged_in, survey_id, app):
    db = connect(app.config["DATABASE"])
    market = db.execute(
        "SELECT id FROM collection_points WHERE code='mabc234'"
    ).fetchone()[0]
    db.close()
    url = f"/enquetes/{survey_id}/resultats"
    html = page(logged_in, f"{url}?lieu={market}")
    assert "<strong>20</strong> réponses" in html and "sur 40 au total" in html
    html = page(logged_in, f"{url}?du=2026-03-01&au=02/03/2026")
    assert "<strong>4</strong> réponses" in html
    html = page(logged_in, f"{url}?profil_PR_AGE=25_39")
    assert "<strong>14</strong> réponses" in html
    html = page(logged_in, f"{url}?lieu=999&du=demain&profil_PR_AGE=xx")
    assert "Ce lieu de collecte n&#39;existe pas" in html
    assert "La date « du » n&#39;est pas valide" in html
    assert "<strong>40</strong> réponses" in html
    html = page(logged_in, f"{url}?du=2030-01-01")
    assert "Aucune réponse ne correspond à ces filtres" in html


def test_crosstab_hides_groups_under_five(app, logged_in, diagnostic):
    survey = make_results_survey(
        app.config["DATABASE"], diagnostic, n=16, code="cro234"
    )
    html = page(logged_in, f"/enquetes/{survey}/resultats?question=EQ_MOBILE&selon=age")
    section = html[html.index('id="croisements"') : html.index('id="publics"')]
    # 6 people aged 25-39 (i % 3 == 0): shown, but their answers (fewer
    # than 5 each) are masked, and so are the cells that would give them away.
    assert "25 à 39 ans" in section and "&lt; 5" in section
    assert "<svg" in section
    html = page(
        logged_in, f"/enquetes/{survey}/resultats?question=EQ_MOBILE&selon=NOPE"
    )
    assert "Choisissez une question et un profil" in html


def test_csv_export_content_and_headers(logged_in, survey_id):
    response = logged_in.get(f"/enquetes/{survey_id}/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".csv" in disposition
    assert "no-store" in response.headers["Cache-Control"]
    text = response.data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(";")[:3] == ["Réponse", "Date", "Lieu"]
    assert len(lines) > 40
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
    assert "😀" in text


@pytest.mark.parametrize(
    ("fmt", "mimetype", "magic"),
    [
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK",
        ),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet", b"PK"),
        ("json", "application/json", b"{"),
        ("csv-comma", "text/csv", b"R"),
    ],
)
def test_other_exports(logged_in, survey_id, fmt, mimetype, magic):
    response = logged_in.get(f"/enquetes/{survey_id}/export.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(magic)
    assert f".{fmt.split('-')[0]}" in response.headers["Content-Disposition"]


def test_export_follows_filters_and_unknown_format_is_404(logged_in, survey_id):
    response = logged_in.get(f"/enquetes/{survey_id}/export.csv?profil_PR_AGE=25_39")
    assert len(response.data.decode("utf-8-sig").strip().splitlines()) == 15
    assert logged_in.get(f"/enquetes/{survey_id}/export.pdf").status_code == 404


def test_anonymous_is_sent_to_sign_in_on_every_route(client, survey_id):
    for url in routes(survey_id):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/connexion" in response.headers["Location"]


def test_other_conseiller_gets_403_on_every_route(app, client, survey_id):
    make_user(app, "autre@example.fr", "Autre")
    login(client, "autre@example.fr")
    for url in routes(survey_id):
        assert client.get(url).status_code == 403, url
    response = client.post(
        f"/enquetes/{survey_id}/resultats/marges",
        data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))},
    )
    assert response.status_code == 403


def test_missing_survey_is_404(logged_in):
    assert logged_in.get("/enquetes/9999/resultats").status_code == 404


def margins_post(client, survey_id, **data):
    url = f"/enquetes/{survey_id}/resultats/marges"
    token = csrf_from(page(client, url))
    return client.post(url, data={"csrf_token": token, **data})


def test_margins_import_stores_and_errors_are_french(app, logged_in, survey_id):
    bad = margins_post(
        logged_in,
        survey_id,
        donnees="variable;modalite;effectif\nage;25 à 39 ans;abc\n",
    )
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "Rien n&#39;a été enregistré" in html or "Rien n'a été enregistré" in html
    assert "Ligne 2" in html and "n&#39;est pas un nombre" in html
    good = margins_post(
        logged_in,
        survey_id,
        donnees="variable;modalite;effectif\n"
        "age;25 à 39 ans;1 840\nâge;75 ans ou plus;1160,5\n",
        source="INSEE <RP 2021>",
    )
    assert good.status_code == 302, good.get_data(as_text=True)
    db = connect(app.config["DATABASE"])
    rows = db.execute(
        "SELECT variable, category, target, source FROM analysis_margins "
        "ORDER BY category"
    ).fetchall()
    db.close()
    assert [tuple(r) for r in rows] == [
        ("PR_AGE", "25_39", 1840.0, "INSEE <RP 2021>"),
        ("PR_AGE", "75_plus", 1160.5, "INSEE <RP 2021>"),
    ]
    html = page(logged_in, f"/enquetes/{survey_id}/resultats/marges")
    assert "INSEE &lt;RP 2021&gt;" in html and "1\u202f840" in html
    # The results are now re-weighted: 14 of 40 are 25-39 but weigh 61 %.
    html = page(logged_in, f"/enquetes/{survey_id}/resultats")
    assert "Résultats redressés selon : âge" in html
    assert " d'ajustement, plus grand" in " ".join(html.split())
    assert "plus grand écart restant à une marge : 0,00 point" in html
    assert "Part redressée" in html and "Taille d&#39;échantillon effective" in html


def test_margins_file_upload(app, logged_in, survey_id):
    data = "variable,modalite,effectif\r\nâge,75 ans ou plus,900\r\n".encode("cp1252")
    url = f"/enquetes/{survey_id}/resultats/marges"
    token = csrf_from(page(logged_in, url))
    response = logged_in.post(
        url,
        data={"csrf_token": token, "fichier": (io.BytesIO(data), "marges.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def test_margins_post_without_csrf_is_refused(logged_in, survey_id):
    response = logged_in.post(
        f"/enquetes/{survey_id}/resultats/marges", data={"donnees": "x"}
    )
    assert response.status_code == 400


def test_other_texts_are_shown_escaped(logged_in, survey_id):
    html = page(logged_in, f"/enquetes/{survey_id}/resultats")
    assert "Autre, précisez" in html
    section = html[html.index('id="q-1-be_sujets"') : html.index('id="q-2-pr_menage"')]
    assert "impôts" in section and "=1+1 impôts" in section


@pytest.mark.parametrize("fmt", ["csv", "csv-comma", "xlsx", "ods", "json"])
def test_exports_of_a_survey_without_answers(app, logged_in, diagnostic, fmt):
    from helpers.results_survey import QUESTIONS

    db = connect(app.config["DATABASE"])
    empty = create_survey(db, diagnostic, "Sans réponse", QUESTIONS)
    db.close()
    response = logged_in.get(f"/enquetes/{empty}/export.{fmt}")
    assert response.status_code == 200
    assert response.data


def test_huge_text_with_html_and_emoji(app, logged_in, diagnostic):
    from survey_app.surveys.model import store_response

    db = connect(app.config["DATABASE"])
    survey = create_survey(
        db,
        diagnostic,
        "Long",
        [{"key": "AVIS", "type": "long_text", "theme": "autre", "text": "Avis ?"}],
    )
    version = db.execute("SELECT id FROM survey_versions").fetchone()[0]
    text = ("<b>accès</b> 😀 " * 1000)[:10_000]
    store_response(
        db,
        survey_id=survey,
        version_id=version,
        point_id=None,
        idempotency_key="long-1",
        answers={"AVIS": text},
    )
    db.close()
    html = page(logged_in, f"/enquetes/{survey}/resultats")
    assert "<b>accès" not in html and "&lt;b&gt;accès" in html
    assert "😀" in html
    assert "moins de 30" in html.lower() or "30 réponses" in html


def test_weighted_results_never_mix_bases(app, logged_in, survey_id):
    """Issue 8 B3: no raw count beside a weighted % in a bar; cross-tabs say
    their shares are raw; weighted figures carry the effective size."""
    from analysis.frames import load_survey
    from analysis.result_blocks import crosstab_block, question_blocks
    from survey_app.db import connect

    db = connect(app.config["DATABASE"])
    frames = load_survey(db, survey_id)
    db.close()
    wide = frames.wide.copy()
    wide["weight"] = np.linspace(0.5, 2.0, len(wide))
    frames = dataclasses.replace(frames, wide=wide)
    block = next(b for b in question_blocks(frames) if b.kind == "choices")
    svg = str(block.svg)
    assert "effectif efficace" in svg
    # "50 % (12)": a weighted share followed by a raw count.
    assert not re.search(r"\d\u00a0%\s*\(\d+\)", svg), svg
    section = crosstab_block(frames, "EQ_MOBILE", "genre")
    if section.table is not None:
        assert "parts brutes, non redressées" in section.table.caption


def test_summary_view_is_one_line_per_question(app, logged_in, survey_id):
    """Issue 8 D8: a summary view, each question once, no chart."""
    detail = page(logged_in, f"/enquetes/{survey_id}/resultats")
    assert "vue=resume" in detail
    html = page(logged_in, f"/enquetes/{survey_id}/resultats?vue=resume")
    assert "Réponses les plus fréquentes (part)" in html
    assert '<section class="question"' not in html
    assert "Vue détaillée" in html
    assert len(html) < len(detail) / 2
    # The print layout shows each question once (chart, not its twin table).
    with open("analysis/static/results.css", encoding="utf-8") as f:
        css = f.read()
    assert "section.question figure + .table-wrap { display: none; }" in css


def test_summary_view_keeps_key_sections_compact(app, logged_in, survey_id):
    """Issue 8 D8: the national comparison's chart (9,200 px) and its long
    source column filled the summary; it keeps a compact table instead."""
    detail = page(logged_in, f"/enquetes/{survey_id}/resultats")
    html = page(logged_in, f"/enquetes/{survey_id}/resultats?vue=resume")
    assert 'id="tab-national"' in html and 'id="tab-national"' in detail
    assert "<figure>" not in html, "the summary view has no chart"
    national = html[html.index('id="tab-national"') :]
    national = national[: national.index("</table>")]
    assert "Source</th>" not in national and "Sources : " in html
    assert 'id="croisements"' not in html and "#croisements" in html
    assert '#publics">vue détaillée</a>' in html


def _figure_rows(html: str, key: str) -> dict[str, str]:
    """Row label → "Personnes" cell of one question's table on the page."""
    start = html.index(f'id="tab-{key.lower()}"')
    body = html[start : html.index("</table>", start)]
    rows = re.findall(
        r'<tr><th scope="row">(.*?)</th><td class="num">(.*?)</td>', body, re.S
    )
    return dict(rows)


def test_question_tables_follow_the_small_cell_rule(app, logged_in, diagnostic):
    """Issue 8 B1/B4: the question-by-question counts were printed raw (4
    people "Un téléphone simple"); "Non concerné" apart from "Sans réponse"."""
    survey = make_results_survey(
        app.config["DATABASE"], diagnostic, n=18, code="sml234"
    )
    summary = page(logged_in, f"/enquetes/{survey}/resultats?vue=resume")
    assert "22,2" not in summary, "4 of 18 = 22.2 % gives the count back"
    html = page(logged_in, f"/enquetes/{survey}/resultats")
    rows = _figure_rows(html, "0-EQ_MOBILE")
    numbers = [int(v) for v in rows.values() if v.isdigit()]
    assert not [v for v in numbers if 0 < v < 5], rows
    assert "&lt; 5" in rows.values()
    assert "22,2" not in html
