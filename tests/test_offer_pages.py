"""The offer pages: actors, resources, needs against offer, inspirations."""

from helpers.analysis_surveys import make_survey
from helpers.offer import place_row
from helpers.web import post_form

from offer.places import save_places
from survey_app.surveys.bank import bank_question


def offer_url(diagnostic: int, tail: str = "") -> str:
    return f"/diagnostics/{diagnostic}/offre{tail}"


def test_actor_and_resource_escaped_and_counted_in_step_4(logged_in, db, diagnostic):
    page = offer_url(diagnostic)
    post_form(logged_in, offer_url(diagnostic, "/acteurs"),
              {"name": "CCAS <i>Test</i>", "kind": "ccas", "role": "Accueil",
               "contact": "1 place de la Mairie"}, page=page)  # fmt: skip
    actor = db.execute("SELECT id FROM offer_actors").fetchone()[0]
    post_form(logged_in, offer_url(diagnostic, f"/acteurs/{actor}/ressources"),
              {"kind": "human", "description": "Agent d'accueil", "quantity": "2"},
              page=page)  # fmt: skip
    html = logged_in.get(page).get_data(as_text=True)
    assert "CCAS &lt;i&gt;Test&lt;/i&gt;" in html and "Agent d&#39;accueil" in html
    steps = logged_in.get(f"/diagnostics/{diagnostic}/etapes").get_data(as_text=True)
    assert "1 acteur" in steps and "1 ressource" in steps
    resource = db.execute("SELECT id FROM offer_resources").fetchone()[0]
    post_form(logged_in, offer_url(diagnostic, f"/ressources/{resource}/supprimer"),
              {}, page=page)  # fmt: skip
    assert db.execute("SELECT count(*) FROM offer_resources").fetchone()[0] == 0


def test_bad_actor_changes_nothing(logged_in, db, diagnostic):
    post_form(logged_in, offer_url(diagnostic, "/acteurs"),
              {"name": "X", "kind": "pirate"}, page=offer_url(diagnostic))  # fmt: skip
    assert db.execute("SELECT count(*) FROM offer_actors").fetchone()[0] == 0


def test_inspiration_saved_and_javascript_link_not_clickable(logged_in, db, diagnostic):
    page = offer_url(diagnostic, "/inspirations")
    post_form(logged_in, page + "/nouvelle", {
        "title": "Bus numérique", "territory": "Creuse", "link": "javascript:alert(1)",
        "borrow": "Tournée hebdomadaire", "vigilance": "Coût du véhicule",
        "contact_role": "Chargée de mission", "tags": "mobilité, seniors",
    }, page=page)  # fmt: skip
    html = logged_in.get(page).get_data(as_text=True)
    assert "Bus numérique" in html and "mobilité, seniors" in html
    assert 'href="javascript' not in html
    steps = logged_in.get(f"/diagnostics/{diagnostic}/etapes").get_data(as_text=True)
    assert "1 initiative notée(s)" in steps


def test_needs_page_lists_uncovered_need_with_nearest_place(logged_in, db, diagnostic):
    db["diagnostic_communes"].insert_all(
        [{"diagnostic_id": diagnostic, "commune_code": c} for c in ("69123", "69266")]
    )
    save_places(db, diagnostic, [place_row(1, "69123", "Lyon", "69001")])
    questions = [bank_question("BE_SUJETS"), bank_question("PR_COMMUNE")]
    for q in questions:
        q.pop("show_if", None)
    answers = [{"BE_SUJETS": ["parentalite"], "PR_COMMUNE": "69266"}] * 6
    answers += [{"BE_SUJETS": ["demarches"], "PR_COMMUNE": "69123"}] * 6
    answers += [{"BE_SUJETS": ["materiel"], "PR_COMMUNE": "69123"}] * 6
    make_survey(db, diagnostic, answers, questions=questions)
    html = logged_in.get(offer_url(diagnostic, "/besoins")).get_data(as_text=True)
    assert "18 réponse(s) au questionnaire, 1 lieu(x)" in html
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    assert "Les écrans et l&#39;école des enfants" in table
    assert "Villeurbanne" in table and "aucun" in table
    assert "Les démarches administratives" not in table  # the place offers it
    assert "<svg" in html


def test_mapping_is_adjustable(logged_in, db, diagnostic):
    page = offer_url(diagnostic, "/besoins")
    post_form(logged_in, offer_url(diagnostic, "/besoins/correspondances"),
              {"BE_SUJETS:sante": ["services=Aide aux démarches administratives",
                                   "frais_a_charge=Gratuit", "nope=hack"]},
              page=page)  # fmt: skip
    row = db.execute(
        "SELECT services FROM offer_need_services WHERE need = 'BE_SUJETS:sante'"
    ).fetchone()
    assert row[0] == '["services=Aide aux démarches administratives", ' \
        '"frais_a_charge=Gratuit"]'  # fmt: skip


