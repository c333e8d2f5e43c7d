"""Workshop pages as people really see them (issue 8 §C): a phone that
joins during a vote, the projector at 1366×768 and 1024×768, a 360 px phone.
"""

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, log_in

pytestmark = pytest.mark.browser
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "is_mobile": True,
    "has_touch": True,
}
CARDS = ("Un guichet France Services le samedi", "Des ateliers en mairie")


def make_workshop(live_server, activities, phase=None, current=None):
    """A workshop with `activities`, two cards in each of their columns, the
    activity of index `current` shown in `phase`. Returns ids and the code."""
    from facilitation import boards, cards, workshops
    from survey_app.db import get_db

    user = live_server.create_user()
    diagnostic_id = live_server.create_diagnostic(user["id"])
    with live_server.app().app_context():
        db = get_db()
        workshop_id = workshops.create_workshop(
            db, diagnostic_id, "Atelier", user["id"], activities
        )
        listed = boards.list_activities(db, workshop_id)
        for activity in listed:
            for i, column in enumerate(activity["columns"]):
                for text in CARDS:
                    cards.post_card(
                        db, activity["id"], column["key"], f"{text} ({i})",
                        user_id=user["id"],
                    )  # fmt: skip
        if current is not None:
            show_activity(live_server, workshop_id, listed[current]["id"], phase)
        code = workshops.get_workshop(db, workshop_id)["code"]
    return {"id": workshop_id, "code": code, "user": user, "activities": listed}


def show_activity(live_server, workshop_id: int, activity_id: int, phase: str):
    from facilitation import boards, workshops
    from survey_app.db import get_db

    with live_server.app().app_context():
        db = get_db()
        boards.set_phase(db, activity_id, phase)
        workshops.set_current_activity(db, workshop_id, activity_id)


def join_phone(browser, live_server, code: str):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    page = context.new_page()
    page.goto(f"/a/{code}")
    page.click("button[type=submit]")
    page.wait_for_selector(".status-online")
    return context, page


def my_dots(live_server, activity_id: int) -> int:
    from survey_app.db import get_db

    with live_server.app().app_context():
        return (
            get_db()
            .execute(
                "SELECT coalesce(sum(count), 0) FROM workshop_votes "
                "WHERE activity_id = ?",
                [activity_id],
            )
            .fetchone()[0]
        )


def test_several_dots_on_one_card_add_up_after_joining_and_reloading(
    browser, live_server
):
    """C1: each "Ajouter une gommette" on the same card adds one dot, for a
    phone that joined during the vote and after a reload."""
    workshop = make_workshop(
        live_server, [{"kind": "brainstorm", "config": {"categories": ["Idées"]}}]
    )
    from facilitation import boards, workshops
    from survey_app.db import get_db

    source = workshop["activities"][0]
    with live_server.app().app_context():
        db = get_db()
        vote_id = boards.create_activity(
            db, workshop["id"], "dots", "Vote",
            {"source_activity_id": source["id"], "budget": 3, "multiple_dots": True},
        )  # fmt: skip
        boards.set_phase(db, vote_id, "vote")
        workshops.set_current_activity(db, workshop["id"], vote_id)
    context, page = join_phone(browser, live_server, workshop["code"])
    try:
        budget = page.locator(".budget")
        card = page.locator("li.card", has_text=CARDS[0])
        add = card.locator("button.vote-add")
        page.wait_for_timeout(500)  # the snapshot reloaded when the stream opened
        add.click()
        expect(budget).to_have_text("Il vous reste 2 gommettes.")
        page.wait_for_timeout(300)
        add.click()
        expect(budget).to_have_text("Il vous reste 1 gommette.")
        assert card.locator(".dots").inner_text() == "Vos gommettes : 2"
        page.reload()
        page.wait_for_selector(".status-online")
        page.wait_for_timeout(500)
        page.locator("li.card", has_text=CARDS[0]).locator("button.vote-add").click()
        expect(budget).to_have_text("Vous avez posé toutes vos gommettes.")
        expect(page.locator("#connexion")).to_have_text("En ligne")
        assert my_dots(live_server, vote_id) == 3
    finally:
        context.close()


