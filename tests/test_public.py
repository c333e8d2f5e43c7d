"""The public questionnaire at /s/<code>, walked through like a resident would."""

import json
import re
import threading
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from survey_app.db import write_transaction
from survey_app.safeguards.honeypot import FIELD
from survey_app.surveys import model
from survey_app.surveys.territory_phrase import structure_subject

QUESTIONS = [
    {"key": "AGE", "type": "number", "theme": "profil", "required": True,
     "text": "Quel âge avez-vous ?", "min": 0, "max": 120},
    {"key": "COMMUNE", "type": "commune", "theme": "profil", "required": True,
     "text": "Dans quelle commune habitez-vous ?"},
    {"key": "MOBILE", "type": "single", "theme": "equipement", "required": True,
     "text": "Quel téléphone utilisez-vous ?", "other": True,
     "choices": [{"code": "smartphone", "label": "Un smartphone"},
                 {"code": "simple", "label": "Un téléphone simple"}]},
    {"key": "EQUIP", "type": "multiple", "theme": "equipement", "required": True,
     "text": "Qu'avez-vous à la maison ?", "exclusive": ["aucun"],
     "choices": [{"code": "ordi", "label": "Un ordinateur"},
                 {"code": "tablette", "label": "Une tablette"},
                 {"code": "aucun", "label": "Aucun de ces équipements"}]},
    {"key": "INTERNET", "type": "single", "theme": "connexion", "required": True,
     "text": "Avez-vous Internet chez vous ?",
     "choices": [{"code": "oui", "label": "Oui"}, {"code": "non", "label": "Non"}]},
    {"key": "RAISONS", "type": "multiple", "theme": "connexion", "required": False,
     "text": "Pourquoi ?", "other": True,
     "show_if": {"question": "INTERNET", "values": ["non"]},
     "choices": [{"code": "cher", "label": "C'est trop cher"},
                 {"code": "besoin", "label": "Pas besoin"}]},
    {"key": "AISE", "type": "scale", "theme": "competences", "required": True,
     "text": "Êtes-vous à l'aise avec Internet ?",
     "choices": [{"code": str(n), "label": label} for n, label in
                 enumerate(["Pas du tout", "Un peu", "Assez", "Très"], 1)]},
    {"key": "BESOIN", "type": "short_text", "theme": "besoins", "required": False,
     "text": "De quelle aide auriez-vous besoin ?"},
    {"key": "REMARQUE", "type": "long_text", "theme": "besoins", "required": False,
     "text": "Autre chose à nous dire ?", "max_length": 500},
]  # fmt: skip

# One valid answer per screen, in screen order (INTERNET = non shows RAISONS).
SCREENS = [
    {"AGE": "42", "COMMUNE": "69123"},
    {"MOBILE": "autre", "MOBILE.autre": "Un vieux Nokia 📱", "EQUIP": ["ordi"]},
    {"INTERNET": "non"},
    {"RAISONS": ["cher", "besoin"]},
    {"AISE": "3"},
    {
        "BESOIN": "<script>alert(1)</script> un atelier 👵🏽",
        "REMARQUE": "Merci\nà vous",
    },
]
EXPECTED = {
    "AGE": 42,
    "COMMUNE": "69123",
    "MOBILE": "autre",
    "MOBILE.autre": "Un vieux Nokia 📱",
    "EQUIP": ["ordi"],
    "INTERNET": "non",
    "RAISONS": ["cher", "besoin"],
    "AISE": "3",
    "BESOIN": "<script>alert(1)</script> un atelier 👵🏽",
    "REMARQUE": "Merci\nà vous",
}


