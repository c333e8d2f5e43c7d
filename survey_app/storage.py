"""The data layer without Flask: one SQLite file reached through sqlite-utils.

Writes that must not interleave (a vote against a budget, a response and its
idempotency key) go through `write_transaction(db)`, which takes SQLite's
write lock up front with `BEGIN IMMEDIATE` so that a transaction never fails
with SQLITE_BUSY halfway.

Writers also queue on a lock file next to the database before asking SQLite
for its lock. SQLite's own busy handler waits by sleeping (1, 2, 5… 100 ms),
so with several gunicorn processes writing at once most of the time went to
sleeping on a lock that was already free; a blocked `flock` wakes as soon as
the lock is released (bench/survey.py measures the difference).

No Flask here: the analysis core and the scripts use it directly; db.py adds
the connection cached on `g` for requests.
"""

import contextlib
import fcntl
import importlib
import os
import sqlite3
import threading
from collections.abc import Iterator

import sqlite_utils

# Every package with tables lists its migrations here, applied in this order.
MIGRATION_MODULES = (
    "survey_app.migrations",
    "survey_app.safeguards.migrations",
    "facilitation.migrations",
    "analysis.migrations",
    "diagnostic.migrations",
    "offer.migrations",
    "action_plan.migrations",
    "evaluation.migrations",
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
    # Attached for the writers' queue (sqlite-utils has no such attributes).
    db.path = None if path == ":memory:" else os.path.abspath(path)  # type: ignore[attr-defined]
    db.lock_path = db.path and db.path + ".lock"  # type: ignore[attr-defined]
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


@contextlib.contextmanager
def write_transaction(
    db: sqlite_utils.Database, durable: bool = True
) -> Iterator[sqlite_utils.Database]:
    """Run a block as one write transaction holding the write lock from the start.

    `durable=False` is for bookkeeping nobody submitted (a phone's "last
    seen" time): its commit skips the flush to disk (WAL + synchronous
    NORMAL: a crash cannot corrupt the file, a power cut may only forget
    it). A flush costs ~8 ms here, and 1,000 phones saying "still here"
    every 30 s took a third of the disk's flushes from the cards they post.
    """
    if db.conn.in_transaction:
        with db.atomic():  # nested: a savepoint inside the outer transaction
            yield db
        return
    with _writers_queue(getattr(db, "lock_path", None)):
        if not durable:
            db.conn.execute("PRAGMA synchronous = NORMAL")
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.rollback()
            raise
        else:
            db.conn.commit()
        finally:
            if not durable:
                db.conn.execute("PRAGMA synchronous = FULL")


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just wrote (sqlite3 types it as optional)."""
    if cursor.lastrowid is None:
        raise RuntimeError("aucune ligne insérée")
    return cursor.lastrowid


def migrate(db: sqlite_utils.Database) -> None:
    """Create or upgrade every table; safe to run again and again."""
    if db.path:  # type: ignore[attr-defined]
        make_private(db.path)  # type: ignore[attr-defined]
    db.enable_wal()
    for name in MIGRATION_MODULES:
        module = importlib.import_module(name)
        module.migrations.apply(db)
