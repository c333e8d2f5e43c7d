"""Pages of the fiches action (annex 2), the roadmap and the exports.

Bad input re-shows the form with French messages and what was typed, and
stores nothing. A new fiche's form carries an idempotency key.
"""

from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for

from evaluation.dashboard import indicator_views
from evaluation.indicators import fiche_indicator_names
from survey_app.access import login_required, member_diagnostic
from survey_app.db import get_db

from . import exports
from . import fiches as fs
from .budget import COST_KINDS, FUNDERS, compute_budget
from .chantiers import load_chantiers
from .diagrams import roadmap_svg
from .evidence import evidence_options, resolve, survey_publics
from .views import CsrfForm, bp, checked, form_key, new_key, owned_chantier


def budget_of(fiche: dict):
    return compute_budget(fiche["years"], fiche["costs"], fiche["financing"])


def owned_fiche(diagnostic_id: int, fiche_id: int) -> dict:
    """:raise 404: no such fiche in this diagnostic."""
    fiche = fs.get_fiche(get_db(), diagnostic_id, fiche_id)
    if fiche is None:
        abort(404)
    return fiche


def form_page(diagnostic, fiche, action, errors=(), key=None, status=200):
    db = get_db()
    return render_template(
        "action_plan/fiche_form.html",
        diagnostic=diagnostic,
        fiche=fiche,
        action=action,
        errors=errors,
        key=key,
        form=CsrfForm(),
        text_fields=fs.TEXT_FIELDS,
        ages=fs.AGE_BANDS,
        genders=fs.GENDERS,
        kinds=COST_KINDS,
        funders=FUNDERS,
        options=evidence_options(db, diagnostic["id"]),
        suggested_publics=survey_publics(db, diagnostic["id"]),
    ), status


def posted_years() -> list[int]:
    years = []
    for raw in request.form.get("years", "").split(","):
        if raw.strip().isdigit() and 1990 < int(raw) < 2200:
            years.append(int(raw))
    return sorted(set(years))[:12]


@bp.get("/fiches/nouvelle")
@login_required
def new_fiche(diagnostic_id: int):
    """A blank fiche, or one pre-filled from `?chantier=`."""
    diagnostic = member_diagnostic(diagnostic_id)
    db = get_db()
    chantier_id = request.args.get("chantier", type=int)
    if chantier_id:
        fiche = fs.fiche_from_chantier(
            db, diagnostic_id, owned_chantier(diagnostic_id, chantier_id)
        )
        fiche["chantier_id"] = chantier_id
    else:
        fiche = fs.blank_fiche(db, diagnostic_id)
    fs.prefill_publics(fiche, survey_publics(db, diagnostic_id))
    action = url_for(
        "action_plan.create_fiche", diagnostic_id=diagnostic_id, chantier=chantier_id
    )
    return form_page(diagnostic, fiche, action, key=new_key())


@bp.post("/fiches")
@login_required
def create_fiche(diagnostic_id: int):
    diagnostic = checked(diagnostic_id)
    chantier_id = request.args.get("chantier", type=int)
    if chantier_id:
        owned_chantier(diagnostic_id, chantier_id)
    years = posted_years()
    fiche, errors = fs.read_form(request.form, years)
    if errors:
        fiche["years"] = years or fs.fiche_years(fiche)
        return form_page(
            diagnostic, fiche, request.full_path, errors, key=form_key(), status=422
        )
    fiche_id = fs.create_fiche(get_db(), diagnostic_id, fiche, form_key(), chantier_id)
    flash("Fiche action enregistrée.", "success")
    return redirect(
        url_for("action_plan.fiche", diagnostic_id=diagnostic_id, fiche_id=fiche_id)
    )


@bp.get("/fiches/<int:fiche_id>")
@login_required
def fiche(diagnostic_id: int, fiche_id: int):
    diagnostic = member_diagnostic(diagnostic_id)
    item = owned_fiche(diagnostic_id, fiche_id)
    return render_template(
        "action_plan/fiche.html",
        indicators=indicator_views(get_db(), diagnostic_id, fiche_id),
        diagnostic=diagnostic,
        fiche=item,
        budget=budget_of(item),
        form=CsrfForm(),
        key=new_key(),
        evidence=resolve(get_db(), diagnostic_id, item["evidence"]),
        text_fields=fs.TEXT_FIELDS,
        tables=exports.budget_tables(budget_of(item)),
    )


