"""Small hand-made surveys for the analysis tests (real database, no mocks)."""

import itertools
from typing import Any

from survey_app.surveys.model import create_point, create_survey, store_response

_keys = itertools.count(1)

QUESTIONS: list[dict[str, Any]] = [
    {
        "key": "EQ_MOBILE",
        "type": "single",
        "theme": "equipement",
        "text": "Utilisez-vous un téléphone portable ?",
        "choices": [
            {"code": "smartphone", "label": "Oui, un smartphone"},
            {"code": "mobile_simple", "label": "Oui, un téléphone simple"},
            {"code": "aucun", "label": "Non, aucun"},
        ],
        "bank_id": "EQ_MOBILE",
    },
    {
        "key": "US_ACTIVITES",
        "type": "multiple",
        "theme": "usages",
        "text": "Qu'avez-vous fait sur Internet ?",
        "choices": [
            {"code": "email", "label": "E-mails"},
            {"code": "achats", "label": "Achats"},
            {"code": "aucune", "label": "Rien de tout cela"},
        ],
        "other": True,
        "exclusive": ["aucune"],
    },
    {
        "key": "CP_AISANCE",
        "type": "scale",
        "theme": "competences",
        "text": "Êtes-vous à l'aise ?",
        "choices": [
            {"code": "tres", "label": "Très à l'aise"},
            {"code": "plutot", "label": "Plutôt à l'aise"},
            {"code": "peu", "label": "Peu à l'aise"},
            {"code": "pas_du_tout", "label": "Pas du tout à l'aise"},
        ],
    },
    {"key": "PR_MENAGE", "type": "number", "theme": "profil", "text": "Personnes ?"},
    {"key": "PR_COMMUNE", "type": "commune", "theme": "profil", "text": "Commune ?"},
    {"key": "REMARQUE", "type": "long_text", "theme": "autre", "text": "Remarque ?"},
]


def make_survey(
    db, diagnostic_id: int, answers: list[dict[str, Any]], questions=None, **kw
) -> int:
    """A survey with `questions` and one response per dict of `answers`."""
    survey_id = create_survey(db, diagnostic_id, "Enquête test", questions or QUESTIONS)
    add_answers(db, survey_id, answers, **kw)
    return survey_id


def add_answers(db, survey_id: int, answers, point: str | None = "Marché", **kw):
    version = db.execute(
        "SELECT id FROM survey_versions WHERE survey_id = ? ORDER BY number DESC",
        [survey_id],
    ).fetchone()[0]
    point_id = create_point(db, survey_id, point, "marche") if point else None
    ids = []
    for n, response in enumerate(answers):
        ids.append(
            store_response(
                db,
                survey_id=survey_id,
                version_id=version,
                point_id=point_id,
                idempotency_key=f"cle-{next(_keys):08d}-test-analyse",
                answers=response,
                submitted_at=kw.get("submitted_at", f"2026-03-0{1 + n % 9}T10:00:00Z"),
                mode=kw.get("mode", "self"),
            )[0]
        )
    return ids