class FormReader(HTMLParser):
    """What a browser would send from the page's form, untouched."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.visible: set[str] = set()
        self.ids: set[str] = set()  # of visible fields
        self.labelled: set[str] = set()  # ids some <label for=...> points at
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in ("input", "textarea") and kind not in ("hidden", "submit"):
            self.ids.add(attrs.get("id"))
        if tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))
            self.visible.add(name)
        if tag != "input" or not name or kind == "submit":
            return
        if kind != "hidden":
            self.visible.add(name)
        if kind not in ("radio", "checkbox") or "checked" in attrs:
            self.fields.append((name, attrs.get("value") or ""))

    def handle_data(self, data):
        if self._textarea:
            name, text = self.fields.pop()
            self.fields.append((name, text + data.removeprefix("\n")))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def send(client, url, html, answers=None, nav="next", drop=(), **kwargs):
    """Post the page's form as a browser would, with `answers` filled in."""
    answers = answers or {}
    data = MultiDict([(n, v) for n, v in FormReader(html).fields if n not in answers])
    for name, value in answers.items():
        for v in value if isinstance(value, list) else [value]:
            data.add(name, v)
    data["_nav"] = nav
    for name in drop:
        data.pop(name, None)
    return client.post(url, data=data, **kwargs)


def back(client, url, html, times):
    """Press "Précédent" `times` times; return the page reached."""
    for _ in range(times):
        html = page(send(client, url, html, nav="prev"))
    return html


def make_survey(db, diagnostic, status="open", questions=QUESTIONS, code=None):
    survey_id = model.create_survey(
        db, diagnostic, "Le numérique et vous", questions, code=code
    )
    with write_transaction(db):
        db.execute("UPDATE surveys SET status = ? WHERE id = ?", [status, survey_id])
    return survey_id, db.execute(
        "SELECT code FROM surveys WHERE id = ?", [survey_id]
    ).fetchone()[0]


def responses(db):
    return [dict(r) for r in db.execute("SELECT * FROM responses ORDER BY id")]


def page(response):
    return response.get_data(as_text=True)


@pytest.fixture
def survey(db, diagnostic):
    return make_survey(db, diagnostic)


def walk_to_last(client, code):
    """Answer every screen except the last; return the last screen's HTML."""
    url = f"/s/{code}/questions"
    html = page(client.get(url))
    totals = []
    for number, answers in enumerate(SCREENS[:-1], 1):
        assert f"Étape {number} sur" in html
        totals.append(int(re.search(r"Étape \d+ sur (\d+)", html)[1]))
        assert totals == sorted(totals, reverse=True)  # never grows (A3)
        if "COMMUNE" in answers:  # without JavaScript, one tap (issue 8, A2)
            answers = {**answers, "COMMUNE.q": "lyon"}
            del answers["COMMUNE"]
        response = send(client, url, html, answers)
        assert response.status_code == 200, page(response)
        html = page(response)
    return html


def test_welcome_page_tells_who_why_how_long_and_anonymity(client, survey):
    _, code = survey
    html = page(client.get(f"/s/{code}"))
    assert 'lang="fr"' in html
    assert "Le numérique et vous" in html and "Mairie de Test" in html
    assert "9 questions au plus, environ 4 minutes" in html  # duration.py
    assert html.index("Commencer") < html.index("Vos réponses sont anonymes")
    assert "24 mois" in html and "anonymes" in html and "adresse IP" in html
    assert f'href="/s/{code}/confidentialite"' in html
    assert "Commencer" in html and f'href="/s/{code}/questions"' in html
    assert "<script" not in html and "style=" not in html
    privacy = client.get(f"/s/{code}/confidentialite")
    assert privacy.status_code == 200
    assert "24 mois" in page(privacy) and "Mairie de Test" in page(privacy)


def test_full_walk_stores_exactly_what_was_answered(client, db, survey):
    survey_id, code = survey
    html = walk_to_last(client, code)
    assert "Étape 6 sur 6" in html and "Envoyer mes réponses" in html
    assert responses(db) == []  # nothing stored before the final submission
    response = send(client, f"/s/{code}/questions", html, SCREENS[-1])
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/s/{code}/merci?recu=")
    [row] = responses(db)
    assert json.loads(row["answers"]) == EXPECTED
    assert row["survey_id"] == survey_id and row["point_id"] is None
    assert row["mode"] == "self"
    assert row["version_id"] == model.current_version(db, survey_id)["id"]
    thanks = page(client.get(f"/s/{code}/merci"))
    assert (
        "Merci" in thanks and "Répondre à nouveau (pour une autre personne)" in thanks
    )
    assert f'href="/s/{code}"' in thanks


