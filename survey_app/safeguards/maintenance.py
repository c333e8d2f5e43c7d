"""Background work of each server process: push sending, the daily purge
and the daily reminders to measure again (survey waves).

Each gunicorn worker starts one daemon thread on its first request (not at
import: a forked or preloaded process would lose it). The thread sends queued
notifications every few seconds (or as soon as `push.wake_up` is set) and,
once an hour, tries to claim today's purge: the claim is a single UPDATE of
the `maintenance` row, so with any number of workers the purge runs at most
once a day. Tests drive the same functions directly (`BACKGROUND_JOBS`
defaults to off when TESTING).
"""

import logging
import os
import threading
import time
from datetime import datetime

import click
import sqlite_utils
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..dates import utcnow
from ..db import connect, get_db, now, write_transaction
from ..settings import setting
from ..surveys import waves as survey_waves
from . import push, ratelimit
from .personal_data import purge_expired

log = logging.getLogger(__name__)
PURGE_CHECK_SECONDS = 3600
_started: set[tuple[int, str]] = set()
_lock = threading.Lock()
stop = threading.Event()  # set (with push.wake_up) to end the threads


def claim_daily(db: sqlite_utils.Database, name: str, day: str) -> bool:
    """True for exactly one caller per `name` and day, whatever the process."""
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE maintenance SET last_run = ? WHERE name = ? AND last_run < ?",
            [day, name, day],
        )
        return cursor.rowcount == 1


def run_purge(db: sqlite_utils.Database, at: datetime | None = None) -> dict:
    """Purge expired data and forgotten rate-limit counters; record the run."""
    counts = purge_expired(db, at)
    with write_transaction(db):
        ratelimit.purge(db)
        summary = ", ".join(f"{n} {label}" for label, n in counts.items())
        db.execute(
            "UPDATE maintenance SET summary = ? WHERE name = 'purge'",
            [f"{now()} : {summary}"],
        )
    return counts


def daily_purge(db: sqlite_utils.Database, at: datetime | None = None) -> dict | None:
    """Run the purge unless another process already did today."""
    day = (at or utcnow()).strftime("%Y-%m-%d")
    if not claim_daily(db, "purge", day):
        return None
    counts = run_purge(db, at)
    # Once a day too: "six months since this wave closed" (issue 12 §3).
    survey_waves.remind_remeasures(db, at)
    return counts


def _loop(app: Flask) -> None:
    config = push.settings(app)
    db = connect(app.config["DATABASE"])
    next_purge = 0.0
    while not stop.is_set():
        try:
            if time.monotonic() >= next_purge:
                next_purge = time.monotonic() + PURGE_CHECK_SECONDS
                counts = daily_purge(db)
                if counts:
                    log.info("Purge RGPD : %s", counts)
            push.dispatch_pending(db, config)
        except Exception:  # never let the thread die: log and try again later
            log.exception("Tâche de fond en échec")
        push.wake_up.wait(setting(app.config, "PUSH_POLL_SECONDS"))
        push.wake_up.clear()
    db.close()


def start_background(app: Flask) -> threading.Thread | None:
    """Start this process's background thread once (before_request hook)."""
    jobs = setting(app.config, "BACKGROUND_JOBS")
    if not (not app.testing if jobs is None else jobs):
        return None
    key = (os.getpid(), app.config["DATABASE"])
    if key in _started:
        return None
    with _lock:
        if key in _started:
            return None
        _started.add(key)
        thread = threading.Thread(
            target=_loop, args=(app,), name="maintenance", daemon=True
        )
        thread.start()
        return thread


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Delete answers and workshops older than their retention period, now."""
    counts = run_purge(get_db())
    click.echo(
        "Purge terminée : "
        + ", ".join(f"{n} {label} supprimé(e)s" for label, n in counts.items())
        + "."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(purge_command)

    @app.before_request
    def start_once() -> None:  # must return None: anything else is a response
        start_background(current_app._get_current_object())  # type: ignore[attr-defined]
