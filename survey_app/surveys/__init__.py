"""Resident questionnaires: bank, builder, collection points, public form."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the survey contract (contract.py) is read without Flask
    from flask import Flask


def register(app: Flask) -> None:
    from .. import field
    from . import (
        builder,
        checks,
        dashboard,
        erasure,
        points,
        preview,
        public,
        relaunch_views,
    )

    builder.register(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(points.bp)
    points.init_app(app)
    app.register_blueprint(dashboard.bp)
    dashboard.init_app(app)
    erasure.init_app(app)
    preview.init_app(app)
    app.register_blueprint(checks.bp)
    app.register_blueprint(relaunch_views.bp)  # survey waves (issue 12 §3)
    checks.init_app(app)
    field.register(app)  # kiosk, paper entry, offline sync (survey_app/field)
