"""Collection points: CRUD, unique codes, QR codes and the printable poster."""

import io
import xml.etree.ElementTree as ET

import pytest
from helpers.web import csrf_from, login, make_user, post_form
from PIL import Image
from test_dashboard import QUESTIONS

from survey_app.qr import qr_png, qr_svg
from survey_app.surveys import model
from survey_app.text import CODE_ALPHABET

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def survey(db, diagnostic):
    return model.create_survey(db, diagnostic, "Enquête habitants", QUESTIONS)


def points_of(db, survey_id):
    rows = db.execute(
        "SELECT * FROM collection_points WHERE survey_id = ? ORDER BY id", [survey_id]
    )
    return [dict(r) for r in rows]


def add_point(client, survey, **data):
    url = f"/enquetes/{survey}/lieux"
    return post_form(client, url, {"name": "Marché", "kind": "marche", **data})


def test_add_point_generates_a_short_unambiguous_code(logged_in, db, survey):
    response = add_point(logged_in, survey, name="Marché du samedi", target="80")
    assert response.status_code == 302
    [point] = points_of(db, survey)
    assert (point["name"], point["kind"], point["target"]) == (
        "Marché du samedi",
        "marche",
        80,
    )
    assert len(point["code"]) == 6 and set(point["code"]) <= set(CODE_ALPHABET)
    page = logged_in.get(f"/enquetes/{survey}/lieux").get_data(as_text=True)
    assert "Marché du samedi" in page
    assert f"http://localhost/s/{point['code']}" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Donnez un nom au lieu."),
        ({"kind": "piscine"}, "Choisissez un type."),
        ({"target": "beaucoup"}, "entier valide"),
        ({"target": "0"}, "Indiquez un nombre entre 1 et 100 000."),
        ({"name": "x" * 121}, "120 caractères au plus."),
    ],
)
def test_bad_point_is_refused_in_french(logged_in, db, survey, data, message):
    response = add_point(logged_in, survey, **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert points_of(db, survey) == []


def test_codes_are_unique_across_points_and_surveys(db, survey):
    ids = [model.create_point(db, survey, f"Lieu {i}", "autre") for i in range(200)]
    codes = {p["code"] for p in points_of(db, survey)}
    survey_code = db.execute("SELECT code FROM surveys").fetchone()[0]
    assert len(codes) == len(ids) and survey_code not in codes


def test_rename_keeps_the_code(logged_in, db, survey):
    point_id = model.create_point(db, survey, "Mairie", "mairie", target=10)
    code = points_of(db, survey)[0]["code"]
    url = f"/enquetes/{survey}/lieux/{point_id}/modifier"
    assert 'value="Mairie"' in logged_in.get(url).get_data(as_text=True)
    response = post_form(
        logged_in, url, {"name": "Mairie annexe", "kind": "mairie", "target": ""}
    )
    assert response.status_code == 302
    [point] = points_of(db, survey)
    assert (point["name"], point["code"], point["target"]) == (
        "Mairie annexe",
        code,
        None,
    )


def test_delete_point_without_answers(logged_in, db, survey):
    point_id = model.create_point(db, survey, "École", "ecole")
    url = f"/enquetes/{survey}/lieux/{point_id}/supprimer"
    assert "fonctionneront plus" in logged_in.get(url).get_data(as_text=True)
    assert post_form(logged_in, url, {}).status_code == 302
    assert points_of(db, survey) == []


def test_delete_point_with_answers_is_refused_and_loses_nothing(logged_in, db, survey):
    point_id = model.create_point(db, survey, "Marché", "marche")
    version = model.current_version(db, survey)
    model.store_response(
        db,
        survey_id=survey,
        version_id=version["id"],
        point_id=point_id,
        idempotency_key="k1",
        answers={"EQ_MOBILE": "aucun"},
    )
    url = f"/enquetes/{survey}/lieux/{point_id}/supprimer"
    page = logged_in.get(url).get_data(as_text=True)
    assert (
        "ne peut pas être supprimé" in page
        and "<button" not in page.split("Supprimer le lieu", 1)[1].split("</main>")[0]
    )
    # Even a forged POST (the form is not shown) changes nothing.
    html = logged_in.get(f"/enquetes/{survey}/lieux").get_data(as_text=True)

    response = logged_in.post(
        url, data={"csrf_token": csrf_from(html)}, follow_redirects=True
    )
    assert "il a reçu 1 réponse" in response.get_data(as_text=True)
    assert len(points_of(db, survey)) == 1
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 1


def test_point_of_another_survey_is_404(logged_in, db, diagnostic, survey):
    other = model.create_survey(db, diagnostic, "Autre", QUESTIONS)
    point_id = model.create_point(db, other, "Ailleurs", "autre")
    for suffix in ("modifier", "supprimer", "qr.svg", "qr.png", "affiche"):
        url = f"/enquetes/{survey}/lieux/{point_id}/{suffix}"
        assert logged_in.get(url).status_code == 404, suffix


def test_every_route_needs_a_member(app, client, db, survey):
    point_id = model.create_point(db, survey, "Marché", "marche")
    base = f"/enquetes/{survey}/lieux"
    urls = [base] + [
        f"{base}/{point_id}/{s}"
        for s in ("modifier", "supprimer", "qr.svg", "qr.png", "affiche")
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/connexion" in response.location
    make_user(app, "autre@example.fr")
    login(client, "autre@example.fr")
    for url in urls:
        assert client.get(url).status_code == 403, url
    html = client.get("/").get_data(as_text=True)

    token = csrf_from(html)
    for url in (base, f"{base}/{point_id}/modifier", f"{base}/{point_id}/supprimer"):
        response = client.post(
            url, data={"csrf_token": token, "name": "Pirate", "kind": "autre"}
        )
        assert response.status_code == 403, url
    assert [p["name"] for p in points_of(db, survey)] == ["Marché"]


def test_qr_svg_is_well_formed_and_encodes_a_path(logged_in, db, survey):
    point_id = model.create_point(db, survey, "Marché", "marche")
    response = logged_in.get(f"/enquetes/{survey}/lieux/{point_id}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.tag == f"{SVG}svg" and root.get("viewBox")
    path = root.find(f"{SVG}path")
    assert path is not None and len(path.get("d")) > 500


def test_qr_png_is_large_enough_to_print(logged_in, db, survey):
    point_id = model.create_point(db, survey, "Marché", "marche")
    response = logged_in.get(f"/enquetes/{survey}/lieux/{point_id}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size[0] == image.size[1] >= 600


def test_qr_functions_depend_on_the_data():
    assert qr_svg("https://a.fr/s/abc") != qr_svg("https://a.fr/s/abd")
    assert not qr_svg("x").startswith("<?xml")
    small, large = qr_png("https://a.fr/s/abc", 4), qr_png("https://a.fr/s/abc")
    assert Image.open(io.BytesIO(small)).size < Image.open(io.BytesIO(large)).size


def test_public_base_url_overrides_the_host(app, logged_in, db, survey):
    app.config["PUBLIC_BASE_URL"] = "https://enquete.mairie.fr/"
    point_id = model.create_point(db, survey, "Marché", "marche", code="marche")
    page = logged_in.get(f"/enquetes/{survey}/lieux/{point_id}/affiche")
    assert "enquete.mairie.fr/s/marche" in page.get_data(as_text=True)
    assert "https://enquete.mairie.fr/s/marche" in logged_in.get(
        f"/enquetes/{survey}/lieux"
    ).get_data(as_text=True)


def test_poster_shows_the_typed_url_and_who_runs_it_escaped(
    app, logged_in, db, diagnostic, survey
):
    db.execute(
        "UPDATE diagnostics SET structure = ?, contact_email = ? WHERE id = ?",
        ["Mairie <b>de Test</b>", "cnfs@mairie.fr", diagnostic],
    )
    db.conn.commit()
    point_id = model.create_point(db, survey, "<script>x</script>", "marche")
    code = points_of(db, survey)[0]["code"]
    response = logged_in.get(f"/enquetes/{survey}/lieux/{point_id}/affiche")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'localhost<wbr><span class="nowrap">/s/{code}</span>' in html
    assert "Mairie &lt;b&gt;de Test&lt;/b&gt;" in html and "<b>de Test" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert "cnfs@mairie.fr" in html and "anonyme" in html.lower()
    assert "Votre avis compte" in html and "sur notre territoire" in html
    assert html.count("<svg") == 1 and 'role="img"' in html
    assert "style=" not in html
    with app.test_client().get("/static/poster.css") as css:
        assert "size: A4" in css.get_data(as_text=True)


def test_poster_names_the_territory(logged_in, db, diagnostic, survey):
    epci = db.execute(
        "SELECT epci_code FROM communes WHERE code = '38226'"  # Mens, Trièves
    ).fetchone()[0]
    members = db.execute(
        "SELECT code FROM communes WHERE epci_code = ?", [epci]
    ).fetchall()
    db["diagnostic_communes"].insert_all(
        [{"diagnostic_id": diagnostic, "commune_code": r[0]} for r in members]
    )
    point_id = model.create_point(db, survey, "Marché", "marche")
    html = logged_in.get(f"/enquetes/{survey}/lieux/{point_id}/affiche").get_data(
        as_text=True
    )
    assert "le numérique dans la Communauté de communes du Trièves" in html
    db.execute("DELETE FROM diagnostic_communes WHERE commune_code != '38226'")
    html = logged_in.get(f"/enquetes/{survey}/lieux/{point_id}/affiche").get_data(
        as_text=True
    )
    assert "le numérique à Mens" in html


def test_points_tab_is_registered(logged_in, db, survey):
    html = logged_in.get(f"/enquetes/{survey}/lieux").get_data(as_text=True)
    assert "Lieux de collecte et QR codes</a>" in html
    assert 'aria-current="page">Lieux de collecte et QR codes' in html


def test_two_points_cannot_share_a_name(logged_in, db, survey):
    assert add_point(logged_in, survey, name="Marché").status_code == 302
    # A double tap on "Ajouter" does not create the place twice.
    response = add_point(logged_in, survey, name=" marché ")
    assert response.status_code == 400
    assert "Un lieu de cette enquête porte déjà ce nom." in response.get_data(
        as_text=True
    )
    school = model.create_point(db, survey, "École", "ecole")
    url = f"/enquetes/{survey}/lieux/{school}/modifier"
    response = post_form(logged_in, url, {"name": "MARCHÉ", "kind": "ecole"})
    assert response.status_code == 400
    assert [p["name"] for p in points_of(db, survey)] == ["Marché", "École"]
    # Keeping its own name is fine.
    response = post_form(logged_in, url, {"name": "École", "kind": "mairie"})
    assert response.status_code == 302
    assert points_of(db, survey)[1]["kind"] == "mairie"


def test_localhost_addresses_are_flagged_before_printing(app, logged_in, db, survey):
    point_id = model.create_point(db, survey, "Marché", "marche")
    urls = [f"/enquetes/{survey}/lieux", f"/enquetes/{survey}/lieux/{point_id}/affiche"]
    for url in urls:
        assert "PUBLIC_BASE_URL" in logged_in.get(url).get_data(as_text=True)
    app.config["PUBLIC_BASE_URL"] = "https://enquete.mairie.fr"
    for url in urls:
        assert "PUBLIC_BASE_URL" not in logged_in.get(url).get_data(as_text=True)


def test_poster_and_start_page_give_the_same_duration(client, logged_in, db, survey):
    """Issue 8, A5: one survey, three time estimates ("3", "2", "5 minutes")."""
    from survey_app.surveys import duration

    db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey])
    db.conn.commit()
    point_id = model.create_point(db, survey, "Marché", "marche", code="marche")
    expected = duration.label(model.current_version(db, survey)["questions"])
    poster = logged_in.get(f"/enquetes/{survey}/lieux/{point_id}/affiche")
    start = logged_in.get("/s/marche")
    assert expected in poster.get_data(as_text=True)
    assert expected in start.get_data(as_text=True)


def test_builder_preset_gives_the_same_duration():
    from survey_app.surveys import bank, duration
    from survey_app.surveys.builder import forms

    short = duration.label(bank.preset("court"))
    assert f"Version courte ({short})" in forms.PRESET_CHOICES[0].label
