"""Dot voting: budget, one dot per card, hidden totals, concurrent votes."""

import threading

import pytest
from helpers.workshops import make_workshop, participant

from facilitation import boards, cards, moderation, votes
from facilitation.errors import WorkshopError
from facilitation.events import Viewer, events_after
from facilitation.state import snapshot
from survey_app.db import connect


def _vote_setup(db, diagnostic, **config):
    """A brainstorm with 4 visible cards and a dot vote on it."""
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid, source = workshop["id"], workshop["activities"][0]
    author = participant(db, wid)
    card_ids = [
        cards.post_card(db, source, "idees", f"Idée {n}", author)["id"]
        for n in range(4)
    ]
    vote = boards.create_activity(
        db, wid, "dots", config={"source_activity_id": source, **config}
    )
    return wid, source, vote, card_ids


def test_budget_is_never_exceeded(db, diagnostic):
    wid, _, vote, card_ids = _vote_setup(db, diagnostic, budget=5)
    alice = participant(db, wid)
    assert votes.set_vote(db, vote, alice, card_ids[0], count=3)["used"] == 3
    assert votes.set_vote(db, vote, alice, card_ids[1], delta=1)["used"] == 4
    assert votes.set_vote(db, vote, alice, card_ids[1], delta=1)["count"] == 2
    with pytest.raises(WorkshopError, match="toutes vos gommettes \\(5\\)") as full:
        votes.set_vote(db, vote, alice, card_ids[2], delta=1)
    assert full.value.status == 403
    # Absolute counts are safe to retry; taking a dot back frees it.
    assert votes.set_vote(db, vote, alice, card_ids[0], count=3)["used"] == 5
    assert votes.set_vote(db, vote, alice, card_ids[0], delta=-1)["used"] == 4
    assert votes.set_vote(db, vote, alice, card_ids[2], delta=1)["used"] == 5
    assert votes.set_vote(db, vote, alice, card_ids[2], count=0)["used"] == 4
    assert votes.my_votes(db, vote, alice["id"]) == {card_ids[0]: 2, card_ids[1]: 2}
    with pytest.raises(WorkshopError, match="nombre entier"):
        votes.set_vote(db, vote, alice, card_ids[0], count="deux")


def test_one_dot_per_card_when_asked(db, diagnostic):
    wid, _, vote, card_ids = _vote_setup(db, diagnostic, multiple_dots=False)
    alice = participant(db, wid)
    votes.set_vote(db, vote, alice, card_ids[0], delta=1)
    with pytest.raises(WorkshopError, match="Une seule gommette"):
        votes.set_vote(db, vote, alice, card_ids[0], delta=1)


def test_only_visible_cards_of_the_source_in_the_vote_phase(db, diagnostic):
    wid, source, vote, card_ids = _vote_setup(db, diagnostic)
    alice = participant(db, wid)
    moderation.set_status(db, wid, card_ids[3], "hidden")
    other_workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    foreign = cards.post_card(
        db,
        other_workshop["activities"][0],
        "idees",
        "Ailleurs",
        participant(db, other_workshop["id"]),
    )
    for card_id in (card_ids[3], foreign["id"], 9999):
        with pytest.raises(WorkshopError) as refused:
            votes.set_vote(db, vote, alice, card_id, delta=1)
        assert refused.value.status == 404
    moderation.merge(db, wid, card_ids[1], card_ids[0])
    with pytest.raises(WorkshopError, match="regroupée"):
        votes.set_vote(db, vote, alice, card_ids[1], delta=1)
    # The brainstorm itself is not in its vote phase yet.
    with pytest.raises(WorkshopError, match="vote n'est pas ouvert"):
        votes.set_vote(db, source, alice, card_ids[0], delta=1)
    boards.set_phase(db, vote, "results")
    with pytest.raises(WorkshopError, match="vote n'est pas ouvert"):
        votes.set_vote(db, vote, alice, card_ids[0], delta=1)


