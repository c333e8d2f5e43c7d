"""The guided path pages (issue 10 §1): steps, framing, interviews, notes."""

import pytest
from helpers.web import csrf_from, login, make_user, post_form

from diagnostic.steps import derive_steps


def steps_url(diagnostic: int) -> str:
    return f"/diagnostics/{diagnostic}/etapes"


def test_steps_page_lists_the_nine_steps_with_state(logged_in, diagnostic):
    html = logged_in.get(steps_url(diagnostic)).get_data(as_text=True)
    for number in range(9):
        assert f'id="etape-{number}"' in html
    assert "Prochaine action" in html
    assert "Choisissez les communes du territoire." in html


def test_diagnostic_page_shows_the_steps_section(logged_in, diagnostic):
    html = logged_in.get(f"/diagnostics/{diagnostic}").get_data(as_text=True)
    assert "Les étapes du diagnostic" in html
    assert steps_url(diagnostic) in html


def test_mark_done_and_notes_rendered_safely(logged_in, diagnostic, db):
    url = f"/diagnostics/{diagnostic}/etapes/4"
    response = post_form(
        logged_in,
        url,
        {
            "mark": "done",
            "notes": "**Rencontre** avec le CCAS <script>alert(1)</script>",
        },
        page=steps_url(diagnostic),
    )
    assert response.status_code == 302
    row = db.execute(
        "SELECT mark, notes FROM diagnostic_steps WHERE diagnostic_id = ? AND step = 4",
        [diagnostic],
    ).fetchone()
    assert row["mark"] == "done"
    html = logged_in.get(steps_url(diagnostic)).get_data(as_text=True)
    assert "<strong>Rencontre</strong>" in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_mark_changes_nothing(logged_in, diagnostic, db):
    post_form(logged_in, f"/diagnostics/{diagnostic}/etapes/2",
              {"mark": "hack", "notes": "x"}, page=steps_url(diagnostic))  # fmt: skip
    assert db.execute("SELECT count(*) FROM diagnostic_steps").fetchone()[0] == 0


def test_post_without_csrf_is_refused(logged_in, diagnostic, db):
    response = logged_in.post(f"/diagnostics/{diagnostic}/etapes/2", data={"mark": ""})
    assert response.status_code == 400
    assert db.execute("SELECT count(*) FROM diagnostic_steps").fetchone()[0] == 0


def test_other_conseiller_is_refused(app, client, diagnostic, db):
    make_user(app, "autre@example.fr", "Autre")
    login(client, "autre@example.fr")
    assert client.get(steps_url(diagnostic)).status_code == 403
    assert client.get(f"/diagnostics/{diagnostic}/portrait").status_code == 403
    assert client.get(f"/diagnostics/{diagnostic}/entretiens").status_code == 403
    token = csrf_from(client.get("/").get_data(as_text=True))
    response = client.post(
        f"/diagnostics/{diagnostic}/cadrage",
        data={"csrf_token": token, "definition": "intrusion"},
    )
    assert response.status_code == 403
    assert db.execute("SELECT count(*) FROM diagnostic_framing").fetchone()[0] == 0


def test_framing_fields_are_saved_and_counted(logged_in, diagnostic, db):
    fields = {
        "definition": "Permettre à chacun d'accéder à ses droits en ligne.",
        "stakes": "Fermeture des guichets",
        "expectations": "Un plan pour 2027",
        "orientations": "Aller vers les hameaux",
    }
    post_form(logged_in, f"/diagnostics/{diagnostic}/cadrage", fields,
              page=steps_url(diagnostic))  # fmt: skip
    html = logged_in.get(steps_url(diagnostic)).get_data(as_text=True)
    assert "Aller vers les hameaux" in html
    assert "4 champ(s) sur 4 du cadrage remplis" in html


def test_interview_added_without_a_name_and_listed(logged_in, diagnostic, db):
    url = f"/diagnostics/{diagnostic}/entretiens/nouveau"
    response = post_form(
        logged_in,
        url,
        {
            "held_on": "2026-11-12",
            "structure": "CCAS de Mens",
            "role": "Directrice",
            "key_points": "Beaucoup de demandes <b>ANTS</b>",
            "quotes": "On fait les démarches à leur place.\n",
            "themes": ["demarches", "publics", "inconnu"],
        },
        page=f"/diagnostics/{diagnostic}/entretiens",
    )
    assert response.status_code == 302
    html = logged_in.get(f"/diagnostics/{diagnostic}/entretiens").get_data(as_text=True)
    assert "CCAS de Mens" in html and "12 novembre 2026" in html
    assert "&lt;b&gt;ANTS&lt;/b&gt;" in html
    assert "Démarches administratives" in html
    row = db.execute("SELECT themes FROM diagnostic_interviews").fetchone()
    assert row["themes"] == '["demarches", "publics"]'
    steps = logged_in.get(steps_url(diagnostic)).get_data(as_text=True)
    assert "1 entretien avec des acteurs" in steps


def test_interview_without_date_is_refused_in_french(logged_in, diagnostic, db):
    response = post_form(
        logged_in,
        f"/diagnostics/{diagnostic}/entretiens/nouveau",
        {"held_on": "", "structure": "Mairie"},
        page=f"/diagnostics/{diagnostic}/entretiens",
    )
    assert response.status_code == 400
    assert "Indiquez la date de l&#39;entretien." in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM diagnostic_interviews").fetchone()[0] == 0


