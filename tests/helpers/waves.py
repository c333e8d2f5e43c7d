"""Two waves of a small survey, relaunched for real (survey_app/surveys/waves)."""

import itertools

import pandas as pd

from analysis.margins import save_margins
from survey_app.surveys.model import create_point, create_survey, store_response
from survey_app.surveys.waves import relaunch

_keys = itertools.count(1)
QUESTIONS = [
    {"key": "EQ_MOBILE", "type": "single", "theme": "equipement",
     "text": "Avez-vous un téléphone portable ?",
     "choices": [{"code": "smartphone", "label": "Un smartphone"},
                 {"code": "aucun", "label": "Aucun"}]},
    {"key": "EQ_BOX", "type": "single", "theme": "equipement",
     "text": "Avez-vous Internet à la maison ?",
     "choices": [{"code": "oui", "label": "Oui"}, {"code": "non", "label": "Non"}]},
    {"key": "PR_GENRE", "type": "single", "theme": "profil", "text": "Vous êtes :",
     "choices": [{"code": "femme", "label": "Une femme"},
                 {"code": "homme", "label": "Un homme"}]},
]  # fmt: skip
# (genre, phone, count): wave 1 has 30 men and 20 women, wave 2 is 25/25.
WAVE_1 = [("homme", "aucun", 15), ("homme", "smartphone", 15),
          ("femme", "aucun", 15), ("femme", "smartphone", 5)]  # fmt: skip
WAVE_2 = [("homme", "aucun", 5), ("homme", "smartphone", 20),
          ("femme", "aucun", 10), ("femme", "smartphone", 15)]  # fmt: skip


def answer(db, survey_id: int, point_code: str, rows, at: str, no_box: int = 0):
    """Store the wave's answers at the point now holding `point_code`.

    The first `no_box` answers say "non" to EQ_BOX (a small cell if < 5).
    """
    point = db.execute(
        "SELECT id, survey_id FROM collection_points WHERE code = ?", [point_code]
    ).fetchone()
    assert point["survey_id"] == survey_id
    version = db.execute(
        "SELECT id FROM survey_versions WHERE survey_id = ? ORDER BY number DESC",
        [survey_id],
    ).fetchone()[0]
    n = 0
    for genre, phone, count in rows:
        for _ in range(count):
            box = "non" if n < no_box else "oui"
            n += 1
            store_response(
                db, survey_id=survey_id, version_id=version, point_id=point["id"],
                idempotency_key=f"vague-{next(_keys):08d}-reponse-test",
                answers={"EQ_MOBILE": phone, "PR_GENRE": genre, "EQ_BOX": box},
                submitted_at=at,
            )  # fmt: skip


def two_waves(db, diagnostic_id: int, margins: bool = True) -> dict:
    """Wave 1 (closed 2025-03-31) and wave 2, answered at the same QR code."""
    if margins:
        save_margins(
            db,
            diagnostic_id,
            pd.DataFrame(
                [("PR_GENRE", "femme", 500.0), ("PR_GENRE", "homme", 500.0)],
                columns=["variable", "category", "target"],
            ),
        )
    first = create_survey(db, diagnostic_id, "Enquête habitants", QUESTIONS)
    point = create_point(db, first, "Marché du samedi", "marche")
    code = db.execute(
        "SELECT code FROM collection_points WHERE id = ?", [point]
    ).fetchone()[0]
    db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [first])
    answer(db, first, code, WAVE_1, "2025-03-01T10:00:00Z", no_box=3)
    db.execute(
        "UPDATE surveys SET status = 'closed', closed_at = '2025-03-31T16:00:00Z' "
        "WHERE id = ?",
        [first],
    )
    db.conn.commit()
    second, _ = relaunch(db, first)
    answer(db, second, code, WAVE_2, "2025-10-01T10:00:00Z", no_box=10)
    return {"first": first, "second": second, "code": code}
