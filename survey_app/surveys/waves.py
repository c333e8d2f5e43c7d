"""Survey waves (issue 12 §3): "Relancer l'enquête" and the six-month reminder.

A diagnostic is measured again about six months after a survey ends (guide
step 8). The next wave is a new survey continuing a closed one
(`previous_survey_id`, `wave_number`): the same question versions (copied
with their numbers, so choice codes stay frozen across waves and answers
compare code by code), the same collection points and, unless new ones are
asked for, the same short codes: the QR posters already printed lead to the
open wave. The closed wave gives its codes up for fresh ones nobody printed.
"""

from datetime import date, datetime
from typing import Any

import sqlite_utils

from .. import dates
from ..db import now, write_transaction
from ..safeguards.push import notify_diagnostic
from .model import new_survey_code

# The guide: "un rendez-vous tous les six mois".
REMEASURE_MONTHS = 6


class RelaunchRefused(ValueError):
    """The survey cannot be relaunched (French message)."""


def next_wave(db: sqlite_utils.Database, survey_id: int) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT * FROM surveys WHERE previous_survey_id = ?", [survey_id]
    ).fetchone()
    return dict(row) if row else None


def wave_chain(db: sqlite_utils.Database, survey_id: int) -> list[dict[str, Any]]:
    """Every wave of the survey's chain, first wave first."""
    rows = db.execute(
        """WITH RECURSIVE back(id, previous) AS (
               SELECT id, previous_survey_id FROM surveys WHERE id = :id
               UNION SELECT s.id, s.previous_survey_id FROM surveys s
               JOIN back ON s.id = back.previous),
           forward(id) AS (
               SELECT :id UNION SELECT s.id FROM surveys s
               JOIN forward ON s.previous_survey_id = forward.id)
           SELECT * FROM surveys WHERE id IN (SELECT id FROM back)
              OR id IN (SELECT id FROM forward)
           ORDER BY wave_number, id""",
        {"id": survey_id},
    )
    return [dict(r) for r in rows]


def relaunch(
    db: sqlite_utils.Database,
    survey_id: int,
    *,
    keep_codes: bool = True,
    opens_on: str | None = None,
    closes_on: str | None = None,
    status: str = "open",
) -> tuple[int, bool]:
    """Create the next wave of a closed survey; (its id, newly created).

    Idempotent: a survey has at most one next wave (unique index), so a
    repeated request returns the wave already made and changes nothing.
    :raise RelaunchRefused: the survey is not closed.
    """
    with write_transaction(db):
        existing = next_wave(db, survey_id)
        if existing:
            return existing["id"], False
        survey = dict(
            db.execute("SELECT * FROM surveys WHERE id = ?", [survey_id]).fetchone()
        )
        if survey["status"] != "closed":
            raise RelaunchRefused(
                "Seule une enquête close peut être relancée : clôturez d'abord "
                "cette vague."
            )
        stamp = now()
        code = survey["code"]
        if keep_codes:  # the old wave takes a fresh code, the new one the known
            db.execute(
                "UPDATE surveys SET code = ? WHERE id = ?",
                [new_survey_code(db), survey_id],
            )
        else:
            code = new_survey_code(db)
        new_id = db.execute(
            "INSERT INTO surveys (diagnostic_id, code, title, intro, status, "
            "created_at, updated_at, previous_survey_id, wave_number, opens_on, "
            "closes_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [survey["diagnostic_id"], code, survey["title"], survey["intro"],
             status, stamp, stamp, survey_id, survey["wave_number"] + 1,
             opens_on, closes_on],
        ).lastrowid  # fmt: skip
        db.execute(
            "INSERT INTO survey_versions (survey_id, number, questions, created_at) "
            "SELECT ?, number, questions, ? FROM survey_versions "
            "WHERE survey_id = ? ORDER BY number",
            [new_id, stamp, survey_id],
        )
        points = db.execute(
            "SELECT * FROM collection_points WHERE survey_id = ? ORDER BY id",
            [survey_id],
        ).fetchall()
        for point in points:
            point_code = point["code"]
            if keep_codes:
                db.execute(
                    "UPDATE collection_points SET code = ? WHERE id = ?",
                    [new_survey_code(db), point["id"]],
                )
            else:
                point_code = new_survey_code(db)
            db.execute(
                "INSERT INTO collection_points (survey_id, code, name, kind, "
                "target, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [new_id, point_code, point["name"], point["kind"], point["target"],
                 stamp],
            )  # fmt: skip
    return int(new_id or 0), True


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover (28 always exists)


def remeasure_date(survey: dict[str, Any]) -> date | None:
    """When the next measure is due: six months after the wave closed, or
    after the end planned for it while it runs."""
    if survey.get("status") == "closed" and survey.get("closed_at"):
        ended = dates.paris(survey["closed_at"]).date()
    elif survey.get("status") != "closed" and survey.get("closes_on"):
        ended = date.fromisoformat(survey["closes_on"])
    else:
        return None
    return add_months(ended, REMEASURE_MONTHS)


def next_measure(db: sqlite_utils.Database, diagnostic_id: int) -> date | None:
    """The earliest "prochaine mesure" of the diagnostic's last waves."""
    rows = db.execute(
        "SELECT * FROM surveys s WHERE diagnostic_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM surveys n WHERE n.previous_survey_id = s.id)",
        [diagnostic_id],
    ).fetchall()
    due = [d for d in (remeasure_date(dict(r)) for r in rows) if d]
    return min(due) if due else None


def remind_remeasures(db: sqlite_utils.Database, at: datetime | None = None) -> int:
    """Queue, once per wave, the push "six months: measure again" to its team.

    For closed waves with no next wave whose six months have passed. The
    mark is set in the same transaction as the check, so two processes (or
    two days) never send it twice. Returns how many were queued.
    """
    today = dates.paris(at or dates.utcnow()).date()
    rows = db.execute(
        "SELECT * FROM surveys s WHERE status = 'closed' AND closed_at IS NOT NULL "
        "AND remeasure_notified_at IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM surveys n WHERE n.previous_survey_id = s.id)"
    ).fetchall()
    sent = 0
    for row in rows:
        due = remeasure_date(dict(row))
        if due is None or due > today:
            continue
        # Claimed and queued in one transaction: sent once, never lost.
        with write_transaction(db):
            claimed = db.execute(
                "UPDATE surveys SET remeasure_notified_at = ? WHERE id = ? "
                "AND remeasure_notified_at IS NULL",
                [now(), row["id"]],
            ).rowcount
            if claimed:
                notify_diagnostic(
                    row["diagnostic_id"],
                    "Six mois : mesurez à nouveau",
                    f"L'enquête « {row['title']} » (vague {row['wave_number']}) est "
                    "close depuis six mois. Relancez-la pour voir si les actions "
                    "portent leurs fruits.",
                    f"/enquetes/{row['id']}/vagues",
                    db=db,
                )
        if not claimed:
            continue
        sent += 1
    return sent
