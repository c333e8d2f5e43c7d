"""Impact × feasibility matrix: configuration, placements on phones and
for people without one, means hidden until the results, events, exports."""

import pytest
from helpers.workshops import Phone, Staff, make_workshop, participant

from facilitation import boards, cards, exports, matrix, moderation
from facilitation.errors import WorkshopError
from facilitation.events import Viewer, events_after
from facilitation.state import snapshot

ITEMS = [
    {"key": "chantier:1", "label": "Permanences <b>au marché</b>"},
    {"key": "chantier:2", "label": "Prêt de tablettes"},
    "Former les secrétaires de mairie",
]


def _matrix(db, diagnostic, items=ITEMS):
    workshop = make_workshop(db, diagnostic, ("matrix", {"items": items}))
    activity = workshop["activities"][0]
    boards.set_phase(db, activity, "vote")
    return workshop, activity


def test_configuration_is_checked(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid = workshop["id"]
    for bad in (None, [], ["x"] * 31, [""], ["a" * 201], ["a", {"key": "item:1"}]):
        with pytest.raises(WorkshopError, match="matrice"):
            boards.create_activity(db, wid, "matrix", config={"items": bad})
    dots = boards.create_activity(
        db, wid, "dots", config={"source_activity_id": workshop["activities"][0]}
    )
    with pytest.raises(WorkshopError, match="qui a des cartes"):
        boards.create_activity(db, wid, "matrix", config={"source_activity_id": dots})
    made = boards.get_activity(
        db, boards.create_activity(db, wid, "matrix", config={"items": ITEMS})
    )
    assert made["phases"] == ["vote", "results"]
    assert made["config"]["items"][2] == {
        "key": "item:3",
        "label": "Former les secrétaires de mairie",
    }
    assert made["title"] == "Matrice impact × faisabilité"


def test_placements_give_means_and_quadrants(db, diagnostic):
    workshop, activity = _matrix(db, diagnostic)
    alice, bob = participant(db, workshop["id"]), participant(db, workshop["id"])
    matrix.place(db, activity, alice, "chantier:1", 4, 3)
    matrix.place(db, activity, bob, "chantier:1", 3, 4)
    matrix.place(db, activity, alice, "chantier:2", 1, 4)
    # Absolute, so safe to retry: the same placement twice counts once.
    result = matrix.place(db, activity, bob, "chantier:2", 2, 1)
    result = matrix.place(db, activity, bob, "chantier:2", 2, 1)
    assert result["placed"] == 2
    assert matrix.summary(db, activity) == {
        "chantier:1": {"count": 2, "impact": 3.5, "feasibility": 3.5},
        "chantier:2": {"count": 2, "impact": 1.5, "feasibility": 2.5},
    }
    rows = matrix.results(db, boards.get_activity(db, activity))
    assert [r["key"] for r in rows] == ["chantier:1", "chantier:2", "item:3"]
    assert rows[0]["quadrant"] == "À lancer en priorité"
    assert rows[1]["quadrant"] == "À écarter pour l'instant"
    assert rows[2]["count"] == 0
    assert matrix.quadrant(3, 1) == "Fort impact, à préparer"
    assert matrix.quadrant(2.5, 2.6) == "Facile, impact limité"
    # Taking an item off the matrix.
    matrix.place(db, activity, bob, "chantier:2", None, None)
    assert matrix.summary(db, activity)["chantier:2"]["count"] == 1


def test_bad_placements_change_nothing(db, diagnostic):
    workshop, activity = _matrix(db, diagnostic)
    alice = participant(db, workshop["id"])
    for item, impact, feasibility, status in (
        ("chantier:9", 2, 2, 404),
        ("chantier:1", 0, 2, 400),
        ("chantier:1", 2, 5, 400),
        ("chantier:1", "fort", 2, 400),
        ("chantier:1", 2, None, 400),
    ):
        with pytest.raises(WorkshopError) as refused:
            matrix.place(db, activity, alice, item, impact, feasibility)
        assert refused.value.status == status
    boards.set_activity_locked(db, activity, True)
    with pytest.raises(WorkshopError, match="verrouillé"):
        matrix.place(db, activity, alice, "chantier:1", 2, 2)
    boards.set_activity_locked(db, activity, False)
    boards.set_phase(db, activity, "results")
    with pytest.raises(WorkshopError, match="pas ouvert"):
        matrix.place(db, activity, alice, "chantier:1", 2, 2)
    other = make_workshop(db, diagnostic, ("brainstorm", None))
    with pytest.raises(WorkshopError, match="pas dans cet atelier"):
        matrix.place(db, activity, participant(db, other["id"]), "chantier:1", 2, 2)
    assert matrix.summary(db, activity) == {}


def test_room_means_stay_hidden_until_results(db, diagnostic):
    workshop, activity = _matrix(db, diagnostic)
    alice = participant(db, workshop["id"])
    bob = participant(db, workshop["id"])
    after = events_after(db, workshop["id"], 0, 500, Viewer(staff=True))[-1]["id"]
    matrix.place(db, activity, alice, "chantier:1", 4, 4)
    as_bob = Viewer(participant_id=bob["id"])
    as_alice = Viewer(participant_id=alice["id"])
    state = snapshot(db, workshop["id"], as_bob)["activities"][0]
    assert "placements" not in state and state["my_placements"] == {}
    assert [i["key"] for i in state["items"]] == ["chantier:1", "chantier:2", "item:3"]
    mine = snapshot(db, workshop["id"], as_alice)["activities"][0]["my_placements"]
    assert mine == {"chantier:1": {"impact": 4, "feasibility": 4}}
    staff = snapshot(db, workshop["id"], Viewer(staff=True))["activities"][0]
    assert staff["placements"]["chantier:1"]["count"] == 1
    assert [
        e["type"] for e in events_after(db, workshop["id"], after, 50, as_bob)
    ] == []
    assert [
        e["type"] for e in events_after(db, workshop["id"], after, 50, as_alice)
    ] == ["placement.mine"]
    boards.set_phase(db, activity, "results")
    state = snapshot(db, workshop["id"], as_bob)["activities"][0]
    assert state["placements"]["chantier:1"] == {
        "count": 1,
        "impact": 4.0,
        "feasibility": 4.0,
    }


def test_cards_of_an_activity_as_items(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid, source = workshop["id"], workshop["activities"][0]
    author = participant(db, wid)
    ids = [
        cards.post_card(db, source, "idees", f"Idée {n}", author)["id"]
        for n in range(3)
    ]
    moderation.set_status(db, wid, ids[2], "hidden")
    activity = boards.create_activity(
        db, wid, "matrix", config={"source_activity_id": source}
    )
    boards.set_phase(db, activity, "vote")
    items = matrix.matrix_items(db, boards.get_activity(db, activity))
    assert items == [
        {"key": f"card:{ids[0]}", "label": "Idée 0"},
        {"key": f"card:{ids[1]}", "label": "Idée 1"},
    ]
    with pytest.raises(WorkshopError):
        matrix.place(db, activity, author, f"card:{ids[2]}", 2, 2)
    with pytest.raises(WorkshopError, match="pas de carte sur la matrice"):
        cards.post_card(db, activity, "idees", "Non", author)


def test_phones_and_facilitator_place_through_the_api(app, db, diagnostic, logged_in):
    workshop, activity = _matrix(db, diagnostic)
    phone = Phone(app, workshop["code"])
    answer = phone.post(
        "placements",
        {"activity_id": activity, "item": "chantier:2", "impact": 3, "feasibility": 2},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    refused = phone.post(
        "placements",
        {"activity_id": activity, "item": "chantier:2", "impact": 9, "feasibility": 2},
    )
    assert refused.status_code == 400 and "1 à 4" in refused.json["error"]
    staff = Staff(logged_in, workshop["id"])
    proxy = staff.post("participants", {"display_name": "Jeanne"}).json["participant"]
    answer = staff.post(
        "placements",
        {
            "activity_id": activity,
            "participant_id": proxy["id"],
            "item": "chantier:2",
            "impact": 1,
            "feasibility": 4,
        },
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    point = staff.state()["activities"][0]["placements"]["chantier:2"]
    assert point == {"count": 2, "impact": 2.0, "feasibility": 3.0}
    # Without the CSRF token, the facilitator's placement is refused.
    no_token = logged_in.post(
        f"/ateliers/{workshop['id']}/api/placements",
        json={"activity_id": activity, "participant_id": proxy["id"]},
    )
    assert no_token.status_code == 400


def test_exports_show_the_matrix_escaped(db, diagnostic):
    workshop, activity = _matrix(db, diagnostic)
    alice = participant(db, workshop["id"])
    matrix.place(db, activity, alice, "chantier:1", 4, 3)
    html = exports.summary_html(db, workshop["id"])
    assert "Permanences &lt;b&gt;au marché&lt;/b&gt;" in html
    assert "<svg" in html and "<table" in html
    assert "À lancer en priorité" in html
    markdown = exports.summary_markdown(db, workshop["id"])
    assert "| Permanences &lt;b&gt;au marché&lt;/b&gt; | 1 | 4,0 | 3,0 |" in markdown
    csv_text = exports.placements_csv(db, workshop["id"])
    assert "Permanences <b>au marché</b>;Participant n°" in csv_text


def test_board_images_of_a_matrix(db, diagnostic):
    from facilitation import images

    workshop, activity = _matrix(db, diagnostic)
    matrix.place(db, activity, participant(db, workshop["id"]), "chantier:2", 1, 4)
    svg = images.board_svg(db, workshop["id"], activity)
    assert svg.count("<circle") == 1 and "Matrice" in svg
    png = images.board_png(db, workshop["id"], activity)
    assert png.startswith(b"\x89PNG")
