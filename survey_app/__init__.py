"""Diagnostic territorial de l'inclusion numérique: the Flask application.

`create_app()` follows Flask's tutorial: defaults, then `instance/config.py`,
then `FLASK_*` environment variables, then the test mapping. Nothing slow or
networked happens here; the database schema is created by `flask init`.
"""

import logging
import os
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
# Every form speaks French, including WTForms' built-in messages ("This field
# is required"), without pulling in Flask-Babel for a single language.
FlaskForm.Meta.locales = ("fr_FR", "fr")
log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "app.db"),
        # A questionnaire left open on a phone for hours must still submit:
        # the CSRF token lives as long as the (permanent) session cookie.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_I18N_ENABLED=False,  # see FlaskForm.Meta.locales above
        PERMANENT_SESSION_LIFETIME=timedelta(days=31),
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=512 * 1024,
        GEO_DATA_DIR=os.path.join(
            os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
            "node_modules",
            "@etalab",
            "decoupage-administratif",
        ),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        # Never a fixed default: sessions simply do not survive a restart
        # until `flask init` has written instance/config.py. Said on the
        # first request, not here: `flask init` itself starts without a key.
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        warned = []

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

    from . import db, timefmt

    db.init_app(app)
    timefmt.init_app(app)

    from . import (
        account,
        auth,
        cli,
        diagnostics,
        errors,
        extensions,
        home,
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
    extensions.add_diagnostic_section(app, "diagnostics/_overview_section.html", 5)
    register_surveys(app)
    errors.init_app(app)
    extensions.init_app(app)
    cli.init_app(app)

    import action_plan
    import analysis.views
    import diagnostic
    import facilitation

    analysis.views.init_app(app)
    facilitation.init_app(app)
    diagnostic.init_app(app)  # the guide's steps and the portrait (issue 10)
    action_plan.init_app(app)  # chantiers, fiches action, roadmap (issue 11)
    from . import fieldwork  # security headers, rate limits, push, RGPD

    fieldwork.init_app(app)
    return app
