"""Erasing one response on request, with a trace and no content (issue 8, D2)."""

import re

import pytest
from helpers.web import login, make_user, post_form
from test_public import SCREENS, make_survey, page, send, walk_to_last

from survey_app.surveys.erasure import find_by_receipt, normalise_receipt, receipt


@pytest.fixture
def survey(db, diagnostic):
    return make_survey(db, diagnostic)


def test_receipts_are_readable_and_stable():
    shown = receipt("abcdefghijklmnop1234")
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", shown)
    assert not set(shown) & set("LIO01")
    assert shown == receipt("abcdefghijklmnop1234") != receipt("abcdefghijklmnop1235")
    assert normalise_receipt(" k7pm 2xqa ") == "K7PM-2XQA"


def answer_and_read_receipt(client, code) -> str:
    html = walk_to_last(client, code)
    response = send(client, f"/s/{code}/questions", html, SCREENS[-1])
    thanks = page(client.get(response.headers["Location"]))
    found = re.search(r"numéro de réponse : <strong>(\w{4}-\w{4})</strong>", thanks)
    assert found, thanks
    return found.group(1)


def test_resident_receipt_finds_and_deletes_their_response_with_a_trace(
    app, client, db, survey
):
    survey_id, code = survey
    mine = answer_and_read_receipt(client, code)
    other = answer_and_read_receipt(app.test_client(), code)
    assert mine != other
    assert "numéro de réponse" in page(client.get(f"/s/{code}/confidentialite"))
    ids = [r[0] for r in db.execute("SELECT id FROM responses ORDER BY id")]

    login(client)
    url = f"/enquetes/{survey_id}/reponses/supprimer"
    response = post_form(client, url, {"receipt": mine.lower().replace("-", " ")})
    assert response.status_code == 302
    confirm = response.headers["Location"]
    assert confirm == f"/enquetes/{survey_id}/reponses/{ids[0]}/supprimer"
    html = page(client.get(confirm))
    assert f"Supprimer la réponse n° {ids[0]}" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; un atelier" in html
    response = post_form(client, confirm, {})
    assert response.status_code == 302
    assert [r[0] for r in db.execute("SELECT id FROM responses")] == [ids[1]]

    trace = db.execute("SELECT * FROM response_deletions").fetchall()
    assert len(trace) == 1
    row = dict(trace[0])
    assert row["response_id"] == ids[0] and row["survey_id"] == survey_id
    assert row["deleted_by"] is not None and row["deleted_at"].endswith("Z")
    assert "atelier" not in str(row) and "42" not in str(row)  # no content
    listing = page(client.get(url))
    assert f"n° {ids[0]}" in listing and "Camille" in listing

    # Deleted already: the receipt finds nothing, the page says so.
    response = post_form(client, url, {"receipt": mine})
    assert response.status_code == 400
    assert f"Aucune réponse de cette enquête n&#39;a le numéro {mine}" in page(response)
    assert client.get(confirm).status_code == 404
    assert find_by_receipt(db, survey_id, other) == ids[1]
    # Older answers and kiosk or paper ones: by the number the dashboard shows.
    assert find_by_receipt(db, survey_id, f"n° {ids[1]}") == ids[1]
    assert find_by_receipt(db, survey_id, str(ids[0])) is None
    assert find_by_receipt(db, survey_id, "9" * 30) is None


def test_delete_from_the_dashboard_list(client, db, survey, user):
    survey_id, code = survey
    answer_and_read_receipt(client, code)
    [response_id] = [r[0] for r in db.execute("SELECT id FROM responses")]
    login(client)
    dashboard = page(client.get(f"/enquetes/{survey_id}"))
    link = f"/enquetes/{survey_id}/reponses/{response_id}/supprimer"
    assert f'href="{link}"' in dashboard
    post_form(client, link, {})
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM response_deletions").fetchone()[0] == 1


def test_only_members_delete_and_only_with_csrf(app, client, db, survey, user):
    survey_id, code = survey
    answer_and_read_receipt(client, code)
    [response_id] = [r[0] for r in db.execute("SELECT id FROM responses")]
    link = f"/enquetes/{survey_id}/reponses/{response_id}/supprimer"
    assert client.post(link).status_code in (302, 400)  # anonymous
    make_user(app, "autre@example.fr")
    login(client, "autre@example.fr")
    assert client.get(link).status_code == 403
    assert post_form(client, link, {}, page="/").status_code == 403
    client.post("/deconnexion", data={})
    login(client)
    assert client.post(link, data={}).status_code in (200, 400)  # no CSRF token
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 1
    # A response of another survey is not reachable through this survey.
    assert client.get(f"/enquetes/{survey_id}/reponses/999/supprimer").status_code == (
        404
    )
