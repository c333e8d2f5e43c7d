"""Indicators per fiche action and their dashboard (guide step 8).

Every view checks membership of the diagnostic on the server; every POST
checks the CSRF token (`checked`); creations carry an idempotency key. Bad
input re-shows the form with French messages and what was typed, and
stores nothing.
"""

from flask import abort, flash, redirect, render_template, request, url_for

from action_plan.views import form_key, new_key
from diagnostic.indicators import INDICATORS
from diagnostic.views import CsrfForm, checked
from survey_app.access import login_required, member_diagnostic
from survey_app.db import get_db

from . import indicators as ind
from .charts import format_number
from .dashboard import indicator_views, view_of
from .measures import MeasureReader
from .progress import STATUS_LABELS, TOLERANCE
from .views import bp


@bp.app_template_filter("nombre")
def number_filter(value: float | None, unit: str = "") -> str:
    """A measure as French reads it: 1 234, 12,5 %."""
    return format_number(value, unit)


def owned_indicator(diagnostic_id: int, indicator_id: int) -> dict:
    """:raise 404: no such indicator in this diagnostic."""
    item = ind.get_indicator(get_db(), diagnostic_id, indicator_id)
    if item is None:
        abort(404)
    return item


def to_indicator(diagnostic_id: int, indicator_id: int, anchor: str = ""):
    url = url_for(
        "evaluation.indicator", diagnostic_id=diagnostic_id, indicator_id=indicator_id
    )
    return redirect(url + anchor)


def form_page(diagnostic, item, action, errors=(), key=None, status=200):
    db = get_db()
    return render_template(
        "evaluation/indicator_form.html",
        diagnostic=diagnostic,
        item=item,
        action=action,
        errors=errors,
        key=key,
        form=CsrfForm(),
        fiches=ind.fiche_choices(db, diagnostic["id"]),
        questions=ind.survey_questions(db, diagnostic["id"]),
        portrait=INDICATORS,
        frequencies=ind.FREQUENCIES,
        kinds=ind.SOURCE_KINDS,
    ), status


def blank(fiche_id: int | None) -> dict:
    item = dict.fromkeys(ind.COLUMNS)
    item.update(fiche_id=fiche_id, source_kind="manual", choices=[], frequency="")
    return item


@bp.route("/indicateurs", methods=["GET", "POST"])
@login_required
def dashboard(diagnostic_id: int):
    """Every indicator of the diagnostic with its status, by fiche action."""
    if request.method == "POST":  # one rule: see action_plan.views.from_workshop
        return create_indicator(diagnostic_id)
    diagnostic = member_diagnostic(diagnostic_id)
    db = get_db()
    views = indicator_views(db, diagnostic_id)
    return render_template(
        "evaluation/dashboard.html",
        diagnostic=diagnostic,
        views=views,
        fiches=ind.fiche_choices(db, diagnostic_id),
        labels=STATUS_LABELS,
        tolerance=round(TOLERANCE * 100),
    )


@bp.get("/indicateurs/nouveau")
@login_required
def new_indicator(diagnostic_id: int):
    """A blank indicator, for the fiche `?fiche=` if given."""
    diagnostic = member_diagnostic(diagnostic_id)
    item = blank(request.args.get("fiche", type=int))
    action = url_for("evaluation.dashboard", diagnostic_id=diagnostic_id)
    return form_page(diagnostic, item, action, key=new_key())


def create_indicator(diagnostic_id: int):
    diagnostic = checked(diagnostic_id)
    db = get_db()
    fiche_ids = [f["id"] for f in ind.fiche_choices(db, diagnostic_id)]
    item, errors = ind.read_form(
        request.form, fiche_ids, ind.survey_questions(db, diagnostic_id)
    )
    if errors:
        return form_page(
            diagnostic, item, request.path, errors, key=form_key(), status=422
        )
    indicator_id = ind.create_indicator(db, diagnostic_id, item, form_key())
    flash("Indicateur enregistré.", "success")
    return to_indicator(diagnostic_id, indicator_id)


