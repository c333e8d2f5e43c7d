"""The impact × feasibility matrix as people see it: a 360 px phone places
the chantiers, the projector shows the room's progress then the matrix
(SVG and its table), all passing axe-core."""

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, log_in
from .test_workshop_screens import join_phone, make_workshop, show_activity

pytestmark = pytest.mark.browser
ITEMS = [
    {"key": "chantier:1", "label": "Permanences <b>au marché</b>"},
    {"key": "chantier:2", "label": "Prêt de tablettes"},
]


def _placements(live_server, activity_id: int) -> list[tuple]:
    from survey_app.db import get_db

    with live_server.app().app_context():
        rows = get_db().execute(
            "SELECT item_key, impact, feasibility FROM workshop_placements "
            "WHERE activity_id = ? ORDER BY item_key",
            [activity_id],
        )
        return [tuple(r) for r in rows]


def test_phone_places_and_screen_shows_the_matrix(browser, live_server):
    workshop = make_workshop(
        live_server, [{"kind": "matrix", "config": {"items": ITEMS}}],
        phase="vote", current=0,
    )  # fmt: skip
    activity = workshop["activities"][0]["id"]
    context, phone = join_phone(browser, live_server, workshop["code"])
    screen_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 768}
    )
    try:
        items = phone.locator("li.matrix-item")
        expect(items).to_have_count(2)
        expect(items.first.locator(".text")).to_have_text(ITEMS[0]["label"])
        expect(phone.locator(".budget")).to_have_text(
            "Vous avez placé 0 élément sur 2."
        )
        assert axe_violations(phone) == []
        first = items.first
        first.get_by_label("Impact de « Permanences").select_option("4")
        # One scale chosen: nothing is sent yet, the phone says what is missing.
        expect(first.locator(".meta")).to_have_text("Choisissez aussi la faisabilité.")
        first.get_by_label("Faisabilité de « Permanences").select_option("3")
        expect(first.locator(".meta")).to_have_text("Placé : impact 4, faisabilité 3.")
        expect(phone.locator(".budget")).to_have_text(
            "Vous avez placé 1 élément sur 2."
        )
        assert _placements(live_server, activity) == [("chantier:1", 4, 3)]

        screen = log_in(screen_context, live_server, workshop["user"])
        screen.goto(f"/ateliers/{workshop['id']}/ecran")
        screen.wait_for_selector(".status-online")
        expect(screen.locator("#plateau .matrix-progress li")).to_have_count(2)
        expect(screen.locator("#plateau")).to_contain_text("placé par 1 personne")
        # During placing, the screen shows no means (they would sway people).
        expect(screen.locator("#plateau svg")).to_have_count(0)
        show_activity(live_server, workshop["id"], activity, "results")
        expect(screen.locator("#plateau svg.matrix-svg circle")).to_have_count(1)
        rows = screen.locator("#plateau table.matrix-table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("Permanences <b>au marché</b>")
        expect(rows.first).to_contain_text("À lancer en priorité")
        assert axe_violations(screen) == []
        # The phone shows the same result.
        expect(phone.locator("table.matrix-table tbody tr")).to_have_count(2)
        assert axe_violations(phone) == []
    finally:
        context.close()
        screen_context.close()


def test_facilitator_places_for_someone_without_a_phone(browser, live_server):
    workshop = make_workshop(
        live_server, [{"kind": "matrix", "config": {"items": ITEMS}}],
        phase="vote", current=0,
    )  # fmt: skip
    activity = workshop["activities"][0]["id"]
    context = browser.new_context(base_url=live_server.url)
    try:
        console = log_in(context, live_server, workshop["user"])
        console.goto(f"/ateliers/{workshop['id']}")
        console.wait_for_selector(".status-online")
        console.fill("#proxy-nom", "Jeanne")
        console.get_by_role("button", name="Ajouter la personne").click()
        expect(console.locator("#proxy-votant option")).to_have_count(2)
        console.select_option("#proxy-votant", label="Jeanne (sans téléphone)")
        console.select_option("#proxy-element", label="Prêt de tablettes")
        console.select_option("#proxy-impact", "2")
        console.select_option("#proxy-faisabilite", "4")
        console.get_by_role("button", name="Placer pour cette personne").click()
        expect(console.locator("#proxy-resultat")).to_have_text(
            "Placé : impact 2, faisabilité 4 (1 élément placé)."
        )
        assert _placements(live_server, activity) == [("chantier:2", 2, 4)]
        expect(console.locator("#colonnes svg.matrix-svg circle")).to_have_count(1)
        assert axe_violations(console) == []
    finally:
        context.close()
