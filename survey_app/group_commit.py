"""Group commit: many residents' answers, one flush to disk.

Every answer is written with `synchronous = FULL`, so an acknowledged answer
survives a power cut. A flush costs several milliseconds here, and one flush
per answer capped a whole server at about a hundred answers a second. Each
process therefore has one writer thread per database: request threads hand
it their write and wait; it runs every write waiting at that moment in one
transaction (each in its own savepoint, so one failing write fails alone),
commits once, then wakes them all. Nobody is acknowledged before the commit.
"""

import functools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from .storage import connect, write_transaction

IDLE_SECONDS = 30  # an idle writer thread stops; the next write starts one


@dataclass
class _Write:
    work: Callable[[sqlite_utils.Database], Any]
    done: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None


class _Writer:
    def __init__(self, path: str) -> None:
        self.path = path
        self.pending: list[_Write] = []
        self.wakeup = threading.Condition()
        self.thread: threading.Thread | None = None

    def submit(self, work: Callable[[sqlite_utils.Database], Any]) -> Any:
        write = _Write(work)
        with self.wakeup:
            self.pending.append(write)
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._run, name="group-commit", daemon=True
                )
                self.thread.start()
            self.wakeup.notify()
        write.done.wait()
        if write.error is not None:
            raise write.error
        return write.result

    def _run(self) -> None:
        try:
            db = connect(self.path)
        except BaseException as error:  # nobody may wait forever
            with self.wakeup:
                batch, self.pending, self.thread = self.pending, [], None
            for write in batch:
                write.error = error
                write.done.set()
            return
        try:
            while True:
                with self.wakeup:
                    if not self.pending:
                        self.wakeup.wait(IDLE_SECONDS)
                    if not self.pending:
                        self.thread = None
                        return
                    batch, self.pending = self.pending, []
                self._commit(db, batch)
        finally:
            db.close()

    @staticmethod
    def _commit(db: sqlite_utils.Database, batch: list[_Write]) -> None:
        try:
            with write_transaction(db):
                for write in batch:
                    try:
                        with db.atomic():  # a savepoint: fails alone
                            write.result = write.work(db)
                    except Exception as error:  # noqa: BLE001 (handed back)
                        write.error = error
        except BaseException as error:  # the commit itself failed: nobody is safe
            for write in batch:
                write.error = write.error or error
        finally:
            for write in batch:
                write.done.set()


_writers: dict[tuple[int, str], _Writer] = {}
_writers_lock = threading.Lock()


def run_write(
    db: sqlite_utils.Database, work: Callable[[sqlite_utils.Database], Any]
) -> Any:
    """Run `work(db)` in a shared, durable write transaction; return its result.

    Falls back to running it directly inside an open transaction (it then
    commits with its caller) or on a database without a file.
    """
    path = getattr(db, "path", None)
    if path is None or db.conn.in_transaction:
        with write_transaction(db):
            return work(db)
    key = (os.getpid(), path)  # a forked worker gets its own thread
    with _writers_lock:
        writer = _writers.get(key)
        if writer is None:
            writer = _writers[key] = _Writer(path)
    return writer.submit(work)


def grouped_write(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run `func(db, ...)` through `run_write`: it gets the shared writer's
    connection, and its own `write_transaction` becomes a savepoint there.
    For the frequent small writes of a live workshop (cards, dots, joins):
    one write lock and one flush for all those that arrive together."""

    @functools.wraps(func)
    def wrapper(db: sqlite_utils.Database, *args: Any, **kwargs: Any) -> Any:
        return run_write(db, lambda writer_db: func(writer_db, *args, **kwargs))

    return wrapper
