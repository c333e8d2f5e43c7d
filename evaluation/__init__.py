"""Evaluation of the diagnostic over time: guide step 8 and annex 3 (issue 12
§1–2).

Pages under `/diagnostics/<id>/evaluation`: indicators per fiche action with
their measured values and progress charts, the indicators' dashboard, and the
theory of change (resources → activities → outputs → outcomes → impact).
"""

from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    """Register the evaluation pages."""
    from . import (  # noqa: F401 (routes of views.bp)
        indicator_views,
        theory_views,
        wave_views,  # survey waves compared (issue 12 §3)
    )
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(
        Blueprint(
            "evaluation_assets",
            __name__,
            static_folder="static",
            static_url_path="/evaluation-statique",
        )
    )
    wave_views.init_app(app)