def test_screens_have_labels_fieldsets_and_progress(client, survey):
    _, code = survey
    url = f"/s/{code}/questions"
    html = walk_to_last(client, code)
    html = back(client, url, html, 4)  # to the equipment screen
    assert "Étape 2 sur 6" in html
    assert html.count("<fieldset") == 2 and html.count("<legend>") == 2
    assert 'value="autre" checked' in html and "Un vieux Nokia 📱" in html
    assert 'value="ordi" checked' in html and "Précédent" in html
    form = FormReader(html)
    assert form.ids <= form.labelled  # every field has its label
    assert len(form.ids - {FIELD}) == 7  # 3 radios, the "Autre" text, 3 boxes
    assert html.count('<label class="choice" for=') == 6


def test_show_if_is_reevaluated_and_hidden_answers_are_dropped(client, db, survey):
    _, code = survey
    url = f"/s/{code}/questions"
    html = walk_to_last(client, code)
    html = back(client, url, html, 3)  # to INTERNET, changed to "oui"
    assert "Avez-vous Internet chez vous ?" in html
    html = page(send(client, url, html, {"INTERNET": "oui"}))
    assert "Étape 4 sur 5" in html and "Pourquoi ?" not in html
    html = page(send(client, url, html, {"AISE": "2"}))
    send(client, url, html, {})
    [row] = responses(db)
    answers = json.loads(row["answers"])
    assert answers["INTERNET"] == "oui" and "RAISONS" not in answers


def test_double_submission_stores_one_response(client, db, survey):
    _, code = survey
    html = walk_to_last(client, code)
    url = f"/s/{code}/questions"
    first = send(client, url, html, SCREENS[-1])
    again = send(client, url, html, SCREENS[-1])
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert len(responses(db)) == 1
    # A second resident on the same phone starts afresh: a new key.
    html = walk_to_last(client, code)
    send(client, url, html, SCREENS[-1])
    assert len(responses(db)) == 2


