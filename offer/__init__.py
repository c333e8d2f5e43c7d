"""The offer of the territory: guide steps 4 and 5 (issue 11 §1–3).

Pages under `/diagnostics/<id>/offre`: actors and their resources, places of
digital help in the national schema (CSV import and export), needs against
offer (`/besoins`), inspirations (`/inspirations`).

Plain-data functions for the diagnostic document (no Flask needed):
- `schema.load_schema()` → field names, required fields, enumerations and
  patterns of the national schema, read from the npm package
  `@gouvfr-anct/lieux-de-mediation-numerique`.
- `places.load_places(db, id)` → list of dicts in the schema's fields;
  `places.export_csv(places)` → CSV text; `places.parse_places(bytes, communes)`.
- `actors.load_actors(db, id)` → actors with their `resources`;
  `actors.load_inspirations(db, id)`.
- `offer_data.needs_for_diagnostic(db, id)` → dict: table (every need ×
  commune and the territory), uncovered (the rows for the document), centres,
  mapping, answers, places; `schematic.needs_svg(table, centres)` → SVG text.
- `opening_hours.describe_hours(text)` → OSM opening hours in plain French
  (the raw text when outside the common subset); template filter `horaires`.
- `needs.needs_offer(answers, places, communes, mapping)` and
  `needs.uncovered(table)`: the pure pandas core.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages of the offer."""
    from . import views
    from .opening_hours import describe_hours

    app.register_blueprint(views.bp)
    app.add_template_filter(describe_hours, "horaires")
    # First of the app's hooks: CSRFProtect reads the body in its own hook.
    app.before_request_funcs.setdefault(None, []).insert(0, views.import_limit)
