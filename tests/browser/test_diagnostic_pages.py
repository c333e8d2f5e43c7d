"""Steps and portrait pages (issue 10): axe-core at 360 and 1366 px, and the
CSV import with its column-mapping step done with the keyboard alone."""

import re
from datetime import date

import pytest

from diagnostic.demo import fill_demo
from survey_app.db import connect

from .conftest import axe_violations

pytestmark = pytest.mark.browser

COMMUNES = [("38226", 1415), ("38113", 596), ("38242", 1478)]
WIDTHS = [360, 1366]


@pytest.fixture
def filled(live_server, conseiller):
    return fill(live_server, conseiller[2]["id"])


@pytest.fixture(scope="module")
def filled_for_reading(live_server, reading_conseiller):
    """Filled once for the tests that only read its pages."""
    return fill(live_server, reading_conseiller[2]["id"])


def fill(live_server, user_id: int) -> int:
    """A diagnostic of the conseiller with the demo's steps and portrait."""
    diagnostic = live_server.create_diagnostic(user_id, "Diagnostic du Trièves")
    db = connect(live_server.database)
    try:
        db["diagnostic_communes"].insert_all(
            {"diagnostic_id": diagnostic, "commune_code": code} for code, _ in COMMUNES
        )
        fill_demo(db, diagnostic, date(2026, 10, 5), COMMUNES)
    finally:
        db.close()
    return diagnostic


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["etapes", "portrait", "entretiens", "resultats", ""])
def test_pages_pass_axe(reading_conseiller, filled_for_reading, width, path):
    _context, page, _user = reading_conseiller
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/diagnostics/{filled_for_reading}/{path}".rstrip("/"))
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    # Nothing wider than the screen but the scrollable tables.
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1


def test_portrait_shows_pyramid_and_sorted_table(conseiller, filled):
    _context, page, _user = conseiller
    page.goto(f"/diagnostics/{filled}/portrait")
    assert page.locator("svg.pyramid rect").count() == 40
    page.get_by_role("link", name=re.compile("^Couverture 4G")).click()
    assert "tri=couverture_4g" in page.url
    header = page.locator("th[aria-sort]")
    assert header.get_attribute("aria-sort") == "ascending"


def test_import_with_mapping_by_keyboard(conseiller, filled, live_server, tmp_path):
    _context, page, _user = conseiller
    csv = tmp_path / "pauvrete.csv"
    csv.write_bytes(
        "CODGEO;LIBGEO;PAUVRETE\n38226;Mens;13,9\n38113;Clelles;12,1\n".encode("cp1252")
    )
    page.goto(f"/diagnostics/{filled}/portrait/import")
    # A file dialog cannot be driven headless: the file is set, the rest typed.
    page.set_input_files("#fichier", str(csv))
    page.focus("#fichier")
    page.keyboard.press("Tab")
    page.keyboard.type("Insee, Filosofi 2021")
    page.keyboard.press("Tab")
    page.keyboard.type("2021")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/portrait/import/" in page.url
    # CODGEO is recognised; PAUVRETE is chosen with the keyboard.
    assert page.locator("#col-0").input_value() == "commune"
    page.focus("#col-2")
    page.keyboard.type("Taux de p")
    assert page.locator("#col-2").input_value() == "taux_pauvrete"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Vérifier"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Aucune erreur" in page.locator("[role=status]").inner_text()
    page.focus("#col-2")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("Enregistrer")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/portrait")
    db = connect(live_server.database)
    try:
        value = db.execute(
            "SELECT value FROM portrait_figures WHERE diagnostic_id = ? AND "
            "commune_code = '38226' AND indicator = 'taux_pauvrete'",
            [filled],
        ).fetchone()[0]
    finally:
        db.close()
    assert value == pytest.approx(13.9)
