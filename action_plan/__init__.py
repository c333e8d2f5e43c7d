"""The action plan (guide step 7, annexes 1 and 2; issue 11 §4–5).

Pages under `/diagnostics/<id>/plan`: chantiers (by hand or from a
workshop's top-voted cards), their obstacles → levers and resources (annex 1
map), fiches action (annex 2) with costs and financing, the roadmap, and
exports (fiche as ODT/DOCX, plan as XLSX/ODS).

Plain-data functions (sqlite-utils Database and diagnostic id, no Flask):
- `chantiers.load_chantiers(db, id)` → chantiers with cards (live dots),
  levers and resources; `diagrams.resource_map_svg(chantier)`.
- `fiches.load_fiches(db, id)` → fiches (lists decoded, amounts Decimal,
  `years`); `budget.compute_budget(years, costs, financing)` → Budget;
  `evidence.resolve(db, id, refs)` → the justifying figures, up to date.
"""

from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    from . import fiche_views, views  # noqa: F401 (routes of views.bp)
    from .money import format_amount_input, format_euros, format_percent

    app.register_blueprint(views.bp)
    app.register_blueprint(
        Blueprint(
            "action_plan_assets",
            __name__,
            static_folder="static",
            static_url_path="/plan-statique",
        )
    )
    app.add_template_filter(format_euros, "euros")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_amount_input, "amount_input")
