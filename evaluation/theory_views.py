"""The theory of change (guide annex 3)."""

from .views import bp  # noqa: F401
