"""Answers written together share one commit, and each fails alone.

The writer thread is held inside a first write (an Event), so that the next
writes queue up behind it; the writer's connection counts its COMMITs with
`set_trace_callback`. Without batching each write commits on its own; without
the savepoint a failing write leaves its half-done work in everyone's commit.
"""

import os
import sqlite3
import threading
import time

import pytest

from survey_app import group_commit
from survey_app.db import connect
from survey_app.group_commit import run_write


@pytest.fixture
def commits(monkeypatch):
    """Statements the writer thread's connection runs, COMMIT included."""
    statements: list[str] = []

    def traced_connect(path):
        db = connect(path)
        db.conn.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(group_commit, "connect", traced_connect)
    monkeypatch.setattr(group_commit, "_writers", {})
    return lambda: sum(s.strip().upper() == "COMMIT" for s in statements)


def _table(db) -> None:
    db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    db.conn.commit()


def _writer_held(db):
    """Start a write that blocks the writer thread; return its release and thread."""
    entered, release = threading.Event(), threading.Event()

    def held(d):
        d.execute("INSERT INTO t VALUES ('held')")
        entered.set()
        assert release.wait(10)

    thread = threading.Thread(target=_write_from_thread, args=(db.path, held, []))
    thread.start()
    assert entered.wait(10), "the writer thread never started"
    return release, thread


def _write_from_thread(path, work, outcomes) -> None:
    own = connect(path)
    try:
        outcomes.append(("ok", run_write(own, work)))
    except Exception as error:  # noqa: BLE001 (the test looks at it)
        outcomes.append(("error", error))
    finally:
        own.close()


def _wait_until_queued(path: str, count: int) -> None:
    writer = group_commit._writers[(os.getpid(), path)]
    deadline = time.monotonic() + 10
    while len(writer.pending) < count and time.monotonic() < deadline:
        time.sleep(0.005)


def _insert(key: str):
    return lambda d: (
        d.execute("INSERT INTO t VALUES (?) ON CONFLICT DO NOTHING", [key]).rowcount
    )


def test_writes_waiting_together_share_one_commit(db, commits):
    _table(db)
    release, held = _writer_held(db)
    outcomes: list = []
    # 20 residents, each answer sent twice (a double tap).
    threads = [
        threading.Thread(
            target=_write_from_thread, args=(db.path, _insert(f"k{i % 20}"), outcomes)
        )
        for i in range(40)
    ]
    for thread in threads:
        thread.start()
    _wait_until_queued(db.path, 40)
    release.set()
    for thread in [held, *threads]:
        thread.join()
    assert sorted(outcomes) == [("ok", 0)] * 20 + [("ok", 1)] * 20
    # One commit for the held write, one for the 40 queued behind it.
    assert commits() == 2
    fresh = sqlite3.connect(db.path)
    assert fresh.execute("SELECT count(*) FROM t").fetchone()[0] == 21


def test_a_failing_write_fails_alone_inside_a_shared_commit(db, commits):
    _table(db)
    release, held = _writer_held(db)

    def half_done_then_fails(d):
        d.execute("INSERT INTO t VALUES ('half-done')")
        raise ValueError("refused")

    outcomes: dict[str, list] = {"a": [], "bad": [], "b": []}
    works = {"a": _insert("a"), "bad": half_done_then_fails, "b": _insert("b")}
    threads = []
    for name in ("a", "bad", "b"):
        thread = threading.Thread(
            target=_write_from_thread, args=(db.path, works[name], outcomes[name])
        )
        thread.start()
        threads.append(thread)
        _wait_until_queued(db.path, len(threads))  # this order in the batch
    release.set()
    for thread in [held, *threads]:
        thread.join()
    assert outcomes["a"] == [("ok", 1)] and outcomes["b"] == [("ok", 1)]
    [(kind, error)] = outcomes["bad"]
    assert kind == "error" and isinstance(error, ValueError)
    assert commits() == 2  # the failure did not split or abort the batch
    rows = sqlite3.connect(db.path).execute("SELECT k FROM t ORDER BY k")
    assert [r[0] for r in rows] == ["a", "b", "held"]


def test_a_failing_statement_is_raised_to_its_writer(db):
    _table(db)
    run_write(db, lambda d: d.execute("INSERT INTO t VALUES ('a')"))
    with pytest.raises(sqlite3.IntegrityError):
        run_write(db, lambda d: d.execute("INSERT INTO t VALUES ('a')"))
    run_write(db, lambda d: d.execute("INSERT INTO t VALUES ('b')"))
    assert [r[0] for r in db.execute("SELECT k FROM t ORDER BY k")] == ["a", "b"]


def test_inside_an_open_transaction_it_commits_with_the_caller(db):
    db.execute("CREATE TABLE t (k TEXT)")
    db.conn.commit()
    db.conn.execute("BEGIN")
    run_write(db, lambda d: d.execute("INSERT INTO t VALUES ('x')"))
    db.conn.rollback()
    assert db.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_presence_bookkeeping_skips_the_flush_and_the_next_write_is_full(tmp_path):
    """`durable=False` commits without a flush (synchronous NORMAL) and puts
    FULL back afterwards, even when the block fails: an answer written next
    on the same connection must still be flushed."""
    from survey_app.storage import write_transaction

    db = connect(str(tmp_path / "t.db"))
    db.enable_wal()
    _table(db)
    seen: list[int] = []
    with write_transaction(db, durable=False):
        seen.append(db.execute("PRAGMA synchronous").fetchone()[0])
        db.execute("INSERT INTO t VALUES ('presence')")
    assert seen == [1]  # NORMAL inside
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL after
    with pytest.raises(RuntimeError), write_transaction(db, durable=False):
        raise RuntimeError
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
    with write_transaction(db):
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert [r[0] for r in db.execute("SELECT k FROM t")] == ["presence"]