def test_simultaneous_double_tap_stores_one_response(app, client, db, survey):
    _, code = survey
    html = walk_to_last(client, code)
    # A second connection with the same cookie: the same phone, two requests.
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    start = threading.Barrier(2)
    statuses = []

    def tap(phone):
        start.wait()
        statuses.append(send(phone, f"/s/{code}/questions", html).status_code)

    threads = [threading.Thread(target=tap, args=(c,)) for c in (client, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303, 303]
    assert len(responses(db)) == 1


def test_robot_filling_the_honeypot_is_thanked_but_not_stored(client, db, survey):
    _, code = survey
    html = walk_to_last(client, code)
    answers = {**SCREENS[-1], FIELD: "https://spam.example"}
    response = send(client, f"/s/{code}/questions", html, answers)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/s/{code}/merci?recu=")
    assert responses(db) == []


def test_previous_keeps_unchecked_answers_of_the_screen_left(client, survey):
    _, code = survey
    url = f"/s/{code}/questions"
    html = walk_to_last(client, code)
    typed = {"BESOIN": "x" * 301, "REMARQUE": "ligne 1\nligne 2"}
    html = page(send(client, url, html, typed, nav="prev"))  # not validated
    assert "Étape 5 sur 6" in html and "trop longue" not in html
    html = page(send(client, url, html))
    assert "ligne 1\nligne 2</textarea>" in html and "x" * 301 in html


def test_tampered_control_fields_fall_back_safely(client, db, diagnostic, survey):
    survey_id, code = survey
    other_id, _ = make_survey(db, diagnostic)
    other_version = model.current_version(db, other_id)["id"]
    html = walk_to_last(client, code)
    tampered = {"_v": str(other_version), "_k": "court", "_step": "99"}
    response = send(client, f"/s/{code}/questions", html, tampered)
    # Unknown step: taken as the first screen, which is valid, so on to the 2nd.
    html = page(response)
    assert "Étape 2 sur 6" in html and 'value="autre" checked' in html
    for _ in range(4):
        html = page(send(client, f"/s/{code}/questions", html))
    assert send(client, f"/s/{code}/questions", html).status_code == 303
    [row] = responses(db)
    assert row["version_id"] == model.current_version(db, survey_id)["id"]
    assert len(row["idempotency_key"]) >= 16 and row["idempotency_key"] != "court"


def test_response_keeps_the_version_the_resident_saw(client, db, survey):
    survey_id, code = survey
    url = f"/s/{code}/questions"
    send(client, url, walk_to_last(client, code), SCREENS[-1])
    seen = model.current_version(db, survey_id)["id"]
    html = walk_to_last(client, code)
    edited = [dict(q) for q in QUESTIONS]
    edited[0]["text"] = "Votre âge ?"
    newer = model.save_questions(db, survey_id, edited)
    assert newer["id"] != seen
    send(client, url, html, SCREENS[-1])
    assert [r["version_id"] for r in responses(db)] == [seen, seen]


def test_csrf_is_checked_on_every_screen(client, db, survey):
    _, code = survey
    url = f"/s/{code}/questions"
    html = walk_to_last(client, code)
    refused = send(client, url, html, SCREENS[-1], drop=["csrf_token"])
    assert refused.status_code == 400
    assert "expiré" in page(refused)
    assert responses(db) == []
    accepted = send(client, url, page(refused), {})
    assert accepted.status_code == 303
    assert json.loads(responses(db)[0]["answers"]) == EXPECTED


def test_lost_session_keeps_what_the_resident_typed(app, db, survey):
    _, code = survey
    url = f"/s/{code}/questions"
    phone = app.test_client()
    html = walk_to_last(phone, code)
    # Two hours later the browser has dropped its session cookie.
    phone = app.test_client()
    refused = send(phone, url, html, SCREENS[-1])
    assert refused.status_code == 400
    html = page(refused)
    assert "Vos réponses sont conservées" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; un atelier 👵🏽" in html
    assert "Étape 6 sur 6" in html and responses(db) == []
    assert send(phone, url, html, {}).status_code == 303
    assert json.loads(responses(db)[0]["answers"]) == EXPECTED


BAD_INPUT = [
    ({"AGE": ""}, "AGE", "Indiquez un nombre."),
    ({"AGE": "quarante"}, "AGE", "Écrivez seulement un nombre"),
    ({"AGE": "130"}, "AGE", "Indiquez un nombre entre 0 et 120."),
    ({"COMMUNE": "99999"}, "COMMUNE", "Choisissez votre commune dans la liste"),
    ({"MOBILE": "tablette"}, "MOBILE", "ne fait pas partie de la liste"),
    ({"MOBILE": "", "MOBILE.autre": ""}, "MOBILE", "Choisissez une réponse."),
    ({"MOBILE": "simple"}, "MOBILE", "choisissez aussi « Autre »"),
    ({"MOBILE.autre": "x" * 301}, "MOBILE", "Votre précision est trop longue"),
    ({"EQUIP": ["ordi", "aucun"]}, "EQUIP", "« Aucun de ces équipements » ne peut"),
    ({"EQUIP": []}, "EQUIP", "Choisissez au moins une réponse."),
    ({"RAISONS": ["cher", "<b>faux</b>"]}, "RAISONS", "ne fait pas partie"),
    ({"AISE": "9"}, "AISE", "ne fait pas partie de la liste"),
    ({"BESOIN": "<i>" + "é" * 300}, "BESOIN", "trop longue : 303 caractères"),
    ({"REMARQUE": "🙂" * 501}, "REMARQUE", "501 caractères, 500 au maximum"),
]


@pytest.mark.parametrize(("changed", "key", "message"), BAD_INPUT)
def test_bad_input_shows_a_french_error_and_stores_nothing(
    client, db, survey, changed, key, message
):
    _, code = survey
    html = walk_to_last(client, code)
    answers = {k: v for screen in SCREENS for k, v in screen.items()}
    answers.update(changed)
    # The other screens' answers travel as hidden inputs: tamper with them.
    response = send(client, f"/s/{code}/questions", html, answers)
    assert response.status_code == 200
    html = page(response)
    assert message in html
    assert "Certaines réponses sont à corriger" in html
    assert f'href="#q-{key}' in html and 'aria-invalid="true"' in html
    assert re.search(f'aria-describedby="[^"]*q-{key}-error', html)
    assert f'id="q-{key}-error"' in html
    assert html.count("<b>") == 0 and html.count("<i>") == 0
    assert responses(db) == []


def test_error_is_shown_on_the_screen_being_filled(client, db, survey):
    _, code = survey
    url = f"/s/{code}/questions"
    html = page(client.get(url))
    response = send(client, url, html, {"AGE": "12,5 ans", "COMMUNE.q": ""})
    html = page(response)
    assert "Étape 1 sur" in html and "Écrivez seulement un nombre" in html
    assert 'value="12,5 ans"' in html  # what they typed is still there
    assert "Indiquez votre commune." in html
    assert html.index("error-summary") < html.index("<form")
    assert responses(db) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Beaurepaire", "Beaurepaire (38270, Isère)"),
        ("59530", "Le Quesnoy (59530, Nord)"),
        ("st martin", "Saint-Martin (32300, Gers)"),
    ],
)
def test_several_communes_are_offered_with_postcode_and_departement(
    client, survey, query, expected
):
    _, code = survey
    url = f"/s/{code}/questions"
    html = page(send(client, url, page(client.get(url)), {"COMMUNE.q": query}))
    assert "Étape 1 sur" in html and expected in html
    assert 'type="radio"' in html and 'name="COMMUNE"' in html
    assert "Autre commune / je préfère ne pas dire" in html
    assert "Plusieurs communes correspondent" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [("lyon", "69123"), ("Landreci", "59331"), ("LANDRÉCIES", "59331"),
     ("69003", "69123"), ("bavay", "59053")],
)  # fmt: skip
def test_one_matching_commune_is_taken_on_the_same_tap(
    client, db, survey, query, expected
):
    _, code = survey
    url = f"/s/{code}/questions"
    answers = {"AGE": "40", "COMMUNE.q": query}
    html = page(send(client, url, page(client.get(url)), answers))
    assert "Étape 2 sur" in html  # no second tap (issue 8, A2)
    assert f'name="COMMUNE" value="{expected}"' in html


