"""The diagnostic along the national guide's steps 0–8 (issue 10).

Pages: the steps (`/diagnostics/<id>/etapes`), the territory portrait with
its CSV import and column-mapping step (`/portrait`), interviews with actors
and field observations (`/entretiens`).

Plain-data functions for the diagnostic document (each takes a
sqlite-utils Database and a diagnostic id; no Flask needed):
- `steps.diagnostic_steps(db, id)` → list of dicts per step: number, slug,
  title, advice, facts (list of French sentences), next, mark ('' | done |
  not_applicable), notes (Markdown; render with `notes.render_notes`),
  state, state_label.
- `interviews.load_framing(db, id)` → dict definition/stakes/expectations/
  orientations (labels in `interviews.FRAMING_FIELDS`).
- `interviews.load_guide(db, id)` → list of questions.
- `interviews.load_interviews(db, id)` → list of dicts: held_on (ISO),
  structure, role, key_points, quotes (list), themes (codes, labels in
  `interviews.INTERVIEW_THEMES`).
- `interviews.load_observations(db, id)` → list of dicts: observed_on,
  place, notes. `interviews.step_texts(db, id)` → texts for a word cloud.
- `portrait.load_portrait(db, id)` → dict: communes (DataFrame code, name,
  population), figures (DataFrame commune_code, indicator, value, source,
  year, url), population (DataFrame commune_code, sex, age_low, age_high,
  count, source, year, url), territory (DataFrame per indicator: label,
  unit, value, national, national_source, communes, of, basis, sources),
  table (communes × indicators), missing (French sentences), references
  (plans and local sources), sources (title, year, url).
- `pyramid.pyramid_svg(population)` → SVG text; `pyramid.pyramid_bands`.
- `document.build_document(db, id, Selection)` → the diagnostic document as
  neutral blocks (analysis/document_model.py); `document_files.write_document`
  writes it as ODT, DOCX or PDF (page `/document`, command `document`).
- `margins.diagnostic_margins(db, id)` → the weighting margins of every
  survey of the diagnostic (from the portrait when it has every commune's
  ages, else the margins typed on the survey's margins page).
"""

from flask import Blueprint, Flask

STEPS_SECTION = "diagnostic/_diagnostic_section.html"


def init_app(app: Flask) -> None:
    """Register the pages and the steps section of the diagnostic page."""
    from survey_app.db import get_db
    from survey_app.page_slots import add_diagnostic_section

    from . import display, document_cli, document_views, portrait_views, views  # noqa: F401
    from .notes import render_notes
    from .steps import diagnostic_steps

    app.register_blueprint(views.bp)
    app.register_blueprint(
        Blueprint("diagnostic_assets", __name__, static_folder="static",
                  static_url_path="/diagnostic-statique")
    )  # fmt: skip
    app.add_template_filter(render_notes, "notes")
    app.add_template_filter(display.format_figure, "figure")
    # "date_fr" is survey_app.dates's, for every page (no second one here).
    app.add_template_global(
        lambda diagnostic_id: diagnostic_steps(get_db(), diagnostic_id),
        "diagnostic_steps",
    )
    add_diagnostic_section(app, STEPS_SECTION, 10)
    document_cli.init_app(app)
