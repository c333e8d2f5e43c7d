"""Offline queue sync: POST /s/<code>/envoi stores each queued answer once."""

import pytest
from helpers.offline_entry import item, make_survey, responses, version_id
from helpers.web import login, make_user, post_form

from survey_app.db import connect, write_transaction
from survey_app.field import device


@pytest.fixture
def kiosk(app, diagnostic):
    survey_id, point_id, _other = make_survey(app, diagnostic)
    with app.test_request_context():
        token = device.mint(survey_id, point_id)
    from survey_app.db import connect

    db = connect(app.config["DATABASE"])
    code = db.execute(
        "SELECT code FROM collection_points WHERE id = ?", [point_id]
    ).fetchone()[0]
    db.close()
    return {
        "survey": survey_id,
        "point": point_id,
        "token": token,
        "url": f"/s/{code}/envoi",
        "version": version_id(app, survey_id),
    }


def send(client, kiosk, items, token=None):
    return client.post(
        kiosk["url"], json={"token": token or kiosk["token"], "items": items}
    )


def test_batch_stores_each_item_once_with_its_mode_point_and_time(app, client, kiosk):
    batch = [item(kiosk["version"]), item(kiosk["version"], AGE="33", MOBILE="simple",
             AIDE="Faire mes papiers")]  # fmt: skip
    first = send(client, kiosk, batch)
    assert first.status_code == 200
    assert [r["status"] for r in first.json["results"]] == ["stored", "stored"]
    assert first.headers["Cache-Control"] == "no-store"
    again = send(client, kiosk, batch)  # the answer to the first send was lost
    assert [r["status"] for r in again.json["results"]] == ["duplicate"] * 2
    stored = responses(app, kiosk["survey"])
    assert len(stored) == 2
    assert {r["mode"] for r in stored} == {"kiosk"}
    assert {r["point_id"] for r in stored} == {kiosk["point"]}
    assert stored[0]["submitted_at"] == "2026-11-20T09:30:00Z"  # when answered
    assert stored[1]["answers"] == {
        "AGE": 33,
        "MOBILE": "simple",
        "AIDE": "Faire mes papiers",
    }
    assert {r["idempotency_key"] for r in stored} == {i["key"] for i in batch}


def test_invalid_items_are_refused_with_french_reasons_others_stored(
    app, client, kiosk
):
    good = item(kiosk["version"])
    too_old = item(kiosk["version"], AGE="130", MOBILE="smartphone")
    missing = item(kiosk["version"], AGE="40")
    unknown_choice = item(kiosk["version"], AGE="40", MOBILE="tablette")
    bad_version = {**item(kiosk["version"]), "version_id": 999999}
    bad_mode = {**item(kiosk["version"]), "mode": "paper"}
    bad_key = {**item(kiosk["version"]), "key": "x"}
    garbage = "pas un objet"
    batch = [good, too_old, missing, unknown_choice, bad_version, bad_mode,
             bad_key, garbage]  # fmt: skip
    results = send(client, kiosk, batch).json["results"]
    assert [r["status"] for r in results] == ["stored"] + ["invalid"] * 7
    assert "entre 0 et 120" in results[1]["errors"]["AGE"]
    assert "Quel âge avez-vous" in results[1]["message"]
    assert results[2]["errors"] == {"MOBILE": "Choisissez une réponse."}
    assert "ne fait pas partie de la liste" in results[3]["message"]
    assert "version" in results[4]["message"]
    assert "Mode de collecte" in results[5]["message"]
    assert "Identifiant" in results[6]["message"]
    assert len(responses(app, kiosk["survey"])) == 1


def test_hidden_answers_dropped_and_communes_resolved_by_the_server(app, client, kiosk):
    hidden = item(kiosk["version"], AGE="50", MOBILE="smartphone", AIDE="caché",
                  COMMUNE="69003")  # fmt: skip
    by_name = item(kiosk["version"], AGE="50", MOBILE="smartphone",
                   COMMUNE="Saint-Martin")  # fmt: skip
    results = send(client, kiosk, [hidden, by_name]).json["results"]
    assert results[0]["status"] == "stored"
    assert responses(app, kiosk["survey"])[0]["answers"] == {
        "AGE": 50,
        "MOBILE": "smartphone",
        "COMMUNE": "69123",  # postcode 69003 is Lyon only
    }
    # Five Saint-Martin in France, none in the territory: the answer is
    # stored all the same, the commune kept "à vérifier" (issue 8, A1).
    assert results[1]["status"] == "stored"
    stored = responses(app, kiosk["survey"])[1]
    assert stored["answers"] == {"AGE": 50, "MOBILE": "smartphone"}
    assert to_check(app, stored["id"]) == [
        ("COMMUNE", "Saint-Martin", "À vérifier : plusieurs communes correspondent.")
    ]


def add_to_territory(app, diagnostic: int, *codes: str) -> None:
    db = connect(app.config["DATABASE"])
    try:
        with write_transaction(db):
            for code in codes:
                db.execute(
                    "INSERT INTO diagnostic_communes (diagnostic_id, commune_code) "
                    "VALUES (?, ?)",
                    [diagnostic, code],
                )
    finally:
        db.close()


def to_check(app, response_id: int) -> list[tuple]:
    db = connect(app.config["DATABASE"])
    try:
        rows = db.execute(
            "SELECT question_key, typed, reason FROM answers_to_check "
            "WHERE response_id = ? ORDER BY id",
            [response_id],
        )
        return [tuple(r) for r in rows]
    finally:
        db.close()


