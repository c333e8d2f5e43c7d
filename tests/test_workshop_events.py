"""The ordered event log: replay after an id, audiences, SSE and polling."""

import json
import threading
import time

import pytest
from helpers.workshops import Phone, Staff, make_workshop, participant

from facilitation import boards, cards
from facilitation.events import (
    Hub,
    Viewer,
    append_event,
    events_after,
    latest_event_id,
    sse_stream,
)
from survey_app.db import connect, write_transaction

STAFF = Viewer(staff=True)


def _messages(chunks: list[str]) -> list[dict]:
    """The events inside SSE text (comments skipped)."""
    events = []
    for chunk in chunks:
        for block in chunk.split("\n\n"):
            data = [line[6:] for line in block.split("\n") if line.startswith("data: ")]
            if data:
                events.append(json.loads("".join(data)))
    return events


def test_append_event_needs_the_callers_transaction(db, diagnostic):
    workshop = make_workshop(db, diagnostic)
    with pytest.raises(RuntimeError):
        append_event(db, workshop["id"], "test", {})
    # Rolled back with the change it describes.
    before = latest_event_id(db, workshop["id"])
    with pytest.raises(ValueError):
        with write_transaction(db):
            append_event(db, workshop["id"], "test", {"n": 1})
            raise ValueError("crash in the middle of a change")
    assert latest_event_id(db, workshop["id"]) == before


def test_replay_after_an_id_in_order_and_per_workshop(db, diagnostic):
    first = make_workshop(db, diagnostic, ("brainstorm", None))
    second = make_workshop(db, diagnostic, ("brainstorm", None))
    person = participant(db, first["id"])
    mark = latest_event_id(db, first["id"])
    for n in range(3):
        cards.post_card(db, first["activities"][0], "idees", f"Idée {n}", person)
        cards.post_card(
            db,
            second["activities"][0],
            "idees",
            "Ailleurs",
            participant(db, second["id"]),
        )
    replay = events_after(db, first["id"], mark, viewer=Viewer(staff=True))
    assert [e["data"]["card"]["text"] for e in replay] == ["Idée 0", "Idée 1", "Idée 2"]
    assert [e["id"] for e in replay] == sorted(e["id"] for e in replay)
    assert all(e["id"] > mark for e in replay)
    # Paging: limit, then continue after the last one.
    page = events_after(db, first["id"], mark, limit=1, viewer=Viewer(staff=True))
    rest = events_after(db, first["id"], page[0]["id"], viewer=Viewer(staff=True))
    assert page + rest == replay
    assert events_after(db, first["id"], replay[-1]["id"], viewer=STAFF) == []


def test_audiences(db, diagnostic):
    workshop = make_workshop(db, diagnostic)
    wid = workshop["id"]
    with write_transaction(db):
        for audience in ("all", "staff", "public", "p:1", "p:2", "t:7"):
            append_event(db, wid, "test", {"to": audience}, audience)

    def seen(viewer):
        return [
            e["data"]["to"] for e in events_after(db, wid, 0, viewer=viewer)
            if e["type"] == "test"
        ]  # fmt: skip

    assert seen(Viewer(staff=True)) == ["all", "staff"]
    assert seen(Viewer(participant_id=1)) == ["all", "public", "p:1"]
    assert seen(Viewer(participant_id=2, table_id=7)) == [
        "all", "public", "p:2", "t:7",
    ]  # fmt: skip
    for viewer in (Viewer(staff=True), Viewer(participant_id=2, table_id=7)):
        assert all(viewer.sees(e) for e in seen(viewer))


