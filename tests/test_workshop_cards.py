"""Cards: bad input, privacy of the write phase, approval, moderation, tables."""

import pytest
from helpers.workshops import make_workshop, participant

from facilitation import boards, cards, moderation, small_groups, workshops
from facilitation.errors import WorkshopError
from facilitation.events import Viewer, events_after
from facilitation.state import snapshot


def _seen_by(db, workshop_id, person) -> list[str]:
    """Card texts of the first activity in the participant's snapshot."""
    viewer = Viewer(participant_id=person["id"], table_id=person["table_id"])
    state = snapshot(db, workshop_id, viewer)
    return [c["text"] for c in state["activities"][0]["cards"]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Écrivez quelque chose"),
        ("   \n\t ", "Écrivez quelque chose"),
        (None, "Écrivez quelque chose"),
        (42, "Écrivez quelque chose"),
        ("x" * 281, "281 caractères : 280 au maximum"),
        ("é" * 5000, "5000 caractères : 280 au maximum"),
    ],
)
def test_bad_card_text_is_refused_in_french(db, diagnostic, text, message):
    workshop = make_workshop(db, diagnostic, ("empathy", None))
    person = participant(db, workshop["id"])
    with pytest.raises(WorkshopError, match=message):
        cards.post_card(db, workshop["activities"][0], "dit", text, person)
    assert db.execute("SELECT count(*) FROM workshop_cards").fetchone()[0] == 0


def test_text_is_kept_as_typed_and_limits_follow_the_setting(db, diagnostic):
    workshop = make_workshop(
        db, diagnostic, ("empathy", None), settings={"max_card_length": 1000}
    )
    person = participant(db, workshop["id"])
    activity = workshop["activities"][0]
    html = "<script>alert('x')</script> & <b>gras</b>"
    card = cards.post_card(db, activity, "dit", f"  {html}\x00\u200b ", person)
    assert card["text"] == html  # trimmed, control characters removed
    assert cards.post_card(db, activity, "dit", "y" * 1000, person)
    with pytest.raises(WorkshopError, match="1000 au maximum"):
        cards.post_card(db, activity, "dit", "y" * 1001, person)
    with pytest.raises(WorkshopError, match="colonne"):
        cards.post_card(db, activity, "danse", "Bonjour", person)


def test_retried_post_gives_the_same_card(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("empathy", None))
    alice = participant(db, workshop["id"])
    bob = participant(db, workshop["id"])
    activity = workshop["activities"][0]
    first = cards.post_card(db, activity, "dit", "Une", alice, client_key="k1")
    again = cards.post_card(db, activity, "dit", "Une", alice, client_key="k1")
    assert again["id"] == first["id"]
    # Someone else's key never returns or overwrites Alice's card.
    other = cards.post_card(db, activity, "dit", "Autre", bob, client_key="k1")
    assert other["id"] != first["id"] and other["text"] == "Autre"
    assert db.execute("SELECT count(*) FROM workshop_cards").fetchone()[0] == 2


def test_rate_limit_per_participant(db, diagnostic):
    workshop = make_workshop(
        db, diagnostic, ("empathy", None), settings={"rate_limit_per_minute": 3}
    )
    alice = participant(db, workshop["id"])
    bob = participant(db, workshop["id"])
    activity = workshop["activities"][0]
    for n in range(3):
        cards.post_card(db, activity, "dit", f"Carte {n}", alice)
    with pytest.raises(WorkshopError) as refused:
        cards.post_card(db, activity, "dit", "Encore", alice)
    assert refused.value.status == 429
    assert cards.post_card(db, activity, "dit", "Moi aussi", bob)


def test_private_write_phase_then_reveal(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("empathy", None))
    wid, activity = workshop["id"], workshop["activities"][0]
    alice = participant(db, wid, "Alice")
    bob = participant(db, wid)
    cards.post_card(db, activity, "dit", "Secret d'Alice", alice)
    assert _seen_by(db, wid, alice) == ["Secret d'Alice"]
    assert _seen_by(db, wid, bob) == []
    # The live events say the same: Bob's log has no trace of the text.
    bob_events = events_after(db, wid, 0, viewer=Viewer(participant_id=bob["id"]))
    assert "Secret" not in str(bob_events)
    staff = snapshot(db, wid, Viewer(staff=True))["activities"][0]["cards"]
    assert staff[0]["participant_id"] == alice["id"]
    boards.set_phase(db, activity, "reveal")
    assert _seen_by(db, wid, bob) == ["Secret d'Alice"]
    revealed = snapshot(db, wid, Viewer(participant_id=bob["id"]))
    card = revealed["activities"][0]["cards"][0]
    assert card["author_name"] == "Alice" and card["mine"] is False
    assert "participant_id" not in card
    # Stepping back hides it again.
    boards.set_phase(db, activity, "write")
    assert _seen_by(db, wid, bob) == []


