"""Crash test: kill the server mid-load, restart it, resend; nothing lost or doubled.

Usage: .venv/bin/python bench/crash.py [--clients 8] [--kill-after 2.0]
                                       [--resend-share 0.2]

1. Starts the production server exactly as `make run` does (`flask init`,
   `flask demo`, then `gunicorn -c gunicorn.conf.py` on a free port) and adds
   an open survey whose questionnaire is one screen.
2. `--clients` residents' phones send complete questionnaires at full speed
   (each with its own idempotency key and a unique marker text), and two
   kiosk tablets send batches of queued answers to `/s/<code>/envoi`. A
   questionnaire is acknowledged by a 303 to the thank-you page; a queued
   answer by a 200 whose result is "stored" or "duplicate".
3. After `--kill-after` seconds the whole server (master and every worker)
   gets SIGKILL, in the middle of requests.
4. The server is restarted over the same database; every submission that was
   not acknowledged is sent again (as a phone or a tablet retries), plus a
   share of acknowledged ones (a double submission).
5. The database is checked: every submission must be there exactly once
   (looked up by its marker, not by its key, so that a duplicate under
   another key would be seen).

Rate limits: loopback addresses are exempt by default
(`RATELIMIT_EXEMPT_LOOPBACK`, see survey_app/ratelimit.py), so the bench's
120+ posts a minute from 127.0.0.1 are not refused; `rate_limited` counts any
429 all the same.

The last line printed is one JSON object: acknowledged, found, lost (must be
0), duplicates (must be 0), killed_at_s, restarted_in_s, and details.
"""

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _client import Client, HTTPError  # noqa: E402
from _server import BIN, ROOT, Server  # noqa: E402

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION_RE = re.compile(r'name="_v" value="(\d+)"')
QUESTIONS = [
    {"key": "AGE", "type": "number", "theme": "profil", "required": True,
     "text": "Quel âge avez-vous ?", "min": 0, "max": 120},
    {"key": "MARK", "type": "short_text", "theme": "profil", "required": True,
     "text": "Repère du banc d'essai"},
]  # fmt: skip
BATCH = 5
NETWORK_ERRORS = (HTTPError, OSError, ValueError, IndexError)


def prepare(server: Server) -> dict:
    """The open survey, its point, a kiosk device token, its version id."""
    os.environ["FLASK_SECRET_KEY"] = server.env["FLASK_SECRET_KEY"]
    from survey_app import create_app
    from survey_app.db import connect, write_transaction
    from survey_app.field import device
    from survey_app.surveys import model

    db = connect(server.database)
    try:
        diagnostic = db.execute("SELECT id FROM diagnostics LIMIT 1").fetchone()[0]
        survey_id = model.create_survey(db, diagnostic, "Banc d'essai", QUESTIONS)
        with write_transaction(db):
            db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey_id])
        point_id = model.create_point(db, survey_id, "Marché", "marche")
        code = db.execute(
            "SELECT code FROM collection_points WHERE id = ?", [point_id]
        ).fetchone()[0]
        version = model.current_version(db, survey_id)["id"]
    finally:
        db.close()
    app = create_app(
        {"SECRET_KEY": server.env["FLASK_SECRET_KEY"], "DATABASE": server.database}
    )
    with app.test_request_context():
        token = device.mint(survey_id, point_id)
    return {"survey": survey_id, "code": code, "version": version, "token": token}


class Submission:
    """One questionnaire (form) or one queued answer (kiosk), with its fate."""

    def __init__(self, kind: str, marker: str, age: int) -> None:
        self.kind, self.marker, self.age = kind, marker, age
        self.key = secrets.token_urlsafe(16)
        self.acked_before_kill = False
        self.acked = False


