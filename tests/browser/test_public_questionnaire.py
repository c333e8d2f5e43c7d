"""The residents' questionnaire in Chromium: no JavaScript, keyboard only, 360 px.

Runs against the production server (gunicorn) with its real
Content-Security-Policy; axe-core is evaluated, never injected as a script.
"""

import json

import pytest
from playwright.sync_api import expect

from survey_app.db import connect, write_transaction
from survey_app.surveys import model

from .conftest import axe_violations

pytestmark = pytest.mark.browser

QUESTIONS = [
    {"key": "AGE", "type": "number", "theme": "profil", "required": True,
     "text": "Quel âge avez-vous ?", "min": 0, "max": 120},
    {"key": "COMMUNE", "type": "commune", "theme": "profil", "required": True,
     "text": "Dans quelle commune habitez-vous ?"},
    {"key": "MOBILE", "type": "single", "theme": "equipement", "required": True,
     "text": "Quel téléphone utilisez-vous ?", "other": True,
     "choices": [{"code": "smartphone", "label": "Un smartphone"},
                 {"code": "simple", "label": "Un téléphone simple"}]},
    {"key": "EQUIP", "type": "multiple", "theme": "equipement", "required": False,
     "text": "Qu'avez-vous à la maison ?", "exclusive": ["aucun"],
     "choices": [{"code": "ordi", "label": "Un ordinateur"},
                 {"code": "aucun", "label": "Aucun de ces équipements"}]},
    {"key": "REMARQUE", "type": "long_text", "theme": "autre", "required": False,
     "text": "Autre chose à nous dire ?"},
]  # fmt: skip


def make_survey(live_server, status: str = "open") -> tuple[str, int]:
    user = live_server.create_user()
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic du Trièves")
    db = connect(live_server.database)
    try:
        survey_id = model.create_survey(
            db, diagnostic, "Le numérique et vous", QUESTIONS
        )
        with write_transaction(db):
            db.execute(
                "UPDATE surveys SET status = ? WHERE id = ?", [status, survey_id]
            )
        code = db.execute("SELECT code FROM surveys WHERE id = ?", [survey_id])
        return code.fetchone()[0], survey_id
    finally:
        db.close()


def stored_answers(live_server, survey_id: int) -> list[dict]:
    db = connect(live_server.database)
    try:
        rows = db.execute(
            "SELECT answers FROM responses WHERE survey_id = ?", [survey_id]
        )
        return [json.loads(r[0]) for r in rows]
    finally:
        db.close()


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{selector} n'est pas atteignable au clavier")


def fits_360(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def press_enter_on(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_only_without_javascript_at_360px(browser, live_server):
    code, survey_id = make_survey(live_server)
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
    )
    page = context.new_page()
    try:
        page.goto(f"/s/{code}")
        assert fits_360(page)
        press_enter_on(page, "a.button")
        expect(page.locator(".progress")).to_have_text("Étape 1 sur 3")
        tab_to(page, "#q-AGE")
        page.keyboard.type("42")
        tab_to(page, "#q-COMMUNE-q")
        page.keyboard.type("69003")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # one commune: taken at once (A2)
        expect(page.locator(".progress")).to_have_text("Étape 2 sur 3")
        tab_to(page, "#q-MOBILE-1")
        page.keyboard.press("ArrowDown")  # radios: arrows move and select
        tab_to(page, "#q-EQUIP-1")
        page.keyboard.press("Space")
        tab_to(page, "#q-EQUIP-2")
        page.keyboard.press("Space")
        press_enter_on(page, "button[value=next]")
        # Error summary, then the field, still filled in.
        expect(page.locator(".error-summary")).to_contain_text("Aucun de ces")
        expect(page.locator("#q-MOBILE-2")).to_be_checked()
        assert fits_360(page)
        tab_to(page, "#q-EQUIP-2")
        page.keyboard.press("Space")
        press_enter_on(page, "button[value=next]")
        expect(page.locator(".progress")).to_have_text("Étape 3 sur 3")
        tab_to(page, "#q-REMARQUE")
        page.keyboard.type("Merci <b>!</b> 🙂")
        press_enter_on(page, "button[value=next]")
        expect(page.locator("h1")).to_contain_text("Merci")
        assert f"/s/{code}/merci?recu=" in page.url
    finally:
        context.close()
    assert stored_answers(live_server, survey_id) == [
        {
            "AGE": 42,
            "COMMUNE": "69123",
            "MOBILE": "simple",
            "EQUIP": ["ordi"],
            "REMARQUE": "Merci <b>!</b> 🙂",
        }
    ]


def test_every_public_page_passes_axe_core(browser, live_server):
    code, _ = make_survey(live_server)
    closed, _ = make_survey(live_server, status="closed")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    checked = []

    def check(label):
        assert axe_violations(page) == [], label
        assert fits_360(page), label
        checked.append(label)

    try:
        page.goto(f"/s/{code}")
        check("accueil")
        page.click("text=Commencer")
        check("étape 1")
        page.fill("#q-COMMUNE-q", "Beaurepaire")  # four in France
        page.click("button[value=next]")
        check("étape 1 : erreur et liste des communes")
        expect(page.locator("label.choice")).to_have_count(5)  # and the way out
        page.fill("#q-AGE", "42")
        page.check("#q-COMMUNE-1")
        page.click("button[value=next]")
        page.check("#q-MOBILE-3")
        page.fill("#q-MOBILE-autre", "Un vieux Nokia")
        check("étape 2")
        page.click("button[value=next]")
        check("étape 3")
        page.click("button[value=next]")
        check("merci")
        for url in (f"/s/{code}/confidentialite", f"/s/{closed}", "/s/inconnu"):
            page.goto(url)
            check(url)
    finally:
        context.close()
    assert len(checked) == 9


def test_start_button_is_above_the_fold_at_360_by_640(browser, live_server):
    """Issue 8, A5: "Commencer" was below the fold on a small phone."""
    code, _survey_id = make_survey(live_server)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 640}
    )
    try:
        page = context.new_page()
        page.goto(f"/s/{code}")
        box = page.locator("a.button", has_text="Commencer").bounding_box()
        assert box is not None and box["y"] + box["height"] <= 640
        assert fits_360(page)
        assert axe_violations(page) == []
    finally:
        context.close()
