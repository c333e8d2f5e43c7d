"""Answers kept "à vérifier" and resolved by the conseiller (issue 8, A1)."""

import pytest
from helpers.offline_entry import item, responses
from helpers.web import login, make_user, post_form
from test_sync import add_to_territory, kiosk, send, to_check  # noqa: F401


@pytest.fixture
def kept(app, client, kiosk, diagnostic):  # noqa: F811
    """A kiosk answer whose "Beaurepaire" matches four communes, none here."""
    add_to_territory(app, diagnostic, "59053")  # Bavay
    answer = item(kiosk["version"], AGE="50", MOBILE="smartphone",
                  COMMUNE="Beaurepaire")  # fmt: skip
    assert send(client, kiosk, [answer]).json["results"][0]["status"] == "stored"
    response = responses(app, kiosk["survey"])[0]
    return {
        **kiosk,
        "response": response["id"],
        "url": f"/enquetes/{kiosk['survey']}/a-verifier",
    }


def check_id(app, response_id: int) -> int:
    from survey_app.db import connect

    db = connect(app.config["DATABASE"])
    try:
        return db.execute(
            "SELECT id FROM answers_to_check WHERE response_id = ?", [response_id]
        ).fetchone()[0]
    finally:
        db.close()


def test_conseiller_picks_the_commune_among_candidates(app, client, kept, user):
    login(client)
    page = client.get(kept["url"]).get_data(as_text=True)
    assert "« Beaurepaire »" in page
    assert "plusieurs communes correspondent" in page
    for where in ("38270, Isère", "60700, Oise", "76280, Seine-Maritime",
                  "85500, Vendée"):  # fmt: skip
        assert f"Beaurepaire ({where})" in page
    assert "Laisser sans commune" in page
    done = post_form(
        client,
        f"{kept['url']}/{check_id(app, kept['response'])}",
        {"code": "60056"},
        page=kept["url"],
    )
    assert done.status_code == 303
    assert responses(app, kept["survey"])[0]["answers"]["COMMUNE"] == "60056"
    assert to_check(app, kept["response"]) == []
    assert "Aucune réponse à vérifier" in client.get(kept["url"]).get_data(as_text=True)


def test_leaving_without_commune_keeps_the_rest(app, client, kept, user):
    login(client)
    url = f"{kept['url']}/{check_id(app, kept['response'])}"
    post_form(client, url, {"code": "aucune"}, page=kept["url"])
    assert responses(app, kept["survey"])[0]["answers"] == {
        "AGE": 50,
        "MOBILE": "smartphone",
    }
    assert to_check(app, kept["response"]) == []


@pytest.mark.parametrize("code", ["99999", "<b>", ""])
def test_unknown_commune_changes_nothing(app, client, kept, user, code):
    login(client)
    url = f"{kept['url']}/{check_id(app, kept['response'])}"
    response = post_form(client, url, {"code": code}, page=kept["url"])
    assert response.status_code in (303, 404)
    assert "COMMUNE" not in responses(app, kept["survey"])[0]["answers"]
    assert len(to_check(app, kept["response"])) == 1


def test_only_members_see_and_resolve(app, client, kept):
    url = f"{kept['url']}/{check_id(app, kept['response'])}"
    assert client.get(kept["url"]).status_code == 302  # to sign in
    make_user(app, "autre@example.fr", "Dominique")
    login(client, "autre@example.fr")
    assert client.get(kept["url"]).status_code == 403
    html = client.get("/").get_data(as_text=True)
    from helpers.web import csrf_from

    denied = client.post(url, data={"csrf_token": csrf_from(html), "code": "60056"})
    assert denied.status_code == 403
    assert len(to_check(app, kept["response"])) == 1
