"""Kiosk mode: a tablet handed from resident to resident at one point."""

import json
import re

import pytest
from helpers.offline_entry import make_survey, responses
from helpers.web import PASSWORD, csrf_from, login, post_form

from survey_app.field import device


@pytest.fixture
def survey(app, diagnostic):
    survey_id, point_id, other = make_survey(app, diagnostic)
    return {"id": survey_id, "point": point_id, "other": other}


def kiosk_url(survey, point=None):
    return f"/enquetes/{survey['id']}/kiosque/{point or survey['point']}"


def open_kiosk(client, survey):
    response = post_form(
        client,
        kiosk_url(survey) + "/ouvrir",
        {},
        page=f"/enquetes/{survey['id']}/sur-place",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == kiosk_url(survey)
    return client.get(kiosk_url(survey))


def page_data(html: str) -> dict:
    match = re.search(
        r'<script type="application/json" id="kiosk-data">(.*?)</script>', html, re.S
    )
    return json.loads(match.group(1))


def test_tab_lists_points_with_kiosk_and_paper_links(logged_in, survey):
    html = logged_in.get(f"/enquetes/{survey['id']}/sur-place").get_data(True)
    assert "Saisie sur place" in html
    assert "Marché du samedi" in html and "École Jules Ferry" in html
    assert html.count("Ouvrir en mode kiosque") == 2
    assert f"/enquetes/{survey['id']}/saisie?point={survey['point']}" in html
    # The tab is on the survey's other pages too.
    dashboard = logged_in.get(f"/enquetes/{survey['id']}").get_data(True)
    assert f'href="/enquetes/{survey["id"]}/sur-place"' in dashboard


def test_entering_kiosk_signs_the_conseiller_out_on_this_device(app, logged_in, survey):
    page = open_kiosk(logged_in, survey)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "0 réponse aujourd'hui" in html
    # No admin page without signing in again.
    for url in (f"/enquetes/{survey['id']}", "/", f"/enquetes/{survey['id']}/saisie"):
        response = logged_in.get(url)
        assert response.status_code == 302, url
        assert "/connexion" in response.headers["Location"]
    # The other point's kiosk is not open on this device either.
    other = logged_in.get(kiosk_url(survey, survey["other"]))
    assert "/connexion" in other.headers["Location"]
    # The page carries the questions and a token bound to this survey.
    data = page_data(html)
    assert [q["key"] for q in data["questions"]] == ["AGE", "MOBILE", "AIDE", "COMMUNE"]
    with app.test_request_context():
        token = device.read(data["token"])
    assert (token["s"], token["p"], token["m"]) == (
        survey["id"],
        survey["point"],
        "kiosk",
    )
    assert data["sync_url"].endswith("/envoi")
    assert "</script>" not in html.split('id="kiosk-data">')[1].split("</script>")[0]


def test_kiosk_page_needs_a_member_to_open_it(app, client, survey):
    response = client.get(kiosk_url(survey))
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
    # Opening by POST without being signed in does nothing.
    response = client.post(kiosk_url(survey) + "/ouvrir")
    assert response.status_code in (302, 400)


def test_signed_in_member_is_asked_to_confirm(logged_in, survey):
    html = logged_in.get(kiosk_url(survey)).get_data(as_text=True)
    assert "Ouvrir le mode kiosque" in html and "déconnecté" in html
    assert logged_in.get(f"/enquetes/{survey['id']}/kiosque/999").status_code == 404


def test_draft_survey_cannot_be_opened_in_kiosk_mode(app, logged_in, diagnostic):
    survey_id, point, _ = make_survey(app, diagnostic, status="draft")
    response = post_form(
        logged_in,
        f"/enquetes/{survey_id}/kiosque/{point}/ouvrir",
        {},
        page=f"/enquetes/{survey_id}/sur-place",
        follow_redirects=True,
    )
    assert "avant de lancer le mode kiosque" in response.get_data(as_text=True)
    assert logged_in.get(f"/enquetes/{survey_id}").status_code == 200  # still in


def test_kiosk_without_javascript_resets_for_the_next_person(app, logged_in, survey):
    open_kiosk(logged_in, survey)
    url = kiosk_url(survey) + "/questions"
    for age in ("70", "25"):
        html = logged_in.get(url).get_data(as_text=True)
        key = re.search(r'name="_k" value="([^"]+)"', html).group(1)
        version = re.search(r'name="_v" value="([^"]+)"', html).group(1)
        fields = {"csrf_token": csrf_from(html), "_k": key, "_v": version,
                  "_step": "0", "AGE": age, "_nav": "next"}  # fmt: skip
        logged_in.post(url, data=fields)
        logged_in.post(url, data={**fields, "_step": "1", "MOBILE": "smartphone"})
        last = {**fields, "_step": "3", "MOBILE": "smartphone"}  # commune
        done = logged_in.post(url, data=last)
        assert done.status_code == 303
        assert done.headers["Location"] == kiosk_url(survey) + "?merci=1"
        again = logged_in.post(url, data=last)  # double tap
        assert again.status_code == 303
    html = logged_in.get(kiosk_url(survey) + "?merci=1").get_data(as_text=True)
    assert "2 réponses aujourd'hui" in html
    assert "au tour de la personne suivante" in html.lower()
    stored = responses(app, survey["id"])
    assert [r["answers"]["AGE"] for r in stored] == [70, 25]
    assert {(r["mode"], r["point_id"]) for r in stored} == {("kiosk", survey["point"])}


def test_leaving_kiosk_needs_the_password_and_signs_back_in(app, logged_in, survey):
    open_kiosk(logged_in, survey)
    leave = kiosk_url(survey) + "/quitter"
    wrong = post_form(logged_in, leave, {"password": "pas le bon"})
    assert wrong.status_code == 401
    assert "Mot de passe incorrect" in wrong.get_data(as_text=True)
    assert logged_in.get(f"/enquetes/{survey['id']}").status_code == 302
    right = post_form(logged_in, leave, {"password": PASSWORD})
    assert right.status_code == 302
    assert right.headers["Location"] == f"/enquetes/{survey['id']}/sur-place"
    assert logged_in.get(f"/enquetes/{survey['id']}").status_code == 200
    # Out of kiosk mode, the kiosk page asks to confirm again.
    assert "Ouvrir le mode kiosque" in logged_in.get(kiosk_url(survey)).get_data(True)


def test_repeated_wrong_passwords_are_throttled(app, logged_in, survey):
    open_kiosk(logged_in, survey)
    leave = kiosk_url(survey) + "/quitter"
    for _ in range(5):
        post_form(logged_in, leave, {"password": "pas le bon"})
    blocked = post_form(logged_in, leave, {"password": PASSWORD})
    assert blocked.status_code == 429
    assert "Trop de tentatives" in blocked.get_data(as_text=True)


def test_kiosk_pages_have_no_inline_script_or_style(logged_in, survey):
    html = open_kiosk(logged_in, survey).get_data(as_text=True)
    leave = logged_in.get(kiosk_url(survey) + "/quitter").get_data(as_text=True)
    for page in (html, leave):
        scripts = re.findall(r"<script([^>]*)>", page)
        assert all("src=" in s or 'type="application/json"' in s for s in scripts)
        assert "style=" not in page and " on" not in re.sub(r"<[^>]*>", "", "")
        assert not re.search(r"<[^>]+\son[a-z]+=", page)


def test_service_worker_is_served_with_a_scope_covering_kiosk_pages(client):
    response = client.get("/enquetes/kiosque-sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    assert b"kiosque" in response.data


def test_closed_survey_kiosk_still_sends_its_queue(app, logged_in, survey):
    from survey_app.db import connect, write_transaction

    open_kiosk(logged_in, survey)
    db = connect(app.config["DATABASE"])
    with write_transaction(db):
        db.execute("UPDATE surveys SET status = 'closed' WHERE id = ?", [survey["id"]])
    db.close()
    html = logged_in.get(kiosk_url(survey)).get_data(as_text=True)
    assert "ne recueille plus de réponses" in html
    assert page_data(html)["open"] is False
    assert "kiosk/queue.js" in html  # so the queue on the tablet is still sent
    questions = logged_in.get(kiosk_url(survey) + "/questions")
    assert questions.status_code == 302


def test_kiosk_login_is_not_reusable_by_another_client(app, client, survey):
    login(client)
    other = app.test_client()
    assert other.get(kiosk_url(survey)).status_code == 302