def outside_viewport(page) -> list[str]:
    """Column headings or first cards not wholly on screen, and page scroll."""
    return page.evaluate(
        """() => {
        const w = window.innerWidth, h = window.innerHeight, out = [];
        const inside = (node) => {
          const r = node.getBoundingClientRect();
          return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= w
            && r.bottom <= h;
        };
        document.querySelectorAll("#plateau .column").forEach((column) => {
          const heading = column.querySelector("h3, h4");
          const card = column.querySelector("li.card");
          if (!inside(heading)) out.push("colonne " + heading.textContent);
          if (!card || !inside(card)) out.push("carte de " + heading.textContent);
        });
        const page = document.documentElement;
        if (page.scrollWidth > w) out.push("défilement horizontal");
        if (page.scrollHeight > h) out.push("défilement vertical");
        return out;
      }"""
    )


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
def test_projected_board_shows_every_column(browser, live_server, size):
    """C2: the 7 columns of the empathy map and the 8 of the vision are all
    on a 1366×768 or 1024×768 projector, join panel shown or hidden."""
    workshop = make_workshop(
        live_server,
        [{"kind": "empathy", "config": {"target": "Une personne âgée isolée"}},
         {"kind": "vision"}],
        phase="reveal",
        current=0,
    )  # fmt: skip
    width, height = size
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    try:
        screen = log_in(context, live_server, workshop["user"])
        screen.goto(f"/ateliers/{workshop['id']}/ecran")
        screen.wait_for_selector(".status-online")
        columns = screen.locator("#plateau .column")
        expect(columns).to_have_count(7)
        expect(screen.locator("#plateau li.card")).to_have_count(14)
        assert outside_viewport(screen) == []
        join_panel = screen.locator("#rejoindre")
        expect(join_panel).to_be_visible()
        first_width = columns.first.bounding_box()["width"]
        toggle = screen.locator("#bouton-rejoindre")
        expect(toggle).to_have_text("Masquer le code d'accès")
        toggle.click()
        expect(join_panel).to_be_hidden()
        expect(screen.locator("#code-court")).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        assert columns.first.bounding_box()["width"] > first_width
        assert outside_viewport(screen) == []
        show_activity(live_server, workshop["id"], workshop["activities"][1]["id"],
                      "reveal")  # fmt: skip
        expect(columns).to_have_count(8)
        expect(screen.locator("#plateau li.card")).to_have_count(16)
        assert outside_viewport(screen) == []
        expect(toggle).to_have_text("Afficher le code d'accès")
        toggle.click()
        expect(join_panel).to_be_visible()
        assert outside_viewport(screen) == []
        full = screen.get_by_role("button", name="Plein écran")
        expect(full).to_be_visible()
        full.click()
        expect(
            screen.get_by_role("button", name="Quitter le plein écran")
        ).to_be_visible()
        assert outside_viewport(screen) == []
    finally:
        context.close()


def on_screen(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
    )


def test_card_form_is_on_the_first_phone_screen(browser, live_server):
    """C4: at 360×640 the text box and its button need no scrolling, even
    for an empathy map with a long target and a column to choose."""
    target = "Une personne âgée qui vit seule à la campagne, sans voiture"
    workshop = make_workshop(
        live_server,
        [{"kind": "empathy", "config": {"target": target}}],
        phase="write",
        current=0,
    )
    context, page = join_phone(browser, live_server, workshop["code"])
    try:
        page.wait_for_selector("#texte")
        assert page.evaluate("window.scrollY") == 0
        for selector in ("#colonne", "#texte", "form.card-form button[type=submit]"):
            assert on_screen(page, selector), f"{selector} sous la ligne de flottaison"
        assert axe_violations(page) == []
    finally:
        context.close()


def test_dot_counter_stays_in_view_while_voting(browser, live_server):
    """C4: on a long vote screen the "Il vous reste…" counter stays visible
    next to the card being voted on, at the bottom of the list too."""
    workshop = make_workshop(
        live_server, [{"kind": "empathy"}], phase="reveal", current=0
    )
    from facilitation import boards
    from survey_app.db import get_db

    source = workshop["activities"][0]
    with live_server.app().app_context():
        vote_id = boards.create_activity(
            get_db(), workshop["id"], "dots", "Vote",
            {"source_activity_id": source["id"], "budget": 3},
        )  # fmt: skip
    show_activity(live_server, workshop["id"], vote_id, "vote")
    context, page = join_phone(browser, live_server, workshop["code"])
    try:
        last = page.locator("li.card").last
        expect(page.locator("li.card")).to_have_count(14)
        assert page.evaluate("document.documentElement.scrollHeight") > 2 * 640
        last.locator("button.vote-add").scroll_into_view_if_needed()
        last.locator("button.vote-add").click()
        expect(page.locator(".budget")).to_have_text("Il vous reste 2 gommettes.")
        assert page.evaluate("window.scrollY") > 640
        assert on_screen(page, ".budget"), "le compteur de gommettes a défilé"
        assert axe_violations(page) == []
    finally:
        context.close()
