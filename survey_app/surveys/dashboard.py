"""The survey home: status, links, answers per place and per day, latest answers.

Every count is one SQL aggregate, so the page stays fast with 100,000
answers; only the 20 latest answers are decoded in Python.
"""

import json
from collections import Counter
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, g, render_template, url_for
from werkzeug.routing import BuildError

from .. import dates
from ..access import login_required, member_survey
from ..dates import paris
from ..db import get_db
from ..page_slots import add_survey_tab
from . import model
from .points import public_url, survey_points

bp = Blueprint("dashboard", __name__, url_prefix="/enquetes/<int:survey_id>")

LATEST = 20
KEY_ANSWERS = 4
TEXT_PREVIEW = 200


def answers_per_day(hour_counts: list[tuple[str, int]]) -> list[tuple[date, int]]:
    """Turn UTC hourly counts ("2026-11-26T08", n) into French-day counts.

    Days without answers inside the period are kept with 0, so a chart or a
    table shows the gaps.
    """
    per_day: dict[date, int] = {}
    for hour, count in hour_counts:
        day = paris(hour + ":00:00Z").date()
        per_day[day] = per_day.get(day, 0) + count
    if not per_day:
        return []
    first, last = min(per_day), max(per_day)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [(day, per_day.get(day, 0)) for day in days]


def bar_chart(days: list[tuple[date, int]], width: int = 640, height: int = 160):
    """Geometry of an SVG bar chart (drawn by the template, no JavaScript)."""
    peak = max((n for _, n in days), default=0) or 1
    slot = width / max(len(days), 1)
    bars = []
    for i, (day, count) in enumerate(days):
        bar_height = round(count / peak * (height - 20), 1)
        bars.append(
            {
                "x": round(i * slot + slot * 0.1, 1),
                "y": round(height - bar_height, 1),
                "width": round(slot * 0.8, 1),
                "height": bar_height,
                "day": day,
                "count": count,
                # Label the first day of the period and every Monday.
                "label": dates.short_french_date(day)
                if i == 0 or day.weekday() == 0
                else "",
            }
        )
    return {"width": width, "height": height, "bars": bars, "peak": peak}


def _choice_labels(question: dict[str, Any]) -> dict[str, str]:
    labels = {c["code"]: c["label"] for c in question.get("choices", [])}
    labels.setdefault("autre", "Autre")
    return labels


def display_value(
    question: dict[str, Any], answers: dict[str, Any], communes: dict[str, str]
) -> str:
    """One answer as text (choice labels, commune name, cut long texts)."""
    value = answers[question["key"]]
    kind = question["type"]
    if kind in model.CHOICE_TYPES:
        labels = _choice_labels(question)
        codes = value if isinstance(value, list) else [value]
        text = ", ".join(labels.get(str(c), str(c)) for c in codes)
        other = answers.get(question["key"] + ".autre")
        return f"{text} ({other})" if other else text
    if kind == "commune":
        return communes.get(str(value), str(value))
    text = str(value)
    return text if len(text) <= TEXT_PREVIEW else text[:TEXT_PREVIEW] + "…"


def key_answers(
    questions: list[dict[str, Any]], answers: dict[str, Any], communes: dict[str, str]
) -> list[tuple[str, str]]:
    """A few answers that say most about one response, in questionnaire order.

    Free texts first (what people wrote in their own words), then the
    commune, the first profile answer (usually the age), then the first
    other answered questions.
    """
    answered = [q for q in questions if q["key"] in answers]
    profile = [q["key"] for q in answered if q.get("theme") == "profil"]

    def rank(question: dict[str, Any]) -> int:
        if question["type"] in ("short_text", "long_text"):
            return 0
        if question["type"] == "commune":
            return 1
        if question["key"] in profile[:1]:  # usually the age
            return 2
        return 4 if question["key"] in profile else 3

    chosen = {q["key"] for q in sorted(answered, key=rank)[:KEY_ANSWERS]}
    return [
        (q["text"], display_value(q, answers, communes))
        for q in answered
        if q["key"] in chosen
    ]