class Bench:
    def __init__(self, server: Server, survey: dict, clients: int) -> None:
        self.server, self.survey, self.clients = server, survey, clients
        self.submissions: list[Submission] = []
        self.killed = asyncio.Event()
        self.statuses: dict[str, int] = {}
        self.errors = 0

    def _count(self, status: int) -> None:
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1

    def new(self, kind: str) -> Submission:
        n = len(self.submissions)
        submission = Submission(kind, f"essai-{n}-{secrets.token_hex(4)}", n % 120)
        self.submissions.append(submission)
        return submission

    async def phone(self) -> None:
        client = Client("127.0.0.1", self.server.port)
        code = self.survey["code"]
        _status, _headers, body = await client.get(f"/s/{code}/questions")
        html = body.decode()
        client.csrf = CSRF_RE.search(html).group(1)
        client.version = VERSION_RE.search(html).group(1)
        self.phones.append(client)
        while not self.killed.is_set():
            submission = self.new("form")
            submission.client = client
            if await self.send_form(client, submission):
                submission.acked = True
                submission.acked_before_kill = not self.killed.is_set()

    async def send_form(self, client: Client, submission: Submission) -> bool:
        fields = {
            "csrf_token": client.csrf,
            "_v": client.version,
            "_k": submission.key,
            "_step": "0",
            "_nav": "next",
            "AGE": str(submission.age),
            "MARK": submission.marker,
        }
        try:
            status, headers, _ = await client.post_form(
                f"/s/{self.survey['code']}/questions", fields
            )
        except NETWORK_ERRORS:
            self.errors += 1
            return False
        self._count(status)
        return status == 303 and headers.get("location", "").endswith("/merci")

    async def tablet(self) -> None:
        client = Client("127.0.0.1", self.server.port)
        while not self.killed.is_set():
            batch = [self.new("kiosk") for _ in range(BATCH)]
            fates = await self.send_batch(client, batch)
            for submission, ok in zip(batch, fates, strict=True):
                if ok:
                    submission.acked = True
                    submission.acked_before_kill = not self.killed.is_set()
        await client.close()

    async def send_batch(self, client: Client, batch: list[Submission]) -> list[bool]:
        items = [
            {
                "key": s.key,
                "version_id": self.survey["version"],
                "answers": {"AGE": str(s.age), "MARK": s.marker},
                "mode": "kiosk",
                "answered_at": None,
            }
            for s in batch
        ]
        try:
            status, _headers, body = await client.post_json(
                f"/s/{self.survey['code']}/envoi",
                {"token": self.survey["token"], "items": items},
            )
        except NETWORK_ERRORS:
            self.errors += 1
            return [False] * len(batch)
        self._count(status)
        if status != 200:
            return [False] * len(batch)
        results = json.loads(body)["results"]
        if len(results) != len(batch):
            return [False] * len(batch)
        return [
            r.get("key") == s.key and r.get("status") in ("stored", "duplicate")
            for r, s in zip(results, batch, strict=True)
        ]

    async def load(self, kill_after: float) -> float:
        """Send at full speed; SIGKILL the server after `kill_after` seconds."""
        self.phones: list[Client] = []
        tasks = [asyncio.create_task(self.phone()) for _ in range(self.clients)]
        tasks += [asyncio.create_task(self.tablet()) for _ in range(2)]
        started = time.monotonic()
        await asyncio.sleep(kill_after)
        for pid in self.server.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        killed_at = time.monotonic() - started
        self.killed.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        # The phones' cookies are kept for the resend, on the next loop.
        await asyncio.gather(*(phone.close() for phone in self.phones))
        self.server.process.wait()
        return killed_at

    async def resend(self, share: float) -> tuple[int, int]:
        """Send again what was not acknowledged, and a share of what was."""
        rng = random.Random(5)
        again = [s for s in self.submissions if not s.acked]
        acked = [s for s in self.submissions if s.acked]
        doubled = rng.sample(acked, int(len(acked) * share))
        tablet = Client("127.0.0.1", self.server.port)
        forms = [s for s in again + doubled if s.kind == "form"]
        queued = [s for s in again + doubled if s.kind == "kiosk"]

        async def phone_retries(chunk: list[Submission]) -> None:
            for s in chunk:
                if await self.send_form(s.client, s):
                    s.acked = True

        per_phone: dict[int, list[Submission]] = {}
        for s in forms:
            per_phone.setdefault(id(s.client), []).append(s)
        await asyncio.gather(*(phone_retries(c) for c in per_phone.values()))
        for i in range(0, len(queued), BATCH):
            batch = queued[i : i + BATCH]
            fates = await self.send_batch(tablet, batch)
            for s, ok in zip(batch, fates, strict=True):
                s.acked = s.acked or ok
        await asyncio.gather(tablet.close(), *(phone.close() for phone in self.phones))
        return len(again), len(doubled)


