"""Results pages and exports (issue 3).

`results.show` is the page a conseiller projects in a meeting or prints:
per-question summaries (chart + table), filters as a plain GET form, a
cross-tab picker, priority publics, the national comparison (raw and
weighted) and the words of the open answers. A small static script
refreshes it every 30 s while answers arrive; without JavaScript the
"Actualiser" link does the same. `results.export` serves the same data as
files (exports.py), filtered like the page when filters are given.
"""

from io import BytesIO

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from survey_app.access import login_required, member_survey
from survey_app.db import get_db
from survey_app.extensions import add_survey_tab
from survey_app.surveys.model import POINT_KINDS

from . import cli, tables
from .exports import FORMAT_LABELS, FORMATS, export, export_filename
from .filters import apply_filters, parse_filters, profile_keys
from .frames import SurveyFrames, load_survey
from .margins_csv import clear_margins, parse_margins, store_margins, stored_margins

bp = Blueprint(
    "results",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/analysis/static",
)
# Under this many answers, percentages move a lot from one person to the next.
FEW_ANSWERS = 30
REFRESH_SECONDS = 30


def _points(survey_id: int) -> list[dict]:
    rows = get_db().execute(
        "SELECT id, name, kind FROM collection_points WHERE survey_id = ? "
        "ORDER BY name",
        [survey_id],
    )
    return [
        {**dict(r), "kind_label": POINT_KINDS.get(r["kind"], r["kind"])} for r in rows
    ]


def _filtered(survey_id: int) -> tuple[SurveyFrames, SurveyFrames, object, list, list]:
    """All frames, filtered frames, filters, filter errors and points."""
    frames = load_survey(get_db(), survey_id)
    points = _points(survey_id)
    filters, errors = parse_filters(request.args, frames, {p["id"] for p in points})
    return frames, apply_filters(frames, filters), filters, errors, points


@bp.get("/enquetes/<int:survey_id>/resultats")
@login_required
def show(survey_id: int):
    """The results page. :raise 403: not a member. :raise 404: no such survey."""
    survey = member_survey(survey_id)
    frames, shown, filters, errors, points = _filtered(survey_id)
    cross_key = request.args.get("question", "")
    cross_by = request.args.get("selon", "")
    context = {
        "survey": survey,
        "points": points,
        "filters": filters,
        "filter_errors": errors,
        "profile_filters": [
            {
                "key": key,
                "text": frames.questions.at[key, "text"],
                "choices": [(c, frames.label(key, c)) for c in frames.codes(key)],
            }
            for key in profile_keys(frames)
        ],
        "total": len(frames.wide),
        "shown": len(shown.wide),
        "last_answer": frames.wide["submitted_at"].max() if len(frames.wide) else None,
        "few_answers": FEW_ANSWERS,
        "refresh_seconds": REFRESH_SECONDS,
        "blocks": tables.question_blocks(shown) if len(shown.wide) else [],
        "cross_options": tables.crosstab_options(frames),
        "cross_key": cross_key,
        "cross_by": cross_by,
        "crosstab": tables.crosstab_block(shown, cross_key, cross_by)
        if cross_key and cross_by
        else None,
        "priority": tables.priority_block(shown) if len(shown.wide) else None,
        "national": tables.national_block(shown) if len(shown.wide) else None,
        "formats": [(fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS],
        "query": filters.query(),
    }
    return render_template("results/show.html", **context)


@bp.get("/enquetes/<int:survey_id>/export.<fmt>", endpoint="export")
@login_required
def export_file(survey_id: int, fmt: str):
    """Download the survey's data. :raise 404: unknown format or survey."""
    survey = member_survey(survey_id)
    if fmt not in FORMATS:
        abort(404)
    _frames, shown, _filters, _errors, _points = _filtered(survey_id)
    buffer = BytesIO()
    export(shown, fmt, buffer)
    buffer.seek(0)
    response = send_file(
        buffer,
        mimetype=FORMATS[fmt][0],
        as_attachment=True,
        download_name=export_filename(survey, fmt),
        max_age=0,
    )
    # Personal answers: never kept by a shared cache or proxy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the results blueprint, its survey tab and the export command."""
    app.register_blueprint(bp)
    add_survey_tab(app, "results.show", "Résultats", 40)
    cli.init_app(app)


@bp.route("/enquetes/<int:survey_id>/resultats/marges", methods=["GET", "POST"])
@login_required
def margins(survey_id: int):
    """Enter or import population margins used to re-weight the results.

    :raise 403: not a member. :raise 404: no such survey.
    """
    survey = member_survey(survey_id)
    db = get_db()
    frames = load_survey(db, survey_id)
    variables = profile_keys(frames)
    errors: list[str] = []
    pasted = ""
    if request.method == "POST":
        if request.form.get("action") == "effacer":
            clear_margins(db, survey["diagnostic_id"])
            flash(
                "Les données de population ont été effacées : résultats non redressés.",
                "success",
            )
            return redirect(url_for("results.margins", survey_id=survey_id))
        upload = request.files.get("fichier")
        pasted = request.form.get("donnees", "")
        data = upload.read() if upload and upload.filename else pasted.encode()
        source = (request.form.get("source") or "").strip()[:200]
        if not variables:
            errors.append("Cette enquête n'a pas de question de profil (âge, genre…).")
        else:
            found, errors = parse_margins(data, frames, variables)
            if not errors:
                store_margins(db, survey["diagnostic_id"], found, source)
                flash(
                    f"{len(found)} chiffre(s) de population enregistré(s) : "
                    "les résultats sont maintenant aussi donnés redressés.",
                    "success",
                )
                return redirect(
                    url_for("results.show", survey_id=survey_id) + "#national"
                )
    return render_template(
        "results/margins.html",
        survey=survey,
        variables=[
            {
                "key": key,
                "text": frames.questions.at[key, "text"],
                "choices": [(c, frames.label(key, c)) for c in frames.codes(key)],
            }
            for key in variables
        ],
        stored=stored_margins(db, survey["diagnostic_id"]),
        labels=frames.label,
        errors=errors,
        pasted=pasted,
    ), (400 if errors else 200)
