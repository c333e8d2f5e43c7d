"""The diagnostic document page (issue 10 §3): axe-core at 360 and 1366 px,
and the document chosen and downloaded with the keyboard alone."""

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def diagnostic(live_server, conseiller):
    _context, _page, user = conseiller
    return live_server.create_diagnostic(user["id"], "Diagnostic du Trièves")


@pytest.mark.parametrize("width", [360, 1366])
def test_document_page_passes_axe(conseiller, diagnostic, width):
    _context, page, _user = conseiller
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/diagnostics/{diagnostic}/document")
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1


def test_download_by_keyboard(conseiller, diagnostic):
    _context, page, _user = conseiller
    page.goto(f"/diagnostics/{diagnostic}/document")
    page.locator("#partie-synthese").focus()
    page.keyboard.press("Space")  # leave the summary out
    assert not page.locator("#partie-synthese").is_checked()
    page.locator("#format-docx").focus()
    page.keyboard.press("Space")
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger le document").focus()
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".docx")