def markers(database: str, survey_id: int) -> set[str]:
    conn = sqlite3.connect(database)
    try:
        rows = conn.execute(
            "SELECT json_extract(answers, '$.MARK') FROM responses WHERE survey_id = ?",
            [survey_id],
        )
        return {r[0] for r in rows}
    finally:
        conn.close()


def check(database: str, survey_id: int, bench: Bench) -> dict:
    conn = sqlite3.connect(database)
    try:
        rows = conn.execute(
            "SELECT json_extract(answers, '$.MARK'), mode FROM responses "
            "WHERE survey_id = ?",
            [survey_id],
        ).fetchall()
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    seen: dict[str, int] = {}
    for marker, _mode in rows:
        seen[marker] = seen.get(marker, 0) + 1
    wanted = {s.marker for s in bench.submissions}
    acknowledged = [s for s in bench.submissions if s.acked]
    return {
        "found": sum(1 for s in bench.submissions if s.marker in seen),
        "lost": sum(1 for s in acknowledged if s.marker not in seen),
        "duplicates": sum(n - 1 for n in seen.values()),
        "never_acknowledged": len(bench.submissions) - len(acknowledged),
        "strangers": sum(1 for m in seen if m not in wanted),
        "rows": len(rows),
        "integrity": integrity,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--kill-after", type=float, default=2.0)
    parser.add_argument("--resend-share", type=float, default=0.2)
    args = parser.parse_args()

    server = Server()
    try:
        server.init()
        subprocess.run(
            [os.path.join(BIN, "flask"), "--app", "survey_app", "demo", "--if-empty"],
            cwd=ROOT,
            env=server.env,
            check=True,
            capture_output=True,
        )
        survey = prepare(server)
        server.start()
        bench = Bench(server, survey, args.clients)
        killed_at = asyncio.run(bench.load(args.kill_after))
        acked_before = sum(1 for s in bench.submissions if s.acked_before_kill)
        sent_before = len(bench.submissions)
        print(f"killed after {killed_at:.2f} s: {acked_before} acknowledged of "
              f"{sent_before} sent")  # fmt: skip
        # Stored by a request killed before its answer left: the resend must
        # find it by its key rather than store it again.
        on_disk = markers(server.database, survey["survey"])
        in_flight_stored = sum(
            1 for s in bench.submissions if not s.acked and s.marker in on_disk
        )
        down = time.monotonic()
        server.start()
        restarted_in = time.monotonic() - down
        resent, doubled = asyncio.run(bench.resend(args.resend_share))
        result = check(server.database, survey["survey"], bench)
    finally:
        server.stop()
    print(
        json.dumps(
            {
                "acknowledged": sum(1 for s in bench.submissions if s.acked),
                "found": result["found"],
                "lost": result["lost"],
                "duplicates": result["duplicates"],
                "killed_at_s": round(killed_at, 2),
                "restarted_in_s": round(restarted_in, 2),
                "submitted": sent_before,
                "acknowledged_before_kill": acked_before,
                "resent_unacknowledged": resent,
                "resent_acknowledged": doubled,
                "unacknowledged_but_stored": in_flight_stored,
                "never_acknowledged": result["never_acknowledged"],
                "rows": result["rows"],
                "strangers": result["strangers"],
                "integrity_check": result["integrity"],
                "network_errors": bench.errors,
                "statuses": bench.statuses,
                "rate_limited": bench.statuses.get("429", 0),
                "clients": args.clients,
                "tablets": 2,
            }
        )
    )


if __name__ == "__main__":
    main()
