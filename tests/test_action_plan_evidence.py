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


def test_survey_figures_are_cached_until_the_answers_change(
    app, db, diagnostic, monkeypatch
):
    """The fiche form opens fast: a survey's figures are computed once, and
    again as soon as an answer is added, corrected or erased."""
    from helpers.analysis_surveys import add_answers, make_survey

    from action_plan import evidence

    answers = [{"CP_AISANCE": "peu"}] * 12 + [{"CP_AISANCE": "tres"}] * 13
    survey = make_survey(db, diagnostic, answers)
    computed = []
    real = evidence._compute_survey
    monkeypatch.setattr(
        evidence,
        "_compute_survey",
        lambda db, s: computed.append(s["id"]) or real(db, s),
    )

    portraits = []
    real_portrait = evidence._compute_indicator_items
    monkeypatch.setattr(
        evidence,
        "_compute_indicator_items",
        lambda db, d: portraits.append(d) or real_portrait(db, d),
    )

    def share(options) -> str:
        ref = f"survey:{survey}:CP_AISANCE:peu"
        return next(o["text"] for o in options if o["ref"] == ref)

    first = share(evidence_options(db, diagnostic))
    assert first.startswith("48,0")
    assert share(evidence_options(db, diagnostic)) == first
    assert computed == [survey]  # the second opening read the cache
    add_answers(db, survey, [{"CP_AISANCE": "peu"}])
    assert share(evidence_options(db, diagnostic)).startswith("50,0")
    last = db.execute("SELECT max(id) FROM responses").fetchone()[0]
    db.execute(
        "UPDATE responses SET answers = ? WHERE id = ?",
        ['{"CP_AISANCE": "tres"}', last],
    )
    db.conn.commit()
    assert share(evidence_options(db, diagnostic)).startswith("46,2")
    db.execute("DELETE FROM responses WHERE id = ?", [last])
    db.conn.commit()
    assert share(evidence_options(db, diagnostic)) == first
    assert computed == [survey] * 4
    assert portraits == [diagnostic]  # the portrait did not change
    # resolve() shares the cache.
    assert (
        resolve(db, diagnostic, [f"survey:{survey}:CP_AISANCE:peu"])[0]["text"] == first
    )
    assert len(computed) == 4


def test_priority_publics_prefill_a_new_fiche(app, db, diagnostic, logged_in):
    """Publics prioritaires of the survey tick the fiche's age bands; a gap
    within the margin (the genders here) ticks nothing."""
    from helpers.analysis_surveys import make_survey

    from survey_app.surveys.bank import bank_question

    questions = [bank_question(k) for k in ("EQ_MOBILE", "PR_AGE", "PR_GENRE")]
    for q in questions:
        q.pop("show_if", None)
    old = {"EQ_MOBILE": "aucun", "PR_AGE": "75_plus"}
    young = {"EQ_MOBILE": "smartphone", "PR_AGE": "25_39"}
    answers = [
        {**old, "PR_GENRE": "femme" if i % 2 else "homme"} for i in range(20)
    ] + [{**young, "PR_GENRE": "homme" if i % 2 else "femme"} for i in range(30)]
    for answer in answers[:5]:  # 15 of 20: neither side under 5 people
        answer["EQ_MOBILE"] = "smartphone"
    make_survey(db, diagnostic, answers, questions=questions)
    html = logged_in.get(f"/diagnostics/{diagnostic}/plan/fiches/nouvelle").get_data(
        as_text=True
    )
    assert "Publics prioritaires repérés par le diagnostic" in html
    assert "75 ans ou plus : 75,0" in html
    ticked = re.findall(r'name="(ages|genders)" value="([^"]+)" checked', html)
    assert ticked == [("ages", "75 ans et plus")]
    assert "Publics prioritaires du diagnostic : 75 ans ou plus" in html


def test_prefill_keeps_what_the_fiche_already_says():
    from action_plan.fiches import prefill_publics

    suggestions = [
        {"grouping": "age", "group": "60_74", "text": "a"},
        {"grouping": "genre", "group": "femme", "text": "b"},
        {"grouping": "age", "group": "inconnu", "text": "c"},
    ]
    fiche = {"publics": {}}
    prefill_publics(fiche, suggestions)
    assert fiche["publics"] == {
        "ages": ["60-74 ans"],
        "genders": ["Femmes"],
        "details": "Publics prioritaires du diagnostic : a ; b ; c",
    }
    mine = {"publics": {"ages": ["15-24 ans"]}}
    prefill_publics(mine, suggestions)
    assert mine["publics"] == {"ages": ["15-24 ans"]}
