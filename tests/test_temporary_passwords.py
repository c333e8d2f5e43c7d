"""Temporary passwords: unambiguous, changed at first sign-in (issue 8, D5)."""

import re

from helpers.web import post_form

from survey_app.text import temporary_password

AMBIGUOUS = set("lI1O0o")
PROVISOIRE = re.compile(r"Mot de passe provisoire à lui transmettre : (\S+)")


def test_temporary_passwords_have_no_ambiguous_characters():
    passwords = {temporary_password() for _ in range(300)}
    assert len(passwords) == 300
    for password in passwords:
        assert len(password) >= 12 and not AMBIGUOUS & set(password), password


def change_password(client, current: str):
    return post_form(
        client,
        "/compte/mot-de-passe",
        {"current": current, "new": "ma-phrase-a-moi", "confirm": "ma-phrase-a-moi"},
    )


def test_teammate_changes_the_temporary_password_at_first_sign_in(
    app, logged_in, diagnostic
):
    url = f"/diagnostics/{diagnostic}/equipe"
    response = post_form(logged_in, url, {"email": "nouveau@example.fr"})
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    password = PROVISOIRE.search(page).group(1)
    assert not AMBIGUOUS & set(password)

    teammate = app.test_client()
    response = post_form(
        teammate, "/connexion", {"email": "nouveau@example.fr", "password": password}
    )
    assert response.status_code == 302
    # Every conseiller page leads to the password page until it is changed.
    for page in ("/", f"/diagnostics/{diagnostic}"):
        response = teammate.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"] == "/compte/mot-de-passe"
    html = teammate.get("/compte/mot-de-passe").get_data(as_text=True)
    assert "Choisissez votre propre mot de passe" in html
    assert change_password(teammate, password).status_code == 302
    assert teammate.get(f"/diagnostics/{diagnostic}").status_code == 200


def test_reset_password_command(runner, app, user, client, db):
    result = runner.invoke(args=["reset-password", "conseillere@example.fr"])
    assert result.exit_code == 0, result.output
    password = re.search(r"provisoire pour \S+ : (\S+)", result.output).group(1)
    assert not AMBIGUOUS & set(password)
    row = db.execute("SELECT must_change_password FROM users").fetchone()
    assert row[0] == 1
    response = post_form(
        client,
        "/connexion",
        {"email": "conseillere@example.fr", "password": password},
    )
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/compte/mot-de-passe"
    change_password(client, password)
    assert client.get("/").status_code == 200

    result = runner.invoke(args=["reset-password", "personne@example.fr"])
    assert result.exit_code != 0 and "Aucun compte" in result.output
