"""Answers written together share one commit, and each fails alone."""

import sqlite3
import threading

import pytest

from survey_app.db import connect
from survey_app.group_commit import run_write


def test_concurrent_writes_are_all_committed_once(db):
    db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    db.conn.commit()
    results, errors = [], []

    def write(key: str) -> None:
        own = connect(db.path)
        try:
            results.append(
                run_write(
                    own,
                    lambda d: (
                        d.execute(
                            "INSERT INTO t VALUES (?) ON CONFLICT DO NOTHING", [key]
                        ).rowcount
                    ),
                )
            )
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            own.close()

    # 40 threads, each key sent twice: a double tap from 20 residents.
    threads = [threading.Thread(target=write, args=(f"k{i % 20}",)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0] * 20 + [1] * 20
    fresh = sqlite3.connect(db.path)
    assert fresh.execute("SELECT count(*) FROM t").fetchone()[0] == 20


def test_a_failing_write_fails_alone(db):
    db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
    db.conn.commit()
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
