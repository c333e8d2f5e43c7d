"""`flask check-config` on a blank server, a complete one, and one thing off."""

import os
import shutil
import sqlite3
from datetime import timedelta

import pytest
from helpers.bulk_responses import open_survey
from helpers.web import make_user

from survey_app import create_app
from survey_app.dates import stamp, utcnow
from survey_app.safeguards.backup import backup_database
from survey_app.safeguards.push import ensure_vapid_keys

GEO_DIR = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "node_modules", "@etalab"
)


def check(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["check-config"])
    return result.exit_code, result.output


def lines(output: str, level: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"[{level}]")]


@pytest.fixture(autouse=True)
def server_environment(monkeypatch):
    monkeypatch.delenv("HOST", raising=False)  # as deploy/ sets it: local
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


def test_blank_server_blocks_and_says_what_to_do_for_each_point(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "app.db")})
    app.instance_path = str(tmp_path / "instance")
    status, output = check(app)
    assert status == 1
    blocking = lines(output, "BLOQUANT")
    for expected in (
        "Aucune clé secrète (SECRET_KEY)",
        "PUBLIC_BASE_URL n'est pas une adresse https : non réglée",
        "FORCE_HTTPS est désactivé",
        "TRUST_PROXY est désactivé",
        "HOSTING n'est pas réglé",
        "Base de données absente",
    ):
        assert any(expected in line for line in blocking), (expected, output)
    watch = lines(output, "À SURVEILLER")
    assert any("Clés de notification (VAPID) absentes" in line for line in watch)
    assert any("VAPID_SUBJECT" in line for line in watch)
    # Every problem comes with what to do, blocking ones first.
    assert output.count("→ À faire :") == len(blocking) + len(watch)
    assert output.index("[BLOQUANT]") < output.index("[À SURVEILLER]")
    assert "6 point(s) bloquant(s), 2 à surveiller" in output


@pytest.fixture
def complete(tmp_path, template_db):
    """A server configured as deploy/README.md says, backed up today."""
    database = str(tmp_path / "app.db")
    shutil.copy(template_db, database)
    os.chmod(database, 0o600)
    app = create_app(
        {
            "SECRET_KEY": "9f" * 32,
            "DATABASE": database,
            "GEO_DATA_DIR": GEO_DIR,
            "PUBLIC_BASE_URL": "https://enquete.mairie-test.fr",
            "FORCE_HTTPS": True,
            "TRUST_PROXY": True,
            "HOSTING": "Serveur de la mairie de Test, en France.",
            "VAPID_SUBJECT": "mailto:informatique@mairie-test.fr",
        }
    )
    app.instance_path = str(tmp_path / "instance")
    os.makedirs(app.instance_path)
    ensure_vapid_keys(app.instance_path)
    with app.app_context():
        from survey_app.diagnostics import create_diagnostic

        diagnostic = create_diagnostic(
            make_user(app),
            title="Diagnostic de Test",
            structure="Mairie de Test",
            contact_email="numerique@mairie-test.fr",
        )
    open_survey(app, diagnostic)
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    result = app.test_cli_runner().invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    return app


def test_complete_configuration_passes(complete):
    status, output = check(complete)
    assert status == 0, output
    assert not lines(output, "BLOQUANT") and not lines(output, "À SURVEILLER")
    assert "Rien de bloquant (0 point(s) à surveiller)" in output
    assert "[OK] Base de données en mode WAL." in output
    assert "[OK] Dernière sauvegarde le " in output


def sql(app, statement: str, *args) -> None:
    conn = sqlite3.connect(app.config["DATABASE"])
    try:
        conn.execute(statement, args)
        conn.commit()
    finally:
        conn.close()


def set_config(name, value):
    return lambda app, monkeypatch: app.config.update({name: value})


def break_backup(app, monkeypatch):
    sql(
        app,
        "UPDATE maintenance SET last_run = ? WHERE name = 'backup'",
        stamp(utcnow() - timedelta(hours=25)),
    )