@bp.route("/fiches/<int:fiche_id>/modifier", methods=["GET", "POST"])
@login_required
def edit_fiche(diagnostic_id: int, fiche_id: int):
    if request.method == "POST":  # one rule: see views.from_workshop
        return update_fiche(diagnostic_id, fiche_id)
    diagnostic = member_diagnostic(diagnostic_id)
    item = owned_fiche(diagnostic_id, fiche_id)
    return form_page(diagnostic, item, request.path)


def update_fiche(diagnostic_id: int, fiche_id: int):
    diagnostic = checked(diagnostic_id)
    owned_fiche(diagnostic_id, fiche_id)
    years = posted_years()
    fiche, errors = fs.read_form(request.form, years)
    if errors:
        fiche["years"] = years or fs.fiche_years(fiche)
        return form_page(diagnostic, fiche, request.path, errors, status=422)
    fs.update_fiche(get_db(), fiche_id, fiche)
    flash("Fiche action mise à jour.", "success")
    return redirect(
        url_for("action_plan.fiche", diagnostic_id=diagnostic_id, fiche_id=fiche_id)
    )


@bp.post("/fiches/<int:fiche_id>/copie")
@login_required
def duplicate_fiche(diagnostic_id: int, fiche_id: int):
    checked(diagnostic_id)
    item = owned_fiche(diagnostic_id, fiche_id)
    key = form_key()
    if not key:
        abort(400)
    copy_id = fs.duplicate_fiche(get_db(), diagnostic_id, item, key)
    flash("Fiche dupliquée : modifiez la copie.", "success")
    return redirect(
        url_for("action_plan.edit_fiche", diagnostic_id=diagnostic_id, fiche_id=copy_id)
    )


def month_start(raw: str | None) -> date:
    try:
        day = date.fromisoformat((raw or "") + "-01")
    except ValueError:
        day = date.today()
    return day.replace(day=1)


@bp.get("/feuille-de-route")
@login_required
def roadmap(diagnostic_id: int):
    """The 3- and 6-month timelines from `?debut=YYYY-MM`, and the calendar."""
    diagnostic = member_diagnostic(diagnostic_id)
    fiches = fs.load_fiches(get_db(), diagnostic_id)
    start = month_start(request.args.get("debut"))
    years = sorted({y for f in fiches for y in f["years"]})
    return render_template(
        "action_plan/roadmap.html",
        diagnostic=diagnostic,
        fiches=fiches,
        start=start,
        years=years,
        timelines=[(m, roadmap_svg(fiches, start, m)) for m in (3, 6)],
    )


@bp.get("/fiches/<int:fiche_id>.<any(odt, docx):fmt>")
@login_required
def export_fiche(diagnostic_id: int, fiche_id: int, fmt: str):
    member_diagnostic(diagnostic_id)
    item = owned_fiche(diagnostic_id, fiche_id)
    item["indicators"] = fiche_indicator_names(get_db(), diagnostic_id, fiche_id)
    content = exports.fiche_document(
        item, budget_of(item), resolve(get_db(), diagnostic_id, item["evidence"]), fmt
    )
    return send_file(
        content,
        mimetype=exports.MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"fiche-action-{fiche_id}.{fmt}",
    )


@bp.get("/plan-d-action.<any(xlsx, ods):fmt>")
@login_required
def export_plan(diagnostic_id: int, fmt: str):
    diagnostic = member_diagnostic(diagnostic_id)
    db = get_db()
    fiches = fs.load_fiches(db, diagnostic_id)
    content = exports.plan_workbook(
        load_chantiers(db, diagnostic_id), fiches, [budget_of(f) for f in fiches], fmt
    )
    return send_file(
        content,
        mimetype=exports.MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"plan-d-action-{diagnostic['id']}.{fmt}",
    )


@bp.post("/fiches/<int:fiche_id>/supprimer")
@login_required
def delete_fiche(diagnostic_id: int, fiche_id: int):
    checked(diagnostic_id)
    owned_fiche(diagnostic_id, fiche_id)
    fs.delete_fiche(get_db(), fiche_id)
    flash("Fiche action supprimée.", "success")
    return redirect(url_for("action_plan.index", diagnostic_id=diagnostic_id))
