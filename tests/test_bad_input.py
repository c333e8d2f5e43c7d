"""Bad input never makes a 500: every route, every kind of bad value (issue 8, E3).

The routes are read from `app.url_map`, so a new route is covered as soon as
it exists. Each gets, with ids that exist (so that the request goes past the
"not found" checks): integers too large for SQLite in its URL, bad values in
its query string, and JSON bodies and forms where each field in turn holds
a number SQLite cannot store, `Infinity`, `NaN`, `1e400`, a list, an object,
a number or a text where another type is expected.
"""

import inspect
import json
import re

import pytest
from helpers.offline_entry import make_survey
from helpers.web import login
from helpers.workshops import csrf_token, make_workshop

from facilitation.cards import post_card
from facilitation.participants import join

TOO_BIG = "99999999999999999999999"
# Raw JSON: the `json` module writes none of the first four from Python.
JSON_BAD = [TOO_BIG, "-" + TOO_BIG, "Infinity", "-Infinity", "NaN", "1e400",
            "[1]", '{"a": 1}', "[]", "12", "true", '"texte"', "-1", "null"]  # fmt: skip
# One of each type, field by field: list, object, number, text, boolean.
# (Too large and non-finite numbers are refused wherever they are in a body.)
WRONG_TYPES = ["[1]", '{"a": 1}', "12", '"texte"', "true"]
QUERY_BAD = [TOO_BIG, "-" + TOO_BIG, "1e400", "Infinity", "abc", "-1", ""]
QUERY_KEYS = ["after", "point", "activite", "limit", "n", "since", "q", "merci",
              "question", "selon", "next", "code", "telecharger"]  # fmt: skip
# Every field any route reads from a JSON body, a setting or a form.
JSON_KEYS = [
    "display_name", "activity_id", "column", "text", "client_key", "card_id",
    "count", "delta", "title", "activities", "settings", "locked", "status",
    "current_activity_id", "kind", "config", "phase", "direction", "stop", "add",
    "seconds", "by_table", "merged", "participant_id", "table_id", "into", "name",
    "endpoint", "keys", "token", "items",
]  # fmt: skip
SETTING_KEYS = [
    "budget", "base_year", "horizons", "max_card_length", "tables", "minuteur",
    "several_dots", "moderation", "anonymous", "columns", "phases", "seconds",
]  # fmt: skip
ITEM_KEYS = ["key", "version_id", "answers", "mode", "answered_at"]
FORM_KEYS = ["point", "mode", "n", "user_id", "target", "epci", "commune",
             "position", "_v", "_k", "name", "title", "min", "max", "max_length",
             "after", "AGE", "MOBILE", "PR_COMMUNE", "status", "question"]  # fmt: skip
LAST = ("supprimer", "retirer", "deconnexion", "statut", "quitter", "kiosque")


@pytest.fixture
def world(app, client, user, diagnostic, db):
    """Every kind of object a URL can name, and a client allowed everywhere."""
    survey_id, point_id, _ = make_survey(app, diagnostic, code="bad-input")
    workshop = make_workshop(db, diagnostic, ("empathy", None), ("brainstorm", None))
    participant, _ = join(db, workshop["id"], "Ana")
    activity_id = workshop["activities"][0]
    card = post_card(db, activity_id, "dit", "Bonjour", participant)
    login(client)
    assert client.post(f"/a/{workshop['code']}/rejoindre", json={}).status_code == 201
    return {
        "wid": workshop["id"],
        "workshop_id": workshop["id"],
        "activity_id": activity_id,
        "card_id": card["id"] if isinstance(card, dict) else card,
        "participant_id": participant["id"],
        "diagnostic_id": diagnostic,
        "survey_id": survey_id,
        "point_id": point_id,
        "alert_id": 1,
        "key": "AGE",
        "action": "ouvrir",
        "fmt": "csv",
        "workshop_code": workshop["code"],
        "survey_code": "bad-input",
        "csrf": csrf_token(client),
    }


def routes(app, world, int_value=None):
    """(method, path, rule) for every route but static files, destructive last."""
    found = []
    for rule in app.url_map.iter_rules():
        if "filename" in rule.arguments:
            continue
        values = {}
        for name in rule.arguments:
            if name == "code":
                side = "workshop" if rule.rule.startswith("/a/") else "survey"
                values[name] = world[f"{side}_code"]
            elif hasattr(rule._converters[name], "items"):  # <any(a, b):…>
                values[name] = sorted(rule._converters[name].items)[0]
            elif int_value is not None and rule._converters[name].regex == r"\d+":
                values[name] = int_value
            elif name not in world:  # a route added later: any value will do
                is_int = rule._converters[name].regex == r"\d+"
                values[name] = 1 if is_int else "x"
            else:
                values[name] = world[name]
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path, rule))
    return sorted(found, key=lambda f: any(w in f[1] for w in LAST))


def signed_in_throughout(client, world, found):
    """Yield the routes; before the destructive ones, check that the
    conseiller is still signed in (else the routes tried were only refused)."""
    checked = False
    for item in found:
        if not checked and any(word in item[1] for word in LAST):
            page = client.get(f"/diagnostics/{world['diagnostic_id']}")
            assert page.status_code == 200, "signed out: later routes not reached"
            checked = True
        yield item


