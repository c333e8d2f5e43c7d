"""Indicators in a browser (issue 12 §1): a measure typed through the form,
then the dashboard, the indicator page (chart and table) and the form pass
axe-core at 360 and 1366 px without horizontal scrolling."""

import pytest
from helpers.evaluation import make_fiche, make_indicator

from survey_app.db import connect

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def check_page(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == [], page.url
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, page.url


def test_measure_typed_then_pages_pass_axe(conseiller, live_server):
    _context, page, user = conseiller
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic du Trièves")
    db = connect(live_server.database)
    try:
        fiche = make_fiche(db, diagnostic, "Permanences au CCAS")
        indicator = make_indicator(db, diagnostic, fiche)
    finally:
        db.close()
    base = f"/diagnostics/{diagnostic}/evaluation/indicateurs"
    page.goto(f"{base}/{indicator}")
    page.fill("#measured_on", "2026-07-02")
    page.fill("#value", "38")
    page.fill("#source", "Registre des permanences")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la mesure").click()
    assert "Mesure enregistrée." in page.content()
    assert "État : en bonne voie." in page.content()  # 45 % done, 49.9 % due
    title = page.locator("svg[role=img] title").text_content()
    assert title == "Évolution de l'indicateur « Personnes accompagnées »"
    for url in (f"{base}/{indicator}", base, f"{base}/nouveau?fiche={fiche}"):
        page.goto(url)
        for width in (360, 1366):
            check_page(page, width)
