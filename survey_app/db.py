"""The data layer: one SQLite database in instance/, reached through sqlite-utils.

Reads use the connection cached on `g`. Writes that must not interleave (a
vote against a budget, a response and its idempotency key) go through
`write_transaction()`, which takes SQLite's write lock up front with
`BEGIN IMMEDIATE` so that a transaction never fails with SQLITE_BUSY halfway.
"""

import contextlib
import importlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime

import sqlite_utils
from flask import Flask, current_app, g

# Every package with tables lists its migrations here, applied in this order.
MIGRATION_MODULES = (
    "survey_app.migrations",
    "survey_app.field_migrations",
    "facilitation.migrations",
    "analysis.migrations",
)


def connect(path: str) -> sqlite_utils.Database:
    """Open the database with the settings every connection needs."""
    conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    # FULL: an acknowledged answer survives a power cut, not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    return sqlite_utils.Database(conn)


def get_db() -> sqlite_utils.Database:
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


@contextlib.contextmanager
def write_transaction(
    db: sqlite_utils.Database | None = None,
) -> Iterator[sqlite_utils.Database]:
    """Run a block as one write transaction holding the write lock from the start."""
    db = db or get_db()
    if db.conn.in_transaction:
        with db.atomic():  # nested: a savepoint inside the outer transaction
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.conn.commit()


def migrate(db: sqlite_utils.Database) -> None:
    """Create or upgrade every table; safe to run again and again."""
    db.enable_wal()
    for name in MIGRATION_MODULES:
        module = importlib.import_module(name)
        module.migrations.apply(db)


def now() -> str:
    """UTC timestamp as stored in the database (ISO 8601, seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
