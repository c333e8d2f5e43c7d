import pytest
from helpers.web import PASSWORD, csrf_from, login, make_user, post_form


def test_login_page_is_french(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert 'lang="fr"' in page and "Mot de passe" in page


def test_login_and_logout(client, user):
    response = login(client)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    response = post_form(client, "/deconnexion", {}, page="/")
    assert response.status_code == 302
    assert client.get("/").headers["Location"].startswith("/connexion")


def test_wrong_password_is_refused_in_french(client, user):
    response = post_form(
        client, "/connexion", {"email": "conseillere@example.fr", "password": "non"}
    )
    assert response.status_code == 401
    assert "mot de passe incorrect" in response.get_data(as_text=True)


def test_csrf_required_on_login(client, user):
    response = client.post(
        "/connexion", data={"email": "conseillere@example.fr", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "La page a expiré" in response.get_data(as_text=True)


def test_throttled_after_five_failures(client, user):
    for _ in range(5):
        post_form(
            client, "/connexion", {"email": "conseillere@example.fr", "password": "x"}
        )
    response = login(client)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example",
        "/%09/evil.example",  # browsers drop the tab: //evil.example
        "/%0A/evil.example",  # a newline in a header was a 500
        "/%0D%0A/evil.example",
        "/%5C/evil.example",  # a backslash is a slash to browsers
        "/%5Cevil.example",
        "%09/evil.example",
        "%20//evil.example",
        "/%00/evil.example",
        "javascript:alert(1)",
    ],
)
def test_next_only_follows_local_paths(client, user, next_url):
    html = client.get("/connexion").get_data(as_text=True)
    response = client.post(
        f"/connexion?next={next_url}",
        data={
            "csrf_token": csrf_from(html),
            "email": "conseillere@example.fr",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_keeps_a_local_path_and_its_query(client, user):
    html = client.get("/connexion").get_data(as_text=True)
    response = client.post(
        "/connexion?next=/diagnostics/3%3Fonglet%3D2",
        data={
            "csrf_token": csrf_from(html),
            "email": "conseillere@example.fr",
            "password": PASSWORD,
        },
    )
    assert response.headers["Location"] == "/diagnostics/3?onglet=2"


def test_changing_the_password_ends_other_sessions(app, user):
    elsewhere, here = app.test_client(), app.test_client()
    assert login(elsewhere).status_code == 302
    assert login(here).status_code == 302
    new = "une-phrase-toute-neuve"
    response = post_form(
        here,
        "/compte/mot-de-passe",
        {"current": PASSWORD, "new": new, "confirm": new},
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200  # the one that changed it stays
    response = elsewhere.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_a_password_reset_elsewhere_ends_sessions(app, client, user):
    from werkzeug.security import generate_password_hash

    from survey_app.db import connect

    assert login(client).status_code == 302
    db = connect(app.config["DATABASE"])
    with db.conn:
        db.execute(
            "UPDATE users SET password_hash = ?", [generate_password_hash("autre-x1")]
        )
    db.close()
    assert client.get("/").headers["Location"].startswith("/connexion")


def test_create_user_command(runner, app):
    result = runner.invoke(
        args=["create-user", "b@example.fr"],
        input="un-mot-de-passe-long\nun-mot-de-passe-long\n",
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["create-user", "b@example.fr"],
        input="un-mot-de-passe-long\nun-mot-de-passe-long\n",
    )
    assert "existe déjà" in result.output
    make_user(app, "c@example.fr")
