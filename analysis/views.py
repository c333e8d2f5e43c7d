"""Results pages and exports.

`results.show` is the page a conseiller projects in a meeting or prints:
per-question summaries (chart + table), filters as a plain GET form, a
cross-tab picker, priority publics, the national comparison (raw and
weighted) and the words of the open answers. A small static script
refreshes it every 30 s while answers arrive; without JavaScript the
"Actualiser" link does the same. `results.export` serves the same data as
files (exports.py), filtered like the page when filters are given.
"""

import time
from dataclasses import dataclass
from io import BytesIO

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from diagnostic.margins import diagnostic_margins, reweighted
from survey_app.access import login_required, member_survey
from survey_app.db import get_db
from survey_app.page_slots import add_survey_tab
from survey_app.safeguards.push import notify_user
from survey_app.surveys.contract import POINT_KINDS

from . import cli, open_data_cli, result_blocks, sections
from .exports import FORMAT_LABELS, FORMATS, export, export_filename
from .filters import Filters, apply_filters, parse_filters, profile_keys
from .frames import SurveyFrames, load_survey
from .margins import (
    CATEGORIES,
    MarginsError,
    load_margins,
    read_margins_csv,
    save_margins,
)
from .margins import (
    categories as margin_categories,
)
from .population_weights import Weighting

# Past this, an export is announced by a push notification (see export_file).
SLOW_EXPORT_SECONDS = 5.0

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


@dataclass
class Loaded:
    frames: SurveyFrames  # every response (weighted if margins exist)
    shown: SurveyFrames  # the responses matching the filters
    filters: Filters
    errors: list[str]
    points: list[dict]
    weighting: Weighting


def _load(survey_id: int) -> Loaded:
    """The survey's frames, re-weighted, then filtered by the query string."""
    db = get_db()
    frames, weighting = reweighted(db, load_survey(db, survey_id))
    points = _points(survey_id)
    filters, errors = parse_filters(request.args, frames, {p["id"] for p in points})
    shown = apply_filters(frames, filters)
    return Loaded(frames, shown, filters, errors, points, weighting)


@bp.get("/enquetes/<int:survey_id>/resultats")
@login_required
def show(survey_id: int):
    """The results page. :raise 403: not a member. :raise 404: no such survey."""
    survey = member_survey(survey_id)
    data = _load(survey_id)
    frames, shown, filters = data.frames, data.shown, data.filters
    cross_key = request.args.get("question", "")
    cross_by = request.args.get("selon", "")
    has_answers = bool(len(shown.wide))
    # ?vue=resume: one line per question, a few printed pages (issue 8 D8).
    summary_view = request.args.get("vue") == "resume"
    blocks = result_blocks.question_blocks(shown) if has_answers else []
    context = {
        "survey": survey,
        "points": data.points,
        "filters": filters,
        "filter_errors": data.errors,
        "weighting": data.weighting,
        "effective_size": sections.effective_size_text(
            data.weighting.n, data.weighting.n_effective
        ),
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
        "blocks": blocks,
        "summary_view": summary_view,
        "summary": result_blocks.summary_table(blocks) if summary_view else None,
        "cross_options": result_blocks.crosstab_options(frames),
        "cross_key": cross_key,
        "cross_by": cross_by,
        "crosstab": result_blocks.crosstab_block(shown, cross_key, cross_by)
        if cross_key and cross_by and has_answers
        else None,
        # The summary keeps the most affected group per indicator only.
        "priority": sections.priority_block(shown, top=1 if summary_view else 3)
        if has_answers
        else None,
        "national": sections.national_block(shown, compact=summary_view)
        if has_answers
        else None,
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
    buffer = BytesIO()
    started = time.monotonic()
    export(_load(survey_id).shown, fmt, buffer)
    buffer.seek(0)
    if time.monotonic() - started > SLOW_EXPORT_SECONDS:
        # A big export takes a while: the conseiller may have switched to
        # another tab or app; their phone or computer says when it is there.
        notify_user(
            g.user["id"],
            "Export prêt",
            f"Le fichier {export_filename(survey, fmt)} est téléchargé.",
            url_for("results.show", survey_id=survey_id),
        )
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


@bp.route("/enquetes/<int:survey_id>/resultats/marges", methods=["GET", "POST"])
@login_required
def margins(survey_id: int):
    """Enter or import population margins used to re-weight the results.

    Margins belong to the diagnostic (every survey of it is re-weighted).
    Nothing is stored unless the whole file is valid.
    :raise 403: not a member. :raise 404: no such survey.
    """
    survey = member_survey(survey_id)
    db = get_db()
    diagnostic_id = survey["diagnostic_id"]
    error, pasted, status = "", "", 200
    stored = diagnostic_margins(db, diagnostic_id)  # the portrait's (issue 10)
    from_portrait = _from_portrait(stored)
    if request.method == "POST" and from_portrait:
        # What is typed here would be ignored while the portrait has ages.
        message = (
            "Rien n'a été changé : les chiffres de population viennent du "
            "portrait du territoire. Modifiez-les dans le portrait."
        )
        flash(message, "error")
        return redirect(url_for("results.margins", survey_id=survey_id))
    if request.method == "POST":
        if request.form.get("action") == "effacer":
            save_margins(db, diagnostic_id, load_margins(db, diagnostic_id).head(0))
            flash("Les données de population sont effacées : résultats non redressés.",
                  "success")  # fmt: skip
            return redirect(url_for("results.margins", survey_id=survey_id))
        upload = request.files.get("fichier")
        pasted = request.form.get("donnees", "")
        data = upload.read() if upload and upload.filename else pasted.encode()
        source = (request.form.get("source") or "").strip()[:200]
        try:
            found = read_margins_csv(data, communes=_communes(diagnostic_id) or None)
            save_margins(db, diagnostic_id, found, source)
        except MarginsError as exc:
            error, status = str(exc), 400
        else:
            _frames, weighting = reweighted(db, load_survey(db, survey_id))
            if weighting.error:
                message = (
                    "Chiffres enregistrés, mais le redressement est impossible : "
                    + weighting.error
                )
                flash(message, "error")
            else:
                message = (
                    f"{len(found)} chiffre(s) de population enregistré(s) : les "
                    "résultats sont maintenant aussi donnés redressés."
                )
                flash(message, "success")
            return redirect(url_for("results.show", survey_id=survey_id) + "#national")
    return render_template(
        "results/margins.html",
        survey=survey,
        from_portrait=from_portrait,
        stored=[
            {
                **row,
                "label": margin_categories(row["variable"]).get(
                    row["category"], row["category"]
                ),
            }
            for row in stored.to_dict("records")
        ],
        categories=CATEGORIES,
        error=error,
        pasted=pasted,
    ), status


def _from_portrait(margins) -> bool:
    """Whether the diagnostic's margins come from its portrait (step 2)."""
    return bool(len(margins)) and str(margins["source"].iloc[0]).startswith(
        "Portrait du territoire"
    )


def _communes(diagnostic_id: int) -> set[str]:
    """INSEE codes of the diagnostic's territory (to pick POP1B lines)."""
    rows = get_db().execute(
        "SELECT commune_code FROM diagnostic_communes WHERE diagnostic_id = ?",
        [diagnostic_id],
    )
    return {r[0] for r in rows}


def init_app(app: Flask) -> None:
    """Register the results blueprint, its survey tab and the export commands."""
    app.register_blueprint(bp)
    add_survey_tab(app, "results.show", "Résultats", 40)
    cli.init_app(app)
    open_data_cli.init_app(app)
