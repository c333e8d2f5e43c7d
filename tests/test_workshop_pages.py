"""HTML pages of live workshops (facilitation/views.py): forms and access."""

import re

import pytest
from helpers.web import login, make_user, post_form

NEW_FORM = {
    "title": "Atelier inclusion",
    "use_empathy": "y",
    "target": "Une personne âgée qui vit seule",
    "use_vision": "y",
    "years": "2030, 2035",
    "themes": "Accès\nCompétences",
    "use_brainstorm": "y",
    "categories": "Idées\nFreins",
    "use_dots": "y",
    "dots_source": "brainstorm",
    "budget": "3",
    "multiple_dots": "y",
    "max_card_length": "200",
    "show_names": "y",
}


def create(client, diagnostic: int, **changes) -> int:
    data = {k: v for k, v in {**NEW_FORM, **changes}.items() if v is not None}
    response = post_form(client, f"/diagnostics/{diagnostic}/ateliers/nouveau", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def staff_state(client, workshop_id: int) -> dict:
    return client.get(f"/ateliers/{workshop_id}/api/etat").get_json()


def test_create_workshop_with_activities_in_order(logged_in, diagnostic):
    workshop_id = create(logged_in, diagnostic)
    state = staff_state(logged_in, workshop_id)
    kinds = [a["kind"] for a in state["activities"]]
    assert kinds == ["empathy", "vision", "brainstorm", "dots"]
    empathy, vision, brainstorm, dots = state["activities"]
    assert empathy["config"]["target"] == "Une personne âgée qui vit seule"
    years = [vision["config"]["base_year"] + h for h in vision["config"]["horizons"]]
    assert years == [2030, 2035] and vision["title"] == "Vision 2030 / 2035"
    assert [t["label"] for t in vision["config"]["themes"]] == ["Accès", "Compétences"]
    assert [c["label"] for c in brainstorm["columns"]] == ["Idées", "Freins"]
    assert dots["config"]["source_activity_id"] == brainstorm["id"]
    assert dots["config"]["budget"] == 3 and dots["config"]["multiple_dots"]
    assert state["workshop"]["settings"]["max_card_length"] == 200
    assert state["workshop"]["current_activity_id"] == empathy["id"]


def test_dot_vote_on_an_unchosen_activity_changes_nothing(logged_in, diagnostic, db):
    response = post_form(
        logged_in,
        f"/diagnostics/{diagnostic}/ateliers/nouveau",
        {k: v for k, v in NEW_FORM.items() if k != "use_brainstorm"},
    )
    assert response.status_code == 200
    assert "vous n&#39;avez pas" in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM workshops").fetchone()[0] == 0


def test_bad_settings_are_refused_in_french(logged_in, diagnostic, db):
    response = post_form(
        logged_in,
        f"/diagnostics/{diagnostic}/ateliers/nouveau",
        {**NEW_FORM, "max_card_length": "5"},
    )
    assert "Entre 20 et 1000 caractères." in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM workshops").fetchone()[0] == 0


def test_diagnostic_page_lists_workshops(logged_in, diagnostic):
    create(logged_in, diagnostic, title="Atelier <b>du lundi</b>")
    page = logged_in.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    assert "Ateliers en direct" in page and "Nouvel atelier" in page
    assert "Atelier &lt;b&gt;du lundi&lt;/b&gt;" in page  # escaped


@pytest.mark.parametrize(
    "path",
    ["", "/ecran", "/reglages"],
)
def test_facilitator_pages_need_membership(app, client, logged_in, diagnostic, path):
    workshop_id = create(logged_in, diagnostic)
    assert logged_in.get(f"/ateliers/{workshop_id}{path}").status_code == 200
    stranger = app.test_client()
    assert stranger.get(f"/ateliers/{workshop_id}{path}").status_code == 302
    make_user(app, "autre@example.fr")
    login(stranger, "autre@example.fr")
    assert stranger.get(f"/ateliers/{workshop_id}{path}").status_code == 403
    assert stranger.get(f"/diagnostics/{diagnostic}/ateliers").status_code == 403
    assert stranger.get("/ateliers/9999").status_code == 404


def test_add_activity_and_settings(logged_in, diagnostic):
    workshop_id = create(logged_in, diagnostic)
    response = post_form(
        logged_in,
        f"/ateliers/{workshop_id}/activites",
        {"kind": "brainstorm", "title": "Freins", "categories": "Coût\nPeur"},
        page=f"/ateliers/{workshop_id}",
    )
    assert response.status_code == 302
    activities = staff_state(logged_in, workshop_id)["activities"]
    assert activities[-1]["title"] == "Freins"
    post_form(
        logged_in,
        f"/ateliers/{workshop_id}/activites",
        {"kind": "matrix", "items": "Permanences\n\nPrêt de tablettes"},
        page=f"/ateliers/{workshop_id}",
    )
    matrix = staff_state(logged_in, workshop_id)["activities"][-1]
    assert matrix["kind"] == "matrix"
    assert [i["label"] for i in matrix["items"]] == ["Permanences", "Prêt de tablettes"]
    response = post_form(
        logged_in,
        f"/ateliers/{workshop_id}/reglages",
        {"title": "Nouveau titre", "approval": "y", "max_card_length": "100"},
    )
    assert response.status_code == 302
    workshop = staff_state(logged_in, workshop_id)["workshop"]
    assert workshop["title"] == "Nouveau titre"
    assert workshop["settings"]["approval"] is True
    assert workshop["settings"]["show_names"] is False


def test_screen_shows_code_and_qr(logged_in, diagnostic):
    workshop_id = create(logged_in, diagnostic)
    code = staff_state(logged_in, workshop_id)["workshop"]["code"]
    page = logged_in.get(f"/ateliers/{workshop_id}/ecran").get_data(as_text=True)
    assert f"{code[:3].upper()} {code[3:].upper()}" in page
    assert "<svg" in page and "<path" in page


def test_screen_shows_the_public_address_not_localhost(app, logged_in, diagnostic):
    app.config["PUBLIC_BASE_URL"] = "https://atelier.mairie.fr"
    workshop_id = create(logged_in, diagnostic)
    code = staff_state(logged_in, workshop_id)["workshop"]["code"]
    page = logged_in.get(f"/ateliers/{workshop_id}/ecran").get_data(as_text=True)
    assert "https://atelier.mairie.fr/a<" in page.replace("</span>", "<")
    assert "localhost" not in page
    console = logged_in.get(f"/ateliers/{workshop_id}").get_data(as_text=True)
    assert f"https://atelier.mairie.fr/a/{code}" in console


def test_participant_joins_without_javascript(app, logged_in, diagnostic, db):
    workshop_id = create(logged_in, diagnostic)
    code = staff_state(logged_in, workshop_id)["workshop"]["code"]
    phone = app.test_client()
    assert (
        phone.get(f"/a?code={code.upper()[:3]} {code.upper()[3:]}")
        .headers["Location"]
        .endswith(f"/a/{code}")
    )
    page = phone.get(f"/a/{code}").get_data(as_text=True)
    assert "Rejoindre l'atelier" in page and "facultatif" in page
    response = post_form(phone, f"/a/{code}", {"display_name": "Léa"})
    assert response.status_code == 302
    page = phone.get(f"/a/{code}").get_data(as_text=True)
    assert "participant.js" in page and "Léa" in page
    row = db.execute("SELECT display_name FROM workshop_participants").fetchone()
    assert row["display_name"] == "Léa"
    # The cookie works for the JSON API too.
    assert phone.get(f"/a/{code}/etat").status_code == 200


def test_unknown_or_closed_code_gets_a_french_page(app, logged_in, diagnostic):
    phone = app.test_client()
    response = phone.get("/a?code=zzzzzz")
    assert response.status_code == 404
    assert "Aucun atelier ne correspond" in response.get_data(as_text=True)
    assert phone.get("/a/zzzzzz").status_code == 404
    workshop_id = create(logged_in, diagnostic)
    code = staff_state(logged_in, workshop_id)["workshop"]["code"]
    html = logged_in.get(f"/ateliers/{workshop_id}").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    logged_in.post(
        f"/ateliers/{workshop_id}/api/atelier",
        json={"status": "closed"},
        headers={"X-CSRFToken": token},
    )
    response = phone.get(f"/a/{code}")
    assert response.status_code == 410
    assert "terminé" in response.get_data(as_text=True)


def test_pages_have_no_inline_script_or_style(app, logged_in, diagnostic):
    workshop_id = create(logged_in, diagnostic)
    code = staff_state(logged_in, workshop_id)["workshop"]["code"]
    phone = app.test_client()
    post_form(phone, f"/a/{code}", {"display_name": ""})
    pages = [
        logged_in.get(f"/ateliers/{workshop_id}"),
        logged_in.get(f"/ateliers/{workshop_id}/ecran"),
        logged_in.get(f"/diagnostics/{diagnostic}/ateliers/nouveau"),
        phone.get(f"/a/{code}"),
        phone.get("/a"),
    ]
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "style=" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
        assert re.search(r"\son[a-z]+=", html) is None


def test_vision_years_are_typed_and_the_same_everywhere(logged_in, diagnostic):
    """C3: the years typed are those of the title, the columns, the summary."""
    page = logged_in.get(f"/diagnostics/{diagnostic}/ateliers/nouveau")
    assert "Années visées par la vision" in page.get_data(as_text=True)
    workshop_id = create(logged_in, diagnostic, years="2032, 2040")
    vision = staff_state(logged_in, workshop_id)["activities"][1]
    assert vision["title"] == vision["template_label"] == "Vision 2032 / 2040"
    assert vision["columns"][0]["label"] == "Accès en 2032"
    markdown = logged_in.get(f"/ateliers/{workshop_id}/synthese.md")
    text = markdown.get_data(as_text=True)
    assert "## Vision 2032 / 2040 (Vision 2032 / 2040)" in text
    assert "### Compétences en 2040" in text
    assert "2030" not in text and "2035" not in text


@pytest.mark.parametrize("years", ["2020", "2031, 2099", "", "un jour"])
def test_vision_years_out_of_range_are_refused_in_french(logged_in, diagnostic, years):
    response = post_form(
        logged_in,
        f"/diagnostics/{diagnostic}/ateliers/nouveau",
        {**NEW_FORM, "years": years},
    )
    assert response.status_code == 200
    assert "Indiquez 1 à 4 années visées" in response.get_data(as_text=True)
