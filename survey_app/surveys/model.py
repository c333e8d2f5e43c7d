"""Surveys, their versions and their responses, as stored in the database.

The shapes of questions and answers, and the codes of types, themes, modes
and collection points, are in contract.py (re-exported here).

Versioning: while no response points at the latest version it is edited in
place; once answers exist, saving creates version n+1, so old answers keep
the wording and labels they were given under. A choice whose label changes
must get a new code (`freeze_choice_codes` does it) so that no answer is ever
re-labelled.
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from ..db import now, write_transaction
from ..group_commit import run_write
from ..storage import inserted_id
from ..text import fold, random_code
from .contract import (  # noqa: F401  (re-exported: model.THEMES etc.)
    CHOICE_TYPES,
    MODES,
    POINT_KINDS,
    QUESTION_TYPES,
    SURVEY_STATUSES,
    THEMES,
)


def choice_code(label: str, taken: set[str]) -> str:
    """A short readable code for a choice label, unique among `taken`."""
    base = "_".join(fold(label).split()[:4])[:40] or "choix"
    base = "".join(c for c in base if c.isalnum() or c == "_") or "choix"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


def freeze_choice_codes(
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    history: Sequence[list[dict[str, Any]]] = (),
) -> list[dict[str, Any]]:
    """Give every new or re-labelled choice a code never used before.

    Choices whose label is unchanged keep their code, so answers given under
    the old version still count with the new one. `history` holds the
    question lists of older versions: a code one of them used for another
    label is never given again (analysis merges versions by code).
    """
    versions = [*history, old]
    frozen = []
    for question in new:
        question = dict(question)
        earlier = [
            c
            for questions in versions
            for q in questions
            if q["key"] == question["key"]
            for c in q.get("choices") or []
        ]
        if question.get("choices") and earlier:
            by_label = {c["label"]: c["code"] for c in earlier}  # latest wins
            used = {c["code"] for c in earlier} | {"autre"}
            choices: list[dict[str, Any]] = []
            for choice in question["choices"]:
                code = by_label.get(choice["label"])
                if code is None or code in {c["code"] for c in choices}:
                    code = choice_code(choice["label"], used)
                used.add(code)
                choices.append({**choice, "code": code})
            question["choices"] = choices
        frozen.append(question)
    return frozen


def new_survey_code(db: sqlite_utils.Database) -> str:
    while True:
        code = random_code(6)
        taken = db.execute(
            "SELECT 1 FROM surveys WHERE code = ? UNION ALL "
            "SELECT 1 FROM collection_points WHERE code = ?",
            [code, code],
        ).fetchone()
        if not taken:
            return code


def create_survey(
    db: sqlite_utils.Database,
    diagnostic_id: int,
    title: str,
    questions: list[dict[str, Any]],
    intro: str = "",
    code: str | None = None,
) -> int:
    with write_transaction(db):
        stamp = now()
        survey_id = inserted_id(
            db.execute(
                "INSERT INTO surveys (diagnostic_id, code, title, intro, status, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, 'draft', ?, ?)",
                [
                    diagnostic_id,
                    code or new_survey_code(db),
                    title,
                    intro,
                    stamp,
                    stamp,
                ],
            )
        )
        db.execute(
            "INSERT INTO survey_versions (survey_id, number, questions, created_at) "
            "VALUES (?, 1, ?, ?)",
            [survey_id, json.dumps(questions, ensure_ascii=False), stamp],
        )
    return survey_id


def current_version(db: sqlite_utils.Database, survey_id: int) -> dict[str, Any]:
    row = db.execute(
        "SELECT * FROM survey_versions WHERE survey_id = ? "
        "ORDER BY number DESC LIMIT 1",
        [survey_id],
    ).fetchone()
    version = dict(row)
    version["questions"] = json.loads(version["questions"])
    return version


def all_versions(db: sqlite_utils.Database, survey_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT * FROM survey_versions WHERE survey_id = ? ORDER BY number",
        [survey_id],
    )
    return [{**dict(r), "questions": json.loads(r["questions"])} for r in rows]


def save_questions(
    db: sqlite_utils.Database, survey_id: int, questions: list[dict[str, Any]]
) -> dict[str, Any]:
    """Save a survey's question list, versioning it if answers exist.

    Returns the version now current.
    """
    with write_transaction(db):
        version = current_version(db, survey_id)
        answered = db.execute(
            "SELECT 1 FROM responses WHERE version_id = ? LIMIT 1", [version["id"]]
        ).fetchone()
        history = [v["questions"] for v in all_versions(db, survey_id)[:-1]]
        questions = freeze_choice_codes(version["questions"], questions, history)
        payload = json.dumps(questions, ensure_ascii=False)
        if answered:
            db.execute(
                "INSERT INTO survey_versions (survey_id, number, questions, "
                "created_at) VALUES (?, ?, ?, ?)",
                [survey_id, version["number"] + 1, payload, now()],
            )
        else:
            db.execute(
                "UPDATE survey_versions SET questions = ? WHERE id = ?",
                [payload, version["id"]],
            )
        db.execute("UPDATE surveys SET updated_at = ? WHERE id = ?", [now(), survey_id])
    return current_version(db, survey_id)


def store_response(
    db: sqlite_utils.Database,
    *,
    survey_id: int,
    version_id: int,
    point_id: int | None,
    idempotency_key: str,
    answers: dict[str, Any],
    mode: str = "self",
    submitted_at: str | None = None,
    aside: list[dict[str, str]] | None = None,
) -> tuple[int, bool]:
    """Store one response exactly once; return (response id, newly created).

    A second submission with the same idempotency key (double tap, browser
    retry, offline queue resent) returns the first response untouched.
    `aside`: answers kept for the conseiller to check, each
    {"question_key", "typed", "reason"}, stored with the response.
    """
    row = [
        survey_id,
        version_id,
        point_id,
        idempotency_key,
        mode,
        submitted_at or now(),
        json.dumps(answers, ensure_ascii=False),
    ]

    def insert(db: sqlite_utils.Database) -> tuple[int, bool]:
        cursor = db.execute(
            "INSERT INTO responses (survey_id, version_id, point_id, "
            "idempotency_key, mode, submitted_at, answers) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (idempotency_key) DO NOTHING",
            row,
        )
        if cursor.rowcount == 1:
            response_id = inserted_id(cursor)
            for kept in aside or []:
                db.execute(
                    "INSERT INTO answers_to_check "
                    "(response_id, question_key, typed, reason) VALUES (?, ?, ?, ?)",
                    [response_id, kept["question_key"], kept["typed"], kept["reason"]],
                )
            return response_id, True
        found = db.execute(
            "SELECT id FROM responses WHERE idempotency_key = ?", [idempotency_key]
        ).fetchone()
        return found[0], False

    # Committed together with the answers of other residents sent at the same
    # moment: one flush to disk for all (see group_commit.py).
    return run_write(db, insert)


def point_by_code(db: sqlite_utils.Database, code: str) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT * FROM collection_points WHERE code = ?", [code.lower()]
    ).fetchone()
    return dict(row) if row else None


def create_point(
    db: sqlite_utils.Database,
    survey_id: int,
    name: str,
    kind: str,
    code: str | None = None,
    target: int | None = None,
) -> int:
    with write_transaction(db):
        return inserted_id(
            db.execute(
                "INSERT INTO collection_points (survey_id, code, name, kind, target, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                [survey_id, code or new_survey_code(db), name, kind, target, now()],
            )
        )
