"""The database, its WAL files and backups are readable by the app's user only."""

import glob
import os
import sqlite3
import stat

import pytest
from helpers.bulk_responses import add_responses, open_survey

from survey_app.db import connect, migrate


@pytest.fixture(autouse=True)
def usual_umask():
    """A usual server umask (022): files would be 644 unless made private."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_and_its_wal_files_are_private(tmp_path):
    path = str(tmp_path / "app.db")
    db = connect(path)
    try:
        migrate(db)
        db.execute(
            "INSERT INTO users (email, name, password_hash, created_at) "
            "VALUES ('a@example.fr', '', 'x', '2026-01-01T00:00:00Z')"
        )
        db.conn.commit()
        files = [path, path + "-wal", path + "-shm"]
        assert {f: mode(f) for f in files} == {f: 0o600 for f in files}
    finally:
        db.close()


def test_an_older_world_readable_database_is_made_private(tmp_path):
    path = str(tmp_path / "app.db")
    sqlite3.connect(path).execute("CREATE TABLE x (y)").connection.close()
    os.chmod(path, 0o644)
    db = connect(path)
    try:
        migrate(db)
    finally:
        db.close()
    assert mode(path) == 0o600


def test_backups_and_safety_copies_are_private(app, runner, diagnostic, db, tmp_path):
    survey_id, point_id = open_survey(app, diagnostic)
    add_responses(db, survey_id, point_id, 2)
    backup = str(tmp_path / "sauvegarde.db")
    assert runner.invoke(args=["backup", backup]).exit_code == 0
    assert mode(backup) == 0o600
    assert runner.invoke(args=["restore", backup]).exit_code == 0
    (safety,) = glob.glob(app.config["DATABASE"] + ".avant-restauration-*")
    assert mode(safety) == 0o600
