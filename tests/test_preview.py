"""The owner and team try a draft survey; nothing is stored (issue 8, D1)."""

import pytest
from helpers.web import login, make_user
from test_public import SCREENS, make_survey, page, send

from survey_app.db import write_transaction


@pytest.fixture
def draft(db, diagnostic):
    return make_survey(db, diagnostic, status="draft")


def walk(client, url):
    html = page(client.get(url))
    assert "Aperçu :" in html and "ne seront pas enregistrées" in html
    for answers in SCREENS[:-1]:
        if "COMMUNE" in answers:  # without JavaScript: search, then pick
            html = page(send(client, url, html, {"COMMUNE.q": "lyon"}))
        response = send(client, url, html, answers)
        assert response.status_code == 200, page(response)
        html = page(response)
        assert "Aperçu :" in html
    return send(client, url, html, SCREENS[-1])


def test_owner_tries_a_draft_and_nothing_is_stored(logged_in, db, draft):
    survey_id, code = draft
    assert logged_in.get(f"/s/{code}").status_code == 404  # residents: not yet
    url = f"/enquetes/{survey_id}/apercu"
    dashboard = page(logged_in.get(f"/enquetes/{survey_id}"))
    assert f'href="{url}"' in dashboard  # the "Aperçu" tab
    response = walk(logged_in, url)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/enquetes/{survey_id}/apercu/fin"
    done = page(logged_in.get(response.headers["Location"]))
    assert "n'ont pas été enregistrées" in done
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0


def test_preview_checks_answers_like_the_public_form(logged_in, draft):
    survey_id, _ = draft
    url = f"/enquetes/{survey_id}/apercu"
    html = page(logged_in.get(url))
    response = send(logged_in, url, html, {"AGE": "deux cents"})
    assert response.status_code == 200 and "Aperçu :" in page(response)
    assert 'aria-invalid="true"' in page(response)


def test_teammate_previews_an_open_survey_without_counting(app, client, db, draft):
    survey_id, _ = draft
    with write_transaction(db):
        db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey_id])
    make_user(app, "collegue@example.fr")
    with write_transaction(db):
        db.execute(
            "INSERT INTO diagnostic_members (diagnostic_id, user_id, role) "
            "SELECT diagnostic_id, (SELECT id FROM users WHERE email = ?), 'member' "
            "FROM surveys WHERE id = ?",
            ["collegue@example.fr", survey_id],
        )
    login(client, "collegue@example.fr")
    assert walk(client, f"/enquetes/{survey_id}/apercu").status_code == 303
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0


def test_only_the_team_previews(app, client, draft):
    survey_id, _ = draft
    url = f"/enquetes/{survey_id}/apercu"
    assert client.get(url).status_code == 302  # to the sign-in page
    make_user(app, "autre@example.fr")
    login(client, "autre@example.fr")
    assert client.get(url).status_code == 403
    assert client.get(url + "/fin").status_code == 403


def test_preview_shows_the_privacy_page_of_a_draft_and_comes_back(logged_in, draft):
    """Residents will have the link on every screen: the team sees it too."""
    survey_id, _ = draft
    url = f"/enquetes/{survey_id}/apercu"
    html = page(logged_in.get(url))
    assert "Vos données et vos droits" in html
    response = send(logged_in, url, html, {"AGE": "42"}, nav="privacy")
    assert response.status_code == 200
    privacy = page(response)
    assert "<h1>Vos données et vos droits</h1>" in privacy
    assert "Combien de temps ?" in privacy
    assert f'action="{url}"' in privacy  # back to the preview, not to /s/…
    back = page(send(logged_in, url, privacy, nav="back"))
    assert "Aperçu :" in back and 'value="42"' in back
