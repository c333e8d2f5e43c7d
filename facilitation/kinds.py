"""Activity templates: what each kind of board holds and how it is configured.

`empathy` (Carte d'empathie: Qui ? then Dit / Pense / Fait / Ressent,
Peines / Gains), `vision` (horizons in years × themes), `brainstorm` (free
cards in named categories), `dots` (Vote par gommettes on the cards of an
earlier activity) and `matrix` (Matrice impact × faisabilité: items or an
earlier activity's cards placed on two scales, see `matrix.py`).
`normalise_config` is the one place a configuration is checked, with French
messages.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from survey_app.text import fold

from .errors import WorkshopError

CARD_PHASES = ("write", "reveal", "group", "vote", "results")
VOTE_PHASES = ("vote", "results")
PHASE_LABELS = {
    "write": "Écriture",
    "reveal": "Révélation",
    "group": "Regroupement",
    "vote": "Vote",
    "results": "Résultats",
}
TEMPLATES: dict[str, dict[str, Any]] = {
    "empathy": {"label": "Carte d'empathie", "phases": CARD_PHASES},
    # Its years are the activity's own: see `template_label` (issue 8 C3).
    "vision": {"label": "Vision", "phases": CARD_PHASES},
    "brainstorm": {"label": "Brainstorming", "phases": CARD_PHASES},
    "dots": {"label": "Vote par gommettes", "phases": VOTE_PHASES},
    # Placed during "vote", shown in "results": the phases of a dot vote.
    "matrix": {"label": "Matrice impact × faisabilité", "phases": VOTE_PHASES},
}
NO_CARDS = ("dots", "matrix")  # kinds that hold no cards of their own
EMPATHY_COLUMNS = (
    ("qui", "Qui ?"),
    ("dit", "Dit"),
    ("pense", "Pense"),
    ("fait", "Fait"),
    ("ressent", "Ressent"),
    ("peines", "Peines"),
    ("gains", "Gains"),
)
VISION_THEMES = (
    ("acces", "Accès"),
    ("competences", "Compétences"),
    ("accompagnement", "Accompagnement"),
    ("partenariats", "Partenariats"),
)
VISION_HORIZONS = (5, 10)


def current_year() -> int:
    """This year in France (the UTC year is wrong on 31 December evening)."""
    return datetime.now(ZoneInfo("Europe/Paris")).year


def _labels(raw: Any, what: str, default: tuple[tuple[str, str], ...]) -> list:
    """[{"key", "label"}] from strings or dicts; keys stay stable on rename."""
    if raw is None:
        return [{"key": k, "label": label} for k, label in default]
    if not isinstance(raw, list) or not 1 <= len(raw) <= 12:
        raise WorkshopError(f"Indiquez de 1 à 12 {what}.")
    items, keys = [], set()
    for entry in raw:
        if isinstance(entry, dict):
            label, key = str(entry.get("label", "")), entry.get("key")
        else:
            label, key = str(entry), None
        label = " ".join(label.split())
        if not label or len(label) > 60:
            raise WorkshopError(f"Chaque nom de {what} doit compter 1 à 60 caractères.")
        key = str(key) if key else (fold(label).replace(" ", "-")[:40] or "x")
        while key in keys:
            key += "-2"
        keys.add(key)
        items.append({"key": key, "label": label})
    return items


def _bool(raw: dict[str, Any], key: str, default: bool) -> bool:
    return bool(raw.get(key, default))


def _bounded(raw: dict, key: str, default: int, low: int, high: int, msg: str) -> int:
    try:
        value = int(raw.get(key, default))
    except (TypeError, ValueError):
        raise WorkshopError(msg) from None
    if not low <= value <= high:
        raise WorkshopError(msg)
    return value


def normalise_config(
    db: sqlite_utils.Database,
    workshop_id: int,
    kind: str,
    raw: dict[str, Any] | None,
    activity_id: int | None = None,
) -> dict[str, Any]:
    """Checked configuration of an activity, defaults filled in.

    :raise WorkshopError: unknown template, bad list, budget out of 1–20,
        missing or foreign source activity for a dot vote.
    """
    if kind not in TEMPLATES:
        raise WorkshopError("Choisissez un modèle d'activité.")
    raw = raw or {}
    if not isinstance(raw, dict):
        raise WorkshopError("Configuration illisible.")
    config: dict[str, Any] = {
        "private": _bool(raw, "private", kind != "brainstorm"),
        "budget": _bounded(
            raw, "budget", 5, 1, 20, "Le nombre de gommettes doit être entre 1 et 20."
        ),
        "multiple_dots": _bool(raw, "multiple_dots", True),
        "lock_at_time_up": _bool(raw, "lock_at_time_up", False),
        "by_table": _bool(raw, "by_table", False),
        "tables_merged": _bool(raw, "tables_merged", False),
    }
    if kind == "empathy":
        target = " ".join(str(raw.get("target", "")).split())
        if len(target) > 200:
            raise WorkshopError("Le public cible est trop long (200 caractères).")
        config["target"] = target
    elif kind == "vision":
        config["base_year"] = _bounded(
            raw, "base_year", current_year(), 2000, 2100, "Année de départ incorrecte."
        )
        config["horizons"] = _horizons(raw, config["base_year"])
        config["themes"] = _labels(raw.get("themes"), "thèmes", VISION_THEMES)
    elif kind == "brainstorm":
        config["categories"] = _labels(
            raw.get("categories"), "catégories", (("idees", "Idées"),)
        )
    elif kind == "matrix":
        _matrix_config(db, workshop_id, raw, activity_id, config)
    else:
        config["source_activity_id"] = _source(
            db, workshop_id, raw.get("source_activity_id"), activity_id
        )
    return config


def _matrix_config(db, workshop_id: int, raw: dict, activity_id, config) -> None:
    """The cards of an activity (`source_activity_id`), or `items` listed:
    strings or {"key", "label"} (the action plan sends `chantier:<id>`)."""
    key = str(raw.get("client_key") or "")
    if key.isalnum() and len(key) <= 64:  # the action plan's double-tap guard
        config["client_key"] = key
    if raw.get("source_activity_id"):
        config["source_activity_id"] = _source(
            db, workshop_id, raw["source_activity_id"], activity_id
        )
        return
    items, keys = raw.get("items"), set()
    if not isinstance(items, list) or not 1 <= len(items) <= 30:
        raise WorkshopError(
            "Indiquez de 1 à 30 éléments à placer sur la matrice, "
            "ou l'activité dont on place les cartes."
        )
    config["items"] = []
    for number, entry in enumerate(items, 1):
        entry = entry if isinstance(entry, dict) else {"label": entry}
        label = " ".join(str(entry.get("label") or "").split())
        key = str(entry.get("key") or f"item:{number}")[:40]
        if not label or len(label) > 200 or key in keys:
            raise WorkshopError(
                "Chaque élément de la matrice doit compter 1 à 200 caractères."
            )
        keys.add(key)
        config["items"].append({"key": key, "label": label})


def _horizons(raw: dict[str, Any], base_year: int) -> list[int]:
    """Years from `base_year`, given as `horizons` ([5, 10]) or as the
    `years` people aim at ([2030, 2035], what the facilitator types).

    :raise WorkshopError: not 1 to 4 horizons of 1 to 30 years.
    """
    years = raw.get("years")
    given = raw.get("horizons", list(VISION_HORIZONS)) if years is None else years
    try:
        horizons = sorted({int(h) - (base_year if years is not None else 0)
                           for h in given})  # fmt: skip
    except (TypeError, ValueError, OverflowError):
        horizons = []
    if not 1 <= len(horizons) <= 4 or not all(1 <= h <= 30 for h in horizons):
        if years is not None:
            raise WorkshopError(
                f"Indiquez 1 à 4 années visées, de {base_year + 1} "
                f"à {base_year + 30}, par exemple {base_year + 5}, {base_year + 10}."
            )
        raise WorkshopError("Indiquez 1 à 4 horizons, de 1 à 30 ans.")
    return horizons


def vision_years(config: dict[str, Any]) -> list[int]:
    """The years a vision aims at, e.g. [2031, 2036]."""
    return [config["base_year"] + h for h in config["horizons"]]


def _source(db, workshop_id: int, source: Any, activity_id: int | None) -> int:
    try:
        source = int(source)
    except (TypeError, ValueError):
        raise WorkshopError("Choisissez l'activité dont on vote les cartes.") from None
    row = db.execute(
        "SELECT kind FROM workshop_activities WHERE id = ? AND workshop_id = ?",
        [source, workshop_id],
    ).fetchone()
    if row is None or row["kind"] in NO_CARDS or source == activity_id:
        raise WorkshopError("Choisissez une activité de cet atelier qui a des cartes.")
    return source


def columns_of(kind: str, config: dict[str, Any]) -> list[dict[str, Any]]:
    """The places a card can go: [{"key", "label"}] (+ horizon/theme for vision)."""
    if kind == "empathy":
        return [{"key": k, "label": label} for k, label in EMPATHY_COLUMNS]
    if kind == "vision":
        return [
            {
                "key": f"{h}:{theme['key']}",
                # A year, not "in 5 years": true whenever the workshop runs.
                "label": f"{theme['label']} en {config['base_year'] + h}",
                "horizon": h,
                "theme": theme["key"],
            }
            for h in config["horizons"]
            for theme in config["themes"]
        ]
    if kind == "brainstorm":
        return list(config["categories"])
    return []


def template_label(kind: str, config: dict[str, Any]) -> str:
    """The template's name; a vision names its own years ("Vision 2031 /
    2036"), so that the screen, phones and exports all say the same."""
    if kind == "vision":
        return "Vision " + " / ".join(str(y) for y in vision_years(config))
    return TEMPLATES[kind]["label"]


def default_title(kind: str, config: dict[str, Any]) -> str:
    """The title of an activity created without one: its template's name."""
    return template_label(kind, config)
