"""The survey home: counts per place and per day, latest answers, access."""

import re
import uuid
from datetime import date

import pytest
from helpers.web import login, make_user

from survey_app.surveys import model
from survey_app.surveys.dashboard import answers_per_day, bar_chart, key_answers

QUESTIONS = [
    {
        "key": "PR_COMMUNE",
        "type": "commune",
        "theme": "profil",
        "text": "Dans quelle commune habitez-vous ?",
        "required": False,
    },
    {
        "key": "EQ_MOBILE",
        "type": "single",
        "theme": "equipement",
        "text": "Utilisez-vous un smartphone ?",
        "required": True,
        "choices": [
            {"code": "smartphone", "label": "Un smartphone"},
            {"code": "aucun", "label": "Aucun des deux"},
        ],
    },
    {
        "key": "FR_FREINS",
        "type": "multiple",
        "theme": "freins",
        "text": "Qu'est-ce qui vous freine ?",
        "required": False,
        "other": True,
        "choices": [
            {"code": "cout", "label": "Le coût"},
            {"code": "peur", "label": "La peur des arnaques"},
        ],
    },
    {
        "key": "AUTRE_TEXTE",
        "type": "long_text",
        "theme": "autre",
        "text": "Voulez-vous ajouter quelque chose ?",
        "required": False,
    },
]


@pytest.fixture
def survey(db, diagnostic):
    return model.create_survey(db, diagnostic, "Enquête habitants", QUESTIONS)


def answer(db, survey, point=None, at="2026-11-10T10:00:00Z", mode="self", **values):
    version = model.current_version(db, survey)
    model.store_response(
        db,
        survey_id=survey,
        version_id=version["id"],
        point_id=point,
        idempotency_key=str(uuid.uuid4()),
        answers=values or {"EQ_MOBILE": "smartphone"},
        mode=mode,
        submitted_at=at,
    )


def cell_after(html: str, row_header: str) -> str:
    """The first number cell of the table row headed `row_header`."""
    match = re.search(
        re.escape(row_header) + r'.*?<td class="num">(\d+)</td>', html, re.S
    )
    assert match, row_header
    return match.group(1)


def test_counts_per_point_with_targets(logged_in, db, survey):
    market = model.create_point(db, survey, "Marché", "marche", target=10)
    school = model.create_point(db, survey, "École", "ecole")
    for _ in range(4):
        answer(db, survey, market)
    answer(db, survey, school)
    answer(db, survey, None, mode="paper")
    html = logged_in.get(f"/enquetes/{survey}").get_data(as_text=True)
    assert cell_after(html, "Marché <span") == "4"
    assert cell_after(html, "École <span") == "1"
    assert cell_after(html, "Sans lieu (lien général)") == "1"
    assert cell_after(html, "Total") == "6"
    assert "10 (40 %)" in html and '<progress max="10" value="4"' in html
    assert "Saisie d&#39;un questionnaire papier : 1" in html


def test_counts_per_french_day_with_gaps(logged_in, db, survey):
    # 23:30 UTC on 9 November is already 10 November in France.
    answer(db, survey, at="2026-11-09T23:30:00Z")
    answer(db, survey, at="2026-11-10T08:00:00Z")
    answer(db, survey, at="2026-11-12T16:00:00Z")
    html = logged_in.get(f"/enquetes/{survey}").get_data(as_text=True)
    assert cell_after(html, '<th scope="row">10 novembre 2026</th>') == "2"
    assert cell_after(html, '<th scope="row">11 novembre 2026</th>') == "0"
    assert cell_after(html, '<th scope="row">12 novembre 2026</th>') == "1"
    assert "9 novembre 2026" not in html
    assert html.count('fill="#000091"') == 3  # one bar per day, gap included
    assert "au plus 2 en un jour" in html
    assert ">10 nov.</text>" in html and ">10/11<" not in html  # chart axis (D6)


def test_answers_per_day_and_chart_are_pure():
    days = answers_per_day([("2026-03-28T12", 3), ("2026-03-30T21", 5)])
    assert days == [
        (date(2026, 3, 28), 3),
        (date(2026, 3, 29), 0),
        # 21:00 UTC is 23:00 in summer time: still the 30th.
        (date(2026, 3, 30), 5),
    ]
    chart = bar_chart(days, width=300, height=120)
    heights = [bar["height"] for bar in chart["bars"]]
    assert heights[1] == 0 and heights[2] == 100 and 0 < heights[0] < heights[2]
    assert answers_per_day([]) == []


