"""The ordered event log of each workshop, and how it reaches live clients.

Every change is written with `append_event()` in the SAME transaction as the
change itself, so a client that has seen event N and asks for "everything
after N" (Server-Sent Events with `Last-Event-ID`, or polling `?after=N`)
loses nothing, whichever server process answers it: the log lives in SQLite,
not in a process.

Ids are a global order: SQLite has a single writer at a time and
AUTOINCREMENT never reuses an id, so an event with a higher id is never
committed before one with a lower id.

Waiting is cheap: one `Hub` thread per process and database file reads the
new rows every ~100 ms (`POLL_SECONDS`), keeps the last few thousand in
memory and wakes the waiting streams with a Condition. 300 open streams thus
cost one small query per 100 ms, not 300.

Who sees an event is its `audience`: `all`, `staff` (facilitator and
projector), `public` (every participant, not staff), `p:<participant id>`
(that participant only) or `t:<table id>` (the participants of a table).
Staff see `all` and `staff` only: every card change has a `staff` twin with
the full card, so a facilitator never receives the same change twice.
"""

from __future__ import annotations

import bisect
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from survey_app.db import connect, now
from survey_app.storage import inserted_id

POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0
# A stream ends after this long; EventSource reconnects on its own with
# Last-Event-ID, which recycles server threads and survives silent proxies.
STREAM_LIFETIME_SECONDS = 300.0
BUFFER_SIZE = 4096  # events kept in memory (2x before trimming)
HUB_IDLE_SECONDS = 30.0
DEFAULT_LIMIT = 500
# Sent at once: a comment padded to 2 KB, because some proxies and
# antivirus filters hold a response back until that much has arrived;
# `retry` makes EventSource reconnect after 2 s.
FIRST_MESSAGE = ": flux ouvert" + " " * 2048 + "\nretry: 2000\n\n"


@dataclass
class Viewer:
    """Who is reading: the facilitator/projector (staff) or one participant."""

    staff: bool = False
    participant_id: int | None = None
    table_id: int | None = None

    def sees(self, audience: str) -> bool:
        if audience == "all":
            return True
        if self.staff:
            return audience == "staff"
        if audience in ("public", f"p:{self.participant_id}"):
            return True
        return self.table_id is not None and audience == f"t:{self.table_id}"

    def follow(self, event: dict[str, Any]) -> None:
        """Keep the table up to date when this participant is moved."""
        if event["type"] == "participant.table" and not self.staff:
            self.table_id = event["data"].get("table_id")


def append_event(
    db: sqlite_utils.Database,
    workshop_id: int,
    type_: str,
    payload: dict[str, Any] | None = None,
    audience: str = "all",
) -> int:
    """Log one event inside the caller's open write transaction; return its id.

    :raise RuntimeError: no transaction is open (the change and its event
        must commit together, see `survey_app.db.write_transaction`).
    """
    if not db.conn.in_transaction:
        raise RuntimeError("append_event must run inside write_transaction()")
    return inserted_id(
        db.execute(
            "INSERT INTO workshop_events (workshop_id, type, audience, payload, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            [
                workshop_id,
                type_,
                audience,
                json.dumps(payload or {}, ensure_ascii=False),
                now(),
            ],
        )
    )


def event_from_row(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "type": row["type"],
        "data": json.loads(row["payload"]),
        "at": row["created_at"],
    }


def events_after(
    db: sqlite_utils.Database,
    workshop_id: int,
    last_id: int,
    limit: int = DEFAULT_LIMIT,
    viewer: Viewer | None = None,
) -> list[dict[str, Any]]:
    """Events of a workshop with id > last_id, oldest first, that `viewer` sees.

    Each event is `{"id", "type", "data", "at"}`. Without a viewer every
    event is returned (exports, tests).
    """
    sql = "SELECT * FROM workshop_events WHERE workshop_id = ? AND id > ?"
    params: list[Any] = [workshop_id, last_id]
    if viewer is not None and viewer.staff:
        sql += " AND audience IN ('all', 'staff')"
    elif viewer is not None:
        sql += " AND audience IN ('all', 'public', ?, ?)"
        params += [f"p:{viewer.participant_id}", f"t:{viewer.table_id}"]
    sql += " ORDER BY id LIMIT ?"
    params.append(limit)
    return [event_from_row(row) for row in db.execute(sql, params)]


def latest_event_id(db: sqlite_utils.Database, workshop_id: int) -> int:
    row = db.execute(
        "SELECT max(id) FROM workshop_events WHERE workshop_id = ?", [workshop_id]
    ).fetchone()
    return row[0] or 0


