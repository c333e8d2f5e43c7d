"""Issue-5 pages in Chromium: strict CSP really enforced, axe-core clean."""

import pytest

from survey_app.db import connect, write_transaction
from survey_app.surveys import model

from .conftest import axe_violations

pytestmark = pytest.mark.browser

# Runs before any page script; CSP does not apply to it. Records every
# violation the browser reports while enforcing the policy.
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


@pytest.fixture
def field_pages(live_server, conseiller):
    _context, page, user = conseiller
    page.context.add_init_script(WATCH_CSP)
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic du Vercors")
    db = connect(live_server.database)
    try:
        survey_id = model.create_survey(
            db,
            diagnostic,
            "Le numérique et vous",
            [{"key": "A", "type": "short_text", "theme": "besoins", "text": "?"}],
        )
        point_id = model.create_point(db, survey_id, "Mairie", "mairie")
        point = db.execute(
            "SELECT code FROM collection_points WHERE id = ?", [point_id]
        ).fetchone()[0]
        with write_transaction(db):
            db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey_id])
            db.execute(
                "INSERT INTO point_alerts (survey_id, point_id, started_at, "
                "last_at, peak) VALUES (?, ?, '2026-05-02T10:00:00Z', "
                "'2026-05-02T10:01:00Z', 80)",
                [survey_id, point_id],
            )
    finally:
        db.close()
    return page, diagnostic, point


def test_field_pages_obey_csp_and_pass_axe(field_pages):
    page, diagnostic, point = field_pages
    urls = [
        f"/diagnostics/{diagnostic}",
        f"/diagnostics/{diagnostic}/donnees",
        f"/diagnostics/{diagnostic}/registre",
        f"/diagnostics/{diagnostic}/supprimer",
        f"/s/{point}/confidentialite",
    ]
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert axe_violations(page) == [], url
        assert page.evaluate("window.__csp") == [], url


def test_push_opt_in_appears_with_javascript(field_pages):
    page, diagnostic, _point = field_pages
    page.goto(f"/diagnostics/{diagnostic}")
    assert page.locator("text=80 réponses en une").is_visible()
    # push.js registered the worker and showed the opt-in button.
    page.wait_for_selector("#push-on", state="visible", timeout=10000)
    scope = page.evaluate(
        "navigator.serviceWorker.getRegistration('/static/').then(r => r && r.scope)"
    )
    assert scope and scope.endswith("/static/")
    assert page.evaluate("window.__csp") == []
