"""Paper questionnaires typed in: one page, idempotent, checked like the form."""

import re

import pytest
from helpers.offline_entry import make_survey, responses
from helpers.web import csrf_from, login, make_user


@pytest.fixture
def survey(app, diagnostic):
    survey_id, point_id, other = make_survey(app, diagnostic)
    return {"id": survey_id, "point": point_id, "other": other}


def form_fields(html: str) -> dict:
    return {
        "csrf_token": csrf_from(html),
        "_k": re.search(r'name="_k" value="([^"]+)"', html).group(1),
        "_v": re.search(r'name="_v" value="([^"]+)"', html).group(1),
    }


def entry(survey, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/enquetes/{survey['id']}/saisie" + (f"?{params}" if params else "")


def test_all_questions_on_one_page_with_the_point_chosen(logged_in, survey):
    html = logged_in.get(entry(survey, point=survey["point"])).get_data(True)
    for key in ("AGE", "MOBILE", "AIDE", "COMMUNE"):
        assert f'name="{key}' in html
    assert f'<option value="{survey["point"]}" selected>' in html
    assert 'value="paper" checked' in html
    assert "paper.js" in html
    assert not re.search(r"<script(?![^>]*src=)", html)


def test_saving_stores_once_and_shows_the_number_on_an_empty_form(
    app, logged_in, survey
):
    page = logged_in.get(entry(survey, point=survey["point"])).get_data(True)
    data = {**form_fields(page), "point": str(survey["point"]), "mode": "paper",
            "AGE": "81", "MOBILE": "simple",
            "AIDE": "Remplir ma déclaration"}  # fmt: skip
    first = logged_in.post(entry(survey), data=data)
    assert first.status_code == 303
    again = logged_in.post(entry(survey), data=data)  # double Enter
    assert again.headers["Location"] == first.headers["Location"]
    done = logged_in.get(first.headers["Location"]).get_data(as_text=True)
    assert "Questionnaire n°1 enregistré" in done
    assert 'value="81"' not in done  # empty form for the next one
    assert form_fields(done)["_k"] != data["_k"]
    assert f'<option value="{survey["point"]}" selected>' in done  # same place
    stored = responses(app, survey["id"])
    assert len(stored) == 1
    assert stored[0]["mode"] == "paper"
    assert stored[0]["point_id"] == survey["point"]
    assert stored[0]["answers"] == {
        "AGE": 81,
        "MOBILE": "simple",
        "AIDE": "Remplir ma déclaration",
    }
    second = {**form_fields(done), "point": "", "mode": "interview",
              "AGE": "40", "MOBILE": "smartphone"}  # fmt: skip
    location = logged_in.post(entry(survey), data=second).headers["Location"]
    assert "Questionnaire n°2 enregistré" in logged_in.get(location).get_data(True)
    last = responses(app, survey["id"])[-1]
    assert (last["mode"], last["point_id"]) == ("interview", None)


def test_errors_in_french_next_to_fields_and_answers_kept(app, logged_in, survey):
    page = logged_in.get(entry(survey)).get_data(True)
    data = {**form_fields(page), "mode": "paper", "AGE": "abc",
            "AIDE": "<b>aide</b>"}  # fmt: skip
    response = logged_in.post(entry(survey), data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Écrivez seulement un nombre" in html
    assert "Choisissez une réponse." in html
    assert 'aria-invalid="true"' in html
    assert 'value="abc"' in html
    assert "<b>aide</b>" not in html
    assert responses(app, survey["id"]) == []


def test_expired_csrf_token_keeps_what_was_typed(app, logged_in, survey):
    page = logged_in.get(entry(survey)).get_data(True)
    data = {**form_fields(page), "csrf_token": "périmé", "AGE": "55",
            "MOBILE": "smartphone"}  # fmt: skip
    response = logged_in.post(entry(survey), data=data)
    assert response.status_code == 400
    assert 'value="55"' in response.get_data(as_text=True)
    assert responses(app, survey["id"]) == []


def test_commune_typed_is_saved_on_the_same_enter(app, logged_in, survey):
    page = logged_in.get(entry(survey)).get_data(True)
    data = {**form_fields(page), "AGE": "30", "MOBILE": "smartphone",
            "COMMUNE.q": "69003"}  # fmt: skip
    assert logged_in.post(entry(survey), data=data).status_code == 303
    assert responses(app, survey["id"])[0]["answers"]["COMMUNE"] == "69123"


def test_commune_with_namesakes_is_searched_then_saved(app, logged_in, survey):
    page = logged_in.get(entry(survey)).get_data(True)
    data = {**form_fields(page), "AGE": "30", "MOBILE": "smartphone",
            "COMMUNE.q": "Beaurepaire"}  # fmt: skip
    shown = logged_in.post(entry(survey), data=data).get_data(as_text=True)
    assert "Beaurepaire (60700, Oise)" in shown
    data.update({"COMMUNE": "60056", "COMMUNE.q0": "Beaurepaire"})
    assert logged_in.post(entry(survey), data=data).status_code == 303
    assert responses(app, survey["id"])[0]["answers"]["COMMUNE"] == "60056"


def test_point_of_another_survey_is_ignored(app, logged_in, survey, diagnostic):
    _other_survey, foreign_point, _ = make_survey(app, diagnostic)
    page = logged_in.get(entry(survey)).get_data(True)
    data = {**form_fields(page), "point": str(foreign_point), "AGE": "30",
            "MOBILE": "smartphone"}  # fmt: skip
    logged_in.post(entry(survey), data=data)
    assert responses(app, survey["id"])[0]["point_id"] is None


def test_only_members_may_type_in(app, client, survey):
    assert "/connexion" in client.get(entry(survey)).headers["Location"]
    make_user(app, "autre@example.fr")
    login(client, "autre@example.fr")
    assert client.get(entry(survey)).status_code == 403
    assert client.post(entry(survey), data={"AGE": "3"}).status_code == 403
    assert responses(app, survey["id"]) == []
