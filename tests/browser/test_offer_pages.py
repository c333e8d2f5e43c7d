"""Offer pages (issue 11 §1–3): axe-core at 360 and 1366 px, and the import of
a national-schema CSV from the browser with its per-line report."""

from datetime import date

import pytest
from helpers.offer import place_row, to_csv

from diagnostic.demo import fill_demo
from offer import actors
from offer.places import save_places
from survey_app.db import connect

from .conftest import axe_violations

pytestmark = pytest.mark.browser

COMMUNES = [("38226", 1415), ("38113", 596), ("38242", 1478)]


@pytest.fixture
def filled(live_server, conseiller):
    return fill(live_server, conseiller[2]["id"])


@pytest.fixture(scope="module")
def filled_for_reading(live_server, reading_conseiller):
    """Filled once for the tests that only read its pages."""
    return fill(live_server, reading_conseiller[2]["id"])


def fill(live_server, user_id: int) -> int:
    """A diagnostic of the conseiller: the demo's data, a place, an actor with
    a resource and an inspiration."""
    diagnostic = live_server.create_diagnostic(user_id, "Diagnostic du Trièves")
    db = connect(live_server.database)
    try:
        db["diagnostic_communes"].insert_all(
            {"diagnostic_id": diagnostic, "commune_code": code} for code, _ in COMMUNES
        )
        fill_demo(db, diagnostic, date(2026, 10, 5), COMMUNES)
        save_places(db, diagnostic, [place_row(1, "38226", "Mens", "38710")])
        actor = actors.add_actor(db, diagnostic, {
            "name": "CCAS de Mens", "kind": "ccas", "role": "Accueil",
            "contact": "Place de la Halle"})  # fmt: skip
        actors.add_resource(db, actor, {"kind": "material", "description": "Salle",
                                        "quantity": "1"})  # fmt: skip
        actors.add_inspiration(db, diagnostic, dict.fromkeys(
            actors.INSPIRATION_FIELDS, "Bus numérique"))  # fmt: skip
    finally:
        db.close()
    return diagnostic


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("path", ["offre", "offre/besoins", "offre/inspirations"])
def test_pages_pass_axe(reading_conseiller, filled_for_reading, width, path):
    _context, page, _user = reading_conseiller
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/diagnostics/{filled_for_reading}/{path}")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_import_reports_bad_lines(conseiller, filled, tmp_path):
    _context, page, _user = conseiller
    good = place_row(2, "38113", "Clelles", "38930")
    bad = place_row(3, "38113", "Clelles", "38930", frais_a_charge="Parfois")
    rows = [good, bad]
    csv = tmp_path / "lieux.csv"
    csv.write_bytes(to_csv(rows, "latin-1"))
    page.goto(f"/diagnostics/{filled}/offre")
    page.set_input_files("#fichier", str(csv))
    with page.expect_navigation():
        page.get_by_role("button", name="Importer les lieux").click()
    report = page.locator(".report")
    assert "1 lieu(x) ajouté(s)" in report.inner_text()
    assert "frais_a_charge" in report.inner_text()
    assert axe_violations(page) == []
