"""`flask backup PATH` and `flask restore PATH`, safe while the server runs.

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
import sqlite3
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..storage import connect, create_private, migrate

REQUIRED_MIGRATION = ("survey_app", "m004_surveys")


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
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Save the whole database to PATH (safe while the server runs)."""
    try:
        backup_database(current_app.config["DATABASE"], path)
    except (ValueError, sqlite3.Error, OSError) as error:
        raise click.ClickException(f"Sauvegarde impossible : {error}") from error
    click.echo(f"Sauvegarde écrite : {path}")


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
