"""A live workshop in real browsers, against gunicorn with several workers.

A facilitator (console + projector) and two phones in separate browser
contexts: a card posted on one phone reaches the projector and the other
phone within 2 seconds, a phone that loses its connection catches up when
it comes back and the card it wrote offline arrives exactly once, votes are
counted, and the participant pages have no axe-core violation.
"""

import time

import pytest

from .conftest import axe_violations, log_in

pytestmark = pytest.mark.browser
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
}
LIVE_DELAY_MS = 2000


@pytest.fixture
def workshop(live_server):
    """A user, a diagnostic and a brainstorm (cards shown live) + a dot vote."""
    from facilitation import boards, workshops
    from survey_app.db import get_db

    user = live_server.create_user()
    diagnostic_id = live_server.create_diagnostic(user["id"])
    with live_server.app().app_context():
        db = get_db()
        workshop_id = workshops.create_workshop(
            db,
            diagnostic_id,
            "Atelier inclusion numérique",
            user["id"],
            [{"kind": "brainstorm", "config": {"categories": ["Idées"], "budget": 3}}],
        )
        activity = boards.list_activities(db, workshop_id)[0]
        code = workshops.get_workshop(db, workshop_id)["code"]
    return {"id": workshop_id, "code": code, "user": user, "activity": activity}


def count_cards(live_server, text: str) -> int:
    from survey_app.db import get_db

    with live_server.app().app_context():
        return (
            get_db()
            .execute("SELECT count(*) FROM workshop_cards WHERE text = ?", [text])
            .fetchone()[0]
        )


def watch_csp(context, problems: list) -> None:
    """Collect what the Content-Security-Policy blocked (must stay empty)."""
    context.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )


def join(browser, live_server, code: str, name: str = "", problems=None):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    watch_csp(context, problems if problems is not None else [])
    page = context.new_page()
    page.goto(f"/a/{code}")
    assert axe_violations(page) == [], "page pour rejoindre"
    if name:
        page.fill("input[name=display_name]", name)
    page.click("button[type=submit]")
    page.wait_for_selector("#texte")
    page.wait_for_selector(".status-online")
    return context, page