class Hub:
    """One watcher of the event log per process and database file."""

    def __init__(self, path: str, poll: float = POLL_SECONDS) -> None:
        self.path = path
        self.poll = poll
        self.cond = threading.Condition()
        self.wake = threading.Event()
        self.latest = 0  # newest event id read from the database
        self.floor: int | None = None  # every event with id > floor is buffered
        # Parallel lists in id order, so a stream finds its place by bisection
        # instead of scanning the whole buffer (300 streams wake per event).
        self.ids: list[int] = []
        # (workshop, audience, event, SSE text): decoded and formatted once,
        # shared by every stream.
        self.recent: list[tuple[int, str, dict[str, Any], str]] = []
        self.subscribers = 0
        self.running = False

    def subscribe(self) -> None:
        with self.cond:
            self.subscribers += 1
            if not self.running:
                self.running = True
                self.floor = None
                threading.Thread(
                    target=self._run, name="workshop-events", daemon=True
                ).start()

    def unsubscribe(self) -> None:
        with self.cond:
            self.subscribers -= 1

    def poke(self) -> None:
        """Read the log now (a write just committed in this process)."""
        self.wake.set()

    def _run(self) -> None:
        idle_since = time.monotonic()
        try:
            conn = connect(self.path).conn
        except Exception:  # noqa: BLE001 - a missing file: streams fall back
            with self.cond:
                self.running = False
                self.cond.notify_all()
            return
        try:
            while True:
                self._read(conn)
                with self.cond:
                    if self.subscribers > 0:
                        idle_since = time.monotonic()
                    elif time.monotonic() - idle_since > HUB_IDLE_SECONDS:
                        self.running = False
                        return
                self.wake.wait(self.poll)
                self.wake.clear()
        except Exception:  # noqa: BLE001 - streams read the database instead
            with self.cond:
                self.running = False
                self.floor = None
                self.cond.notify_all()
        finally:
            conn.close()

    def _read(self, conn: Any) -> None:
        if self.floor is None:
            newest = conn.execute("SELECT max(id) FROM workshop_events").fetchone()
            with self.cond:
                self.latest = self.floor = newest[0] or 0
                self.ids.clear()
                self.recent.clear()
            return
        rows = conn.execute(
            "SELECT * FROM workshop_events WHERE id > ? ORDER BY id LIMIT 1000",
            [self.latest],
        ).fetchall()
        if not rows:
            return
        with self.cond:
            for row in rows:
                event = event_from_row(row)
                self.ids.append(row["id"])
                self.recent.append(
                    (row["workshop_id"], row["audience"], event, format_sse(event))
                )
            if len(self.ids) > 2 * BUFFER_SIZE:  # trim now and then, not always
                self.floor = self.ids[-BUFFER_SIZE - 1]
                del self.ids[:-BUFFER_SIZE], self.recent[:-BUFFER_SIZE]
            self.latest = rows[-1]["id"]
            self.cond.notify_all()

    def buffered_after(
        self, workshop_id: int, last_id: int, viewer: Viewer
    ) -> tuple[list[tuple[dict[str, Any], str]] | None, int]:
        """([(event, SSE text)] after last_id, or None if too old; newest id)."""
        with self.cond:
            if self.floor is None or last_id < self.floor:
                return None, self.latest
            start = bisect.bisect_right(self.ids, last_id)
            found = [
                (event, text)
                for wid, audience, event, text in self.recent[start:]
                if wid == workshop_id and viewer.sees(audience)
            ]
            return found, self.latest

    def wait(self, seen: int, timeout: float) -> None:
        """Block until an event newer than `seen` is read, or `timeout`."""
        with self.cond:
            if self.running:
                self.cond.wait_for(
                    lambda: self.latest > seen or not self.running, timeout=timeout
                )
                return
        # No watcher thread (it could not open the database): poll slowly.
        time.sleep(min(timeout, self.poll))


_hubs: dict[str, Hub] = {}
_hubs_lock = threading.Lock()
_on_write: dict[str, list[Callable[[], None]]] = {}


def hub_for(path: str) -> Hub:
    with _hubs_lock:
        hub = _hubs.get(path)
        if hub is None:
            hub = _hubs[path] = Hub(path)
    on_write(path, hub.poke)
    return hub


def on_write(path: str, callback: Callable[[], None]) -> None:
    """Call `callback` (from any thread) after each write to `path`."""
    with _hubs_lock:
        callbacks = _on_write.setdefault(path, [])
        if callback not in callbacks:
            callbacks.append(callback)


def poke(path: str) -> None:
    """A write to the event log of `path` just committed in this process:
    wake the readers of this process at once instead of at their next poll."""
    for callback in _on_write.get(path, ()):
        callback()


def format_sse(event: dict[str, Any]) -> str:
    """One SSE message: `id:` for Last-Event-ID, data = the event as JSON."""
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event['id']}\ndata: {data}\n\n"


def sse_stream(
    hub: Hub,
    workshop_id: int,
    viewer: Viewer,
    last_id: int,
    *,
    keepalive: float = KEEPALIVE_SECONDS,
    lifetime: float = STREAM_LIFETIME_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[str]:
    """Yield SSE text: a first comment, then events after `last_id` (those
    read together in one chunk).

    A comment line is sent at once (so proxies flush the response) and every
    `keepalive` seconds without events; the generator returns after
    `lifetime` seconds so the client reconnects from its Last-Event-ID.
    Events too old for the hub's memory are read from the database.
    """
    hub.subscribe()
    db = None
    # Everything up to `cursor` has been sent (or is not for this viewer).
    cursor = last_id
    try:
        yield FIRST_MESSAGE
        started = last_sent = clock()
        while clock() - started < lifetime:
            more = False
            events, seen = hub.buffered_after(workshop_id, cursor, viewer)
            if events is None:
                # `seen` was read before this query, so the query covers it.
                db = db or connect(hub.path)
                read = events_after(db, workshop_id, cursor, viewer=viewer)
                events = [(event, format_sse(event)) for event in read]
                more = len(events) == DEFAULT_LIMIT
            for event, _text in events:
                viewer.follow(event)
            if events:
                # One write for everything that arrived together: fewer
                # system calls when 300 streams wake for the same events.
                yield "".join(text for _event, text in events)
                cursor = events[-1][0]["id"]
                last_sent = clock()
            if not more:
                cursor = max(cursor, seen)
            else:
                continue
            if not events and clock() - last_sent >= keepalive:
                yield ": keep-alive\n\n"
                last_sent = clock()
            remaining = min(
                keepalive - (clock() - last_sent), lifetime - (clock() - started)
            )
            if remaining > 0:
                hub.wait(seen, remaining)
    finally:
        hub.unsubscribe()
        if db is not None:
            db.close()