def indicator_page(diagnostic, indicator_id, errors=(), typed=None, status=200):
    db = get_db()
    item = owned_indicator(diagnostic["id"], indicator_id)
    return render_template(
        "evaluation/indicator.html",
        diagnostic=diagnostic,
        view=view_of(MeasureReader(db, diagnostic["id"]), item),
        form=CsrfForm(),
        key=new_key() if not typed else form_key(),
        errors=errors,
        typed=typed or {},
        kinds=ind.SOURCE_KINDS,
        frequencies=ind.FREQUENCIES,
        questions=ind.survey_questions(db, diagnostic["id"]),
        portrait=INDICATORS,
        tolerance=round(TOLERANCE * 100),
    ), status


@bp.get("/indicateurs/<int:indicator_id>")
@login_required
def indicator(diagnostic_id: int, indicator_id: int):
    """One indicator: its chart, its values as a table, a form to add one."""
    diagnostic = member_diagnostic(diagnostic_id)
    owned_indicator(diagnostic_id, indicator_id)
    return indicator_page(diagnostic, indicator_id)


@bp.route("/indicateurs/<int:indicator_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_indicator(diagnostic_id: int, indicator_id: int):
    if request.method == "POST":
        return update_indicator(diagnostic_id, indicator_id)
    diagnostic = member_diagnostic(diagnostic_id)
    item = owned_indicator(diagnostic_id, indicator_id)
    return form_page(diagnostic, item, request.path)


def update_indicator(diagnostic_id: int, indicator_id: int):
    diagnostic = checked(diagnostic_id)
    owned_indicator(diagnostic_id, indicator_id)
    db = get_db()
    fiche_ids = [f["id"] for f in ind.fiche_choices(db, diagnostic_id)]
    item, errors = ind.read_form(
        request.form, fiche_ids, ind.survey_questions(db, diagnostic_id)
    )
    if errors:
        item["id"] = indicator_id
        return form_page(diagnostic, item, request.path, errors, status=422)
    ind.update_indicator(db, indicator_id, item)
    flash("Indicateur mis à jour.", "success")
    return to_indicator(diagnostic_id, indicator_id)


@bp.post("/indicateurs/<int:indicator_id>/supprimer")
@login_required
def delete_indicator(diagnostic_id: int, indicator_id: int):
    """Delete an indicator and its hand-entered measures."""
    checked(diagnostic_id)
    owned_indicator(diagnostic_id, indicator_id)
    ind.delete_indicator(get_db(), indicator_id)
    flash("Indicateur supprimé.", "success")
    return redirect(url_for("evaluation.dashboard", diagnostic_id=diagnostic_id))


@bp.post("/indicateurs/<int:indicator_id>/mesures")
@login_required
def add_measure(diagnostic_id: int, indicator_id: int):
    diagnostic = checked(diagnostic_id)
    owned_indicator(diagnostic_id, indicator_id)
    measure, errors = ind.read_measure(request.form)
    if errors:
        typed = {k: request.form.get(k, "") for k in ("measured_on", "value", "source")}
        return indicator_page(diagnostic, indicator_id, errors, typed, status=422)
    ind.add_measure(get_db(), indicator_id, measure, form_key())
    flash("Mesure enregistrée.", "success")
    return to_indicator(diagnostic_id, indicator_id, "#valeurs")


@bp.post("/indicateurs/<int:indicator_id>/mesures/<int:measure_id>/supprimer")
@login_required
def delete_measure(diagnostic_id: int, indicator_id: int, measure_id: int):
    checked(diagnostic_id)
    owned_indicator(diagnostic_id, indicator_id)
    if not ind.delete_measure(get_db(), indicator_id, measure_id):
        abort(404)
    flash("Mesure supprimée.", "success")
    return to_indicator(diagnostic_id, indicator_id, "#valeurs")
