"""Helpers shared by the kiosk, paper entry and offline sync tests."""

import json
import secrets

from survey_app.db import connect, write_transaction
from survey_app.surveys import model

QUESTIONS = [
    {"key": "AGE", "type": "number", "theme": "profil", "required": True,
     "text": "Quel âge avez-vous ?", "min": 0, "max": 120},
    {"key": "MOBILE", "type": "single", "theme": "equipement", "required": True,
     "text": "Quel téléphone utilisez-vous ?", "other": True,
     "choices": [{"code": "smartphone", "label": "Un smartphone"},
                 {"code": "simple", "label": "Un téléphone simple"}]},
    {"key": "AIDE", "type": "short_text", "theme": "besoins", "required": False,
     "text": "De quelle aide auriez-vous besoin ?",
     "show_if": {"question": "MOBILE", "values": ["simple"]}},
    {"key": "COMMUNE", "type": "commune", "theme": "profil", "required": False,
     "text": "Dans quelle commune habitez-vous ?"},
]  # fmt: skip


def make_survey(app, diagnostic_id: int, status: str = "open", code=None):
    """A survey with two points; returns (survey id, point id, other point id)."""
    db = connect(app.config["DATABASE"])
    try:
        survey_id = model.create_survey(
            db, diagnostic_id, "Le numérique et vous", QUESTIONS, code=code
        )
        with write_transaction(db):
            db.execute(
                "UPDATE surveys SET status = ? WHERE id = ?", [status, survey_id]
            )
        point = model.create_point(db, survey_id, "Marché du samedi", "marche")
        other = model.create_point(db, survey_id, "École Jules Ferry", "ecole")
    finally:
        db.close()
    return survey_id, point, other


def responses(app, survey_id: int) -> list[dict]:
    db = connect(app.config["DATABASE"])
    try:
        rows = db.execute(
            "SELECT * FROM responses WHERE survey_id = ? ORDER BY id", [survey_id]
        )
        return [{**dict(r), "answers": json.loads(r["answers"])} for r in rows]
    finally:
        db.close()


def version_id(app, survey_id: int) -> int:
    db = connect(app.config["DATABASE"])
    try:
        return model.current_version(db, survey_id)["id"]
    finally:
        db.close()


def item(version: int, **answers) -> dict:
    return {
        "key": secrets.token_urlsafe(16),
        "version_id": version,
        "answers": answers or {"AGE": "70", "MOBILE": "smartphone"},
        "mode": "kiosk",
        "answered_at": "2026-11-20T09:30:00Z",
    }
