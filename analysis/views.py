"""Results pages and exports (issue 3)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the results blueprint and the export command (issue 3)."""