def test_sse_generator_first_comment_events_keepalive_and_end(app, db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid, activity = workshop["id"], workshop["activities"][0]
    hub = Hub(app.config["DATABASE"], poll=0.02)
    stream = sse_stream(hub, wid, Viewer(staff=True), 0, keepalive=0.3, lifetime=2.5)
    first = next(stream)
    assert first.startswith(": flux ouvert") and len(first) > 2048
    assert first.endswith("\nretry: 2000\n\n")
    backlog = next(stream)  # both old events, in one chunk
    assert backlog.startswith("id: 1\ndata: ")
    assert [e["type"] for e in _messages([backlog])] == [
        "workshop.created",
        "activity.created",
    ]
    assert next(stream) == ": keep-alive\n\n"  # nothing new for 0.3 s
    assert hub.subscribers == 1

    # A write from another connection (as from another worker process).
    def write_later():
        time.sleep(0.1)
        other = connect(app.config["DATABASE"])
        try:
            person = participant(other, wid)
            cards.post_card(other, activity, "idees", "En direct", person)
        finally:
            other.close()

    writer = threading.Thread(target=write_later)
    writer.start()
    live = []
    while not any(e["type"] == "card.upsert" for e in live):
        chunk = next(stream)
        live += _messages([chunk])
    writer.join()
    card = next(e for e in live if e["type"] == "card.upsert")["data"]["card"]
    assert card["text"] == "En direct"
    rest = list(stream)  # ends on its own after `lifetime`
    assert all(chunk.startswith((": keep-alive", "id: ")) for chunk in rest)
    assert hub.subscribers == 0  # cleaned up in `finally`


def test_sse_generator_closed_early_unsubscribes(app, db, diagnostic):
    workshop = make_workshop(db, diagnostic)
    hub = Hub(app.config["DATABASE"], poll=0.02)
    stream = sse_stream(hub, workshop["id"], Viewer(staff=True), 0, keepalive=5)
    next(stream)
    assert hub.subscribers == 1
    stream.close()  # the client went away
    assert hub.subscribers == 0


def test_sse_after_a_reconnect_reads_old_events_from_the_database(app, db, diagnostic):
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid = workshop["id"]
    person = participant(db, wid)
    hub = Hub(app.config["DATABASE"], poll=0.02)
    hub.subscribe()  # the hub starts now: older events are not in memory
    time.sleep(0.1)
    mark = latest_event_id(db, wid)
    cards.post_card(db, workshop["activities"][0], "idees", "Après", person)
    viewer = Viewer(participant_id=person["id"])
    stream = sse_stream(hub, wid, viewer, 1, keepalive=0.2, lifetime=0.5)
    events = _messages(list(stream))
    hub.unsubscribe()
    assert events[0]["id"] > 1
    assert [e["data"]["card"]["text"] for e in events if e["id"] > mark] == ["Après"]
    assert all(e["type"] != "participant.joined" for e in events)  # staff only


def test_http_stream_and_poll_resume_after_last_id(app, logged_in, db, diagnostic):
    app.config["WORKSHOP_STREAM_SECONDS"] = 0.5
    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    activity = workshop["activities"][0]
    phone = Phone(app, workshop["code"])
    first = phone.card(activity, "Une", column="idees").json["card"]
    state = phone.state()
    phone.card(activity, "Deux", column="idees")
    polled = phone.get(f"evenements?after={state['last_id']}").json
    assert [e["data"]["card"]["text"] for e in polled["events"]] == ["Deux"]
    assert polled["last_id"] > state["last_id"] and polled["more"] is False
    again = phone.get(f"evenements?after={polled['last_id']}").json
    assert again["events"] == [] and again["last_id"] == polled["last_id"]
    # EventSource's reconnect sends Last-Event-ID.
    response = phone.get("flux", headers={"Last-Event-ID": str(state["last_id"])})
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store, no-transform"
    body = response.get_data(as_text=True)
    assert body.startswith(": flux ouvert")
    texts = [
        e["data"]["card"]["text"]
        for e in _messages([body])
        if e["type"] == "card.upsert"
    ]
    assert texts == ["Deux"]
    staff = Staff(logged_in, workshop["id"])
    body = staff.get(f"flux?after={state['last_id'] - 1}").get_data(as_text=True)
    assert "Deux" in body and first["text"] not in body.split("Deux")[1]
    boards.set_phase(db, activity, "reveal")
    resync = phone.get(f"evenements?after={polled['last_id']}").json["events"]
    assert resync[-1]["type"] == "activity.phase" and resync[-1]["data"]["resync"]


def test_many_streams_share_one_watcher(app, db, diagnostic, monkeypatch):
    """50 streams wait on one hub: a new card reaches all of them, and none
    of them queries the database for it (the hub read it once)."""
    import facilitation.events as events_module

    workshop = make_workshop(db, diagnostic, ("brainstorm", None))
    wid, activity = workshop["id"], workshop["activities"][0]
    people = [participant(db, wid) for _ in range(50)]
    hub = Hub(app.config["DATABASE"], poll=0.05)
    hub.subscribe()
    deadline = time.monotonic() + 5
    while hub.floor is None and time.monotonic() < deadline:
        time.sleep(0.01)
    queries = []
    real = events_module.events_after
    monkeypatch.setattr(
        events_module,
        "events_after",
        lambda *a, **k: queries.append(a) or real(*a, **k),
    )
    start = latest_event_id(db, wid)
    arrived: list[bool] = []
    ready = threading.Barrier(51)

    def phone(person):
        viewer = Viewer(participant_id=person["id"])
        stream = sse_stream(hub, wid, viewer, start, keepalive=5, lifetime=10)
        next(stream)
        ready.wait()
        for chunk in stream:
            if "card.upsert" in chunk:
                arrived.append(True)
                break
        stream.close()

    threads = [threading.Thread(target=phone, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    ready.wait()
    time.sleep(0.1)
    cards.post_card(db, activity, "idees", "Pour tous", people[0])
    hub.poke()
    for thread in threads:
        thread.join(10)
    hub.unsubscribe()
    # How fast: bench/workshop.py (timings do not belong in tests).
    assert len(arrived) == 50
    assert queries == []


def _run_streams(hub, streams, action) -> dict[str, list[dict]]:
    """Serve `streams` ({name: (workshop_id, viewer, after)}) on one event
    loop, run `action()` in a thread once all are open, then close the hub;
    return the events each stream received."""
    import asyncio

    received: dict[str, list[str]] = {name: [] for name in streams}

    async def main():
        def sender(name):
            async def send(message):
                received[name].append(message.get("body", b"").decode())

            return send

        tasks = [
            asyncio.create_task(hub.serve(sender(name), wid, viewer, after, 30, 60))
            for name, (wid, viewer, after) in streams.items()
        ]
        while hub.count < len(streams) or hub.floor is None:
            await asyncio.sleep(0.01)
        await asyncio.to_thread(action)
        hub.poke()
        await asyncio.sleep(0.5)
        hub.close()
        await asyncio.wait_for(asyncio.gather(*tasks), 5)

    # A thread of its own: Playwright's sync API (browser tests in the same
    # session) keeps an event loop running in the main thread.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, main()).result()
    return {name: _messages(chunks) for name, chunks in received.items()}


def test_live_hub_wakes_only_the_streams_concerned(app, db, diagnostic):
    """The event-loop streams of the production server (facilitation/live.py):
    each gets its backlog, then only its workshop's events it may see."""
    from facilitation.live import LiveHub

    here = make_workshop(db, diagnostic, ("brainstorm", {"private": False}))
    elsewhere = make_workshop(db, diagnostic, ("brainstorm", {"private": False}))
    me, other = participant(db, here["id"]), participant(db, here["id"])
    mark = latest_event_id(db, here["id"])
    hub = LiveHub(app.config["DATABASE"], poll=0.02)

    def post():
        writer = connect(app.config["DATABASE"])
        try:
            cards.post_card(writer, here["activities"][0], "idees", "Ici", me)
            cards.post_card(
                writer,
                elsewhere["activities"][0],
                "idees",
                "Ailleurs",
                participant(writer, elsewhere["id"]),
            )
        finally:
            writer.close()

    seen = _run_streams(
        hub,
        {
            "me": (here["id"], Viewer(participant_id=me["id"]), mark),
            "other": (here["id"], Viewer(participant_id=other["id"]), mark),
            "staff": (here["id"], Viewer(staff=True), 0),
            "elsewhere": (elsewhere["id"], Viewer(staff=True), 10**9),
        },
        post,
    )

    def texts(name):
        return [
            (e["data"]["card"]["text"], e["data"]["card"].get("mine"))
            for e in seen[name]
            if e["type"] == "card.upsert"
        ]

    assert texts("me") == [("Ici", None)]  # public card: once, not twice
    assert texts("other") == [("Ici", None)]
    assert texts("staff") == [("Ici", None)]
    assert seen["staff"][0]["type"] == "workshop.created"  # backlog from 0
    assert [e["type"] for e in seen["elsewhere"]] == []  # not "Ici", not old
    assert all(e["id"] > mark for name in ("me", "other") for e in seen[name])
    assert hub.count == 0 and hub.streams == {}
