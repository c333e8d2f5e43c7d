"""Builder pages in a real browser: axe-core clean, usable at 360 px, no JS needed."""

import pytest

from survey_app.db import connect
from survey_app.surveys import model

from .conftest import axe_violations, log_in

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


def survey_keys(live_server, survey_id: int) -> list[str]:
    db = connect(live_server.database)
    try:
        return [q["key"] for q in model.current_version(db, survey_id)["questions"]]
    finally:
        db.close()


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_builder_works_without_javascript_and_by_keyboard(browser, live_server):
    user = live_server.create_user()
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic du Trièves")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE
    )
    try:
        page = log_in(context, live_server, user)
        page.goto(f"/diagnostics/{diagnostic}/enquetes/nouvelle")
        page.fill("input[name=title]", "Le numérique et vous")
        page.check("input[name=start][value=court]")
        submit(page, "button[type=submit]:has-text('Créer')")
        survey_id = int(page.url.split("/enquetes/")[1].split("/")[0])

        # Keyboard only: reach the first "Descendre" button and press Enter.
        page.focus("button:has-text('Descendre')")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        keys = survey_keys(live_server, survey_id)
        assert keys[:2] == ["EQ_ORDI_TABLETTE", "EQ_MOBILE"]

        page.goto(f"/enquetes/{survey_id}/questions/DA_DIFFICULTES/modifier")
        page.fill("textarea[name=text]", "")
        submit(page, "button[value=save]")
        assert "Le texte est obligatoire" in page.content()
        assert survey_keys(live_server, survey_id) == keys

        page.goto(f"/enquetes/{survey_id}/questions/nouvelle")
        page.fill("textarea[name=text]", "Venez-vous souvent au marché ?")
        page.fill("textarea[name=choices]", "Oui\nNon")
        page.select_option("select[name=show_if_question]", "CO_INTERNET_DOMICILE")
        submit(page, "button[value=refresh]")  # shows that question's answers
        page.check("input[name=show_if_values][value=non]")
        submit(page, "button[value=save]")
        assert len(survey_keys(live_server, survey_id)) == len(keys) + 1

        page.goto(f"/enquetes/{survey_id}/statut/ouvrir")
        submit(page, "button:has-text('Ouvrir')")
        assert "maintenant ouverte" in page.content()
    finally:
        context.close()


def test_builder_pages_pass_axe_at_360_px(browser, live_server):
    user = live_server.create_user()
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic du Trièves")
    db = connect(live_server.database)
    try:
        from survey_app.surveys import bank

        survey_id = model.create_survey(
            db, diagnostic, "Le numérique et vous", bank.preset("court")
        )
    finally:
        db.close()
    # bypass_csp: our strict CSP would block the injected axe-core script.
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, bypass_csp=True
    )
    try:
        page = log_in(context, live_server, user)
        base = f"/enquetes/{survey_id}"
        for url in [
            f"/diagnostics/{diagnostic}/enquetes/nouvelle",
            f"/diagnostics/{diagnostic}",
            f"{base}/questions",
            f"{base}/questions/DA_DIFFICULTES/modifier",
            f"{base}/questions/nouvelle",
            f"{base}/questions/banque",
            f"{base}/questions/PR_AGE/retirer",
            f"{base}/statut/ouvrir",
            f"{base}/questions/presentation",
            "error: question",
        ]:
            if url == "error: question":  # the form showing its errors
                page.goto(f"{base}/questions/EQ_MOBILE/modifier")
                page.fill("textarea[name=text]", "<b>Gras</b>")
                page.fill("textarea[name=choices]", "Seul choix")
                submit(page, "button[value=save]")
                assert "balises HTML" in page.content()
            else:
                page.goto(url)
            assert axe_violations(page) == [], url
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{url} : défilement horizontal"
    finally:
        context.close()


def test_question_form_shows_only_the_settings_of_the_chosen_type(browser, live_server):
    user = live_server.create_user()
    diagnostic = live_server.create_diagnostic(user["id"])
    db = connect(live_server.database)
    try:
        survey_id = model.create_survey(db, diagnostic, "Enquête", [])
    finally:
        db.close()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    try:
        page = log_in(context, live_server, user)
        page.goto(f"/enquetes/{survey_id}/questions/nouvelle")
        assert page.is_visible("textarea[name=choices]")
        assert not page.is_visible("input[name=min]")
        page.select_option("select[name=type]", "number")
        assert page.is_visible("input[name=min]")
        assert not page.is_visible("textarea[name=choices]")
        page.select_option("select[name=type]", "multiple")
        assert page.is_visible("input[name=other]")
        page.select_option("select[name=type]", "scale")
        assert not page.is_visible("input[name=other]")
    finally:
        context.close()
