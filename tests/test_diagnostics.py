import re

import pytest
from helpers.web import login, make_user, post_form

from survey_app.geo import search_communes


def test_create_diagnostic_makes_creator_owner(logged_in, db):
    response = post_form(
        logged_in,
        "/diagnostics/nouveau",
        {"title": "Creuse 2026", "structure": "CC Creuse Sud", "contact_email": ""},
    )
    assert response.status_code == 302
    row = db.execute("SELECT * FROM diagnostics").fetchone()
    assert row["title"] == "Creuse 2026"
    member = db.execute("SELECT role FROM diagnostic_members").fetchone()
    assert member["role"] == "owner"
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Creuse 2026" in page and "pas encore choisi" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Donnez un nom au diagnostic."),
        ({"title": "x" * 201}, "ne peut pas contenir plus de 200"),
        (
            {"title": "Ok", "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
            "La fin doit venir après le début.",
        ),
    ],
)
def test_diagnostic_bad_input_changes_nothing(logged_in, db, data, message):
    response = post_form(logged_in, "/diagnostics/nouveau", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM diagnostics").fetchone()[0] == 0


def test_edit_diagnostic_retention(logged_in, diagnostic, db):
    url = f"/diagnostics/{diagnostic}/modifier"
    response = post_form(
        logged_in, url, {"title": "Nouveau nom", "retention_months": "12"}
    )
    assert response.status_code == 302
    row = db.execute("SELECT * FROM diagnostics").fetchone()
    assert (row["title"], row["retention_months"]) == ("Nouveau nom", 12)
    post_form(
        logged_in,
        url,
        {"title": "Daté", "retention_months": "12", "starts_on": "2026-11-01",
         "ends_on": "2026-11-25"},
    )  # fmt: skip
    page = logged_in.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    assert "du 1er novembre 2026" in page and "au 25 novembre 2026" in page  # D6
    response = post_form(logged_in, url, {"title": "X", "retention_months": "500"})
    assert response.status_code == 400
    assert "Entre 1 et 120 mois." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Guéret", "23096"),
        ("gueret", "23096"),
        ("23000", "23096"),
        ("st etienne", "42218"),
        ("Saint-Étienne", "42218"),
    ],
)
def test_search_communes_by_name_or_postcode(db, query, expected):
    codes = [c["code"] for c in search_communes(db, query)]
    assert codes[0] == expected


def test_territory_add_commune_and_epci(logged_in, diagnostic, db):
    url = f"/diagnostics/{diagnostic}/territoire"
    page = logged_in.get(url + "?q=Gu%C3%A9ret").get_data(as_text=True)
    assert "Guéret" in page and "23000" in page
    post_form(logged_in, url + "/ajouter", {"commune": "23096"}, page=url)
    epci = db.execute("SELECT epci_code FROM communes WHERE code = '23096'").fetchone()[
        0
    ]
    members = db.execute(
        "SELECT count(*) FROM communes WHERE epci_code = ?", [epci]
    ).fetchone()[0]
    post_form(logged_in, url + "/ajouter", {"epci": epci}, page=url)
    chosen = db.execute(
        "SELECT count(*) FROM diagnostic_communes WHERE diagnostic_id = ?",
        [diagnostic],
    ).fetchone()[0]
    assert chosen == members > 1
    page = logged_in.get(url).get_data(as_text=True)
    assert "Population totale" in page
    post_form(logged_in, url + "/retirer", {"commune": "23096"}, page=url)
    assert (
        db.execute("SELECT count(*) FROM diagnostic_communes").fetchone()[0]
        == members - 1
    )
    post_form(logged_in, url + "/retirer", {"all": "1"}, page=url)
    assert db.execute("SELECT count(*) FROM diagnostic_communes").fetchone()[0] == 0


def test_unknown_commune_is_refused(logged_in, diagnostic, db):
    url = f"/diagnostics/{diagnostic}/territoire"
    response = post_form(logged_in, url + "/ajouter", {"commune": "<script>"}, page=url)
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "introuvable" in page
    assert db.execute("SELECT count(*) FROM diagnostic_communes").fetchone()[0] == 0


def test_share_with_new_and_existing_conseiller(app, logged_in, diagnostic, db):
    url = f"/diagnostics/{diagnostic}/equipe"
    response = post_form(logged_in, url, {"email": "nouveau@example.fr"})
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mot de passe provisoire" in page
    make_user(app, "existant@example.fr")
    post_form(logged_in, url, {"email": "existant@example.fr"})
    assert (
        db.execute(
            "SELECT count(*) FROM diagnostic_members WHERE diagnostic_id = ?",
            [diagnostic],
        ).fetchone()[0]
        == 3
    )
    response = post_form(logged_in, url, {"email": "pas-une-adresse"})
    assert response.status_code == 400
    assert "pas valide" in response.get_data(as_text=True)


