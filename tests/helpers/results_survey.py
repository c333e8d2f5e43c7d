"""A small survey with answers, shared by the results and export tests."""

import itertools

from survey_app.db import connect
from survey_app.surveys.model import create_point, create_survey, store_response

QUESTIONS = [
    {
        "key": "EQ_MOBILE",
        "type": "single",
        "theme": "equipement",
        "text": "Utilisez-vous un smartphone ?",
        "choices": [
            {"code": "smartphone", "label": "Un smartphone"},
            {"code": "simple", "label": "Un téléphone simple"},
            {"code": "aucun", "label": "Aucun des deux"},
        ],
    },
    {
        "key": "BE_SUJETS",
        "type": "multiple",
        "theme": "besoins",
        "text": "Sur quoi voudriez-vous de l'aide ?",
        "other": True,
        "choices": [
            {"code": "demarches", "label": "Démarches en ligne"},
            {"code": "mails", "label": "E-mails"},
            {"code": "photos", "label": "Photos"},
        ],
    },
    {"key": "PR_MENAGE", "type": "number", "theme": "profil", "text": "Personnes ?"},
    {"key": "COMMENTAIRE", "type": "long_text", "theme": "autre", "text": "Un mot ?"},
    {
        "key": "PR_AGE",
        "type": "single",
        "theme": "profil",
        "text": "Quel est votre âge ?",
        "choices": [
            {"code": "25_39", "label": "25 à 39 ans"},
            {"code": "75_plus", "label": "75 ans ou plus"},
        ],
    },
]
TEXTS = [
    "Les démarches CAF sont compliquées",
    '=HYPERLINK("http://evil.example","clic")',
    "<script>alert('x')</script> démarche",
    "Merci 😀 pour l'aide à la médiathèque",
    "  @SUM(A1:A2)",
    "",
]


def make_results_survey(
    database: str, diagnostic_id: int, n: int = 40, code: str = "abc234"
) -> int:
    """A survey of `n` responses at two points; returns its id.

    Response i: phone cycles smartphone, smartphone, simple, aucun; aged
    25-39 when i % 3 == 0 (else 75 or more); at the market when i is odd,
    else at the town hall; submitted on March (1 + i % 20), 2026.
    """
    db = connect(database)
    try:
        survey_id = create_survey(
            db, diagnostic_id, "Enquête « test » & co", QUESTIONS, code=code
        )
        version = db.execute(
            "SELECT id FROM survey_versions WHERE survey_id = ?", [survey_id]
        ).fetchone()[0]
        market = create_point(
            db, survey_id, "Marché <du> jeudi", "marche", code=f"m{code}"
        )
        town_hall = create_point(db, survey_id, "Mairie", "mairie", code=f"t{code}")
        phones = itertools.cycle(["smartphone", "smartphone", "simple", "aucun"])
        for i in range(n):
            answers = {
                "EQ_MOBILE": next(phones),
                "BE_SUJETS": ["demarches", "mails"] if i % 2 else ["autre"],
                "PR_MENAGE": 1 + i % 4,
                "PR_AGE": "75_plus" if i % 3 else "25_39",
            }
            if i % 2 == 0:
                answers["BE_SUJETS.autre"] = "=1+1 impôts"
            if TEXTS[i % len(TEXTS)]:
                answers["COMMENTAIRE"] = TEXTS[i % len(TEXTS)]
            store_response(
                db,
                survey_id=survey_id,
                version_id=version,
                point_id=market if i % 2 else town_hall,
                idempotency_key=f"{code}-{i}",
                answers=answers,
                submitted_at=f"2026-03-{1 + i % 20:02d}T10:00:00Z",
            )
    finally:
        db.close()
    return survey_id
