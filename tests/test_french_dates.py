"""People read "25 novembre 2026", never 2026-11-25 or 25/11/2026 (issue 8, D6).

The conseiller's pages of the demo diagnostic are walked link by link, as a
person would, and their visible text searched for machine dates.
"""

import re

import pytest
from flask import render_template_string
from helpers.web import post_form

from survey_app.db import write_transaction
from survey_app.demo import DEMO_EMAIL, DEMO_PASSWORD
from survey_app.safeguards.maintenance import daily_purge

MACHINE_DATE = re.compile(r"\b(20\d\d-\d\d-\d\d|\d\d/\d\d/20\d\d)\b")
NOT_A_PAGE = re.compile(
    r"deconnexion|kiosque|\.(png|svg|xlsx|ods|odt|json|js|css|csv|pdf)\b"
    r"|/static|statique|/export|/a/"
)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)  # attributes (values, ISO) are for machines


def test_the_date_filter_is_french_and_in_paris_time_on_every_page(app):
    with app.test_request_context():
        shown = render_template_string("{{ '2026-11-30T23:30:00Z'|date_fr }}")
    assert shown == "1er décembre 2026"  # 00:30 in Paris


@pytest.mark.demo  # the database starts as a copy of the demo's (conftest.py)
def test_no_machine_date_on_the_demo_pages(app, client, db):
    daily_purge(db)  # "Dernière vérification : le …" on the diagnostic page
    with write_transaction(db):
        db.execute("UPDATE surveys SET status = 'open'")
    post_form(client, "/connexion", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    seen, todo, found = set(), ["/", "/s/demo", "/s/demo/confidentialite"], {}
    while todo and len(seen) < 150:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        if dates := MACHINE_DATE.findall(visible_text(html)):
            found[url] = sorted(set(dates))
        for link in re.findall(r'href="(/[^"#]*)', html):
            link = link.replace("&amp;", "&")
            if link not in seen and not NOT_A_PAGE.search(link):
                todo.append(link)
    assert len(seen) > 60  # the walk reached the survey, results, workshop pages
    assert found == {}
