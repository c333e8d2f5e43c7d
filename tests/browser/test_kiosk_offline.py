"""Kiosk mode in Chromium: answers given offline survive a reload and arrive once.

Runs against the production server (gunicorn) with its real CSP; the page is
served by the kiosk's service worker while the browser is offline.
"""

import json

import pytest
from helpers.offline_entry import QUESTIONS as field_questions
from playwright.sync_api import expect

from survey_app.db import connect, write_transaction
from survey_app.surveys import model

from .conftest import axe_violations, log_in
from .test_public_questionnaire import tab_to

pytestmark = pytest.mark.browser

QUESTIONS = field_questions[:3]  # age, phone, help (only for a simple phone)


def make_kiosk_survey(live_server, user_id: int) -> tuple[int, int]:
    diagnostic = live_server.create_diagnostic(user_id, "Diagnostic du Diois")
    db = connect(live_server.database)
    try:
        survey_id = model.create_survey(
            db, diagnostic, "Le numérique et vous", QUESTIONS
        )
        with write_transaction(db):
            db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey_id])
        point_id = model.create_point(db, survey_id, "Marché de Die", "marche")
    finally:
        db.close()
    return survey_id, point_id


def stored(live_server, survey_id: int) -> list[dict]:
    db = connect(live_server.database)
    try:
        rows = db.execute(
            "SELECT mode, point_id, answers FROM responses WHERE survey_id = ?",
            [survey_id],
        ).fetchall()
        return [{**dict(r), "answers": json.loads(r["answers"])} for r in rows]
    finally:
        db.close()


def rename(live_server, survey_id: int, title: str) -> None:
    db = connect(live_server.database)
    try:
        with write_transaction(db):
            db.execute("UPDATE surveys SET title = ? WHERE id = ?", [title, survey_id])
    finally:
        db.close()


@pytest.fixture
def kiosk_survey(browser, live_server):
    """A conseiller with an open survey and one point, and a fresh context.

    Yields (context, user, survey id, point id); the context is closed after.
    """
    user = live_server.create_user()
    survey_id, point_id = make_kiosk_survey(live_server, user["id"])
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}
    )
    yield context, user, survey_id, point_id
    context.close()


def enter_kiosk(page, survey_id: int) -> None:
    """From the "Saisie sur place" tab, as the conseiller does."""
    page.goto(f"/enquetes/{survey_id}/sur-place")
    page.click("text=Ouvrir en mode kiosque")


