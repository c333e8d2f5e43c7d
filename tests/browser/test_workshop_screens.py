"""Workshop pages as people really see them (issue 8 §C): a phone that
joins during a vote, the projector at 1366×768 and 1024×768, a 360 px phone.
"""

import pytest
from playwright.sync_api import expect

from .conftest import log_in

pytestmark = pytest.mark.browser
PHONE = {
    "viewport": {"width": 360, "height": 640},
    "is_mobile": True,
    "has_touch": True,
}
CARDS = ("Un guichet France Services le samedi", "Des ateliers en mairie")


def make_workshop(live_server, activities, phase=None, current=None):
    """A workshop with `activities`, cards on the first one, the activity of
    index `current` shown in `phase`. Returns ids and the code."""
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
        first = listed[0]
        if first["kind"] != "dots":
            for i, column in enumerate(first["columns"]):
                for text in CARDS:
                    card_text = f"{text} ({i})"
                    cards.post_card(
                        db, first["id"], column["key"], card_text, user_id=user["id"]
                    )
        if current is not None:
            shown = listed[current]
            boards.set_phase(db, shown["id"], phase)
            workshops.set_current_activity(db, workshop_id, shown["id"])
        code = workshops.get_workshop(db, workshop_id)["code"]
    return {"id": workshop_id, "code": code, "user": user, "activities": listed}


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
