"""Bench a live workshop: N phones on the event stream, posting cards and dots.

    .venv/bin/python bench/workshop.py --participants 300
    .venv/bin/python bench/workshop.py --participants 1000 --workshops 10

Starts the production server exactly as `make serve` does (`flask init`, then
`.venv/bin/gunicorn -c gunicorn.conf.py` on a free port, temp database through
FLASK_DATABASE / FLASK_SECRET_KEY), creates `--workshops` workshops, each a
brainstorm (cards shown live) followed by its vote, then drives everything
from this one process with asyncio sockets on loopback:

1. N participants, spread over the workshops in turn, join
   (POST /a/<code>/rejoindre) and open the SSE stream;
2. each posts `--cards` cards at random moments over `--window` seconds;
   every stream records when each card of someone else of its workshop
   arrives (a card of another workshop arriving is an error);
3. the votes open; each participant puts `--dots` dots, and the totals in
   the database are checked against what was acknowledged.

Every request has a timeout (bench/_client.py) and every phase a
deadline: the bench ends and reports, whatever the server does.

Figures: latency from a card's POST to its arrival at every other phone
(p50/p95/max, ms), `lost` (deliveries never seen: must be 0), `errors`
(refused posts, broken streams, wrong totals), `server_cpu_pct` (gunicorn
master + workers during the run; 100 = one core of the two). The bench shares
the machine's two cores with the server: its own parsing of every delivery
(N × cards × N) is included in the latencies. Prints ONE JSON object on the
last line.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

from _client import Client, HTTPError  # noqa: E402
from _server import Server  # noqa: E402


def prepare(server: Server, count: int) -> tuple:
    """`count` workshops, each a live brainstorm and its vote (in-process)."""
    from facilitation import boards, workshops
    from survey_app import create_app
    from survey_app.auth import create_user
    from survey_app.db import get_db
    from survey_app.diagnostics import create_diagnostic

    app = create_app(
        {
            "DATABASE": server.database,
            "SECRET_KEY": server.env["FLASK_SECRET_KEY"],
            "TESTING": True,
        }
    )
    found = []
    with app.app_context():
        db = get_db()
        user_id = create_user("bench@example.fr", "mot-de-passe-du-bench")
        diagnostic_id = create_diagnostic(user_id, title="Bench")
        for n in range(count):
            workshop_id = workshops.create_workshop(
                db,
                diagnostic_id,
                f"Bench {n + 1}",
                user_id,
                [{"kind": "brainstorm", "config": {"private": False}}],
                {"rate_limit_per_minute": 120},
            )
            activity = boards.list_activities(db, workshop_id)[0]
            code = workshops.get_workshop(db, workshop_id)["code"]
            found.append({"code": code, "activity_id": activity["id"]})
    return app, found


def open_vote(app, activity_id: int) -> None:
    from facilitation import boards
    from survey_app.db import get_db

    with app.app_context():
        boards.set_phase(get_db(), activity_id, "vote")


def vote_totals(app, activity_ids: list[int]) -> int:
    from survey_app.db import get_db

    marks = ", ".join("?" * len(activity_ids))
    with app.app_context():
        row = get_db().execute(
            "SELECT coalesce(sum(count), 0) FROM workshop_votes "
            f"WHERE activity_id IN ({marks})",
            activity_ids,
        )
        return row.fetchone()[0]


class Room:
    """What the phones saw: post times, arrivals, errors."""

    def __init__(self, participants: int, workshops: int) -> None:
        self.posted: dict[str, float] = {}  # card text -> monotonic post time
        self.author: dict[str, tuple[int, int]] = {}  # text -> (workshop, phone)
        self.accepted: set[str] = set()
        self.seen: Counter[str] = Counter()
        self.latencies: list[float] = []
        self.post_times: list[float] = []  # seconds each card POST took
        self.errors: Counter[str] = Counter()
        self.opened = 0
        self.all_open = asyncio.Event()
        self.participants = participants
        self.card_ids: list[list[int]] = [[] for _ in range(workshops)]
        self.vote_seen: set[int] = set()


class Phone:
    """One participant: its client, its workshop and its number."""

    def __init__(self, client: Client, me: int, room_index: int, workshop: dict):
        self.client, self.me, self.index = client, me, room_index
        self.code, self.activity_id = workshop["code"], workshop["activity_id"]


async def stream(room: Room, phone: Phone, stop) -> None:
    """Follow the SSE stream; reconnect from the last id like EventSource."""
    last_id = 0
    opened = False

    def on_open() -> None:
        nonlocal opened
        if not opened:
            opened = True
            room.opened += 1
            if room.opened == room.participants:
                room.all_open.set()

    while not stop.is_set():
        try:
            async for event_id, _type, data in phone.client.events(
                f"/a/{phone.code}/flux?after={last_id}", on_open
            ):
                last_id = int(event_id or last_id)
                event = json.loads(data)
                if event["type"] == "activity.phase":
                    room.vote_seen.add(phone.index)
                if event["type"] != "card.upsert":
                    continue
                text = event["data"]["card"]["text"]
                index, author = room.author.get(text, (phone.index, phone.me))
                if author == phone.me:
                    continue
                if index != phone.index:
                    room.errors["card of another workshop"] += 1
                    continue
                room.seen[text] += 1
                room.latencies.append(time.monotonic() - room.posted[text])
        except (OSError, ValueError, HTTPError) as error:
            if stop.is_set():
                return
            room.errors[f"stream: {type(error).__name__}"] += 1
            await asyncio.sleep(2)  # EventSource's retry
            continue
        if not stop.is_set():
            room.errors["stream ended"] += 1


async def post_cards(room: Room, phone: Phone, count: int, window: float, rnd):
    moments = sorted(rnd.uniform(0, window) for _ in range(count))
    started = time.monotonic()
    for k, moment in enumerate(moments):
        await asyncio.sleep(max(0, started + moment - time.monotonic()))
        text = f"Idée {k + 1} du participant {phone.me}"
        room.author[text] = (phone.index, phone.me)
        room.posted[text] = time.monotonic()
        body = {
            "activity_id": phone.activity_id,
            "text": text,
            "client_key": f"{phone.me}-{k}",
        }
        try:
            status, _, answer = await phone.client.post_json(
                f"/a/{phone.code}/cartes", body
            )
        except (OSError, HTTPError) as error:
            room.errors[f"card post: {type(error).__name__}"] += 1
            continue
        room.post_times.append(time.monotonic() - room.posted[text])
        if status == 201:
            room.accepted.add(text)
            room.card_ids[phone.index].append(json.loads(answer)["card"]["id"])
        else:
            room.errors[f"card post: {status}"] += 1


async def post_dots(room: Room, phone: Phone, dots: int, rnd) -> int:
    acknowledged = 0
    card_ids = room.card_ids[phone.index]
    for card_id in rnd.sample(card_ids, min(dots, len(card_ids))):
        body = {"activity_id": phone.activity_id, "card_id": card_id, "count": 1}
        try:
            status, _, _ = await phone.client.post_json(f"/a/{phone.code}/votes", body)
        except (OSError, HTTPError) as error:
            room.errors[f"vote: {type(error).__name__}"] += 1
            continue
        if status == 200:
            acknowledged += 1
        else:
            room.errors[f"vote: {status}"] += 1
    return acknowledged


async def join(room: Room, phone: Phone) -> None:
    try:
        status, _, _ = await phone.client.post_json(
            f"/a/{phone.code}/rejoindre", {"display_name": f"P{phone.me}"}
        )
    except (OSError, HTTPError) as error:
        room.errors[f"join: {type(error).__name__}"] += 1
        return
    if status != 201:
        room.errors[f"join: {status}"] += 1


async def gather_limited(coroutines, limit: int = 50):
    gate = asyncio.Semaphore(limit)

    async def run(coroutine):
        async with gate:
            return await coroutine

    return await asyncio.gather(*(run(c) for c in coroutines))


async def drive(server: Server, app, workshops: list[dict], args) -> dict:
    rnd = random.Random(args.seed)
    room = Room(args.participants, len(workshops))
    phones = [
        Phone(
            Client("127.0.0.1", server.port),
            me,
            me % len(workshops),
            workshops[me % len(workshops)],
        )
        for me in range(args.participants)
    ]
    await gather_limited(join(room, phone) for phone in phones)
    stop = asyncio.Event()
    readers = [asyncio.create_task(stream(room, phone, stop)) for phone in phones]
    try:
        await asyncio.wait_for(room.all_open.wait(), timeout=60)
    except TimeoutError:
        room.errors["streams not open after 60 s"] += args.participants - room.opened
    cpu_before, wall_before = server.cpu_seconds(), time.monotonic()
    own_before = time.process_time()
    await asyncio.gather(
        *(post_cards(room, p, args.cards, args.window, rnd) for p in phones)
    )
    size = Counter(phone.index for phone in phones)
    expected = sum(size[room.author[text][0]] - 1 for text in room.accepted)
    deadline = time.monotonic() + 15
    while sum(room.seen.values()) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    lost = expected - sum(room.seen[t] for t in room.accepted)

    for workshop in workshops:
        open_vote(app, workshop["activity_id"])
    deadline = time.monotonic() + 10
    while len(room.vote_seen) < len(workshops) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    room.errors["vote phase not seen"] += len(workshops) - len(room.vote_seen)
    acknowledged = sum(
        await gather_limited(post_dots(room, p, args.dots, rnd) for p in phones)
    )
    cpu = server.cpu_seconds() - cpu_before
    wall = time.monotonic() - wall_before
    own = time.process_time() - own_before
    counted = vote_totals(app, [w["activity_id"] for w in workshops])
    if counted != acknowledged:
        room.errors["vote totals differ"] += 1
    stop.set()
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await asyncio.gather(*(phone.client.close() for phone in phones))

    latencies = sorted(ms * 1000 for ms in room.latencies)

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "participants": args.participants,
        "workshops": len(workshops),
        "cards": len(room.accepted),
        "deliveries": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "post_p95_ms": round(
            sorted(room.post_times)[int(0.95 * len(room.post_times))] * 1000, 1
        )
        if room.post_times
        else None,
        "lost": lost,
        "votes": acknowledged,
        "votes_counted": counted,
        "errors": sum(room.errors.values()),
        "error_kinds": {k: v for k, v in room.errors.items() if v},
        "server_cpu_pct": round(cpu / wall * 100, 1),
        "bench_cpu_pct": round(own / wall * 100, 1),
        "window_s": args.window,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--workshops", type=int, default=1, help="spread over")
    parser.add_argument("--cards", type=int, default=2, help="cards per participant")
    parser.add_argument("--dots", type=int, default=3, help="dots per participant")
    parser.add_argument("--window", type=float, default=30, help="seconds of posting")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    server = Server()
    server.init()
    app, workshops = prepare(server, args.workshops)
    server.start()
    try:
        result = asyncio.run(drive(server, app, workshops, args))
    finally:
        server.stop()
    result["gunicorn"] = server.settings()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
