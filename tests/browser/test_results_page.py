"""Results page in Chromium: axe-core clean, CSP-clean, refreshes by itself."""

import sys

import pytest
from playwright.sync_api import expect

from survey_app.db import connect
from survey_app.surveys.model import store_response

from .conftest import ROOT, axe_violations, log_in, pdf_pages, remove_demo

sys.path.insert(0, f"{ROOT}/tests")
from helpers.results_survey import make_results_survey  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(browser, live_server):
    user = live_server.create_user()
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic résultats")
    code = f"r{user['id']:05d}"
    survey_id = make_results_survey(live_server.database, diagnostic, code=code)
    context = browser.new_context(base_url=live_server.url)
    page = log_in(context, live_server, user)
    yield page, survey_id, code, user
    context.close()


URL = "/enquetes/{}/resultats?question=EQ_MOBILE&selon=PR_AGE"


def test_results_page_obeys_the_csp(signed_in):
    page, survey_id, _code, _user = signed_in
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(URL.format(survey_id))
    assert page.locator("svg[role=img]").count() >= 3, page.content()[-3000:]
    assert page.locator(".quotes li").count() >= 1
    assert not errors, errors


def test_results_page_is_accessible_at_360_and_1280(browser, live_server, signed_in):
    _page, survey_id, _code, user = signed_in
    # CSP bypassed only so that axe-core can be evaluated in the page.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        page = log_in(context, live_server, user)
        # Detailed view and summary view (issue 8 D8), desktop and phone.
        for width, view in [
            (1280, ""),
            (360, ""),
            (1366, "&vue=resume"),
            (360, "&vue=resume"),
        ]:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(URL.format(survey_id) + view)
            assert axe_violations(page) == [], (width, view)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate(
                "[...document.querySelectorAll('main *')].filter(e => "
                "e.getBoundingClientRect().right > window.innerWidth + 1)"
                ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + "
                "(e.id || '') + ' ' + Math.round(e.getBoundingClientRect().right))"
            )
            assert scroll <= width + 1, f"horizontal scroll at {width}px: {wide}"
    finally:
        context.close()


def test_results_refresh_without_reload(signed_in, live_server):
    page, survey_id, code, _user = signed_in
    page.clock.install()
    page.goto(f"/enquetes/{survey_id}/resultats")
    assert page.locator(".lead strong").inner_text() == "40"
    db = connect(live_server.database)
    version = db.execute(
        "SELECT id FROM survey_versions WHERE survey_id = ?", [survey_id]
    ).fetchone()[0]
    store_response(
        db,
        survey_id=survey_id,
        version_id=version,
        point_id=None,
        idempotency_key=f"{code}-nouvelle",
        answers={"EQ_MOBILE": "aucun"},
    )
    db.close()
    page.clock.fast_forward(31_000)
    expect(page.locator(".lead strong")).to_have_text("41", timeout=15_000)
    expect(page.locator("#actualisation")).to_contain_text("mis à jour")


def test_demo_results_print_on_a_few_pages(browser, live_server):
    """Issue 8 D8: the demo's results page was 43,700 px tall and printed
    as 52 pages; the summary view and the print layout are a few pages."""
    from survey_app.demo import DEMO_CODE, DEMO_EMAIL, DEMO_PASSWORD, load_demo
    from survey_app.surveys.model import point_by_code

    db = connect(live_server.database)
    try:
        if not point_by_code(db, DEMO_CODE):
            load_demo(db)
        survey_id = point_by_code(db, DEMO_CODE)["survey_id"]
    finally:
        db.close()
    context = browser.new_context(base_url=live_server.url)
    try:
        page = log_in(
            context, live_server, {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
        )
        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto(f"/enquetes/{survey_id}/resultats?vue=resume")
        height = page.evaluate("document.documentElement.scrollHeight")
        summary_pages = pdf_pages(page)
        page.goto(f"/enquetes/{survey_id}/resultats")
        detail_pages = pdf_pages(page)
        print(f"summary view {height} px, {summary_pages} pages; detail {detail_pages}")
        # Before (1 December 2026): summary view 14,945 px and 14 pages
        # (national comparison chart alone 9,200 px), detail 30 pages.
        # After: summary view 6,392 px and 5 pages, detail 23 pages.
        assert summary_pages <= 6, f"summary view prints {summary_pages} pages"
        assert height <= 8000, f"summary view is {height} px tall"
        assert detail_pages < 30, f"detailed view prints {detail_pages} pages"
    finally:
        context.close()
        remove_demo(live_server.database)
