"""Addresses printed on posters and projected on screens.

`PUBLIC_BASE_URL` (e.g. https://enquete.mairie.fr) replaces the host the
request came from: a poster printed, or a workshop projected, from a laptop
that reaches the app on localhost must still show an address phones can open.
"""

from typing import Any

from flask import current_app, url_for

from .settings import setting


def external_url(endpoint: str, **values: Any) -> str:
    base = setting(current_app.config, "PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
