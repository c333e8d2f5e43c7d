"""The "Vagues" page of a survey: its waves and how the last compares with
the one before (issue 12 §3). Linked from the survey's tabs and results
and from step 8 of the diagnostic's steps page.

`?base=brut` shows the raw comparison, `?base=redresse` the re-weighted one
(the default when both waves are re-weighted): one basis at a time, said at
the top of the page.
"""

from flask import Blueprint, Flask, g, render_template, request

from analysis.waves import comparison_rows
from survey_app.access import login_required, member_survey
from survey_app.db import get_db
from survey_app.page_slots import add_survey_tab
from survey_app.safeguards.personal_data import BEFORE_PURGE
from survey_app.surveys.model import SURVEY_STATUSES
from survey_app.surveys.waves import next_wave, remeasure_date, wave_chain

from . import waves

bp = Blueprint(
    "waves",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/evaluation/static",
)


def grouped(rows: list[dict]) -> list[dict]:
    """Comparison rows grouped by question, in order."""
    questions: dict[str, dict] = {}
    for row in rows:
        question = questions.setdefault(
            row["key"], {"key": row["key"], "text": row["question"], "rows": []}
        )
        question["rows"].append(row)
    for question in questions.values():
        statuses = {r["status"] for r in question["rows"]}
        question["changed"] = statuses == {"changed"}
    return list(questions.values())


@bp.get("/enquetes/<int:survey_id>/vagues")
@login_required
def show(survey_id: int):
    """The survey's waves and the comparison with the previous wave.

    :raise 403: not a member. :raise 404: no such survey.
    """
    survey = member_survey(survey_id)
    db = get_db()
    chain = wave_chain(db, survey_id)
    answers = {
        r[0]: r[1]
        for r in db.execute(
            "SELECT survey_id, count(*) FROM responses WHERE survey_id IN "
            "(SELECT value FROM json_each(?)) GROUP BY survey_id",
            [f"[{','.join(str(w['id']) for w in chain)}]"],
        )
    }
    for wave in chain:
        wave["answers"] = answers.get(wave["id"], 0)
        wave["status_label"] = SURVEY_STATUSES.get(wave["status"], wave["status"])
        wave["remeasure"] = remeasure_date(wave)
    comparison = waves.compare(db, survey_id)
    if comparison is None and (later := next_wave(db, survey_id)):
        comparison = waves.compare(db, later["id"])
    weighted = False
    questions: list[dict] = []
    if comparison is not None:
        wanted = request.args.get("base", "redresse" if comparison.weighted else "brut")
        weighted = comparison.weighted and wanted == "redresse"
        questions = grouped(comparison_rows(comparison.table, weighted))
    return render_template(
        "waves/show.html",
        survey=survey,
        diagnostic=g.diagnostic,
        chain=chain,
        comparison=comparison,
        weighted=weighted,
        questions=questions,
        is_last=chain[-1]["id"] == survey_id,
    )


def diagnostic_waves(diagnostic_id: int) -> list[dict]:
    """The diagnostic's surveys with their wave number, for step 8's links."""
    rows = get_db().execute(
        "SELECT s.id, s.title, s.wave_number, s.status, EXISTS (SELECT 1 FROM "
        "surveys n WHERE n.previous_survey_id = s.id) AS relaunched FROM surveys s "
        "WHERE s.diagnostic_id = ? ORDER BY s.title, s.wave_number",
        [diagnostic_id],
    )
    return [dict(r) for r in rows]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    # Before the retention purge deletes a wave's answers, keep its
    # aggregates (issue 12 §4).
    BEFORE_PURGE["wave_aggregates"] = waves.keep_aggregates
    app.add_template_global(diagnostic_waves)
    add_survey_tab(app, "waves.show", "Vagues", 45)
