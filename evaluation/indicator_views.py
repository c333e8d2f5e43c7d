"""Indicators per fiche action and their dashboard (guide step 8)."""

from .views import bp  # noqa: F401
