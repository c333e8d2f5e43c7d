"""Field work and care of data: wires the pieces of issue 5 into the app.

Security headers, rate limits, web push, privacy pages, background jobs,
backup and restore; the VAPID key pair is created by `flask init`.
"""

import click
from flask import Flask, current_app

from . import backup, maintenance, privacy, push, push_views, ratelimit, security
from .page_slots import add_diagnostic_section, add_init_hook


def create_vapid_keys() -> None:
    """`flask init` hook: the key pair push services know this server by."""
    if push.ensure_vapid_keys(current_app.instance_path):
        click.echo("Clés de notification (VAPID) créées dans instance/.")


def init_app(app: Flask) -> None:
    security.init_app(app)
    ratelimit.init_app(app)
    privacy.init_app(app)
    app.register_blueprint(push_views.bp)
    maintenance.init_app(app)
    backup.init_app(app)
    add_init_hook(app, create_vapid_keys)
    add_diagnostic_section(app, "privacy/_section.html", 15)
