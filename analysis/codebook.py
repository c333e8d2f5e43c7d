"""A survey's questions merged over its versions, and its codebook.

Used by frames.load_survey: `merge_questions` gives one entry per question
key (latest wording, every choice code ever used with its latest label),
`questions_frame` and `codebook_frame` turn it into the DataFrames of
SurveyFrames, `commune_names` labels the INSEE codes answered.
"""

from typing import Any

import pandas as pd
import sqlite_utils

from survey_app.surveys.contract import CHOICE_TYPES

OTHER_CODE = "autre"
OTHER_LABEL = "Autre"


def merge_questions(
    versions: list[tuple[int, list[dict[str, Any]]]],
) -> dict[str, dict[str, Any]]:
    """Merge the question lists of (number, questions) versions, oldest first.

    Latest wording wins; keys only in older versions come after the current
    ones; choices keep every code ever used, the latest label of each.
    """
    merged: dict[str, dict[str, Any]] = {}
    for number, questions in versions:
        for q in questions:
            key = q.get("key")
            if not key:
                continue
            before = merged.get(key, {"choices": {}, "versions": [], "other": False})
            choices = {
                c["code"]: c.get("label", c["code"]) for c in q.get("choices") or []
            }
            old = {c: lbl for c, lbl in before["choices"].items() if c not in choices}
            merged[key] = {
                "type": q.get("type", "short_text"),
                "theme": q.get("theme", "autre"),
                "text": q.get("text", key),
                "help": q.get("help", ""),
                "bank_id": q.get("bank_id"),
                "other": bool(q.get("other")) or before["other"],
                "choices": {**choices, **old},
                "versions": [*before["versions"], number],
                "latest": number,
                # The latest version's condition (None: asked to everyone).
                "show_if": q.get("show_if") or None,
            }
    latest = max((n for n, _ in versions), default=0)
    current = [k for k, q in merged.items() if q["latest"] == latest]
    order = [q["key"] for n, qs in versions if n == latest for q in qs if "key" in q]
    order += [k for k in merged if k not in current]
    result = {}
    for key in dict.fromkeys(order):
        q = merged[key]
        if q["other"] and OTHER_CODE not in q["choices"]:
            q["choices"][OTHER_CODE] = OTHER_LABEL
        result[key] = q
    return result


def commune_names(
    db: sqlite_utils.Database, parsed: pd.DataFrame, merged: dict[str, dict[str, Any]]
) -> dict[str, str]:
    codes: set[str] = set()
    for key, q in merged.items():
        if q["type"] == "commune" and key in parsed.columns:
            codes |= set(parsed[key].dropna().astype(str).unique())
    if not codes:
        return {}
    names = {}
    listed = sorted(codes)
    for start in range(0, len(listed), 500):
        chunk = listed[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for code, name in db.execute(
            f"SELECT code, name FROM communes WHERE code IN ({marks})", chunk
        ):
            names[code] = name
    return names


def questions_frame(
    merged: dict[str, dict[str, Any]], by_key: dict[str, list[str]]
) -> pd.DataFrame:
    rows = [
        {
            "key": key,
            "type": q["type"],
            "theme": q["theme"],
            "text": q["text"],
            "help": q["help"],
            "bank_id": q["bank_id"],
            "other": q["other"],
            "versions": q["versions"],
            "columns": by_key[key],
            "order": order,
            "show_if": q.get("show_if"),
        }
        for order, (key, q) in enumerate(merged.items())
    ]
    names = ["key", "type", "theme", "text", "help", "bank_id", "other"]
    names += ["versions", "columns", "order", "show_if"]
    return pd.DataFrame(rows, columns=names).set_index("key", drop=False)


def codebook_frame(
    merged: dict[str, dict[str, Any]],
    questions: pd.DataFrame,
    parsed: pd.DataFrame,
    labels: dict[tuple[str, str], str],
) -> pd.DataFrame:
    rows = []
    for key, q in merged.items():
        base = {
            "key": key,
            "type": q["type"],
            "theme": q["theme"],
            "text": q["text"],
            "bank_id": q["bank_id"],
            "order": int(questions.at[key, "order"]),
        }
        if q["type"] in CHOICE_TYPES:
            codes = list(q["choices"])
        elif q["type"] == "commune" and key in parsed.columns:
            codes = sorted(parsed[key].dropna().astype(str).unique())
        else:
            codes = [None]
        for position, code in enumerate(codes):
            label = labels.get((key, code), code) if code is not None else None
            rows.append(
                {**base, "code": code, "label": label, "choice_order": position}
            )
    names = ["key", "type", "theme", "text", "code", "label", "bank_id", "order"]
    return pd.DataFrame(rows, columns=[*names, "choice_order"])
