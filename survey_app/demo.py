"""Demo data: a diagnostic, a survey, collection points and realistic answers."""

import sqlite_utils


def load_demo(db: sqlite_utils.Database) -> str:
    return "Données de démonstration : à venir."
