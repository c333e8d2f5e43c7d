"""Every setting the application reads: name, default, what it does (in French).

`create_app` loads these defaults first, then `instance/config.py`, then
`FLASK_<NAME>` environment variables, then the test mapping. Code reads a
setting with `setting(config, "NAME")`, never with a default of its own:
the default lives here only, and tests/test_docs.py checks that the README
documents each one (the habit of datasette's test_docs.py). Imports nothing
of the app.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# GEO_DATA_DIR: the Etalab package installed by npm next to the code.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class Setting:
    name: str
    # A value, or a function of the instance folder (paths inside it).
    default: Any
    description: str

    def default_for(self, instance_path: str) -> Any:
        if callable(self.default):
            return self.default(instance_path)
        return self.default


SETTINGS = (
    Setting(
        "SECRET_KEY",
        None,
        "clé secrète des sessions, écrite dans instance/config.py par "
        "`flask init` (sans elle, les sessions ne survivent pas à un redémarrage)",
    ),
    Setting(
        "DATABASE",
        lambda instance: os.path.join(instance, "app.db"),
        "chemin du fichier SQLite",
    ),
    Setting(
        "GEO_DATA_DIR",
        os.path.join(_ROOT, "node_modules", "@etalab", "decoupage-administratif"),
        "dossier du paquet npm @etalab/decoupage-administratif (communes)",
    ),
    Setting(
        "PUBLIC_BASE_URL",
        None,
        "adresse publique imprimée sur les affiches et projetée aux ateliers, "
        "par ex. https://enquete.mairie.fr (sinon : l'adresse de la requête)",
    ),
    Setting(
        "FORCE_HTTPS",
        False,
        "cookies « Secure », liens et en-tête HSTS en https",
    ),
    Setting(
        "TRUST_PROXY",
        False,
        "derrière un seul mandataire inverse (nginx, Caddy) : croire ses en-têtes "
        "X-Forwarded-For, -Proto et -Host",
    ),
    Setting(
        "HOSTING",
        None,
        "hébergement des données, affiché au registre et sur la page de "
        "confidentialité",
    ),
    Setting(
        "RATELIMIT_ENABLED",
        True,
        "limites anti-abus par adresse (sans enregistrer l'adresse IP)",
    ),
    Setting(
        "RATELIMIT_EXEMPT_LOOPBACK",
        True,
        "pas de limite pour les requêtes venues de la machine elle-même "
        "(127.0.0.1, mesures de bench/)",
    ),
    Setting(
        "RATELIMIT_PUBLIC",
        "300/minute;3000/hour",
        "limites des pages publiques des questionnaires",
    ),
    Setting(
        "RATELIMIT_WORKSHOP",
        "3000/minute;30000/hour",
        "limites des requêtes des participants aux ateliers",
    ),
    Setting(
        "RATELIMIT_SIGNIN",
        "10/minute",
        "limites des tentatives de connexion",
    ),
    Setting(
        "BACKGROUND_JOBS",
        None,
        "tâches de fond (notifications, purge quotidienne) ; vide : actives "
        "sauf pendant les tests",
    ),
    Setting(
        "PUSH_POLL_SECONDS",
        10,
        "intervalle maximal, en secondes, entre deux envois de notifications",
    ),
    Setting(
        "PUSH_TIMEOUT",
        10,
        "délai, en secondes, accordé au service de notifications du navigateur",
    ),
    Setting(
        "PUSH_ALLOWED_HOSTS",
        None,
        "services de notification acceptés (vide : ceux de Chrome, Firefox, "
        "Edge et Safari)",
    ),
    Setting(
        "PUSH_KEY_PATH",
        None,
        "clé privée VAPID des notifications (vide : instance/vapid_private.pem, "
        "créée par `flask init`)",
    ),
    Setting(
        "PUSH_TEST_SERVICE",
        None,
        "tests seulement : adresse du service de notification local des tests "
        "(ignorée hors mode test)",
    ),
    Setting(
        "VAPID_SUBJECT",
        "mailto:webmestre@localhost",
        "contact donné aux services de notification (mailto: ou https:)",
    ),
    Setting(
        "WORKSHOP_KEEPALIVE_SECONDS",
        15.0,
        "ateliers en direct : un signe de vie toutes les N secondes",
    ),
    Setting(
        "WORKSHOP_STREAM_SECONDS",
        300.0,
        "ateliers en direct : durée d'un flux avant reconnexion du téléphone",
    ),
    Setting(
        "LIVE_MAX_STREAMS",
        4000,
        "ateliers en direct : flux ouverts au plus par processus (variable "
        "d'environnement, lue au démarrage du serveur)",
    ),
    Setting(
        "GUNICORN_THREADS",
        16,
        "fils d'exécution par processus pour les pages et l'API (variable "
        "d'environnement, lue au démarrage du serveur)",
    ),
)
REGISTRY = {s.name: s for s in SETTINGS}


def defaults(instance_path: str) -> dict[str, Any]:
    """Every setting at its default, for `app.config.from_mapping`."""
    return {s.name: s.default_for(instance_path) for s in SETTINGS}


def setting(config: Mapping[str, Any], name: str) -> Any:
    """`config[name]`, or its registered default when a mapping lacks it.

    :raise KeyError: `name` is not a registered setting (a typo, not a None).
    """
    registered = REGISTRY[name]
    if name in config:
        return config[name]
    return registered.default_for("instance")


def environment_setting(name: str) -> int:
    """A whole-number setting the production server reads from its environment
    at start-up (before any Flask app exists), else its registered default."""
    return int(os.environ.get(name, REGISTRY[name].default))
