"""The "Vagues" page and "Relancer l'enquête" (issue 12 §3): axe-core at 360
and 1366 px, nothing wider than the screen but the scrollable tables."""

import pytest
from helpers.waves import two_waves

from survey_app.db import connect

from .conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def waves(live_server, conseiller):
    _context, _page, user = conseiller
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic à deux vagues")
    db = connect(live_server.database)
    try:
        found = two_waves(db, diagnostic)
        db.execute(
            "UPDATE surveys SET status = 'closed', closed_at = "
            "'2026-01-10T09:00:00Z' WHERE id = ?",
            [found["second"]],
        )
        db.conn.commit()
    finally:
        db.close()
    return found


@pytest.mark.parametrize("width", [360, 1366])
@pytest.mark.parametrize("path", ["vagues", "vagues?base=brut", "relancer"])
def test_wave_pages_pass_axe(conseiller, waves, width, path):
    _context, page, _user = conseiller
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/enquetes/{waves['second']}/{path}")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
