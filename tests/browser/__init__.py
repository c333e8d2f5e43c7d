"""Playwright tests against the production server (see conftest.py)."""