def add_to_territory(db, diagnostic, *codes):
    with write_transaction(db):
        for commune in codes:
            db.execute(
                "INSERT INTO diagnostic_communes (diagnostic_id, commune_code) "
                "VALUES (?, ?)",
                [diagnostic, commune],
            )


def test_the_territory_comes_first(client, db, diagnostic, survey):
    _, code = survey
    url = f"/s/{code}/questions"
    add_to_territory(db, diagnostic, "85017", "59481", "59057")
    answers = {"AGE": "40", "COMMUNE.q": "Beaurepaire"}  # four in France
    html = page(send(client, url, page(client.get(url)), answers))
    assert 'name="COMMUNE" value="85017"' in html and "Étape 2 sur" in html
    answers = {"AGE": "40", "COMMUNE.q": "59530"}  # fifteen, two here
    html = page(send(client, url, page(client.get(url)), answers))
    offered = re.findall(r'name="COMMUNE" value="(\w+)"', html)
    assert set(offered[:2]) == {"59057", "59481"} and len(offered) > 3


def test_people_from_elsewhere_can_go_on(client, db, survey):
    _, code = survey
    url = f"/s/{code}/questions"
    answers = {"AGE": "40", "COMMUNE.q": "Beaurepaire"}
    html = page(send(client, url, page(client.get(url)), answers))
    html = page(send(client, url, html, {"COMMUNE": "aucune"}))
    assert "Étape 2 sur" in html
    assert 'name="COMMUNE" value="aucune"' in html  # kept as a choice