@pytest.mark.parametrize(
    "typed, territory, expected",
    [
        ("bavay", (), "59053"),  # case ignored
        ("Landreci", (), "59331"),  # the only commune starting so
        ("LANDRÉCIES", (), "59331"),  # accents ignored
        ("Beaurepaire", ("60056",), "60056"),  # four in France, one here
        ("59530", ("59481",), "59481"),  # fifteen share it, one here
        ("st martin", ("54480",), "54480"),
    ],
)
def test_commune_typed_offline_prefers_the_territory_then_the_country(
    app, client, kiosk, diagnostic, typed, territory, expected
):
    add_to_territory(app, diagnostic, *territory)
    answer = item(kiosk["version"], AGE="50", MOBILE="smartphone", COMMUNE=typed)
    assert send(client, kiosk, [answer]).json["results"][0]["status"] == "stored"
    stored = responses(app, kiosk["survey"])[0]
    assert stored["answers"]["COMMUNE"] == expected
    assert to_check(app, stored["id"]) == []


def test_unreadable_optional_answer_is_kept_aside_and_the_rest_stored(
    app, client, kiosk
):
    long = "a" * 301
    answer = item(kiosk["version"], AGE="50", MOBILE="simple", AIDE=long,
                  COMMUNE="Zzyzx")  # fmt: skip
    result = send(client, kiosk, [answer]).json["results"][0]
    assert result["status"] == "stored"
    stored = responses(app, kiosk["survey"])[0]
    assert stored["answers"] == {"AGE": 50, "MOBILE": "simple"}
    kept = to_check(app, stored["id"])
    assert kept[0] == ("COMMUNE", "Zzyzx", "À vérifier : commune introuvable.")
    assert kept[1][:2] == ("AIDE", long)
    assert "trop longue" in kept[1][2]
    # Sent again (the tablet never got the answer): nothing twice.
    assert send(client, kiosk, [answer]).json["results"][0]["status"] == "duplicate"
    assert len(to_check(app, stored["id"])) == 2


def test_implausible_device_clock_uses_the_arrival_time(app, client, kiosk):
    future = {**item(kiosk["version"]), "answered_at": "2099-01-01T00:00:00Z"}
    send(client, kiosk, [future])
    assert responses(app, kiosk["survey"])[0]["submitted_at"] < "2099"


def test_forged_or_missing_token_is_refused(app, client, kiosk):
    token = kiosk["token"]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (forged, "", None, 12):
        response = client.post(
            kiosk["url"], json={"token": bad, "items": [item(kiosk["version"])]}
        )
        assert response.status_code == 403
        assert "pas autorisé" in response.json["error"]
    assert responses(app, kiosk["survey"]) == []


def test_token_of_another_survey_is_refused(app, client, kiosk, diagnostic):
    other_survey, other_point, _ = make_survey(app, diagnostic)
    with app.test_request_context():
        other_token = device.mint(other_survey, other_point)
    # Another survey's token against this survey's address.
    response = send(client, kiosk, [item(kiosk["version"])], token=other_token)
    assert response.status_code == 403
    assert responses(app, kiosk["survey"]) == []
    assert responses(app, other_survey) == []


def test_another_conseillers_kiosk_page_is_forbidden(app, client, kiosk):
    make_user(app, "autre@example.fr")
    login(client, "autre@example.fr")
    survey, point = kiosk["survey"], kiosk["point"]
    assert client.get(f"/enquetes/{survey}/kiosque/{point}").status_code == 403
    assert client.get(f"/enquetes/{survey}/sur-place").status_code == 403
    assert client.get(f"/enquetes/{survey}/saisie").status_code == 403
    url = f"/enquetes/{survey}/kiosque/{point}/ouvrir"
    assert post_form(client, url, {}, page="/").status_code == 403


def test_malformed_bodies_get_a_french_400(client, kiosk):
    for body in (b"{pas du json", b"[]", b'{"token": "x"}'):
        response = client.post(kiosk["url"], data=body, content_type="application/json")
        assert response.status_code == 400
        assert "JSON" in response.json["error"]
    response = send(client, kiosk, [item(kiosk["version"])] * 101)
    assert response.status_code == 413


def test_queue_of_a_closed_survey_still_arrives(app, client, kiosk):
    from survey_app.db import connect, write_transaction

    db = connect(app.config["DATABASE"])
    with write_transaction(db):
        db.execute(
            "UPDATE surveys SET status = 'closed' WHERE id = ?", [kiosk["survey"]]
        )
    db.close()
    results = send(client, kiosk, [item(kiosk["version"])]).json["results"]
    assert results[0]["status"] == "stored"


def test_today_counts_this_points_kiosk_answers(app, client, kiosk):
    fresh = {**item(kiosk["version"]), "answered_at": None}
    body = send(client, kiosk, [fresh, item(kiosk["version"])]).json
    assert body["today"] == 1  # the other one was answered on the 20th


def test_queue_still_arrives_after_its_point_was_deleted(app, client, kiosk):
    from survey_app.db import connect, write_transaction

    db = connect(app.config["DATABASE"])
    with write_transaction(db):
        db.execute("DELETE FROM collection_points WHERE id = ?", [kiosk["point"]])
    db.close()
    results = send(client, kiosk, [item(kiosk["version"])]).json["results"]
    assert results[0]["status"] == "stored"
    assert responses(app, kiosk["survey"])[0]["point_id"] is None
