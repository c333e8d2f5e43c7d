"""`flask --app survey_app check-config`: is this server ready for the public?

Says in French, to the IT person who installs the tool (deploy/README.md),
what is missing or unsafe, each with what to do: "bloquant" (residents'
data or the service at risk: the command exits with status 1) or "à
surveiller" (a feature missing or a habit to check; status 0). It reads the
configuration as the server would (instance/config.py, FLASK_* variables),
`HOST` as gunicorn would, and the database read-only: it changes nothing.
"""

import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .dates import french_datetime, parse, utcnow
from .safeguards import push
from .safeguards.backup import last_backup
from .settings import REGISTRY, setting

BLOCKING, WATCH, OK = "BLOQUANT", "À SURVEILLER", "OK"
# Values seen in examples and tests: as good as no key at all.
WEAK_SECRETS = {"dev", "secret", "changeme", "change-me", "test-secret", "s"}
BACKUP_MAX_AGE = timedelta(hours=24)


@dataclass(frozen=True)
class Finding:
    level: str  # BLOCKING, WATCH or OK
    text: str
    todo: str = ""


def review(
    app: Flask, environ: Mapping[str, str], at: datetime | None = None
) -> list[Finding]:
    """Every check, blocking findings first."""
    config, config_file = app.config, os.path.join(app.instance_path, "config.py")
    found = [
        *_secret(app, config_file),
        *_web(config, environ, config_file),
        *_privacy(config, config_file),
        *_database(config["DATABASE"], at or utcnow()),
        *_push(app, config_file),
    ]
    order = {BLOCKING: 0, WATCH: 1, OK: 2}
    return sorted(found, key=lambda f: order[f.level])


def _secret(app: Flask, config_file: str) -> list[Finding]:
    key = str(app.config["SECRET_KEY"] or "")
    if app.extensions.get("temporary_secret_key"):
        problem = "Aucune clé secrète (SECRET_KEY) : les sessions sont perdues à "
        problem += "chaque redémarrage."
    elif key in WEAK_SECRETS or len(key) < 32:
        problem = "La clé secrète (SECRET_KEY) est une valeur d'exemple ou trop "
        problem += "courte : on pourrait fabriquer des sessions de conseiller."
    else:
        return [Finding(OK, "Clé secrète propre à ce serveur.")]
    todo = (
        f"Sans {config_file}, `flask --app survey_app init` l'écrit avec une clé "
        f"neuve ; sinon, mettez-y SECRET_KEY = « la sortie de : python3 -c "
        "'import secrets; print(secrets.token_hex(32))' » (et aucune "
        "variable FLASK_SECRET_KEY)."
    )
    return [Finding(BLOCKING, problem, todo)]