def test_search_and_other_errors_are_shown_together(client, survey):
    _, code = survey
    url = f"/s/{code}/questions"
    answers = {"AGE": "quarante", "COMMUNE.q": "Beaurepaire"}
    html = page(send(client, url, page(client.get(url)), answers))
    assert "Beaurepaire (60700, Oise)" in html and "Écrivez seulement un nombre" in html
    html = page(send(client, url, html, {"AGE": "40"}))  # forgot to pick
    assert "Choisissez votre commune dans la liste." in html
    assert 'href="#q-COMMUNE-1"' in html and 'value="40"' in html
    html = page(send(client, url, html, {"COMMUNE": "60056"}))
    assert "Étape 2 sur" in html


def test_commune_not_found_and_then_corrected(client, survey):
    _, code = survey
    url = f"/s/{code}/questions"
    html = page(send(client, url, page(client.get(url)), {"COMMUNE.q": "zzqxw"}))
    assert "Aucune commune trouvée pour « zzqxw »" in html
    assert "Autre commune / je préfère ne pas dire" in html
    html = page(send(client, url, html, {"AGE": "30", "COMMUNE.q": "69003"}))
    assert "Étape 2 sur" in html


@pytest.mark.parametrize(
    ("status", "http", "text"),
    [
        ("draft", 404, "Cette enquête n&#39;a pas encore commencé"),
        ("closed", 410, "Cette enquête est terminée, merci"),
    ],
)
def test_draft_and_closed_surveys(client, db, diagnostic, status, http, text):
    _, code = make_survey(db, diagnostic, status=status)
    for url in (f"/s/{code}", f"/s/{code}/questions"):
        response = client.get(url)
        assert response.status_code == http
        assert text in page(response) and 'lang="fr"' in page(response)


def test_closing_during_the_walk_refuses_the_last_screen(client, db, survey):
    survey_id, code = survey
    html = walk_to_last(client, code)
    with write_transaction(db):
        db.execute("UPDATE surveys SET status = 'closed' WHERE id = ?", [survey_id])
    response = send(client, f"/s/{code}/questions", html, SCREENS[-1])
    assert response.status_code == 410 and responses(db) == []


def test_unknown_code_is_a_french_404(client):
    response = client.get("/s/inconnu")
    assert response.status_code == 404
    assert "Aucune enquête ne correspond" in page(response)


def test_point_code_records_the_point_and_is_case_insensitive(client, db, survey):
    survey_id, code = survey
    point_id = model.create_point(db, survey_id, "Marché du jeudi", "marche")
    point_code = db.execute(
        "SELECT code FROM collection_points WHERE id = ?", [point_id]
    ).fetchone()[0]
    assert "Le numérique et vous" in page(client.get(f"/s/{point_code.upper()}"))
    html = walk_to_last(client, point_code.upper())
    response = send(client, f"/s/{point_code}/questions", html, SCREENS[-1])
    assert response.status_code == 303
    [row] = responses(db)
    assert row["point_id"] == point_id and row["survey_id"] == survey_id


def test_no_ip_address_or_user_agent_is_stored(client, db, survey):
    _, code = survey
    env = {"REMOTE_ADDR": "203.0.113.77"}
    headers = {"User-Agent": "TelephoneDeTest/9.9", "X-Forwarded-For": "198.51.100.9"}
    client.environ_base.update(env)
    html = walk_to_last(client, code)
    send(client, f"/s/{code}/questions", html, SCREENS[-1], headers=headers)
    columns = {c.name.lower() for c in db["responses"].columns}
    assert columns == {
        "id", "survey_id", "version_id", "point_id", "idempotency_key", "mode",
        "submitted_at", "answers",
    }  # fmt: skip
    [row] = db.execute("SELECT * FROM responses").fetchall()
    stored = " ".join(str(v) for v in tuple(row))
    for secret in ("203.0.113.77", "198.51.100.9", "TelephoneDeTest"):
        assert secret not in stored