def test_names_can_be_hidden(db, diagnostic):
    workshop = make_workshop(
        db, diagnostic, ("brainstorm", None), settings={"show_names": False}
    )
    alice = participant(db, workshop["id"], "Alice")
    cards.post_card(db, workshop["activities"][0], "idees", "Idée", alice)
    state = snapshot(db, workshop["id"], Viewer(participant_id=alice["id"]))
    assert state["activities"][0]["cards"][0]["author_name"] is None


def test_participants_write_only_in_the_write_phase_of_an_open_board(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid, activity = workshop["id"], workshop["activities"][0]
    alice = participant(db, wid)
    mine = cards.post_card(db, activity, "idees", "Première", alice)
    edited = cards.edit_own_card(db, mine["id"], alice, "Première version")
    assert edited["text"] == "Première version"
    bob = participant(db, wid)
    with pytest.raises(WorkshopError) as not_his:
        cards.edit_own_card(db, mine["id"], bob, "Piraté")
    assert not_his.value.status == 404
    workshops.set_locked(db, wid, True)
    with pytest.raises(WorkshopError, match="verrouillé"):
        cards.post_card(db, activity, "idees", "Verrouillé", alice)
    workshops.set_locked(db, wid, False)
    boards.set_activity_locked(db, activity, True)
    with pytest.raises(WorkshopError, match="verrouillé"):
        cards.edit_own_card(db, mine["id"], alice, "Encore")
    boards.set_activity_locked(db, activity, False)
    boards.set_phase(db, activity, "group")
    for action in (
        lambda: cards.post_card(db, activity, "idees", "Trop tard", alice),
        lambda: cards.edit_own_card(db, mine["id"], alice, "Trop tard"),
    ):
        with pytest.raises(WorkshopError) as refused:
            action()
        assert refused.value.status == 403
    # The facilitator may add a card at any phase, for a proxy participant.
    proxy = participant(db, wid, "Mme Martin")
    added = cards.post_card(db, activity, "idees", "Sa idée", proxy, user_id=1)
    assert added["by_facilitator"] and added["status"] == "visible"
    workshops.set_status(db, wid, "closed")
    with pytest.raises(WorkshopError, match="terminé"):
        cards.post_card(db, activity, "idees", "Fermé", alice)
    texts = [r[0] for r in db.execute("SELECT text FROM workshop_cards ORDER BY id")]
    assert texts == ["Première version", "Sa idée"]


def test_approval_queue(db, diagnostic):
    workshop = make_workshop(
        db, diagnostic, ("brainstorm", None), settings={"approval": True}
    )
    wid, activity = workshop["id"], workshop["activities"][0]
    alice, bob = participant(db, wid), participant(db, wid)
    card = cards.post_card(db, activity, "idees", "À valider", alice)
    assert card["status"] == "pending"
    assert _seen_by(db, wid, alice) == ["À valider"]  # the author sees it
    assert _seen_by(db, wid, bob) == []
    moderation.set_status(db, wid, card["id"], "visible")
    assert _seen_by(db, wid, bob) == ["À valider"]


def test_hide_delete_restore_edit(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid, activity = workshop["id"], workshop["activities"][0]
    alice, bob = participant(db, wid), participant(db, wid)
    card = cards.post_card(db, activity, "idees", "Insulte", alice)
    last = events_after(db, wid, 0)[-1]["id"]
    moderation.set_status(db, wid, card["id"], "hidden")
    assert _seen_by(db, wid, bob) == [] and _seen_by(db, wid, alice) == []
    removed = events_after(db, wid, last, viewer=Viewer(participant_id=bob["id"]))
    assert [(e["type"], e["data"]["id"]) for e in removed] == [
        ("card.removed", card["id"])
    ]
    moderation.set_status(db, wid, card["id"], "deleted")
    moderation.set_status(db, wid, card["id"], "visible")  # undo
    moderation.edit_card(db, wid, card["id"], "Remarque polie")
    assert _seen_by(db, wid, bob) == ["Remarque polie"]
    with pytest.raises(WorkshopError):
        moderation.set_status(db, wid, card["id"], "brûlée")
    with pytest.raises(WorkshopError, match="Écrivez"):
        moderation.edit_card(db, wid, card["id"], "")


def test_merge_and_unmerge(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None), ("empathy", None))
    wid, activity, other = workshop["id"], *workshop["activities"]
    person = participant(db, wid)
    a, b, c = (
        cards.post_card(db, activity, "idees", text, person)["id"]
        for text in ("Bus", "Transport", "Car")
    )
    moderation.merge(db, wid, b, a)
    moderation.merge(db, wid, a, c)  # a's group follows it under c
    merged = dict(db.execute("SELECT id, merged_into FROM workshop_cards").fetchall())
    assert merged == {a: c, b: c, c: None}
    with pytest.raises(WorkshopError, match="elle-même"):
        moderation.merge(db, wid, c, a)
    elsewhere = cards.post_card(db, other, "dit", "Ailleurs", person)["id"]
    with pytest.raises(WorkshopError, match="même activité"):
        moderation.merge(db, wid, elsewhere, c)
    moderation.unmerge(db, wid, b)
    assert (
        db.execute(
            "SELECT merged_into FROM workshop_cards WHERE id = ?", [b]
        ).fetchone()[0]
        is None
    )


def test_facilitator_cannot_touch_another_workshops_card(db, diagnostic):
    mine = make_workshop(db, diagnostic, ("brainstorm", None))
    theirs = make_workshop(db, diagnostic, ("brainstorm", None))
    card = cards.post_card(
        db, theirs["activities"][0], "idees", "À eux", participant(db, theirs["id"])
    )
    for action in (
        lambda: moderation.set_status(db, mine["id"], card["id"], "hidden"),
        lambda: moderation.edit_card(db, mine["id"], card["id"], "Piraté"),
        lambda: moderation.unmerge(db, mine["id"], card["id"]),
    ):
        with pytest.raises(WorkshopError) as refused:
            action()
        assert refused.value.status == 404
    assert db.execute("SELECT text, status FROM workshop_cards").fetchone()[:] == (
        "À eux",
        "visible",
    )


def test_tables_split_work_apart_and_merge(db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid, activity = workshop["id"], workshop["activities"][0]
    people = [participant(db, wid, f"P{n}") for n in range(5)]
    made = small_groups.split_by_count(db, wid, 2)
    assert [t["name"] for t in made] == ["Table 1", "Table 2"]
    seats = [r[0] for r in db.execute("SELECT table_id FROM workshop_participants")]
    assert seats.count(made[0]["id"]) == 3 and seats.count(made[1]["id"]) == 2
    late = participant(db, wid, "Retard")  # sits at the emptier table
    assert late["table_id"] == made[1]["id"]
    small_groups.work_by_table(db, wid, activity)
    first, second = people[0], people[1]  # table 1, table 2
    first = {**first, "table_id": made[0]["id"]}
    second = {**second, "table_id": made[1]["id"]}
    cards.post_card(db, activity, "idees", "Table un", first)
    cards.post_card(db, activity, "idees", "Table deux", second)
    assert _seen_by(db, wid, first) == ["Table un"]
    assert _seen_by(db, wid, second) == ["Table deux"]
    staff = snapshot(db, wid, Viewer(staff=True))["activities"][0]["cards"]
    assert {c["table_id"] for c in staff} == {made[0]["id"], made[1]["id"]}
    small_groups.merge_tables(db, wid, activity)
    assert _seen_by(db, wid, first) == ["Table un", "Table deux"]
    small_groups.merge_tables(db, wid, activity, merged=False)  # step back
    assert _seen_by(db, wid, first) == ["Table un"]
    # By hand: Alice moves to table 2 and is told so on her own channel.
    small_groups.assign(db, wid, first["id"], made[1]["id"])
    moved = events_after(db, wid, 0, viewer=Viewer(participant_id=first["id"]))
    assert moved[-1]["type"] in ("participant.table", "tables.changed")
    assert any(
        e["type"] == "participant.table" and e["data"]["table_id"] == made[1]["id"]
        for e in moved
    )
    with pytest.raises(WorkshopError):
        small_groups.split_by_count(db, wid, 0)
    with pytest.raises(WorkshopError):
        small_groups.assign(db, wid, first["id"], 9999)
    # Re-splitting into one table keeps the tables that hold cards.
    small_groups.split_by_count(db, wid, 1)
    assert len(small_groups.list_tables(db, wid)) == 2