def test_member_sees_diagnostic_and_cannot_remove_owner(app, client, diagnostic, db):
    other = make_user(app, "membre@example.fr")
    db.execute(
        "INSERT INTO diagnostic_members VALUES (?, ?, 'member')", [diagnostic, other]
    )
    db.conn.commit()
    login(client, "membre@example.fr")
    assert client.get(f"/diagnostics/{diagnostic}").status_code == 200
    owner = db.execute(
        "SELECT user_id FROM diagnostic_members WHERE role = 'owner'"
    ).fetchone()[0]
    response = post_form(
        client,
        f"/diagnostics/{diagnostic}/equipe/retirer",
        {"user_id": str(owner)},
        page=f"/diagnostics/{diagnostic}/equipe",
    )
    assert response.status_code == 403


def test_last_owner_cannot_leave(logged_in, diagnostic, user, db):
    url = f"/diagnostics/{diagnostic}/equipe"
    post_form(logged_in, url + "/retirer", {"user_id": str(user)}, page=url)
    assert db.execute("SELECT count(*) FROM diagnostic_members").fetchone()[0] == 1


ADMIN_ROUTES = [
    ("GET", "/diagnostics/{d}"),
    ("GET", "/diagnostics/{d}/modifier"),
    ("POST", "/diagnostics/{d}/modifier"),
    ("GET", "/diagnostics/{d}/territoire"),
    ("POST", "/diagnostics/{d}/territoire/ajouter"),
    ("POST", "/diagnostics/{d}/territoire/retirer"),
    ("GET", "/diagnostics/{d}/equipe"),
    ("POST", "/diagnostics/{d}/equipe"),
    ("POST", "/diagnostics/{d}/equipe/retirer"),
]


@pytest.mark.parametrize(("method", "route"), ADMIN_ROUTES)
def test_anonymous_is_sent_to_login(client, diagnostic, method, route):
    url = route.format(d=diagnostic)
    if method == "GET":
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion")
    else:
        # Without a session there is no CSRF token either: refused before anything.
        assert client.post(url, data={"commune": "23096"}).status_code in (302, 400)


@pytest.mark.parametrize(("method", "route"), ADMIN_ROUTES)
def test_other_conseiller_gets_403(app, client, diagnostic, db, method, route):
    make_user(app, "autre@example.fr")
    login(client, "autre@example.fr")
    url = route.format(d=diagnostic)
    if method == "GET":
        response = client.get(url)
    else:
        response = post_form(
            client, url, {"commune": "23096", "email": "x@example.fr"}, page="/"
        )
    assert response.status_code == 403
    assert db.execute("SELECT count(*) FROM diagnostic_communes").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM diagnostic_members").fetchone()[0] == 1


def test_password_change(logged_in, db):
    url = "/compte/mot-de-passe"
    response = post_form(
        logged_in,
        url,
        {"current": "faux", "new": "un-nouveau-mot", "confirm": "un-nouveau-mot"},
    )
    assert "pas votre mot de passe actuel" in response.get_data(as_text=True)
    response = post_form(
        logged_in,
        url,
        {
            "current": "mot-de-passe-solide",
            "new": "un-nouveau-mot",
            "confirm": "un-nouveau-mot",
        },
    )
    assert response.status_code == 302


def test_epci_population_is_the_same_in_search_and_once_added(
    logged_in, diagnostic, db
):
    # Issue 8, D9: 48,132 inhabitants in the search, 48,048 once added.
    url = f"/diagnostics/{diagnostic}/territoire"
    epci = db.execute(
        "SELECT e.code, e.name FROM epcis e JOIN communes c ON c.epci_code = e.code "
        "WHERE c.code = '23096'"
    ).fetchone()
    page = logged_in.get(url, query_string={"q": epci["name"]}).get_data(as_text=True)
    found = re.search(
        re.escape(epci["name"]) + r"</strong>.*?· ([\d  ]+) habitants", page, re.S
    )
    assert found, "the EPCI is in the search results"
    post_form(logged_in, url + "/ajouter", {"epci": epci["code"]}, page=url)
    page = logged_in.get(url).get_data(as_text=True)
    total = re.search(r"Population totale : <strong>([\d  ]+)</strong>", page)
    assert found.group(1) == total.group(1)
