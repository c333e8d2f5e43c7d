"""The action plan in a browser (issue 11 §4–5): a top-voted workshop card
becomes a chantier then a fiche action; the annex 1 map, the roadmap and the
fiche pass axe-core at 360 and 1366 px."""

import re

import pytest

from facilitation import boards, cards, votes, workshops
from facilitation.participants import join
from survey_app.db import connect

from .conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def voted(live_server, conseiller):
    """A diagnostic whose workshop voted: 'Ateliers au CCAS' 3 dots, 'Flyers' 1."""
    _context, _page, user = conseiller
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic du Trièves")
    db = connect(live_server.database)
    try:
        wid = workshops.create_workshop(
            db, diagnostic, "Atelier priorités", activities=[{"kind": "brainstorm"}]
        )
        source = boards.list_activities(db, wid)[0]["id"]
        author = join(db, wid, "")[0]
        ids = [
            cards.post_card(db, source, "idees", text, author)["id"]
            for text in ("Ateliers au CCAS", "Flyers")
        ]
        vote = boards.create_activity(
            db, wid, "dots", config={"source_activity_id": source}
        )
        voter = join(db, wid, "")[0]
        votes.set_vote(db, vote, voter, ids[0], count=3)
        votes.set_vote(db, vote, voter, ids[1], count=1)
    finally:
        db.close()
    return diagnostic


def check_page(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
        ".right > document.documentElement.clientWidth + 1).slice(0, 3)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert overflow <= 1, (page.url, wide)


def test_card_to_chantier_to_fiche_and_pages_pass_axe(conseiller, voted):
    _context, page, _user = conseiller
    base = f"/diagnostics/{voted}/plan"
    page.goto(base)
    page.get_by_role("link", name=re.compile("Atelier priorités")).click()
    # The top-voted card is ticked first; untick the other one.
    assert page.get_by_label(re.compile("Ateliers au CCAS — 3 gommette")).is_checked()
    page.get_by_label(re.compile("Flyers")).uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Créer les chantiers cochés").click()
    page.get_by_role("link", name="Ateliers au CCAS").click()
    for kind, name, link in [
        ("partenaire", "Médiathèque", "operating"),
        ("financement", "CAF", "identified"),
        ("materiel", "Tablettes", "missing"),
    ]:
        page.select_option("#kind", kind)
        page.fill("#name", name)
        page.select_option("#link", link)
        with page.expect_navigation():
            page.get_by_role("button", name="Ajouter la ressource").click()
    page.get_by_role("link", name=re.compile("Créer une fiche action")).click()
    assert page.input_value("#title") == "Ateliers au CCAS"
    page.fill("#starts_on", "2026-01-05")
    page.fill("#ends_on", "2026-12-31")
    page.fill("input[name=cost-0-label]", "Animation")
    page.fill("input[name^=cost-0-20]", "1 000,50")
    page.fill("input[name^=fin-etat-20]", "1000,5")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la fiche").click()
    assert page.locator("h1").inner_text() == "Fiche action : Ateliers au CCAS"
    assert "1\u202f000,50\u202f€" in page.content()
    assert "Médiathèque" in page.content()
    fiche_url = page.url
    for width in (360, 1366):
        for url in (
            fiche_url,
            base + "/ressources",
            base + "/feuille-de-route?debut=2026-01",
            base,
            fiche_url + "/modifier",
        ):
            page.goto(url)
            check_page(page, width)
    page.goto(base + "/ressources")
    assert page.locator("svg.carte-ressources line").count() == 2
    assert page.locator("table.plan-table tbody tr").count() == 3
    page.goto(base + "/feuille-de-route?debut=2026-01")
    assert page.locator("svg.feuille-de-route rect").count() == 2
