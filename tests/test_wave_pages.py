"""Survey waves in the browser's pages: "Relancer l'enquête", the "Vagues"
comparison page, step 8 and the document (issue 12 §3)."""

from helpers.waves import QUESTIONS, two_waves
from helpers.web import csrf_from, login, make_user, post_form

from diagnostic.document import Selection, build_document
from survey_app.surveys.model import create_point, create_survey


def closed_survey(db, diagnostic):
    survey = create_survey(db, diagnostic, "Enquête habitants", QUESTIONS)
    create_point(db, survey, "Marché", "marche")
    db.execute("UPDATE surveys SET status = 'closed' WHERE id = ?", [survey])
    db.conn.commit()
    return survey


def count(db, sql, args=()):
    return db.execute(sql, args).fetchone()[0]


def test_relaunch_page_creates_one_wave_with_csrf(logged_in, db, diagnostic):
    survey = closed_survey(db, diagnostic)
    code = count(db, "SELECT code FROM collection_points WHERE survey_id = ?", [survey])
    url = f"/enquetes/{survey}/relancer"
    page = logged_in.get(url)
    assert page.status_code == 200 and "vague 2" in page.get_data(as_text=True)
    # Without the CSRF token: refused, nothing created.
    assert logged_in.post(url, data={"codes": "memes"}).status_code == 400
    assert count(db, "SELECT count(*) FROM surveys") == 1
    token = csrf_from(page.get_data(as_text=True))
    data = {"csrf_token": token, "codes": "memes", "opens_on": "2026-06-01",
            "closes_on": "2026-06-30"}  # fmt: skip
    first = logged_in.post(url, data=data)
    again = logged_in.post(url, data=data)  # double tap
    assert first.status_code == again.status_code == 302
    assert count(db, "SELECT count(*) FROM surveys") == 2
    wave = dict(db.execute("SELECT * FROM surveys WHERE id != ?", [survey]).fetchone())
    assert first.headers["Location"].endswith(f"/enquetes/{wave['id']}/questions")
    assert (wave["opens_on"], wave["closes_on"]) == ("2026-06-01", "2026-06-30")
    # The printed QR code leads to the open wave.
    public = logged_in.get(f"/s/{code}")
    assert public.status_code == 200
    assert (
        count(db, "SELECT survey_id FROM collection_points WHERE code = ?", [code])
        == wave["id"]
    )


def test_relaunch_refusals_change_nothing(app, client, db, user, diagnostic):
    """Another conseiller: 403; an open survey: 409; bad input: 400."""
    survey = closed_survey(db, diagnostic)
    url = f"/enquetes/{survey}/relancer"
    make_user(app, "autre@example.fr")
    login(client, "autre@example.fr")
    assert client.get(url).status_code == 403
    assert client.post(url, data={"codes": "memes"}).status_code in (400, 403)
    assert count(db, "SELECT count(*) FROM surveys") == 1
    other = app.test_client()  # the diagnostic's own conseillère
    login(other)
    db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey])
    db.conn.commit()
    response = post_form(other, url, {"codes": "memes"})
    assert response.status_code == 409
    assert "Seule une enquête close" in response.get_data(as_text=True)
    db.execute("UPDATE surveys SET status = 'closed' WHERE id = ?", [survey])
    db.conn.commit()
    response = post_form(other, url, {"codes": "tous", "opens_on": "2026-06-30",
                                      "closes_on": "2026-06-01"})  # fmt: skip
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "La fin doit venir après le début." in text
    assert "Choisissez de garder les codes" in text
    assert count(db, "SELECT count(*) FROM surveys") == 1


def test_waves_page_states_its_basis_and_verdicts(logged_in, db, diagnostic):
    waves = two_waves(db, diagnostic)
    page = logged_in.get(f"/enquetes/{waves['second']}/vagues")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Vague 2 comparée à la vague 1" in text
    assert "redressés" in text and "taille effective 48" in text
    assert "baisse significative" in text
    assert "petit effectif masqué" in text
    raw = logged_in.get(f"/enquetes/{waves['second']}/vagues?base=brut")
    assert "résultats <strong>bruts</strong>" in raw.get_data(as_text=True)
    assert "−30,0" in raw.get_data(as_text=True)
    # Linked from the results page of the wave.
    results = logged_in.get(f"/enquetes/{waves['second']}/resultats")
    assert f"/enquetes/{waves['second']}/vagues" in results.get_data(as_text=True)


def test_steps_page_and_document(logged_in, db, diagnostic):
    waves = two_waves(db, diagnostic)
    db.execute(
        "UPDATE surveys SET status = 'closed', closed_at = '2026-01-10T09:00:00Z' "
        "WHERE id = ?",
        [waves["second"]],
    )
    db.conn.commit()
    steps = logged_in.get(f"/diagnostics/{diagnostic}/etapes").get_data(as_text=True)
    assert "prochaine mesure : 10 juillet 2026" in steps
    assert f"/enquetes/{waves['second']}/vagues" in steps
    document = build_document(db, diagnostic, Selection(sections=["evaluation"]))
    tables = [b for b in document.blocks if getattr(b, "source", ())[:1] == ("waves",)]
    assert len(tables) == 1
    [table] = tables
    assert "taille d'échantillon effective" in table.basis
    assert any(r[1] == "Aucun" and r[-1] == "baisse significative" for r in table.rows)
    # No hidden count in the document: EQ_BOX's cells of wave 1 are small,
    # its rows are only counted in the note.
    assert not [r for r in table.rows if r[0] == "Avez-vous Internet à la maison ?"]
    assert "2 non comparées (petits effectifs masqués" in table.notes[-1]
