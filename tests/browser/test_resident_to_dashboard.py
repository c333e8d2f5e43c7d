"""From a resident's phone to the conseiller's dashboard, end to end.

Two residents answer through a collection point's link on 360 px phones, one
with JavaScript and one without; the conseiller, signed in elsewhere, then
sees both answers counted for that place and listed among the latest ones,
and the database holds exactly those two responses. The keyboard-only walk
and axe-core checks of the public pages are in test_public_questionnaire.py.
"""

import json

import pytest
from playwright.sync_api import expect

from survey_app.db import connect, write_transaction
from survey_app.surveys import model

from .test_public_questionnaire import fits_360

pytestmark = pytest.mark.browser

POINT = "Marché de Mens (samedi)"
QUESTIONS = [
    {"key": "MOBILE", "type": "single", "theme": "equipement", "required": True,
     "text": "Quel téléphone utilisez-vous ?",
     "choices": [{"code": "smartphone", "label": "Un smartphone"},
                 {"code": "simple", "label": "Un téléphone simple"}]},
    {"key": "INTERNET", "type": "single", "theme": "connexion", "required": True,
     "text": "Avez-vous Internet chez vous ?",
     "choices": [{"code": "oui", "label": "Oui"}, {"code": "non", "label": "Non"}]},
    {"key": "FREINS", "type": "multiple", "theme": "connexion", "required": True,
     "text": "Pourquoi n'avez-vous pas Internet ?",
     "show_if": {"question": "INTERNET", "values": ["non"]},
     "choices": [{"code": "prix", "label": "C'est trop cher"},
                 {"code": "reseau", "label": "Le réseau ne passe pas"}]},
    {"key": "AGE", "type": "number", "theme": "profil", "required": True,
     "text": "Quel âge avez-vous ?", "min": 0, "max": 120},
    {"key": "COMMUNE", "type": "commune", "theme": "profil", "required": True,
     "text": "Dans quelle commune habitez-vous ?"},
    {"key": "REMARQUE", "type": "long_text", "theme": "autre", "required": False,
     "text": "Autre chose à nous dire ?"},
]  # fmt: skip


def make_survey(live_server, user_id: int) -> tuple[int, int, str]:
    """An open survey of the user's diagnostic with two points.

    Two answers already exist at the market and one elsewhere, so that the
    dashboard must add the new ones to a count rather than show a first one.
    """
    diagnostic = live_server.create_diagnostic(user_id, "Diagnostic du Trièves")
    db = connect(live_server.database)
    try:
        survey_id = model.create_survey(db, diagnostic, "Le numérique", QUESTIONS)
        with write_transaction(db):
            db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey_id])
        market = model.create_point(db, survey_id, POINT, "marche")
        school = model.create_point(db, survey_id, "École de Clelles", "ecole")
        version = model.current_version(db, survey_id)["id"]
        for n, point in enumerate((market, market, school)):
            model.store_response(
                db,
                survey_id=survey_id,
                version_id=version,
                point_id=point,
                idempotency_key=f"earlier-{survey_id}-{n}",
                answers={"MOBILE": "smartphone", "INTERNET": "oui", "AGE": 30},
                submitted_at="2026-11-02T09:00:00Z",
            )
        code = db.execute(
            "SELECT code FROM collection_points WHERE id = ?", [market]
        ).fetchone()[0]
    finally:
        db.close()
    return survey_id, market, code


def next_screen(page) -> None:
    with page.expect_navigation():
        page.click("button[value=next]")


def answer(page, code: str, resident: dict) -> None:
    """Walk the whole questionnaire as `resident` describes, by taps."""
    page.goto(f"/s/{code}")
    expect(page.locator("h1")).to_have_text("Le numérique")
    with page.expect_navigation():
        page.click("text=Commencer")
    page.check(f"input[name=MOBILE][value={resident['mobile']}]")
    next_screen(page)
    page.check(f"input[name=INTERNET][value={resident['internet']}]")
    next_screen(page)
    # The follow-up question comes only after "Non" (show_if).
    shown = page.locator("input[name=FREINS]").count() > 0
    assert shown == (resident["internet"] == "non")
    if shown:
        page.check("input[name=FREINS][value=reseau]")
        next_screen(page)
    page.fill("#q-AGE", resident["age"])
    page.fill("#q-COMMUNE-q", resident["search"])
    assert fits_360(page)
    next_screen(page)  # one commune matches: taken on the same tap (issue 8)
    expect(page.locator("button[value=next]")).to_have_text("Envoyer mes réponses")
    page.fill("#q-REMARQUE", resident["remark"])
    next_screen(page)
    expect(page.locator("h1")).to_contain_text("Merci")
    assert f"/s/{code}/merci?recu=" in page.url


RESIDENTS = [
    {
        "javascript": True,
        "mobile": "simple",
        "internet": "non",
        "age": "71",
        "search": "mens",  # Mens, not Mensignac or Menskirch
        "commune": "Mens",
        "remark": "Le réseau coupe <souvent> au hameau",
    },
    {
        "javascript": False,
        "mobile": "smartphone",
        "internet": "oui",
        "age": "38",
        "search": "38000",  # Grenoble only
        "commune": "Grenoble",
        "remark": "",
    },
]
EXPECTED = [
    {
        "MOBILE": "simple",
        "INTERNET": "non",
        "FREINS": ["reseau"],
        "AGE": 71,
        "COMMUNE": "38226",
        "REMARQUE": "Le réseau coupe <souvent> au hameau",
    },
    {"MOBILE": "smartphone", "INTERNET": "oui", "AGE": 38, "COMMUNE": "38185"},
]


def point_count(page, survey_id: int) -> int:
    page.goto(f"/enquetes/{survey_id}")
    row = page.locator("table[aria-labelledby=par-lieu] tbody tr", has_text=POINT)
    return int(row.locator("td.num").inner_text())


def test_two_residents_answers_reach_the_dashboard(browser, live_server, conseiller):
    _context, dashboard, user = conseiller
    survey_id, market, code = make_survey(live_server, user["id"])
    assert point_count(dashboard, survey_id) == 2

    for resident in RESIDENTS:
        phone = browser.new_context(
            base_url=live_server.url,
            java_script_enabled=resident["javascript"],
            viewport={"width": 360, "height": 740},
        )
        try:
            answer(phone.new_page(), code, resident)
        finally:
            phone.close()

    assert point_count(dashboard, survey_id) == 4
    expect(dashboard.locator("tfoot td.num")).to_have_text("5")
    cards = dashboard.locator("ul.cards > li")
    newest, second = cards.nth(0), cards.nth(1)  # newest first
    for card in (newest, second):
        expect(card).to_contain_text(POINT)
        expect(card).to_contain_text("Sur son téléphone")
    assert {"Grenoble", "38"} <= set(newest.locator("dd").all_inner_texts())
    assert {"Mens", "71"} <= set(second.locator("dd").all_inner_texts())
    # What the resident typed is shown as text, never as markup.
    expect(second).to_contain_text("Le réseau coupe <souvent> au hameau")

    db = connect(live_server.database)
    try:
        rows = db.execute(
            "SELECT point_id, mode, answers FROM responses WHERE survey_id = ? "
            "AND idempotency_key NOT LIKE 'earlier-%' ORDER BY id",
            [survey_id],
        ).fetchall()
    finally:
        db.close()
    assert [(r[0], r[1]) for r in rows] == [(market, "self"), (market, "self")]
    assert [json.loads(r[2]) for r in rows] == EXPECTED
