"""An open survey and many stored answers: tests of limits, push, data care, backup."""

from survey_app.db import connect, write_transaction
from survey_app.surveys import model

QUESTIONS = [
    {"key": "AGE", "type": "number", "theme": "profil", "required": False,
     "text": "Quel âge avez-vous ?", "min": 0, "max": 120},
    {"key": "AIDE", "type": "short_text", "theme": "besoins", "required": False,
     "text": "De quelle aide auriez-vous besoin ?"},
]  # fmt: skip


def open_survey(app, diagnostic_id: int, target: int | None = None):
    """An open survey with one collection point; returns (survey, point) ids."""
    db = connect(app.config["DATABASE"])
    try:
        survey_id = model.create_survey(db, diagnostic_id, "Enquête test", QUESTIONS)
        with write_transaction(db):
            db.execute("UPDATE surveys SET status = 'open' WHERE id = ?", [survey_id])
        point_id = model.create_point(
            db, survey_id, "Marché du jeudi", "marche", code="marche", target=target
        )
    finally:
        db.close()
    return survey_id, point_id


def add_responses(db, survey_id: int, point_id: int | None, n: int, **kw) -> None:
    version = model.current_version(db, survey_id)
    for i in range(n):
        model.store_response(
            db,
            survey_id=survey_id,
            version_id=version["id"],
            point_id=point_id,
            idempotency_key=f"k-{survey_id}-{point_id}-{i}-{kw.get('tag', '')}",
            answers={"AGE": 40 + i % 30},
            mode=kw.get("mode", "self"),
            submitted_at=kw.get("submitted_at"),
        )


def table_counts(db) -> dict[str, int]:
    names = [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {n: db.execute(f"SELECT count(*) FROM [{n}]").fetchone()[0] for n in names}
