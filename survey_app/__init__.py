"""Diagnostic territorial de l'inclusion numérique: the Flask application.

`create_app()` follows Flask's tutorial: defaults, then `instance/config.py`,
then `FLASK_*` environment variables, then the test mapping. Nothing slow or
networked happens here; the database schema is created by `flask init`.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    # Flask is imported here, not at the top: the analysis core imports the
    # survey contract (survey_app.surveys.contract) and must not load Flask.
    from flask import Flask

    from . import settings
    from .extensions import csrf

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config.from_mapping(
        # A questionnaire left open on a phone for hours must still submit:
        # the CSRF token lives as long as the (permanent) session cookie.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_I18N_ENABLED=False,  # see FlaskForm.Meta.locales in extensions.py
        PERMANENT_SESSION_LIFETIME=timedelta(days=31),
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=512 * 1024,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        # Never a fixed default: sessions simply do not survive a restart
        # until `flask init` has written instance/config.py. Said on the
        # first request, not here: `flask init` itself starts without a key.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        app.extensions["temporary_secret_key"] = True  # for `flask check-config`
        warned: list[bool] = []

        @app.before_request
        def warn_missing_secret_key() -> None:
            if not warned:
                warned.append(True)
                log.warning(
                    "SECRET_KEY manquante : lancez `flask --app survey_app init`."
                )

    os.makedirs(app.instance_path, exist_ok=True)
    app.jinja_env.add_extension("jinja2.ext.do")
    from . import inputs

    inputs.init_app(app)  # before any route: `<int:…>` and JSON limits
    csrf.init_app(app)

    from . import dates, db

    db.init_app(app)
    app.add_template_filter(dates.french_date, "date_fr")
    app.add_template_filter(dates.french_datetime, "datetime_fr")

    from . import (
        account,
        auth,
        cli,
        diagnostics,
        errors,
        home,
        page_slots,
        team,
        territory,
    )
    from .surveys import register as register_surveys

    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(diagnostics.bp)
    app.register_blueprint(territory.bp)
    app.register_blueprint(team.bp)
    app.register_blueprint(account.bp)
    page_slots.add_diagnostic_section(app, "diagnostics/_overview_section.html", 5)
    register_surveys(app)
    errors.init_app(app)
    page_slots.init_app(app)
    cli.init_app(app)

    _register_features(app)
    return app


def _register_features(app: Flask) -> None:
    """The feature packages beside survey_app, each shaped the same way
    (blueprint and views, pure core, templates, migrations)."""
    import action_plan
    import analysis.views
    import diagnostic
    import evaluation
    import facilitation
    import offer

    from . import safeguards  # headers, rate limits, push, personal data

    analysis.views.init_app(app)
    facilitation.init_app(app)
    diagnostic.init_app(app)  # the guide's steps and the portrait
    offer.init_app(app)  # actors, places, needs against offer
    action_plan.init_app(app)  # chantiers, fiches action, roadmap
    evaluation.init_app(app)  # indicators, theory of change
    safeguards.init_app(app)