def latest_answers(survey_id: int, only: int | None = None) -> list[dict[str, Any]]:
    """The survey's latest responses, readable (or just response `only`)."""
    db = get_db()
    rows = db.execute(
        """SELECT r.id, r.version_id, r.mode, r.submitted_at, r.answers,
                  p.name AS point_name
           FROM responses r LEFT JOIN collection_points p ON p.id = r.point_id
           WHERE r.survey_id = ? AND (? IS NULL OR r.id = ?)
           ORDER BY r.id DESC LIMIT ?""",
        [survey_id, only, only, LATEST],
    ).fetchall()
    if not rows:
        return []
    questions = {v["id"]: v["questions"] for v in model.all_versions(db, survey_id)}
    decoded = [json.loads(r["answers"]) for r in rows]
    commune_keys = {
        q["key"] for qs in questions.values() for q in qs if q["type"] == "commune"
    }
    codes = {str(a[k]) for a in decoded for k in commune_keys if k in a}
    communes = {}
    if codes:
        marks = ",".join("?" * len(codes))
        found = db.execute(
            f"SELECT code, name FROM communes WHERE code IN ({marks})", list(codes)
        )
        communes = {r["code"]: r["name"] for r in found}
    return [
        {
            "id": row["id"],
            "when": paris(row["submitted_at"]),
            "mode": model.MODES.get(row["mode"], row["mode"]),
            "point": row["point_name"],
            "answers": key_answers(questions[row["version_id"]], answers, communes),
        }
        for row, answers in zip(rows, decoded, strict=True)
    ]


def tallies(survey_id: int) -> dict[str, Counter]:
    """Answers per point, per mode and per version, in one index-only query."""
    rows = get_db().execute(
        "SELECT point_id, mode, version_id, count(*) FROM responses "
        "WHERE survey_id = ? GROUP BY point_id, mode, version_id",
        [survey_id],
    )
    counts: dict[str, Counter] = {
        "point": Counter(),
        "mode": Counter(),
        "version": Counter(),
    }
    for point_id, mode, version_id, n in rows:
        counts["point"][point_id] += n
        counts["mode"][mode] += n
        counts["version"][version_id] += n
    return counts


def version_list(survey_id: int, answers: Counter) -> list[dict[str, Any]]:
    rows = get_db().execute(
        "SELECT id, number, created_at, json_array_length(questions) AS questions "
        "FROM survey_versions WHERE survey_id = ? ORDER BY number DESC",
        [survey_id],
    )
    return [
        {**dict(r), "answers": answers[r["id"]], "created": paris(r["created_at"])}
        for r in rows
    ]


def endpoint_url(endpoint: str, fallback: str, **values: Any) -> str:
    """url_for, or the fixed path of a page another package has not shipped yet."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return fallback


@bp.route("")
@login_required
def show(survey_id: int):
    """The survey's home page.

    :raise 403: not a member of the survey's diagnostic.
    :raise 404: no such survey.
    """
    survey = member_survey(survey_id)
    db = get_db()
    counts = tallies(survey_id)
    points = survey_points(survey_id, counts["point"])
    total = counts["point"].total()
    hours = db.execute(
        "SELECT substr(submitted_at, 1, 13) AS hour, count(*) FROM responses "
        "WHERE survey_id = ? GROUP BY hour",
        [survey_id],
    ).fetchall()
    days = answers_per_day([(r[0], r[1]) for r in hours])
    return render_template(
        "dashboard/show.html",
        survey=survey,
        diagnostic=g.diagnostic,
        status=model.SURVEY_STATUSES.get(survey["status"], survey["status"]),
        survey_url=public_url(survey["code"]),
        points=points,
        without_point=total - sum(p["answers"] for p in points),
        total=total,
        days=days,
        chart=bar_chart(days),
        modes=[(model.MODES.get(m, m), n) for m, n in counts["mode"].most_common()],
        latest=latest_answers(survey_id),
        versions=version_list(survey_id, counts["version"]),
        csv_url=endpoint_url(
            "results.export",
            f"/enquetes/{survey_id}/export.csv",
            survey_id=survey_id,
            fmt="csv",
        ),
    )


def init_app(app) -> None:
    add_survey_tab(app, "dashboard.show", "Tableau de bord", 10)
