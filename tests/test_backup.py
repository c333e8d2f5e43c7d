"""Backup and restore, consistent while answers keep arriving."""

import glob
import os
import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest
from helpers.bulk_responses import QUESTIONS, add_responses, open_survey

from survey_app.dates import parse
from survey_app.db import connect
from survey_app.safeguards.backup import (
    backup_database,
    check_backup,
    last_backup,
    restore_database,
)
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


def test_daily_backup_into_a_folder_rotates_and_is_recorded(
    app, runner, diagnostic, db, tmp_path
):
    survey_id, point_id = open_survey(app, diagnostic)
    add_responses(db, survey_id, point_id, 2)
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    now = datetime.now(UTC)
    old = (now - timedelta(days=15)).strftime("sauvegarde-%Y%m%d-%H%M%S.db")
    recent = (now - timedelta(days=3)).strftime("sauvegarde-%Y%m%d-%H%M%S.db")
    for name in (old, recent, "notes.txt", "sauvegarde-manuelle.db"):
        (folder / name).write_text("x")

    result = runner.invoke(args=["backup", str(folder), "--keep-days", "14"])
    assert result.exit_code == 0, result.output
    written = sorted(set(os.listdir(folder)) - {recent, "notes.txt"})
    assert len(written) == 2 and "sauvegarde-manuelle.db" in written
    (new,) = [n for n in written if n != "sauvegarde-manuelle.db"]
    assert count(str(folder / new)) == 2
    assert f"Ancienne sauvegarde supprimée : {folder / old}" in result.output
    # Only dated backups older than 14 days go; anything else stays.
    assert not (folder / old).exists() and (folder / recent).exists()
    assert (folder / "notes.txt").exists()
    when, where = last_backup(db)
    assert where == str(folder / new)
    assert (now - parse(when)).total_seconds() < 60


def test_rotation_needs_a_folder_and_a_failed_backup_deletes_nothing(
    app, runner, diagnostic, db, tmp_path
):
    result = runner.invoke(args=["backup", str(tmp_path / "x.db"), "--keep-days", "3"])
    assert result.exit_code != 0 and "demande un dossier" in result.output
    assert not (tmp_path / "x.db").exists() and last_backup(db) is None

    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    old = (datetime.now(UTC) - timedelta(days=30)).strftime(
        "sauvegarde-%Y%m%d-%H%M%S.db"
    )
    (folder / old).write_text("x")
    app.config["DATABASE"] = str(tmp_path / "absente" / "app.db")
    result = runner.invoke(args=["backup", str(folder), "--keep-days", "3"])
    assert result.exit_code != 0 and "Sauvegarde impossible" in result.output
    assert (folder / old).exists()