def close_surveys_and_drop_contact(app):
    sql(app, "UPDATE diagnostics SET contact_email = ''")
    sql(app, "UPDATE surveys SET status = 'closed'")


def copy_a_backup_over_the_database(app):
    """What a hurried restore by hand does: a backup (journal DELETE) copied
    over the database, server stopped."""
    path = app.config["DATABASE"]
    backup_database(path, path + ".copie")
    os.replace(path + ".copie", path)
    for side in ("-wal", "-shm"):
        if os.path.exists(path + side):
            os.remove(path + side)


BROKEN = {
    "http": (
        set_config("PUBLIC_BASE_URL", "http://enquete.mairie-test.fr"),
        "BLOQUANT",
        "PUBLIC_BASE_URL n'est pas une adresse https : « http://",
    ),
    "weak secret": (
        set_config("SECRET_KEY", "dev"),
        "BLOQUANT",
        "valeur d'exemple ou trop courte",
    ),
    "no https cookies": (
        set_config("FORCE_HTTPS", False),
        "BLOQUANT",
        "FORCE_HTTPS est désactivé",
    ),
    "testing": (set_config("TESTING", True), "BLOQUANT", "Mode débogage"),
    "debug": (
        lambda app, monkeypatch: monkeypatch.setenv("FLASK_DEBUG", "1"),
        "BLOQUANT",
        "Mode débogage",
    ),
    "proxy headers from anyone": (
        lambda app, monkeypatch: monkeypatch.setenv("HOST", "0.0.0.0"),
        "BLOQUANT",
        "TRUST_PROXY est activé mais gunicorn écoute sur 0.0.0.0",
    ),
    "no hosting": (set_config("HOSTING", " "), "BLOQUANT", "HOSTING n'est pas"),
    "old backup": (break_backup, "BLOQUANT", "plus de 24 heures"),
    "backup gone": (
        lambda app, monkeypatch: sql(
            app, "UPDATE maintenance SET summary = '/nulle/part.db' WHERE name = ?",
            "backup",
        ),
        "BLOQUANT",
        "(/nulle/part.db) a disparu",
    ),
    "not wal": (
        lambda app, monkeypatch: copy_a_backup_over_the_database(app),
        "BLOQUANT",
        "pas en mode WAL (journal : delete)",
    ),
    "controller of an open survey": (
        lambda app, monkeypatch: sql(app, "UPDATE diagnostics SET structure = ''"),
        "BLOQUANT",
        "« Diagnostic de Test » : responsable du traitement incomplet",
    ),
    "controller, nothing open": (
        lambda app, monkeypatch: close_surveys_and_drop_contact(app),
        "À SURVEILLER",
        "responsable du traitement incomplet (structure ou e-mail de contact).",
    ),
    "no push keys": (
        lambda app, monkeypatch: os.remove(
            os.path.join(app.instance_path, "vapid_private.pem")
        ),
        "À SURVEILLER",
        "Clés de notification (VAPID) absentes",
    ),
    "world-readable database": (
        lambda app, monkeypatch: os.chmod(app.config["DATABASE"], 0o644),
        "À SURVEILLER",
        "lisible par d'autres comptes",
    ),
    "no communes": (
        lambda app, monkeypatch: sql(app, "DELETE FROM communes"),
        "À SURVEILLER",
        "Liste officielle des communes absente",
    ),
    "no rate limits": (
        set_config("RATELIMIT_ENABLED", False),
        "À SURVEILLER",
        "Limites anti-abus désactivées",
    ),
}  # fmt: skip


@pytest.mark.parametrize("broken", BROKEN)
def test_one_thing_off_is_named_with_its_level(complete, monkeypatch, broken):
    spoil, level, expected = BROKEN[broken]
    spoil(complete, monkeypatch)
    status, output = check(complete)
    assert status == (1 if level == "BLOQUANT" else 0), output
    found = lines(output, level)
    assert len(found) == 1 and expected in found[0], output
    other = "À SURVEILLER" if level == "BLOQUANT" else "BLOQUANT"
    assert not lines(output, other), output
