"""The data layer: one SQLite database in instance/, reached through sqlite-utils.

Reads use the connection cached on `g`. Writes that must not interleave (a
vote against a budget, a response and its idempotency key) go through
`write_transaction()`, which takes SQLite's write lock up front with
`BEGIN IMMEDIATE` so that a transaction never fails with SQLITE_BUSY halfway.

Writers also queue on a lock file next to the database before asking SQLite
for its lock. SQLite's own busy handler waits by sleeping (1, 2, 5… 100 ms),
so with several gunicorn processes writing at once most of the time went to
sleeping on a lock that was already free; a blocked `flock` wakes as soon as
the lock is released (bench/survey.py measures the difference).
"""

import contextlib
import fcntl
import importlib
import os
import sqlite3
import threading
from collections.abc import Iterator

import sqlite_utils
from flask import Flask, current_app, g

from . import timefmt

# Every package with tables lists its migrations here, applied in this order.
MIGRATION_MODULES = (
    "survey_app.migrations",
    "survey_app.field_migrations",
    "facilitation.migrations",
    "analysis.migrations",
    "diagnostic.migrations",
    "action_plan.migrations",
)


# The database holds residents' answers and password hashes: readable by the
# app's own user only, like instance/config.py (issue 8, E4).
PRIVATE = 0o600
SIDE_FILES = ("", "-wal", "-shm", "-journal")


def create_private(path: str) -> None:
    """Create `path` empty with mode 600 unless it exists.

    SQLite gives the database's mode to the -wal and -shm files it creates
    next to it, so they are private too.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


def make_private(path: str) -> None:
    """Mode 600 on the database and its side files (older ones were 644)."""
    for suffix in SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path + suffix, PRIVATE)


def connect(path: str) -> sqlite_utils.Database:
    """Open the database with the settings every connection needs."""
    if path != ":memory:":
        create_private(path)
    conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 30000")
    # FULL: an acknowledged answer survives a power cut, not only a crash.
    conn.execute("PRAGMA synchronous = FULL")
    # No sqlite-utils plugins: looking them up cost 3 ms on every request.
    db = sqlite_utils.Database(conn, execute_plugins=False)
    db.path = None if path == ":memory:" else os.path.abspath(path)
    db.lock_path = db.path and db.path + ".lock"
    return db


# One lock per process (threads) plus one lock file per database (processes).
_thread_lock = threading.Lock()
_lock_files: dict[tuple[int, str], int] = {}


@contextlib.contextmanager
def _writers_queue(lock_path: str | None) -> Iterator[None]:
    if lock_path is None:
        yield
        return
    with _thread_lock:
        key = (os.getpid(), lock_path)  # a forked worker opens its own file
        fd = _lock_files.get(key)
        if fd is None:
            fd = _lock_files[key] = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


# Each server thread keeps its connection from one request to the next:
# opening one and reading the schema again cost about 0.8 ms a request, a
# quarter of a resident's whole submission (bench/survey.py).
_local = threading.local()


def get_db() -> sqlite_utils.Database:
    if "db" not in g:
        g.db = _thread_connection(current_app.config["DATABASE"])
    return g.db


def _thread_connection(path: str) -> sqlite_utils.Database:
    wanted = (os.getpid(), os.path.abspath(path))
    cached = getattr(_local, "db", None)
    if cached is not None and _local.key == wanted:
        return cached
    if cached is not None and _local.key[0] == wanted[0]:
        cached.close()  # another database (tests): keep one per thread
    _local.db, _local.key = connect(path), wanted
    return _local.db


def close_db(_exc: BaseException | None = None) -> None:
    """End of a request: never leave a transaction open on the kept connection."""
    db = g.pop("db", None)
    if db is not None and db.conn.in_transaction:
        db.conn.rollback()


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
    with _writers_queue(getattr(db, "lock_path", None)):
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
    if db.path:
        make_private(db.path)
    db.enable_wal()
    for name in MIGRATION_MODULES:
        module = importlib.import_module(name)
        module.migrations.apply(db)


def now() -> str:
    """UTC timestamp as stored in the database (ISO 8601, seconds)."""
    return timefmt.stamp()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
