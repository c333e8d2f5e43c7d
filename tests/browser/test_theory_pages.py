"""The theory of change in a browser (issue 12 §2): pre-filled from a fiche
action, completed through the forms; the page, the element form and the
printable page pass axe-core at 360 and 1366 px; the printable page comes
out in A4 landscape with the diagram on the first page."""

import re

import pytest

from survey_app.db import connect

from .conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def with_fiche(live_server, conseiller):
    from action_plan.fiches import blank_fiche, create_fiche

    _context, _page, user = conseiller
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic du Trièves")
    db = connect(live_server.database)
    try:
        fiche = blank_fiche(db, diagnostic)
        fiche.update(
            title="Permanences numériques",
            activities="1 - Permanences sans rendez-vous\n2 - Ateliers tablette",
            results="Les habitants font seuls leurs démarches",
            objective="Personne ne renonce à ses droits faute de numérique",
            vigilance="Les plus âgés n'osent pas venir",
            human_means="Une conseillère numérique deux jours par semaine",
        )
        create_fiche(db, diagnostic, fiche, None)
    finally:
        db.close()
    return diagnostic


def check_page(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == [], page.url
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, page.url


def test_prefill_complete_and_print(conseiller, with_fiche):
    _context, page, _user = conseiller
    base = f"/diagnostics/{with_fiche}/evaluation/theorie-du-changement"
    page.goto(f"/diagnostics/{with_fiche}/etapes")
    page.get_by_role("link", name="Théorie du changement (annexe 3)").click()
    with page.expect_navigation():
        page.get_by_role(
            "button", name="Pré-remplir à partir des fiches action"
        ).click()
    assert "élément(s)" in page.locator(".flash").inner_text()
    # Resources, two activities, one outcome, the impact; one assumption.
    assert page.locator("svg.theorie-du-changement g.toc-element").count() == 5
    assert page.locator("svg.theorie-du-changement g.toc-assumption").count() == 1
    assert page.locator("#theorie-tableau tbody tr").count() == 6
    page.fill("#texte-2", "Une permanence par semaine dans chaque bourg")
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter aux réalisations").click()
    assert page.locator("#theorie-tableau tbody tr").count() == 7
    page.get_by_role(
        "link", name=re.compile("Modifier « Permanences sans rendez-vous »")
    ).click()
    page.get_by_label(re.compile("Réalisations : Une permanence par semaine")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert page.locator("path.toc-link").count() == 1 + 2 + 2 + 1
    edit_url = page.url
    page.goto(page.locator("a", has_text="Modifier « Ateliers").get_attribute("href"))
    edit_url = page.url
    for width in (360, 1366):
        for url in (base, edit_url, base + "/imprimer"):
            page.goto(url)
            check_page(page, width)
    page.goto(base + "/imprimer")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert float(box.group(1)) > float(box.group(2)), "A4 paysage"
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2  # diagram, table