def _web(
    config: Mapping[str, Any], environ: Mapping[str, str], file: str
) -> list[Finding]:
    found = []
    # Not config["DEBUG"]: the flask command resets it from FLASK_DEBUG.
    debug = environ.get("FLASK_DEBUG", "").lower() not in ("", "0", "false", "no")
    if debug or config["TESTING"]:
        found.append(
            Finding(
                BLOCKING,
                "Mode débogage ou test actif : erreurs détaillées montrées au public.",
                f"Retirez TESTING de {file}, et les variables FLASK_DEBUG et "
                "FLASK_TESTING de l'environnement.",
            )
        )
    base = setting(config, "PUBLIC_BASE_URL") or ""
    parts = urlsplit(base)
    if parts.scheme != "https" or not parts.hostname:
        found.append(
            Finding(
                BLOCKING,
                "PUBLIC_BASE_URL n'est pas une adresse https : "
                + (f"« {base} »." if base else "non réglée.")
                + " Les affiches et les QR codes porteraient une adresse fausse "
                "ou non chiffrée.",
                f'Dans {file} : PUBLIC_BASE_URL = "https://enquete.votre-structure.fr"',
            )
        )
    if not setting(config, "FORCE_HTTPS"):
        found.append(
            Finding(
                BLOCKING,
                "FORCE_HTTPS est désactivé : le cookie de session peut partir en "
                "clair, et le navigateur n'est pas tenu au https (HSTS).",
                f"Dans {file} : FORCE_HTTPS = True",
            )
        )
    host = environ.get("HOST", "127.0.0.1")
    local = host in ("127.0.0.1", "localhost", "::1")
    if not setting(config, "TRUST_PROXY"):
        found.append(
            Finding(
                BLOCKING,
                "TRUST_PROXY est désactivé : derrière Caddy, tous les habitants "
                "ont l'adresse de Caddy (127.0.0.1), et les limites anti-abus "
                + (
                    "ne s'appliquent plus à personne."
                    if setting(config, "RATELIMIT_EXEMPT_LOOPBACK")
                    else "bloqueraient tout le monde à la fois."
                ),
                f"Dans {file} : TRUST_PROXY = True (avec Caddy devant, "
                "deploy/Caddyfile).",
            )
        )
    elif not local:
        found.append(
            Finding(
                BLOCKING,
                f"TRUST_PROXY est activé mais gunicorn écoute sur {host} : on peut "
                "le joindre sans Caddy et se faire passer pour n'importe quelle "
                "adresse (X-Forwarded-For).",
                "Laissez HOST=127.0.0.1 (deploy/diagnostic-territorial.service).",
            )
        )
    else:
        found.append(Finding(OK, "Mandataire (Caddy) cru, gunicorn en local seul."))
    if not setting(config, "RATELIMIT_ENABLED"):
        found.append(
            Finding(
                WATCH,
                "Limites anti-abus désactivées (RATELIMIT_ENABLED).",
                f"Dans {file} : retirez RATELIMIT_ENABLED = False.",
            )
        )
    return found


def _privacy(config: Mapping[str, Any], file: str) -> list[Finding]:
    if str(setting(config, "HOSTING") or "").strip():
        return [Finding(OK, "Hébergement des données indiqué (HOSTING).")]
    return [
        Finding(
            BLOCKING,
            "HOSTING n'est pas réglé : la page de confidentialité ne dit pas où "
            "sont les réponses, et aucune enquête ne peut être ouverte.",
            f'Dans {file} : HOSTING = "Serveur de la mairie de …, en France"',
        )
    ]


