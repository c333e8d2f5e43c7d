"""JSON endpoints: authorisation of every facilitator action, participants'
protection against cross-site requests, unknown or closed codes, flows."""

import io
import re

import pytest
from helpers.web import login
from helpers.workshops import (
    Phone,
    Staff,
    csrf_token,
    make_workshop,
    other_conseiller,
    participant,
)
from openpyxl import load_workbook

from facilitation import cards, workshops
from facilitation.events import latest_event_id

FACILITATOR_PREFIXES = ("/ateliers/<int:wid>", "/diagnostics/<int:diagnostic_id>")


def _facilitator_routes(app) -> list[tuple[str, str]]:
    """Every facilitator endpoint of the workshop blueprints, with its method."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(
            ("workshop_staff_api.", "workshop_create_api.", "workshop_downloads.")
        ):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, rule.rule))
    return routes


def _url(rule: str, ids: dict) -> str:
    url = rule
    for name, value in ids.items():
        url = re.sub(rf"<(?:int:)?{name}>", str(value), url)
    assert "<" not in url, url
    return url


@pytest.fixture
def board(app, db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    person = participant(db, workshop["id"], "Alice")
    card = cards.post_card(db, workshop["activities"][0], "idees", "Idée", person)
    return {
        "wid": workshop["id"],
        "diagnostic_id": diagnostic,
        "activity_id": workshop["activities"][0],
        "card_id": card["id"],
        "participant_id": person["id"],
        "fmt": "csv",
        "code": workshop["code"],
    }


def test_every_facilitator_endpoint_is_covered_here(app):
    routes = _facilitator_routes(app)
    assert len(routes) >= 24
    assert all(r.startswith(FACILITATOR_PREFIXES) for _, r in routes)


@pytest.mark.parametrize("who", ["anonymous", "participant", "other_conseiller"])
def test_facilitator_endpoints_refuse_everyone_else(app, db, board, who):
    client = app.test_client()
    if who == "participant":
        phone = Phone(app, board["code"])
        client = phone.client
    elif who == "other_conseiller":
        other_conseiller(app, client)
    # A valid CSRF token of the intruder's own session: only authorisation
    # can stop them.
    headers = {"X-CSRFToken": csrf_token(client)}
    if who == "participant":
        headers["X-Participant-Token"] = phone.token
    before = latest_event_id(db, board["wid"])
    for method, rule in _facilitator_routes(app):
        url = _url(rule, {k: v for k, v in board.items() if k != "code"})
        body = {
            "title": "Piraté",
            "kind": "brainstorm",
            "text": "Piraté",
            "locked": True,
            "status": "closed",
            "activity_id": board["activity_id"],
            "card_id": board["card_id"],
            "participant_id": board["participant_id"],
            "column": "idees",
            "count": 2,
        }
        response = client.open(url, method=method, json=body, headers=headers)
        download = rule.startswith("/ateliers/<int:wid>/") and "/api/" not in rule
        if download and who != "other_conseiller":
            assert response.status_code == 302, url
            assert "/connexion" in response.headers["Location"]
        else:
            assert response.status_code == 403, (method, url, response.status_code)
        if "/api/" in rule:
            assert response.is_json and "accès" in response.json["error"]
    assert latest_event_id(db, board["wid"]) == before
    assert db.execute("SELECT count(*) FROM workshops").fetchone()[0] == 1
    assert db.execute("SELECT text FROM workshop_cards").fetchone()[0] == "Idée"


def test_facilitator_needs_the_csrf_token_and_gets_404_for_unknown(
    logged_in, db, board
):
    response = logged_in.post(
        f"/ateliers/{board['wid']}/api/atelier", json={"locked": True}
    )
    assert response.status_code == 400 and "expiré" in response.json["error"]
    assert not workshops.get_workshop(db, board["wid"])["locked"]
    staff = Staff(logged_in, board["wid"])
    assert staff.post("atelier", {"locked": True}).json["workshop"]["locked"]
    assert Staff(logged_in, 9999).get("etat").status_code == 404
    assert staff.post("activites/9999/phase", {"phase": "vote"}).status_code == 404
    assert staff.post("cartes/9999/statut", {"status": "hidden"}).status_code == 404
    response = staff.post("activites", {"kind": "dots"})
    assert response.status_code == 400 and "Choisissez" in response.json["error"]
    # Not JSON at all.
    response = logged_in.post(
        f"/ateliers/{board['wid']}/api/atelier",
        data="locked",
        headers={"X-CSRFToken": staff.token},
    )
    assert response.status_code == 400 and "JSON" in response.json["error"]


def test_facilitator_runs_a_whole_workshop(app, logged_in, db, diagnostic):
    token = csrf_token(logged_in)
    response = logged_in.post(
        f"/diagnostics/{diagnostic}/ateliers/api",
        json={
            "title": "Inclusion numérique à Bourg",
            "activities": [
                {"kind": "empathy", "config": {"target": "seniors isolés"}},
                {"kind": "vision"},
            ],
            "settings": {"approval": True},
        },
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201
    workshop = response.json["workshop"]
    staff = Staff(logged_in, workshop["id"])
    empathy, vision = (a["id"] for a in staff.state()["activities"])
    phone = Phone(app, workshop["code"], "Zoé")
    card = phone.card(empathy, "Je me sens seul", column="ressent").json["card"]
    assert card["status"] == "pending" and card["mine"]
    assert (
        staff.post(f"cartes/{card['id']}/statut", {"status": "visible"}).status_code
        == 200
    )
    proxy = staff.post("participants", {"display_name": "M. Leroy"}).json
    proxy_id = proxy["participant"]["id"]
    on_behalf = staff.post(
        "cartes",
        {
            "activity_id": empathy,
            "column": "dit",
            "text": "Je n'ai pas d'ordinateur",
            "participant_id": proxy_id,
        },
    )
    assert on_behalf.status_code == 201
    assert on_behalf.json["card"]["author_name"] == "M. Leroy"
    assert (
        staff.post(f"activites/{empathy}/phase", {"phase": "vote"}).status_code == 200
    )
    vote = staff.post(
        "votes",
        {
            "activity_id": empathy,
            "participant_id": proxy_id,
            "card_id": card["id"],
            "count": 3,
        },
    )
    assert vote.json["used"] == 3
    assert phone.post(
        "votes", {"activity_id": empathy, "card_id": card["id"], "count": 2}
    ).json == {
        "activity_id": empathy,
        "card_id": card["id"],
        "count": 2,
        "used": 2,
        "budget": 5,
    }
    mine = next(a for a in phone.state()["activities"] if a["id"] == empathy)
    assert "totals" not in mine and mine["my_votes"] == {str(card["id"]): 2}
    assert (
        staff.post(f"activites/{empathy}/phase", {"direction": "next"}).status_code
        == 200
    )
    mine = next(a for a in phone.state()["activities"] if a["id"] == empathy)
    assert mine["totals"] == {str(card["id"]): 5}
    timer = staff.post(f"activites/{vision}/minuteur", {"seconds": 120}).json
    assert timer["activity"]["timer_ends_at"]
    assert staff.post("atelier", {"current_activity_id": vision}).status_code == 200
    assert phone.state()["workshop"]["current_activity_id"] == vision
    tables = staff.post("tables", {"count": 2}).json["tables"]
    assert len(tables) == 2
    seat = staff.post(
        f"participants/{proxy_id}/table", {"table_id": tables[1]["id"]}
    ).json
    assert seat["participant"]["table_id"] == tables[1]["id"]
    assert (
        staff.post(f"activites/{vision}/tables", {"by_table": True}).status_code == 200
    )
    assert staff.post("atelier", {"status": "closed"}).status_code == 200
    closed = phone.get("etat")
    assert closed.status_code == 410 and "terminé" in closed.json["error"]


def test_participant_posts_are_refused_from_other_sites(app, db, board):
    phone = Phone(app, board["code"])
    url = f"/a/{board['code']}/cartes"
    body = {"activity_id": board["activity_id"], "column": "idees", "text": "Ok"}
    before = db.execute("SELECT count(*) FROM workshop_cards").fetchone()[0]
    # A form on another site: the browser would send the cookie with a
    # top-level POST only if SameSite allowed it; even then it is refused.
    form = phone.client.post(url, data={"text": "Forgé", **body})
    assert form.status_code == 403 and "JSON" in form.json["error"]
    for headers in (
        {"Origin": "https://pirate.example"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        response = phone.client.post(url, json=body, headers=headers)
        assert response.status_code == 403, headers
        assert "autre site" in response.json["error"]
    # No token at all (a stranger's browser).
    stranger = app.test_client().post(url, json=body)
    assert stranger.status_code == 401 and "rejoint" in stranger.json["error"]
    assert (
        app.test_client()
        .post(url, json=body, headers={"X-Participant-Token": "faux"})
        .status_code
        == 401
    )
    assert db.execute("SELECT count(*) FROM workshop_cards").fetchone()[0] == before
    # The same request from the page itself, or with the header, works.
    ok = phone.client.post(
        url,
        json=body,
        headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    )
    assert ok.status_code == 201
    header_only = app.test_client().post(
        url, json={**body, "text": "Par en-tête"},
        headers={"X-Participant-Token": phone.token},
    )  # fmt: skip
    assert header_only.status_code == 201


def test_join_rejoin_and_names(app, board):
    phone = Phone(app, board["code"], "  Zoé  ")
    assert phone.participant["display_name"] == "Zoé"
    again = phone.post("rejoindre", {"display_name": "Zoé B."})
    assert again.status_code == 200 and again.json["token"] is None
    assert again.json["participant"]["id"] == phone.participant["id"]
    assert phone.state()["me"]["display_name"] == "Zoé B."
    too_long = phone.post("nom", {"display_name": "x" * 41})
    assert too_long.status_code == 400 and "trop long" in too_long.json["error"]
    cookie = phone.client.get_cookie(
        f"atelier_{board['code']}", path=f"/a/{board['code']}"
    )
    assert cookie.http_only and cookie.same_site == "Lax"
    assert cookie.value == phone.token


@pytest.mark.parametrize("path", ["etat", "evenements", "flux"])
def test_unknown_and_closed_codes_give_french_json(app, db, board, path):
    unknown = app.test_client().get(f"/a/zzzzzz/{path}")
    assert unknown.status_code == 404 and "Aucun atelier" in unknown.json["error"]
    phone = Phone(app, board["code"])
    workshops.set_status(db, board["wid"], "closed")
    closed = phone.get(path)
    assert closed.status_code == 410 and "terminé" in closed.json["error"]
    join = app.test_client().post(f"/a/{board['code']}/rejoindre", json={})
    assert join.status_code == 410


def test_participant_card_errors_are_french_json(app, board):
    phone = Phone(app, board["code"])
    for text, status, words in (
        ("", 400, "Écrivez quelque chose"),
        ("x" * 5000, 400, "5000 caractères"),
    ):
        response = phone.card(board["activity_id"], text, column="idees")
        assert response.status_code == status and words in response.json["error"]
    response = phone.post("cartes", {"activity_id": 9999, "text": "x"})
    assert response.status_code == 404
    response = phone.post(f"cartes/{board['card_id']}", {"text": "Pas à moi"})
    assert response.status_code == 404


def test_exports_escape_everything(app, logged_in, db, board):
    nasty = [
        '=HYPERLINK("http://pirate.example","clic")',
        "<script>alert('x')</script> & <img src=x>",
        "+33 6 00 00 00 00",
    ]
    person = participant(db, board["wid"], "<b>Zoé</b>")
    for text in nasty:
        cards.post_card(db, board["activity_id"], "idees", text, person)
    base = f"/ateliers/{board['wid']}"
    csv_text = logged_in.get(f"{base}/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text and "'+33 6" in csv_text
    assert "\n=HYPERLINK" not in csv_text and ";=HYPERLINK" not in csv_text
    book = load_workbook(io.BytesIO(logged_in.get(f"{base}/export.xlsx").data))
    texts = [row[4] for row in book["Cartes"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://pirate.example","clic")' in texts
    assert not any(str(t).startswith(("=", "+")) for t in texts)
    svg = logged_in.get(f"{base}/activites/{board['activity_id']}/plateau.svg")
    assert svg.mimetype == "image/svg+xml"
    svg_text = svg.get_data(as_text=True)
    assert "<script" not in svg_text and "&lt;script&gt;" in svg_text
    png = logged_in.get(f"{base}/activites/{board['activity_id']}/plateau.png")
    assert png.data.startswith(b"\x89PNG")
    html = logged_in.get(f"{base}/synthese.html").get_data(as_text=True)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
    markdown = logged_in.get(f"{base}/synthese.md").get_data(as_text=True)
    assert "<script" not in markdown and "&lt;script&gt;" in markdown
    votes_csv = logged_in.get(f"{base}/gommettes.csv")
    assert votes_csv.status_code == 200
    assert logged_in.get(f"{base}/export.pdf").status_code == 404
    assert logged_in.get(f"{base}/activites/9999/plateau.svg").status_code == 404


def test_word_cloud_of_the_cards(app, logged_in, db, board):
    base = f"/ateliers/{board['wid']}"
    person = participant(db, board["wid"])
    for text in ("Manque de transport", "Transport à la demande", "Transport"):
        cards.post_card(db, board["activity_id"], "idees", text, person)
    png = logged_in.get(f"{base}/nuage.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    svg = logged_in.get(f"{base}/nuage.svg?activite={board['activity_id']}")
    assert "transport" in svg.get_data(as_text=True).lower()
    empty = make_workshop(db, board["diagnostic_id"])
    missing = logged_in.get(f"/ateliers/{empty['id']}/nuage.png")
    assert missing.status_code == 404
    assert "Pas encore assez de mots" in missing.get_data(as_text=True)


def test_other_member_of_the_same_diagnostic_is_allowed(app, db, board):
    from helpers.web import make_user

    from survey_app.db import write_transaction

    user_id = make_user(app, "collegue@example.fr", "Collègue")
    with write_transaction(db):
        db.execute(
            "INSERT INTO diagnostic_members (diagnostic_id, user_id) VALUES (?, ?)",
            [board["diagnostic_id"], user_id],
        )
    client = app.test_client()
    login(client, "collegue@example.fr")
    assert Staff(client, board["wid"]).get("etat").status_code == 200


def test_api_md_lists_every_json_endpoint(app):
    """facilitation/API.md stays true (Datasette's test_docs habit)."""
    import pathlib

    doc = (pathlib.Path(__file__).parent.parent / "facilitation" / "API.md").read_text()
    doc = re.sub(r"<\w+>", "<>", doc)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("workshop_api."):
            suffix = rule.rule.split("/a/<code>/")[1]
        elif rule.endpoint.startswith("workshop_staff_api."):
            suffix = rule.rule.split("/api/")[1]
        else:
            continue
        assert f"`{re.sub(r'<[^>]+>', '<>', suffix)}" in doc, rule.rule


def test_connected_count_leaves_out_people_who_left(app, db, board, monkeypatch):
    """C5: "N participants connectés" counts phones on the page now: one that
    closed it, or went quiet for 60 s, is no longer counted."""
    from facilitation import participants

    def count() -> int:
        return participants.participant_count(db, board["wid"])

    assert count() == 1  # Alice, who joined in the fixture
    ana, ben, chloe = (Phone(app, board["code"], n) for n in ("Ana", "Ben", "Chloé"))
    assert count() == 4
    assert ana.post("quitter").status_code == 200
    assert count() == 3
    counts = [
        e["data"]["count"]
        for e in ben.get("evenements").json["events"]
        if e["type"] == "participants.count"
    ]
    assert counts[-1] == 3
    # Ben's phone went quiet; Chloé's keeps asking: Ben stops counting.
    db.execute(
        "UPDATE workshop_participants SET last_seen_at = '2026-01-01T00:00:00Z' "
        "WHERE id = ?",
        [ben.participant["id"]],
    )
    db.conn.commit()
    assert count() == 2
    assert chloe.get("etat").json["participant_count"] == 2
    # Ana comes back (reload): counted again, and the screens are told.
    assert ana.get("etat").json["participant_count"] == 3
    last = [e for e in chloe.get("evenements").json["events"]
            if e["type"] == "participants.count"][-1]  # fmt: skip
    assert last["data"]["count"] == 3


def test_screen_sees_a_silent_drop_even_when_no_phone_checks_in(logged_in, db, board):
    """C5: the last phone in the room loses its signal (no "quitter"): the
    projected screen, which asks every 20 s, shows 0 connected, without
    waiting for another phone to check in."""
    from facilitation import participants

    staff = Staff(logged_in, board["wid"])
    last = staff.get("evenements").json["last_id"]
    # Alice's phone was seen just over the presence window ago, then nothing.
    quiet = participants._ago(participants.PRESENCE_SECONDS + 1)
    db.execute("UPDATE workshop_participants SET last_seen_at = ?", [quiet])
    db.conn.commit()
    events = staff.get(f"evenements?after={last}").json["events"]
    counts = [e["data"]["count"] for e in events if e["type"] == "participants.count"]
    assert counts == [0]
    # Asking again changes nothing (no new event, no write for nothing).
    again = staff.get(f"evenements?after={events[-1]['id']}").json["events"]
    assert again == []


def test_a_live_phone_is_never_counted_out_between_two_visits():
    """A phone asks every 20 s and its visit is written every 30 s at most:
    so it is at most 50 s old, inside the window; a silent drop shows within
    the window plus one 20 s check of the screen (about 75 s)."""
    from facilitation import participants

    assert participants.TOUCH_SECONDS + 20 < participants.PRESENCE_SECONDS
    assert participants.PRESENCE_SECONDS + 20 <= 80
