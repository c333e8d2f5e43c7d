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


def test_next_only_follows_local_paths(client, user):
    html = client.get("/connexion").get_data(as_text=True)
    response = client.post(
        "/connexion?next=https://evil.example/",
        data={
            "csrf_token": csrf_from(html),
            "email": "conseillere@example.fr",
            "password": PASSWORD,
        },
    )
    assert response.headers["Location"] == "/"


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
