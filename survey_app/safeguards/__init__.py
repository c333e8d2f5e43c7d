"""Safeguards around the features: what protects residents, data and the server.

headers.py (security headers, CSP), ratelimit.py (the one rate limiter),
honeypot.py (robots on public forms), push.py and push_views.py (web push
alerts), maintenance.py (background jobs, purge), backup.py (backup and
restore), privacy_views.py (privacy pages) and personal_data.py (retention,
deletion, record of processing); migrations.py holds their tables. The VAPID
key pair is created by `flask init`.
"""

import click
from flask import Flask, current_app

from ..page_slots import add_diagnostic_section, add_init_hook
from . import (
    backup,
    headers,
    maintenance,
    privacy_views,
    push,
    push_views,
    ratelimit,
)


def create_vapid_keys() -> None:
    """`flask init` hook: the key pair push services know this server by."""
    if push.ensure_vapid_keys(current_app.instance_path):
        click.echo("Clés de notification (VAPID) créées dans instance/.")


def init_app(app: Flask) -> None:
    headers.init_app(app)
    ratelimit.init_app(app)
    privacy_views.init_app(app)
    app.register_blueprint(push_views.bp)
    maintenance.init_app(app)
    backup.init_app(app)
    add_init_hook(app, create_vapid_keys)
    add_diagnostic_section(app, "privacy/_section.html", 15)