def fits_360(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def wait_until_kept_offline(page) -> None:
    """The service worker controls the page and the page is in its cache."""
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    for _ in range(100):
        if page.evaluate(
            "caches.open('kiosque-v1').then(c => c.match(location.pathname))"
            ".then(r => !!r)"
        ):
            return
        page.wait_for_timeout(100)
    pytest.fail("la page du kiosque n'a pas été gardée pour le mode hors ligne")


def answer(page, age: str, simple: bool) -> None:
    page.fill("#q-AGE", age)
    page.click("button[value=next]")
    page.check("#q-MOBILE-2" if simple else "#q-MOBILE-1")
    page.click("button[value=next]")
    if simple:
        page.fill("#q-AIDE", "Prendre un rendez-vous <b>médecin</b>")
        page.click("button[value=next]")
    expect(page.locator("#kiosk-thanks")).to_be_visible()
    expect(page.locator("#q-AGE")).to_have_value("")  # ready for the next person


def answer_by_keyboard(page) -> None:
    """Tab, type, arrows and Enter only: a "simple" phone, needing help."""
    tab_to(page, "#q-AGE")
    page.keyboard.type("71")
    page.keyboard.press("Enter")
    tab_to(page, "#q-MOBILE-1")
    page.keyboard.press("ArrowDown")  # radios: arrows move and select
    expect(page.locator("#q-MOBILE-2")).to_be_checked()
    page.keyboard.press("Enter")
    tab_to(page, "#q-AIDE")
    page.keyboard.type("Prendre un rendez-vous <b>médecin</b>")
    page.keyboard.press("Enter")
    expect(page.locator("#kiosk-thanks")).to_be_visible()


def test_offline_answers_survive_a_reload_and_are_stored_once(
    live_server, kiosk_survey
):
    context, user, survey_id, point_id = kiosk_survey
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page = log_in(context, live_server, user)
    page.on("dialog", accept)
    enter_kiosk(page, survey_id)
    assert page.url.endswith(f"/enquetes/{survey_id}/kiosque/{point_id}")
    expect(page.locator("#kiosk-queue")).to_have_text(
        "Aucune réponse en attente d'envoi."
    )
    assert axe_violations(page) == []
    assert fits_360(page)
    wait_until_kept_offline(page)

    # Validation happens on the tablet too, in French.
    page.click("button[value=next]")
    expect(page.locator("#kiosk-app .error-summary")).to_contain_text(
        "Indiquez un nombre."
    )
    assert axe_violations(page) == []

    context.set_offline(True)
    answer_by_keyboard(page)
    answer(page, "34", simple=False)
    answer(page, "58", simple=False)
    expect(page.locator("#kiosk-queue")).to_contain_text(
        "3 réponses en attente d'envoi"
    )
    expect(page.locator("#kiosk-today")).to_contain_text("3 réponses aujourd'hui")
    assert axe_violations(page) == []

    # A title changed on the server meanwhile proves the page comes from the
    # tablet's copy, not from the network.
    rename(live_server, survey_id, "Titre changé sur le serveur")
    response = page.reload()  # still offline: the service worker serves it
    assert response.from_service_worker
    expect(page.locator("h1")).to_have_text("Le numérique et vous")
    expect(page.locator("#kiosk-queue")).to_contain_text(
        "3 réponses en attente d'envoi"
    )
    assert "beforeunload" in dialogs  # warned before leaving with a queue
    assert stored(live_server, survey_id) == []

    context.set_offline(False)  # the "online" event sends the queue
    expect(page.locator("#kiosk-queue")).to_have_text(
        "Aucune réponse en attente d'envoi.", timeout=15000
    )
    expect(page.locator("#kiosk-today")).to_contain_text("3 réponses aujourd'hui")
    page.reload()
    page.wait_for_timeout(500)  # a second sync finds nothing to send
    responses = stored(live_server, survey_id)
    assert len(responses) == 3
    assert {(r["mode"], r["point_id"]) for r in responses} == {("kiosk", point_id)}
    assert sorted(r["answers"]["AGE"] for r in responses) == [34, 58, 71]
    assert {
        "AGE": 71,
        "MOBILE": "simple",
        "AIDE": "Prendre un rendez-vous <b>médecin</b>",
    } in [r["answers"] for r in responses]


def test_kiosk_cannot_reach_admin_pages_and_leaving_needs_the_password(
    live_server, kiosk_survey
):
    context, user, survey_id, point_id = kiosk_survey
    page = log_in(context, live_server, user)
    enter_kiosk(page, survey_id)
    page.goto(f"/enquetes/{survey_id}")
    assert "/connexion" in page.url
    page.goto(f"/enquetes/{survey_id}/kiosque/{point_id}/quitter")
    assert axe_violations(page) == []
    page.fill("#password", user["password"])
    page.click("button[type=submit]")
    expect(page.locator("h2")).to_contain_text("Saisie sur place")


def test_paper_entry_by_keyboard_alone(live_server, kiosk_survey):
    context, user, survey_id, point_id = kiosk_survey
    page = log_in(context, live_server, user)
    page.goto(f"/enquetes/{survey_id}/sur-place")
    assert axe_violations(page) == []
    page.click("text=Saisir des questionnaires papier : Marché de Die")
    assert axe_violations(page) == []
    expect(page.locator("#q-AGE")).to_be_focused()  # ready to type
    for age in ("67", "45"):
        page.keyboard.type(age)
        page.keyboard.press("Enter")  # next question, not a save
        expect(page.locator("#q-MOBILE-1")).to_be_focused()
        page.keyboard.press("2")  # the second answer: "Un téléphone simple"
        expect(page.locator("#q-MOBILE-2")).to_be_checked()
        page.keyboard.press("u")  # first letter: "Un smartphone"
        expect(page.locator("#q-MOBILE-1")).to_be_checked()
        page.keyboard.press("Enter")  # past "Autre, précisez": next question
        expect(page.locator("#q-AIDE")).to_be_focused()
        with page.expect_navigation():
            page.keyboard.press("Enter")  # last question: saves
        expect(page.locator("#q-AGE")).to_be_focused()
        expect(page.locator("#q-AGE")).to_have_value("")
    expect(page.locator("#paper-saved")).to_have_text("Questionnaire n°2 enregistré.")
    assert axe_violations(page) == []
    responses = stored(live_server, survey_id)
    assert [(r["mode"], r["point_id"]) for r in responses] == [("paper", point_id)] * 2
    assert [r["answers"] for r in responses] == [
        {"AGE": 67, "MOBILE": "smartphone"},
        {"AGE": 45, "MOBILE": "smartphone"},
    ]


# The page's own queue module (the same instance: same URL), sending now.
SYNC_NOW = "import('/static/kiosk/queue.js').then(module => module.queue.sync())"
SPOIL_QUEUED_ANSWER = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("kiosque", 1);
  open.onsuccess = () => {
    const store = open.result.transaction("answers", "readwrite")
      .objectStore("answers");
    const all = store.getAll();
    all.onsuccess = () => {
      const record = all.result.find(r => r.status === "pending");
      record.answers.AGE = "500";  // as if the device had let it through
      store.put(record).onsuccess = () => resolve(record.key);
    };
  };
  open.onerror = reject;
})"""
QUEUED = """key => new Promise(resolve => {
  indexedDB.open("kiosque", 1).onsuccess = e => {
    const get = e.target.result.transaction("answers").objectStore("answers")
      .get(key);
    get.onsuccess = () => resolve(get.result && get.result.status);
  };
})"""


def test_answer_refused_by_the_server_stays_on_the_device_with_its_reason(
    live_server, kiosk_survey
):
    context, user, survey_id, _point_id = kiosk_survey
    page = log_in(context, live_server, user)
    page.on("dialog", lambda dialog: dialog.accept())
    enter_kiosk(page, survey_id)
    expect(page.locator("#kiosk-queue")).to_be_visible()
    context.set_offline(True)
    answer(page, "40", simple=False)
    key = page.evaluate(SPOIL_QUEUED_ANSWER)
    context.set_offline(False)
    page.evaluate(SYNC_NOW)
    for _ in range(150):
        if page.evaluate(QUEUED, key) == "invalid":  # kept, flagged
            break
        page.wait_for_timeout(100)
    assert page.evaluate(QUEUED, key) == "invalid"
    expect(page.locator("#kiosk-queue")).to_have_text(
        "Aucune réponse en attente d'envoi."
    )
    # The next resident is not shown the refusal (issue 8, A1)...
    assert page.locator("#kiosk-refused").count() == 0
    assert "entre 0 et 120" not in page.inner_text("body")
    # ...the conseiller is, on the way out, even after a reload.
    page.click("text=Quitter le mode kiosque")
    refused = page.locator("#kiosk-refused")
    expect(refused).to_be_visible(timeout=15000)
    expect(refused).to_contain_text("Indiquez un nombre entre 0 et 120.")
    assert axe_violations(page) == []
    page.reload()
    expect(refused).to_contain_text("entre 0 et 120")
    assert stored(live_server, survey_id) == []
    # An answer refused by an older server (a commune, issue 8) and kept on
    # the tablet is sent again, and accepted now that it is valid.
    old_key = page.evaluate(REFUSED_EARLIER, key)
    page.evaluate(SYNC_NOW)
    for _ in range(150):
        if page.evaluate(QUEUED, old_key) == "sent":
            break
        page.wait_for_timeout(100)
    assert page.evaluate(QUEUED, old_key) == "sent"
    assert [r["answers"]["AGE"] for r in stored(live_server, survey_id)] == [41]
    assert page.evaluate(QUEUED, key) == "invalid"  # still kept


REFUSED_EARLIER = """key => new Promise((resolve, reject) => {
  indexedDB.open("kiosque", 1).onsuccess = e => {
    const store = e.target.result.transaction("answers", "readwrite")
      .objectStore("answers");
    const get = store.get(key);
    get.onsuccess = () => {
      const record = {...get.result, key: "ab".repeat(16), status: "invalid",
                      answers: {AGE: "41", MOBILE: "smartphone"}};
      store.put(record).onsuccess = () => resolve(record.key);
    };
  };
})"""


def test_leaving_kiosk_with_unsent_answers_warns_first(browser, live_server):
    user = live_server.create_user()
    survey_id, _point_id = make_kiosk_survey(live_server, user["id"])
    # No service worker, so that the test can make the server unreachable.
    context = browser.new_context(base_url=live_server.url, service_workers="block")
    try:
        # The server is made unreachable before the kiosk page exists: a
        # route added to a page still loading could miss its first send, and
        # the answer then really left (issue 8, F1: the count was right).
        refused = []

        def server_down(route):
            refused.append(route.request.url)
            route.abort()

        context.route("**/envoi", server_down)
        page = log_in(context, live_server, user)
        page.on("dialog", lambda dialog: dialog.accept())
        enter_kiosk(page, survey_id)
        answer(page, "62", simple=False)
        # Read the count only after a send was tried and failed.
        for _ in range(150):
            if refused:
                break
            page.wait_for_timeout(100)
        assert refused, "la tablette n'a pas essayé d'envoyer la réponse"
        expect(page.locator("#kiosk-queue")).to_contain_text(
            "1 réponse en attente d'envoi"
        )
        tried = len(refused)
        page.click("text=Quitter le mode kiosque")
        for _ in range(150):  # the leave page tries to send too
            if len(refused) > tried:
                break
            page.wait_for_timeout(100)
        expect(page.locator("#kiosk-queue")).to_contain_text(
            "1 réponse en attente d'envoi"
        )
        assert stored(live_server, survey_id) == []  # nothing reached the server
        page.fill("#password", user["password"])
        page.click("button[type=submit]")  # first press: a warning, no leaving
        warning = page.locator("#kiosk-warning")
        expect(warning).to_contain_text("restent sur cette tablette")
        assert page.url.endswith("/quitter")
        assert axe_violations(page) == []
        page.click("button[type=submit]")  # confirmed
        expect(page.locator("h2")).to_contain_text("Saisie sur place")
        context.unroute("**/envoi")
        # Back in kiosk mode later, the waiting answer leaves at last.
        enter_kiosk(page, survey_id)
        expect(page.locator("#kiosk-queue")).to_have_text(
            "Aucune réponse en attente d'envoi.", timeout=15000
        )
    finally:
        context.close()
    assert [r["answers"]["AGE"] for r in stored(live_server, survey_id)] == [62]


def test_paper_entry_enter_in_the_commune_keeps_the_typist_there(browser, live_server):
    """Issue 8, A2: Enter in the commune sent focus back to question 1."""
    user = live_server.create_user()
    diagnostic = live_server.create_diagnostic(user["id"], "Diagnostic du Diois")
    db = connect(live_server.database)
    try:
        survey_id = model.create_survey(db, diagnostic, "Papier", field_questions)
    finally:
        db.close()
    context = browser.new_context(base_url=live_server.url)
    try:
        page = log_in(context, live_server, user)
        page.goto(f"/enquetes/{survey_id}/saisie")
        expect(page.locator("#q-AGE")).to_be_focused()
        page.keyboard.type("67")
        page.keyboard.press("Enter")
        page.keyboard.press("1")
        page.keyboard.press("Enter")
        expect(page.locator("#q-AIDE")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#q-COMMUNE-q")).to_be_focused()
        page.keyboard.type("Beaurepaire")  # four communes: a list to pick from
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#q-COMMUNE-1")).to_be_focused()
        expect(page.locator("#q-AGE")).to_have_value("67")
        assert axe_violations(page) == []
        page.keyboard.press("2")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.locator("#paper-saved")).to_have_text(
            "Questionnaire n°1 enregistré."
        )
    finally:
        context.close()
    (response,) = stored(live_server, survey_id)
    assert response["answers"]["AGE"] == 67
    assert response["answers"]["COMMUNE"].startswith(("38", "60", "76", "85"))


def test_kiosk_says_like_the_public_form_which_questions_may_stay_empty(
    live_server, kiosk_survey
):
    """The one-line hint and "(obligatoire)" match public/step.html."""
    context, user, survey_id, point_id = kiosk_survey
    page = log_in(context, live_server, user)
    enter_kiosk(page, survey_id)
    hint = page.locator("#kiosk-app .step-hint")
    # AGE alone, required: marked, and no "you may leave it empty".
    expect(page.locator("label[for=q-AGE]")).to_contain_text("(obligatoire)")
    expect(hint).to_be_hidden()
    page.fill("#q-AGE", "71")
    page.click("button[value=next]")
    page.check("#q-MOBILE-2")
    page.click("button[value=next]")
    # AIDE alone, optional: the public form's sentence, without the "sauf".
    expect(hint).to_be_visible()
    expect(hint).to_have_text(
        "Vous pouvez laisser vide une question si vous ne voulez pas répondre."
    )
    assert "(obligatoire)" not in page.locator("[data-key=AIDE]").inner_text()
    assert axe_violations(page) == []
