"""Take the README's screenshots: the demo data in Debian's Chromium.

Run `.venv/bin/python docs/screenshots/take.py` from the repository root. It
starts the production server as `make run` does (init, `flask demo`,
gunicorn) on a free port over a temp database, adds a small workshop with a
few cards through the HTTP API, and writes the PNGs next to this file. A PNG
over the size budget is reduced to 256 colours (text stays sharp).
"""

import os
import shutil
import sqlite3
import sys

from PIL import Image
from playwright.sync_api import sync_playwright

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)

from bench._server import Server  # noqa: E402
from survey_app.demo import DEMO_CODE, DEMO_EMAIL, DEMO_PASSWORD  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MAX_BYTES = 250_000
CARDS = {  # participant's name -> (column, text) of their cards
    "Sandrine (CCAS)": [
        ("dit", "« Je n'y arrive pas, c'est trop compliqué »"),
        ("ressent", "Peur de se tromper et de perdre ses droits"),
    ],
    "Karim (mairie de Mens)": [
        ("fait", "Vient à la mairie avec ses papiers imprimés"),
        ("pense", "Internet, ce n'est pas pour les gens de mon âge"),
    ],
    "Odile (médiathèque)": [
        ("fait", "Demande à son petit-fils le dimanche"),
        ("ressent", "Se sent seule face aux démarches"),
    ],
}


def save(page, name: str, **options) -> None:
    path = os.path.join(HERE, f"{name}.png")
    page.screenshot(path=path, animations="disabled", caret="hide", **options)
    if os.path.getsize(path) > MAX_BYTES:
        Image.open(path).convert("RGB").quantize(256).save(path, optimize=True)
    print(f"{name}.png {os.path.getsize(path) // 1024} Ko")


def demo_ids(database: str) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        survey, diagnostic, point = db.execute(
            "SELECT s.id, s.diagnostic_id, p.id FROM collection_points p "
            "JOIN surveys s ON s.id = p.survey_id WHERE p.code = ?",
            [DEMO_CODE],
        ).fetchone()
    return {"survey": survey, "diagnostic": diagnostic, "point": point}


def resident(browser, url: str) -> None:
    phone = browser.new_context(base_url=url, viewport=PHONE, is_mobile=True)
    page = phone.new_page()
    page.goto(f"/s/{DEMO_CODE}")
    save(page, "habitant-accueil", full_page=True)  # down to "Commencer"
    page.click("text=Commencer")
    page.locator("input[type=radio]").nth(0).check()
    save(page, "habitant-question")
    phone.close()


def conseiller_pages(page, ids: dict[str, int]) -> None:
    survey, diagnostic = ids["survey"], ids["diagnostic"]
    # name, path, height: taller where the interesting part is lower down
    shots = [
        ("conseiller-diagnostic", f"/diagnostics/{diagnostic}", 800),
        ("conseiller-etapes", f"/diagnostics/{diagnostic}/etapes", 1100),
        ("conseiller-portrait", f"/diagnostics/{diagnostic}/portrait", 1100),
        (
            "conseiller-resultats-diagnostic",
            f"/diagnostics/{diagnostic}/resultats",
            900,
        ),
        ("conseiller-questions", f"/enquetes/{survey}/questions", 800),
        ("conseiller-tableau-de-bord", f"/enquetes/{survey}", 1560),
        ("conseiller-resultats", f"/enquetes/{survey}/resultats", 1500),
        ("affiche", f"/enquetes/{survey}/lieux/{ids['point']}/affiche", 1200),
    ]
    for name, path, height in shots:
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        clip = {"x": 0, "y": 0, "width": DESKTOP["width"], "height": height}
        save(page, name, full_page=True, clip=clip)


def workshop(browser, page, url: str, diagnostic: int) -> None:
    """An empathy map with six cards from three phones, then its screens."""
    page.goto(f"/diagnostics/{diagnostic}")
    # The sign-out form of every conseiller page carries the session's token.
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    headers = {"X-CSRFToken": token}
    created = page.request.post(
        f"/diagnostics/{diagnostic}/ateliers/api",
        headers=headers,
        data={
            "title": "Atelier des partenaires du Trièves",
            "activities": [
                {
                    "kind": "empathy",
                    "title": "Carte d'empathie",
                    "config": {"target": "Une personne âgée d'un hameau"},
                }
            ],
        },
    )
    assert created.status == 201, created.text()
    wid, code = created.json()["workshop"]["id"], created.json()["workshop"]["code"]
    state = page.request.get(f"/ateliers/{wid}/api/etat").json()
    activity = state["activities"][0]["id"]
    phones = []
    for name, cards in CARDS.items():
        phone = browser.new_context(base_url=url, viewport=PHONE, is_mobile=True)
        phones.append(phone)
        join = phone.new_page()
        join.goto(f"/a/{code}")
        join.fill("input[name=display_name]", name)
        with join.expect_navigation():
            join.click("form button[type=submit]")
        for column, text in cards:
            posted = phone.request.post(
                f"/a/{code}/cartes",
                data={"activity_id": activity, "column": column, "text": text},
            )
            assert posted.status == 201, posted.text()
    moved = page.request.post(
        f"/ateliers/{wid}/api/activites/{activity}/phase",
        headers=headers,
        data={"phase": "reveal"},
    )
    assert moved.status == 200, moved.text()
    page.goto(f"/ateliers/{wid}/ecran")
    page.get_by_text("Se sent seule face aux démarches").wait_for()
    save(page, "atelier-ecran")
    participant = phones[0].pages[0]
    participant.goto(f"/a/{code}")
    participant.get_by_text("Peur de se tromper").first.wait_for()
    save(participant, "atelier-participant")
    for phone in phones:
        phone.close()


def main() -> None:
    server = Server()
    # The address a real deployment prints on posters and shows on the
    # dashboard, rather than 127.0.0.1 and its "this computer only" warning.
    server.env["FLASK_PUBLIC_BASE_URL"] = "https://diagnostic.exemple.fr"
    server.init()
    server.demo()
    server.start(timeout=120)  # a shared, loaded machine boots slowly
    try:
        ids = demo_ids(server.database)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            resident(browser, server.url)
            desk = browser.new_context(base_url=server.url, viewport=DESKTOP)
            page = desk.new_page()
            page.goto("/connexion")
            page.fill("input[name=email]", DEMO_EMAIL)
            page.fill("input[name=password]", DEMO_PASSWORD)
            with page.expect_navigation():
                page.click("form button[type=submit]")
            assert "/connexion" not in page.url, "connexion refusée"
            conseiller_pages(page, ids)
            workshop(browser, page, server.url, ids["diagnostic"])
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(server.folder, ignore_errors=True)


if __name__ == "__main__":
    main()