def test_pages_are_small_and_need_no_script(client, survey):
    _, code = survey
    start = client.get(f"/s/{code}")
    with client.get("/static/public.css") as css:
        stylesheet = page(css)
    html = page(start)
    # Uncompressed, so well under the 25 kB compressed budget.
    assert len(html.encode()) + len(stylesheet.encode()) < 25_000
    assert "<script" not in html and "<img" not in html and "url(" not in stylesheet
    assert html.count("<link") == 1  # the stylesheet only: no font, no icon
    step = client.get(f"/s/{code}/questions")
    assert step.headers["Cache-Control"] == "private, no-cache"
    assert "<script" not in page(step) and " style=" not in page(step)


def test_privacy_page_keeps_the_answers_given_so_far(client, db, survey):
    """Issue 8, A4: "Retour au questionnaire" restarted from zero."""
    _, code = survey
    url = f"/s/{code}/questions"
    html = page(send(client, url, page(client.get(url)), SCREENS[0]))
    assert "Étape 2 sur" in html
    assert 'name="_nav" value="privacy"' in html
    answers = {"MOBILE": "autre", "MOBILE.autre": "Un vieux Nokia"}
    privacy = page(send(client, url, html, answers, nav="privacy"))
    assert "Vos données et vos droits" in privacy and "24 mois" in privacy
    assert 'value="Un vieux Nokia"' in privacy and 'value="42"' in privacy
    back_html = page(send(client, url, privacy, {}, nav="back"))
    assert "Étape 2 sur" in back_html and "Certaines réponses" not in back_html
    assert 'value="autre" checked' in back_html and "Un vieux Nokia" in back_html
    for answers in SCREENS[1:]:
        back_html = page(send(client, url, back_html, answers))
    [row] = responses(db)
    assert json.loads(row["answers"])["AGE"] == 42


@pytest.mark.parametrize(
    ("structure", "expected"),
    [
        ("Communauté de communes du Diois", "La Communauté de communes du Diois"),
        ("CC du Trièves", "La Communauté de communes du Trièves"),
        ("Centre social Les Tilleuls", "Le Centre social Les Tilleuls"),
        ("Espace France Services", "L'Espace France Services"),
        ("la Mairie de Die", "La Mairie de Die"),
        ("Emmaüs Connect", "Emmaüs Connect"),
        ("", "L'équipe du diagnostic"),
    ],
)
def test_thanks_page_names_the_structure_with_its_article(structure, expected):
    """Issue 8, A5: "Et ensuite ? Communauté de communes … rassemble"."""
    assert structure_subject(structure) == expected


def test_thanks_page_sentence(client, db, survey, diagnostic):
    _, code = survey
    with write_transaction(db):
        db.execute(
            "UPDATE diagnostics SET structure = ? WHERE id = ?",
            ["Communauté de communes du Diois", diagnostic],
        )
    html = page(client.get(f"/s/{code}/merci"))
    assert "Et ensuite ? La Communauté de communes du Diois rassemble" in html


def test_hints_are_said_once_and_required_questions_marked(client, db, diagnostic):
    """Issue 8, A5: "plusieurs réponses" twice, "(facultatif)" everywhere."""
    questions = [
        {**q, "help": "Vous pouvez cocher plusieurs réponses."}
        if q["key"] == "EQUIP"
        else q
        for q in QUESTIONS
    ]
    _, code = make_survey(db, diagnostic, questions=questions)
    url = f"/s/{code}/questions"
    html = page(send(client, url, page(client.get(url)), SCREENS[0]))
    assert "EQUIP" in html
    assert html.count("Vous pouvez cocher plusieurs réponses.") == 1
    assert "(facultatif)" not in html
    assert html.count("(obligatoire)") == 2  # MOBILE and EQUIP
    assert "Vous pouvez laisser vide" not in html  # nothing optional here
    for answers in SCREENS[1:-1]:
        html = page(send(client, url, html, answers))
    assert "Étape 6 sur 6" in html and "(obligatoire)" not in html
    assert html.count("Vous pouvez laisser vide une question") == 1
