"""Live workshops: empathy maps, vision boards, brainstorming, dot voting,
impact × feasibility matrices."""

from flask import Flask

# The diagnostic page lists the workshops with this template (pages side).
DIAGNOSTIC_SECTION = "facilitation/_diagnostic_section.html"


def init_app(app: Flask) -> None:
    """Register the workshop blueprints."""
    from survey_app.page_slots import add_diagnostic_section

    from . import api, downloads, staff_api, views

    app.register_blueprint(api.bp)
    app.register_blueprint(staff_api.bp)
    app.register_blueprint(staff_api.create_bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(views.bp)  # the HTML pages
    add_diagnostic_section(app, DIAGNOSTIC_SECTION, 40)
