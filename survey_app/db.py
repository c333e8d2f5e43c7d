"""The data layer seen from a request: the connection cached on `g`.

Opening the file, the write lock and migrations are in storage.py (no Flask);
they are re-exported here so that views write `from ..db import get_db,
write_transaction`.
"""

import contextlib
import os
import threading
from collections.abc import Iterator

import sqlite_utils
from flask import Flask, current_app, g

from . import storage
from .dates import now  # noqa: F401  (re-exported)
from .storage import (  # noqa: F401  (re-exported)
    MIGRATION_MODULES,
    connect,
    create_private,
    make_private,
    migrate,
)

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
    db: sqlite_utils.Database | None = None, durable: bool = True
) -> Iterator[sqlite_utils.Database]:
    """`storage.write_transaction` on `db`, by default the request's connection."""
    with storage.write_transaction(db or get_db(), durable) as db:
        yield db


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