def send(client, method, path, failures, label, **kwargs):
    try:
        response = client.open(path, method=method, **kwargs)
        status = response.status_code
        response.close()  # event streams: stop the generator
    except Exception as error:  # noqa: BLE001 (TESTING propagates errors)
        status = f"{type(error).__name__}: {error}"[:120]
    if not isinstance(status, int) or status >= 500:
        failures.append(f"{method} {path} {label} -> {status}")
    return status


def test_integers_too_large_for_sqlite_in_urls_are_404(app, client, world):
    failures = []
    int_routes = [r for r in routes(app, world, int_value=TOO_BIG) if TOO_BIG in r[1]]
    assert len(int_routes) > 60
    for method, path, _rule in signed_in_throughout(client, world, int_routes):
        status = send(
            client, method, path, failures, "", headers={"X-CSRFToken": world["csrf"]}
        )
        if status != 404:
            failures.append(f"{method} {path} -> {status}, not 404")
    assert failures == [], "\n".join(failures)


def test_bad_query_strings_are_refused_without_error(app, client, world):
    failures = []
    for method, path, _rule in signed_in_throughout(client, world, routes(app, world)):
        if method != "GET":
            continue
        for bad in QUERY_BAD:
            query = {key: bad for key in QUERY_KEYS}
            send(client, method, path, failures, f"?…={bad!r}", query_string=query)
    assert failures == [], "\n".join(failures)


def fields_read(app, rule) -> set[str]:
    """The names a view mentions ("title", "settings"…): the fields it reads."""
    source = inspect.getsource(app.view_functions[rule.endpoint])
    return set(re.findall(r'"([a-z_]+)"', source))


def _json_payloads(world, fields: set[str]):
    """Each field in turn holds each kind of bad value (the others are valid)."""
    base = {
        "activity_id": world["activity_id"],
        "card_id": world["card_id"],
        "participant_id": world["participant_id"],
        "column": "dit",
        "text": "Bonjour",
    }
    base_text = json.dumps(base)[1:-1]
    for bad in JSON_BAD:
        yield bad
        yield f"{{{', '.join(f'{json.dumps(k)}: {bad}' for k in JSON_KEYS)}}}"
    for bad in WRONG_TYPES:
        for key in sorted(fields | set(base)):
            yield f"{{{base_text}, {json.dumps(key)}: {bad}}}"
        if fields & {"settings", "config", "create_workshop"}:
            for key in SETTING_KEYS:
                inner = f"{{{json.dumps(key)}: {bad}}}"
                yield f'{{{base_text}, "settings": {inner}, "config": {inner}}}'
        if fields & {"items", "receive"}:
            for key in ITEM_KEYS:
                yield f'{{"items": [{{{json.dumps(key)}: {bad}}}], "token": "x"}}'
        if "activities" in fields:
            activity = f'{{"kind": {bad}, "config": {bad}, "title": {bad}}}'
            yield f'{{"activities": [{activity}]}}'


def test_bad_json_fields_are_refused_without_error(app, client, world):
    failures = []
    posts = [r for r in routes(app, world) if r[0] != "GET"]
    json_posts = [
        r for r in posts if "/api" in r[1] or r[1].startswith(("/a/", "/notif", "/s/"))
    ]
    assert len(json_posts) > 25
    for method, path, rule in signed_in_throughout(client, world, json_posts):
        for payload in _json_payloads(world, fields_read(app, rule)):
            send(
                client,
                method,
                path,
                failures,
                payload[:80],
                data=payload,
                content_type="application/json",
                headers={"X-CSRFToken": world["csrf"]},
            )
    assert failures == [], "\n".join(failures)


def test_bad_form_fields_are_refused_without_error(app, client, world):
    failures = []
    for method, path, _rule in signed_in_throughout(client, world, routes(app, world)):
        if method != "POST":
            continue
        for bad in QUERY_BAD:
            form = {key: bad for key in FORM_KEYS}
            form["csrf_token"] = world["csrf"]
            send(client, method, path, failures, f"form={bad!r}", data=form)
    assert failures == [], "\n".join(failures)


def test_the_issue_examples_get_a_french_answer(app, client, world):
    """The requests of issue 8 (E3), one by one, with the message shown."""
    survey, code = world["survey_id"], world["workshop_code"]
    response = client.get(f"/enquetes/{TOO_BIG}/questions")
    assert response.status_code == 404
    assert "Cette adresse ne correspond à aucune page" in response.text
    for path in (f"/a/{code}/evenements", f"/a/{code}/flux"):
        response = client.get(path, query_string={"after": TOO_BIG})
        assert response.status_code == 400 and "trop grand" in response.json["error"]
    response = client.get(
        f"/ateliers/{world['wid']}/nuage.svg", query_string={"activite": TOO_BIG}
    )
    assert response.status_code == 400 and "nombre entier" in response.text
    for raw in ('{"count": Infinity}', '{"count": 1e400}', f'{{"card_id": {TOO_BIG}}}'):
        response = client.post(
            f"/a/{code}/votes", data=raw, content_type="application/json"
        )
        assert response.status_code == 400
        assert "Données illisibles" in response.json["error"]
    staff = {"X-CSRFToken": world["csrf"]}
    response = client.post(
        f"/ateliers/{world['wid']}/api/atelier", json={"settings": "x"}, headers=staff
    )
    assert response.status_code == 400
    assert response.json["error"] == "Le champ « settings » doit être un objet."
    response = client.post(f"/a/{code}/nom", json={"display_name": ["Ana"]})
    assert response.json["error"] == "Le champ « display_name » doit être un texte."
    assert client.get(f"/enquetes/{survey}/questions").status_code == 200