def test_observation_and_guide(logged_in, diagnostic, db):
    page = f"/diagnostics/{diagnostic}/entretiens"
    html = logged_in.get(page).get_data(as_text=True)
    assert "Quelles démarches bloquent" in html  # the default guide
    post_form(logged_in, f"{page}/guide", {"questions": "Question A\n\nQuestion B"},
              page=page)  # fmt: skip
    observation = {
        "observed_on": "2026-11-14",
        "place": "Marché de Mens",
        "notes": "File d'attente au point France Services.",
    }
    post_form(logged_in, f"/diagnostics/{diagnostic}/observations", observation,
              page=page)  # fmt: skip
    html = logged_in.get(page).get_data(as_text=True)
    assert "<li>Question A</li><li>Question B</li>" in html
    assert "<p>File d'attente au point France Services.</p>" in html


def test_step_three_state_follows_answers_and_interviews():
    facts = {
        "has_period": True, "has_structure": True, "members": 1, "communes": 2,
        "framing_fields": 4, "figures_communes": 2, "population_communes": 2,
        "references": 1, "interviews": 0, "observations": 0, "workshops": 1,
        "workshops_held": 0,
        "surveys": [{"id": 1, "title": "Habitants", "answers": 0}],
    }  # fmt: skip
    steps = derive_steps(facts, {})
    assert steps[3]["state"] == "todo"
    assert "Diffusez" in steps[3]["next"]
    facts["surveys"][0]["answers"] = 120
    facts["interviews"] = 2
    facts["observations"] = 1
    steps = derive_steps(facts, {})
    assert "« Habitants » : 120 réponses" in steps[3]["facts"]
    assert steps[3]["state"] == "ready"
    assert steps[6]["state"] == "todo"
    steps = derive_steps(facts, {6: {"mark": "not_applicable", "notes": ""}})
    assert steps[6]["state_label"] == "Sans objet"


@pytest.mark.demo  # the database starts as a copy of the demo's (conftest.py)
def test_demo_fills_the_guided_path(db, client):
    """§4: the demo shows framing, interviews, observations and a portrait
    whose ages re-weight the demo survey."""
    from analysis.frames import load_survey
    from diagnostic.margins import reweighted
    from survey_app.demo import DEMO_EMAIL, DEMO_PASSWORD

    diagnostic = db.execute("SELECT id FROM diagnostics").fetchone()[0]
    counts = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("diagnostic_interviews", "diagnostic_observations",
                      "diagnostic_framing", "portrait_references")
    }  # fmt: skip
    assert counts == {"diagnostic_interviews": 2, "diagnostic_observations": 3,
                      "diagnostic_framing": 1, "portrait_references": 2}  # fmt: skip
    communes = db.execute(
        "SELECT count(*) FROM diagnostic_communes WHERE diagnostic_id = ?",
        [diagnostic],
    ).fetchone()[0]
    with_ages = db.execute(
        "SELECT count(DISTINCT commune_code) FROM portrait_population"
    ).fetchone()[0]
    assert communes > 20 and with_ages == communes
    survey = db.execute("SELECT id FROM surveys").fetchone()[0]
    _frames, weighting = reweighted(db, load_survey(db, survey))
    assert weighting.applied, weighting.error
    client.post("/connexion", data={})  # warm up the session cookie
    from helpers.web import post_form

    post_form(client, "/connexion", {"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
    html = client.get(f"/diagnostics/{diagnostic}/portrait").get_data(as_text=True)
    assert "Démonstration : chiffres fictifs" in html and "<svg" in html
    html = client.get(f"/diagnostics/{diagnostic}/entretiens").get_data(as_text=True)
    assert "CCAS de Mens" in html and "Familles rurales" in html
    assert "Mots les plus employés" in html and "<svg" in html
    steps = client.get(f"/diagnostics/{diagnostic}/etapes").get_data(as_text=True)
    assert "4 champ(s) sur 4 du cadrage remplis" in steps


def test_interview_edit_and_delete_stay_in_the_diagnostic(logged_in, diagnostic, db):
    from diagnostic.interviews import save_interview

    interview = save_interview(
        db, diagnostic, {"held_on": "2026-11-02", "structure": "Mairie de Clelles"}
    )
    page = f"/diagnostics/{diagnostic}/entretiens/{interview}"
    assert "Mairie de Clelles" in logged_in.get(page).get_data(as_text=True)
    post_form(logged_in, page, {"held_on": "2026-11-03", "structure": "Mairie",
                                "role": "Secrétaire de mairie"})  # fmt: skip
    row = db.execute("SELECT held_on, role FROM diagnostic_interviews").fetchone()
    assert tuple(row) == ("2026-11-03", "Secrétaire de mairie")
    assert logged_in.get(f"/diagnostics/{diagnostic}/entretiens/999").status_code == 404
    post_form(logged_in, f"{page}/supprimer", {}, page=page)
    assert db.execute("SELECT count(*) FROM diagnostic_interviews").fetchone()[0] == 0
