"""The survey builder: presets, question editing, versioning, status, access."""

import json
import re

import pytest
from helpers.web import csrf_from, login, make_user, post_form

from survey_app.surveys import bank, editing, model
from survey_app.surveys.questions import validate_questions


@pytest.fixture
def survey(db, diagnostic) -> int:
    return model.create_survey(db, diagnostic, "Marché du mardi", bank.preset("court"))


def questions(db, survey_id: int) -> list[dict]:
    return model.current_version(db, survey_id)["questions"]


def keys(db, survey_id: int) -> list[str]:
    return [q["key"] for q in questions(db, survey_id)]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def question_form(**fields) -> dict:
    data = {
        "text": "Combien de fois par semaine venez-vous au marché ?",
        "help": "",
        "type": "single",
        "theme": "autre",
        "choices": "Une fois\nDeux fois\nPlus",
        "min": "",
        "max": "",
        "max_length": "",
        "show_if_question": "",
        "action": "save",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def add_own(client, survey_id: int, **fields):
    return post_form(
        client, f"/enquetes/{survey_id}/questions/nouvelle", question_form(**fields)
    )


def edit_url(survey_id: int, key: str) -> str:
    return f"/enquetes/{survey_id}/questions/{key}/modifier"


def answer(db, survey_id: int, answers: dict, key: str = "r1") -> None:
    version = model.current_version(db, survey_id)
    model.store_response(
        db,
        survey_id=survey_id,
        version_id=version["id"],
        point_id=None,
        idempotency_key=key,
        answers=answers,
    )


# ------------------------------------------------------------- new survey


@pytest.mark.parametrize("start", ["court", "complet", "vide"])
def test_new_survey_from_a_preset(logged_in, db, diagnostic, start):
    url = f"/diagnostics/{diagnostic}/enquetes/nouvelle"
    response = post_form(
        logged_in, url, {"title": "Au marché", "intro": "Bonjour !", "start": start}
    )
    survey_id = db.execute("SELECT id FROM surveys").fetchone()[0]
    assert response.headers["Location"] == f"/enquetes/{survey_id}/questions"
    expected = [] if start == "vide" else [q["key"] for q in bank.preset(start)]
    assert keys(db, survey_id) == expected
    row = db.execute("SELECT * FROM surveys").fetchone()
    assert (row["title"], row["intro"], row["status"]) == (
        "Au marché",
        "Bonjour !",
        "draft",
    )


def test_new_survey_posted_twice_is_created_once(logged_in, db, diagnostic):
    url = f"/diagnostics/{diagnostic}/enquetes/nouvelle"
    html = logged_in.get(url).get_data(as_text=True)
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', html).group(1)
    data = {"title": "Au marché", "intro": "", "start": "court", "key": key}
    data["csrf_token"] = csrf_from(html)
    first = logged_in.post(url, data=data)  # double tap: the same form twice
    second = logged_in.post(url, data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.execute("SELECT count(*) FROM surveys").fetchone()[0] == 1
    # Two forms shown, two surveys, even with the same title.
    third = post_form(logged_in, url, {**data, "key": ""})
    assert third.headers["Location"] != first.headers["Location"]
    assert db.execute("SELECT count(*) FROM surveys").fetchone()[0] == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "  "}, "Donnez un titre"),
        ({"title": "<script>alert(1)</script>"}, "balises HTML"),
        ({"title": "x" * 10_000}, "200 caractères au plus"),
        ({"title": "Ok", "intro": "x" * 10_000}, "2 000 caractères au plus"),
        ({"title": "Ok", "start": "moyen"}, "Choisissez une des trois"),
    ],
)
def test_new_survey_bad_input_creates_nothing(logged_in, db, diagnostic, data, message):
    url = f"/diagnostics/{diagnostic}/enquetes/nouvelle"
    response = post_form(logged_in, url, {"intro": "", "start": "court", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM surveys").fetchone()[0] == 0


# ----------------------------------------------------------- pages, tabs


def test_edit_page_lists_questions_with_actions(logged_in, survey):
    html = page(logged_in, f"/enquetes/{survey}/questions")
    for question in bank.preset("court"):
        assert question["text"].replace("'", "&#39;") in html
    assert "Version 1" in html and "0 réponse" in html
    assert 'aria-current="page">Questions</a>' in html
    assert f"/enquetes/{survey}/questions/banque" in html
    assert f"/enquetes/{survey}/questions/nouvelle" in html
    assert f"/enquetes/{survey}/statut/ouvrir" in html
    assert "Posée seulement si la réponse à la question 3" in html  # CO_RAISONS


def test_diagnostic_page_lists_its_surveys(logged_in, diagnostic, survey, db):
    answer(db, survey, {"EQ_MOBILE": "smartphone"})
    html = page(logged_in, f"/diagnostics/{diagnostic}")
    assert "Marché du mardi" in html
    assert f'href="/enquetes/{survey}"' in html  # the survey's home
    assert f'href="/enquetes/{survey}/questions"' in html
    assert f"/diagnostics/{diagnostic}/enquetes/nouvelle" in html
    assert "Brouillon" in html


def test_user_text_is_escaped_on_every_builder_page(logged_in, survey, db):
    add_own(logged_in, survey, text="Tom & Jerry ?", choices="A & B\nmoins <3")
    key = keys(db, survey)[-1]
    for url in (f"/enquetes/{survey}/questions", edit_url(survey, key)):
        html = page(logged_in, url)
        assert "moins &lt;3" in html and "moins <3" not in html
        assert "Tom &amp; Jerry" in html


# ------------------------------------------------------------------ bank


def test_bank_page_offers_missing_questions_with_their_indicator(logged_in, survey):
    html = page(logged_in, f"/enquetes/{survey}/questions/banque")
    activities = bank.bank_question("US_ACTIVITES")
    assert 'value="US_ACTIVITES"' in html
    assert activities["indicator"].replace("'", "&#39;") in html
    assert 'value="EQ_MOBILE"' not in html  # already in the survey
    assert "<legend>Usages</legend>" in html


def test_bank_question_lands_after_the_one_it_depends_on(logged_in, db, survey):
    url = f"/enquetes/{survey}/questions/banque"
    post_form(logged_in, url, {"bank_id": "US_ACTIVITES"})
    post_form(logged_in, url, {"bank_id": "US_ACTIVITES"})  # double tap
    order = keys(db, survey)
    assert order.count("US_ACTIVITES") == 1
    assert order.index("US_ACTIVITES") == order.index("US_FREQUENCE") + 1
    added = questions(db, survey)[order.index("US_ACTIVITES")]
    assert added["show_if"]["question"] == "US_DERNIERE_UTILISATION"
    assert added["bank_id"] == "US_ACTIVITES" and "indicator" not in added


def test_bank_question_without_its_condition_question_is_always_shown(
    logged_in, db, diagnostic
):
    survey_id = model.create_survey(db, diagnostic, "Vide", [])
    response = post_form(
        logged_in,
        f"/enquetes/{survey_id}/questions/banque",
        {"bank_id": ["CO_RAISONS_SANS_INTERNET", "PR_AGE"]},
        follow_redirects=True,
    )
    assert "condition d&#39;affichage a été retirée" in response.get_data(as_text=True)
    assert keys(db, survey_id) == ["CO_RAISONS_SANS_INTERNET", "PR_AGE"]
    assert "show_if" not in questions(db, survey_id)[0]


# ------------------------------------------------------- own questions


CUSTOM = {
    "single": {"choices": "Oui\nNon", "other": "y"},
    "multiple": {"choices": "Bus\nVoiture\nAucun", "other": "y"},
    "scale": {"choices": "Jamais\nParfois\nSouvent\nToujours"},
    "number": {"choices": "", "min": "0", "max": "120"},
    "short_text": {"choices": "", "max_length": "80"},
    "long_text": {"choices": ""},
    "commune": {"choices": ""},
}


@pytest.mark.parametrize("kind", list(CUSTOM))
def test_own_question_of_each_type(logged_in, db, survey, kind):
    response = add_own(logged_in, survey, type=kind, required="y", **CUSTOM[kind])
    assert response.status_code == 302
    question = questions(db, survey)[-1]
    assert question["key"].startswith("Q_") and "bank_id" not in question
    assert question["type"] == kind and question["required"] is True
    assert response.headers["Location"].endswith(f"#{question['key']}")
    if kind in {"single", "multiple", "scale"}:
        labels = CUSTOM[kind]["choices"].split("\n")
        assert [c["label"] for c in question["choices"]] == labels
        assert len({c["code"] for c in question["choices"]}) == len(labels)
        assert question.get("other", False) is (kind != "scale")
    else:
        assert "choices" not in question
    if kind == "number":
        assert (question["min"], question["max"]) == (0, 120)
    if kind == "short_text":
        assert question["max_length"] == 80
    if kind == "long_text":
        assert question["max_length"] == 2000
    assert validate_questions(questions(db, survey)) == []


def test_own_question_posted_twice_is_added_once(logged_in, db, survey):
    url = f"/enquetes/{survey}/questions/nouvelle"
    html = page(logged_in, url)
    data = {"csrf_token": csrf_from(html), **question_form()}
    data["key"] = html.split('name="key" value="')[1].split('"')[0]
    assert logged_in.post(url, data=data).status_code == 302
    assert logged_in.post(url, data=data).status_code == 302
    assert len(keys(db, survey)) == len(bank.preset("court")) + 1


def test_refresh_shows_condition_answers_without_saving(logged_in, db, survey):
    before = questions(db, survey)
    response = add_own(
        logged_in, survey, action="refresh", show_if_question="CO_INTERNET_DOMICILE"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="mobile_seul"' in html and "Combien de fois" in html
    assert questions(db, survey) == before


def test_own_question_with_a_condition(logged_in, db, survey):
    add_own(
        logged_in,
        survey,
        show_if_question="CO_INTERNET_DOMICILE",
        show_if_values=["non", "nsp"],
    )
    assert questions(db, survey)[-1]["show_if"] == {
        "question": "CO_INTERNET_DOMICILE",
        "values": ["non", "nsp"],
    }


# ------------------------------------------------------------ editing


def test_edit_keeps_codes_of_unchanged_labels_and_sets_exclusive(logged_in, db, survey):
    url = edit_url(survey, "EQ_ORDI_TABLETTE")
    html = page(logged_in, url)
    assert "Un ordinateur à moi" in html and 'value="Aucun des deux"' in html
    response = post_form(
        logged_in,
        url,
        question_form(
            text="Chez vous, avez-vous un ordinateur ou une tablette ?",
            type="multiple",
            theme="equipement",
            choices="Un ordinateur à moi\nUne tablette\nUne liseuse\nAucun des deux",
            exclusive=["Aucun des deux"],
        ),
    )
    assert response.status_code == 302
    question = questions(db, survey)[1]
    codes = {c["label"]: c["code"] for c in question["choices"]}
    assert codes["Un ordinateur à moi"] == "ordi_perso"
    assert codes["Aucun des deux"] == "aucun"
    assert codes["Une liseuse"] not in {"ordi_perso", "ordi_partage", "tablette"}
    assert question["exclusive"] == ["aucun"]
    assert question["bank_id"] == "EQ_ORDI_TABLETTE"


def bad_edits():
    return [
        ({"text": ""}, "Le texte est obligatoire"),
        ({"text": "x" * 10_000}, "Le texte est trop long (10000 caractères"),
        ({"text": "<script>alert(1)</script>"}, "balises HTML"),
        ({"help": '<img src=x onerror="alert(1)">'}, "balises HTML"),
        ({"choices": "Oui"}, "au moins deux choix"),
        ({"choices": "Oui\n<b>Non</b>"}, "balises HTML"),
        ({"choices": "Oui\noui"}, "en double"),
        ({"type": "number", "choices": "", "min": "10", "max": "2"}, "supérieur"),
        ({"type": "number", "choices": "", "min": "beaucoup"}, "Indiquez un nombre"),
        ({"type": "slider"}, "type de question"),
        ({"show_if_question": "PR_AGE", "show_if_values": ["nr"]}, "placée avant"),
        (
            {"show_if_question": "EQ_MOBILE", "show_if_values": ["peut_etre"]},
            "n&#39;existe pas",
        ),
        ({"show_if_question": "EQ_MOBILE"}, "au moins une réponse"),
        ({"choices": "Oui\nNon\nAutre", "other": "y"}, "double emploi"),
    ]


def test_bad_input_shows_a_message_next_to_the_field_and_saves_nothing(
    logged_in, db, survey
):
    # One app for all cases: each is a fresh GET (new form) then a POST.
    before = model.all_versions(db, survey)
    for fields, message in bad_edits():
        response = post_form(
            logged_in, edit_url(survey, "CO_INTERNET_DOMICILE"), question_form(**fields)
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 400, fields
        assert message in html, fields
        assert 'aria-invalid="true"' in html, fields  # the field itself is marked
        assert "Rien n'a été enregistré" in html, fields
        assert model.all_versions(db, survey) == before, fields


def test_changing_choices_a_condition_uses_is_refused(logged_in, db, survey):
    before = questions(db, survey)
    response = post_form(
        logged_in,
        edit_url(survey, "CO_INTERNET_DOMICILE"),
        question_form(choices="Oui, avec une box\nOui, par le téléphone\nPas du tout"),
    )
    assert response.status_code == 400
    assert "Question 4 « Pourquoi n&#39;avez-vous pas Internet" in response.get_data(
        as_text=True
    )
    assert questions(db, survey) == before


def test_edit_of_a_question_changed_meanwhile_is_not_saved(logged_in, db, survey):
    url = edit_url(survey, "EQ_MOBILE")
    token_page = page(logged_in, url)
    stale = token_page.split('name="token" value="')[1].split('"')[0]
    post_form(logged_in, url, question_form(text="Première modification ?"))
    response = post_form(
        logged_in, url, {**question_form(text="Seconde modification ?"), "token": stale}
    )
    assert response.status_code == 400
    assert "modifiée par ailleurs" in response.get_data(as_text=True)
    assert questions(db, survey)[0]["text"] == "Première modification ?"


# ------------------------------------------------------- move and remove


def move(client, survey_id, key, direction=None, token=None, position=None):
    html = page(client, f"/enquetes/{survey_id}/questions")
    token = token or html.split('name="token" value="')[1].split('"')[0]
    data = {"direction": direction} if direction else {"position": position}
    return post_form(
        client,
        f"/enquetes/{survey_id}/questions/{key}/deplacer",
        {**data, "token": token},
        page=f"/enquetes/{survey_id}/questions",
        follow_redirects=True,
    )


def test_move_up_and_down(logged_in, db, survey):
    move(logged_in, survey, "EQ_MOBILE", "descendre")
    assert keys(db, survey)[:2] == ["EQ_ORDI_TABLETTE", "EQ_MOBILE"]
    move(logged_in, survey, "EQ_MOBILE", "monter")
    assert keys(db, survey)[:2] == ["EQ_MOBILE", "EQ_ORDI_TABLETTE"]


def test_repeated_move_moves_once(logged_in, db, survey):
    html = page(logged_in, f"/enquetes/{survey}/questions")
    token = html.split('name="token" value="')[1].split('"')[0]
    move(logged_in, survey, "PR_AGE", "monter", token)
    response = move(logged_in, survey, "PR_AGE", "monter", token)
    assert "rien n&#39;a été déplacé" in response.get_data(as_text=True)
    order = keys(db, survey)
    assert order.index("PR_AGE") == order.index("FR_FREINS") - 1


def move_to(client, survey_id, key, position):
    html = page(client, f"/enquetes/{survey_id}/questions")
    assert f'id="position-{key}"' in html  # the field is on the page
    return move(client, survey_id, key, position=position)


def test_move_to_a_position_in_one_step(logged_in, db, survey):
    # Issue 8, D4: 16 places up was 16 clicks and 16 reloads.
    before = keys(db, survey)
    move_to(logged_in, survey, before[0], str(len(before)))
    assert keys(db, survey) == [*before[1:], before[0]]
    move_to(logged_in, survey, before[0], "1")
    assert keys(db, survey) == before
    # A condition still cannot end up above the question it depends on.
    response = move_to(logged_in, survey, "CO_RAISONS_SANS_INTERNET", "1")
    assert "placée avant" in response.get_data(as_text=True)
    assert keys(db, survey) == before


@pytest.mark.parametrize(
    ("position", "message"),
    [("0", "entre 1 et"), ("999", "entre 1 et"), ("deux", "par un nombre")],
)
def test_move_to_a_wrong_position_changes_nothing(
    logged_in, db, survey, position, message
):
    before = keys(db, survey)
    response = move_to(logged_in, survey, before[1], position)
    assert message in response.get_data(as_text=True)
    assert keys(db, survey) == before


def test_move_that_breaks_a_condition_is_refused(logged_in, db, survey):
    before = keys(db, survey)
    response = move(logged_in, survey, "CO_RAISONS_SANS_INTERNET", "monter")
    assert "placée avant" in response.get_data(as_text=True)
    assert keys(db, survey) == before


def test_remove_asks_then_frees_dependent_questions(logged_in, db, survey):
    url = f"/enquetes/{survey}/questions/CO_INTERNET_DOMICILE/retirer"
    html = page(logged_in, url)
    assert "Pourquoi n&#39;avez-vous pas Internet chez vous ?" in html  # dependent
    assert post_form(logged_in, url, {}).status_code == 302
    assert (
        post_form(logged_in, url, {}, page=f"/enquetes/{survey}/questions").status_code
        == 302
    )
    order = keys(db, survey)
    assert "CO_INTERNET_DOMICILE" not in order
    raisons = questions(db, survey)[order.index("CO_RAISONS_SANS_INTERNET")]
    assert "show_if" not in raisons


# ----------------------------------------------------------- versioning


def test_versioning_never_relabels_existing_answers(logged_in, db, survey):
    answer(db, survey, {"EQ_MOBILE": "smartphone", "CO_INTERNET_DOMICILE": "non"})
    v1 = model.current_version(db, survey)
    html = page(logged_in, edit_url(survey, "EQ_MOBILE"))
    assert "crée une nouvelle version" in html
    assert "1 habitant a" in page(logged_in, f"/enquetes/{survey}/questions")
    post_form(
        logged_in,
        edit_url(survey, "EQ_MOBILE"),
        question_form(
            text="Avez-vous un téléphone portable ?",
            theme="equipement",
            choices="Un smartphone\nUn téléphone simple\nAucun",
        ),
    )
    post_form(
        logged_in,
        f"/enquetes/{survey}/questions/PR_AGE/retirer",
        {},
    )
    versions = model.all_versions(db, survey)
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0] == v1  # the snapshot answers point to is untouched
    old_mobile = versions[0]["questions"][0]
    assert {"code": "smartphone", "label": "Oui, un smartphone"} in old_mobile[
        "choices"
    ]
    new_mobile = versions[1]["questions"][0]
    new_codes = {c["label"]: c["code"] for c in new_mobile["choices"]}
    assert new_codes["Un smartphone"] != "smartphone"  # re-labelled: new code
    assert "PR_AGE" not in [q["key"] for q in versions[1]["questions"]]
    assert "PR_AGE" in [q["key"] for q in versions[0]["questions"]]
    row = db.execute("SELECT version_id, answers FROM responses").fetchone()
    assert row["version_id"] == v1["id"]
    assert json.loads(row["answers"]) == {
        "EQ_MOBILE": "smartphone",
        "CO_INTERNET_DOMICILE": "non",
    }
    html = page(logged_in, f"/enquetes/{survey}/questions")
    assert "Version 2" in html and "1 réponse (0 avec cette version)" in html
    assert "crée la version" not in html  # no answer to version 2 yet


@pytest.mark.parametrize("answered", [True, False])
def test_type_change_makes_a_new_question(logged_in, db, survey, answered):
    if answered:
        answer(db, survey, {"PR_AGE": "25_39"})
    response = post_form(
        logged_in,
        edit_url(survey, "PR_AGE"),
        question_form(text="Quel âge avez-vous ?", type="number", choices=""),
    )
    assert response.status_code == 302
    order = keys(db, survey)
    assert "PR_AGE" not in order
    new = questions(db, survey)[len(bank.preset("court")) - 3]
    assert new["type"] == "number" and new["key"].startswith("Q_")
    assert "bank_id" not in new


def test_own_question_without_answers_keeps_its_key_when_retyped(logged_in, db, survey):
    add_own(logged_in, survey)
    key = keys(db, survey)[-1]
    post_form(logged_in, edit_url(survey, key), question_form(type="long_text"))
    assert questions(db, survey)[-1]["key"] == key
    assert questions(db, survey)[-1]["type"] == "long_text"


# --------------------------------------------------------------- status


def test_open_close_reopen_with_confirmation(logged_in, db, survey):
    def status():
        return db.execute(
            "SELECT status FROM surveys WHERE id = ?", [survey]
        ).fetchone()[0]

    for action, expected in [
        ("ouvrir", "open"),
        ("clore", "closed"),
        ("rouvrir", "open"),
    ]:
        url = f"/enquetes/{survey}/statut/{action}"
        assert "Annuler" in page(logged_in, url)
        assert status() != expected  # the GET only asks
        assert post_form(logged_in, url, {}).status_code == 302
        assert status() == expected
    again = post_form(logged_in, f"/enquetes/{survey}/statut/ouvrir", {})
    assert again.status_code == 302 and status() == "open"  # repeated: no harm


def test_residents_can_answer_only_while_the_survey_is_open(logged_in, db, survey):
    code = db.execute("SELECT code FROM surveys WHERE id = ?", [survey]).fetchone()[0]
    public = logged_in.application.test_client()  # a resident, not signed in
    assert public.get(f"/s/{code}").status_code == 404  # draft
    post_form(logged_in, f"/enquetes/{survey}/statut/ouvrir", {})
    assert public.get(f"/s/{code}").status_code == 200
    post_form(logged_in, f"/enquetes/{survey}/statut/clore", {})
    assert public.get(f"/s/{code}").status_code == 410


def test_an_empty_survey_cannot_be_opened(logged_in, db, diagnostic):
    survey_id = model.create_survey(db, diagnostic, "Vide", [])
    response = post_form(logged_in, f"/enquetes/{survey_id}/statut/ouvrir", {})
    assert response.status_code == 409
    assert "au moins une question" in response.get_data(as_text=True)
    row = db.execute("SELECT status FROM surveys WHERE id = ?", [survey_id])
    assert row.fetchone()[0] == "draft"


def test_closed_survey_cannot_be_closed_from_draft(logged_in, survey):
    response = post_form(logged_in, f"/enquetes/{survey}/statut/rouvrir", {})
    assert response.status_code == 409
    assert logged_in.get(f"/enquetes/{survey}/statut/effacer").status_code == 404


def test_settings_change_title_and_refuse_html(logged_in, db, survey):
    url = f"/enquetes/{survey}/questions/presentation"
    bad = post_form(logged_in, url, {"title": "<b>Titre</b>", "intro": ""})
    assert bad.status_code == 400
    assert (
        post_form(logged_in, url, {"title": "Marché", "intro": "Merci"}).status_code
        == 302
    )
    row = db.execute("SELECT title, intro FROM surveys WHERE id = ?", [survey])
    assert tuple(row.fetchone()) == ("Marché", "Merci")


# ---------------------------------------------------------- authorisation


def builder_routes(diagnostic: int, survey: int) -> list[tuple[str, str, dict]]:
    base = f"/enquetes/{survey}"
    return [
        ("GET", f"/diagnostics/{diagnostic}/enquetes/nouvelle", {}),
        (
            "POST",
            f"/diagnostics/{diagnostic}/enquetes/nouvelle",
            {"title": "X", "start": "vide"},
        ),
        ("GET", f"{base}/questions", {}),
        ("GET", f"{base}/questions/presentation", {}),
        ("POST", f"{base}/questions/presentation", {"title": "Pirate"}),
        ("GET", f"{base}/questions/nouvelle", {}),
        ("POST", f"{base}/questions/nouvelle", question_form()),
        ("GET", f"{base}/questions/banque", {}),
        ("POST", f"{base}/questions/banque", {"bank_id": "US_ACTIVITES"}),
        ("GET", f"{base}/questions/EQ_MOBILE/modifier", {}),
        ("POST", f"{base}/questions/EQ_MOBILE/modifier", question_form()),
        ("POST", f"{base}/questions/EQ_MOBILE/deplacer", {"direction": "descendre"}),
        ("GET", f"{base}/questions/EQ_MOBILE/retirer", {}),
        ("POST", f"{base}/questions/EQ_MOBILE/retirer", {}),
        ("GET", f"{base}/statut/ouvrir", {}),
        ("POST", f"{base}/statut/ouvrir", {}),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, db, diagnostic, survey):
    token = csrf_from(client.get("/connexion").get_data(as_text=True))
    for method, url, data in builder_routes(diagnostic, survey):
        response = client.open(url, method=method, data={**data, "csrf_token": token})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/connexion"), url


def test_other_conseiller_gets_403_everywhere(app, client, db, diagnostic, survey):
    make_user(app, "autre@example.fr", "Dominique")
    login(client, "autre@example.fr")
    token = csrf_from(client.get("/").get_data(as_text=True))
    before = model.all_versions(db, survey)
    for method, url, data in builder_routes(diagnostic, survey):
        response = client.open(url, method=method, data={**data, "csrf_token": token})
        assert response.status_code == 403, (method, url)
    assert model.all_versions(db, survey) == before
    row = db.execute("SELECT title, status FROM surveys WHERE id = ?", [survey])
    assert tuple(row.fetchone()) == ("Marché du mardi", "draft")
    assert db.execute("SELECT count(*) FROM surveys").fetchone()[0] == 1


def test_missing_survey_or_question_is_404(logged_in, survey):
    assert logged_in.get("/enquetes/999/questions").status_code == 404
    assert logged_in.get(edit_url(survey, "NOPE")).status_code == 404


def test_post_without_csrf_token_is_refused(logged_in, db, diagnostic, survey):
    before = model.all_versions(db, survey)
    for method, url, data in builder_routes(diagnostic, survey):
        if method == "POST":
            assert logged_in.post(url, data=data).status_code == 400, url
    assert model.all_versions(db, survey) == before
    assert db.execute("SELECT count(*) FROM surveys").fetchone()[0] == 1


# ------------------------------------------------------- pure helpers


def test_insert_by_bank_order_and_choice_codes():
    order = {e["key"]: n for n, e in enumerate(bank.load_bank())}
    short = bank.preset("court")
    extra = bank.survey_question(bank.bank_question("CP_CONTENUS"))
    inserted = editing.insert_by_bank_order(short, extra, order)
    names = [q["key"] for q in inserted]
    assert names.index("CP_CONTENUS") == names.index("CP_COMMUNICATION") + 1
    fresh = editing.with_choice_codes(
        {
            "key": "Q_A",
            "type": "single",
            "choices": [{"label": "Autre"}, {"label": "Été"}],
        },
        None,
    )
    assert [c["code"] for c in fresh["choices"]] == ["autre_2", "ete"]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda qs: qs + [dict(qs[0])], "en double"),
        (lambda qs: [{**qs[0], "type": "slider"}] + qs[1:], "type de question"),
        (lambda qs: list(reversed(qs)), "placée avant"),
        (lambda qs: [{**qs[0], "text": "x" * 401}] + qs[1:], "trop long"),
    ],
)
def test_validate_questions_messages(change, message):
    errors = validate_questions(change(bank.preset("court")))
    assert errors and any(message in e for e in errors)


def test_survey_cannot_open_while_a_privacy_setting_is_missing(
    app, logged_in, survey, db
):
    """Issue 8, A5: the public page showed "(à préciser … réglage HOSTING)"."""
    app.config["HOSTING"] = ""
    response = post_form(logged_in, f"/enquetes/{survey}/statut/ouvrir", {})
    html = logged_in.get(f"/enquetes/{survey}/statut/ouvrir").get_data(as_text=True)
    assert "réglage HOSTING" in html
    status = db.execute("SELECT status FROM surveys WHERE id = ?", [survey])
    assert status.fetchone()[0] == "draft", response.status_code
    app.config["HOSTING"] = "Serveur de la mairie, à Die."
    post_form(logged_in, f"/enquetes/{survey}/statut/ouvrir", {})
    status = db.execute("SELECT status FROM surveys WHERE id = ?", [survey])
    assert status.fetchone()[0] == "open"
