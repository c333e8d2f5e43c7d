"""The demo survey's first wave (issue 12 §3): the same questionnaire, run
at the same places seven months earlier and closed, then relaunched as the
open survey of the demo; residents were then a little less at ease, so the
"Vagues" page and the document's step 8 have differences to show.
"""

import json
import random
from datetime import date, datetime, time, timedelta

import sqlite_utils

from survey_app.dates import PARIS, stamp
from survey_app.surveys.model import new_survey_code

GAP_DAYS = 214  # about seven months between the two waves
SHARE = 0.5  # fewer answers in the first wave (and a quicker demo load)
EASE_BEFORE = -0.12


def add_first_wave(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    first: date,
    communes: list[tuple[str, int]],
) -> None:
    """Insert wave 1 before the demo's open survey (inside the caller's
    transaction), and make the open survey its wave 2; nothing without one."""
    # Imported here: survey_app.demo imports this package's demo at its top.
    from survey_app.demo import DAYS, FALLBACK_COMMUNES, mode_for, moment
    from survey_app.demo_answers import respondent_form
    from survey_app.surveys.answers import parse_answers

    row = db.execute(
        "SELECT * FROM surveys WHERE diagnostic_id = ? ORDER BY id LIMIT 1",
        [diagnostic_id],
    ).fetchone()
    if row is None:  # fill_demo on a diagnostic without survey (tests)
        return
    current, rng = dict(row), random.Random(2025)
    start = first - timedelta(days=GAP_DAYS)
    end = start + timedelta(days=DAYS)
    created = stamp(datetime.combine(start - timedelta(days=3), time(9), PARIS))
    wave = db.execute(
        "INSERT INTO surveys (diagnostic_id, code, title, intro, status, created_at, "
        "updated_at, wave_number, opens_on, closes_on, closed_at) "
        "VALUES (?, ?, ?, ?, 'closed', ?, ?, 1, ?, ?, ?)",
        [diagnostic_id, new_survey_code(db), current["title"], current["intro"],
         created, created, start.isoformat(), end.isoformat(),
         stamp(datetime.combine(end, time(18), PARIS))],
    ).lastrowid  # fmt: skip
    db.execute(
        "INSERT INTO survey_versions (survey_id, number, questions, created_at) "
        "SELECT ?, number, questions, ? FROM survey_versions WHERE survey_id = ?",
        [wave, created, current["id"]],
    )
    version = db.execute(
        "SELECT id, questions FROM survey_versions WHERE survey_id = ? "
        "ORDER BY number DESC LIMIT 1",
        [wave],
    ).fetchone()
    questions = json.loads(version["questions"])
    points = db.execute(
        "SELECT p.*, (SELECT count(*) FROM responses r WHERE r.point_id = p.id) "
        "AS answers FROM collection_points p WHERE survey_id = ? ORDER BY id",
        [current["id"]],
    ).fetchall()
    rows = []
    for point in points:
        point_id = db.execute(
            "INSERT INTO collection_points (survey_id, code, name, kind, target, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [wave, new_survey_code(db), point["name"], point["kind"],
             point["target"], created],
        ).lastrowid  # fmt: skip
        kind = point["kind"]
        for _ in range(round(point["answers"] * SHARE)):
            form, person = respondent_form(
                rng, kind, communes or FALLBACK_COMMUNES, EASE_BEFORE
            )
            answers, errors = parse_answers(questions, form)
            if errors:
                raise RuntimeError(f"Réponse de démonstration invalide : {errors}")
            rows.append(
                (wave, version["id"], point_id, f"demo-{wave}-{len(rows)}",
                 mode_for(rng, kind, form, person["ease"]),
                 stamp(moment(rng, kind, start)),
                 json.dumps(answers, ensure_ascii=False))
            )  # fmt: skip
    db.conn.executemany(
        "INSERT INTO responses (survey_id, version_id, point_id, idempotency_key, "
        "mode, submitted_at, answers) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.execute(
        "UPDATE surveys SET previous_survey_id = ?, wave_number = 2, opens_on = ?, "
        "closes_on = ? WHERE id = ?",
        [wave, first.isoformat(), (first + timedelta(days=42)).isoformat(),
         current["id"]],
    )  # fmt: skip
