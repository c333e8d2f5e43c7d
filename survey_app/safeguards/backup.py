"""`flask backup PATH` and `flask restore PATH`, safe while the server runs.

`flask backup DIR --keep-days N` (the daily timer of deploy/): PATH is a
folder, the backup is named by its UTC time (sauvegarde-20261125-031500.db)
and, once it is written and checked, the backups of that folder older than N
days are deleted (never the one just written). Every successful backup is
recorded in the database (`maintenance` row "backup": when, where), which
`flask check-config` reads to warn when none was made in the last 24 hours.

A backup uses SQLite's online backup API in a single step: it reads one
consistent snapshot (WAL lets answers keep arriving meanwhile) and writes a
self-contained file (journal mode DELETE), first under a temporary name so a
half-written backup never carries the final name.

A restore refuses anything that is not an intact database of this app, keeps
a safety copy of the current database next to it, then copies the backup's
pages into the live database (other connections see the restored data at
their next query), and finally applies any newer migrations.
"""

import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta

import click
import sqlite_utils
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..dates import stamp
from ..storage import connect, create_private, migrate, write_transaction

REQUIRED_MIGRATION = ("survey_app", "m004_surveys")
# Backups written into a folder: only these names are ever rotated away.
NAME_FORMAT = "sauvegarde-%Y%m%d-%H%M%S.db"
NAME_PATTERN = re.compile(r"^sauvegarde-(\d{8}-\d{6})\.db$")


def backup_database(source_path: str, target_path: str) -> None:
    """Write a consistent copy of the database at `source_path`.

    :raise ValueError: the copy failed its integrity check (French message).
    """
    partial = target_path + ".partiel"
    if os.path.exists(partial):
        os.remove(partial)
    create_private(partial)  # a backup holds everything: mode 600
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)  # pages=-1: everything in one consistent step
        target.execute("PRAGMA journal_mode = DELETE")
        if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise ValueError("La copie est abîmée : sauvegarde annulée.")
    finally:
        target.close()
        source.close()
    os.replace(partial, target_path)


def backup_into_folder(
    source_path: str, folder: str, keep_days: int | None, at: datetime | None = None
) -> tuple[str, list[str]]:
    """Write a dated backup into `folder`; delete those older than `keep_days`.

    Returns (the new backup's path, the paths deleted). Nothing is deleted
    unless the new backup was written and checked.
    """
    at = at or datetime.now(UTC)
    target = os.path.join(folder, at.strftime(NAME_FORMAT))
    backup_database(source_path, target)
    if keep_days is None:
        return target, []
    oldest = at - timedelta(days=keep_days)
    deleted = []
    for name in sorted(os.listdir(folder)):
        match = NAME_PATTERN.match(name)
        path = os.path.join(folder, name)
        if not match or path == target:
            continue
        made = datetime.strptime(match[1], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        if made < oldest:
            os.remove(path)
            deleted.append(path)
    return target, deleted


def record_backup(database_path: str, path: str, at: datetime | None = None) -> None:
    """Note in the database when and where the last backup was written."""
    db = connect(database_path)
    try:
        with write_transaction(db):
            db.execute(
                "INSERT INTO maintenance (name, last_run, summary) "
                "VALUES ('backup', ?, ?) ON CONFLICT (name) DO UPDATE SET "
                "last_run = excluded.last_run, summary = excluded.summary",
                [stamp(at), os.path.abspath(path)],
            )
    finally:
        db.close()


def last_backup(
    db: sqlite_utils.Database | sqlite3.Connection,
) -> tuple[str, str] | None:
    """(UTC stamp, path) of the last recorded backup, if any."""
    row = db.execute(
        "SELECT last_run, summary FROM maintenance WHERE name = 'backup'"
    ).fetchone()
    return (row[0], row[1]) if row and row[0] else None


def check_backup(path: str) -> str | None:
    """None if `path` is an intact database of this app, else why not (French)."""
    if not os.path.isfile(path):
        return f"Fichier introuvable : {path}"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return "Ce fichier est abîmé (contrôle d'intégrité en échec)."
            found = conn.execute(
                "SELECT 1 FROM _sqlite_migrations WHERE migration_set = ? AND name = ?",
                REQUIRED_MIGRATION,
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return "Ce fichier n'est pas une sauvegarde de cette application."
    if not found:
        return "Ce fichier n'est pas une sauvegarde de cette application."
    return None


def restore_database(backup_path: str, database_path: str) -> str:
    """Replace the database's content by the backup's; return the safety copy.

    :raise ValueError: the backup is not valid (nothing was changed).
    """
    problem = check_backup(backup_path)
    if problem:
        raise ValueError(problem)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    safety = f"{database_path}.avant-restauration-{stamp}"
    if os.path.exists(database_path):
        backup_database(database_path, safety)
    source = sqlite3.connect(f"file:{backup_path}?mode=ro", uri=True)
    target = connect(database_path)
    try:
        source.backup(target.conn)
        migrate(target)
    finally:
        target.close()
        source.close()
    return safety


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path())
@click.option(
    "--keep-days",
    type=click.IntRange(min=1),
    help="PATH étant un dossier : supprimer ses sauvegardes de plus de N jours.",
)
def backup_command(path: str, keep_days: int | None) -> None:
    """Save the whole database to PATH, a file or a folder (safe while the
    server runs); in a folder, the backup is named by its date."""
    database = current_app.config["DATABASE"]
    if keep_days is not None and not os.path.isdir(path):
        raise click.UsageError(f"--keep-days demande un dossier existant : {path}")
    deleted: list[str] = []
    try:
        if os.path.isdir(path):
            path, deleted = backup_into_folder(database, path, keep_days)
        else:
            backup_database(database, path)
        record_backup(database, path)
    except (ValueError, sqlite3.Error, OSError) as error:
        raise click.ClickException(f"Sauvegarde impossible : {error}") from error
    click.echo(f"Sauvegarde écrite : {path}")
    for old in deleted:
        click.echo(f"Ancienne sauvegarde supprimée : {old}")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False))
def restore_command(path: str) -> None:
    """Replace the database by the backup at PATH (a safety copy is kept)."""
    try:
        safety = restore_database(path, current_app.config["DATABASE"])
    except ValueError as error:
        raise click.ClickException(f"Restauration refusée : {error}") from error
    click.echo(f"Base restaurée depuis {path}.")
    click.echo(f"L'ancienne base est gardée ici : {safety}")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
