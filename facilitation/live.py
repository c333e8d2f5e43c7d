"""Live event streams on the event loop: no thread per open connection.

The production server (survey_app/asgi.py) runs each worker process as an
asyncio event loop. The JSON API and the pages run in a bounded pool of
threads beside it; an event stream (`…/flux`) only borrows a thread to be
authorised by its Flask view, which hands it over to the `LiveHub` of its
process (`handoff`). The stream then costs a small object and a timer, so
1,000 open phones never take a thread that a post, a vote or a poll needs.

One hub per process and database reads the event log once every ~100 ms for
every workshop (`POLL_SECONDS`, at once after a write in this process), in
its own reader thread, and hands each new event only to the streams of its
workshop whose viewer sees its audience: a card posted in one workshop wakes
neither the other workshops nor, for a private event, the other phones.

Beyond `max_streams` open streams in a process the view answers 503: the
phone falls back to polling (facilitation/static/live/connection.js). On SIGTERM
(`close_all`, called by the worker) every stream ends at once and the phones
reconnect, from their Last-Event-ID, to the next server.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlite_utils

from survey_app.db import connect
from survey_app.settings import environment_setting

from . import events
from .events import (
    DEFAULT_LIMIT,
    FIRST_MESSAGE,
    Viewer,
    event_from_row,
    events_after,
    format_sse,
)

POLL_SECONDS = 0.1
HUB_IDLE_SECONDS = 30.0
BUFFER_SIZE = 4096  # recent events kept for streams that reconnect
# Per process; each costs a socket and a few kilobytes, not a thread.
MAX_STREAMS = environment_setting("LIVE_MAX_STREAMS")
SCOPE_KEY = "live.hub"  # the hub, in the ASGI scope (request.environ["asgi.scope"])
HANDOFF_KEY = "live.stream"  # what the view hands over: workshop, viewer, after
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store, no-transform"),
    (b"x-accel-buffering", b"no"),  # nginx: do not buffer
]

Send = Callable[[dict[str, Any]], Awaitable[None]]
_hubs: list[LiveHub] = []


class _Stream:
    """One open stream: what its viewer sees, waiting to be written."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer
        self.pending: list[tuple[int, str]] = []
        self.wake = asyncio.Event()

    def offer(self, event_id: int, audience: str, event: dict, text: str) -> None:
        if self.viewer.sees(audience):
            self.viewer.follow(event)
            self.pending.append((event_id, text))
            self.wake.set()


