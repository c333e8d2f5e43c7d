"""Resident questionnaires: bank, builder, collection points, public form."""

from flask import Flask


def register(app: Flask) -> None:
    from . import builder, public

    app.register_blueprint(builder.bp)
    app.register_blueprint(public.bp)