def open_screen(browser, live_server, user: dict, workshop_id: int, problems: list):
    """The projector in its own window (a background tab would not repaint)."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1600, "height": 900}
    )
    watch_csp(context, problems)
    screen = log_in(context, live_server, user)
    screen.goto(f"/ateliers/{workshop_id}/ecran")
    screen.wait_for_selector(".status-online")
    return context, screen


def post_card(page, text: str) -> float:
    page.fill("#texte", text)
    started = time.monotonic()
    page.click("form.card-form button[type=submit]")
    return started


def card_locator(page, text: str):
    return page.locator("li.card .text", has_text=text)


def test_live_workshop(browser, live_server, workshop):
    csp_problems: list[str] = []
    facilitator = browser.new_context(base_url=live_server.url)
    watch_csp(facilitator, csp_problems)
    console = log_in(facilitator, live_server, workshop["user"])
    console.goto(f"/ateliers/{workshop['id']}")
    console.wait_for_selector("#console .status-online")
    projector, screen = open_screen(
        browser, live_server, workshop["user"], workshop["id"], csp_problems
    )
    assert (
        screen.locator(".join-code").inner_text().replace(" ", "").lower()
        == (workshop["code"])
    )
    assert screen.locator("aside svg").count() == 1  # the QR code

    phone1_context, phone1 = join(
        browser, live_server, workshop["code"], "Léa", csp_problems
    )
    phone2_context, phone2 = join(
        browser, live_server, workshop["code"], problems=csp_problems
    )
    assert axe_violations(phone1) == [], "page d'écriture"
    screen.wait_for_function(
        "document.getElementById('participants').textContent.startsWith('2 ')"
    )

    # A card from one phone reaches the projector and the other phone fast.
    started = post_card(phone1, "Un conseiller numérique à la mairie")
    card_locator(phone2, "Un conseiller numérique à la mairie").wait_for(
        timeout=LIVE_DELAY_MS
    )
    card_locator(screen, "Un conseiller numérique à la mairie").wait_for(
        timeout=LIVE_DELAY_MS
    )
    assert time.monotonic() - started < LIVE_DELAY_MS / 1000
    card_locator(console, "Un conseiller numérique à la mairie").wait_for()

    # Phone 2 loses the network: it writes a card, misses one, then catches up.
    phone2_context.set_offline(True)
    phone2.wait_for_selector(".status-offline", timeout=10000)
    post_card(phone2, "Des ateliers le samedi")
    phone2.wait_for_selector("li.waiting")  # kept in the page, not lost
    post_card(phone1, "Un bus vers la médiathèque")
    card_locator(screen, "Un bus vers la médiathèque").wait_for(timeout=LIVE_DELAY_MS)
    time.sleep(1.5)  # several retries happen while offline
    phone2_context.set_offline(False)
    card_locator(phone2, "Un bus vers la médiathèque").wait_for(timeout=10000)
    card_locator(screen, "Des ateliers le samedi").wait_for(timeout=10000)
    phone2.wait_for_selector(".status-online", timeout=10000)
    assert phone2.locator("li.waiting").count() == 0
    card_locator(phone1, "Des ateliers le samedi").wait_for(timeout=LIVE_DELAY_MS)
    assert card_locator(screen, "Des ateliers le samedi").count() == 1
    assert card_locator(phone1, "Des ateliers le samedi").count() == 1
    assert count_cards(live_server, "Des ateliers le samedi") == 1

    # Keyboard only: Tab to the text box, type, Tab to the button, Enter.
    for _ in range(15):
        if phone1.evaluate("document.activeElement.id") == "texte":
            break
        phone1.keyboard.press("Tab")
    assert phone1.evaluate("document.activeElement.id") == "texte"
    phone1.keyboard.type("Une permanence sans rendez-vous")
    phone1.keyboard.press("Tab")
    phone1.keyboard.press("Enter")
    card_locator(screen, "Une permanence sans rendez-vous").wait_for(
        timeout=LIVE_DELAY_MS
    )

    # The facilitator opens the vote (with a confirmation) and can step back.
    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="Aller à « Vote »").click()
    phone1.wait_for_selector(".budget")
    assert "Il vous reste 3 gommettes" in phone1.inner_text(".budget")
    assert console.get_by_role("button", name="Annuler ce changement").is_visible()
    assert axe_violations(phone1) == [], "page de vote"

    target = "Un conseiller numérique à la mairie"
    vote_button = "Ajouter une gommette sur « " + target + " »"
    phone1.get_by_role("button", name=vote_button).click()
    phone1.get_by_role("button", name=vote_button).click()
    phone2.get_by_role("button", name=vote_button).click()
    phone1.wait_for_function(
        "document.querySelector('.budget').textContent.includes('reste 1 gommette')"
    )
    phone2.wait_for_function(
        "document.querySelector('.budget').textContent.includes('reste 2 gommettes')"
    )
    time.sleep(0.5)  # let the last vote be acknowledged

    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="Étape suivante : « Résultats » →").click()
    screen.wait_for_selector("ol.results")
    first = screen.locator("ol.results li").first
    assert target in first.inner_text()
    assert "3 gommettes" in first.inner_text()
    card_locator(phone2, target).wait_for()
    assert axe_violations(phone2) == [], "page des résultats"

    assert csp_problems == []
    for context in (phone1_context, phone2_context, facilitator, projector):
        context.close()


def test_facilitator_moderates_times_and_splits_tables(browser, live_server):
    from facilitation import workshops
    from survey_app.db import get_db

    user = live_server.create_user()
    diagnostic_id = live_server.create_diagnostic(user["id"])
    with live_server.app().app_context():
        workshop_id = workshops.create_workshop(
            get_db(),
            diagnostic_id,
            "Atelier modéré",
            user["id"],
            [{"kind": "brainstorm", "config": {"categories": ["Idées"]}}],
            {"approval": True},
        )
        code = workshops.get_workshop(get_db(), workshop_id)["code"]
    facilitator = browser.new_context(base_url=live_server.url)
    console = log_in(facilitator, live_server, user)
    console.goto(f"/ateliers/{workshop_id}")
    console.wait_for_selector("#console .status-online")
    projector, screen = open_screen(browser, live_server, user, workshop_id, [])
    phone_context, phone = join(browser, live_server, code, "Léa")

    # Approval queue: the card waits, then everyone sees it once accepted.
    post_card(phone, "Former les aidants")
    phone.wait_for_selector("text=en attente de validation")
    queued = console.locator("#file li", has_text="Former les aidants")
    queued.wait_for(timeout=LIVE_DELAY_MS)
    assert card_locator(screen, "Former les aidants").count() == 0
    queued.get_by_role("button", name="Accepter").click()
    card_locator(screen, "Former les aidants").wait_for(timeout=LIVE_DELAY_MS)

    # A card for someone without a phone.
    console.fill("#proxy-nom", "Marcel")
    console.get_by_role("button", name="Ajouter la personne").click()
    console.wait_for_selector(
        "#proxy-auteur option:has-text('Marcel')", state="attached"
    )
    console.select_option("#proxy-auteur", label="Marcel (sans téléphone)")
    console.fill("#proxy-texte", "Un numéro de téléphone unique")
    console.locator("form.proxy-card button[type=submit]").click()
    card_locator(phone, "Un numéro de téléphone unique").wait_for(timeout=LIVE_DELAY_MS)
    assert "Marcel" in phone.locator("li.card", has_text="Un numéro").inner_text()

    # Hide, then undo: nothing is lost.
    card = console.locator("#colonnes li").filter(
        has=console.locator(".text", has_text="Former les aidants")
    )
    card.get_by_role("button", name="Masquer").click()
    card_locator(phone, "Former les aidants").wait_for(state="detached")
    console.get_by_role("button", name="Annuler ce changement").click()
    card_locator(phone, "Former les aidants").wait_for(timeout=LIVE_DELAY_MS)

    # Server-synchronised countdown, then lock and unlock.
    console.get_by_role("button", name="3 min", exact=True).click()
    phone.wait_for_selector("text=/Temps restant : [23]:[0-9]{2}/")
    screen.wait_for_selector("#minuteur:not([hidden])")
    console.get_by_role("button", name="Verrouiller cette activité").click()
    phone.wait_for_selector("text=Le tableau est verrouillé par l'animateur.")
    assert phone.locator("#texte").count() == 0
    console.get_by_role("button", name="Déverrouiller cette activité").click()
    phone.wait_for_selector("#texte")

    # Tables side by side on the projector, then merged again.
    console.fill("#nb-tables", "2")
    console.get_by_role("button", name="tables", exact=True).click()
    console.get_by_role("button", name="Chaque table a son propre tableau").click()
    screen.wait_for_selector(".table-board >> nth=1")
    assert screen.locator(".table-board").count() == 2
    console.get_by_role("button", name="Réunir les tables").click()
    screen.wait_for_selector(".board")

    # An accidental step forward is undone from the obvious back button.
    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="Étape suivante : « Révélation » →").click()
    phone.wait_for_selector("#texte", state="detached")
    console.get_by_role("button", name="← Revenir à « Écriture »").click()
    phone.wait_for_selector("#texte")
    assert axe_violations(phone) == []

    phone_context.close()
    facilitator.close()
    projector.close()


def test_phone_falls_back_to_polling_when_streams_are_blocked(
    browser, live_server, workshop
):
    """A proxy or firewall that cuts event streams (Parabol #1440)."""
    blocked = browser.new_context(base_url=live_server.url, **PHONE)
    blocked.route("**/flux*", lambda route: route.abort())
    page = blocked.new_page()
    page.goto(f"/a/{workshop['code']}")
    page.click("button[type=submit]")
    page.wait_for_selector(".status-online", timeout=20000)  # by polling
    other_context, other = join(browser, live_server, workshop["code"], "Paul")
    post_card(other, "Une salle avec du wifi")
    card_locator(page, "Une salle avec du wifi").wait_for(timeout=5000)
    post_card(page, "Des tablettes à prêter")
    card_locator(other, "Des tablettes à prêter").wait_for(timeout=LIVE_DELAY_MS)
    assert count_cards(live_server, "Des tablettes à prêter") == 1
    blocked.close()
    other_context.close()