def test_totals_hidden_until_results_and_merged_cards_add_up(db, diagnostic):
    wid, _, vote, card_ids = _vote_setup(db, diagnostic)
    alice, bob = participant(db, wid), participant(db, wid)
    votes.set_vote(db, vote, alice, card_ids[0], count=2)
    votes.set_vote(db, vote, bob, card_ids[1], count=3)
    bob_view = Viewer(participant_id=bob["id"])
    state = snapshot(db, wid, bob_view)["activities"][1]
    assert "totals" not in state and state["my_votes"] == {card_ids[1]: 3}
    assert state["votes_used"] == 3
    bob_events = events_after(db, wid, 0, viewer=bob_view)
    assert all(e["type"] != "vote.total" for e in bob_events)
    assert [e["data"]["count"] for e in bob_events if e["type"] == "vote.mine"] == [3]
    staff = snapshot(db, wid, Viewer(staff=True))["activities"][1]["totals"]
    assert staff == {card_ids[0]: 2, card_ids[1]: 3}
    # Merging after the vote: the duplicate's dots count for the target.
    moderation.merge(db, wid, card_ids[1], card_ids[0])
    assert votes.totals(db, vote) == {card_ids[0]: 5}
    boards.set_phase(db, vote, "results")
    state = snapshot(db, wid, bob_view)["activities"][1]
    assert state["totals"] == {card_ids[0]: 5}


def test_facilitator_votes_for_a_person_without_phone(db, diagnostic):
    wid, _, vote, card_ids = _vote_setup(db, diagnostic, budget=2)
    proxy = participant(db, wid, "M. Sans Téléphone")
    boards.set_activity_locked(db, vote, True)
    votes.set_vote(db, vote, proxy, card_ids[0], count=2, by_staff=True)
    with pytest.raises(WorkshopError, match="gommettes"):
        votes.set_vote(db, vote, proxy, card_ids[1], count=1, by_staff=True)
    with pytest.raises(WorkshopError, match="verrouillé"):
        votes.set_vote(db, vote, proxy, card_ids[0], count=1)


def test_concurrent_votes_never_exceed_the_budget(app, db, diagnostic):
    """12 threads, each with its own connection to the same SQLite file,
    fire 60 one-dot votes at once for the same two participants."""
    wid, _, vote, card_ids = _vote_setup(db, diagnostic, budget=5)
    people = [participant(db, wid), participant(db, wid)]
    path = app.config["DATABASE"]
    start = threading.Barrier(12)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        conn = connect(path)
        try:
            start.wait()
            for k in range(5):
                person = people[(n + k) % 2]
                card = card_ids[(n * 5 + k) % len(card_ids)]
                try:
                    votes.set_vote(conn, vote, person, card, delta=1)
                    result = "ok"
                except WorkshopError as refused:
                    assert refused.status == 403
                    result = "full"
                with lock:
                    outcomes.append(result)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 60
    assert outcomes.count("ok") == 10  # exactly 5 dots each, not one more
    for person in people:
        used = db.execute(
            "SELECT sum(count) FROM workshop_votes WHERE participant_id = ?",
            [person["id"]],
        ).fetchone()[0]
        assert used == 5
    # Every accepted dot has its events, in commit order.
    mine = [e for e in events_after(db, wid, 0) if e["type"] == "vote.mine"]
    assert len(mine) == 10
    assert [e["id"] for e in mine] == sorted(e["id"] for e in mine)


def test_votes_follow_what_the_participant_can_see(db, diagnostic):
    """A source still in its private write phase: only one's own cards."""
    workshop = make_workshop(db, diagnostic, ("empathy", None))
    wid, source = workshop["id"], workshop["activities"][0]
    alice, bob = participant(db, wid), participant(db, wid)
    hers = cards.post_card(db, source, "dit", "Alice", alice)["id"]
    vote = boards.create_activity(
        db, wid, "dots", config={"source_activity_id": source}
    )
    with pytest.raises(WorkshopError) as hidden:
        votes.set_vote(db, vote, bob, hers, delta=1)
    assert hidden.value.status == 404
    assert votes.set_vote(db, vote, alice, hers, delta=1)["count"] == 1
    boards.set_phase(db, source, "reveal")
    assert votes.set_vote(db, vote, bob, hers, delta=1)["count"] == 1