def _database(path: str, at: datetime) -> list[Finding]:
    if not os.path.exists(path):
        return [
            Finding(
                BLOCKING,
                f"Base de données absente : {path}.",
                "Lancez `flask --app survey_app init` (en tant que l'utilisateur "
                "du service).",
            )
        ]
    found = []
    if os.stat(path).st_mode & 0o077:
        found.append(
            Finding(
                WATCH,
                f"La base {path} est lisible par d'autres comptes du serveur.",
                f"chmod 600 {path}",
            )
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            backup = last_backup(conn)
            controllers = _missing_controllers(conn)
            communes = conn.execute("SELECT count(*) FROM communes").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return [
            Finding(
                BLOCKING,
                f"Base de données illisible ou non initialisée ({error}).",
                "Lancez `flask --app survey_app init`, ou restaurez la dernière "
                "sauvegarde (`flask --app survey_app restore FICHIER`).",
            )
        ]
    if mode.lower() != "wal":
        found.append(
            Finding(
                BLOCKING,
                f"La base n'est pas en mode WAL (journal : {mode}) : les réponses "
                "attendraient pendant chaque écriture et chaque sauvegarde.",
                "Placez la base sur un disque local (pas un partage réseau), puis "
                "redémarrez le service : il la passe en WAL.",
            )
        )
    else:
        found.append(Finding(OK, "Base de données en mode WAL."))
    if not communes:
        found.append(
            Finding(
                WATCH,
                "Liste officielle des communes absente : la question « commune » "
                "des questionnaires ne trouve rien.",
                "sudo make node_modules/.installed, puis `flask --app survey_app "
                "init` (il charge les communes).",
            )
        )
    return found + _backup(backup, at) + controllers


def _backup(backup: tuple[str, str] | None, at: datetime) -> list[Finding]:
    todo = (
        "Activez la sauvegarde quotidienne : systemctl enable --now "
        "diagnostic-territorial-backup.timer (deploy/README.md), puis lancez-la "
        "une fois : systemctl start diagnostic-territorial-backup.service"
    )
    if backup is None:
        return [Finding(BLOCKING, "Aucune sauvegarde n'a jamais été faite.", todo)]
    when, where = backup
    if at - parse(when) > BACKUP_MAX_AGE:
        text = f"Dernière sauvegarde le {french_datetime(when)} : plus de 24 heures."
        return [Finding(BLOCKING, text, todo)]
    if not os.path.exists(where):
        text = f"La dernière sauvegarde ({where}) a disparu du disque."
        return [Finding(BLOCKING, text, "Vérifiez le dossier des sauvegardes.")]
    text = f"Dernière sauvegarde le {french_datetime(when)} : {where}."
    return [Finding(OK, text)]


def _missing_controllers(conn: sqlite3.Connection) -> list[Finding]:
    rows = conn.execute(
        "SELECT d.title, EXISTS (SELECT 1 FROM surveys s WHERE s.diagnostic_id "
        "= d.id AND s.status = 'open') FROM diagnostics d WHERE trim(d.structure) "
        "= '' OR trim(d.contact_email) = '' ORDER BY d.id"
    ).fetchall()
    return [
        Finding(
            BLOCKING if has_open_survey else WATCH,
            f"Diagnostic « {title} » : responsable du traitement incomplet "
            "(structure ou e-mail de contact)"
            + (", alors qu'une enquête est ouverte aux habitants." if has_open_survey
               else "."),
            "Le conseiller les renseigne : page du diagnostic, « Modifier » "
            "(« Structure qui porte le diagnostic », « E-mail de contact »).",
        )
        for title, has_open_survey in rows
    ]  # fmt: skip


def _push(app: Flask, file: str) -> list[Finding]:
    config = push.settings(app)
    found = []
    if not os.path.exists(config["PUSH_KEY_PATH"]):
        found.append(
            Finding(
                WATCH,
                "Clés de notification (VAPID) absentes : les conseillers ne "
                f"reçoivent aucune notification ({config['PUSH_KEY_PATH']}).",
                "Lancez `flask --app survey_app init` : il crée la clé.",
            )
        )
    if setting(config, "VAPID_SUBJECT") == REGISTRY["VAPID_SUBJECT"].default:
        found.append(
            Finding(
                WATCH,
                "VAPID_SUBJECT est l'adresse d'exemple : les services de "
                "notification ne peuvent pas joindre l'administrateur.",
                f"Dans {file} : VAPID_SUBJECT = "
                '"mailto:informatique@votre-structure.fr"',
            )
        )
    if not found:
        found.append(Finding(OK, "Notifications prêtes (clés VAPID, contact)."))
    return found


@click.command("check-config")
@with_appcontext
def check_config_command() -> None:
    """Say what is missing or unsafe for public use (status 1 if blocking)."""
    findings = review(current_app._get_current_object(), os.environ)  # type: ignore[attr-defined]
    for finding in findings:
        click.echo(f"[{finding.level}] {finding.text}")
        if finding.todo:
            click.echo(f"    → À faire : {finding.todo}")
    blocking = sum(f.level == BLOCKING for f in findings)
    watch = sum(f.level == WATCH for f in findings)
    if blocking:
        click.echo(
            f"\n{blocking} point(s) bloquant(s), {watch} à surveiller : "
            "ne mettez pas encore l'outil en ligne."
        )
        raise SystemExit(1)
    click.echo(f"\nRien de bloquant ({watch} point(s) à surveiller).")