def test_other_conseiller_cannot_change_the_offer(app, client, db, diagnostic):
    from helpers.web import csrf_from, login, make_user

    from offer import actors

    actor = actors.add_actor(db, diagnostic, {"name": "CCAS", "kind": "ccas",
                                              "role": "", "contact": ""})  # fmt: skip
    actors.add_inspiration(
        db, diagnostic, {f: "Bus" for f in actors.INSPIRATION_FIELDS}
    )
    inspiration = db.execute("SELECT id FROM offer_inspirations").fetchone()[0]
    make_user(app, "autre@example.fr", "Autre")
    login(client, "autre@example.fr")
    token = csrf_from(client.get("/").get_data(as_text=True))
    attempts = [
        ("/acteurs", {"name": "Intrus", "kind": "ccas"}),
        (f"/acteurs/{actor}/supprimer", {}),
        (f"/acteurs/{actor}/modifier", {"name": "Intrus", "kind": "ccas"}),
        (f"/inspirations/{inspiration}/modifier", {"title": "Intrus"}),
        (f"/inspirations/{inspiration}/supprimer", {}),
        ("/inspirations/nouvelle", {"title": "Intrus"}),
        ("/besoins/correspondances", {"BE_SUJETS:sante": "*"}),
    ]
    for tail, data in attempts:
        response = client.post(
            offer_url(diagnostic, tail), data={"csrf_token": token, **data}
        )
        assert response.status_code == 403, tail
    assert db.execute("SELECT count(*) FROM offer_actors").fetchone()[0] == 1
    assert [tuple(r) for r in db.execute("SELECT title FROM offer_inspirations")] == [
        ("Bus",)
    ]
    assert [tuple(r) for r in db.execute("SELECT name FROM offer_actors")] == [
        ("CCAS",)
    ]
    assert db.execute("SELECT count(*) FROM offer_need_services").fetchone()[0] == 0
    for tail in (
        f"/acteurs/{actor}/modifier",
        f"/inspirations/{inspiration}/supprimer",
    ):
        assert client.get(offer_url(diagnostic, tail)).status_code == 403


def _actor(db, diagnostic, name="CCAS <i>de Mens</i>"):
    from offer import actors

    values = {"name": name, "kind": "ccas", "role": "Accueil", "contact": "Mairie"}
    return actors.add_actor(db, diagnostic, values)


def test_actor_edited_and_deleted_after_confirmation(logged_in, db, diagnostic):
    actor = _actor(db, diagnostic)
    db["offer_resources"].insert({"actor_id": actor, "kind": "human",
                                  "description": "Agent", "quantity": "1",
                                  "created_at": "2026-01-01T00:00:00Z"})  # fmt: skip
    form = offer_url(diagnostic, f"/acteurs/{actor}/modifier")
    html = logged_in.get(form).get_data(as_text=True)
    assert 'value="CCAS &lt;i&gt;de Mens&lt;/i&gt;"' in html
    values = {"name": "CCAS de Mens", "kind": "france_services", "role": "Aide",
              "contact": "1 place du Breuil"}  # fmt: skip
    for _ in range(2):  # a double tap: the same state
        assert post_form(logged_in, form, values, page=form).status_code == 302
    row = db.execute("SELECT name, kind, role, contact FROM offer_actors").fetchone()
    assert tuple(row) == tuple(values.values())
    for bad in ({**values, "name": " "}, {**values, "kind": "pirate"}):
        answer = post_form(logged_in, form, bad, page=form)
        assert answer.status_code == 400
        assert "rien n&#39;a été changé" in answer.get_data(as_text=True)
    row = db.execute("SELECT name, kind, role, contact FROM offer_actors").fetchone()
    assert tuple(row) == tuple(values.values())
    # Without the CSRF token nothing changes.
    assert logged_in.post(form, data={**values, "name": "X"}).status_code == 400
    assert db.execute("SELECT name FROM offer_actors").fetchone()[0] == "CCAS de Mens"
    delete = offer_url(diagnostic, f"/acteurs/{actor}/supprimer")
    page = logged_in.get(delete).get_data(as_text=True)
    assert (
        "Supprimer l&#39;acteur « CCAS de Mens »" in page and "1 ressource(s)" in page
    )
    assert db.execute("SELECT count(*) FROM offer_actors").fetchone()[0] == 1
    for _ in range(2):
        assert post_form(logged_in, delete, {}, page=delete).status_code == 302
    assert db.execute("SELECT count(*) FROM offer_actors").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM offer_resources").fetchone()[0] == 0
    assert logged_in.get(delete).status_code == 404
    assert logged_in.get(form).status_code == 404


def test_inspiration_edited_and_deleted_after_confirmation(logged_in, db, diagnostic):
    from offer import actors

    actors.add_inspiration(db, diagnostic, {f: "" for f in actors.INSPIRATION_FIELDS}
                           | {"title": "Bus <b>numérique</b>"})  # fmt: skip
    ident = db.execute("SELECT id FROM offer_inspirations").fetchone()[0]
    form = offer_url(diagnostic, f"/inspirations/{ident}/modifier")
    assert "Bus &lt;b&gt;numérique&lt;/b&gt;" in logged_in.get(form).get_data(
        as_text=True
    )
    values = {"title": "Bus numérique", "territory": "Creuse", "link": "",
              "borrow": "Tournée", "vigilance": "Coût", "contact_role": "Chargée",
              "tags": "mobilité"}  # fmt: skip
    for _ in range(2):
        assert post_form(logged_in, form, values, page=form).status_code == 302
    answer = post_form(logged_in, form, {**values, "title": "", "territory": "X"},
                       page=form)  # fmt: skip
    assert answer.status_code == 400
    row = db.execute(
        "SELECT title, territory, borrow FROM offer_inspirations"
    ).fetchone()
    assert tuple(row) == ("Bus numérique", "Creuse", "Tournée")
    delete = offer_url(diagnostic, f"/inspirations/{ident}/supprimer")
    assert "Oui, supprimer" in logged_in.get(delete).get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM offer_inspirations").fetchone()[0] == 1
    for _ in range(2):
        assert post_form(logged_in, delete, {}, page=delete).status_code == 302
    assert db.execute("SELECT count(*) FROM offer_inspirations").fetchone()[0] == 0