def test_latest_answers_are_readable_and_escaped(logged_in, db, survey):
    point = model.create_point(db, survey, "Médiathèque <i>", "mediatheque")
    for i in range(25):
        answer(db, survey, point, at=f"2026-11-10T10:{i:02d}:00Z")
    answer(
        db,
        survey,
        point,
        at="2026-11-11T10:00:00Z",
        PR_COMMUNE="38226",
        EQ_MOBILE="aucun",
        FR_FREINS=["cout", "autre"],
        **{
            "FR_FREINS.autre": "Ma <b>vue</b>",
            "AUTRE_TEXTE": "<script>alert(1)</script> Merci",
        },
    )
    html = logged_in.get(f"/enquetes/{survey}").get_data(as_text=True)
    latest = html.split("Dernières réponses", 1)[1].split("Versions du", 1)[0]
    assert latest.count("<li>") == 20
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Merci" in latest
    assert "<script>" not in html and "<b>vue" not in html
    assert "Le coût, Autre (Ma &lt;b&gt;vue&lt;/b&gt;)" in latest
    assert "Mens" in latest and "Aucun des deux" in latest
    assert "Médiathèque &lt;i&gt;" in latest
    assert "11 novembre 2026 à 11 h 00" in latest  # French local time


def test_versions_are_listed(logged_in, db, survey):
    answer(db, survey)
    model.save_questions(db, survey, QUESTIONS[:2])
    html = logged_in.get(f"/enquetes/{survey}").get_data(as_text=True)
    assert "Version 2 (actuelle)" in html and "2 questions, 0 réponse" in html
    assert "Version 1 du" in html and "4 questions, 1 réponse" in html
    assert not re.search(r"\d\d/\d\d/\d{4}|\d{4}-\d\d-\d\d", html)  # D6


def test_links_status_and_tab(logged_in, db, survey):
    model.create_point(db, survey, "Marché", "marche", code="marche")
    html = logged_in.get(f"/enquetes/{survey}").get_data(as_text=True)
    assert "Télécharger les réponses (CSV)" in html
    assert re.search(rf'href="/enquetes/{survey}/export\.csv', html)
    assert "http://localhost/s/marche" in html
    code = db.execute("SELECT code FROM surveys").fetchone()[0]
    assert f"http://localhost/s/{code}" in html
    assert "Enquête <strong>brouillon</strong>" in html
    assert 'aria-current="page">Tableau de bord' in html
    assert "Aucune réponse pour l'instant" in html


def test_dashboard_needs_a_member(app, client, db, survey):
    url = f"/enquetes/{survey}"
    response = client.get(url)
    assert response.status_code == 302 and "/connexion" in response.location
    make_user(app, "autre@example.fr")
    login(client, "autre@example.fr")
    assert client.get(url).status_code == 403
    assert client.get("/enquetes/999").status_code == 404


def test_key_answers_prefer_texts_commune_and_age():
    questions = [
        {"key": "A", "type": "single", "theme": "equipement", "text": "A ?",
         "choices": [{"code": "x", "label": "Ixe"}]},
        {"key": "B", "type": "scale", "theme": "usages", "text": "B ?",
         "choices": [{"code": "y", "label": "Igrec"}]},
        {"key": "AGE", "type": "single", "theme": "profil", "text": "Âge ?",
         "choices": [{"code": "75_plus", "label": "75 ans ou plus"}]},
        {"key": "GENRE", "type": "single", "theme": "profil", "text": "Genre ?",
         "choices": [{"code": "f", "label": "Une femme"}]},
        {"key": "COM", "type": "commune", "theme": "profil", "text": "Commune ?"},
        {"key": "TXT", "type": "long_text", "theme": "autre", "text": "Autre ?"},
    ]  # fmt: skip
    answers = {"A": "x", "B": "y", "AGE": "75_plus", "GENRE": "f", "COM": "38226",
               "TXT": "long " * 100}  # fmt: skip
    shown = key_answers(questions, answers, {"38226": "Mens"})
    assert [text for text, _ in shown] == ["A ?", "Âge ?", "Commune ?", "Autre ?"]
    assert shown[1][1] == "75 ans ou plus" and shown[2][1] == "Mens"
    assert shown[3][1].endswith("…") and len(shown[3][1]) == 201
