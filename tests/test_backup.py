"""Backup and restore, consistent while answers keep arriving."""

import glob
import os
import sqlite3
import threading

import pytest
from helpers.bulk_responses import QUESTIONS, add_responses, open_survey

from survey_app.db import connect
from survey_app.safeguards.backup import backup_database, check_backup, restore_database
from survey_app.surveys import model


def count(path: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM responses").fetchone()[0]
    finally:
        conn.close()


def test_backup_while_answers_arrive_restores_consistently(app, diagnostic, tmp_path):
    survey_id, point_id = open_survey(app, diagnostic)
    path = app.config["DATABASE"]
    stop = threading.Event()
    written = []

    def resident_answers():
        db = connect(path)
        try:
            version = model.current_version(db, survey_id)["id"]
            i = 0
            while not stop.is_set():
                model.store_response(
                    db,
                    survey_id=survey_id,
                    version_id=version,
                    point_id=point_id,
                    idempotency_key=f"fil-{i}",
                    answers={"AGE": i % 90},
                )
                i += 1
                # A new version now and then: answers must find theirs.
                if i % 50 == 0:
                    model.save_questions(db, survey_id, QUESTIONS)
                    version = model.current_version(db, survey_id)["id"]
                written.append(i)
        finally:
            db.close()

    writer = threading.Thread(target=resident_answers)
    writer.start()
    try:
        while len(written) < 100:
            stop.wait(0.01)
        before = count(path)
        backup = str(tmp_path / "sauvegarde.db")
        backup_database(path, backup)
        after = count(path)
    finally:
        stop.set()
        writer.join()
    assert before < after, "answers kept arriving during the backup"

    restored = str(tmp_path / "restauree.db")
    restore_database(backup, restored)
    conn = sqlite3.connect(restored)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            "SELECT count(*) FROM responses r LEFT JOIN survey_versions v "
            "ON v.id = r.version_id WHERE v.id IS NULL"
        ).fetchone()[0]
        assert orphans == 0
        total = conn.execute("SELECT count(*) FROM responses").fetchone()[0]
    finally:
        conn.close()
    assert before <= total <= after
    # A self-contained file: no -wal beside it is needed.
    assert not os.path.exists(backup + "-wal")


def test_cli_backup_then_restore_keeps_a_safety_copy(
    app, runner, diagnostic, db, tmp_path
):
    survey_id, point_id = open_survey(app, diagnostic)
    add_responses(db, survey_id, point_id, 5)
    backup = str(tmp_path / "sauvegarde.db")
    result = runner.invoke(args=["backup", backup])
    assert result.exit_code == 0 and "Sauvegarde écrite" in result.output
    add_responses(db, survey_id, point_id, 3, tag="apres")
    result = runner.invoke(args=["restore", backup])
    assert result.exit_code == 0, result.output
    assert "L'ancienne base est gardée ici" in result.output
    # The connection the "server" held all along sees the restored data.
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 5
    (safety,) = glob.glob(app.config["DATABASE"] + ".avant-restauration-*")
    assert count(safety) == 8


@pytest.mark.parametrize("kind", ["text", "foreign", "truncated", "missing"])
def test_restore_refuses_what_is_not_our_database(
    app, runner, diagnostic, db, tmp_path, kind
):
    survey_id, point_id = open_survey(app, diagnostic)
    add_responses(db, survey_id, point_id, 4)
    bad = str(tmp_path / "fichier.db")
    if kind == "text":
        with open(bad, "w") as f:
            f.write("ceci n'est pas une base")
    elif kind == "foreign":
        other = sqlite3.connect(bad)
        other.execute("CREATE TABLE notes (x)")
        other.commit()
        other.close()
    elif kind == "truncated":
        backup_database(app.config["DATABASE"], bad)
        size = os.path.getsize(bad)
        with open(bad, "r+b") as f:
            f.truncate(size // 2)
    assert check_backup(bad)
    result = runner.invoke(args=["restore", bad])
    assert result.exit_code != 0
    assert "Restauration refusée" in result.output
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 4
    assert not glob.glob(app.config["DATABASE"] + ".avant-restauration-*")
