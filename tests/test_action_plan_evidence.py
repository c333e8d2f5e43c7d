"""Figures that justify a fiche action (issue 11 §5): picked from the
diagnostic, stored as references, resolved up to date with their source."""

import re

import pytest

from action_plan.evidence import evidence_options, resolve
from analysis.stats import MIN_COUNT


@pytest.fixture
def demo_diagnostic(request, db):
    """The demo's diagnostic (the database is a copy of the demo's, see
    conftest.py: the tests below are marked `demo`)."""
    assert request.node.get_closest_marker("demo"), "mark the test: demo"
    return db.execute("SELECT id FROM diagnostics").fetchone()[0]


@pytest.mark.demo
def test_options_give_shares_with_margin_and_sources(app, db, demo_diagnostic):
    with app.app_context():
        options = evidence_options(db, demo_diagnostic)
    groups = {o["group"] for o in options}
    assert {
        "Questionnaires",
        "Portrait du territoire",
        "Comparaison nationale",
    } <= groups
    national = [o for o in options if o["ref"].startswith("national:")]
    assert any("; France : " in o["text"] for o in national)
    shares = [o for o in options if o["ref"].startswith("survey:")]
    published = [o for o in shares if "intervalle de confiance à 95 %" in o["text"]]
    assert published and all("personnes ayant répondu" in o["text"] for o in published)
    assert all(re.search(r"résultat (brut|pondéré)", o["text"]) for o in published)
    # Small cells never show a share.
    for option in shares:
        if "effectif trop faible" in option["text"]:
            assert f"moins de {MIN_COUNT} personnes" in option["text"]
            assert "%" not in option["text"].split(":")[-1]
    indicators = [o for o in options if o["ref"].startswith("indicator:")]
    assert indicators and all("source :" in o["text"] for o in indicators)


@pytest.mark.demo
def test_references_follow_the_diagnostic(app, db, demo_diagnostic):
    with app.app_context():
        code = db.execute(
            "SELECT indicator FROM portrait_figures WHERE diagnostic_id = ? LIMIT 1",
            [demo_diagnostic],
        ).fetchone()[0]
        ref = f"indicator:{code}"
        assert ref in {o["ref"] for o in evidence_options(db, demo_diagnostic)}
        before = resolve(db, demo_diagnostic, [ref])[0]["text"]
        db.execute(
            "UPDATE portrait_figures SET value = value * 2 + 7 "
            "WHERE diagnostic_id = ? AND indicator = ?",
            [demo_diagnostic, code],
        )
        db.conn.commit()
        after = resolve(db, demo_diagnostic, [ref, "indicator:disparu"])
    assert after[0]["text"] != before  # the new figure, not a stored copy
    assert after[1]["text"].startswith("Élément retiré du diagnostic")