class LiveHub:
    """The streams of one process, fed by one reader of the event log."""

    def __init__(
        self, path: str, poll: float = POLL_SECONDS, max_streams: int = MAX_STREAMS
    ) -> None:
        self.path = path
        self.poll = poll
        self.max_streams = max_streams
        self.streams: dict[int, set[_Stream]] = {}
        self.count = 0
        self.closing = False
        self.latest = 0  # newest event id read
        self.floor: int | None = None  # every event with id > floor is in `recent`
        self.recent: deque[tuple[int, int, str, dict, str]] = deque()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.wake: asyncio.Event | None = None
        self.watcher: asyncio.Task | None = None
        # Its own thread: a busy API pool never delays the live updates.
        self.reader = ThreadPoolExecutor(1, thread_name_prefix="live-events")
        self._conn: Any = None
        _hubs.append(self)

    def full(self) -> bool:
        return self.count >= self.max_streams

    def poke(self) -> None:
        """Read the log now (from any thread: a write just committed here)."""
        if self.loop is not None and self.wake is not None:
            self.loop.call_soon_threadsafe(self.wake.set)

    def close(self) -> None:
        """End every stream now (server stopping); refuse new ones."""
        self.closing = True
        for streams in self.streams.values():
            for stream in streams:
                stream.wake.set()

    # --- reading the log (reader thread) -----------------------------------

    def _read(self, after: int | None) -> list[tuple[int, int, str, dict, str]]:
        if self._conn is None:
            self._conn = connect(self.path).conn
        if after is None:
            newest = self._conn.execute("SELECT max(id) FROM workshop_events")
            return [(newest.fetchone()[0] or 0, 0, "", {}, "")]
        rows = self._conn.execute(
            "SELECT * FROM workshop_events WHERE id > ? ORDER BY id LIMIT 1000",
            [after],
        ).fetchall()
        found = []
        for row in rows:
            event = event_from_row(row)
            text = format_sse(event)
            found.append((row["id"], row["workshop_id"], row["audience"], event, text))
        return found

    def _backlog(self, workshop_id: int, after: int, viewer: Viewer) -> list:
        if self._conn is None:
            self._conn = connect(self.path).conn
        db = sqlite_utils.Database(self._conn, execute_plugins=False)
        found: list[dict] = []
        while True:
            page = events_after(db, workshop_id, after, viewer=viewer)
            found += page
            if len(page) < DEFAULT_LIMIT:
                return [(e["id"], format_sse(e)) for e in found]
            after = page[-1]["id"]

    # --- the watcher (event loop) -------------------------------------------

    def _start(self) -> None:
        if self.watcher is None or self.watcher.done():
            self.loop = asyncio.get_running_loop()
            self.wake = asyncio.Event()
            self.floor = None
            self.recent.clear()
            self.watcher = self.loop.create_task(self._watch())
            events.on_write(self.path, self.poke)

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        wake = self.wake  # set by _start before this task runs
        assert wake is not None
        idle_since = loop.time()
        while not self.closing:
            try:
                rows = await loop.run_in_executor(
                    self.reader, self._read, None if self.floor is None else self.latest
                )
            except Exception:  # noqa: BLE001 - database busy or gone: try again
                rows = []
                await asyncio.sleep(1)
            if self.floor is None and rows:
                self.latest = self.floor = rows[0][0]
            else:
                self._dispatch(rows)
            if self.count:
                idle_since = loop.time()
            elif loop.time() - idle_since > HUB_IDLE_SECONDS:
                return
            try:
                async with asyncio.timeout(self.poll):
                    await wake.wait()
            except TimeoutError:
                pass
            wake.clear()

    def _dispatch(self, rows: list[tuple[int, int, str, dict, str]]) -> None:
        for row in rows:
            event_id, workshop_id, audience, event, text = row
            self.recent.append(row)
            for stream in self.streams.get(workshop_id, ()):
                stream.offer(event_id, audience, event, text)
        if rows:
            self.latest = rows[-1][0]
        while len(self.recent) > BUFFER_SIZE:
            self.floor = self.recent.popleft()[0]

    # --- one stream -----------------------------------------------------------

    async def serve(
        self,
        send: Send,
        workshop_id: int,
        viewer: Viewer,
        after: int,
        keepalive: float,
        lifetime: float,
    ) -> None:
        """Write the SSE response: a first comment, the events after `after`
        (from memory, else from the database), then each new one as it is
        read; a comment every `keepalive` seconds; the end after `lifetime`
        (EventSource reconnects with Last-Event-ID) or when the server stops.
        """
        loop = asyncio.get_running_loop()
        self._start()
        stream = _Stream(viewer)
        self.streams.setdefault(workshop_id, set()).add(stream)
        self.count += 1
        try:
            await send(
                {"type": "http.response.start", "status": 200, "headers": HEADERS}
            )
            await _write(send, FIRST_MESSAGE)
            if self.floor is not None and after >= self.floor:
                stream.pending[:0] = [
                    (event_id, text)
                    for event_id, wid, audience, event, text in self.recent
                    if event_id > after and wid == workshop_id and viewer.sees(audience)
                ]
            else:  # too old for memory; new events meanwhile go to `pending`
                backlog = await loop.run_in_executor(
                    self.reader, self._backlog, workshop_id, after, viewer
                )
                stream.pending[:0] = backlog
            cursor = after
            started = last_sent = loop.time()
            while not self.closing:
                fresh = [text for event_id, text in stream.pending if event_id > cursor]
                if stream.pending:
                    cursor = max(cursor, stream.pending[-1][0])
                    stream.pending.clear()
                stream.wake.clear()
                now = loop.time()
                if fresh:
                    # One write for everything read together.
                    await _write(send, "".join(fresh))
                    last_sent = now
                elif now - last_sent >= keepalive:
                    await _write(send, ": keep-alive\n\n")
                    last_sent = now
                if now - started >= lifetime:
                    break
                wait = min(last_sent + keepalive, started + lifetime) - now
                try:
                    async with asyncio.timeout(max(wait, 0.01)):
                        await stream.wake.wait()
                except TimeoutError:
                    pass
            if self.closing:
                # The server stops: phones come back spread over a few
                # seconds, not all in the same instant to the next one.
                await _write(send, f"retry: {random.randint(1000, 8000)}\n\n")
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            self.count -= 1
            self.streams[workshop_id].discard(stream)
            if not self.streams[workshop_id]:
                del self.streams[workshop_id]


async def _write(send: Send, text: str) -> None:
    await send({"type": "http.response.body", "body": text.encode(), "more_body": True})


def close_all() -> None:
    """End every stream of this process (the worker got SIGTERM or SIGINT)."""
    for hub in _hubs:
        hub.close()


def handoff(
    scope: dict[str, Any] | None,
    workshop_id: int,
    viewer: Viewer,
    after: int,
    keepalive: float,
    lifetime: float,
) -> bool | None:
    """Hand the current request's stream to the event loop.

    True: handed over (the view's own response is not sent); False: this
    process already holds `max_streams` (answer 503); None: no event loop
    here (development server, tests: stream from a thread instead).
    """
    if scope is None or scope.get(SCOPE_KEY) is None:
        return None
    hub = scope[SCOPE_KEY]
    if hub.full() or hub.closing:
        return False
    scope[HANDOFF_KEY] = {
        "workshop_id": workshop_id,
        "viewer": viewer,
        "after": after,
        "keepalive": keepalive,
        "lifetime": lifetime,
    }
    return True
