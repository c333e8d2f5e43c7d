"""Live workshops: empathy maps, vision boards, brainstorming, dot voting."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the workshop blueprints (issue 4)."""
